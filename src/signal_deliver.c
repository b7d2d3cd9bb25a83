/*
 * Signal delivery, as Linux's get_signal() and arch_do_signal_or_restart().
 *
 * umk delivers at the points where a guest thread returns to guest code
 * and umk holds it: after an emulated syscall, at a syscall-exit stop, and
 * at an interrupt stop. A thread that runs guest code or blocks in a native
 * syscall is made to stop there by PTRACE_INTERRUPT (signal_wake_up): its
 * syscall, if any, returns -ERESTART* and the stop comes on its way back to
 * user mode, where umk applies Linux's rules: run the handler (the call
 * fails with EINTR, or restarts with SA_RESTART), or restart it when no
 * handler runs.
 *
 * Host signals aimed at a guest (faults, SIGPIPE, timers, the terminal,
 * other host processes) end in a signal-delivery stop: umk suppresses them
 * and queues them as its own (signal_from_host).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "umk/exit.h"
#include "umk/handlers.h"
#include "umk/inject.h"
#include "umk/loop.h"
#include "umk/mm.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/tty.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

/* Kernel-internal restart codes (include/linux/errno.h). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

bool signal_is_restart_code(long r)
{
	return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND ||
	       r == -ERESTART_RESTARTBLOCK;
}

/* --- waking ----------------------------------------------------------------- */

/* Sleepers a signal interrupts, woken when the current event is done (their
 * handlers must not run in the middle of the sender's list walks). */
static struct task **sigwake;
static size_t nr_sigwake, cap_sigwake;

void signal_wake_up(struct task *t)
{
	switch (t->state) {
	case TASK_RUNNING:
		if (!t->kicked) {
			t->kicked = true;
			ptrace(PTRACE_INTERRUPT, t->host_tid, 0, 0);
		}
		break;
	case TASK_SLEEPING:
		for (size_t i = 0; i < nr_sigwake; i++)
			if (sigwake[i] == t)
				return;
		if (array_reserve(&sigwake, &cap_sigwake, nr_sigwake, sizeof(*sigwake)))
			return;
		sigwake[nr_sigwake++] = t;
		break;
	case TASK_SLEEPING_NATIVE:
		syscall_kick(t);
		break;
	default:
		/* TRAPPED, NEW, STOPPED: they look before running guest code. */
		break;
	}
}

/* Run the handlers of the sleepers signals interrupted. */
void signal_run_wakeups(void)
{
	while (nr_sigwake) {
		struct task *t = sigwake[--nr_sigwake];

		if (t->state == TASK_SLEEPING && signal_pending(t)) {
			task_unsleep(t);
			syscall_rerun(t);
		}
	}
}

/* A task is going away: forget it. */
void signal_forget_wakeup(struct task *t)
{
	for (size_t i = 0; i < nr_sigwake; i++)
		if (sigwake[i] == t)
			sigwake[i] = sigwake[--nr_sigwake];
}

/* --- dequeueing -------------------------------------------------------------------- */

static int dequeue_one(struct sigpending *pend, uint64_t blocked, siginfo_t *info,
		       bool *outside, bool *stale);

int dequeue_from(struct sigpending *pend, uint64_t blocked, siginfo_t *info, bool *outside)
{
	bool stale;
	int sig;

	/* A stale timer signal is dropped, and the next one taken. */
	do
		sig = dequeue_one(pend, blocked, info, outside, &stale);
	while (sig && stale);
	return sig;
}

