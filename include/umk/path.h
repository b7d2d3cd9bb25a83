/*
 * Guest path resolution against the guest's root directory.
 *
 * This is the foundation's file view: umk walks the guest path itself (like
 * namei), component by component, following symlinks relative to the task's
 * root and stopping `..` there, and hands the host an absolute host path
 * under the rootfs. The walk uses only lstat/readlink, which never block.
 * (The file-view issue replaces the host-side lookup with RESOLVE_BENEATH
 * beneath an installed directory fd, which also closes rename races.)
 */
#ifndef UMK_PATH_H
#define UMK_PATH_H

#include <limits.h>
#include <sys/types.h>

#define LOOKUP_FOLLOW		0x01	/* follow a final symlink */
#define LOOKUP_BENEATH		0x02	/* openat2 RESOLVE_BENEATH */
#define LOOKUP_IN_ROOT		0x04	/* openat2 RESOLVE_IN_ROOT */
#define LOOKUP_NO_SYMLINKS	0x08	/* openat2 RESOLVE_NO_SYMLINKS */
#define LOOKUP_MUST_EXIST	0x10	/* the final component must exist */

#define HOST_PATH_MAX (PATH_MAX * 2)
#define MAXSYMLINKS 40

struct path_ctx {
	const char *root;	/* guest path of the task's root */
	const char *base;	/* guest path relative lookups start from */
};

struct resolved {
	char guest[PATH_MAX];	/* canonical absolute guest path */
	char host[HOST_PATH_MAX];	/* what the host should open */
};

/* Resolve path; 0 or -errno (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EXDEV, EACCES). */
int path_lookup(const struct path_ctx *ctx, const char *path, unsigned flags,
		struct resolved *out);
/* Host path for a canonical guest path. */
int path_guest_to_host(const char *guest, char *host, size_t len);
/* Guest path for a host path under the rootfs (or a passed-through device). */
int path_host_to_guest(const char *host, char *guest, size_t len);

#endif
