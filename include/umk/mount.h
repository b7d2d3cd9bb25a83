/*
 * The guest's mount table (Linux's struct mount and mnt_namespace).
 *
 * Every mount shows a host directory umk holds open (O_PATH): the rootfs at
 * `/`, `--bind` sources, and directories umk makes in its runtime directory
 * for the synthetic file systems (`/dev`, `/dev/shm`, `/sys`, tmpfs-like
 * `/tmp`). umk's path walk (namei.h) crosses mounts by their guest
 * mountpoints; the host never sees a guest path.
 *
 * Every guest process holds each mount's directory at a reserved descriptor
 * (UMK_FD_MNT + index, above its fd limit, out of reach of its own
 * syscalls). A guest open runs natively as openat2() beneath that
 * descriptor with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, on the path umk
 * resolved: the host itself refuses any way out of the mount.
 *
 * The table is set at start-up and never changes: guests cannot mount (the
 * mount family is denied), so every mount namespace holds the same table
 * and one copy serves them all.
 */
#ifndef UMK_MOUNT_H
#define UMK_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "mm.h"

/* Mount flags, as /proc/mounts shows them. */
#define MNT_RDONLY	0x01
#define MNT_NOSUID	0x02
#define MNT_NODEV	0x04
#define MNT_NOEXEC	0x08

enum mnt_kind {
	MNT_DIR,	/* a host directory: what is there is what the guest sees */
	MNT_DEV,	/* /dev: device names open the host's devices (umk opens them) */
	MNT_PROC,	/* /proc: a mirror per pid namespace, content made by umk (proc.c) */
};

struct mount {
	int id, parent_id;	/* /proc/self/mountinfo's */
	char *point;		/* guest mountpoint, canonical ("/" for the root) */
	size_t point_len;
	char *source;		/* the host directory */
	char *devname;		/* /proc/mounts' first field */
	const char *fstype;
	unsigned flags;		/* MNT_* */
	enum mnt_kind kind;
	int fd;			/* umk's O_PATH descriptor of source */
	int guest_fd;		/* where every guest holds it */
	dev_t dev;		/* what stat shows: the source's, or a device of its own for
				 * the synthetic file systems (find -xdev, df) */
};

/* The names of the devices in the guest's /dev (NULL-terminated). */
extern const char *const dev_names[];

/* Reserved descriptors of the mounts (mm.h's UMK_FD_BASE..+UMK_FD_COUNT). */
#define UMK_FD_MNT	(UMK_FD_BASE + 8)
#define MNT_MAX		(UMK_FD_COUNT - 8)

/* Command line: --bind HOST:GUEST[:ro] (0 or -1 with a message), --ro,
 * --tmpfs GUEST. Before mount_setup(). */
int mount_add_bind(const char *spec);
int mount_add_tmpfs(const char *guest);
void mount_set_root_ro(bool ro);

/*
 * Build the table over the rootfs (config.root): `/`, `/dev`, `/dev/shm`,
 * `/sys`, a tmpfs `/tmp` when the root is read-only, then the binds and
 * tmpfs mounts in command-line order. Returns 0, or -1 after printing why.
 */
int mount_setup(void);
/* Remove umk's runtime directory (at exit). */
void mount_cleanup(void);
/* In a new guest process before its first exec: the reserved descriptors. */
int mount_install_fds(void);

/* The mount whose mountpoint is exactly the guest path p (the last mounted
 * there), or NULL. */
struct mount *mount_at(const char *p);
/* The mount a canonical guest path is on (deepest mountpoint above it). */
struct mount *mount_of(const char *p);
/* The root mount. */
struct mount *mount_root(void);
/* The guest path of a host path under a mount's source: 0 or -ENOENT. */
int mount_host_to_guest(const char *host, char *guest, size_t len);
/* The host path of a canonical guest path: 0 or -ENAMETOOLONG. */
int mount_guest_to_host(const char *guest, char *host, size_t len);

/* /proc/mounts (mountinfo false) or /proc/self/mountinfo, as seen from the
 * guest root path root. */
void mount_show(FILE *f, const char *root, bool mountinfo);

/* For the unit tests: forget every mount. */
void mount_reset(void);

#endif
