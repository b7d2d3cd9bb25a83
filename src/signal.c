/*
 * Signal state and generation, as Linux's kernel/signal.c: handler tables,
 * pending sets and queues, send_signal(), parent notifications, and the
 * syscalls that read or change the state (rt_sigaction, rt_sigprocmask,
 * rt_sigpending, sigaltstack).
 *
 * Everything here is umk's own: the host's view of a guest thread is one
 * empty mask and default dispositions, for ever. Delivery (frames, default
 * actions, stops, restarts) is in signal_deliver.c; the calls that name a
 * target (kill and its relatives) in signal_kill.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include "umk/handlers.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#define SS_AUTODISARM (1U << 31)
#define SS_FLAG_BITS SS_AUTODISARM
#define KMINSIGSTKSZ 2048	/* the kernel's MINSIGSTKSZ for x86 */
/* The sa_flags Linux keeps (UAPI_SA_FLAGS for x86-64). */
#define UAPI_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
		       SA_NODEFER | SA_RESETHAND | 0x800 /* SA_EXPOSE_TAGBITS */ | ARCH_SA_RESTORER)

/* --- queues --------------------------------------------------------------- */

/* RLIMIT_SIGPENDING is counted per real uid, across all guests. */
struct uid_count {
	uid_t uid;
	long count;
	struct uid_count *next;
};
static struct uid_count *sigpending_counts;

static long *uid_counter(uid_t uid)
{
	struct uid_count *c;

	for (c = sigpending_counts; c; c = c->next)
		if (c->uid == uid)
			return &c->count;
	c = xcalloc(1, sizeof(*c));
	c->uid = uid;
	c->next = sigpending_counts;
	sigpending_counts = c;
	return &c->count;
}

void sigpending_init(struct sigpending *p)
{
	list_init(&p->list);
	p->signal = 0;
}

/* q is off its list: uncharge and free it. */
void sigqueue_release(struct sigqueue *q)
{
	if (q->charged)
		(*uid_counter(q->uid))--;
	free(q);
}

static void sigqueue_free(struct sigqueue *q)
{
	list_del(&q->list);
	sigqueue_release(q);
}

void sigpending_flush(struct sigpending *p)
{
	struct sigqueue *q, *n;

	list_for_each_entry_safe(q, n, &p->list, list)
		sigqueue_free(q);
	p->signal = 0;
}

/* Discard the signals of mask from a pending set (flush_sigqueue_mask). */
static void flush_sigqueue_mask(struct sigpending *p, uint64_t mask)
{
	struct sigqueue *q, *n;

	if (!(p->signal & mask))
		return;
	p->signal &= ~mask;
	list_for_each_entry_safe(q, n, &p->list, list)
		if (sigbit(q->info.si_signo) & mask)
			sigqueue_free(q);
}

static void flush_process_mask(struct process *p, uint64_t mask)
{
	struct task *t;

	flush_sigqueue_mask(&p->shared_pending, mask);
	list_for_each_entry(t, &p->threads, thread_node)
		flush_sigqueue_mask(&t->pending, mask);
}

/* The target's RLIMIT_SIGPENDING, as the host holds it for the guest. */
static rlim_t sigpending_limit(struct task *t)
{
	struct rlimit rl;

	if (prlimit(t->proc->host_tgid, RLIMIT_SIGPENDING, NULL, &rl) < 0)
		return RLIM_INFINITY;
	return rl.rlim_cur;
}

/* /proc/PID/status SigQ: signals queued for t's user, and its limit. */
int signal_queued(struct task *t)
{
	return (int)*uid_counter(t->cred.uid);
}

int signal_queue_limit(struct task *t)
{
	rlim_t l = sigpending_limit(t);

	return l == RLIM_INFINITY || l > 0x7fffffff ? -1 : (int)l;
}

/* --- state lifecycle -------------------------------------------------------- */

static struct sighand *sighand_alloc(void)
{
	struct sighand *sh = xcalloc(1, sizeof(*sh));

	sh->refcount = 1;
	return sh;
}

static void sighand_put(struct sighand *sh)
{
	if (sh && --sh->refcount == 0)
		free(sh);
}

