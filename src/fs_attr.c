/*
 * What a path's inode carries: chmod, chown, utimes, truncate and the xattr
 * family (Linux's fs/open.c, fs/utimes.c, fs/xattr.c), run by umk on the
 * object its walk found. The walk resolved every symlink that was to be
 * followed, so umk's call never follows one (AT_SYMLINK_NOFOLLOW, or an
 * O_PATH descriptor of the object itself): a name renamed into a symlink
 * meanwhile is never followed out of the view. Checks are the guest's:
 * ownership, capabilities, read-only mounts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <utime.h>
#include <linux/capability.h>
#include "umk/cred.h"
#include "umk/fs.h"
#include "umk/handlers.h"
#include "umk/mount.h"
#include "umk/fakeroot.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#define S_IALLUGO (S_ISUID | S_ISGID | S_ISVTX | 0777)
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536

/* Resolve for an attribute change: 0 with the object found on a writable
 * mount, 1 for the guest's own descriptor (empty_ok), or -errno. */
static long attr_lookup(struct task *t, struct nameidata *nd, int dirfd, uint64_t upath,
			bool follow, bool empty_ok)
{
	long r = task_namei(t, dirfd, upath, (follow ? LOOKUP_FOLLOW : 0) | LOOKUP_MUST_EXIST,
			    empty_ok, nd);

	if (r == 0 && (nd->mnt->flags & MNT_RDONLY))
		r = -EROFS;
	if (r == 0 && fakeroot_is_db(nd->mnt, &nd->st))
		r = -EPERM;	/* fake root's records are not the guest's */
	return r;
}

/* umk's O_PATH descriptor of the object, checked to still be what the walk
 * saw (a rename meanwhile gives ENOENT). */
static int final_fd(const struct nameidata *nd)
{
	struct stat st;
	int fd = nd_open_final(nd);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || st.st_ino != nd->st.st_ino || st.st_dev != nd->st.st_dev) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

