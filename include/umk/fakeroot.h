/*
 * Fake root: file ownership and device nodes the host will not give a guest
 * (fakeroot.c), like fakeroot(1).
 *
 * When umk does not run as root, a guest root's chown to another user would
 * fail on the host, and no guest may make a real device node. umk records
 * such ownership, and the type and device number of a node made with mknod,
 * by inode of the root file system, and shows them in stat and uses them in
 * its permission checks. Keyed by inode, a record follows hard links and
 * renames; it goes with the file's last link. The records persist across
 * runs in ROOTFS/.umk-fakeroot (an append-only log, compacted at the first
 * change of a run), which guests cannot open, change or remove. Files of
 * umk's own host user show as root's (the guest's own, by default), as in a
 * rootless container.
 */
#ifndef UMK_FAKEROOT_H
#define UMK_FAKEROOT_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct mount;

/* Load the records of the root mount (config.root): 0, or -errno. */
int fakeroot_init(void);
/* st (of a file on mount m) as the guest sees it. */
void fakeroot_apply(const struct mount *m, struct stat *st);
/* Record an owner (uid or gid -1: unchanged) for the file st of mount m:
 * 0, or -EPERM where umk keeps no records (other mounts). */
int fakeroot_chown(const struct mount *m, const struct stat *st, uid_t uid, gid_t gid);
/* Record that the regular file st of m is a node of type mode & S_IFMT
 * with device number rdev. */
int fakeroot_mknod(const struct mount *m, const struct stat *st, mode_t mode, dev_t rdev);
/* The file st of m loses a link (unlink, rmdir, rename over it): its
 * record goes with the last one. */
void fakeroot_unlink(const struct mount *m, const struct stat *st);
/* Does umk keep a record for st of m? */
bool fakeroot_has(const struct mount *m, const struct stat *st);
/* Does fake root change what stat shows at all (umk not root, or records)? */
bool fakeroot_active(void);
/* Is st the records' own file? */
bool fakeroot_is_db(const struct mount *m, const struct stat *st);

#endif
