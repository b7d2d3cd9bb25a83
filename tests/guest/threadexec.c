/*
 * execve from a thread that is not the leader, while the leader sleeps and a
 * third thread spins: the new image runs as the process (same pid, one
 * thread, the argv the thread passed), as Linux's de_thread() leaves it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static char *self;

static void *spin(void *a)
{
	(void)a;
	for (volatile unsigned long i = 0;; i++)
		;
	return NULL;
}

static void *exec_it(void *a)
{
	(void)a;
	execl(self, self, "child", "from a thread", (char *)NULL);
	perror("exec");
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t s, e;
	pid_t pid;
	int st;

	if (argc > 2) {
		printf("%s: argc %d, pid %d, tid == pid %d\n", argv[2], argc, getpid(),
		       gettid() == getpid());
		return 7;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	self = argv[0];
	pid = fork();
	if (pid == 0) {
		pthread_create(&s, NULL, spin, NULL);
		pthread_create(&e, NULL, exec_it, NULL);
		for (;;)
			pause();
	}
	waitpid(pid, &st, 0);
	printf("child %s %d\n", WIFEXITED(st) ? "exited" : "killed", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}
