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

static void set_adj(const char *v)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (!f || fputs(v, f) < 0 || fclose(f) != 0)
		_exit(4);
}

/* A child holding mb MiB with oom_score_adj adj; it says so on p. */
static pid_t holder(int p, size_t mb, const char *adj)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *m = mmap(NULL, mb << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			_exit(3);
		set_adj(adj);
		memset(m, 1, mb << 20);
		write(p, "r", 1);
		for (;;)
			pause();
	}
	return pid;
}

/*
 * `oom adj`: the victim is chosen by badness with oom_score_adj: a small
 * process with +1000 goes before a big one, one with -1000 never; a grower
 * that stops once the favoured victim is gone lives.
 */
static int adj_order(void)
{
	int p[2];
	char c;
	pid_t big, small, grower;

	if (pipe(p) < 0)
		return 1;
	big = holder(p[1], 24, "-1000");
	read(p[0], &c, 1);
	small = holder(p[1], 4, "1000");
	read(p[0], &c, 1);
	printf("small's oom_score_adj set\n");
	grower = fork();
	if (grower == 0) {
		while (kill(small, 0) == 0) {
			char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (m == MAP_FAILED)
				_exit(3);
			memset(m, 1, 1 << 20);
			usleep(2000);
		}
		_exit(0);
	}
	report("favoured victim (+1000, 4M)", small);
	report("grower", grower);
	printf("exempt one (-1000, 24M) alive: %d\n",
	       kill(big, 0) == 0 && waitpid(big, NULL, WNOHANG) == 0);
	kill(big, SIGTERM);
	report("exempt one", big);
	return 0;
}

int main(int argc, char **argv)
{
	int p[2];
	char c;
	pid_t small, hog;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "adj"))
		return adj_order();
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
