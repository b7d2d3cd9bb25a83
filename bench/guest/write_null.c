/* write(1 byte) to /dev/null: a syscall umk lets run natively (no stop). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	double t0;

	if (fd < 0) {
		perror("write_null: open /dev/null");
		return 1;
	}
	t0 = bench_now();
	for (long i = 0; i < n; i++)
		if (write(fd, "x", 1) != 1) {
			perror("write_null: write");
			return 1;
		}
	bench_report("write_null", n, bench_now() - t0);
	return 0;
}
