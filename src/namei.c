/*
 * The guest path walk (see include/umk/namei.h). Linux's fs/namei.c is the
 * model: components are looked up one at a time; a symlink's target replaces
 * it and the walk goes on with the rest; at most MAXSYMLINKS links; `..` at
 * the task's root stays there; a trailing slash demands a directory.
 *
 * The walk holds an O_PATH descriptor of the directory it is in. Each step
 * opens one name beneath it with O_NOFOLLOW | O_DIRECTORY: a name that a
 * concurrent rename turned into a symlink fails that open (umk then reads
 * it as a symlink, inside the view), so no step can land outside.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <linux/capability.h>
#include "umk/cred.h"
#include "umk/mount.h"
#include "umk/namei.h"
#include "umk/proc.h"
#include "umk/fakeroot.h"

#define WALK_RETRIES 16	/* restarts after a name changed between two looks */

void nd_init(struct nameidata *nd, const char *root, const char *base,
	     const struct cred *cred, unsigned flags)
{
	memset(nd, 0, sizeof(*nd));
	nd->root = root;
	nd->base = base;
	nd->cred = cred;
	nd->flags = flags;
	nd->dfd = -1;
	nd->magic_fd = -1;
	nd->base_fd = -1;
}

/* Forget a walk's result (a walk that starts again). */
static void nd_reset(struct nameidata *nd)
{
	if (nd->dfd >= 0)
		close(nd->dfd);
	nd->dfd = -1;
	if (nd->magic_fd >= 0)
		close(nd->magic_fd);
	nd->magic_fd = -1;
}

void nd_release(struct nameidata *nd)
{
	nd_reset(nd);
	if (nd->base_fd >= 0)
		close(nd->base_fd);
	nd->base_fd = -1;
}

long nd_done(struct nameidata *nd, long r)
{
	nd_release(nd);
	free(nd);
	return r;
}

/* The root directory of mount m as the reader sees it (/proc: the mirror of
 * its pid namespace). */
static int mount_root_fd(const struct nameidata *nd, struct mount *m)
{
	int fd;

	if (m->kind == MNT_PROC && nd->task)
		return proc_root(nd->task, m);
	fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/* The path of the guest directory cur inside its mount (for /proc's hooks). */
static const char *in_mount(const char *cur, const struct mount *m)
{
	const char *r = cur + (m->point_len == 1 ? 0 : m->point_len);

	while (*r == '/')
		r++;
	return r;
}

static bool is_below(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (n == 1)
		return true;
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == '\0');
}

/*
 * `..`: drop the last component, never above the task's root. A walk that is
 * already outside the root (a cwd left outside by chroot) climbs freely up
 * to the guest's real root, as on Linux.
 */