static int dequeue_one(struct sigpending *pend, uint64_t blocked, siginfo_t *info,
		       bool *outside, bool *stale)
{
	uint64_t x = pend->signal & ~blocked;
	struct sigqueue *q, *first = NULL;
	bool more = false;
	int sig;

	if (!x)
		return 0;
	/* Faults first, so that the frame's rip is the faulting instruction;
	 * then the lowest number. */
	if (x & SYNCHRONOUS_MASK)
		x &= SYNCHRONOUS_MASK;
	sig = __builtin_ctzll(x) + 1;
	list_for_each_entry(q, &pend->list, list) {
		if (q->info.si_signo != sig)
			continue;
		if (first) {
			more = true;
			break;
		}
		first = q;
	}
	if (!more)
		pend->signal &= ~sigbit(sig);
	*outside = false;
	*stale = false;
	if (first) {
		*info = first->info;
		*outside = first->outside;
		*stale = first->stale;
		list_del(&first->list);
		list_init(&first->list);
		sigqueue_release(first);
	} else {
		/* Queued without its information (RLIMIT_SIGPENDING). */
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
	return sig;
}

int dequeue_signal(struct task *t, uint64_t blocked, siginfo_t *info, bool *outside)
{
	int sig = dequeue_from(&t->pending, blocked, info, outside);

	if (!sig)
		sig = dequeue_from(&t->proc->shared_pending, blocked, info, outside);
	if (sig && info->si_code == SI_TIMER)
		signal_timer_delivered(t->proc, info);
	return sig;
}

/* --- group stop ---------------------------------------------------------------- */

/* A process group is orphaned when no member has a parent in another group
 * of the same session: job-control stops do nothing there. */
static bool pgrp_orphaned(struct process *p)
{
	struct process *m;

	list_for_each_entry(m, &p->pgrp->tasks[PIDTYPE_PGID], pgrp_node) {
		struct process *pp = m->parent;

		if (m->state != PROC_ALIVE || !pp || pp->state != PROC_ALIVE)
			continue;
		if (pp->pgrp != m->pgrp && pp->session == m->session)
			return false;
	}
	return true;
}

/* Every live thread stopped: the group is stopped; tell the parent. */
static void stop_check_done(struct process *p)
{
	struct task *o;

	if (!p->group_stop_sig)
		return;
	list_for_each_entry(o, &p->threads, thread_node)
		if (o->state != TASK_DEAD && !o->exit_event_seen && o->state != TASK_STOPPED)
			return;
	p->stop_signal = p->group_stop_sig;
	p->group_stop_sig = 0;
	p->notify_stopped = true;
	p->notify_continued = false;
	notify_parent_cldstop(p, CLD_STOPPED);
}

/* do_signal_stop(): t stops; the first to stop asks the others to. */
static void do_signal_stop(struct task *t, int sig)
{
	struct process *p = t->proc;
	struct task *o;

	if (!p->group_stop_sig && !p->stop_signal) {
		p->group_stop_sig = sig;
		list_for_each_entry(o, &p->threads, thread_node)
			if (o != t && o->state != TASK_DEAD) {
				o->jobctl_stop = true;
				signal_wake_up(o);
			}
	}
	t->jobctl_stop = false;
	t->state = TASK_STOPPED;
	stop_check_done(p);
}

void signal_thread_gone(struct task *t)
{
	signal_forget_wakeup(t);
	if (t->proc->group_stop_sig)
		stop_check_done(t->proc);
}

/* --- get_signal -------------------------------------------------------------------- */

struct ksignal {
	int sig;
	struct arch_sigaction ka;
	siginfo_t info;
};

static int core_status(struct process *p, int sig)
{
	struct rlimit rl;

	/* Cores are not written; WCOREDUMP says one would have been, which is
	 * what Linux reports unless RLIMIT_CORE forbids it. */
	if ((SIG_KERNEL_COREDUMP_MASK & sigbit(sig)) &&
	    prlimit(p->host_tgid, RLIMIT_CORE, NULL, &rl) == 0 && rl.rlim_cur > 0)
		return sig | 0x80;
	return sig;
}

/* 1: a handler to run in *ks; 0: nothing to do; -1: t stopped or dies. */
static int get_signal(struct task *t, struct ksignal *ks)
{
	struct process *p = t->proc;

	for (;;) {
		struct arch_sigaction *ka;
		bool outside;
		int sig;

		if (p->group_exit || p->state != PROC_ALIVE)
			return -1;
		if (p->group_stop_sig && t->jobctl_stop) {
			do_signal_stop(t, p->group_stop_sig);
			return -1;
		}
		sig = dequeue_signal(t, t->blocked, &ks->info, &outside);
		if (!sig)
			return 0;
		ka = &p->sighand->action[sig - 1];
		if (ka->handler == KSIG_IGN)
			continue;
		if (ka->handler != KSIG_DFL) {
			ks->sig = sig;
			ks->ka = *ka;
			if (ka->flags & SA_RESETHAND)
				ka->handler = KSIG_DFL;
			return 1;
		}
		if (SIG_KERNEL_IGNORE_MASK & sigbit(sig))
			continue;
		/* A namespace's init gets no default action it did not ask for,
		 * but from outside the guests (the terminal, umk's own SIGTERM)
		 * it does: see docs/architecture.md. */
		if (is_ns_init(p) && !(SIG_KERNEL_ONLY_MASK & sigbit(sig)) && !outside &&
		    !(SYNCHRONOUS_MASK & sigbit(sig) && ks->info.si_code > 0))
			continue;
		if (SIG_KERNEL_STOP_MASK & sigbit(sig)) {
			if (sig != SIGSTOP && pgrp_orphaned(p))
				continue;
			do_signal_stop(t, sig);
			return -1;
		}
		do_group_exit_signal(p, core_status(p, sig));
		return -1;
	}
}

/* handle_signal(): the restart rules, the frame, the new mask. */
static void handle_signal(struct task *t, struct ksignal *ks, struct arch_regs *r, long nr)
{
	struct arch_ksig k;
	uint64_t blocked;

	if (nr >= 0) {
		switch (arch_return_value(r)) {
		case -ERESTART_RESTARTBLOCK:
		case -ERESTARTNOHAND:
			arch_set_return_value(r, -EINTR);
			break;
		case -ERESTARTSYS:
			if (!(ks->ka.flags & SA_RESTART)) {
				arch_set_return_value(r, -EINTR);
				break;
			}
			/* fallthrough */
		case -ERESTARTNOINTR:
			arch_restart_syscall(r, nr);
			break;
		}
	}
	k.sig = ks->sig;
	k.ka = ks->ka;
	k.saved_mask = t->restore_sigmask ? t->saved_sigmask : t->blocked;
	k.info = &ks->info;
	k.xfeatures = t->proc->xfeatures;
	if (arch_setup_rt_frame(t, r, &k, &t->sas) < 0) {
		/* force_sigsegv(): a SIGSEGV that cannot be handled kills. */
		siginfo_t si;

		if (ks->sig == SIGSEGV)
			t->proc->sighand->action[SIGSEGV - 1].handler = KSIG_DFL;
		signal_info_user(&si, SIGSEGV, SI_KERNEL, NULL, t);
		force_sig_info(t, &si);
		return;
	}
	/* signal_delivered() */
	t->restore_sigmask = false;
	blocked = t->blocked | ks->ka.mask;
	if (!(ks->ka.flags & SA_NODEFER))
		blocked |= sigbit(ks->sig);
	set_current_blocked(t, blocked);
	if (t->sas.flags & (1U << 31) /* SS_AUTODISARM */)
		memset(&t->sas, 0, sizeof(t->sas));
}

bool signal_return_to_user(struct task *t, struct arch_regs *r, long nr, bool *changed)
{
	struct ksignal ks;
	int got;

	while ((got = get_signal(t, &ks)) > 0) {
		handle_signal(t, &ks, r, nr);
		*changed = true;
		nr = -1;	/* the frame holds the syscall's outcome now */
	}
	if (got < 0) {
		t->stop_nr = nr;
		return false;
	}
	if (nr >= 0) {
		/* No handler: restart the call. */
		switch (arch_return_value(r)) {
		case -ERESTARTNOHAND:
		case -ERESTARTSYS:
		case -ERESTARTNOINTR:
			arch_restart_syscall(r, nr);
			*changed = true;
			break;
		case -ERESTART_RESTARTBLOCK:
			arch_restart_syscall(r, ARCH_NR_restart_syscall);
			*changed = true;
			break;
		}
	}
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		set_current_blocked(t, t->saved_sigmask);
	}
	return true;
}