/* chmod_common(): the owner or CAP_FOWNER; a set-gid bit needs the group. */
static long do_chmod(struct task *t, const struct nameidata *nd, unsigned mode)
{
	char proc[64];
	int fd;
	long r = 0;

	if (S_ISLNK(nd->st.st_mode))
		return -EOPNOTSUPP;
	if (!cred_owner_or_capable(&t->cred, &nd->st) || nd->mnt->kind == MNT_PROC)
		return -EPERM;	/* (proc_setattr() refuses a mode) */
	mode &= S_IALLUGO;
	if ((mode & S_ISGID) && !cred_in_group(&t->cred, nd->st.st_gid) &&
	    !cred_capable(&t->cred, CAP_FSETID))
		mode &= ~(unsigned)S_ISGID;
	fd = final_fd(nd);
	if (fd < 0)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (chmod(proc, mode) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* chmod(path, mode), fchmodat(dirfd, path, mode) */
long sys_chmod(struct task *t, struct sysc *sc)
{
	int at = sc->nr == SYS_fchmodat;
	struct nameidata *nd = malloc(sizeof(*nd));
	long r;

	if (!nd)
		return -ENOMEM;
	r = attr_lookup(t, nd, at ? (int)sc->args[0] : AT_FDCWD, sc->args[at], true, false);
	if (r == 0)
		r = do_chmod(t, nd, (unsigned)sc->args[at + 1]);
	return nd_done(nd, r);
}

/* chown_ok() and chgrp_ok() */
static long chown_checks(struct task *t, const struct stat *st, uid_t uid, gid_t gid)
{
	const struct cred *c = &t->cred;

	if (uid != (uid_t)-1 && uid != st->st_uid &&
	    !(c->fsuid == st->st_uid && uid == st->st_uid) && !cred_capable(c, CAP_CHOWN))
		return -EPERM;
	if (gid != (gid_t)-1 && gid != st->st_gid && !cred_capable(c, CAP_CHOWN) &&
	    !(c->fsuid == st->st_uid && cred_in_group(c, gid)))
		return -EPERM;
	return 0;
}

/* chown(path, uid, gid), lchown(...), fchownat(dirfd, path, uid, gid, flags) */
long sys_chown(struct task *t, struct sysc *sc)
{
	int at = sc->nr == SYS_fchownat;
	int flags = at ? (int)sc->args[4] : sc->nr == SYS_lchown ? AT_SYMLINK_NOFOLLOW : 0;
	uid_t uid = (uid_t)sc->args[at + 1];
	gid_t gid = (gid_t)sc->args[at + 2];
	struct nameidata *nd;
	long r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	r = attr_lookup(t, nd, at ? (int)sc->args[0] : AT_FDCWD, sc->args[at],
			!(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH);
	if (r == 1) {
		r = SYSC_NATIVE;	/* the guest's own descriptor: as fchown */
	} else if (r == 0 && (r = chown_checks(t, &nd->st, uid, gid)) == 0) {
		if (nd->mnt->kind == MNT_PROC)
			;	/* proc_setattr() takes owners and keeps nothing */
		else if (geteuid() == 0 || fakeroot_chown(nd->mnt, &nd->st, uid, gid) < 0) {
			/* The host's own chown (umk is root, or no records here). */
			if (nd->last[0])
				r = fchownat(nd->dfd, nd->last, uid, gid, AT_SYMLINK_NOFOLLOW);
			else
				r = fchownat(nd->dfd, "", uid, gid, AT_EMPTY_PATH);
			r = r < 0 ? -errno : 0;
			if (r == 0 && fakeroot_has(nd->mnt, &nd->st))
				fakeroot_chown(nd->mnt, &nd->st, uid, gid);
		} else if (S_ISREG(nd->st.st_mode) && (nd->st.st_mode & (S_ISUID | S_ISGID))) {
			/* A recorded chown drops set-id bits as a real one would. */
			struct nameidata *m = nd;
			unsigned mode = m->st.st_mode & 07777 & ~(unsigned)S_ISUID;
			char proc[64];
			int fd = nd_open_final(m);

			if (mode & S_IXGRP)
				mode &= ~(unsigned)S_ISGID;
			if (fd >= 0) {
				snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
				(void)!chmod(proc, mode);
				close(fd);
			}
		}
	}
	return nd_done(nd, r);
}

/* The times a utime-family call asks for; NULL times is "now". */
static long copy_times(struct task *t, struct sysc *sc, struct timespec ts[2], bool *null)
{
	uint64_t p;

	*null = false;
	switch (sc->nr) {
	case SYS_utime: {
		struct utimbuf u;

		if (!(p = sc->args[1]))
			break;
		if (copy_from_guest(t, &u, p, sizeof(u)))
			return -EFAULT;
		ts[0] = (struct timespec){ u.actime, 0 };
		ts[1] = (struct timespec){ u.modtime, 0 };
		return 0;
	}
	case SYS_utimes: case SYS_futimesat: {
		struct timeval tv[2];

		if (!(p = sc->args[sc->nr == SYS_utimes ? 1 : 2]))
			break;
		if (copy_from_guest(t, tv, p, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
		return 0;
	}
	default:	/* utimensat */
		if (!(p = sc->args[2]))
			break;
		if (copy_from_guest(t, ts, p, 2 * sizeof(*ts)))
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			if ((ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000) &&
			    ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT)
				return -EINVAL;
		if (ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW)
			*null = true;
		return 0;
	}
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	*null = true;
	return 0;
}

/* utime, utimes, futimesat, utimensat: "now" needs ownership or write
 * permission; explicit times need ownership (or CAP_FOWNER). */
long sys_utimensat(struct task *t, struct sysc *sc)
{
	bool atcall = sc->nr == SYS_utimensat || sc->nr == SYS_futimesat;
	int flags = sc->nr == SYS_utimensat ? (int)sc->args[3] : 0;
	int dirfd = atcall ? (int)sc->args[0] : AT_FDCWD;
	uint64_t upath = sc->args[atcall ? 1 : 0];
	struct timespec ts[2];
	struct nameidata *nd;
	bool now;
	long r;

	if ((r = copy_times(t, sc, ts, &now)))
		return r;
	/* Both UTIME_OMIT: nothing to do, and not even the path is looked at. */
	if (sc->nr == SYS_utimensat && sc->args[2] && ts[0].tv_nsec == UTIME_OMIT &&
	    ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (atcall && upath == 0)
		return SYSC_NATIVE;	/* on dirfd itself, as futimens */
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	if (sc->nr == SYS_utimensat && ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		r = task_namei(t, dirfd, upath, ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			       LOOKUP_MUST_EXIST, flags & AT_EMPTY_PATH, nd);
	else
		r = attr_lookup(t, nd, dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW),
				flags & AT_EMPTY_PATH);
	if (r == 1)
		return nd_done(nd, SYSC_NATIVE);
	if (r)
		return nd_done(nd, r);
	if ((ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT) ||
	    nd->mnt->kind == MNT_PROC)
		return nd_done(nd, 0);	/* (/proc takes times and keeps nothing) */
	if (!cred_owner_or_capable(&t->cred, &nd->st)) {
		if (!now)
			return nd_done(nd, -EPERM);
		if ((r = cred_permission(&t->cred, &nd->st, MAY_WRITE)))
			return nd_done(nd, r);
	}
	if (nd->last[0])
		r = utimensat(nd->dfd, nd->last, ts, AT_SYMLINK_NOFOLLOW);
	else
		r = utimensat(nd->dfd, "", ts, AT_EMPTY_PATH);
	return nd_done(nd, r < 0 ? -errno : 0);
}

/* truncate(path, length): a regular file the guest may write. */
long sys_truncate(struct task *t, struct sysc *sc)
{
	int64_t len = (int64_t)sc->args[1];
	struct nameidata *nd;
	long r;
	int fd;

	if (len < 0)
		return -EINVAL;
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	r = task_namei(t, AT_FDCWD, sc->args[0], LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, false, nd);
	if (r)
		return nd_done(nd, r);
	if (S_ISDIR(nd->st.st_mode))
		return nd_done(nd, -EISDIR);
	if (!S_ISREG(nd->st.st_mode))
		return nd_done(nd, -EINVAL);
	if (fakeroot_is_db(nd->mnt, &nd->st))
		return nd_done(nd, -EACCES);
	if (nd->mnt->kind == MNT_PROC)
		return nd_done(nd, 0);	/* a /proc file takes a size and keeps nothing */
	if ((r = cred_permission(&t->cred, &nd->st, MAY_WRITE)))
		return nd_done(nd, r);
	if (nd->mnt->flags & MNT_RDONLY)
		return nd_done(nd, -EROFS);
	if (fs_running_exe(nd->st.st_dev, nd->st.st_ino))
		return nd_done(nd, -ETXTBSY);
	/* A regular file: opening it never blocks. */
	fd = openat(nd->dfd, nd->last, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return nd_done(nd, -errno);
	r = ftruncate(fd, len) < 0 ? -errno : 0;
	close(fd);
	return nd_done(nd, r);
}

/* ---- extended attributes ------------------------------------------------- */

/*
 * The namespaces the guest may touch as Linux's xattr_permission() lets it:
 * trusted.* needs CAP_SYS_ADMIN; security.* and system.* are the host's
 * (its LSM, its ACL format) and stay out of reach; user.* needs the file's
 * read or write permission, on regular files and directories only.
 */
static long xattr_permission(struct task *t, const struct nameidata *nd, const char *name,
			     int mask)
{
	if (!strncmp(name, "trusted.", 8))
		return cred_capable(&t->cred, CAP_SYS_ADMIN) ? 0 : -EPERM;
	if (!strncmp(name, "security.", 9) || !strncmp(name, "system.", 7))
		return mask == MAY_WRITE ? -EPERM : -ENODATA;
	if (!strncmp(name, "user.", 5)) {
		if (!S_ISREG(nd->st.st_mode) && !S_ISDIR(nd->st.st_mode))
			return mask == MAY_WRITE ? -EPERM : -ENODATA;
		return cred_permission(&t->cred, &nd->st, mask);
	}
	return -EOPNOTSUPP;
}

static long xattr_name(struct task *t, uint64_t uname, char *name)
{
	long n = strncpy_from_guest(t, name, uname, XATTR_NAME_MAX + 1);

	if (n == -ENAMETOOLONG || n == 0)
		return -ERANGE;
	return n < 0 ? n : 0;
}

/* setxattr, lsetxattr, getxattr, lgetxattr, listxattr, llistxattr,
 * removexattr, lremovexattr */
long sys_xattr(struct task *t, struct sysc *sc)
{
	bool follow = true, set = false, get = false, list = false, rm = false;
	char name[XATTR_NAME_MAX + 1], path[PATH_MAX];
	struct nameidata *nd;
	void *buf = NULL;
	size_t size = 0;
	long r;

	switch (sc->nr) {
	case SYS_lsetxattr: follow = false; /* fall through */
	case SYS_setxattr: set = true; size = sc->args[3]; break;
	case SYS_lgetxattr: follow = false; /* fall through */
	case SYS_getxattr: get = true; size = sc->args[3]; break;
	case SYS_llistxattr: follow = false; /* fall through */
	case SYS_listxattr: list = true; size = sc->args[2]; break;
	case SYS_lremovexattr: follow = false; /* fall through */
	default: rm = true; break;
	}
	if (set && (sc->args[4] & ~(uint64_t)(XATTR_CREATE | XATTR_REPLACE)))
		return -EINVAL;
	if (!list && (r = xattr_name(t, sc->args[1], name)))
		return r;
	if (set && size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	/* A list is read whole: the guest sees only part of it. */
	if ((list || size) && !(buf = malloc(list ? XATTR_LIST_MAX : size)))
		return -ENOMEM;
	if (set && size && copy_from_guest(t, buf, sc->args[2], size)) {
		free(buf);
		return -EFAULT;
	}
	nd = malloc(sizeof(*nd));
	if (!nd) {
		free(buf);
		return -ENOMEM;
	}
	r = task_namei(t, AT_FDCWD, sc->args[0], (follow ? LOOKUP_FOLLOW : 0) | LOOKUP_MUST_EXIST,
		       false, nd);
	if (r == 0 && (set || rm) && (nd->mnt->flags & MNT_RDONLY))
		r = -EROFS;
	if (r == 0 && nd->mnt->kind == MNT_PROC)
		r = -EOPNOTSUPP;	/* proc has no xattr handlers */
	if (r == 0 && !list)
		r = xattr_permission(t, nd, name, (set || rm) ? MAY_WRITE : MAY_READ);
	if (r == 0) {
		/* The object through the directory umk holds: the kernel takes
		 * the name in that directory and follows nothing more. */
		nd_proc_path(nd, path, sizeof(path));
		if (set)
			r = lsetxattr(path, name, buf, size, (int)sc->args[4]);
		else if (get)
			r = lgetxattr(path, name, buf, size);
		else if (list)
			r = llistxattr(path, buf, XATTR_LIST_MAX);
		else
			r = lremovexattr(path, name);
		r = r < 0 ? -errno : r;
		if (list && r > 0) {
			/* Only the names the guest could read. */
			char *out = buf, *p = buf, *end = (char *)buf + r;

			for (; p < end; p += strlen(p) + 1)
				if (!strncmp(p, "user.", 5) || !strncmp(p, "trusted.", 8)) {
					size_t l = strlen(p) + 1;

					memmove(out, p, l);
					out += l;
				}
			r = out - (char *)buf;
			if (size && (size_t)r > size)
				r = -ERANGE;
		}
		if (r > 0 && (get || list) && size &&
		    copy_to_guest(t, sc->args[list ? 1 : 2], buf, (size_t)r))
			r = -EFAULT;
	}
	free(buf);
	return nd_done(nd, r);
}
