/*
 * open, openat, openat2, creat; access; chdir, fchdir, chroot, getcwd;
 * umask (Linux's fs/open.c).
 *
 * An open is the one path call the guest thread runs itself (opening a FIFO
 * or a terminal may block, and umk's event loop must never block): umk walks
 * the path (namei.c), answers what the walk already decides (ENOENT, ELOOP,
 * EEXIST, EISDIR, EROFS), and rewrites the call into
 *
 *     openat2(<mount's reserved descriptor>, <path from the mount's root>,
 *             { flags, mode, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS })
 *
 * with both arguments in the thread's scratch page, which the guest cannot
 * write. The path umk hands over holds no symlink and no `..`, so the host
 * refuses anything a concurrent rename could have changed (a directory
 * swapped for a symlink gives ELOOP), and umk then walks again: the open
 * restarts from the guest's own syscall. No guest path can open anything
 * outside the mount it resolved to.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/securebits.h>
#include "umk/arch.h"
#include "umk/cred.h"
#include "umk/fs.h"
#include "umk/tty.h"
#include "umk/handlers.h"
#include "umk/inject.h"
#include "umk/mount.h"
#include "umk/fakeroot.h"
#include "umk/proc.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#ifndef OPEN_HOW_SIZE_VER0
#define OPEN_HOW_SIZE_VER0 24
#endif
/* O_TMPFILE's own bit (glibc's __O_TMPFILE includes O_DIRECTORY). */
#define TMPFILE_BIT 020000000
/* Linux's VALID_OPEN_FLAGS and VALID_RESOLVE_FLAGS. */
#define VALID_OPEN_FLAGS (O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | \
			  O_TRUNC | O_APPEND | O_NDELAY | O_NONBLOCK | O_SYNC | O_DSYNC | \
			  FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | \
			  O_NOATIME | O_CLOEXEC | O_PATH | TMPFILE_BIT)
#define VALID_RESOLVE_FLAGS (RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | \
			     RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED)
#define S_IALLUGO (S_ISUID | S_ISGID | S_ISVTX | 0777)
#define OPEN_RETRIES 64	/* walks again after the host saw a rename race */

bool nd_is_device(const struct nameidata *nd, char *host, size_t len)
{
	unsigned n;
	char c;

	if (nd->mnt->kind != MNT_DEV || !nd->exists || !S_ISREG(nd->st.st_mode))
		return false;
	/* A guest pty's slave (tty.c made the placeholder). */
	if (sscanf(nd->rel, "pts/%u%c", &n, &c) == 1) {
		snprintf(host, len, "/dev/pts/%u", n);
		return true;
	}
	for (int i = 0; dev_names[i]; i++)
		if (!strcmp(nd->rel, dev_names[i])) {
			snprintf(host, len, "/dev/%s", dev_names[i]);
			return true;
		}
	return false;
}

/* A device of the guest's /dev: umk opens the host's (these never block)
 * and gives the guest the descriptor. */
static long open_device(struct task *t, const char *host, uint64_t flags)
{
	int fd = open(host, (int)(flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_SYNC |
					  O_DSYNC | O_NOATIME)) | O_NOCTTY | O_CLOEXEC);
	long r;

	if (fd < 0)
		return -errno;
	r = inject_install_fd(t, fd, -1, flags & O_CLOEXEC);
	close(fd);
	return r;
}

/*
 * A /proc/PID/fd/N link to an object with no path (a pipe, a socket, a
 * deleted file): opened again, as Linux's magic link opens the object
 * itself. umk opens it without blocking and gives the guest the
 * descriptor with the flags it asked for.
 */
