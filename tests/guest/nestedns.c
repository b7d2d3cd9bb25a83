/*
 * A nested pid namespace: its init is pid 1 inside, and from the parent
 * namespace it only receives the signals it handles, except SIGKILL, which is
 * forced (pid_namespaces(7)).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void)
{
	int p[2], st;
	char c;
	pid_t child;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(p))
		return 1;
	child = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
	if (child < 0) {
		perror("clone");
		return 1;
	}
	if (child == 0) {
		pid_t g;

		printf("inner init: pid %d ppid %d\n", (int)syscall(SYS_getpid),
		       (int)syscall(SYS_getppid));
		g = fork();
		if (g == 0) {
			printf("inner child: pid %d ppid %d\n", getpid(), getppid());
			_exit(0);
		}
		waitpid(g, &st, 0);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(p[0], &c, 1) != 1)
		return 1;
	printf("kill SIGTERM: %d\n", kill(child, SIGTERM));
	usleep(200000);
	printf("alive after SIGTERM: %d\n", waitpid(child, &st, WNOHANG) == 0);
	printf("kill SIGKILL: %d\n", kill(child, SIGKILL));
	waitpid(child, &st, 0);
	printf("inner init died of signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}
