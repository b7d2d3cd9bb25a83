/*
 * Two CPU-bound processes: forks 2 children that each spin N units of
 * arithmetic (no syscalls), and reports the wall time of the whole (fork to
 * last wait) plus the parallelism = (sum of the children's CPU time) / wall.
 * About 2.0 means both ran at once on two CPUs; about 1.0 means serialized.
 *     parallel N [WORKERS]
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

static uint64_t spin(long units)
{
	uint64_t x = 88172645463325252ULL;

	for (long i = 0; i < units; i++)
		for (int k = 0; k < 1000; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
	return x;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	int workers = argc > 2 ? atoi(argv[2]) : 2;
	int fds[2];
	double t0, wall, cpu = 0;

	if (workers < 1 || workers > 64 || pipe(fds) < 0) {
		fprintf(stderr, "parallel: bad worker count or pipe failed\n");
		return 2;
	}
	t0 = bench_now();
	for (int w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("parallel: fork");
			return 1;
		}
		if (pid == 0) {
			double c0 = cpu_now();
			volatile uint64_t sink = spin(n);
			double c = cpu_now() - c0;

			(void)sink;
			if (write(fds[1], &c, sizeof(c)) != sizeof(c))
				_exit(1);
			_exit(0);
		}
	}
	for (int w = 0; w < workers; w++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "parallel: a worker failed\n");
			return 1;
		}
	}
	wall = bench_now() - t0;
	for (int w = 0; w < workers; w++) {
		double c;

		if (read(fds[0], &c, sizeof(c)) != sizeof(c)) {
			fprintf(stderr, "parallel: lost a worker's CPU time\n");
			return 1;
		}
		cpu += c;
	}
	printf("parallel iters=%ld ns=%.0f ns/op=%.1f workers=%d parallelism=%.2f\n",
	       n, wall, n ? wall / n : 0.0, workers, wall > 0 ? cpu / wall : 0.0);
	return 0;
}
