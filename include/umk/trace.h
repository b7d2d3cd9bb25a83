#ifndef UMK_TRACE_H
#define UMK_TRACE_H

#include "task.h"

/* Decode the call's arguments at entry (into t->sys.trace). */
void trace_enter(struct task *t);
/* Print the line with the result. */
void trace_exit(struct task *t, long ret);

#endif