static long open_magic(struct task *t, int obj, uint64_t flags)
{
	char path[64];
	int fd;
	long r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", obj);
	fd = open(path, (int)(flags & ~(uint64_t)(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)) |
		  O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	r = inject_install_fd(t, fd, -1, flags & O_CLOEXEC);
	close(fd);
	return r;
}

/* O_PATH of a /proc file: the placeholder itself (nothing is read). */
static long open_magic_path(struct task *t, const struct nameidata *nd, uint64_t flags)
{
	int fd = nd_open_final(nd);
	long r;

	if (fd < 0)
		return fd;
	r = inject_install_fd(t, fd, -1, flags & O_CLOEXEC);
	close(fd);
	return r;
}

/*
 * One of the guest's /dev devices (host is the host's name for it), with
 * what terminals need (tty.c): /dev/tty is the opener's controlling
 * terminal (the guests' pty when umk relays one, else umk's own, which the
 * guests share); a new pty's slave gets its name in the guest's /dev/pts;
 * a slave opens only while a guest holds its master, and becomes the
 * controlling terminal of a session leader that has none.
 */
static long open_guest_device(struct task *t, const char *host, uint64_t flags)
{
	long r;

	if (!strcmp(host, "/dev/tty")) {
		const char *ctty = tty_of(t);

		return ctty ? open_device(t, ctty, flags) : -ENXIO;
	}
	if (!strncmp(host, "/dev/pts/", 9) && !tty_pts_guests(t, host))
		return -EIO;	/* its master is closed: a gone pty */
	r = open_device(t, host, flags);
	if (r >= 0 && !strcmp(host, "/dev/ptmx"))
		tty_pts_made(t, (int)r);
	else if (r >= 0 && !strncmp(host, "/dev/pts/", 9) && !(flags & O_NOCTTY))
		tty_open_acquire(t, (int)r);
	return r;
}

/* A device node: the host device with that number among /dev's, or ENXIO. */
static long open_rdev(struct task *t, mode_t mode, dev_t rdev, uint64_t flags)
{
	static const struct { unsigned maj, min; const char *path; } safe[] = {
		{ 1, 3, "/dev/null" }, { 1, 5, "/dev/zero" }, { 1, 7, "/dev/full" },
		{ 1, 8, "/dev/random" }, { 1, 9, "/dev/urandom" }, { 5, 0, "/dev/tty" },
		{ 5, 2, "/dev/ptmx" },
	};

	for (size_t i = 0; S_ISCHR(mode) && i < sizeof(safe) / sizeof(safe[0]); i++)
		if (major(rdev) == safe[i].maj && minor(rdev) == safe[i].min)
			return open_guest_device(t, safe[i].path, flags);
	return -ENXIO;
}

/* The host refused the path umk handed over: something was renamed between
 * umk's walk and the host's. Walk again (the guest's own call restarts). */
static void open_exit(struct task *t, struct sysc *sc)
{
	if (sc->ret == -ELOOP && t->path_retries < OPEN_RETRIES) {
		t->path_retries++;
		sc->restart = true;
		return;
	}
	t->path_retries = 0;
	/* A file the guest's process created: the guest's owner. */
	if (sc->ret >= 0 && sc->u.data[0]) {
		int fd = guest_fd_get(t, (int)sc->ret);
		struct stat st;
		char link[64], host[HOST_PATH_MAX];
		ssize_t n;

		if (fd < 0)
			return;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, host, sizeof(host) - 1);
		if (n > 0 && fstat(fd, &st) == 0 && st.st_uid == geteuid()) {
			char *slash;
			int dfd;

			host[n] = '\0';
			slash = strrchr(host, '/');
			if (slash && slash != host) {
				*slash = '\0';
				dfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
				fs_owner_fixup(t, fd, dfd >= 0 ? dfd : fd, NULL);
				if (dfd >= 0)
					close(dfd);
			}
		}
		close(fd);
	}
}

/*
 * The guest thread opens with the host's rights of its process (umk's user,
 * no capabilities), the guest's credentials may allow more: root reads a
 * mode-0 file. Would the host refuse what the guest may do? Then umk opens
 * it for the guest: only a regular file or a directory (their opens never
 * block), or a new file in a directory.
 */
static bool host_denies(const struct stat *st, int mask)
{
	static gid_t groups[64];
	static int ngroups = -1;
	unsigned mode = st->st_mode;

	if (ngroups < 0)
		ngroups = getgroups(64, groups);
	if (st->st_uid == geteuid()) {
		mode >>= 6;
	} else {
		bool in = st->st_gid == getegid();

		for (int i = 0; i < ngroups && !in; i++)
			in = groups[i] == st->st_gid;
		if (in)
			mode >>= 3;
	}
	return (mask & ~mode & 7) != 0;
}

