/*
 * Directory entries: mkdir, mknod, rmdir, unlink, rename, link, symlink
 * (Linux's fs/namei.c), run by umk itself on the parent directory its walk
 * holds: the *at call takes one name in that directory and never follows a
 * final symlink, so nothing a guest renames meanwhile can send it outside
 * the view. The checks come in Linux's order (the type of the last
 * component, EROFS, existence, then permission), with the guest's
 * credentials and umask.
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
#include <linux/capability.h>
#include "umk/cred.h"
#include "umk/fs.h"
#include "umk/handlers.h"
#include "umk/mount.h"
#include "umk/fakeroot.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)
#endif

static bool ro(const struct nameidata *nd)
{
	return nd->mnt->flags & MNT_RDONLY;
}

/* /proc takes no new names (its lookup of an unknown name is ENOENT) and
 * loses none (no ->unlink, ->rmdir, ->rename: EPERM), as Linux's. */
static bool procfs(const struct nameidata *nd)
{
	return nd->mnt->kind == MNT_PROC;
}

/* may_create(): write and search permission on the parent directory. */
static int may_create(const struct task *t, const struct nameidata *nd)
{
	struct stat dir;

	if (cred_capable(&t->cred, CAP_DAC_OVERRIDE))
		return 0;
	if (fstat(nd->dfd, &dir) < 0)
		return -errno;
	fakeroot_apply(nd->mnt, &dir);
	return cred_permission(&t->cred, &dir, MAY_WRITE | MAY_EXEC);
}

/* may_delete(): the same, and the sticky bit's owner rule. */
static int may_delete(const struct task *t, const struct nameidata *nd)
{
	struct stat dir;
	int r;

	if (fstat(nd->dfd, &dir) < 0)
		return -errno;
	fakeroot_apply(nd->mnt, &dir);
	if ((r = cred_permission(&t->cred, &dir, MAY_WRITE | MAY_EXEC)))
		return r;
	if (fakeroot_is_db(nd->mnt, &nd->st))
		return -EPERM;
	if ((dir.st_mode & S_ISVTX) && t->cred.fsuid != nd->st.st_uid &&
	    t->cred.fsuid != dir.st_uid && !cred_capable(&t->cred, CAP_FOWNER))
		return -EPERM;
	return 0;
}

static struct nameidata *nd_alloc(void)
{
	return malloc(sizeof(struct nameidata));
}

/* The old and new names of rename and link: 0, or -ENOMEM with neither. */
static int nd_alloc_pair(struct nameidata **o, struct nameidata **n)
{
	*o = nd_alloc();
	*n = nd_alloc();
	if (!*o || !*n) {
		free(*o);
		free(*n);
		return -ENOMEM;
	}
	nd_init(*n, "/", "/", NULL, 0);	/* releasable before its walk */
	return 0;
}

/*
 * The new name of mkdir, mknod, symlink and link: filename_create()'s
 * checks. 0 with nd naming a free slot in a writable directory, or -errno.
 */
static long create_checks(struct task *t, struct nameidata *nd, int dirfd, uint64_t upath,
			  bool dir)
{
	long r = task_namei(t, dirfd, upath, LOOKUP_CREATE, false, nd);

	if (r)
		return r;
	if (nd->last_type != LAST_NORM || !nd->last[0] || nd->exists)
		return -EEXIST;
	/* A new name with a trailing slash can only be a directory's. */
	if (nd->trailing_slash && !dir)
		return -ENOENT;
	if (ro(nd))
		return -EROFS;
	if (procfs(nd))
		return -ENOENT;
	return may_create(t, nd);
}

/* mkdir(path, mode), mkdirat(dirfd, path, mode) */
long sys_mkdir(struct task *t, struct sysc *sc)
{
	int at = sc->nr == SYS_mkdirat;
	struct nameidata *nd = nd_alloc();
	unsigned mode = (unsigned)sc->args[at + 1] & (0777 | S_ISVTX);
	long r;

	if (!nd)
		return -ENOMEM;
	r = create_checks(t, nd, at ? (int)sc->args[0] : AT_FDCWD, sc->args[at], true);
	if (r == 0 && mkdirat(nd->dfd, nd->last, mode & ~t->fs->umask) < 0)
		r = -errno;
	if (r == 0)
		fs_owner_fixup(t, -1, nd->dfd, nd->last);
	return nd_done(nd, r);
}

