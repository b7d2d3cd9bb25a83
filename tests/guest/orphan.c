/*
 * Orphan reparenting: init forks A; A forks B and exits; B sees its parent
 * change to 1. Init reaps A, then B.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
	int p[2], q[2], st, n = 0, codes[8], e;
	pid_t pids[8];
	pid_t a, w;
	char c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(p) || pipe(q))
		return 2;
	a = fork();
	if (a == 0) {
		pid_t b;

		printf("A pid %d ppid %d\n", getpid(), getppid());
		b = fork();
		if (b == 0) {
			pid_t pp = getppid();
			int i;

			printf("B pid %d ppid before %d\n", getpid(), pp);
			close(p[1]);
			close(q[0]);
			close(q[1]);	/* tells A to go */
			while (read(p[0], &c, 1) > 0)	/* EOF: A and init closed it */
				;
			for (i = 0; i < 5000 && getppid() == pp; i++)
				usleep(1000);
			printf("B ppid after %d\n", getppid());
			_exit(5);
		}
		close(q[1]);
		while (read(q[0], &c, 1) > 0)
			;
		_exit(3);
	}
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	/* print after B is gone: B prints too */
	while (n < 8 && (w = wait(&st)) > 0) {
		pids[n] = w;
		codes[n++] = WEXITSTATUS(st);
	}
	e = errno;
	for (int i = 0; i < n; i++)
		printf("init reaped %d exit %d\n", pids[i], codes[i]);
	printf("then %s\n", e == ECHILD ? "ECHILD" : "?");
	return 0;
}