static long open_for_guest(struct task *t, const struct nameidata *nd, uint64_t flags,
			   uint64_t mode)
{
	int fd;
	long r;

	if (nd->last[0])
		fd = openat(nd->dfd, nd->last,
			    (int)(flags & ~(uint64_t)O_CLOEXEC) | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
			    (mode_t)(mode & ~(uint64_t)t->fs->umask));
	else
		fd = openat(nd->dfd, ".", (int)(flags & ~(uint64_t)(O_CLOEXEC | O_CREAT | O_EXCL)) |
			    O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!nd->exists)
		fs_owner_fixup(t, fd, nd->dfd, NULL);
	r = inject_install_fd(t, fd, -1, flags & O_CLOEXEC);
	close(fd);
	return r;
}

/* Should umk open it for the guest (see above)? 0: no; 1: yes; -errno: the
 * guest may not either. */
static int open_by_umk(struct task *t, const struct nameidata *nd, uint64_t flags)
{
	int acc = (flags & O_ACCMODE) == O_RDONLY ? MAY_READ : (flags & O_ACCMODE) == O_WRONLY
		  ? MAY_WRITE : MAY_READ | MAY_WRITE;
	struct stat dir;
	int r;

	if (flags & O_PATH)
		return 0;
	if (flags & O_TRUNC)
		acc |= MAY_WRITE;
	/* may_open() and may_o_create() with the guest's credentials first:
	 * they, not the host's, decide. */
	if (nd->exists && (r = cred_permission(&t->cred, &nd->st, acc)))
		return r;
	if (!nd->exists && nd->last[0]) {
		if (fstat(nd->dfd, &dir) < 0)
			return -errno;
		if ((r = cred_permission(&t->cred, &dir, MAY_WRITE | MAY_EXEC)))
			return r;
	}
	if (flags & TMPFILE_BIT)
		return 0;
	if (nd->exists) {
		if (!S_ISREG(nd->st.st_mode) && !S_ISDIR(nd->st.st_mode))
			return 0;
		/* A removed directory (a removed cwd's "."): only its descriptor
		 * reaches it. */
		if (S_ISDIR(nd->st.st_mode) && nd->st.st_nlink == 0 && !nd->last[0])
			return 1;
		return host_denies(&nd->st, acc);
	}
	return (flags & O_CREAT) && nd->last[0] && host_denies(&dir, MAY_WRITE | MAY_EXEC);
}

