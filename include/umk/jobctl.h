/*
 * Job control on the host (src/jobctl.c): guest process groups and sessions
 * mirrored onto host ones, so that the host's terminals signal the right
 * guests (SIGINT, SIGTSTP, SIGTTIN, SIGTTOU) and decide the background and
 * orphaned cases the way Linux would for the guests.
 */
#ifndef UMK_JOBCTL_H
#define UMK_JOBCTL_H

#include <stdbool.h>
#include "pid.h"
#include "task.h"

/* Is p's session also a host session, its process groups host ones? */
static inline bool jobctl_on_host(const struct process *p)
{
	return p->session && p->session->host_session;
}

/* The mirrored guest process group (session when sid) the host numbers nr;
 * NULL when none is. */
struct pid *jobctl_by_host(int nr, bool sid);

/* After an emulated syscall: give the host t's SIGTTIN/SIGTTOU ignore
 * state, which decides background terminal I/O (see jobctl.c). */
void jobctl_sync_signals(struct task *t);

/* The first guest's host mask (the launch child sets it). */
uint64_t jobctl_initial_mask(uint64_t blocked, uint64_t ignored);

/* TIOCGPGRP, TIOCSPGRP and TIOCGSID in guest numbers. */
long jobctl_tty_ioctl(struct task *t, struct sysc *sc);

/* setpgid/setsid that umk's state allowed, made on the host too. */
long jobctl_setpgid_host(struct task *t, struct sysc *sc, struct process *p, struct pid *pgrp);

/* The controlling terminal of p on the host: tty_nr and the foreground group
 * in the reader's numbers (-1 when p has no terminal), for /proc's stat. */
void jobctl_stat_tty(struct task *reader, struct process *p, unsigned long long host_tty_nr,
		     unsigned long long host_tpgid, int *tty_nr, int *tpgid);

#endif
