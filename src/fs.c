/*
 * What the path-taking syscalls share: the guest's descriptors seen from
 * umk, the walk of a guest path for a task (namei.c), and the few calls
 * the host must run on a host path (socket addresses, inotify and fanotify
 * watches). The calls themselves live by subsystem: fs_open.c (open,
 * access, chdir, chroot), fs_stat.c (stat, readlink, statfs), fs_dir.c
 * (directory entries), fs_attr.c (ownership, modes, times, xattrs).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/inotify.h>
#include <sys/fanotify.h>
#include <linux/capability.h>
#include <linux/openat2.h>

#ifndef OPEN_HOW_SIZE_VER0
#define OPEN_HOW_SIZE_VER0 24
#endif
#include "umk/fs.h"
#include "umk/mount.h"
#include "umk/fakeroot.h"
#include "umk/inject.h"
#include "umk/mm.h"
#include "umk/handlers.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static int proc_fd(struct task *t, int fd, char *host, size_t len, struct stat *st)
{
	char link[64];
	ssize_t n;

	if (fd < 0 || fd >= UMK_FD_BASE)
		return -EBADF;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", t->host_tid, fd);
	if (stat(link, st) < 0)
		return errno == ENOENT ? -EBADF : -errno;
	n = readlink(link, host, len - 1);
	if (n < 0)
		return errno == ENOENT ? -EBADF : -errno;
	host[n] = '\0';
	return 0;
}

int guest_fd_get(struct task *t, int fd)
{
	int pfd, r;

	if (fd < 0 || fd >= UMK_FD_BASE)
		return -EBADF;
	pfd = (int)syscall(SYS_pidfd_open, t->proc->host_tgid, 0);
	if (pfd < 0)
		return -EBADF;
	r = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	return r < 0 ? -EBADF : r;
}

int fd_guest_path(struct task *t, int fd, char *out, size_t len)
{
	char host[HOST_PATH_MAX];
	struct stat st;
	int r = proc_fd(t, fd, host, sizeof(host), &st);

	if (r)
		return r;
	return mount_host_to_guest(host, out, len) ? -ENOENT : 0;
}

int fd_guest_dir(struct task *t, int dirfd, char *out, size_t len)
{
	char host[HOST_PATH_MAX];
	struct stat st;
	int r;

	if (dirfd == AT_FDCWD) {
		snprintf(out, len, "%s", t->fs->cwd);
		return 0;
	}
	r = proc_fd(t, dirfd, host, sizeof(host), &st);
	if (r)
		return r;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* A directory outside the view cannot be a base (it cannot be opened either). */
	return mount_host_to_guest(host, out, len) ? -EBADF : 0;
}

int fs_cwd_refresh(struct fs_struct *fs)
{
	char link[64], host[HOST_PATH_MAX], guest[PATH_MAX];
	ssize_t n;

	if (fs->cwd_fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fs->cwd_fd);
	n = readlink(link, host, sizeof(host) - 1);
	if (n < 0)
		return -ENOENT;
	host[n] = '\0';
	if (n > 10 && !strcmp(host + n - 10, " (deleted)"))
		return -ENOENT;	/* removed: the last path stays, for what it is worth */
	if (mount_host_to_guest(host, guest, sizeof(guest)) == 0 && strcmp(guest, fs->cwd)) {
		free(fs->cwd);
		fs->cwd = xstrdup(guest);
	}
	return 0;
}

struct file_id {
	dev_t dev;
	ino_t ino;
	bool found;
};

static int running_exe(struct task *t, void *arg)
{
	struct file_id *f = arg;
	struct process *p = t->proc;

	if (t == p->leader && p->state == PROC_ALIVE && p->exe && p->exe_ino == f->ino &&
	    p->exe_dev == f->dev)
		f->found = true;
	return f->found;
}

bool fs_running_exe(dev_t dev, ino_t ino)
{
	struct file_id f = { dev, ino, false };

	for_each_task(running_exe, &f);
	return f.found;
}

/* Does this process hold the file open for writing? Its descriptors, as
 * the host lists them; flags from fdinfo only for the file's own. */
