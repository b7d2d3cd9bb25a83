/* umk-wide configuration and diagnostics. */
#ifndef UMK_UMK_H
#define UMK_UMK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* umk's own exit statuses (documented in umk(1)). */
#define UMK_EXIT_FAILURE   125	/* umk itself failed */
#define UMK_EXIT_CANNOT_EXEC 126
#define UMK_EXIT_NOT_FOUND 127

struct umk_config {
	const char *root;		/* host path of the guest rootfs, absolute, no trailing / */
	size_t root_len;
	const char *hostname;
	char **env;			/* guest environment, NULL-terminated */
	int trace;			/* 0 off, 1 handled syscalls, 2 every syscall */
	FILE *trace_file;
	bool stats;			/* --stats: report stop counts at exit */
	unsigned spin_us;		/* --spin-us: stay awake this long after a stop */
	int pid_max;
	uint64_t memory_limit;		/* --memory: bytes the guest may hold, 0: none */
};

extern struct umk_config config;

void umk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void umk_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
/* Make room in a growable array for one more element: *arr holds n of size
 * bytes in *cap slots. 0, or -ENOMEM with the array unchanged. */
int array_reserve(void *arr, size_t *cap, size_t n, size_t size);
#include <stdint.h>
uint64_t umk_now_ns(void);	/* CLOCK_MONOTONIC */

#endif
