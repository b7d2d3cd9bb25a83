#ifndef UMK_EXIT_H
#define UMK_EXIT_H

#include <sys/resource.h>
#include "task.h"

/* The host reported the thread's death (exit or signal; status as waitpid's). */
void task_reaped(struct task *t, int status, const struct rusage *ru);
/* Kill every process of ns but its init (its init died), as zap_pid_ns_processes. */
void zap_pid_ns(struct pid_namespace *ns);

#endif
