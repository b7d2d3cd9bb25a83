/*
 * Path-taking syscalls: every guest path is resolved by umk against the
 * task's root and cwd (path.c); the host then runs the call on the absolute
 * host path. chdir/getcwd/chroot keep the guest's fs_struct.
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
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/capability.h>
#include <linux/openat2.h>

#ifndef OPEN_HOW_SIZE_VER0
#define OPEN_HOW_SIZE_VER0 24
#endif
#include "umk/fs.h"
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

	if (fd < 0)
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
	return path_host_to_guest(host, out, len) ? -ENOENT : 0;
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
	return path_host_to_guest(host, out, len) ? -EBADF : 0;
}

int task_lookup(struct task *t, int dirfd, const char *path, unsigned flags,
		struct resolved *out)
{
	char base[PATH_MAX];
	struct path_ctx ctx = { t->fs->root, base };
	int r;

	if (path[0] != '/' || (flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT))) {
		r = fd_guest_dir(t, dirfd, base, sizeof(base));
		if (r)
			return r;
	} else {
		snprintf(base, sizeof(base), "%s", t->fs->root);
	}
	return path_lookup(&ctx, path, flags, out);
}

int translate_path_arg(struct task *t, struct sysc *sc, int di, int pi, unsigned flags,
		       bool empty_ok, uint64_t *sp, struct resolved *res)
{
	char path[PATH_MAX];
	long n = strncpy_from_guest(t, path, sc->args[pi], sizeof(path));
	int dirfd = di >= 0 ? (int)sc->args[di] : AT_FDCWD;
	uint64_t addr;
	int r;

	if (n < 0)
		return (int)n;
	if (n == 0 && empty_ok)
		return 1;
	r = task_lookup(t, dirfd, path, flags, res);
	if (r)
		return r;
	r = push_to_guest_stack(t, sp, res->host, strlen(res->host) + 1, &addr);
	if (r)
		return r;
	sc->args[pi] = addr;
	if (di >= 0)
		sc->args[di] = (uint64_t)(int64_t)AT_FDCWD;
	sc->args_dirty = true;
	return 0;
}

static uint64_t stack_start(struct sysc *sc)
{
	return arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE;
}

/* Positions of the dirfd ('f') and path ('s') arguments from the table. */
static void path_positions(const struct syscall_desc *d, int *di, int *pi)
{
	int i;

	*di = -1;
	*pi = -1;
	for (i = 0; d->args[i] && i < 6; i++) {
		if (d->args[i] == 'f' && *pi < 0)
			*di = i;
		if (d->args[i] == 's') {
			*pi = i;
			return;
		}
	}
}

static long translate_one(struct task *t, struct sysc *sc, unsigned flags, bool empty_ok)
{
	struct resolved *res = malloc(sizeof(*res));
	uint64_t sp = stack_start(sc);
	int di, pi, r;

	if (!res)
		return -ENOMEM;
	path_positions(sc->desc, &di, &pi);
	r = translate_path_arg(t, sc, di, pi, flags, empty_ok, &sp, res);
	free(res);
	return r < 0 ? r : SYSC_NATIVE;
}

/* The generic path syscall: which calls follow a final symlink, which take flags. */
/*
 * readlink of /proc/self/exe, /proc/thread-self/exe or /proc/PID/exe: the
 * guest path of the image umk loaded (what glibc's static start-up and
 * programs that find their own files ask). 1 when it was that (result in
 * *ret), 0 otherwise. The rest of /proc is the file view's.
 */
static int proc_exe_link(struct task *t, struct sysc *sc, long *ret)
{
	int pi = sc->nr == SYS_readlinkat ? 1 : 0;
	uint64_t buf = sc->args[pi + 1];
	int64_t len = (int64_t)(int32_t)sc->args[pi + 2];
	char path[64], *end;
	struct process *p = NULL;
	const char *rest;
	long n;

	n = strncpy_from_guest(t, path, sc->args[pi], sizeof(path));
	if (n <= 0 || strncmp(path, "/proc/", 6))
		return 0;
	rest = path + 6;
	if (!strcmp(rest, "self/exe") || !strcmp(rest, "thread-self/exe")) {
		p = t->proc;
	} else {
		long nr = strtol(rest, &end, 10);

		if (end == rest || strcmp(end, "/exe") || nr <= 0 || nr > INT32_MAX)
			return 0;
		p = find_process_ns((pid_t)nr, task_active_pid_ns(t));
		if (!p) {
			*ret = -ENOENT;
			return 1;
		}
	}
	if (!p->exe) {
		*ret = -ENOENT;
		return 1;
	}
	if (len <= 0) {
		*ret = -EINVAL;
		return 1;
	}
	n = (long)strlen(p->exe);
	if (n > len)
		n = (long)len;
	*ret = copy_to_guest(t, buf, p->exe, (size_t)n) ? -EFAULT : n;
	return 1;
}