static int holds_for_write(struct task *t, void *arg)
{
	struct file_id *f = arg;
	struct process *p = t->proc;
	char path[64];
	struct dirent *e;
	DIR *d;

	if (t != p->leader || p->state != PROC_ALIVE)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", p->host_tgid);
	if (!(d = opendir(path)))
		return 0;
	while (!f->found && (e = readdir(d))) {
		struct stat st;
		char info[64], buf[256];
		int fd, n = atoi(e->d_name);

		if (e->d_name[0] == '.' || n >= UMK_FD_BASE ||
		    fstatat(dirfd(d), e->d_name, &st, 0) < 0 || st.st_ino != f->ino ||
		    st.st_dev != f->dev)
			continue;
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%d", p->host_tgid, n);
		fd = open(info, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t l = read(fd, buf, sizeof(buf) - 1);
			const char *fl;

			close(fd);
			buf[l > 0 ? l : 0] = '\0';
			fl = strstr(buf, "flags:");
			if (fl && (strtoul(fl + 6, NULL, 8) & O_ACCMODE) != O_RDONLY)
				f->found = true;
		}
	}
	closedir(d);
	return f->found;
}

bool fs_open_for_write(dev_t dev, ino_t ino)
{
	struct file_id f = { dev, ino, false };

	for_each_task(holds_for_write, &f);
	return f.found;
}

void fs_owner_fixup(struct task *t, int fd, int dfd, const char *name)
{
	uid_t uid = t->cred.fsuid;
	gid_t gid = t->cred.fsgid;
	struct stat dir;

	/* Files umk or the guest's process create are the host user's: when
	 * that is not the guest's fsuid (--user, setuid), they become the
	 * guest's, with the group a set-gid directory gives: for real when
	 * umk is root, else in fake root's records (where the host user's
	 * own files show as root's). */
	if (fstat(dfd, &dir) == 0 && (dir.st_mode & S_ISGID))
		gid = dir.st_gid;
	if (geteuid() == 0) {
		if (uid == 0 && gid == getegid())
			return;
		if (fd >= 0)
			(void)!fchown(fd, uid, gid);
		else
			(void)!fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW);
		return;
	}
	if (uid != 0 || (gid != 0 && !(dir.st_mode & S_ISGID))) {
		struct stat st;

		if ((fd >= 0 ? fstat(fd, &st) : fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) == 0)
			fakeroot_chown(mount_root(), &st, uid, gid);
	}
}

int task_namei_path(struct task *t, int dirfd, const char *path, unsigned flags,
		    struct nameidata *nd)
{
	int r;

	nd_init(nd, t->fs->root, nd->basebuf, &t->cred, flags);
	nd->task = t;
	if (!path[0])
		return -ENOENT;
	if (path[0] != '/' || (flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT))) {
		/* The base directory itself, not only its path: a walk from a
		 * renamed or removed directory starts where Linux's does. */
		if (dirfd == AT_FDCWD) {
			fs_cwd_refresh(t->fs);
			snprintf(nd->basebuf, sizeof(nd->basebuf), "%s", t->fs->cwd);
			if (t->fs->cwd_fd >= 0)
				nd->base_fd = fcntl(t->fs->cwd_fd, F_DUPFD_CLOEXEC, 0);
		} else {
			r = fd_guest_dir(t, dirfd, nd->basebuf, sizeof(nd->basebuf));
			if (r)
				return r;
			r = guest_fd_get(t, dirfd);
			if (r >= 0)
				nd->base_fd = r;
		}
	} else {
		snprintf(nd->basebuf, sizeof(nd->basebuf), "%s", t->fs->root);
	}
	return namei(nd, path);
}

int task_namei(struct task *t, int dirfd, uint64_t upath, unsigned flags, bool empty_ok,
	       struct nameidata *nd)
{
	char path[PATH_MAX];
	/* AT_EMPTY_PATH takes a NULL path as "" (Linux 6.11). */
	long n = upath == 0 && empty_ok ? 0 : strncpy_from_guest(t, path, upath, sizeof(path));

