/* fork + _exit + waitpid, like fork_wait, from a parent that has touched every
 * page of a 64 MiB anonymous private mapping: what a fork costs with memory to
 * share or copy. The touching is outside the timed loop. */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "bench.h"

#define LEN (64UL << 20)
#define PAGE 4096UL

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	volatile char *big = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0;

	if (big == MAP_FAILED) {
		perror("fork_big: mmap");
		return 1;
	}
	for (unsigned long off = 0; off < LEN; off += PAGE)
		big[off] = (char)(off / PAGE) | 1;
	t0 = bench_now();
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork_big: fork");
			return 1;
		}
		if (pid == 0)
			_exit(big[LEN - PAGE] ? 7 : 8);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 7) {
			fprintf(stderr, "fork_big: bad wait for %d: status %#x\n", (int)pid, status);
			return 1;
		}
	}
	bench_report("fork_big", n, bench_now() - t0);
	return 0;
}