long sys_path_at(struct task *t, struct sysc *sc)
{
	unsigned flags = 0;
	bool empty_ok = false;
	uint64_t at = 0;
	long ret;

	if ((sc->nr == SYS_readlink || sc->nr == SYS_readlinkat) && proc_exe_link(t, sc, &ret))
		return ret;

	switch (sc->nr) {
	case SYS_stat: case SYS_access: case SYS_chmod: case SYS_chown:
	case SYS_truncate: case SYS_statfs: case SYS_setxattr: case SYS_getxattr:
	case SYS_listxattr: case SYS_removexattr: case SYS_utime: case SYS_utimes:
	case SYS_faccessat: case SYS_fchmodat:
		flags = LOOKUP_FOLLOW;
		break;
	case SYS_newfstatat: case SYS_faccessat2:
		at = sc->args[3];
		goto atflags;
	case SYS_statx:
		at = sc->args[2];
		goto atflags;
	case SYS_fchownat:
		at = sc->args[4];
	atflags:
		flags = (at & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
		empty_ok = at & AT_EMPTY_PATH;
		break;
	case SYS_readlinkat:
		empty_ok = true;	/* readlinkat(fd, "") reads the link fd names */
		break;
	default:	/* lstat, readlink, mkdir, mknod, rmdir, unlink, l*xattr, lchown */
		break;
	}
	return translate_one(t, sc, flags, empty_ok);
}

static unsigned open_lookup_flags(uint64_t oflags)
{
	if (oflags & O_NOFOLLOW)
		return 0;
	/* O_CREAT|O_EXCL never follows a final symlink (it fails with EEXIST). */
	if ((oflags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return 0;
	return LOOKUP_FOLLOW;
}

long sys_open(struct task *t, struct sysc *sc)
{
	return translate_one(t, sc, open_lookup_flags(sc->args[1]), false);
}

long sys_openat(struct task *t, struct sysc *sc)
{
	return translate_one(t, sc, open_lookup_flags(sc->args[2]), false);
}

long sys_creat(struct task *t, struct sysc *sc)
{
	return translate_one(t, sc, 0, false);
}

/*
 * openat2: RESOLVE_BENEATH, RESOLVE_IN_ROOT and RESOLVE_NO_SYMLINKS are
 * applied by umk's walk (the host sees an absolute path, which it would refuse
 * under them); the host gets a copy of open_how without those bits.
 */
long sys_openat2(struct task *t, struct sysc *sc)
{
	struct open_how how;
	uint64_t size = sc->args[3], sp = stack_start(sc), addr;
	unsigned flags;
	struct resolved *res;
	int r;

	if (size < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	r = copy_struct_from_guest(t, &how, sizeof(how), sc->args[2], size);
	if (r)
		return r;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	flags = open_lookup_flags(how.flags);
	if (how.resolve & RESOLVE_BENEATH)
		flags |= LOOKUP_BENEATH;
	if (how.resolve & RESOLVE_IN_ROOT)
		flags |= LOOKUP_IN_ROOT;
	if (how.resolve & RESOLVE_NO_SYMLINKS) {
		flags |= LOOKUP_NO_SYMLINKS;
		flags &= ~LOOKUP_FOLLOW;
		if (!(how.flags & O_NOFOLLOW))
			flags |= LOOKUP_FOLLOW;	/* a final symlink is then ELOOP */
	}
	res = malloc(sizeof(*res));
	if (!res)
		return -ENOMEM;
	r = translate_path_arg(t, sc, 0, 1, flags, false, &sp, res);
	free(res);
	if (r < 0)
		return r;
	how.resolve &= ~(RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
			 RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
	r = push_to_guest_stack(t, &sp, &how, sizeof(how), &addr);
	if (r)
		return r;
	sc->args[2] = addr;
	sc->args[3] = sizeof(how);
	return SYSC_NATIVE;
}

static void chdir_exit(struct task *t, struct sysc *sc)
{
	if (sc->ret == 0 && sc->path) {
		free(t->fs->cwd);
		t->fs->cwd = sc->path;
		sc->path = NULL;
	}
}

long sys_chdir(struct task *t, struct sysc *sc)
{
	struct resolved *res = malloc(sizeof(*res));
	uint64_t sp = stack_start(sc);
	int r;

	if (!res)
		return -ENOMEM;
	r = translate_path_arg(t, sc, -1, 0, LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, false, &sp, res);
	if (r == 0) {
		sc->path = xstrdup(res->guest);
		sc->on_exit = chdir_exit;
	}
	free(res);
	return r < 0 ? r : SYSC_NATIVE;
}

long sys_fchdir(struct task *t, struct sysc *sc)
{
	char guest[PATH_MAX];

	/* The host checks the fd (EBADF, ENOTDIR, EACCES); umk learns the path. */
	if (fd_guest_path(t, (int)sc->args[0], guest, sizeof(guest)) == 0) {
		sc->path = xstrdup(guest);
		sc->on_exit = chdir_exit;
	}
	return SYSC_NATIVE;
}

long sys_getcwd(struct task *t, struct sysc *sc)
{
	const char *cwd = t->fs->cwd, *root = t->fs->root;
	size_t rl = strlen(root);
	char buf[PATH_MAX + 16];
	size_t len;

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

long sys_chroot(struct task *t, struct sysc *sc)
{
	char path[PATH_MAX], host[HOST_PATH_MAX];
	struct resolved *res;
	struct stat st;
	long n = strncpy_from_guest(t, path, sc->args[0], sizeof(path));
	int r;

	if (n < 0)
		return n;
	res = malloc(sizeof(*res));
	if (!res)
		return -ENOMEM;
	r = task_lookup(t, AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, res);
	if (r == 0) {
		snprintf(host, sizeof(host), "%s", res->host);
		if (stat(host, &st) < 0)
			r = -errno;
		else if (!S_ISDIR(st.st_mode))
			r = -ENOTDIR;
		else if (!cred_capable(&t->cred, CAP_SYS_CHROOT))
			r = -EPERM;
	}
	if (r == 0) {
		free(t->fs->root);
		t->fs->root = xstrdup(res->guest);
	}
	free(res);
	return r;
}

/* rename(old,new) / renameat(od,old,nd,new) / renameat2(...,flags): no following. */
long sys_rename2(struct task *t, struct sysc *sc)
{
	struct resolved *res = malloc(sizeof(*res));
	uint64_t sp = stack_start(sc);
	bool at = sc->nr != SYS_rename;
	int r;

	if (!res)
		return -ENOMEM;
	r = translate_path_arg(t, sc, at ? 0 : -1, at ? 1 : 0, 0, false, &sp, res);
	if (r == 0)
		r = translate_path_arg(t, sc, at ? 2 : -1, at ? 3 : 1, 0, false, &sp, res);
	free(res);
	return r < 0 ? r : SYSC_NATIVE;
}

/* link(old,new) / linkat(od,old,nd,new,flags): old follows only with AT_SYMLINK_FOLLOW. */
long sys_link2(struct task *t, struct sysc *sc)
{
	struct resolved *res = malloc(sizeof(*res));
	uint64_t sp = stack_start(sc);
	bool at = sc->nr == SYS_linkat;
	uint64_t fl = at ? sc->args[4] : 0;
	int r;

	if (!res)
		return -ENOMEM;
	r = translate_path_arg(t, sc, at ? 0 : -1, at ? 1 : 0,
			       (fl & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0,
			       at && (fl & AT_EMPTY_PATH), &sp, res);
	if (r >= 0)
		r = translate_path_arg(t, sc, at ? 2 : -1, at ? 3 : 1, 0, false, &sp, res);
	free(res);
	return r < 0 ? r : SYSC_NATIVE;
}

/* symlink(target, linkpath): the target is content, only linkpath is a path. */
long sys_symlink(struct task *t, struct sysc *sc)
{
	return translate_one(t, sc, 0, false);
}

/* utimensat(dirfd, NULL, ...) and futimesat(dirfd, NULL, ...) act on dirfd. */
long sys_utimensat(struct task *t, struct sysc *sc)
{
	if (sc->args[1] == 0)
		return SYSC_NATIVE;
	if (sc->nr == SYS_utimensat)
		return translate_one(t, sc, (sc->args[3] & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
				     sc->args[3] & AT_EMPTY_PATH);
	return translate_one(t, sc, LOOKUP_FOLLOW, false);
}

long sys_inotify_add_watch(struct task *t, struct sysc *sc)
{
	return translate_one(t, sc, (sc->args[2] & 0x02000000 /* IN_DONT_FOLLOW */) ? 0
					: LOOKUP_FOLLOW, false);
}

long sys_fanotify_mark(struct task *t, struct sysc *sc)
{
	if (sc->args[4] == 0)
		return SYSC_NATIVE;
	return translate_one(t, sc, (sc->args[1] & 0x04 /* FAN_MARK_DONT_FOLLOW */) ? 0
					: LOOKUP_FOLLOW, false);
}

/*
 * Socket addresses: a pathname AF_UNIX address names a file in the guest's
 * view, whether it is bound, connected to or sent to. umk hands the host a
 * copy naming the host path (which must fit sun_path). Abstract names are
 * host-wide until the file-view issue scopes them.
 * Returns 0 (translated into naddr and nlen), 1 (leave it as is) or -errno.
 */
static int translate_sockaddr(struct task *t, uint64_t uaddr, uint64_t len, bool follow,
			      uint64_t *sp, uint64_t *naddr, uint64_t *nlen)
{
	struct sockaddr_un sun, out;
	struct resolved *res;
	char path[sizeof(sun.sun_path) + 1];
	size_t plen;
	int r;

	if (!uaddr || len < sizeof(sa_family_t) || len > sizeof(sun))
		return 1;	/* the host checks lengths and other families */
	memset(&sun, 0, sizeof(sun));
	if (copy_from_guest(t, &sun, uaddr, len))
		return -EFAULT;
	if (sun.sun_family != AF_UNIX || len <= offsetof(struct sockaddr_un, sun_path) ||
	    sun.sun_path[0] == '\0')
		return 1;
	plen = len - offsetof(struct sockaddr_un, sun_path);
	memcpy(path, sun.sun_path, plen);
	path[plen] = '\0';
	res = malloc(sizeof(*res));
	if (!res)
		return -ENOMEM;
	r = task_lookup(t, AT_FDCWD, path, follow ? LOOKUP_FOLLOW : 0, res);
	if (r == 0 && strlen(res->host) >= sizeof(out.sun_path))
		r = -ENAMETOOLONG;
	if (r == 0) {
		memset(&out, 0, sizeof(out));
		out.sun_family = AF_UNIX;
		memcpy(out.sun_path, res->host, strlen(res->host));
		r = push_to_guest_stack(t, sp, &out, sizeof(out), naddr);
		*nlen = sizeof(out);
	}
	free(res);
	return r;
}

/* bind(fd, addr, len) / connect(fd, addr, len) */
long sys_sockaddr(struct task *t, struct sysc *sc)
{
	uint64_t sp = stack_start(sc);
	int r = translate_sockaddr(t, sc->args[1], sc->args[2], sc->nr == SYS_connect, &sp,
				   &sc->args[1], &sc->args[2]);

	if (r < 0)
		return r;
	if (r == 0)
		sc->args_dirty = true;
	return SYSC_NATIVE;
}

/* sendto(fd, buf, len, flags, dest, destlen): trapped only with a destination. */
long sys_sendto(struct task *t, struct sysc *sc)
{
	uint64_t sp = stack_start(sc);
	int r = translate_sockaddr(t, sc->args[4], sc->args[5], true, &sp, &sc->args[4],
				   &sc->args[5]);

	if (r < 0)
		return r;
	if (r == 0)
		sc->args_dirty = true;
	return SYSC_NATIVE;
}

/* sendmsg(fd, msg, flags): a copy of the msghdr when msg_name is a unix path. */
long sys_sendmsg(struct task *t, struct sysc *sc)
{
	uint64_t sp = stack_start(sc), addr, name, namelen;
	struct msghdr m;
	int r;

	if (copy_from_guest(t, &m, sc->args[1], sizeof(m)))
		return SYSC_NATIVE;	/* the host reports EFAULT */
	r = translate_sockaddr(t, (uint64_t)m.msg_name, m.msg_namelen, true, &sp, &name,
			       &namelen);
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
	uint64_t sp = stack_start(sc), addr;
	unsigned n = (unsigned)sc->args[2] > SENDMMSG_MAX ? SENDMMSG_MAX : (unsigned)sc->args[2];
	struct mmsghdr *v;
	bool any = false;
	int r = 0;

	if (n == 0)
		return SYSC_NATIVE;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (copy_from_guest(t, v, sc->args[1], n * sizeof(*v))) {
		free(v);
		return SYSC_NATIVE;	/* the host reports EFAULT */
	}
	for (unsigned i = 0; i < n && r >= 0; i++) {
		uint64_t name, namelen;

		r = translate_sockaddr(t, (uint64_t)v[i].msg_hdr.msg_name,
				       v[i].msg_hdr.msg_namelen, true, &sp, &name, &namelen);
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
