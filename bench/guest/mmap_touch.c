/* mmap 1 MiB anonymous private, write one byte in each of its 256 pages,
 * munmap: the guest memory calls plus the page faults of fresh memory.
 * An optional second argument sets the size in MiB (8 MiB is past what umk
 * recycles, so every page is a fresh one under umk too). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include "bench.h"

#define PAGE 4096UL

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	unsigned long len = (argc > 2 ? strtoul(argv[2], NULL, 10) : 1) << 20;
	double t0;

	if (!len) {
		fprintf(stderr, "mmap_touch: bad size\n");
		return 2;
	}
	t0 = bench_now();

	for (long i = 0; i < n; i++) {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap_touch: mmap");
			return 1;
		}
		for (unsigned long off = 0; off < len; off += PAGE)
			p[off] = (char)off;
		if (munmap((void *)p, len)) {
			perror("mmap_touch: munmap");
			return 1;
		}
	}
	bench_report("mmap_touch", n, bench_now() - t0);
	return 0;
}
