/*
 * stat, lstat, newfstatat, statx, readlink, readlinkat, statfs (Linux's
 * fs/stat.c and fs/statfs.c), answered by umk from its own walk: the walk
 * ends with the lstat of the final object, beneath a directory umk holds.
 * Calls on a guest's own descriptor (AT_EMPTY_PATH) run natively.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include "umk/fs.h"
#include "umk/handlers.h"
#include "umk/mount.h"
#include "umk/proc.h"
#include "umk/fakeroot.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#ifndef AT_STATX_SYNC_TYPE
#define AT_STATX_SYNC_TYPE 0x6000
#endif
#ifndef STATX__RESERVED
#define STATX__RESERVED 0x80000000U
#endif
#ifndef ST_RDONLY
#define ST_RDONLY 1
#endif

/* The walk's lstat of the final object, or the host device's for /dev's. */
static int nd_stat(const struct nameidata *nd, struct stat *st)
{
	char host[64];

	if (nd_is_device(nd, host, sizeof(host)))
		return stat(host, st) < 0 ? -errno : 0;
	*st = nd->st;
	if (nd->magic_fd < 0)
		st->st_dev = nd->mnt->dev;
	if (nd->mnt->kind == MNT_PROC && nd->task)
		proc_fix_stat(nd->task, proc_rel(nd), st);
	return 0;
}

/* A /proc link's text (a path, or what Linux shows for an object with
 * none: pipe:[N], socket:[N], anon_inode:...). */
static ssize_t proc_link_text(struct task *t, const struct nameidata *nd, char *buf, size_t len)
{
	int fd = -1;
	int n = proc_readlink(t, proc_rel(nd), buf, len, &fd);
	char path[64];
	ssize_t l;

	if (n != PROC_MAGIC)
		return n;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	l = readlink(path, buf, len);
	close(fd);
	return l < 0 ? -errno : l;
}

/*
 * The stat of a guest descriptor (fstat, AT_EMPTY_PATH) as the guest sees
 * it: under fake root, with its records and the host user shown as root.
 * 0 with *st, or -errno.
 */
static int fd_stat(struct task *t, int gfd, struct stat *st)
{
	char guest[PATH_MAX];
	int fd = guest_fd_get(t, gfd), r;

	if (fd < 0)
		return fd;
	r = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	if (r == 0 && fd_guest_path(t, gfd, guest, sizeof(guest)) == 0)
		fakeroot_apply(mount_of(guest), st);
	return r;
}

/* fstat(fd, buf): the host's own unless fake root changes the answer. */
long sys_fstat(struct task *t, struct sysc *sc)
{
	struct stat st;
	long r;

	if (!fakeroot_active())
		return SYSC_NATIVE;
	if ((r = fd_stat(t, (int)sc->args[0], &st)))
		return r;
	return copy_to_guest(t, sc->args[1], &st, sizeof(st)) ? -EFAULT : 0;
}

/* stat(path, buf), lstat(path, buf), newfstatat(dirfd, path, buf, flags). */
long sys_stat(struct task *t, struct sysc *sc)
{
	struct nameidata *nd;
	struct stat st;
	int dirfd = AT_FDCWD, flags = 0;
	uint64_t upath = sc->args[0], buf = sc->args[1];
	long r;

	if (sc->nr == SYS_lstat)
		flags = AT_SYMLINK_NOFOLLOW;
	if (sc->nr == SYS_newfstatat) {
		dirfd = (int)sc->args[0];
		upath = sc->args[1];
		buf = sc->args[2];
		flags = (int)sc->args[3];
		if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
			return -EINVAL;
	}
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	r = task_namei(t, dirfd, upath,
		       ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | LOOKUP_MUST_EXIST,
		       flags & AT_EMPTY_PATH, nd);
	if (r == 1 && fakeroot_active()) {
		if ((r = fd_stat(t, dirfd, &st)) == 0)
			r = copy_to_guest(t, buf, &st, sizeof(st)) ? -EFAULT : 0;
	} else if (r == 1)
		r = SYSC_NATIVE;	/* the guest's own descriptor */
	else if (r == 0 && (r = nd_stat(nd, &st)) == 0)
		r = copy_to_guest(t, buf, &st, sizeof(st)) ? -EFAULT : 0;
	nd_release(nd);
	free(nd);
	return r;
}