static void pop_component(char *cur, const char *root)
{
	bool below = is_below(cur, root);
	char *slash;

	if (!strcmp(cur, root) || !strcmp(cur, "/"))
		return;
	slash = strrchr(cur, '/');
	if (slash == cur)
		cur[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (below && !is_below(cur, root))
		strcpy(cur, root);
}

/* An O_PATH descriptor of the canonical guest directory path, walked from
 * its mount's root (the path holds no symlinks). */
static int reach(const struct nameidata *nd, const char *guest, struct mount **mntp)
{
	struct mount *m = mount_of(guest);
	const char *p;
	int fd;

	if (!m)
		return -ENOENT;
	*mntp = m;
	fd = mount_root_fd(nd, m);
	if (fd < 0)
		return fd;
	p = guest + (m->point_len == 1 ? 0 : m->point_len);
	while (*p) {
		char name[NAME_MAX + 1];
		size_t l;
		int nfd;

		while (*p == '/')
			p++;
		l = strcspn(p, "/");
		if (!l)
			break;
		if (l > NAME_MAX) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(name, p, l);
		name[l] = '\0';
		p += l;
		nfd = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (nfd < 0)
			return errno == ELOOP ? -ENOTDIR : -errno;
		fd = nfd;
	}
	return fd;
}

/* May the walk look up names in the directory fd (MAY_EXEC)? */
static int may_lookup(const struct nameidata *nd, const struct mount *mnt, int fd)
{
	struct stat st;

	if (!nd->cred || cred_capable(nd->cred, CAP_DAC_READ_SEARCH) ||
	    cred_capable(nd->cred, CAP_DAC_OVERRIDE))
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	fakeroot_apply(mnt, &st);
	return cred_permission(nd->cred, &st, MAY_EXEC);
}

static void set_rel(struct nameidata *nd)
{
	const char *r = in_mount(nd->guest, nd->mnt);

	if (nd->mnt->kind == MNT_PROC && nd->task) {	/* inside the namespace's mirror */
		if (snprintf(nd->rel, sizeof(nd->rel), "%s%s%s", proc_ns_dir(nd->task),
			     *r ? "/" : "", r) >= (int)sizeof(nd->rel))
			nd->rel[0] = '\0';
	} else
		snprintf(nd->rel, sizeof(nd->rel), "%s", *r ? r : ".");
}

/*
 * A run of plain directory names (no `.`, `..` or mountpoint, not the last
 * component) in one host call: openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)
 * beneath the directory the walk holds. The host refuses a symlink anywhere
 * in the run (ELOOP), which the component-by-component walk then follows;
 * any failure falls back to it, so the fast path changes no result. 1 when
 * it moved (*fd, cur and *pos updated), 0 to walk one component, -errno.
 */
static int fast_run(struct nameidata *nd, struct mount *mnt, int *fd, char *cur,
		    const char *rest, size_t *pos)
{
	static bool no_openat2;
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	char run[PATH_MAX], probe[PATH_MAX];
	size_t p = *pos, end = *pos, rl = 0, cl = strlen(cur);
	int n = 0, nfd;

	if (no_openat2 || mnt->kind == MNT_PROC ||
	    (nd->flags & (LOOKUP_NO_XDEV | LOOKUP_BENEATH)) ||
	    (nd->cred && !cred_capable(nd->cred, CAP_DAC_READ_SEARCH) &&
	     !cred_capable(nd->cred, CAP_DAC_OVERRIDE)))
		return 0;
	memcpy(probe, cur, cl + 1);
	for (;;) {
		size_t l = strcspn(rest + p, "/"), q = p + l;

		while (rest[q] == '/')
			q++;
		if (!rest[q] || l > NAME_MAX || (l == 1 && rest[p] == '.') ||
		    (l == 2 && rest[p] == '.' && rest[p + 1] == '.'))
			break;	/* the last component, or one the slow walk takes */
		if (cl + 1 + l >= sizeof(probe) || rl + 1 + l >= sizeof(run))
			break;
		if (cl > 1)
			probe[cl++] = '/';
		memcpy(probe + cl, rest + p, l);
		probe[cl += l] = '\0';
		if (mount_at(probe))
			break;	/* a mountpoint: the slow walk switches mounts */
		if (rl)
			run[rl++] = '/';
		memcpy(run + rl, rest + p, l);
		run[rl += l] = '\0';
		n++;
		end = q;
		p = q;
	}
	if (n < 2)
		return 0;	/* one name: no gain */
	nfd = (int)syscall(SYS_openat2, *fd, run, &how, sizeof(how));
	if (nfd < 0) {
		if (errno == ENOSYS)
			no_openat2 = true;
		return 0;
	}
	close(*fd);
	*fd = nfd;
	cl = strlen(cur);
	if (cl + 1 + rl >= PATH_MAX) {
		return -ENAMETOOLONG;
	}
	if (cl > 1)
		cur[cl++] = '/';
	memcpy(cur + cl, run, rl + 1);
	*pos = end;
	return 1;
}

static int walk(struct nameidata *nd, const char *path)
{
	char rest[PATH_MAX * 2];	/* what is left to walk */
	char target[PATH_MAX];
	const char *root = nd->root;
	char *cur = nd->guest;
	size_t plen = strlen(path), pos = 0;
	struct mount *mnt;
	int links = 0, fd, r;

	if (nd->flags & LOOKUP_IN_ROOT)
		root = nd->base;
	if ((nd->flags & LOOKUP_BENEATH) && path[0] == '/')
		return -EXDEV;
	nd->trailing_slash = path[plen - 1] == '/';
	nd->last_type = path[0] == '/' ? LAST_ROOT : LAST_DOT;	/* until a component */
	memcpy(rest, path, plen + 1);
	snprintf(cur, PATH_MAX, "%s", path[0] == '/' ? root : nd->base);
	if (path[0] != '/' && nd->base_fd >= 0 && (mnt = mount_of(cur))) {
		fd = fcntl(nd->base_fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
	} else {
		fd = reach(nd, cur, &mnt);
		if (fd < 0)
			return fd;
	}

	for (;;) {
		char cand[PATH_MAX], name[NAME_MAX + 1];
		const char *comp;
		struct mount *m2;
		struct stat st;
		size_t clen, n, q;
		bool last;
		int nfd;

		while (rest[pos] == '/')
			pos++;
		if (!rest[pos])
			break;
		if ((r = fast_run(nd, mnt, &fd, cur, rest, &pos)) < 0)
			goto out;
		if (r > 0)
			continue;
		comp = rest + pos;
		clen = strcspn(comp, "/");
		pos += clen;
		for (q = pos; rest[q] == '/'; q++)
			;
		last = rest[q] == '\0';
		nd->last_type = LAST_NORM;
		if (clen == 1 && comp[0] == '.') {
			if (last)
				nd->last_type = LAST_DOT;
			continue;
		}
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			struct mount *pm;

			if (last)
				nd->last_type = LAST_DOTDOT;
			if ((nd->flags & LOOKUP_BENEATH) && !strcmp(cur, nd->base)) {
				r = -EXDEV;
				goto out;
			}
			pop_component(cur, root);
			close(fd);
			fd = reach(nd, cur, &pm);
			if (fd < 0)
				return fd;
			if ((nd->flags & LOOKUP_NO_XDEV) && pm != mnt) {
				r = -EXDEV;
				goto out;
			}
			mnt = pm;
			continue;
		}
		if (clen > NAME_MAX) {
			r = -ENAMETOOLONG;
			goto out;
		}
		n = strlen(cur);
		if (n + 1 + clen >= PATH_MAX) {
			r = -ENAMETOOLONG;
			goto out;
		}
		if ((r = may_lookup(nd, mnt, fd)) < 0)
			goto out;
		if (mnt->kind == MNT_PROC && nd->task) {
			char nm[NAME_MAX + 1];

			memcpy(nm, comp, clen);
			nm[clen] = '\0';
			proc_revalidate(nd->task, fd, in_mount(cur, mnt), nm);
		}
		memcpy(name, comp, clen);
		name[clen] = '\0';
		memcpy(cand, cur, n);
		if (n > 1)
			cand[n++] = '/';
		memcpy(cand + n, name, clen + 1);

		/* A mountpoint: the mount's root (a directory) takes its place. */
		if ((m2 = mount_at(cand)) != NULL) {
			if ((nd->flags & LOOKUP_NO_XDEV) && m2 != mnt) {
				r = -EXDEV;
				goto out;
			}
			nfd = mount_root_fd(nd, m2);
			if (nfd < 0) {
				r = nfd;
				goto out;
			}
			close(fd);
			fd = nfd;
			mnt = m2;
			strcpy(cur, cand);
			continue;
		}

		if (!last) {
			nfd = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nfd >= 0) {
				close(fd);
				fd = nfd;
				strcpy(cur, cand);
				continue;
			}
			if (errno != ENOTDIR && errno != ELOOP) {
				r = -errno;
				goto out;
			}
		}
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && last && !(nd->flags & LOOKUP_MUST_EXIST)) {
				nd->exists = false;
				goto final;
			}
			r = -errno;
			goto out;
		}
		/* A trailing slash follows a final link, except for the calls
		 * that create or remove the name itself (they see the link). */
		if (S_ISLNK(st.st_mode) &&
		    (!last || (nd->flags & LOOKUP_FOLLOW) ||
		     (nd->trailing_slash && !(nd->flags & LOOKUP_CREATE)))) {
			size_t rl = strlen(rest + pos);
			ssize_t tl;

			if (nd->flags & LOOKUP_NO_SYMLINKS) {
				r = -ELOOP;
				goto out;
			}
			if (++links > MAXSYMLINKS) {
				r = -ELOOP;
				goto out;
			}
			if (mnt->kind == MNT_PROC && nd->task) {
				char pl[PATH_MAX];
				int mfd = -1;

				snprintf(pl, sizeof(pl), "%s", in_mount(cand, mnt));
				tl = proc_readlink(nd->task, pl, target, sizeof(target) - 1, &mfd);
				if (tl == PROC_MAGIC) {
					/* An object with no path: only as the final one. */
					if (!last) {
						close(mfd);
						r = -ENOTDIR;
						goto out;
					}
					nd->magic_fd = mfd;
					nd->exists = fstat(mfd, &nd->st) == 0;
					goto final;
				}
			} else {
				tl = readlinkat(fd, name, target, sizeof(target) - 1);
				if (tl < 0)
					tl = -errno;
			}
			if (tl < 0) {
				r = (int)tl;
				goto out;
			}
			if (tl == 0) {
				r = -ENOENT;
				goto out;
			}
			target[tl] = '\0';
			if (target[0] == '/') {
				struct mount *rm;

				if (nd->flags & LOOKUP_BENEATH) {
					r = -EXDEV;
					goto out;
				}
				strcpy(cur, root);
				close(fd);
				fd = reach(nd, cur, &rm);
				if (fd < 0)
					return fd;
				mnt = rm;
			}
			/* rest := target + what was left after this component */
			if ((size_t)tl + 1 + rl >= sizeof(rest)) {
				r = -ENAMETOOLONG;
				goto out;
			}
			memmove(rest + tl + 1, rest + pos, rl + 1);
			memcpy(rest, target, (size_t)tl);
			rest[tl] = '/';
			if (rl == 0)
				rest[tl] = nd->trailing_slash ? '/' : '\0';
			pos = 0;
			continue;
		}
		if (!last) {
			/* A directory now: it was renamed over meanwhile. */
			r = S_ISDIR(st.st_mode) ? -EAGAIN : -ENOTDIR;
			goto out;
		}
		nd->exists = true;
		fakeroot_apply(mnt, &st);
		nd->st = st;