static long do_open(struct task *t, struct sysc *sc, int dirfd, uint64_t upath, uint64_t flags,
		    uint64_t mode, uint64_t resolve)
{
	struct nameidata *nd = malloc(sizeof(*nd));
	unsigned lf = 0;
	struct open_how how;
	char host[64], rel[PATH_MAX + 2];
	uint64_t sp = fs_arg_sp(sc), paddr, haddr;
	bool write = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	long r;

	if (!nd)
		return -ENOMEM;
	/* build_open_flags(): a file cannot be created as a directory; O_TMPFILE
	 * wants O_DIRECTORY, write access, and no O_CREAT. */
	if (((flags & O_CREAT) && (flags & O_DIRECTORY)) ||
	    ((flags & TMPFILE_BIT) && (!(flags & O_DIRECTORY) ||
				       !(flags & (O_WRONLY | O_RDWR)) || (flags & O_CREAT)))) {
		free(nd);
		return -EINVAL;
	}
	if (!(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
		lf |= LOOKUP_FOLLOW;
	if (flags & O_CREAT)
		lf |= LOOKUP_CREATE;
	else
		lf |= LOOKUP_MUST_EXIST;
	if ((flags & O_DIRECTORY) && !(flags & O_CREAT))
		lf |= LOOKUP_DIRECTORY;
	if (resolve & RESOLVE_BENEATH)
		lf |= LOOKUP_BENEATH;
	if (resolve & RESOLVE_IN_ROOT)
		lf |= LOOKUP_IN_ROOT;
	if (resolve & RESOLVE_NO_XDEV)
		lf |= LOOKUP_NO_XDEV;
	if (resolve & RESOLVE_NO_SYMLINKS)
		lf |= LOOKUP_NO_SYMLINKS;

	r = task_namei(t, dirfd, upath, lf, false, nd);
	if (r)
		goto out;
	if (nd->magic_fd >= 0) {
		r = open_magic(t, nd->magic_fd, flags);
		goto out;
	}
	if (nd->exists) {
		if (S_ISLNK(nd->st.st_mode) && !(flags & O_PATH)) {
			/* Not followed: O_CREAT|O_EXCL (EEXIST) or O_NOFOLLOW. */
			r = (flags & O_CREAT) && (flags & O_EXCL) ? -EEXIST : -ELOOP;
			goto out;
		}
		if (flags & O_CREAT) {
			if (nd->trailing_slash)
				r = -EISDIR;
			else if (flags & O_EXCL)
				r = -EEXIST;
			else if (S_ISDIR(nd->st.st_mode))
				r = -EISDIR;
			if (r)
				goto out;
		}
		if ((nd->mnt->flags & MNT_RDONLY) && !(flags & O_PATH) &&
		    (S_ISREG(nd->st.st_mode) || S_ISDIR(nd->st.st_mode)) &&
		    (write || (flags & TMPFILE_BIT))) {
			r = S_ISDIR(nd->st.st_mode) && !(flags & TMPFILE_BIT) ? -EISDIR : -EROFS;
			goto out;
		}
		if (nd_is_device(nd, host, sizeof(host))) {
			r = open_guest_device(t, host, flags);
			goto out;
		}
		if (fakeroot_is_db(nd->mnt, &nd->st)) {
			r = -EACCES;
			goto out;
		}
		/* A device node of the root file system (fake root's or real):
		 * only the devices /dev offers, never another host device. */
		if ((S_ISCHR(nd->st.st_mode) || S_ISBLK(nd->st.st_mode)) && !(flags & O_PATH)) {
			r = open_rdev(t, nd->st.st_mode, nd->st.st_rdev, flags);
			goto out;
		}
		/* get_write_access(): not the image of a running guest. */
		if (S_ISREG(nd->st.st_mode) && write && !(flags & O_PATH) &&
		    fs_running_exe(nd->st.st_dev, nd->st.st_ino)) {
			r = -ETXTBSY;
			goto out;
		}
		if (nd->mnt->kind == MNT_PROC) {
			if (S_ISREG(nd->st.st_mode)) {
				r = (flags & O_PATH) ? open_magic_path(t, nd, flags)
						     : proc_open(t, proc_rel(nd), flags);
				goto out;
			}
			if (S_ISDIR(nd->st.st_mode)) {
				int dfd = nd_open_final(nd);

				if (dfd >= 0) {
					proc_revalidate(t, dfd, proc_rel(nd), NULL);
					close(dfd);
				}
			}
		}
	} else {
		/* Only with O_CREAT (the walk wants the rest to exist). */
		if (nd->trailing_slash)
			r = -EISDIR;
		else if (nd->mnt->flags & MNT_RDONLY)
			r = -EROFS;
		else if (nd->mnt->kind == MNT_PROC)
			r = -ENOENT;	/* proc's lookup of an unknown name */
		if (r)
			goto out;
	}

	if ((r = open_by_umk(t, nd, flags)) != 0) {
		if (r > 0)
			r = open_for_guest(t, nd, flags, mode);
		goto out;
	}

	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.mode = mode;
	/* The guest's RESOLVE_* bits were umk's walk; the host's keep it there. */
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
		      (resolve & RESOLVE_CACHED);
	snprintf(rel, sizeof(rel), "%s%s", nd->rel,
		 nd->trailing_slash && strcmp(nd->rel, ".") ? "/" : "");
	if ((r = push_to_guest_stack(t, &sp, rel, strlen(rel) + 1, &paddr)) ||
	    (r = push_to_guest_stack(t, &sp, &how, sizeof(how), &haddr)))
		goto out;
	sc->nr = SYS_openat2;
	sc->args[0] = (uint64_t)nd->mnt->guest_fd;
	sc->args[1] = paddr;
	sc->args[2] = haddr;
	sc->args[3] = sizeof(how);
	sc->args[4] = sc->args[5] = 0;
	sc->args_dirty = true;
	/* It may create the file: the exit gives it the guest's owner. */
	sc->u.data[0] = !nd->exists && (flags & O_CREAT) &&
			(t->cred.fsuid != 0 || t->cred.fsgid != (geteuid() ? 0 : getegid()));
	if (nd->exists && (S_ISREG(nd->st.st_mode) || S_ISDIR(nd->st.st_mode)) &&
	    !sc->u.data[0] && t->path_retries == 0) {
		/*
		 * A file or directory: its open does not block, so it cannot
		 * come back asking for a restart, and the retry trampoline
		 * runs it again after a rename race without an exit stop.
		 * (Other opens, which may block, take the exit stop; so does a
		 * call already restarted, which counts its retries there.)
		 */
		sc->tramp_ok = true;
		sc->retry_on = -ELOOP;
	} else {
		sc->on_exit = open_exit;
	}
	r = SYSC_NATIVE;
out:
	nd_release(nd);
	free(nd);
	return r;
}

/* open(2), openat(2), creat(2): build_open_how() drops unknown flags and a
 * mode without O_CREAT/O_TMPFILE; 64-bit opens are O_LARGEFILE. */
static long open_legacy(struct task *t, struct sysc *sc, int dirfd, uint64_t upath,
			uint64_t flags, uint64_t mode)
{
	flags = (flags & VALID_OPEN_FLAGS) | O_LARGEFILE;
	if ((flags & O_CREAT) || (flags & TMPFILE_BIT))
		mode &= S_IALLUGO;
	else
		mode = 0;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	return do_open(t, sc, dirfd, upath, flags, mode, 0);
}

long sys_open(struct task *t, struct sysc *sc)
{
	return open_legacy(t, sc, AT_FDCWD, sc->args[0], (uint32_t)sc->args[1], sc->args[2]);
}

long sys_openat(struct task *t, struct sysc *sc)
{
	return open_legacy(t, sc, (int)sc->args[0], sc->args[1], (uint32_t)sc->args[2],
			   sc->args[3]);
}

long sys_creat(struct task *t, struct sysc *sc)
{
	return open_legacy(t, sc, AT_FDCWD, sc->args[0], O_CREAT | O_WRONLY | O_TRUNC,
			   sc->args[1]);
}

/* openat2: the checks of build_open_flags() come before the walk. */
long sys_openat2(struct task *t, struct sysc *sc)
{
	struct open_how how;
	uint64_t size = sc->args[3];
	int r;

	if (size < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	r = copy_struct_from_guest(t, &how, sizeof(how), sc->args[2], size);
	if (r)
		return r;
	if (how.flags & ~(uint64_t)VALID_OPEN_FLAGS)
		return -EINVAL;
	if (how.resolve & ~(uint64_t)VALID_RESOLVE_FLAGS)
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if ((how.flags & O_CREAT) || (how.flags & TMPFILE_BIT)) {
		if (how.mode & ~(uint64_t)S_IALLUGO)
			return -EINVAL;
	} else if (how.mode) {
		return -EINVAL;
	}
	if ((how.flags & O_PATH) &&
	    (how.flags & ~(uint64_t)(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)))
		return -EINVAL;
	if ((how.resolve & RESOLVE_CACHED) && (how.flags & (O_TRUNC | O_CREAT | TMPFILE_BIT)))
		return -EAGAIN;
	return do_open(t, sc, (int)sc->args[0], sc->args[1], how.flags, how.mode, how.resolve);
}

/*
 * access, faccessat, faccessat2: with the real ids unless AT_EACCESS, as
 * access_override_creds(); the modes of the file (or EROFS for a write on
 * a read-only mount) decide.
 */
long sys_access(struct task *t, struct sysc *sc)
{
	struct nameidata *nd;
	struct cred c = t->cred;
	int dirfd = AT_FDCWD, mode, flags = 0;
	uint64_t upath;
	struct stat st;
	long r;

	if (sc->nr == SYS_access) {
		upath = sc->args[0];
		mode = (int)sc->args[1];
	} else {
		dirfd = (int)sc->args[0];
		upath = sc->args[1];
		mode = (int)sc->args[2];
		if (sc->nr == SYS_faccessat2)
			flags = (int)sc->args[3];
	}
	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) {
		c.fsuid = c.uid;
		c.fsgid = c.gid;
		if (!(c.securebits & SECBIT_NO_SETUID_FIXUP))
			c.cap_effective = c.uid ? 0 : c.cap_permitted;
	}
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	r = task_namei(t, dirfd, upath,
		       ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | LOOKUP_MUST_EXIST,
		       flags & AT_EMPTY_PATH, nd);
	if (r == 1) {
		int fd = guest_fd_get(t, dirfd);

		r = fd < 0 ? fd : fstat(fd, &st) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		if (r == 0 && mode)
			r = cred_permission(&c, &st, mode);
	} else if (r == 0 && mode) {
		st = nd->st;
		r = cred_permission(&c, &st, mode);
		if (r == 0 && (mode & W_OK) && (nd->mnt->flags & MNT_RDONLY) &&
		    (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)))
			r = -EROFS;
	}
	nd_release(nd);
	free(nd);
	return r;
}

/* The cwd becomes the directory umk holds at fd (taken over). */
static long set_cwd(struct fs_struct *fs, int fd, const char *guest)
{
	if (fd < 0)
		return fd;
	if (fs->cwd_fd >= 0)
		close(fs->cwd_fd);
	fs->cwd_fd = fd;
	free(fs->cwd);
	fs->cwd = xstrdup(guest);
	return 0;
}

/* chdir's and chroot's walk: a directory t may search (MAY_EXEC|MAY_CHDIR). */
static long lookup_dir(struct task *t, uint64_t upath, struct nameidata *nd)
{
	long r = task_namei(t, AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_MUST_EXIST |
			    LOOKUP_DIRECTORY, false, nd);

	return r ? r : cred_permission(&t->cred, &nd->st, MAY_EXEC);
}

/* chdir: the walk, a directory, search permission; the cwd is umk's. */
long sys_chdir(struct task *t, struct sysc *sc)
{
	struct nameidata *nd = malloc(sizeof(*nd));
	long r;

	if (!nd)
		return -ENOMEM;
	r = lookup_dir(t, sc->args[0], nd);
	if (r == 0)
		r = set_cwd(t->fs, nd_open_final(nd), nd->guest);
	nd_release(nd);
	free(nd);
	return r;
}

long sys_fchdir(struct task *t, struct sysc *sc)
{
	char guest[PATH_MAX];
	struct stat st;
	int fd = guest_fd_get(t, (int)sc->args[0]);
	long r;

	if (fd < 0)
		return fd;
	r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r == 0 && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r == 0)
		r = cred_permission(&t->cred, &st, MAY_EXEC);
	if (r == 0 && fd_guest_path(t, (int)sc->args[0], guest, sizeof(guest)))
		snprintf(guest, sizeof(guest), "%s", t->fs->cwd);	/* (removed) */
	if (r) {
		close(fd);
		return r;
	}
	return set_cwd(t->fs, fd, guest);
}