void signal_init_first(struct task *t, uint64_t blocked, uint64_t ignored)
{
	struct process *p = t->proc;

	p->sighand = sighand_alloc();
	sigpending_init(&p->shared_pending);
	sigpending_init(&t->pending);
	p->xfeatures = arch_default_xfeatures();
	/* What umk itself inherited: a mask and ignored signals (nohup). */
	t->blocked = blocked & ~SIG_KERNEL_ONLY_MASK;
	for (int s = 1; s <= UMK_NSIG; s++)
		if ((ignored & sigbit(s)) && !(SIG_KERNEL_ONLY_MASK & sigbit(s)))
			p->sighand->action[s - 1].handler = KSIG_IGN;
	t->stop_nr = -1;
}

void signal_fork(struct task *creator, struct task *t, uint64_t flags)
{
	struct process *cp = creator->proc, *p = t->proc;

	sigpending_init(&t->pending);
	t->blocked = creator->blocked;
	t->stop_nr = -1;
	/* A thread sharing the memory gets no alternate stack (copy_process). */
	if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM)
		t->sas = creator->sas;
	t->fault_trapno = creator->fault_trapno;
	t->fault_err = creator->fault_err;
	t->fault_addr = creator->fault_addr;
	if (flags & CLONE_THREAD)
		return;
	sigpending_init(&p->shared_pending);
	p->xfeatures = cp->xfeatures;
	if (flags & CLONE_SIGHAND) {
		p->sighand = cp->sighand;
		p->sighand->refcount++;
		return;
	}
	p->sighand = sighand_alloc();
	memcpy(p->sighand->action, cp->sighand->action, sizeof(p->sighand->action));
	if (flags & 0x100000000ULL /* CLONE_CLEAR_SIGHAND */)
		for (int s = 0; s < UMK_NSIG; s++)
			if (p->sighand->action[s].handler != KSIG_IGN)
				memset(&p->sighand->action[s], 0, sizeof(p->sighand->action[s]));
}

void signal_task_free(struct task *t)
{
	signal_forget_wakeup(t);
	sigpending_flush(&t->pending);
}

void signal_process_free(struct process *p)
{
	signalfd_process_gone(p);
	free(p->timer_ov);
	p->timer_ov = NULL;
	p->nr_timer_ov = 0;
	sigpending_flush(&p->shared_pending);
	sighand_put(p->sighand);
	p->sighand = NULL;
}

