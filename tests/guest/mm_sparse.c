/*
 * Large sparse anonymous mappings: only the pages touched become resident.
 * A 256 MiB mapping touched in 4 pages has exactly 4 resident pages (mincore
 * counts them; /proc is not used), the touched pages hold their data
 * (checksums), MADV_DONTNEED drops one, and a 1 GiB MAP_NORESERVE mapping
 * behaves the same. Transparent huge pages are turned off for the mappings
 * (MADV_NOHUGEPAGE), so a touch populates one page whatever the host's THP
 * setting.
 *
 * One line per check; a failed check is marked "FAIL (want ...)" and the exit
 * status is then 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "mmcheck.h"

static const char *num(long v)
{
	static char buf[8][24];
	static int n;
	char *b = buf[n++ % 8];

	snprintf(b, 24, "%ld", v);
	return b;
}

/* Resident pages of [p, p+len), by mincore; -1 if mincore fails. */
static long resident(char *p, size_t len)
{
	size_t pages = len / PG;
	unsigned char *vec = malloc(pages);
	long n = 0;

	if (!vec || mincore(p, len, vec)) {
		printf("mincore: %s FAIL\n", strerrorname_np(errno));
		failed = 1;
		free(vec);
		return -1;
	}
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

static void fill(char *page, unsigned seed)
{
	for (long i = 0; i < PG; i++)
		page[i] = (char)(i * 131 + seed * 7 + (i >> 8));
}

/* FNV-1a over one page. */
static const char *sum(const char *page)
{
	static char buf[8][16];
	static int n;
	char *b = buf[n++ % 8];
	uint32_t h = 2166136261u;

	for (long i = 0; i < PG; i++) {
		h ^= (unsigned char)page[i];
		h *= 16777619u;
	}
	snprintf(b, 16, "%08x", h);
	return b;
}

static const char *fnv_of_fill(unsigned seed)
{
	char *tmp = malloc(PG);
	const char *s;

	fill(tmp, seed);
	s = sum(tmp);
	free(tmp);
	return s;
}

static bool zero_page(const char *page)
{
	for (long i = 0; i < PG; i++)
		if (page[i])
			return false;
	return true;
}

static void sparse(const char *what, size_t len, int extra_flags, const size_t *offs, int n)
{
	char name[96];
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);

	if (p == MAP_FAILED) {
		printf("%s: mmap: %s FAIL\n", what, strerrorname_np(errno));
		failed = 1;
		return;
	}
	/* Without THP built in, EINVAL: then there are no huge pages anyway. */
	madvise(p, len, MADV_NOHUGEPAGE);
	snprintf(name, sizeof(name), "%s: resident pages before touching", what);
	check(name, num(resident(p, len)), "0");
	for (int i = 0; i < n; i++)
		fill(p + offs[i], i + 1);
	snprintf(name, sizeof(name), "%s: resident pages", what);
	check(name, num(resident(p, len)), num(n));
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s: page %d checksum", what, i);
		check(name, sum(p + offs[i]), fnv_of_fill(i + 1));
	}
	/* Drop the second touched page. */
	snprintf(name, sizeof(name), "%s: MADV_DONTNEED a touched page", what);
	check(name, madvise(p + offs[1], PG, MADV_DONTNEED) ? strerrorname_np(errno) : "ok", "ok");
	snprintf(name, sizeof(name), "%s: resident pages after MADV_DONTNEED", what);
	check(name, num(resident(p, len)), num(n - 1));
	snprintf(name, sizeof(name), "%s: dropped page reads zero", what);
	check(name, zero_page(p + offs[1]) ? "yes" : "no", "yes");
	snprintf(name, sizeof(name), "%s: last page checksum", what);
	check(name, sum(p + offs[n - 1]), fnv_of_fill(n));
	snprintf(name, sizeof(name), "%s: munmap", what);
	check(name, munmap(p, len) ? strerrorname_np(errno) : "ok", "ok");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	PG = sysconf(_SC_PAGESIZE);
	{
		size_t len = 256UL << 20;
		size_t offs[] = { 0, (1UL << 20) + 3 * PG, (128UL << 20) + 5 * PG, len - PG };

		sparse("256 MiB", len, 0, offs, 4);
	}
	{
		size_t len = 1UL << 30;
		size_t offs[] = { 17 * PG, (512UL << 20), len - 2 * PG };

		sparse("1 GiB MAP_NORESERVE", len, MAP_NORESERVE, offs, 3);
	}
	printf("mm_sparse: %s\n", failed ? "FAILED" : "done");
	return failed;
}
