/* Helpers the path-taking handlers share (fs.c), used by exec.c too. */
#ifndef UMK_FS_H
#define UMK_FS_H

#include <stdbool.h>
#include <stdint.h>
#include "task.h"
#include "namei.h"
#include "arch.h"

/* The guest path of an open directory fd of t (AT_FDCWD: its cwd). */
int fd_guest_dir(struct task *t, int dirfd, char *out, size_t len);
/* The guest path of any fd of t that names a file in the view. */
int fd_guest_path(struct task *t, int fd, char *out, size_t len);
/* umk's own duplicate of the guest's descriptor fd (the same open file), or
 * -EBADF (umk's reserved descriptors are never the guest's). */
int guest_fd_get(struct task *t, int fd);
/*
 * Walk the guest path at upath for t (relative to dirfd) into nd, with
 * t's root, cwd and credentials. 0; 1 when the path is empty and empty_ok
 * (AT_EMPTY_PATH: the call acts on the guest's descriptor dirfd, which the
 * host may use directly); or -errno. nd_release() nd either way.
 */
int task_namei(struct task *t, int dirfd, uint64_t upath, unsigned flags, bool empty_ok,
	       struct nameidata *nd);

/* Bring fs->cwd up to date from its descriptor (a rename of the cwd or
 * above): 0, or -ENOENT when the cwd was removed. */
int fs_cwd_refresh(struct fs_struct *fs);
/* The same for a path already in umk. */
int task_namei_path(struct task *t, int dirfd, const char *path, unsigned flags,
		    struct nameidata *nd);
/* ETXTBSY: a guest process runs the file; a guest holds it open for
 * writing (exec's deny_write_access). */
bool fs_running_exe(dev_t dev, ino_t ino);
bool fs_open_for_write(dev_t dev, ino_t ino);
/* A file t just created (fd, or name in the directory dfd) gets t's
 * ownership (Linux's inode_init_owner) where the host's differs. */
void fs_owner_fixup(struct task *t, int fd, int dfd, const char *name);
/* Where a handler's rewritten arguments may go below the guest's stack
 * (push_to_guest_stack's sp): under the red zone. */
static inline uint64_t fs_arg_sp(struct sysc *sc)
{
	return arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE;
}
/* The final object is one of the guest's /dev devices: its host path. */
bool nd_is_device(const struct nameidata *nd, char *host, size_t len);

#endif