/* flush_signal_handlers(), and de_thread()'s unsharing of the table. */
void signal_exec(struct task *t)
{
	struct process *p = t->proc;

	if (p->sighand->refcount > 1) {
		struct sighand *sh = sighand_alloc();

		memcpy(sh->action, p->sighand->action, sizeof(sh->action));
		sighand_put(p->sighand);
		p->sighand = sh;
	}
	for (int s = 0; s < UMK_NSIG; s++) {
		struct arch_sigaction *ka = &p->sighand->action[s];

		if (ka->handler != KSIG_IGN)
			ka->handler = KSIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	memset(&t->sas, 0, sizeof(t->sas));
	p->xfeatures = arch_default_xfeatures();
	p->nr_timer_ov = 0;	/* exec deletes the timers */
}

/* A timer's signal is delivered: timer_getoverrun() reports its overrun. */
void signal_timer_delivered(struct process *p, const siginfo_t *si)
{
	size_t i;

	for (i = 0; i < p->nr_timer_ov; i++)
		if (p->timer_ov[i].id == si->si_timerid)
			break;
	if (i == p->nr_timer_ov) {
		if (array_reserve(&p->timer_ov, &p->nr_timer_ov_cap, p->nr_timer_ov,
				  sizeof(*p->timer_ov)))
			return;
		p->timer_ov[p->nr_timer_ov++].id = si->si_timerid;
	}
	p->timer_ov[i].overrun = si->si_overrun;
}

/* timer_getoverrun() ran on the host (which checked the id): umk's count. */
static void getoverrun_exit(struct task *t, struct sysc *sc)
{
	struct process *p = t->proc;

	if (sc->ret < 0)
		return;
	sc->ret = 0;
	for (size_t i = 0; i < p->nr_timer_ov; i++)
		if (p->timer_ov[i].id == (int)sc->args[0])
			sc->ret = p->timer_ov[i].overrun;
}

/*
 * A timer re-armed or deleted loses the signal it still has pending (Linux
 * 6.13 and later): the signal stays pending (sigpending shows it) and is
 * dropped when it is dequeued. umk holds it, so umk marks it here; the
 * host does the same with the signals it still holds.
 */
static void flush_timer_queue(struct sigpending *pend, int id)
{
	struct sigqueue *q;

	list_for_each_entry(q, &pend->list, list)
		if (q->info.si_code == SI_TIMER && q->info.si_timerid == id)
			q->stale = true;
}

static void flush_timer_signal(struct process *p, int id)
{
	struct task *t;

	flush_timer_queue(&p->shared_pending, id);
	list_for_each_entry(t, &p->threads, thread_node)
		flush_timer_queue(&t->pending, id);
}

long sys_timer_settime(struct task *t, struct sysc *sc)
{
	struct {
		struct timespec interval, value;
	} its;

	/* A call that fails leaves the timer (and its signal) as it is. */
	if (copy_from_guest(t, &its, sc->args[2], sizeof(its)) == 0 &&
	    its.value.tv_nsec >= 0 && its.value.tv_nsec < 1000000000L &&
	    its.interval.tv_nsec >= 0 && its.interval.tv_nsec < 1000000000L &&
	    its.value.tv_sec >= 0 && its.interval.tv_sec >= 0)
		flush_timer_signal(t->proc, (int)sc->args[0]);
	return SYSC_NATIVE;
}

long sys_timer_delete(struct task *t, struct sysc *sc)
{
	flush_timer_signal(t->proc, (int)sc->args[0]);
	return SYSC_NATIVE;
}

long sys_timer_getoverrun(struct task *t, struct sysc *sc)
{
	(void)t;
	sc->on_exit = getoverrun_exit;
	return SYSC_NATIVE;
}

/* --- generation ------------------------------------------------------------- */

bool is_ns_init(const struct process *p)
{
	struct task *r = p->pid_ns->child_reaper;

	return r && r->proc == p;
}

static uint64_t handler_of(const struct process *p, int sig)
{
	return p->sighand->action[sig - 1].handler;
}

/* sig_handler_ignored(): SIG_IGN, or SIG_DFL whose default is to ignore. */
bool sig_handler_ignored(const struct process *p, int sig)
{
	uint64_t h = handler_of(p, sig);

	return h == KSIG_IGN || (h == KSIG_DFL && (SIG_KERNEL_IGNORE_MASK & sigbit(sig)));
}

/* sig_task_ignored(): a namespace's init drops what it does not handle. */
static bool sig_task_ignored(struct task *t, int sig, int how)
{
	struct process *p = t->proc;
	bool force = how & SEND_FORCE;

	/* A fault kills even an init (force_sig_info_to_task() drops
	 * SIGNAL_UNKILLABLE). */
	if (!(how & (SEND_FAULT | SEND_OUTSIDE)) && is_ns_init(p) && handler_of(p, sig) == KSIG_DFL &&
	    !(force && (SIG_KERNEL_ONLY_MASK & sigbit(sig))))
		return true;
	return sig_handler_ignored(p, sig);
}

static bool sig_ignored(struct task *t, int sig, int how)
{
	/* A blocked signal is queued even if ignored: the handler may change
	 * before it is unblocked. */
	if ((t->blocked | t->real_blocked) & sigbit(sig))
		return false;
	return sig_task_ignored(t, sig, how);
}

static bool task_alive(const struct task *t)
{
	return t->state != TASK_DEAD && !t->exit_event_seen;
}

/* Continue a stopped group (SIGCONT's side effect, prepare_signal()). */
static void do_continue(struct process *p)
{
	int why = 0;
	struct task *t;

	if (p->stop_signal)
		why = CLD_CONTINUED;
	else if (p->group_stop_sig)
		why = CLD_STOPPED;
	if (!why)
		return;
	p->group_stop_sig = 0;
	p->stop_signal = 0;
	p->notify_stopped = false;
	p->notify_continued = true;
	list_for_each_entry(t, &p->threads, thread_node)
		t->jobctl_stop = false;
	notify_parent_cldstop(p, why);
}

/* Resume the threads a SIGCONT woke (after the signal is queued, so that a
 * SIGCONT handler runs at once). */
static void wake_stopped(struct process *p)
{
	struct task *t, *n;

	list_for_each_entry_safe(t, n, &p->threads, thread_node)
		if (t->state == TASK_STOPPED && !p->group_stop_sig)
			signal_resume(t);
}

/* prepare_signal(): job-control side effects; false when sig is dropped. */
static bool prepare_signal(int sig, struct task *t, int how, bool *woke)
{
	struct process *p = t->proc;

	if (p->state != PROC_ALIVE || p->group_exit)
		return sig == SIGKILL && p->state == PROC_ALIVE;
	if (SIG_KERNEL_STOP_MASK & sigbit(sig)) {
		flush_process_mask(p, sigbit(SIGCONT));
	} else if (sig == SIGCONT) {
		flush_process_mask(p, SIG_KERNEL_STOP_MASK);
		if (p->stop_signal || p->group_stop_sig) {
			do_continue(p);
			*woke = true;
		}
	}
	return !sig_ignored(t, sig, how);
}

static bool wants_signal(int sig, struct task *t)
{
	if (t->blocked & sigbit(sig))
		return false;
	if (!task_alive(t))
		return false;
	return sig == SIGKILL || t->state != TASK_STOPPED;
}

void do_group_exit_signal(struct process *p, int status)
{
	if (p->group_exit || p->state != PROC_ALIVE)
		return;
	p->group_exit = true;
	p->group_exit_code = status;
	/* The host ends every thread; umk reports status, not SIGKILL. */
	kill(p->host_tgid, SIGKILL);
}

/* complete_signal(): pick a thread to take it and make it notice. */
static void complete_signal(int sig, struct task *t, bool group)
{
	struct process *p = t->proc;
	struct task *o;

	if (!wants_signal(sig, t)) {
		if (!group)
			return;
		t = NULL;
		list_for_each_entry(o, &p->threads, thread_node)
			if (wants_signal(sig, o)) {
				t = o;
				break;
			}
		if (!t)
			return;	/* a thread will find it when it unblocks it */
	}
	/* A fatal signal takes the whole group down at once (no core dump:
	 * those go through the thread that dequeues them). */
	if (handler_of(p, sig) == KSIG_DFL &&
	    !((SIG_KERNEL_IGNORE_MASK | SIG_KERNEL_STOP_MASK) & sigbit(sig)) &&
	    !(t->real_blocked & sigbit(sig)) && !(SIG_KERNEL_COREDUMP_MASK & sigbit(sig))) {
		do_group_exit_signal(p, sig);
		return;
	}
	signal_wake_up(t);
}

int send_signal(int sig, const siginfo_t *info, struct task *t, bool group, int how)
{
	struct process *p = t->proc;
	struct sigpending *pend = group ? &p->shared_pending : &t->pending;
	bool woke = false, override;
	struct sigqueue *q = NULL;
	int ret = 0;

	if (sig < 1 || sig > UMK_NSIG)
		return -EINVAL;
	if (!prepare_signal(sig, t, how, &woke))
		goto out;
	if (sig == SIGKILL) {
		do_group_exit_signal(p, SIGKILL);
		goto out;
	}
	/* A POSIX timer has one signal queued at most: a later expiry counts
	 * as an overrun of the one pending (the host cannot see that umk still
	 * holds it). */
	if (info->si_code == SI_TIMER && (pend->signal & sigbit(sig))) {
		list_for_each_entry(q, &pend->list, list)
			if (q->info.si_signo == sig && q->info.si_code == SI_TIMER &&
			    q->info.si_timerid == info->si_timerid && !q->stale) {
				q->info.si_overrun += 1 + info->si_overrun;
				q = NULL;
				goto out;
			}
		q = NULL;
	}
	/* Standard signals do not queue: one pending is all there is. */
	if (sig < SIGRTMIN && (pend->signal & sigbit(sig)))
		goto out;
	/* kill() and the kernel may exceed RLIMIT_SIGPENDING with a standard
	 * signal; a real-time one over it keeps only its pending bit. */
	override = info->si_code >= 0 && sig < SIGRTMIN;
	{
		uid_t uid = t->cred.uid;
		long *count = uid_counter(uid);

		if (override || (rlim_t)*count < sigpending_limit(t)) {
			q = xcalloc(1, sizeof(*q));
			q->info = *info;
			q->info.si_signo = sig;
			q->uid = uid;
			q->charged = true;
			(*count)++;
			list_add_tail(&q->list, &pend->list);
		} else if (sig >= SIGRTMIN && info->si_code != SI_USER) {
			ret = -EAGAIN;
			goto out;
		}
		/* else: the signal is sent without its information, as Linux */
	}
	if (q && (how & SEND_OUTSIDE))
		q->outside = true;
	pend->signal |= sigbit(sig);
	complete_signal(sig, t, group);
	if (signalfd_any(p))
		signalfd_flush(p);
out:
	if (woke)
		wake_stopped(p);
	return ret;
}

void force_sig_info(struct task *t, const siginfo_t *info)
{
	struct process *p = t->proc;
	int sig = info->si_signo;
	struct arch_sigaction *ka = &p->sighand->action[sig - 1];
	bool blocked = (t->blocked & sigbit(sig)) != 0;

	/* A fault that cannot be handled kills: undo the block or the ignore. */
	if (blocked || ka->handler == KSIG_IGN) {
		ka->handler = KSIG_DFL;
		if (blocked)
			t->blocked &= ~sigbit(sig);
	}
	send_signal(sig, info, t, false, SEND_FORCE | SEND_FAULT);
}

void signal_info_user(siginfo_t *si, int sig, int code, struct task *sender, struct task *t)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = code;
	if (sender) {
		si->si_pid = task_tgid_nr_ns(sender, task_active_pid_ns(t));
		si->si_uid = sender->cred.uid;
	}
}

