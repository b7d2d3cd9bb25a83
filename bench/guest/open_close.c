/*
 * open(O_RDONLY) + close of a file a few directories down (umk walks the
 * path at the trap, then the open runs natively beneath the mount's fd).
 *   open_close N PATH     (run.sh: /usr/local/bench-files/a/b/c/file, made in
 *                         the bench rootfs)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	const char *path = argc == 3 ? argv[2] : NULL;
	double t0;
	int fd;

	if (!path) {
		fprintf(stderr, "usage: open_close N PATH\n");
		return 2;
	}
	fd = open(path, O_RDONLY);	/* setup: the file is there */
	if (fd < 0 || close(fd)) {
		perror(path);
		return 1;
	}
	t0 = bench_now();
	for (long i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0 || close(fd)) {
			perror("open_close");
			return 1;
		}
	}
	bench_report("open_close", n, bench_now() - t0);
	return 0;
}
