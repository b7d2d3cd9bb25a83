#ifndef UMK_LAUNCH_H
#define UMK_LAUNCH_H

#include <sys/types.h>

/*
 * Start the guest's first process: a host child of umk, seized with ptrace,
 * stripped of host privileges, under the seccomp filter, exec'ing guest_path
 * (a guest path: its execve is trapped and resolved like any other).
 * *err_fd receives errno (4 bytes) if that execve fails.
 */
pid_t launch_init(const char *guest_path, char *const argv[], char *const envp[],
		  const sigset_t *orig_mask, int *err_fd);

struct task;
/* The first guest's first syscall: umk takes what it needs from it. */
void launch_adopt(struct task *t);

#endif
