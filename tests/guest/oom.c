/*
 * Run under `umk run --memory 64M`: a process that allocates without end is
 * killed by umk's OOM killer (SIGKILL) while a small sibling survives; one
 * that faults its memory in with no syscall at all too. Prints what
 * happened; exits 0.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static void report(const char *who, pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		printf("%s: lost\n", who);
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", who, sigabbrev_np(WTERMSIG(st)));
	else
		printf("%s: exit %d\n", who, WEXITSTATUS(st));
}

int main(void)
{
	int p[2];
	char c;
	pid_t small, hog;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(p) < 0)
		return 1;
	small = fork();
	if (small == 0) {
		char *m = malloc(4 << 20);

		memset(m, 1, 4 << 20);
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	read(p[0], &c, 1);

	/* 1 MiB at a time, each a syscall. */
	hog = fork();
	if (hog == 0) {
		for (;;) {
			char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (m == MAP_FAILED)
				_exit(3);
			memset(m, 1, 1 << 20);
		}
	}
	report("mmap hog", hog);

	/* One mapping, faulted in without another syscall. */
	hog = fork();
	if (hog == 0) {
		char *m = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (m == MAP_FAILED)
			_exit(3);
		for (size_t i = 0; i < (1UL << 30); i += 4096)
			m[i] = 1;
		_exit(0);
	}
	report("fault hog", hog);

	printf("small one alive: %d\n", kill(small, 0) == 0 && waitpid(small, NULL, WNOHANG) == 0);
	kill(small, SIGTERM);
	report("small one", small);
	return 0;
}
