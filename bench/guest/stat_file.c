/*
 * stat() of a file a few directories down (glibc's newfstatat; umk walks the
 * path and answers at the trap).
 *   stat_file N PATH      (run.sh: /usr/local/bench-files/a/b/c/file, made in
 *                         the bench rootfs)
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	const char *path = argc == 3 ? argv[2] : NULL;
	struct stat st;
	double t0;

	if (!path) {
		fprintf(stderr, "usage: stat_file N PATH\n");
		return 2;
	}
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {	/* setup: a regular file */
		perror(path);
		return 1;
	}
	t0 = bench_now();
	for (long i = 0; i < n; i++)
		if (stat(path, &st)) {
			perror("stat_file");
			return 1;
		}
	bench_report("stat_file", n, bench_now() - t0);
	return 0;
}
