/* Helpers the path-taking handlers share (fs.c), used by exec.c too. */
#ifndef UMK_FS_H
#define UMK_FS_H

#include "task.h"
#include "path.h"

/* The guest path of an open directory fd of t (AT_FDCWD: its cwd). */
int fd_guest_dir(struct task *t, int dirfd, char *out, size_t len);
/* The guest path of any fd of t that names a file in the view. */
int fd_guest_path(struct task *t, int fd, char *out, size_t len);
/* umk's own duplicate of the guest's descriptor fd (the same open file), or
 * -EBADF (umk's reserved descriptors are never the guest's). */
int guest_fd_get(struct task *t, int fd);
/* Resolve a guest path (already copied in) for t relative to dirfd. */
int task_lookup(struct task *t, int dirfd, const char *path, unsigned flags,
		struct resolved *out);
/*
 * Translate the path argument args[pi] (dirfd args[di], or di < 0) in place:
 * the host path is pushed below the guest's stack red zone and the argument
 * points at it. Returns 0, 1 when the call should run untouched (empty path
 * with AT_EMPTY_PATH), or -errno.
 */
int translate_path_arg(struct task *t, struct sysc *sc, int di, int pi, unsigned flags,
		       bool empty_ok, uint64_t *sp, struct resolved *res);

#endif
