#ifndef UMK_LOOP_H
#define UMK_LOOP_H

#include <sys/types.h>
#include <sys/resource.h>
#include "task.h"

/* Run the kernel until the guest's init is gone; returns umk's exit status. */
int loop_run(int signal_fd);
/* Resume a task held in a stop, keeping a pending syscall-exit stop. */
void task_resume(struct task *t, int sig);
/* A child's first stop may be seen before its parent's fork event. */
void loop_adopt_early(struct task *child);
/* Call fn(arg) whenever fd is readable (from the loop); 0 or -errno. */
int loop_watch(int fd, void (*fn)(void *), void *arg);
void loop_unwatch(int fd);
/* Poll fd and the watched descriptors (serving those): 1 when fd is readable,
 * 0 after timeout_ms. */
int loop_poll_watchers(int fd, int timeout_ms);
/* wait4() on one guest thread, serving the watched descriptors meanwhile. */
pid_t loop_sync_wait(pid_t tid, int *status, struct rusage *ru);
void loop_forget_early(pid_t tid);
/* A status umk's own waitpid took for a thread outside the loop (injection). */
void loop_defer_status(pid_t tid, int status, const struct rusage *ru);

#endif
