/*
 * The path syscalls umk implements itself (stat family, access, readlink,
 * mkdir, mknod, rmdir, unlink, rename, link, symlink, chmod, chown, utimes,
 * truncate, statfs, xattrs, chdir/getcwd/chroot, umask) and the opens it
 * rewrites into openat2: tests/guest/fsops prints one line per call (result
 * or errno name, and the state it leaves), natively and under umk; Linux is
 * the specification, so the two outputs must be the same.
 *
 * As root only: the native run needs chroot, and umk run as the host user
 * nobody gets nobody's rights on the rootfs, which the fake-root work has not
 * covered yet (h_expect_same would run that too). Without root the tests
 * pass without checking anything, and say so on stderr.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include "harness.h"

#define FSOPS "/usr/local/bin/fsops"
#define TIMEOUT 30

/* Run `fsops section` natively and under umk (as root, flags 0): the native
 * run must have worked, and umk's stdout and exit status must equal it. */
static void fsops_same(const char *section)
{
	struct run_result nat, umk;
	char what[64];

	if (!harness_is_root()) {
		fprintf(stderr, "fsops %s: skipped (needs root)\n", section);
		return;
	}
	ck_assert_int_eq(h_native(&nat, TIMEOUT, ARGV(FSOPS, section)), 0);
	ck_assert_msg(!nat.timed_out, "fsops %s: native run timed out", section);
	/* The program itself must be right about Linux: it ran to the end,
	 * cleaned up after itself, and printed something for the section. */
	ck_assert_msg(nat.code == 0 && strstr(nat.out, "\ncleanup ok\ndone\n") &&
		      !strstr(nat.out, "\nsetup ") && nat.out_len > 200,
		      "fsops %s: native run failed: exit %d\n--- stdout:\n%s--- stderr:\n%s",
		      section, nat.code, nat.out, nat.err);

	ck_assert_int_eq(h_umk(&umk, 0, TIMEOUT, NULL, ARGV(FSOPS, section)), 0);
	snprintf(what, sizeof(what), "fsops %s", section);
	h_check_same_output(what, &nat, &umk);
	h_free(&nat);
	h_free(&umk);
}

/* open, openat, openat2, creat: O_CREAT/O_EXCL on files, directories and
 * dangling links, O_NOFOLLOW, O_PATH, O_DIRECTORY, trailing slashes,
 * O_TMPFILE + linkat, dirfds, openat2's sizes, flags and RESOLVE_*. */
START_TEST(test_fsops_open)
{
	fsops_same("open");
}
END_TEST

/* stat, lstat, newfstatat, statx (AT_EMPTY_PATH, NULL paths, bad flags),
 * readlink(at) (truncation, bufsiz 0, non-links), statfs. */
START_TEST(test_fsops_stat)
{
	fsops_same("stat");
}
END_TEST

/* mkdir(at), mknod(at), rmdir, unlink(at), rename/renameat/renameat2,
 * link(at), symlink(at), with getdents listings after each group. */
START_TEST(test_fsops_dir)
{
	fsops_same("dir");
}
END_TEST

/* chmod/fchmodat, chown/lchown/fchownat, utime/utimes/futimesat/utimensat,
 * truncate, access/faccessat/faccessat2. */
START_TEST(test_fsops_attr)
{
	fsops_same("attr");
}
END_TEST

/* setxattr, getxattr, listxattr, removexattr and their l* forms. */
START_TEST(test_fsops_xattr)
{
	fsops_same("xattr");
}
END_TEST

/* umask and created modes, chdir/fchdir/getcwd (renamed and removed cwd),
 * chroot. */
START_TEST(test_fsops_cwd)
{
	fsops_same("cwd");
}
END_TEST

/* Every path syscall against the same bad paths: empty, bad pointer,
 * ENAMETOOLONG, ELOOP, ENOTDIR, ENOENT, 40 and 41 links, ../ above the root. */
START_TEST(test_fsops_errors)
{
	fsops_same("err");
}
END_TEST

Suite *suite_fsops(void)
{
	Suite *s = suite_create("fsops");
	TCase *tc = tcase_create("fsops");

	tcase_add_test(tc, test_fsops_open);
	tcase_add_test(tc, test_fsops_stat);
	tcase_add_test(tc, test_fsops_dir);
	tcase_add_test(tc, test_fsops_attr);
	tcase_add_test(tc, test_fsops_xattr);
	tcase_add_test(tc, test_fsops_cwd);
	tcase_add_test(tc, test_fsops_errors);
	tcase_set_timeout(tc, 90);
	suite_add_tcase(s, tc);
	return s;
}
