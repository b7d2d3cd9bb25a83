/*
 * The pipeline `find DIR -xdev | wc -l`, N times, with busybox's applets
 * and no shell:
 *   find_wc N BUSYBOX DIR
 * forks BUSYBOX as "find DIR -xdev" with stdout into a pipe to BUSYBOX as
 * "wc -l", whose output comes back here; per op = one whole pipeline (both
 * forks, execs, the walk, the count and both waits). Every run must count
 * the same number of entries, printed as "entries=K" on the report line.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

/* The pipes are O_CLOEXEC: a child keeps only its own stdin and stdout. */
static pid_t spawn(const char *busybox, char *const argv[], int in, int out)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("find_wc: fork");
		exit(1);
	}
	if (pid == 0) {
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(126);
		execv(busybox, argv);
		_exit(127);
	}
	return pid;
}

static int reap(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "find_wc: %s: status %#x\n", what, status);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv), entries = -1;
	double t0;

	if (argc != 4) {
		fprintf(stderr, "usage: find_wc N BUSYBOX DIR\n");
		return 2;
	}
	char *find_argv[] = { "find", argv[3], "-xdev", NULL };
	char *wc_argv[] = { "wc", "-l", NULL };

	t0 = bench_now();
	for (long i = 0; i < n; i++) {
		int p1[2], p2[2];
		char buf[64];
		ssize_t len = 0, r;
		long k;

		if (pipe2(p1, O_CLOEXEC) || pipe2(p2, O_CLOEXEC)) {
			perror("find_wc: pipe");
			return 1;
		}
		/* find: stdin ours, stdout p1; wc: stdin p1, stdout p2. */
		pid_t f = spawn(argv[2], find_argv, 0, p1[1]);
		pid_t w = spawn(argv[2], wc_argv, p1[0], p2[1]);

		close(p1[0]);
		close(p1[1]);
		close(p2[1]);
		while (len < (ssize_t)sizeof(buf) - 1 &&
		       (r = read(p2[0], buf + len, sizeof(buf) - 1 - len)) > 0)
			len += r;
		close(p2[0]);
		buf[len] = 0;
		if (reap(f, "find") || reap(w, "wc"))
			return 1;
		k = strtol(buf, NULL, 10);
		if (k <= 0 || (entries >= 0 && k != entries)) {
			fprintf(stderr, "find_wc: run %ld counted '%s' (before: %ld)\n", i, buf, entries);
			return 1;
		}
		entries = k;
	}
	double ns = bench_now() - t0;

	/* bench_report's line plus the count (run.sh reads "entries="). */
	printf("find_wc iters=%ld ns=%.0f ns/op=%.1f entries=%ld\n", n, ns, n ? ns / n : 0.0,
	       n ? entries : 0);
	return 0;
}