final:
		strcpy(cur, cand);
		nd->mnt = mnt;
		nd->dfd = fd;
		snprintf(nd->last, sizeof(nd->last), "%s", name);
		set_rel(nd);
		goto done;
	}

	/* The path ends at a directory the walk is in: a mount root, "/", ".". */
	if (fstat(fd, &nd->st) < 0) {
		r = -errno;
		goto out;
	}
	fakeroot_apply(mnt, &nd->st);
	nd->exists = true;
	nd->mnt = mnt;
	nd->last[0] = '\0';
	nd->dfd = fd;	/* the object itself here (last is "") */
	set_rel(nd);
done:
	if (nd->exists && nd->trailing_slash && !S_ISDIR(nd->st.st_mode) &&
	    !(nd->flags & LOOKUP_CREATE)) {
		nd_reset(nd);
		return -ENOTDIR;
	}
	if (nd->exists && (nd->flags & LOOKUP_DIRECTORY) && !S_ISDIR(nd->st.st_mode)) {
		nd_reset(nd);
		return -ENOTDIR;
	}
	return 0;
out:
	close(fd);
	return r;
}

int namei(struct nameidata *nd, const char *path)
{
	size_t plen = strlen(path);
	int r;

	if (plen == 0)
		return -ENOENT;
	if (plen >= PATH_MAX)
		return -ENAMETOOLONG;
	for (int i = 0; i < WALK_RETRIES; i++) {
		nd_reset(nd);
		nd->exists = false;
		r = walk(nd, path);
		if (r != -EAGAIN)
			return r;
	}
	return -ENOENT;
}

int nd_open_final(const struct nameidata *nd)
{
	int fd;

	if (nd->last[0])
		fd = openat(nd->dfd, nd->last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	else
		fd = fcntl(nd->dfd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

void nd_proc_path(const struct nameidata *nd, char *buf, size_t len)
{
	if (nd->last[0])
		snprintf(buf, len, "/proc/self/fd/%d/%s", nd->dfd, nd->last);
	else
		snprintf(buf, len, "/proc/self/fd/%d", nd->dfd);
}

const char *proc_rel(const struct nameidata *nd)
{
	const char *r = in_mount(nd->guest, nd->mnt);

	return r;
}
