#ifndef UMK_SIGNAL_H
#define UMK_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "task.h"

/* The host's view of p's dispositions (until umk owns them: signals issue). */
struct sigstate {
	uint64_t ignored, caught, blocked;
};
int process_sigstate(const struct process *p, struct sigstate *s);
bool sig_in(uint64_t set, int sig);
/* Notify the parent of a state change with sig, if it would see it at all. */
void notify_parent(struct process *p, int sig);
/* Deliver sig to a whole process / one thread through the host. */
int send_process_signal(struct process *p, int sig);
int send_thread_signal(struct task *t, int sig);
/* Is p the init of the namespace it lives in? */
bool is_ns_init(const struct process *p);

#endif
