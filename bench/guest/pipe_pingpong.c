/*
 * Pipe ping-pong between two processes: one byte each way per op. Native
 * I/O (0 stops under umk); the signal machinery must cost it nothing.
 */
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	int ab[2], ba[2];
	char c = 'x';
	double t0;
	pid_t pid;

	if (pipe(ab) < 0 || pipe(ba) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (long i = 0; i < n; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t0 = bench_now();
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	bench_report("pipepingpong", n, bench_now() - t0);
	waitpid(pid, NULL, 0);
	return 0;
}
