/* The guest path walk and the mount table against a scratch rootfs:
 * symlinks, `..`, errors, mount crossing, the host-path mapping. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <check.h>
#include "umk/mount.h"
#include "umk/namei.h"
#include "umk/umk.h"

static char root[64], bindsrc[64];

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
	mkdir(MK("/mnt"), 0755);
	symlink("/mnt/inside", MK("/to-mnt"));
	snprintf(bindsrc, sizeof(bindsrc), "/tmp/umk-bind.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(bindsrc));
	snprintf(p, sizeof(p), "%s/inside", bindsrc);
	close(creat(p, 0644));
	snprintf(p, sizeof(p), "%s/back", bindsrc);
	ck_assert_int_eq(symlink("/a", p), 0);
	snprintf(p, sizeof(p), "%s:/mnt:ro", bindsrc);
	ck_assert_int_eq(mount_add_bind(p), 0);
	ck_assert_int_eq(mount_setup(), 0);
}

static void teardown(void)
{
	char cmd[160];

	mount_reset();
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", root, bindsrc);
	ck_assert_int_eq(system(cmd), 0);
}

struct resolved {
	char guest[PATH_MAX];
	char rel[PATH_MAX];
	char last[NAME_MAX + 1];
	const struct mount *mnt;
	int last_type;
	bool exists, trailing_slash;
};

static int look(const char *base, const char *path, unsigned flags, struct resolved *r)
{
	struct nameidata nd;
	int ret;

	nd_init(&nd, "/", base, NULL, flags);
	ret = namei(&nd, path);
	if (ret == 0) {
		strcpy(r->guest, nd.guest);
		strcpy(r->rel, nd.rel);
		strcpy(r->last, nd.last);
		r->mnt = nd.mnt;
		r->last_type = nd.last_type;
		r->exists = nd.exists;
		r->trailing_slash = nd.trailing_slash;
		ck_assert_int_ge(nd.dfd, 0);
	}
	nd_release(&nd);
	return ret;
}

/* Absolute symlinks resolve inside the root, never on the host. */
START_TEST(test_abs_symlink_inside)
{
	struct resolved r;

	ck_assert_int_eq(look("/", "/abs/file", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b/file");
	ck_assert_str_eq(r.rel, "a/b/file");
	ck_assert_str_eq(r.last, "file");
	ck_assert_ptr_eq(r.mnt, mount_root());
	ck_assert_int_eq(look("/", "/etc-link/passwd", LOOKUP_FOLLOW, &r), -ENOENT);
}
END_TEST

/* `..` and symlinks climbing above the root stop at the root. */
START_TEST(test_dotdot_clamped)
{
	struct resolved r;

	ck_assert_int_eq(look("/", "/../../a/../..", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/");
	ck_assert_int_eq(r.last_type, LAST_DOTDOT);
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
	char longp[PATH_MAX + 10], longname[300];

	ck_assert_int_eq(look("/", "/loop1", LOOKUP_FOLLOW, &r), -ELOOP);
	ck_assert_int_eq(look("/", "/a/b/file/x", LOOKUP_FOLLOW, &r), -ENOTDIR);
	ck_assert_int_eq(look("/", "/a/b/file/", LOOKUP_FOLLOW, &r), -ENOTDIR);
	ck_assert_int_eq(look("/", "/nope/x", LOOKUP_FOLLOW, &r), -ENOENT);
	ck_assert_int_eq(look("/", "", LOOKUP_FOLLOW, &r), -ENOENT);
	ck_assert_int_eq(look("/", "/nope", LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, &r), -ENOENT);
	ck_assert_int_eq(look("/", "/a/b/file", LOOKUP_DIRECTORY, &r), -ENOTDIR);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(look("/", longp, LOOKUP_FOLLOW, &r), -ENAMETOOLONG);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(look("/", longname, LOOKUP_FOLLOW, &r), -ENAMETOOLONG);
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
	ck_assert(!r.exists);
	/* a trailing slash follows the link and is remembered */
	ck_assert_int_eq(look("/", "/abs/", 0, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b");
	ck_assert(r.trailing_slash);
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
	ck_assert_int_eq(look("/", "/mnt/inside", LOOKUP_NO_XDEV, &r), -EXDEV);
}
END_TEST

/* Mountpoints switch to the mount; `..` and absolute links leave it. */
START_TEST(test_mount_crossing)
{
	struct resolved r;

	ck_assert_int_eq(look("/", "/mnt/inside", LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, &r), 0);
	ck_assert_str_eq(r.rel, "inside");
	ck_assert_str_eq(r.mnt->point, "/mnt");
	ck_assert(r.mnt->flags & MNT_RDONLY);
	ck_assert_int_eq(look("/", "/to-mnt", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/mnt/inside");
	ck_assert_int_eq(look("/", "/mnt", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.rel, ".");
	ck_assert_str_eq(r.last, "");
	ck_assert_int_eq(look("/mnt", "../a/b/file", LOOKUP_FOLLOW, &r), 0);
	ck_assert_ptr_eq(r.mnt, mount_root());
	/* the bind's absolute symlink is the guest's /a, not the host's */
	ck_assert_int_eq(look("/", "/mnt/back/b/file", LOOKUP_FOLLOW, &r), 0);
	ck_assert_str_eq(r.guest, "/a/b/file");
	/* the synthetic mounts are there */
	ck_assert_int_eq(look("/", "/dev/null", LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, &r), 0);
	ck_assert_int_eq(r.mnt->kind, MNT_DEV);
	ck_assert_int_eq(look("/", "/sys/devices/system/cpu/online", LOOKUP_MUST_EXIST, &r), 0);
	ck_assert_int_eq(look("/", "/dev/shm", LOOKUP_MUST_EXIST, &r), 0);
	ck_assert_str_eq(r.mnt->fstype, "tmpfs");
}
END_TEST

/* Host paths map back to guest paths; paths outside every mount do not. */
START_TEST(test_host_to_guest)
{
	char g[PATH_MAX], h[PATH_MAX];

	snprintf(h, sizeof(h), "%s/a/b", root);
	ck_assert_int_eq(mount_host_to_guest(h, g, sizeof(g)), 0);
	ck_assert_str_eq(g, "/a/b");
	ck_assert_int_eq(mount_host_to_guest(root, g, sizeof(g)), 0);
	ck_assert_str_eq(g, "/");
	ck_assert_int_eq(mount_host_to_guest("/etc", g, sizeof(g)), -ENOENT);
	snprintf(h, sizeof(h), "%sx/a", root);	/* a sibling with the root as prefix */
	ck_assert_int_eq(mount_host_to_guest(h, g, sizeof(g)), -ENOENT);
	snprintf(h, sizeof(h), "%s/inside", bindsrc);
	ck_assert_int_eq(mount_host_to_guest(h, g, sizeof(g)), 0);
	ck_assert_str_eq(g, "/mnt/inside");
	ck_assert_int_eq(mount_guest_to_host("/mnt/inside", g, sizeof(g)), 0);
	ck_assert_str_eq(g, h);
}
END_TEST

/* /proc/mounts: the table as the guest sees it, from its root. */
START_TEST(test_mount_show)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	mount_show(f, "/", false);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "/dev/root / rootfs rw"));
	ck_assert_ptr_nonnull(strstr(buf, " /mnt bind ro,"));
	ck_assert_ptr_nonnull(strstr(buf, "sysfs /sys sysfs ro,nosuid,nodev,noexec"));
	free(buf);
	f = open_memstream(&buf, &len);
	mount_show(f, "/mnt", true);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, " / / ro,relatime - bind "));
	ck_assert_ptr_null(strstr(buf, "sysfs"));
	free(buf);
}
END_TEST

/* Bad command-line mounts are refused with a message. */
START_TEST(test_bad_binds)
{
	ck_assert_int_eq(mount_add_bind("nocolon"), -1);
	ck_assert_int_eq(mount_add_bind("/tmp:relative"), -1);
	ck_assert_int_eq(mount_add_bind("/tmp:/x:rx"), -1);
	ck_assert_int_eq(mount_add_tmpfs("rel"), -1);
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
	tcase_add_test(tc, test_mount_crossing);
	tcase_add_test(tc, test_host_to_guest);
	tcase_add_test(tc, test_mount_show);
	tcase_add_test(tc, test_bad_binds);
	suite_add_tcase(s, tc);
	return s;
}
