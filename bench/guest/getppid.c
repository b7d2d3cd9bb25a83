/* getppid loop: the cheapest syscall umk emulates (one ptrace stop each). */
#define _GNU_SOURCE
#include <unistd.h>
#include <sys/syscall.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	volatile long sink = 0;
	double t0 = bench_now();

	for (long i = 0; i < n; i++)
		sink += syscall(SYS_getppid);	/* raw syscall: no libc caching */
	bench_report("getppid", n, bench_now() - t0);
	return sink < 0;
}