/* A stop umk did not ask about (interrupt, signal delivery) or a stopped
 * thread continued: fetch, deliver, store, resume. */
void signal_resume(struct task *t)
{
	struct arch_regs r;
	bool changed = false;
	long nr;

	if (arch_regs_fetch(t->host_tid, &r) < 0) {
		t->state = TASK_RUNNING;	/* gone: its death report follows */
		return;
	}
	if (t->state == TASK_STOPPED) {
		nr = t->stop_nr;
	} else {
		/* In the stub's trampoline: finish it first, so that a frame
		 * holds the guest's own registers. */
		uint64_t ip = arch_instruction_pointer(&r);

		if (t->mm && t->mm->window && !inject_tramp_fixup_regs(t, &r)) {
			umk_log("cannot set up the memory of process %d: killed", task_pid_vnr(t));
			kill(t->proc->host_tgid, SIGKILL);
			task_resume(t, 0);
			return;
		}
		changed = arch_instruction_pointer(&r) != ip;
		nr = arch_syscall_nr(&r);
		if (nr < 0)
			nr = -1;
	}
	t->state = TASK_TRAPPED;
	if (!signal_return_to_user(t, &r, nr, &changed)) {
		if (changed)
			arch_regs_store(t->host_tid, &r);
		return;
	}
	t->stop_nr = -1;
	if (changed)
		arch_regs_store(t->host_tid, &r);
	task_resume(t, 0);
}