	nd_init(nd, t->fs->root, nd->basebuf, &t->cred, flags);
	nd->task = t;
	if (n < 0)
		return (int)n;
	if (n == 0) {
		if (!empty_ok)
			return -ENOENT;
		/* AT_EMPTY_PATH: the call acts on dirfd itself (on the cwd for
		 * AT_FDCWD, which the host does not know: walk "." then). */
		if (dirfd != AT_FDCWD)
			return dirfd < 0 || dirfd >= UMK_FD_BASE ? -EBADF : 1;
		snprintf(path, sizeof(path), ".");
	}
	return task_namei_path(t, dirfd, path, flags, nd);
}

/*
 * The calls the host must run itself on a path (the guest's socket binds
 * and connects, its inotify and fanotify watches) get no path of umk's
 * walk: umk lends the guest, for that one call, a descriptor of what the
 * walk found, at UMK_FD_PATH (close-on-exec, replaced by the next loan),
 * and the host path is /proc/self/fd/UMK_FD_PATH[/last]. The magic link
 * takes the host straight to that directory or object, so nothing renamed
 * meanwhile can lead it anywhere else: the parent directory plus a last
 * name the call does not follow, or the object itself.
 */
#define UMK_FD_PATH (UMK_FD_BASE + 7)

/* Lend the directory dfd (umk's O_PATH descriptor): the path for the host,
 * with last appended. (seccomp's ADDFD takes no O_PATH descriptor: umk
 * lends an O_RDONLY one.) */
static int lend(struct task *t, int dfd, const char *last, char *path, size_t len)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long r;

	if (fd < 0)
		return -errno;
	r = inject_install_fd(t, fd, UMK_FD_PATH, true);
	close(fd);
	if (r < 0)
		return (int)r;
	if (last && *last)
		r = snprintf(path, len, "/proc/self/fd/%d/%s", UMK_FD_PATH, last);
	else
		r = snprintf(path, len, "/proc/self/fd/%d", UMK_FD_PATH);
	return r >= (long)len ? -ENAMETOOLONG : 0;
}

/* Lend the parent (or a mount root itself) of nd: the path for the host. */
static int lend_nd(struct task *t, const struct nameidata *nd, char *path, size_t len)
{
	return lend(t, nd->dfd, nd->last, path, len);
}

/*
 * Lend the object nd names itself (a socket file to connect to, which no
 * descriptor but O_PATH opens): the guest thread opens it with O_PATH |
 * O_NOFOLLOW in the lent parent and moves it over the loan. A name renamed
 * into a symlink meanwhile fails that open (ELOOP), never leads outside.
 */
