/* The guest path walk against a scratch rootfs: symlinks, `..`, errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <check.h>
#include "umk/path.h"
#include "umk/umk.h"

static char root[64];

static void setup(void)
{
	char p[256];

	snprintf(root, sizeof(root), "/tmp/umk-path.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	config.root = root;
	config.root_len = strlen(root);
#define MK(fmt) (snprintf(p, sizeof(p), "%s" fmt, root), p)
	mkdir(MK("/a"), 0755);
	mkdir(MK("/a/b"), 0755);
	close(creat(MK("/a/b/file"), 0644));
	symlink("/a/b", MK("/abs"));		/* absolute: inside the root */
	symlink("../../..", MK("/a/b/up"));	/* climbs above the root */
	symlink("/etc", MK("/etc-link"));	/* would be the host's /etc */
	symlink("loop2", MK("/loop1"));
	symlink("loop1", MK("/loop2"));
	symlink("file", MK("/a/b/rel"));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

static int look(const char *base, const char *path, unsigned flags, struct resolved *r)
{
	struct path_ctx ctx = { "/", base };

	return path_lookup(&ctx, path, flags, r);
}

/* Absolute symlinks resolve inside the root, never on the host. */
START_TEST(test_abs_symlink_inside)
{
	struct resolved r;
	char want[256];

	ck_assert_int_eq(look("/", "/abs/file", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b/file");
	snprintf(want, sizeof(want), "%s/a/b/file", root);
	ck_assert_str_eq(r.host, want);
	ck_assert_int_eq(look("/", "/etc-link/passwd", LOOKUP_FOLLOW, &r), -ENOENT);
}
END_TEST

/* `..` and symlinks climbing above the root stop at the root. */
START_TEST(test_dotdot_clamped)
{
	struct resolved r;

	ck_assert_int_eq(look("/", "/../../a/../..", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/");
	ck_assert_int_eq(look("/", "/a/b/up/a", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/a");
	ck_assert_int_eq(look("/a/b", "../../../../a/b/file", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b/file");
}
END_TEST

/* Loops give ELOOP; a file used as a directory ENOTDIR; missing parents ENOENT. */
START_TEST(test_errors)
{
	struct resolved r;
	char longp[PATH_MAX + 10];

	ck_assert_int_eq(look("/", "/loop1", LOOKUP_FOLLOW, &r), -ELOOP);
	ck_assert_int_eq(look("/", "/a/b/file/x", LOOKUP_FOLLOW, &r), -ENOTDIR);
	ck_assert_int_eq(look("/", "/nope/x", LOOKUP_FOLLOW, &r), -ENOENT);
	ck_assert_int_eq(look("/", "", LOOKUP_FOLLOW, &r), -ENOENT);
	ck_assert_int_eq(look("/", "/nope", LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, &r), -ENOENT);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(look("/", longp, LOOKUP_FOLLOW, &r), -ENAMETOOLONG);
}
END_TEST

/* A final symlink is followed only when asked; a missing final name is fine. */
START_TEST(test_final_component)
{
	struct resolved r;

	ck_assert_int_eq(look("/a/b", "rel", 0, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b/rel");
	ck_assert_int_eq(look("/a/b", "rel", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b/file");
	ck_assert_int_eq(look("/", "/a/new", 0, &r), 0);
	ck_assert_str_eq(r.guest, "/a/new");
	/* a trailing slash is kept for the host and follows the link */
	ck_assert_int_eq(look("/", "/abs/", 0, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b");
	ck_assert_int_eq(r.host[strlen(r.host) - 1], '/');
}
END_TEST

/* openat2-style restrictions: BENEATH refuses escapes, NO_SYMLINKS any link. */
START_TEST(test_resolve_flags)
{
	struct resolved r;

	ck_assert_int_eq(look("/a", "b/file", LOOKUP_BENEATH, &r), 0);
	ck_assert_int_eq(look("/a", "../a", LOOKUP_BENEATH, &r), -EXDEV);
	ck_assert_int_eq(look("/a", "/a", LOOKUP_BENEATH, &r), -EXDEV);
	ck_assert_int_eq(look("/", "/abs/file", LOOKUP_NO_SYMLINKS, &r), -ELOOP);
	ck_assert_int_eq(look("/a", "/b/file", LOOKUP_IN_ROOT, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b/file");
}
END_TEST

/* Host paths map back to guest paths; paths outside the root do not. */
START_TEST(test_host_to_guest)
{
	char g[PATH_MAX], h[PATH_MAX];

	snprintf(h, sizeof(h), "%s/a/b", root);
	ck_assert_int_eq(path_host_to_guest(h, g, sizeof(g)), 0);
	ck_assert_str_eq(g, "/a/b");
	ck_assert_int_eq(path_host_to_guest(root, g, sizeof(g)), 0);
	ck_assert_str_eq(g, "/");
	ck_assert_int_eq(path_host_to_guest("/etc", g, sizeof(g)), -ENOENT);
	snprintf(h, sizeof(h), "%sx/a", root);	/* a sibling with the root as prefix */
	ck_assert_int_eq(path_host_to_guest(h, g, sizeof(g)), -ENOENT);
	ck_assert_int_eq(path_host_to_guest("/dev/null", g, sizeof(g)), 0);
}
END_TEST

Suite *suite_path(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_abs_symlink_inside);
	tcase_add_test(tc, test_dotdot_clamped);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_final_component);
	tcase_add_test(tc, test_resolve_flags);
	tcase_add_test(tc, test_host_to_guest);
	suite_add_tcase(s, tc);
	return s;
}
