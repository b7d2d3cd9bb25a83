/* Test harness: run guest programs under umk and natively, and compare. */
#ifndef UMK_TEST_HARNESS_H
#define UMK_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <check.h>

struct run_result {
	int status;		/* raw wait status of the command */
	int code;		/* as a shell reports it: exit code or 128+signal */
	bool timed_out;
	char *out, *err;
	size_t out_len, err_len;
};

#define H_UNPRIV 0x1		/* run as nobody (65534) */

void harness_init(void);
void harness_cleanup(void);
bool harness_is_root(void);
const char *harness_root(void);	/* the guest rootfs the tests use */
const char *harness_umk(void);

/* Run a host command (argv[0] is a path); stdin is /dev/null unless in != NULL. */
int h_run(struct run_result *r, int flags, int timeout_s, const char *in,
	  const char *const argv[]);
/* umk run --root ROOT [extra...] -- guest_argv... ; extra may be NULL. */
int h_umk(struct run_result *r, int flags, int timeout_s, const char *const extra[],
	  const char *const guest_argv[]);
/* The same guest program natively: unshare -pf --mount-proc chroot ROOT argv. */
int h_native(struct run_result *r, int timeout_s, const char *const guest_argv[]);
void h_free(struct run_result *r);

/* Run natively and under umk (as the caller, and as nobody when root):
 * same stdout and exit status, else the test fails with both outputs. */
void h_expect_same(const char *const guest_argv[]);
/* Under umk (caller and nobody): stdout equals expect and exit code is code. */
void h_expect_umk(const char *const guest_argv[], const char *expect, int code);

/* umk's stdout and exit status must be the native run's; else the test
 * fails with a diff (what names the run in messages). */
void h_check_same_output(const char *what, const struct run_result *nat,
			 const struct run_result *umk);

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

#endif
