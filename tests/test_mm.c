/*
 * Guest memory management: the mm_* guest programs (tests/guest/mm_*.c) run
 * natively (the init of a fresh pid namespace in a chroot of the rootfs) and
 * under umk, as the caller and, when root, as nobody.
 *
 * Each program checks its own results against what Linux does and prints one
 * line per check (relations, contents, errno and signal names, si_addr
 * offsets: never an address), marking a wrong one "FAIL (want ...)" and then
 * exiting 1. So a test first requires the native run to pass all its checks
 * (the test is right about Linux), then requires umk to print exactly what the
 * native run printed and exit 0.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <check.h>
#include "harness.h"

#define G(name) "/usr/local/bin/" name

Suite *suite_mm(void);

/*
 * Check's messages are short (4 KiB), and these outputs are long: a summary
 * of where got differs from want, line by line (the programs print the same
 * checks in the same order, so lines pair up), at most ~3 KiB.
 */
static void summarize(char *buf, size_t size, const char *got, const char *want)
{
	size_t n = 0;
	int line = 1, shown = 0;

	buf[0] = '\0';
	while ((*got || *want) && n + 200 < size) {
		const char *ge = strchrnul(got, '\n'), *we = strchrnul(want, '\n');
		int gl = (int)(ge - got), wl = (int)(we - want);

		if (gl != wl || memcmp(got, want, (size_t)gl)) {
			if (++shown > 12) {
				n += snprintf(buf + n, size - n, "...\n");
				break;
			}
			n += snprintf(buf + n, size - n, "line %d:\n  want: %.*s\n  got:  %.*s\n",
				      line, wl > 90 ? 90 : wl, want, gl > 90 ? 90 : gl, got);
		}
		got = *ge ? ge + 1 : ge;
		want = *we ? we + 1 : we;
		line++;
	}
}

/* The tail of s, at most max bytes. */
static const char *tail(const char *s, size_t max)
{
	size_t l = strlen(s);

	return l > max ? s + l - max : s;
}

/* Under umk (as the caller, and as nobody when root): stdout is expect and
 * the exit code 0. */
static void expect_umk(const char *const argv[], const char *expect)
{
	for (int unpriv = 0; unpriv <= (harness_is_root() ? 1 : 0); unpriv++) {
		const char *who = unpriv ? "umk as nobody" : "umk";
		struct run_result r;
		char diff[3072];

		ck_assert_int_eq(h_umk(&r, unpriv ? H_UNPRIV : 0, 30, NULL, argv), 0);
		ck_assert_msg(!r.timed_out, "%s: timed out; stderr:\n%s", who, tail(r.err, 600));
		summarize(diff, sizeof(diff), r.out, expect);
		ck_assert_msg(r.code == 0 && !strcmp(r.out, expect),
			      "%s: exit %d (want 0), stdout vs native:\n%s--- stderr:\n%s", who,
			      r.code, diff, tail(r.err, 400));
		h_free(&r);
	}
}

/* The native run passes all of the program's checks (exit 0, no FAIL line,
 * the final "NAME: done" line); umk prints the same and exits 0. */
static void expect_self_checked(const char *name, const char *const argv[])
{
	struct run_result r;
	char done[64], fails[3072];
	size_t dl, n = 0;

	snprintf(done, sizeof(done), "%s: done\n", name);
	dl = strlen(done);
	ck_assert_int_eq(h_native(&r, 30, argv), 0);
	ck_assert_msg(!r.timed_out, "native run timed out");
	ck_assert_msg(!strstr(r.err, "unshare:") && !strstr(r.err, "chroot:"),
		      "native run failed to start: %s", tail(r.err, 600));
	/* The failed checks' lines. */
	fails[0] = '\0';
	for (const char *l = r.out; *l && n + 200 < sizeof(fails);) {
		const char *e = strchrnul(l, '\n');

		if (memmem(l, (size_t)(e - l), "FAIL", 4))
			n += snprintf(fails + n, sizeof(fails) - n, "%.*s\n",
				      (int)(e - l > 120 ? 120 : e - l), l);
		l = *e ? e + 1 : e;
	}
	ck_assert_msg(r.code == 0 && !fails[0] && r.out_len >= dl &&
		      !strcmp(r.out + r.out_len - dl, done),
		      "native: exit %d (want 0 and every check passing); failed checks:\n%s"
		      "--- stdout tail:\n%s--- stderr:\n%s", r.code, fails, tail(r.out, 300),
		      tail(r.err, 300));
	expect_umk(argv, r.out);
	h_free(&r);
}

