/*
 * Job control on the host.
 *
 * A terminal's line discipline acts on host process groups: it signals the
 * foreground group for Ctrl-C and Ctrl-Z, and it stops a background group
 * that reads (SIGTTIN) or writes with TOSTOP (SIGTTOU), or fails the call
 * with EIO when the group is orphaned or the reader ignores SIGTTIN. For
 * those verdicts to be the guests', the host must have the guests' shape:
 *
 *  - Sessions. The guests' terminal session (the relay's, tty.c) and every
 *    session a guest's setsid makes are host sessions too ("on the host",
 *    pid.host_session). Their process groups are mirrored: a setpgid umk
 *    allows runs on the host as well, in the caller (the target is the
 *    caller or its child, and a guest's host parent is its guest parent, see
 *    fork.c), with host numbers. A guest pid's host number (pid.host_nr) is
 *    the host tid it was made for, so a group keeps its host pgid after its
 *    leader is gone, as on Linux. Guests of umk's own session (no relay)
 *    stay in umk's host group, and umk keeps their terminal state itself.
 *  - Orphaned groups. The host decides them from real parents, so a
 *    guest's host parent is its guest parent, and the first guest is a
 *    host child subreaper (orphans come back to it, as to pid 1).
 *  - SIGTTIN and SIGTTOU. Linux makes exceptions for a reader or writer that
 *    ignores or blocks them; the host sees only its own mask and
 *    dispositions, so the host blocks these two signals in a thread exactly
 *    when the guest ignores them or that thread blocks them (set with
 *    PTRACE_SETSIGMASK after any emulated syscall that changed it; nothing
 *    else ever sends a guest a host SIGTTIN or SIGTTOU).
 *
 * What the host then sends (SIGTTIN to a background reader's group, SIGINT
 * to the foreground group) reaches umk at each guest's delivery stop as a
 * signal from the kernel, and becomes the guest's own.
 *
 * The terminal ioctls that carry process-group and session numbers are
 * translated both ways; in a session not on the host, umk answers them from
 * its own record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include "umk/arch.h"
#include "umk/jobctl.h"
#include "umk/seccomp.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

/* --- SIGTTIN/SIGTTOU on the host ----------------------------------------- */

#define TT_MASK (sigbit(SIGTTIN) | sigbit(SIGTTOU))

uint64_t jobctl_initial_mask(uint64_t blocked, uint64_t ignored)
{
	return (blocked | ignored) & TT_MASK;
}

/* What t's host mask must be: the two signals where the guest ignores or
 * blocks them (Linux's is_ignored(): the caller's mask or its handler). */
static uint64_t tt_wanted(struct task *t)
{
	uint64_t want = t->blocked & TT_MASK;

	for (int s = SIGTTIN; s <= SIGTTOU; s++)
		if (t->proc->sighand->action[s - 1].handler == KSIG_IGN)
			want |= sigbit(s);
	return want;
}

/*
 * PTRACE_SETSIGMASK changes a stopped thread's mask without a stop of its
 * own. Only at the end of an emulated syscall (no sleep with a temporary
 * mask in flight, whose restore would undo it). Another thread of the
 * process learns of a new SIG_IGN at its own next emulated syscall.
 */
void jobctl_sync_signals(struct task *t)
{
	uint64_t want;

	if (!t->proc->sighand || (want = tt_wanted(t)) == t->host_blocked)
		return;
	if (ptrace(PTRACE_SETSIGMASK, t->host_tid, sizeof(want), &want) == 0)
		t->host_blocked = want;
}

/* --- host numbers ---------------------------------------------------------- */

struct by_host {
	int nr;
	bool sid;
	struct pid *found;
};

static int by_host_fn(struct task *t, void *arg)
{
	struct by_host *b = arg;
	struct process *p = t->proc;
	struct pid *fg;

	if (!jobctl_on_host(p))
		return 0;
	if (b->sid) {
		if (p->session->host_nr == b->nr)
			b->found = p->session;
		return b->found != NULL;
	}
	/* The foreground group may have no member left (the terminal keeps
	 * it, and so does umk's record). */
	fg = p->session->tty_pgrp;
	if (p->pgrp->host_nr == b->nr)
		b->found = p->pgrp;
	else if (fg && fg->host_nr == b->nr)
		b->found = fg;
	return b->found != NULL;
}

struct pid *jobctl_by_host(int nr, bool sid)
{
	struct by_host b = { nr, sid, NULL };

	if (nr <= 0)
		return NULL;
	for_each_task(by_host_fn, &b);
	return b.found;
}

/* --- terminal ioctls ------------------------------------------------------- */

/* umk's own record of a session not on the host: what tcsetpgrp chose, by
 * default the caller's group (a shell must not think it is in the background). */
static struct pid *recorded_fg(struct process *p)
{
	struct pid *fg = p->session->tty_pgrp;

	return fg && pid_process(fg, PIDTYPE_PGID) ? fg : p->pgrp;
}

/* A host pgid or sid the terminal reported, in t's numbers. */
static pid_t from_host(struct task *t, int v, bool sid)
{
	struct pid_namespace *ns = task_active_pid_ns(t);
	struct pid *g = jobctl_by_host(v, sid);

	if (g)
		return pid_nr_ns(g, ns);
	if (jobctl_on_host(t->proc))
		return 0;	/* a group the caller cannot see, as pid_vnr */
	return pid_nr_ns(sid ? t->proc->session : recorded_fg(t->proc), ns);
}

/* No such host pid (above any pid_max): the host's "no such group". */
#define NO_HOST_PGRP 0x7fffffff

