/*
 * What the path-taking syscalls share: the guest's descriptors seen from
 * umk, the walk of a guest path for a task (namei.c), and the few calls
 * the host must run on a host path (socket addresses, inotify and fanotify
 * watches). The calls themselves live by subsystem: fs_open.c (open,
 * access, chdir, chroot), fs_stat.c (stat, readlink, statfs), fs_dir.c
 * (directory entries), fs_attr.c (ownership, modes, times, xattrs).
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
#include "umk/mount.h"
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

int task_namei_path(struct task *t, int dirfd, const char *path, unsigned flags,
		    struct nameidata *nd)
{
	int r;

	nd_init(nd, t->fs->root, nd->basebuf, &t->cred, flags);
	nd->task = t;
	if (!path[0])
		return -ENOENT;
	if (path[0] != '/' || (flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT))) {
		r = fd_guest_dir(t, dirfd, nd->basebuf, sizeof(nd->basebuf));
		if (r)
			return r;
	} else {
		snprintf(nd->basebuf, sizeof(nd->basebuf), "%s", t->fs->root);
	}
	return namei(nd, path);
}

int task_namei(struct task *t, int dirfd, uint64_t upath, unsigned flags, bool empty_ok,
	       struct nameidata *nd)
{
	char path[PATH_MAX];
	long n = strncpy_from_guest(t, path, upath, sizeof(path));

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

/* The host path of a resolved guest path, for the few calls the host must
 * run on a path (socket addresses, inotify): 0 or -ENAMETOOLONG. */
static int nd_host_path(const struct nameidata *nd, char *host, size_t len)
{
	int r = mount_guest_to_host(nd->guest, host, len);
	size_t hl;

	if (r || !nd->trailing_slash)
		return r;
	hl = strlen(host);
	if (hl + 2 > len)
		return -ENAMETOOLONG;
	host[hl] = '/';
	host[hl + 1] = '\0';
	return 0;
}

static uint64_t stack_start(struct sysc *sc)
{
	return arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE;
}

/* The host runs the call on the host path of the guest path args[pi]
 * (dirfd args[di], or di < 0). 0, 1 (empty path, empty_ok) or -errno. */
static int translate_path_arg(struct task *t, struct sysc *sc, int di, int pi, unsigned flags,
			      bool empty_ok, uint64_t *sp)
{
	struct nameidata *nd = malloc(sizeof(*nd));
	char host[HOST_PATH_MAX];
	uint64_t addr;
	int r;

	if (!nd)
		return -ENOMEM;
	r = task_namei(t, di >= 0 ? (int)sc->args[di] : AT_FDCWD, sc->args[pi], flags, empty_ok,
		       nd);
	if (r == 0)
		r = nd_host_path(nd, host, sizeof(host));
	nd_release(nd);
	free(nd);
	if (r)
		return r;
	r = push_to_guest_stack(t, sp, host, strlen(host) + 1, &addr);
	if (r)
		return r;
	sc->args[pi] = addr;
	if (di >= 0)
		sc->args[di] = (uint64_t)(int64_t)AT_FDCWD;
	sc->args_dirty = true;
	return 0;
}

/*
 * inotify_add_watch and fanotify_mark: the watch belongs to the guest's own
 * descriptor, so the host must run them, on a host path. (A rename race
 * between umk's walk and the host's can move the watch, never an open:
 * watching reads nothing.)
 */
long sys_inotify_add_watch(struct task *t, struct sysc *sc)
{
	uint64_t sp = stack_start(sc);
	int r = translate_path_arg(t, sc, -1, 1,
				   ((sc->args[2] & 0x02000000 /* IN_DONT_FOLLOW */) ? 0
								   : LOOKUP_FOLLOW) |
				   LOOKUP_MUST_EXIST, false, &sp);

	return r < 0 ? r : SYSC_NATIVE;
}

long sys_fanotify_mark(struct task *t, struct sysc *sc)
{
	uint64_t sp = stack_start(sc);
	int r;

	if (sc->args[4] == 0)
		return SYSC_NATIVE;
	r = translate_path_arg(t, sc, 3, 4, ((sc->args[1] & 0x04 /* FAN_MARK_DONT_FOLLOW */) ? 0
					     : LOOKUP_FOLLOW) | LOOKUP_MUST_EXIST, false, &sp);
	return r < 0 ? r : SYSC_NATIVE;
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
	struct nameidata *nd;
	char host[HOST_PATH_MAX];
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
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	nd_init(nd, t->fs->root, t->fs->cwd, &t->cred, follow ? LOOKUP_FOLLOW : 0);
	r = path[0] ? namei(nd, path) : -ENOENT;
	if (r == 0)
		r = nd_host_path(nd, host, sizeof(host));
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
