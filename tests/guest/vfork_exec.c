/* vfork + exec: the parent resumes after the child's exec, and reaps it. */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

static void run(const char *what, char *const argv[])
{
	int st;
	pid_t c = vfork();

	if (c == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (c < 0) {
		perror("vfork");
		return;
	}
	if (waitpid(c, &st, 0) != c) {
		perror("waitpid");
		return;
	}
	printf("%s: pid %d ", what, c);
	if (WIFEXITED(st))
		printf("exited %d\n", WEXITSTATUS(st));
	else
		printf("signaled %d\n", WTERMSIG(st));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	run("true", (char *[]){ "/bin/true", NULL });
	run("false", (char *[]){ "/bin/false", NULL });
	run("sh exit 5", (char *[]){ "/bin/sh", "-c", "exit 5", NULL });
	run("sh echo", (char *[]){ "/bin/sh", "-c", "echo child pid $$", NULL });
	run("missing", (char *[]){ "/no/such/program", NULL });
	run("kill self", (char *[]){ "/bin/sh", "-c", "kill -USR1 $$", NULL });
	return 0;
}
