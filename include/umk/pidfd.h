#ifndef UMK_PIDFD_H
#define UMK_PIDFD_H

#include "task.h"

/* A guest pidfd fd of t names pid (called where pidfds are made). */
void pidfd_remember(struct task *t, int fd, struct pid *pid);
/* The guest pid a pidfd of t names; NULL with *err = -EBADF (not a pidfd)
 * or -ECHILD (a pidfd whose process is gone). */
struct pid *pidfd_lookup(struct task *t, int fd, int *err);
/* pid's process was reaped: its pidfds name nothing any more. */
void pidfd_forget(struct pid *pid);

#endif