/* mknod(path, mode, dev), mknodat(dirfd, path, mode, dev) */
long sys_mknod(struct task *t, struct sysc *sc)
{
	int at = sc->nr == SYS_mknodat;
	unsigned mode = (unsigned)sc->args[at + 1];
	dev_t dev = (dev_t)(uint32_t)sc->args[at + 2];
	struct nameidata *nd;
	long r;

	/* may_mknod() comes before the walk. */
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG: case S_IFIFO: case S_IFSOCK: case S_IFCHR: case S_IFBLK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	nd = nd_alloc();
	if (!nd)
		return -ENOMEM;
	r = create_checks(t, nd, at ? (int)sc->args[0] : AT_FDCWD, sc->args[at], false);
	/*
	 * Device nodes: CAP_MKNOD; umk makes a regular file and records the
	 * node in fake root's records (a real node would let the host open a
	 * host device for the guest).
	 */
	if (r == 0 && (S_ISCHR(mode) || S_ISBLK(mode))) {
		unsigned perm = mode & 07777 & ~t->fs->umask;
		struct stat st;

		if (!cred_capable(&t->cred, CAP_MKNOD))
			r = -EPERM;
		else if (mknodat(nd->dfd, nd->last, S_IFREG | perm, 0) < 0)
			r = -errno;
		else if (fstatat(nd->dfd, nd->last, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			 (r = fakeroot_mknod(nd->mnt, &st, mode, dev)) < 0) {
			unlinkat(nd->dfd, nd->last, 0);
			r = r ? r : -EPERM;
		} else {
			fs_owner_fixup(t, -1, nd->dfd, nd->last);
		}
		return nd_done(nd, r);
	}
	if (r == 0) {
		unsigned perm = mode & ~(unsigned)S_IFMT & (0777 | S_ISUID | S_ISGID | S_ISVTX);

		if (mknodat(nd->dfd, nd->last, (mode & S_IFMT) | (perm & ~t->fs->umask), dev) < 0)
			r = -errno;
		else
			fs_owner_fixup(t, -1, nd->dfd, nd->last);
	}
	return nd_done(nd, r);
}

/* do_rmdir() */
static long do_rmdir(struct task *t, int dirfd, uint64_t upath)
{
	struct nameidata *nd = nd_alloc();
	long r;

	if (!nd)
		return -ENOMEM;
	r = task_namei(t, dirfd, upath, LOOKUP_CREATE, false, nd);
	if (r)
		return nd_done(nd, r);
	switch (nd->last_type) {
	case LAST_DOTDOT: return nd_done(nd, -ENOTEMPTY);
	case LAST_DOT: return nd_done(nd, -EINVAL);
	case LAST_ROOT: return nd_done(nd, -EBUSY);
	}
	if (ro(nd))
		r = -EROFS;
	else if (!nd->exists)
		r = -ENOENT;
	else if (!nd->last[0])
		r = -EBUSY;	/* a mountpoint */
	else if (!S_ISDIR(nd->st.st_mode))
		r = -ENOTDIR;
	else if (procfs(nd))
		r = -EPERM;
	else if ((r = may_delete(t, nd)) == 0 && unlinkat(nd->dfd, nd->last, AT_REMOVEDIR) < 0)
		r = -errno;
	else if (r == 0)
		fakeroot_unlink(nd->mnt, &nd->st);
	return nd_done(nd, r);
}

long sys_rmdir(struct task *t, struct sysc *sc)
{
	return do_rmdir(t, AT_FDCWD, sc->args[0]);
}

/* unlink(path), unlinkat(dirfd, path, flags): do_unlinkat() */
long sys_unlink(struct task *t, struct sysc *sc)
{
	int at = sc->nr == SYS_unlinkat;
	int dirfd = at ? (int)sc->args[0] : AT_FDCWD;
	struct nameidata *nd;
	long r;

	if (at) {
		if (sc->args[2] & ~(uint64_t)AT_REMOVEDIR)
			return -EINVAL;
		if (sc->args[2] & AT_REMOVEDIR)
			return do_rmdir(t, dirfd, sc->args[1]);
	}
	nd = nd_alloc();
	if (!nd)
		return -ENOMEM;
	r = task_namei(t, dirfd, sc->args[at], LOOKUP_CREATE, false, nd);
	if (r)
		return nd_done(nd, r);
	if (nd->last_type != LAST_NORM)
		r = -EISDIR;
	else if (ro(nd))
		r = -EROFS;
	else if (!nd->exists)
		r = -ENOENT;
	else if (nd->trailing_slash || !nd->last[0] || S_ISDIR(nd->st.st_mode))
		r = S_ISDIR(nd->st.st_mode) ? -EISDIR : -ENOTDIR;
	else if (procfs(nd))
		r = -EPERM;
	else if ((r = may_delete(t, nd)) == 0 && unlinkat(nd->dfd, nd->last, 0) < 0)
		r = -errno;
	else if (r == 0)
		fakeroot_unlink(nd->mnt, &nd->st);
	return nd_done(nd, r);
}

/* rename(old, new), renameat(od, old, nd, new), renameat2(..., flags) */
long sys_rename2(struct task *t, struct sysc *sc)
{
	bool at = sc->nr != SYS_rename;
	unsigned flags = sc->nr == SYS_renameat2 ? (unsigned)sc->args[4] : 0;
	struct nameidata *o, *n;
	long r;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if ((flags & RENAME_WHITEOUT) && !cred_capable(&t->cred, CAP_MKNOD))
		return -EPERM;
	if (nd_alloc_pair(&o, &n))
		return -ENOMEM;
	r = task_namei(t, at ? (int)sc->args[0] : AT_FDCWD, sc->args[at ? 1 : 0], LOOKUP_CREATE,
		       false, o);
	if (r == 0)
		r = task_namei(t, at ? (int)sc->args[2] : AT_FDCWD, sc->args[at ? 3 : 1],
			       LOOKUP_CREATE, false, n);
	if (r)
		goto out;
	if (o->mnt != n->mnt)
		r = -EXDEV;
	else if (o->last_type != LAST_NORM || n->last_type != LAST_NORM)
		r = -EBUSY;
	else if (ro(o))
		r = -EROFS;
	else if (!o->exists)
		r = -ENOENT;
	else if (!o->last[0] || !n->last[0])
		r = -EBUSY;	/* a mountpoint */
	else if (!S_ISDIR(o->st.st_mode) &&
		 (o->trailing_slash || (!(flags & RENAME_EXCHANGE) && n->trailing_slash)))
		r = -ENOTDIR;
	else if ((flags & RENAME_EXCHANGE) && n->exists && !S_ISDIR(n->st.st_mode) &&
		 n->trailing_slash)
		r = -ENOTDIR;
	else if ((flags & RENAME_NOREPLACE) && n->exists)
		r = -EEXIST;
	else if ((flags & RENAME_EXCHANGE) && !n->exists)
		r = -ENOENT;
	else if (procfs(o) || procfs(n))
		r = n->exists ? -EPERM : -ENOENT;
	else if (fakeroot_is_db(o->mnt, &o->st) || (n->exists && fakeroot_is_db(n->mnt, &n->st)))
		r = -EPERM;
	else if ((r = may_delete(t, o)) == 0 &&
		 (r = n->exists ? may_delete(t, n) : may_create(t, n)) == 0 &&
		 syscall(SYS_renameat2, o->dfd, o->last, n->dfd, n->last, flags) < 0)
		r = -errno;
	else if (n->exists && !(flags & RENAME_EXCHANGE))
		fakeroot_unlink(n->mnt, &n->st);
out:
	nd_done(n, 0);
	return nd_done(o, r);
}

/* link(old, new), linkat(od, old, nd, new, flags) */
long sys_link2(struct task *t, struct sysc *sc)
{
	bool at = sc->nr == SYS_linkat;
	unsigned flags = at ? (unsigned)sc->args[4] : 0;
	struct nameidata *o, *n;
	int ofd = -1;
	long r;

	if (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && !cred_capable(&t->cred, CAP_DAC_READ_SEARCH))
		flags &= ~(unsigned)AT_EMPTY_PATH;	/* an empty path is then ENOENT */
	if (nd_alloc_pair(&o, &n))
		return -ENOMEM;
	r = task_namei(t, at ? (int)sc->args[0] : AT_FDCWD, sc->args[at ? 1 : 0],
		       ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) | LOOKUP_MUST_EXIST,
		       flags & AT_EMPTY_PATH, o);
	if (r == 1) {
		/* linkat(fd, "", ..., AT_EMPTY_PATH): the file the guest's fd names. */
		ofd = guest_fd_get(t, (int)sc->args[0]);
		r = ofd < 0 ? ofd : fstat(ofd, &o->st) < 0 ? -errno : 0;
	} else if (r == 0 && o->last_type != LAST_NORM) {
		r = -EPERM;	/* a directory */
	}
	if (r == 0)
		r = create_checks(t, n, at ? (int)sc->args[2] : AT_FDCWD, sc->args[at ? 3 : 1],
				  false);
	if (r == 0 && ofd < 0 && o->mnt != n->mnt)
		r = -EXDEV;
	if (r == 0 && S_ISDIR(o->st.st_mode))
		r = -EPERM;
	if (r == 0) {
		if (ofd >= 0)
			r = linkat(ofd, "", n->dfd, n->last, AT_EMPTY_PATH);
		else if (o->last[0])
			r = linkat(o->dfd, o->last, n->dfd, n->last, 0);
		else
			r = linkat(o->dfd, "", n->dfd, n->last, AT_EMPTY_PATH);
		r = r < 0 ? -errno : 0;
	}
	if (ofd >= 0)
		close(ofd);
	nd_done(n, 0);
	return nd_done(o, r);
}

/* symlink(target, path), symlinkat(target, dirfd, path) */
long sys_symlink(struct task *t, struct sysc *sc)
{
	bool at = sc->nr == SYS_symlinkat;
	char target[PATH_MAX];
	struct nameidata *nd;
	long r = strncpy_from_guest(t, target, sc->args[0], sizeof(target));

	if (r < 0)
		return r;
	if (r == 0)
		return -ENOENT;
	nd = nd_alloc();
	if (!nd)
		return -ENOMEM;
	r = create_checks(t, nd, at ? (int)sc->args[1] : AT_FDCWD, sc->args[at ? 2 : 1],
			  false);
	if (r == 0 && symlinkat(target, nd->dfd, nd->last) < 0)
		r = -errno;
	if (r == 0)
		fs_owner_fixup(t, -1, nd->dfd, nd->last);
	return nd_done(nd, r);
}