/* The native run prints expect and exits 0, and so does umk. */
static void expect_linux(const char *const argv[], const char *expect)
{
	struct run_result r;
	char diff[3072];

	ck_assert_int_eq(h_native(&r, 30, argv), 0);
	ck_assert_msg(!r.timed_out, "native run timed out");
	summarize(diff, sizeof(diff), r.out, expect);
	ck_assert_msg(r.code == 0 && !strcmp(r.out, expect),
		      "native: exit %d (want 0), stdout vs the expected text:\n%s--- stderr:\n%s",
		      r.code, diff, tail(r.err, 400));
	h_free(&r);
	expect_umk(argv, expect);
}

/* Anonymous and file mappings, private and shared; munmap splitting a
 * mapping; mprotect; SIGSEGV/SIGBUS with exact si_code and si_addr; MAP_FIXED,
 * MAP_FIXED_NOREPLACE, hints; mremap in place, moving, MREMAP_FIXED,
 * MREMAP_DONTUNMAP; brk growth and shrinking; madvise; mincore; msync; mlock. */
START_TEST(test_mm_basic)
{
	expect_self_checked("mm_basic", ARGV(G("mm_basic")));
}
END_TEST

/* The errno of every kind of bad mmap/munmap/mprotect/mremap/madvise/
 * mincore/msync call, and brk's refusals. */
START_TEST(test_mm_errors)
{
	expect_self_checked("mm_errors", ARGV(G("mm_errors")));
}
END_TEST

/* fork copies private memory (anonymous, brk, stack) and shares MAP_SHARED
 * memory; vfork shares everything; MADV_DONTFORK and MADV_WIPEONFORK; a child
 * writing into its copy of a 64 MiB mapping. */
START_TEST(test_mm_fork)
{
	expect_self_checked("mm_fork", ARGV(G("mm_fork")));
}
END_TEST

/* Copy-on-write fork of a large mapping: each side keeps its data whoever
 * writes first, the kernel's own writes (read, fstat, pipe2) into shared
 * pages succeed, a grandchild, and the parent alone again. */
START_TEST(test_mm_cow)
{
	expect_self_checked("mm_cow", ARGV(G("mm_cow")));
}
END_TEST

/* mlock, mlock2, munlock, mlockall, munlockall against RLIMIT_MEMLOCK and
 * CAP_IPC_LOCK; MAP_LOCKED, MCL_FUTURE, mremap and brk over the limit; locks
 * up to a hole; fork; madvise on locked pages; locked pages resident. */
START_TEST(test_mm_lock)
{
	expect_self_checked("mm_lock", ARGV(G("mm_lock")));
}
END_TEST

/* A 256 MiB and a 1 GiB mapping: only the touched pages are resident. */
START_TEST(test_mm_sparse)
{
	expect_linux(ARGV(G("mm_sparse")),
		     "256 MiB: resident pages before touching: 0\n"
		     "256 MiB: resident pages: 4\n"
		     "256 MiB: page 0 checksum: d149b5c5\n"
		     "256 MiB: page 1 checksum: d79cf3c5\n"
		     "256 MiB: page 2 checksum: f614fdc5\n"
		     "256 MiB: page 3 checksum: d9dce5c5\n"
		     "256 MiB: MADV_DONTNEED a touched page: ok\n"
		     "256 MiB: resident pages after MADV_DONTNEED: 3\n"
		     "256 MiB: dropped page reads zero: yes\n"
		     "256 MiB: last page checksum: d9dce5c5\n"
		     "256 MiB: munmap: ok\n"
		     "1 GiB MAP_NORESERVE: resident pages before touching: 0\n"
		     "1 GiB MAP_NORESERVE: resident pages: 3\n"
		     "1 GiB MAP_NORESERVE: page 0 checksum: d149b5c5\n"
		     "1 GiB MAP_NORESERVE: page 1 checksum: d79cf3c5\n"
		     "1 GiB MAP_NORESERVE: page 2 checksum: f614fdc5\n"
		     "1 GiB MAP_NORESERVE: MADV_DONTNEED a touched page: ok\n"
		     "1 GiB MAP_NORESERVE: resident pages after MADV_DONTNEED: 2\n"
		     "1 GiB MAP_NORESERVE: dropped page reads zero: yes\n"
		     "1 GiB MAP_NORESERVE: last page checksum: f614fdc5\n"
		     "1 GiB MAP_NORESERVE: munmap: ok\n"
		     "mm_sparse: done\n");
}
END_TEST

Suite *suite_mm(void)
{
	Suite *s = suite_create("mm");
	TCase *tc;

	tc = tcase_create("mappings");
	tcase_add_test(tc, test_mm_basic);
	tcase_add_test(tc, test_mm_errors);
	tcase_add_test(tc, test_mm_sparse);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("fork");
	tcase_add_test(tc, test_mm_fork);
	tcase_add_test(tc, test_mm_cow);
	tcase_add_test(tc, test_mm_lock);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
