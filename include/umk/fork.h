#ifndef UMK_FORK_H
#define UMK_FORK_H

#include "task.h"

void fork_event(struct task *parent, pid_t child_host);
void exec_event(struct task *t);

#endif