/* --- host signals ------------------------------------------------------------------ */

void signal_from_host(struct task *t, int sig, const siginfo_t *host)
{
	siginfo_t si = *host;
	bool sync, thread, has_pid;
	struct task *sender = NULL;
	int how = 0;

	if (sig < 1 || sig > UMK_NSIG || sig == SIGKILL)
		return;
	si.si_signo = sig;
	has_pid = si.si_code == SI_USER || si.si_code == SI_QUEUE || si.si_code == SI_TKILL ||
		  si.si_code == SI_MESGQ || (sig == SIGCHLD && si.si_code > 0);
	if (has_pid && si.si_pid == getpid())
		return;	/* umk's own, from before: nothing a guest should see */
	if (sig == SIGCHLD && si.si_code > 0)
		return;	/* guests have no host children: umk reports its own */
	if (tty_signal_dropped(t, sig, &si))
		return;	/* a keyboard signal for another process group */
	sync = (SYNCHRONOUS_MASK & sigbit(sig)) && (si.si_code > 0 || si.si_code == SI_KERNEL);
	/* A timer signal the host gave a thread other than the leader was
	 * SIGEV_THREAD_ID's (a process's goes to its leader while it can
	 * take it: the host's complete_signal(), with an empty host mask). */
	thread = sync || si.si_code == SI_TKILL ||
		 (si.si_code == SI_TIMER && t != t->proc->leader) ||
		 ((sig == SIGPIPE || sig == SIGXFSZ) && si.si_code == SI_USER &&
		  si.si_pid == t->proc->host_tgid);
	if (has_pid) {
		sender = task_by_host(si.si_pid);
		if (sender) {
			si.si_pid = task_tgid_nr_ns(sender, task_active_pid_ns(t));
			si.si_uid = sender->cred.uid;
		} else {
			/* From outside the guests: no pid the guest could see. */
			si.si_pid = 0;
			si.si_uid = si.si_uid == getuid() ? 0 : 65534;
		}
	}
	if (sync) {
		struct arch_regs r;

		if (arch_regs_fetch(t->host_tid, &r) == 0)
			arch_fault_info(t, &r, sig, si.si_code, (uint64_t)si.si_addr,
					&t->fault_trapno, &t->fault_err, &t->fault_addr);
		force_sig_info(t, &si);
		return;
	}
	if (!sender)
		how = SEND_FORCE | SEND_OUTSIDE;
	send_signal(sig, &si, t, !thread, how);
}

