/* umk's own diagnostics and allocation helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "umk/umk.h"

struct umk_config config;

static void vlog(const char *fmt, va_list ap)
{
	fputs("umk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void umk_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void umk_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(status);
}

/* umk cannot go on without memory for its own tables: one clear line, exit 125. */
void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		umk_die(UMK_EXIT_FAILURE, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		umk_die(UMK_EXIT_FAILURE, "out of memory");
	return p;
}

uint64_t umk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int array_reserve(void *arr, size_t *cap, size_t n, size_t size)
{
	void **a = arr, *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	p = realloc(*a, c * size);
	if (!p)
		return -ENOMEM;
	*a = p;
	*cap = c;
	return 0;
}
