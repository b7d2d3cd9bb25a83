/* Shared helpers for the bench guest programs (static, run natively and under umk). */
#ifndef BENCH_H
#define BENCH_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline long bench_iters(int argc, char **argv)
{
	char *end;
	long n;

	if (argc < 2) {
		fprintf(stderr, "usage: %s ITERATIONS [...]\n", argv[0]);
		exit(2);
	}
	n = strtol(argv[1], &end, 10);
	if (*end || n < 0) {
		fprintf(stderr, "%s: bad iteration count '%s'\n", argv[0], argv[1]);
		exit(2);
	}
	return n;
}

/* One machine-readable line on stdout: run.sh picks "ns/op=" out of it. */
static inline void bench_report(const char *name, long n, double ns)
{
	printf("%s iters=%ld ns=%.0f ns/op=%.1f\n", name, n, ns, n ? ns / n : 0.0);
	fflush(stdout);
}
#endif