/* --- syscalls ------------------------------------------------------------------------- */

long sys_rt_sigreturn(struct task *t, struct sysc *sc)
{
	uint64_t sp = arch_stack_pointer(&sc->regs);
	struct arch_sigreturn out;

	arch_rt_sigreturn(t, &sc->regs, t->proc->xfeatures, &out);
	sc->sigreturn = true;
	if (out.mask_ok)
		set_current_blocked(t, out.mask);
	if (out.stack_ok)
		do_sigaltstack(t, &out.stack, NULL, sp);	/* errors ignored, as Linux */
	if (!out.regs_ok) {
		siginfo_t si;

		signal_info_user(&si, SIGSEGV, SI_KERNEL, NULL, t);
		force_sig_info(t, &si);
		return 0;
	}
	return arch_return_value(&sc->regs);
}

/* Sleepers that wait only for a signal. */
static struct wait_queue sigwait_wq = { .sleepers = { &sigwait_wq.sleepers, &sigwait_wq.sleepers } };

long sys_pause(struct task *t, struct sysc *sc)
{
	sc->intr_ret = -ERESTARTNOHAND;
	if (signal_pending(t))
		return -ERESTARTNOHAND;
	task_sleep_on(t, &sigwait_wq);
	return SYSC_SLEEP;
}