bool signal_pending(const struct task *t)
{
	const struct process *p = t->proc;

	if (p->group_exit || (p->group_stop_sig && t->jobctl_stop))
		return true;
	return ((t->pending.signal | p->shared_pending.signal) & ~t->blocked) != 0;
}

/* --- parent notifications ------------------------------------------------------ */

static long ticks(const struct timeval *tv)
{
	return tv->tv_sec * 100 + tv->tv_usec / 10000;
}

void notify_parent_cldstop(struct process *p, int why)
{
	struct process *parent = p->parent;
	struct arch_sigaction *ka;
	siginfo_t si;

	if (!parent || parent->state != PROC_ALIVE)
		return;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = why;
	si.si_pid = process_tgid_nr_ns(p, parent->pid_ns);
	si.si_uid = p->leader->cred.uid;
	si.si_status = why == CLD_CONTINUED ? SIGCONT : p->stop_signal ? p->stop_signal
								      : p->group_stop_sig;
	ka = &parent->sighand->action[SIGCHLD - 1];
	if (ka->handler != KSIG_IGN && !(ka->flags & SA_NOCLDSTOP))
		send_signal(SIGCHLD, &si, parent->leader, true, 0);
	wake_up_all(&parent->wait_chldexit);
}

bool do_notify_parent(struct process *p, int sig)
{
	struct process *parent = p->parent;
	struct arch_sigaction *ka;
	bool autoreap = false;
	int st = p->exit_status;
	siginfo_t si;

	if (!parent || parent->state != PROC_ALIVE)
		return true;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_pid = process_tgid_nr_ns(p, parent->pid_ns);
	si.si_uid = p->leader->cred.uid;
	si.si_utime = ticks(&p->ru_self.ru_utime);
	si.si_stime = ticks(&p->ru_self.ru_stime);
	if (st & 0x80) {
		si.si_code = CLD_DUMPED;
		si.si_status = st & 0x7f;
	} else if (st & 0x7f) {
		si.si_code = CLD_KILLED;
		si.si_status = st & 0x7f;
	} else {
		si.si_code = CLD_EXITED;
		si.si_status = (st >> 8) & 0xff;
	}
	ka = &parent->sighand->action[SIGCHLD - 1];
	if (sig == SIGCHLD && (ka->handler == KSIG_IGN || (ka->flags & SA_NOCLDWAIT))) {
		/* The parent does not care: the child is reaped at once. */
		autoreap = true;
		if (ka->handler == KSIG_IGN)
			sig = 0;
	}
	if (sig > 0 && sig <= UMK_NSIG)
		send_signal(sig, &si, parent->leader, true, 0);
	wake_up_all(&parent->wait_chldexit);
	return autoreap;
}

