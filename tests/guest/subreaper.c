/*
 * PR_SET_CHILD_SUBREAPER: an orphan goes to the nearest subreaper ancestor,
 * not to init; PR_GET_CHILD_SUBREAPER and PR_GET_PDEATHSIG read back.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(void)
{
	int st, v = -1, p[2];
	pid_t s, a;

	setvbuf(stdout, NULL, _IONBF, 0);
	s = fork();
	if (s == 0) {
		char c;

		printf("set subreaper: %d\n", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
		prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
		printf("get subreaper: %d\n", v);
		if (pipe(p))
			_exit(1);
		a = fork();
		if (a == 0) {
			if (fork() == 0) {
				close(p[1]);
				if (read(p[0], &c, 1) < 0)	/* until A is gone */
					_exit(1);
				printf("orphan's parent: %d (the subreaper is 2)\n", getppid());
				prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
				prctl(PR_GET_PDEATHSIG, &v, 0, 0, 0);
				printf("pdeathsig: %d\n", v);
				_exit(0);
			}
			_exit(0);
		}
		close(p[0]);
		waitpid(a, &st, 0);
		close(p[1]);	/* A reaped: let the orphan look */
		printf("reaped orphan: %d\n", wait(&st) > 0);
		_exit(0);
	}
	waitpid(s, &st, 0);
	printf("init saw no orphan: %d\n", wait(&st) < 0);
	return 0;
}