long sys_getcwd(struct task *t, struct sysc *sc)
{
	const char *cwd, *root = t->fs->root;
	size_t rl = strlen(root);
	char buf[PATH_MAX + 16];
	size_t len;

	if (fs_cwd_refresh(t->fs) < 0)
		return -ENOENT;
	cwd = t->fs->cwd;

	if (!strcmp(root, "/"))
		snprintf(buf, sizeof(buf), "%s", cwd);
	else if (!strncmp(cwd, root, rl) && (cwd[rl] == '/' || !cwd[rl]))
		snprintf(buf, sizeof(buf), "%s", cwd[rl] ? cwd + rl : "/");
	else	/* cwd outside the chroot: Linux says so */
		snprintf(buf, sizeof(buf), "(unreachable)%s", cwd);
	len = strlen(buf) + 1;
	if (sc->args[1] < len)
		return -ERANGE;
	if (copy_to_guest(t, sc->args[0], buf, len))
		return -EFAULT;
	return (long)len;
}

/* chroot: the walk, search permission, then CAP_SYS_CHROOT (Linux's order). */
long sys_chroot(struct task *t, struct sysc *sc)
{
	struct nameidata *nd = malloc(sizeof(*nd));
	long r;

	if (!nd)
		return -ENOMEM;
	r = lookup_dir(t, sc->args[0], nd);
	if (r == 0 && !cred_capable(&t->cred, CAP_SYS_CHROOT))
		r = -EPERM;
	if (r == 0) {
		free(t->fs->root);
		t->fs->root = xstrdup(nd->guest);
	}
	nd_release(nd);
	free(nd);
	return r;
}

/* umask: umk applies it to what it creates itself; the host keeps its own
 * copy for the guest's native opens. */
long sys_umask(struct task *t, struct sysc *sc)
{
	t->fs->umask = (unsigned)sc->args[0] & 0777;
	return SYSC_NATIVE;
}