/* --- syscalls on the state ---------------------------------------------------------- */

long sys_rt_sigaction(struct task *t, struct sysc *sc)
{
	int sig = (int)sc->args[0];
	struct arch_sigaction act, old, *k;
	struct process *p = t->proc;

	if (sc->args[3] != 8)
		return -EINVAL;
	if (sc->args[1] && copy_from_guest(t, &act, sc->args[1], sizeof(act)))
		return -EFAULT;
	if (sig < 1 || sig > UMK_NSIG || (sc->args[1] && (SIG_KERNEL_ONLY_MASK & sigbit(sig))))
		return -EINVAL;
	k = &p->sighand->action[sig - 1];
	old = *k;
	old.flags &= UAPI_SA_FLAGS;
	if (sc->args[1]) {
		act.flags &= UAPI_SA_FLAGS;
		act.mask &= ~SIG_KERNEL_ONLY_MASK;
		*k = act;
		/* POSIX: ignoring a pending signal discards it, blocked or not. */
		if (sig_handler_ignored(p, sig)) {
			struct task *o;

			flush_sigqueue_mask(&p->shared_pending, sigbit(sig));
			list_for_each_entry(o, &p->threads, thread_node)
				flush_sigqueue_mask(&o->pending, sigbit(sig));
		}
	}
	if (sc->args[2] && copy_to_guest(t, sc->args[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/*
 * Linux's __set_task_blocked(): shared signals this thread now blocks go to
 * a thread that does not (retarget_shared_pending).
 */
void set_current_blocked(struct task *t, uint64_t mask)
{
	struct process *p = t->proc;
	uint64_t newly = mask & ~t->blocked & p->shared_pending.signal;

	t->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	if (signalfd_any(p))
		signalfd_flush(p);
	if (!newly)
		return;
	for (int s = 1; s <= UMK_NSIG; s++) {
		struct task *o;

		if (!(newly & sigbit(s)))
			continue;
		list_for_each_entry(o, &p->threads, thread_node)
			if (o != t && wants_signal(s, o)) {
				signal_wake_up(o);
				break;
			}
	}
}

long sys_rt_sigprocmask(struct task *t, struct sysc *sc)
{
	int how = (int)sc->args[0];
	uint64_t set, old = t->blocked;

	if (sc->args[3] != 8)
		return -EINVAL;
	if (sc->args[1]) {
		if (copy_from_guest(t, &set, sc->args[1], 8))
			return -EFAULT;
		set &= ~SIG_KERNEL_ONLY_MASK;
		switch (how) {
		case SIG_BLOCK:
			set_current_blocked(t, old | set);
			break;
		case SIG_UNBLOCK:
			set_current_blocked(t, old & ~set);
			break;
		case SIG_SETMASK:
			set_current_blocked(t, set);
			break;
		default:
			return -EINVAL;
		}
	}
	if (sc->args[2] && copy_to_guest(t, sc->args[2], &old, 8))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(struct task *t, struct sysc *sc)
{
	uint64_t set = (t->pending.signal | t->proc->shared_pending.signal) & t->blocked;
	size_t n = (size_t)sc->args[1];

	if (n > 8)
		return -EINVAL;
	if (copy_to_guest(t, sc->args[0], &set, n))
		return -EFAULT;
	return 0;
}

/* do_sigaltstack(): sp is where the thread runs now. */
int do_sigaltstack(struct task *t, const struct arch_sigaltstack *ss, struct arch_sigaltstack *oss,
		   uint64_t sp)
{
	struct arch_sigaltstack *cur = &t->sas;
	bool on = !(cur->flags & SS_AUTODISARM) && arch_on_sig_stack(cur, sp);

	if (oss) {
		oss->sp = cur->sp;
		oss->size = cur->size;
		oss->flags = (!cur->size ? SS_DISABLE : on ? SS_ONSTACK : 0) |
			     (cur->flags & SS_FLAG_BITS);
	}
	if (ss) {
		uint32_t mode = ss->flags & ~SS_FLAG_BITS;
		struct arch_sigaltstack n = *ss;

		if (on)
			return -EPERM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (cur->sp == ss->sp && cur->size == ss->size && cur->flags == ss->flags)
			return 0;
		if (mode == SS_DISABLE) {
			n.size = 0;
			n.sp = 0;
		} else if (n.size < KMINSIGSTKSZ) {
			return -ENOMEM;
		}
		*cur = n;
	}
	return 0;
}

/* stack_t as the ABI has it: pointer, int flags (padded), size. */
struct ustack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

long sys_sigaltstack(struct task *t, struct sysc *sc)
{
	struct arch_sigaltstack ss, oss;
	struct ustack u;
	int r;

	if (sc->args[0]) {
		if (copy_from_guest(t, &u, sc->args[0], sizeof(u)))
			return -EFAULT;
		ss.sp = u.ss_sp;
		ss.size = u.ss_size;
		ss.flags = (uint32_t)u.ss_flags;
	}
	r = do_sigaltstack(t, sc->args[0] ? &ss : NULL, &oss, arch_stack_pointer(&sc->regs));
	if (r == 0 && sc->args[1]) {
		memset(&u, 0, sizeof(u));
		u.ss_sp = oss.sp;
		u.ss_size = oss.size;
		u.ss_flags = (int32_t)oss.flags;
		if (copy_to_guest(t, sc->args[1], &u, sizeof(u)))
			return -EFAULT;
	}
	return r;
}
