/*
 * What the mm_* guest programs share: one "name: result" line per check,
 * with "FAIL (want ...)" and a failed flag when the result is not Linux's,
 * and a fresh file in /tmp.
 */
#ifndef MMCHECK_H
#define MMCHECK_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define RW (PROT_READ | PROT_WRITE)
#define UNUSED __attribute__((unused))

static long PG;
static int failed;

static UNUSED void check(const char *name, const char *got, const char *want)
{
	if (!strcmp(got, want)) {
		printf("%s: %s\n", name, got);
	} else {
		printf("%s: %s FAIL (want %s)\n", name, got, want);
		failed = 1;
	}
}

static UNUSED void check_bool(const char *name, bool got, bool want)
{
	check(name, got ? "yes" : "no", want ? "yes" : "no");
}

/* A byte as 'c', or its number when it is not printable. */
static UNUSED const char *ch(char c)
{
	static char buf[8][8];
	static int n;
	char *b = buf[n++ % 8];

	if (c >= 0x21 && c < 0x7f)
		snprintf(b, 8, "'%c'", c);
	else
		snprintf(b, 8, "%d", (unsigned char)c);
	return b;
}

/* A new file /tmp/PROG.N, opened read-write; its name in name. */
static UNUSED int tmpfile_create(const char *prog, char name[64])
{
	for (int i = 0; i < 1000; i++) {
		int fd;

		snprintf(name, 64, "/tmp/%s.%d", prog, i);
		fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			break;
	}
	printf("create a file in /tmp: %s FAIL\n", strerrorname_np(errno));
	exit(1);
}

#endif