long sys_rt_sigsuspend(struct task *t, struct sysc *sc)
{
	if (!sc->u.sig.started) {
		uint64_t mask;

		if (sc->args[1] != 8)
			return -EINVAL;
		if (copy_from_guest(t, &mask, sc->args[0], 8))
			return -EFAULT;
		t->saved_sigmask = t->blocked;
		t->restore_sigmask = true;
		set_current_blocked(t, mask & ~SIG_KERNEL_ONLY_MASK);
		sc->u.sig.started = true;
	}
	return sys_pause(t, sc);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* sigtimedwait is over: the mask it widened is the thread's own again. */
static void timedwait_done(struct task *t)
{
	t->blocked = t->real_blocked;
	t->real_blocked = 0;
}

static void timedwait_intr(struct task *t, struct sysc *sc)
{
	(void)sc;
	timedwait_done(t);
}

long sys_rt_sigtimedwait(struct task *t, struct sysc *sc)
{
	uint64_t these;
	siginfo_t info;
	bool outside;
	int sig;

	if (!sc->u.sig.started) {
		struct timespec ts;

		if (sc->args[3] != 8)
			return -EINVAL;
		if (copy_from_guest(t, &these, sc->args[0], 8))
			return -EFAULT;
		if (sc->args[2]) {
			if (copy_from_guest(t, &ts, sc->args[2], sizeof(ts)))
				return -EFAULT;
			if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
				return -EINVAL;
		}
		these &= ~SIG_KERNEL_ONLY_MASK;
		sc->u.sig.these = these;
		sig = dequeue_signal(t, ~these, &info, &outside);
		if (!sig && sc->args[2] && !ts.tv_sec && !ts.tv_nsec)
			return -EAGAIN;
		if (!sig) {
			/* Sleep with the awaited signals unblocked, so that their
			 * arrival wakes it (and queues them even if ignored). */
			sc->u.sig.started = true;
			t->real_blocked = t->blocked;
			t->blocked &= ~these;
			sc->intr_ret = -EINTR;
			sc->on_intr = timedwait_intr;
			sc->timeout_ns = sc->args[2] ? mono_ns() + (uint64_t)ts.tv_sec * 1000000000ULL +
							      (uint64_t)ts.tv_nsec
						     : 0;
			task_sleep_on(t, &sigwait_wq);
			return SYSC_SLEEP;
		}
	} else {
		sig = dequeue_signal(t, ~sc->u.sig.these, &info, &outside);
		if (!sig) {
			if (sc->timeout_ns && mono_ns() >= sc->timeout_ns) {
				timedwait_done(t);
				return -EAGAIN;
			}
			task_sleep_on(t, &sigwait_wq);
			return SYSC_SLEEP;
		}
		timedwait_done(t);
	}
	if (sc->args[1] && copy_to_guest(t, sc->args[1], &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

/*
 * ppoll, pselect6, epoll_pwait, epoll_pwait2 with a signal mask: the mask is
 * umk's, so umk swaps it (saving the old one, as set_user_sigmask()) and
 * hands the host the call without one; the filter lets the calls without a
 * mask run natively. The old mask comes back when the call returns, unless a
 * signal interrupted it: then after the handler (whose frame holds the old
 * mask), as restore_saved_sigmask_unless().
 */
static void sigmask_exit(struct task *t, struct sysc *sc)
{
	if (sc->ret != sc->intr_ret && t->restore_sigmask) {
		t->restore_sigmask = false;
		set_current_blocked(t, t->saved_sigmask);
	}
}

static long sigmask_call(struct task *t, struct sysc *sc, uint64_t umask, uint64_t size, long intr)
{
	uint64_t mask;

	if (size != 8)
		return -EINVAL;
	if (copy_from_guest(t, &mask, umask, 8))
		return -EFAULT;
	t->saved_sigmask = t->blocked;
	t->restore_sigmask = true;
	set_current_blocked(t, mask & ~SIG_KERNEL_ONLY_MASK);
	if (signal_pending(t))
		return intr;
	sc->intr_ret = intr;	/* the result that means "interrupted" */
	sc->on_exit = sigmask_exit;
	sc->args_dirty = true;
	return SYSC_NATIVE;
}

long sys_ppoll(struct task *t, struct sysc *sc)
{
	uint64_t m = sc->args[3], size = sc->args[4];

	sc->args[3] = 0;
	return sigmask_call(t, sc, m, size, -ERESTARTNOHAND);
}

long sys_epoll_pwait(struct task *t, struct sysc *sc)
{
	uint64_t m = sc->args[4], size = sc->args[5];

	sc->args[4] = 0;
	return sigmask_call(t, sc, m, size, -EINTR);
}

/* pselect6 and io_pgetevents: the mask travels in a {mask, size} pair. */
static long sigmask_pair_call(struct task *t, struct sysc *sc, int arg, long intr)
{
	struct {
		uint64_t mask, size;
	} d;
	uint64_t sp = arch_stack_pointer(&sc->regs), addr;
	uint64_t nd[2];
	int r;

	if (copy_from_guest(t, &d, sc->args[arg], sizeof(d)))
		return -EFAULT;
	if (!d.mask)
		return SYSC_NATIVE;
	/* The host gets {NULL, size}, in memory the guest cannot change. */
	nd[0] = 0;
	nd[1] = d.size;
	if ((r = push_to_guest_stack(t, &sp, nd, sizeof(nd), &addr)) < 0)
		return r;
	sc->args[arg] = addr;
	return sigmask_call(t, sc, d.mask, d.size, intr);
}

long sys_io_pgetevents(struct task *t, struct sysc *sc)
{
	return sigmask_pair_call(t, sc, 5, -ERESTARTNOHAND);
}

long sys_pselect6(struct task *t, struct sysc *sc)
{
	return sigmask_pair_call(t, sc, 5, -ERESTARTNOHAND);
}

/*
 * arch_prctl(ARCH_REQ_XCOMP_PERM): the host grants AMX's tile data to the
 * process; its signal frames grow to hold it from then on (the kernel's
 * fpstate->user_size), until an exec.
 */
static void xcomp_perm_exit(struct task *t, struct sysc *sc)
{
	if (sc->ret == 0 && sc->args[1] < 64 &&
	    (arch_dynamic_xfeatures() & (1ULL << sc->args[1])))
		t->proc->xfeatures |= arch_dynamic_xfeatures();
}

long sys_arch_prctl(struct task *t, struct sysc *sc)
{
	(void)t;
	sc->on_exit = xcomp_perm_exit;
	return SYSC_NATIVE;
}