/* statx(dirfd, path, flags, mask, buf) */
long sys_statx(struct task *t, struct sysc *sc)
{
	struct nameidata *nd;
	struct statx stx;
	int flags = (int)sc->args[2];
	unsigned mask = (unsigned)sc->args[3];
	char host[64];
	long r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	r = task_namei(t, (int)sc->args[0], sc->args[1],
		       ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | LOOKUP_MUST_EXIST,
		       flags & AT_EMPTY_PATH, nd);
	if (r == 1 && fakeroot_active()) {
		struct stat st;
		int fd = guest_fd_get(t, (int)sc->args[0]);

		r = fd < 0 ? fd : statx(fd, "", (flags & AT_STATX_SYNC_TYPE) | AT_EMPTY_PATH, mask,
					&stx) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		if (r == 0 && (r = fd_stat(t, (int)sc->args[0], &st)) == 0) {
			stx.stx_uid = st.st_uid;
			stx.stx_gid = st.st_gid;
			stx.stx_mode = (uint16_t)st.st_mode;
			r = copy_to_guest(t, sc->args[4], &stx, sizeof(stx)) ? -EFAULT : 0;
		}
	} else if (r == 1) {
		r = SYSC_NATIVE;
	} else if (r == 0) {
		int sf = flags & AT_STATX_SYNC_TYPE;

		if (nd_is_device(nd, host, sizeof(host)))
			r = statx(AT_FDCWD, host, sf, mask, &stx);
		else if (nd->magic_fd >= 0)
			r = statx(nd->magic_fd, "", sf | AT_EMPTY_PATH, mask, &stx);
		else if (nd->last[0])
			r = statx(nd->dfd, nd->last, sf | AT_SYMLINK_NOFOLLOW, mask, &stx);
		else
			r = statx(nd->dfd, "", sf | AT_EMPTY_PATH, mask, &stx);
		r = r < 0 ? -errno : 0;
		if (r == 0 && nd->magic_fd < 0 && !nd_is_device(nd, host, sizeof(host))) {
			stx.stx_dev_major = major(nd->mnt->dev);
			stx.stx_dev_minor = minor(nd->mnt->dev);
			/* Owners and node types as the walk saw them (fake root). */
			stx.stx_uid = nd->st.st_uid;
			stx.stx_gid = nd->st.st_gid;
			stx.stx_mode = (uint16_t)nd->st.st_mode;
			stx.stx_rdev_major = major(nd->st.st_rdev);
			stx.stx_rdev_minor = minor(nd->st.st_rdev);
		}
		if (r == 0 && nd->mnt->kind == MNT_PROC && nd->magic_fd < 0) {
			struct stat st = { .st_uid = stx.stx_uid, .st_gid = stx.stx_gid };

			proc_fix_stat(t, proc_rel(nd), &st);
			stx.stx_uid = st.st_uid;
			stx.stx_gid = st.st_gid;
		}
		if (r == 0)
			r = copy_to_guest(t, sc->args[4], &stx, sizeof(stx)) ? -EFAULT : 0;
	}
	nd_release(nd);
	free(nd);
	return r;
}

/* readlink(path, buf, size), readlinkat(dirfd, path, buf, size) */
long sys_readlink(struct task *t, struct sysc *sc)
{
	int at = sc->nr == SYS_readlinkat;
	int dirfd = at ? (int)sc->args[0] : AT_FDCWD;
	uint64_t upath = sc->args[at], buf = sc->args[at + 1];
	int64_t len = (int32_t)sc->args[at + 2];
	char target[PATH_MAX];
	struct nameidata *nd;
	ssize_t n;
	long r;

	if (len <= 0)
		return -EINVAL;
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	/* readlinkat(fd, "") reads the link an O_PATH descriptor names. */
	r = task_namei(t, dirfd, upath, LOOKUP_MUST_EXIST, at && dirfd != AT_FDCWD, nd);
	if (r == 1) {
		r = dirfd == AT_FDCWD ? -ENOENT : SYSC_NATIVE;
	} else if (r == 0) {
		if (!S_ISLNK(nd->st.st_mode) || !nd->last[0]) {
			r = -EINVAL;
		} else {
			if (nd->mnt->kind == MNT_PROC)
				n = proc_link_text(t, nd, target, sizeof(target));
			else
				n = readlinkat(nd->dfd, nd->last, target, sizeof(target));
			if (n < 0) {
				r = -errno;
			} else {
				if (n > len)
					n = (ssize_t)len;
				r = copy_to_guest(t, buf, target, (size_t)n) ? -EFAULT : n;
			}
		}
	}
	nd_release(nd);
	free(nd);
	return r;
}

/* statfs(path, buf): the host file system's, with the mount's flags. */
long sys_statfs(struct task *t, struct sysc *sc)
{
	struct nameidata *nd = malloc(sizeof(*nd));
	struct statfs sfs;
	long r;
	int fd;

	if (!nd)
		return -ENOMEM;
	r = task_namei(t, AT_FDCWD, sc->args[0], LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, false, nd);
	if (r == 0) {
		fd = nd_open_final(nd);
		r = fd < 0 ? fd : fstatfs(fd, &sfs) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	}
	if (r == 0) {
		if (nd->mnt->flags & MNT_RDONLY)
			sfs.f_flags |= ST_RDONLY;
		r = copy_to_guest(t, sc->args[1], &sfs, sizeof(sfs)) ? -EFAULT : 0;
	}
	nd_release(nd);
	free(nd);
	return r;
}
