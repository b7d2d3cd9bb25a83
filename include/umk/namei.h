/*
 * Guest path resolution (Linux's fs/namei.c), against the mount table.
 *
 * umk walks a guest path itself, one component at a time, on directory
 * descriptors it holds: each step is an openat() of one name with
 * O_PATH | O_NOFOLLOW | O_DIRECTORY beneath the previous directory, so the
 * walk itself never leaves the view, whatever a guest renames meanwhile.
 * Symlinks are read and followed by umk (absolute ones from the task's
 * root), `..` is taken on the guest path and stops at the task's root,
 * mountpoints switch to the mount's directory.
 *
 * The result names the final object as (mount, path from the mount's root)
 * for a native open beneath the mount's descriptor, and as (parent
 * directory descriptor, last component) for the calls umk runs itself.
 */
#ifndef UMK_NAMEI_H
#define UMK_NAMEI_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct cred;
struct mount;
struct task;

#define LOOKUP_FOLLOW		0x01	/* follow a final symlink */
#define LOOKUP_BENEATH		0x02	/* openat2 RESOLVE_BENEATH */
#define LOOKUP_IN_ROOT		0x04	/* openat2 RESOLVE_IN_ROOT */
#define LOOKUP_NO_SYMLINKS	0x08	/* openat2 RESOLVE_NO_SYMLINKS */
#define LOOKUP_MUST_EXIST	0x10	/* the final component must exist */
#define LOOKUP_DIRECTORY	0x20	/* the final object must be a directory */
#define LOOKUP_CREATE		0x40	/* the caller handles a trailing slash (creates, removes) */
#define LOOKUP_NO_XDEV		0x80	/* openat2 RESOLVE_NO_XDEV */

/* What a path ends with (Linux's LAST_*): a name, `/`, `.` or `..`. A
 * mount root reached by name is LAST_NORM with an empty last. */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

#define HOST_PATH_MAX (PATH_MAX * 2)
#define MAXSYMLINKS 40

struct nameidata {
	/* in */
	const char *root;	/* guest path of the task's root */
	const char *base;	/* guest path relative lookups start from */
	const struct cred *cred;	/* whose search permission counts; NULL: none */
	struct task *task;	/* the reader, for /proc (its pids, its self); or NULL */
	unsigned flags;		/* LOOKUP_* */
	char basebuf[PATH_MAX];	/* room for base, for callers that build it */
	int base_fd;		/* umk's descriptor of base (relative walks start on it,
				 * so a renamed or removed cwd still works), or -1 */
	/* out */
	struct mount *mnt;	/* the final object's mount (its parent's if it does not exist) */
	int dfd;		/* umk's O_PATH descriptor of the parent directory, or
				 * of the object itself when last is "" (-1: none) */
	char last[NAME_MAX + 1];	/* the final component; "" for a mount root */
	bool exists;		/* the final object exists; st is its lstat */
	bool trailing_slash;
	int last_type;		/* LAST_NORM, or what the path ended with */
	int magic_fd;		/* a /proc/PID/fd/N link's object with no path (a pipe,
				 * a socket, a deleted file): umk's descriptor of it, or -1 */
	struct stat st;
	char guest[PATH_MAX];	/* canonical absolute guest path */
	char rel[PATH_MAX];	/* the same from mnt's root ("." for the root itself) */
};

void nd_init(struct nameidata *nd, const char *root, const char *base,
	     const struct cred *cred, unsigned flags);
/*
 * Resolve path. 0, or -errno as Linux gives it (ENOENT, ENOTDIR, ELOOP,
 * ENAMETOOLONG, EXDEV, EACCES). nd_release() it either way.
 */
int namei(struct nameidata *nd, const char *path);
void nd_release(struct nameidata *nd);
/* nd_release() and free() a malloc'd nd; returns r (for a handler's return). */
long nd_done(struct nameidata *nd, long r);

/* umk's O_PATH descriptor of the final object (which exists), or -errno. */
int nd_open_final(const struct nameidata *nd);
/* The host path of the final object ("/proc/self/fd/N/last", usable only by
 * umk, for the calls without an *at form). */
void nd_proc_path(const struct nameidata *nd, char *buf, size_t len);

/* The final object's path inside its mount ("" for its root): for /proc,
 * without the namespace's mirror directory. */
const char *proc_rel(const struct nameidata *nd);

#endif
