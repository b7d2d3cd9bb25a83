/*
 * The guest's memory limit (umk run --memory) and the OOM killer (oom.c).
 */
#ifndef UMK_OOM_H
#define UMK_OOM_H

#include <stdint.h>

#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000

/* Start the periodic check when a limit is set: 0 or -errno. */
int oom_init(void);
/* Over the limit: reclaim, then kill the process with the highest badness. */
void oom_check(void);
uint64_t oom_kills(void);
struct process;
/* /proc/PID/oom_score. */
int oom_score(const struct process *p);

#endif