static void tty_ioctl_exit(struct task *t, struct sysc *sc)
{
	uint32_t cmd = (uint32_t)sc->orig_args[1];
	struct pid *pg = (struct pid *)(uintptr_t)sc->u.data[1];
	int v;

	if (cmd == TIOCSPGRP) {
		if (sc->ret == -ESRCH && sc->u.data[2])
			sc->ret = (long)sc->u.data[2];	/* umk's verdict on the group */
		if (sc->ret == 0 && pg) {
			put_pid(t->proc->session->tty_pgrp);
			t->proc->session->tty_pgrp = get_pid(pg);
		}
		put_pid(pg);
		return;
	}
	if (sc->ret != 0)
		return;	/* not a terminal, bad fd... as the host said */
	if (copy_from_guest(t, &v, sc->orig_args[2], sizeof(v)))
		return;
	v = from_host(t, v, cmd == TIOCGSID);
	copy_to_guest(t, sc->orig_args[2], &v, sizeof(v));
}

/* tcsetpgrp in a session on the host: the host's, with the host's pgid. */
static long tiocspgrp_host(struct task *t, struct sysc *sc)
{
	struct pid *pg = NULL;
	int32_t pgid, host = NO_HOST_PGRP;
	uint64_t sp = arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE, addr;
	long verdict = 0;

	/* The host checks the terminal first (and stops a background caller
	 * with SIGTTOU): a bad pointer or a negative number goes to it as is. */
	if (copy_from_guest(t, &pgid, sc->args[2], sizeof(pgid)) || pgid < 0)
		return SYSC_NATIVE;
	pg = find_pid_ns(pgid, task_active_pid_ns(t));
	if (!pid_process(pg, PIDTYPE_PGID))
		verdict = -ESRCH;
	else if (pid_process(pg, PIDTYPE_PGID)->session != t->proc->session)
		verdict = -EPERM;
	else
		host = pg->host_nr;
	if (push_to_guest_stack(t, &sp, &host, sizeof(host), &addr))
		return -EFAULT;
	sc->args[2] = addr;
	sc->args_dirty = true;
	sc->u.data[1] = verdict ? 0 : (uint64_t)(uintptr_t)get_pid(pg);
	sc->u.data[2] = (uint64_t)verdict;
	sc->on_exit = tty_ioctl_exit;
	return SYSC_NATIVE;
}

/* tcsetpgrp in a session umk keeps: the host checks the terminal (its
 * TIOCGPGRP, reading into a buffer of umk's), umk records the group. */
static void tiocspgrp_kept_exit(struct task *t, struct sysc *sc)
{
	struct pid *pg = find_pid_ns((pid_t)sc->u.data[0], task_active_pid_ns(t));
	struct process *g = pid_process(pg, PIDTYPE_PGID);

	if (sc->ret != 0)
		return;
	if (!g) {
		sc->ret = -ESRCH;
	} else if (g->session != t->proc->session) {
		sc->ret = -EPERM;
	} else {
		put_pid(t->proc->session->tty_pgrp);
		t->proc->session->tty_pgrp = get_pid(pg);
	}
}

long jobctl_tty_ioctl(struct task *t, struct sysc *sc)
{
	uint32_t cmd = (uint32_t)sc->args[1];
	int32_t pgid;

	switch (cmd) {
	case TIOCGPGRP:
	case TIOCGSID:
		sc->on_exit = tty_ioctl_exit;
		return SYSC_NATIVE;
	case TIOCSPGRP:
		if (jobctl_on_host(t->proc))
			return tiocspgrp_host(t, sc);
		/* A bad pointer or number: the host's errors, in its order
		 * (ENOTTY for what is not a terminal comes first). */
		if (copy_from_guest(t, &pgid, sc->args[2], sizeof(pgid)) || pgid < 0)
			return SYSC_NATIVE;
		sc->u.data[0] = (uint64_t)pgid;
		sc->args[1] = TIOCGPGRP;
		sc->args[2] = arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE - 16;
		sc->args_dirty = true;
		sc->on_exit = tiocspgrp_kept_exit;
		return SYSC_NATIVE;
	}
	return -EINVAL;
}

/* --- setpgid ------------------------------------------------------------- */

long jobctl_setpgid_host(struct task *t, struct sysc *sc, struct process *p, struct pid *pgrp)
{
	if (!jobctl_on_host(t->proc))
		return 0;
	sc->args[0] = (uint64_t)p->host_tgid;
	sc->args[1] = (uint64_t)pgrp->host_nr;
	sc->args_dirty = true;
	/* The guest sees 0 whatever the host says: umk's state has changed
	 * already, and the host agrees unless the child exec'd in between
	 * (then it keeps its host group, as on Linux had the exec come
	 * first). Through the trampoline: no exit stop. */
	sc->tramp_ok = true;
	sc->override = true;
	sc->ov[0] = sc->ov[1] = sc->ov[2] = 0;
	return SYSC_NATIVE;
}

/* --- /proc ------------------------------------------------------------------ */

void jobctl_stat_tty(struct task *reader, struct process *p, unsigned long long host_tty_nr,
		     unsigned long long host_tpgid, int *tty_nr, int *tpgid)
{
	*tty_nr = (int)host_tty_nr;
	if (!host_tty_nr) {
		*tpgid = -1;
		return;
	}
	if (jobctl_on_host(p)) {
		struct pid *g = jobctl_by_host((int)host_tpgid, false);

		*tpgid = g ? pid_nr_ns(g, task_active_pid_ns(reader)) : 0;
		return;
	}
	*tpgid = pid_nr_ns(recorded_fg(p), task_active_pid_ns(reader));
}