static int lend_object(struct task *t, const struct nameidata *nd, char *path, size_t len)
{
	uint64_t sp, addr;
	long fd, r = lend_nd(t, nd, path, len);
	uint32_t used = t->sys.scratch_used;

	if (r || !nd->last[0])
		return (int)r;
	sp = fs_arg_sp(&t->sys);
	if ((r = push_to_guest_stack(t, &sp, nd->last, strlen(nd->last) + 1, &addr)))
		return (int)r;
	fd = inject_syscall(t, SYS_openat, UMK_FD_PATH, addr,
			    O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, 0, 0);
	if (fd < 0)
		return fd == -ELOOP ? -ECONNREFUSED : (int)fd;
	{
		/* The host checks dup3's target against the process's own
		 * RLIMIT_NOFILE, which stays below umk's numbers: raise it
		 * for the moment. */
		struct rlimit lim, high;
		bool raised = prlimit(t->host_tid, RLIMIT_NOFILE, NULL, &lim) == 0 &&
			      lim.rlim_cur <= UMK_FD_PATH;

		high = lim;
		high.rlim_cur = UMK_FD_PATH + 1;
		if (raised && prlimit(t->host_tid, RLIMIT_NOFILE, &high, NULL) < 0)
			raised = false;
		r = inject_syscall(t, SYS_dup3, (uint64_t)fd, UMK_FD_PATH, O_CLOEXEC, 0, 0, 0);
		if (raised)
			prlimit(t->host_tid, RLIMIT_NOFILE, &lim, NULL);
	}
	inject_syscall(t, SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	if (r < 0)
		return (int)r;
	t->sys.scratch_used = used;	/* the name is read: its room is free again */
	r = snprintf(path, len, "/proc/self/fd/%d", UMK_FD_PATH);
	return r >= (long)len ? -ENAMETOOLONG : 0;
}

/*
 * inotify_add_watch and fanotify_mark: the watch belongs to the guest's own
 * descriptor, so the host must run them. umk's walk followed what was to be
 * followed; the host takes the last name without following it.
 */
long sys_inotify_add_watch(struct task *t, struct sysc *sc)
{
	struct nameidata *nd = malloc(sizeof(*nd));
	uint64_t sp = fs_arg_sp(sc), addr;
	char path[PATH_MAX + 32];
	long r;

	if (!nd)
		return -ENOMEM;
	r = task_namei(t, AT_FDCWD, sc->args[1],
		       ((sc->args[2] & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW) | LOOKUP_MUST_EXIST,
		       false, nd);
	if (r == 0 && nd->magic_fd >= 0)
		r = -EINVAL;	/* a pipe or socket of /proc/PID/fd: nothing to watch by path */
	else if (r == 0)
		r = lend_nd(t, nd, path, sizeof(path));
	if (r == 0)
		r = push_to_guest_stack(t, &sp, path, strlen(path) + 1, &addr);
	if (r == 0) {
		sc->args[1] = addr;
		if (nd->last[0] && nd->magic_fd < 0)
			sc->args[2] |= IN_DONT_FOLLOW;
		else
			sc->args[2] &= ~(uint64_t)IN_DONT_FOLLOW;
		sc->args_dirty = true;
		r = SYSC_NATIVE;
	}
	nd_release(nd);
	free(nd);
	return r;
}

long sys_fanotify_mark(struct task *t, struct sysc *sc)
{
	struct nameidata *nd;
	uint64_t sp = fs_arg_sp(sc), addr;
	char path[PATH_MAX + 32];
	long r;

	if (sc->args[4] == 0)
		return SYSC_NATIVE;	/* on dirfd itself */
	if (!(nd = malloc(sizeof(*nd))))
		return -ENOMEM;
	r = task_namei(t, (int)sc->args[3], sc->args[4],
		       ((sc->args[1] & FAN_MARK_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW) | LOOKUP_MUST_EXIST,
		       false, nd);
	if (r == 0)
		r = lend_nd(t, nd, path, sizeof(path));
	if (r == 0)
		r = push_to_guest_stack(t, &sp, path, strlen(path) + 1, &addr);
	if (r == 0) {
		sc->args[3] = (uint64_t)(int64_t)AT_FDCWD;
		sc->args[4] = addr;
		if (nd->last[0])
			sc->args[1] |= FAN_MARK_DONT_FOLLOW;
		else
			sc->args[1] &= ~(uint64_t)FAN_MARK_DONT_FOLLOW;
		sc->args_dirty = true;
		r = SYSC_NATIVE;
	}
	nd_release(nd);
	free(nd);
	return r;
}

/*
 * Socket addresses: a pathname AF_UNIX address names a file in the guest's
 * view, whether it is bound, connected to or sent to. A bind gets its
 * parent directory lent and makes the socket there (Linux's bind does not
 * follow a last symlink: EADDRINUSE); a connect or send gets the socket
 * file itself lent. Abstract names get a prefix of this umk's.
 * Returns 0 (translated into naddr and nlen), 1 (leave it as is) or -errno.
 * *lent counts the loans of this call: one descriptor, so one path.
 */
static int translate_sockaddr(struct task *t, uint64_t uaddr, uint64_t len, bool connect,
			      uint64_t *sp, uint64_t *naddr, uint64_t *nlen, int *lent)
{
	struct sockaddr_un sun, out;
	struct nameidata *nd;
	char host[PATH_MAX + 32];
	char path[sizeof(sun.sun_path) + 1];
	size_t plen;
	int r;

	if (!uaddr || len < sizeof(sa_family_t) || len > sizeof(sun))
		return 1;	/* the host checks lengths and other families */
	memset(&sun, 0, sizeof(sun));
	if (copy_from_guest(t, &sun, uaddr, len))
		return -EFAULT;
	if (sun.sun_family != AF_UNIX || len <= offsetof(struct sockaddr_un, sun_path))
		return 1;
	plen = len - offsetof(struct sockaddr_un, sun_path);
	if (sun.sun_path[0] == '\0') {
		/*
		 * An abstract name: the guest's own, scoped to this umk by a
		 * prefix the guest cannot name (host abstract sockets, an X
		 * server's, a session bus's, stay out of reach).
		 */
		char scoped[sizeof(sun.sun_path)];
		int pl = snprintf(scoped + 1, sizeof(scoped) - 1, "umk-%d:", (int)getpid()) + 1;

		if (plen - 1 + (size_t)pl > sizeof(sun.sun_path))
			return -EINVAL;
		scoped[0] = '\0';
		memcpy(scoped + pl, sun.sun_path + 1, plen - 1);
		memset(&out, 0, sizeof(out));
		out.sun_family = AF_UNIX;
		memcpy(out.sun_path, scoped, (size_t)pl + plen - 1);
		*nlen = offsetof(struct sockaddr_un, sun_path) + (size_t)pl + plen - 1;
		return push_to_guest_stack(t, sp, &out, (size_t)*nlen, naddr);
	}
	memcpy(path, sun.sun_path, plen);
	path[plen] = '\0';
	if (!path[0])
		return -ENOENT;
	if ((*lent)++)
		return -EINVAL;	/* (one loan per call: several paths in one sendmmsg) */
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	r = task_namei_path(t, AT_FDCWD, path,
			    connect ? LOOKUP_FOLLOW | LOOKUP_MUST_EXIST : LOOKUP_CREATE, nd);
	if (r == 0 && connect) {
		if (nd->magic_fd >= 0 || !S_ISSOCK(nd->st.st_mode))
			r = -ECONNREFUSED;
		else
			r = lend_object(t, nd, host, sizeof(host));
	} else if (r == 0) {
		if (nd->exists || !nd->last[0])
			r = -EADDRINUSE;
		else if (nd->mnt->flags & MNT_RDONLY)
			r = -EROFS;
		else if (nd->mnt->kind == MNT_PROC)
			r = -ENOENT;
		else
			r = lend_nd(t, nd, host, sizeof(host));
	}
	nd_release(nd);
	free(nd);
	if (r == 0 && strlen(host) >= sizeof(out.sun_path))
		r = -ENAMETOOLONG;
	if (r == 0) {
		memset(&out, 0, sizeof(out));
		out.sun_family = AF_UNIX;
		memcpy(out.sun_path, host, strlen(host));
		r = push_to_guest_stack(t, sp, &out, sizeof(out), naddr);
		*nlen = sizeof(out);
	}
	return r;
}

/* bind(fd, addr, len) / connect(fd, addr, len) */
long sys_sockaddr(struct task *t, struct sysc *sc)
{
	uint64_t sp = fs_arg_sp(sc);
	int lent = 0;
	int r = translate_sockaddr(t, sc->args[1], sc->args[2], sc->nr == SYS_connect, &sp,
				   &sc->args[1], &sc->args[2], &lent);

	if (r < 0)
		return r;
	if (r == 0)
		sc->args_dirty = true;
	return SYSC_NATIVE;
}

/* sendto(fd, buf, len, flags, dest, destlen): trapped only with a destination. */
long sys_sendto(struct task *t, struct sysc *sc)
{
	uint64_t sp = fs_arg_sp(sc);
	int lent = 0;
	int r = translate_sockaddr(t, sc->args[4], sc->args[5], true, &sp, &sc->args[4],
				   &sc->args[5], &lent);

	if (r < 0)
		return r;
	if (r == 0)
		sc->args_dirty = true;
	return SYSC_NATIVE;
}

/* sendmsg(fd, msg, flags): a copy of the msghdr when msg_name is a unix path. */
long sys_sendmsg(struct task *t, struct sysc *sc)
{
	uint64_t sp = fs_arg_sp(sc), addr, name, namelen;
	struct msghdr m;
	int r, lent = 0;

	if (copy_from_guest(t, &m, sc->args[1], sizeof(m)))
		return SYSC_NATIVE;	/* the host reports EFAULT */
	r = translate_sockaddr(t, (uint64_t)m.msg_name, m.msg_namelen, true, &sp, &name,
			       &namelen, &lent);
	if (r)
		return r < 0 ? r : SYSC_NATIVE;
	m.msg_name = (void *)name;
	m.msg_namelen = (socklen_t)namelen;
	r = push_to_guest_stack(t, &sp, &m, sizeof(m), &addr);
	if (r)
		return r;
	sc->args[1] = addr;
	sc->args_dirty = true;
	return SYSC_NATIVE;
}

#define SENDMMSG_MAX 1024	/* UIO_MAXIOV: Linux sends at most this many */

/* The host wrote msg_len into umk's copy: give the guest its counts. */
static void sendmmsg_exit(struct task *t, struct sysc *sc)
{
	struct mmsghdr *v;
	int n = (int)sc->ret;

	if (n <= 0 || !(v = malloc((size_t)n * sizeof(*v))))
		return;
	if (!copy_from_guest(t, v, sc->args[1], (size_t)n * sizeof(*v)))
		for (int i = 0; i < n; i++)
			copy_to_guest(t, sc->orig_args[1] + (uint64_t)i * sizeof(*v) +
				      offsetof(struct mmsghdr, msg_len), &v[i].msg_len,
				      sizeof(v[i].msg_len));
	free(v);
}

/* sendmmsg(fd, vec, vlen, flags): as sendmsg, for each message. */
long sys_sendmmsg(struct task *t, struct sysc *sc)
{
	uint64_t sp = fs_arg_sp(sc), addr;
	unsigned n = (unsigned)sc->args[2] > SENDMMSG_MAX ? SENDMMSG_MAX : (unsigned)sc->args[2];
	struct mmsghdr *v;
	bool any = false;
	int r = 0, lent = 0;

	if (n == 0)
		return SYSC_NATIVE;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (copy_from_guest(t, v, sc->args[1], n * sizeof(*v))) {
		free(v);
		return SYSC_NATIVE;	/* the host reports EFAULT */
	}
	struct sockaddr_un first;
	socklen_t first_len = 0;
	uint64_t first_name = 0, first_namelen = 0;

	for (unsigned i = 0; i < n && r >= 0; i++) {
		uint64_t name, namelen;
		struct sockaddr_un cur;
		socklen_t cl = v[i].msg_hdr.msg_namelen;

		/* The same address again (the usual case): the same loan. */
		if (first_len && cl == first_len && v[i].msg_hdr.msg_name &&
		    !copy_from_guest(t, &cur, (uint64_t)v[i].msg_hdr.msg_name, cl) &&
		    !memcmp(&cur, &first, cl)) {
			v[i].msg_hdr.msg_name = (void *)first_name;
			v[i].msg_hdr.msg_namelen = (socklen_t)first_namelen;
			continue;
		}
		r = translate_sockaddr(t, (uint64_t)v[i].msg_hdr.msg_name,
				       v[i].msg_hdr.msg_namelen, true, &sp, &name, &namelen, &lent);
		if (r == 0 && !first_len && cl <= sizeof(first) &&
		    !copy_from_guest(t, &first, (uint64_t)v[i].msg_hdr.msg_name, cl)) {
			first_len = cl;
			first_name = name;
			first_namelen = namelen;
		}
		if (r == 0) {
			v[i].msg_hdr.msg_name = (void *)name;
			v[i].msg_hdr.msg_namelen = (socklen_t)namelen;
			any = true;
		}
	}
	if (r >= 0 && any)
		/* The host writes each msg_len back: this copy must be writable. */
		r = push_to_guest_stack_writable(t, &sp, v, n * sizeof(*v), &addr);
	free(v);
	if (r < 0)
		return r;
	if (any) {
		sc->args[1] = addr;
		sc->args[2] = n;
		sc->args_dirty = true;
		sc->on_exit = sendmmsg_exit;
	}
	return SYSC_NATIVE;
}
