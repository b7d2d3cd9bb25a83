/*
 * The calls that send a signal to a named target: kill, tkill, tgkill,
 * rt_sigqueueinfo, rt_tgsigqueueinfo (Linux's kill_something_info(),
 * do_tkill(), do_rt_sigqueueinfo()). Targets are guest pids; permission is
 * checked with the guest's credentials; the signal is queued by umk
 * (send_signal), never by the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <linux/capability.h>
#include "umk/handlers.h"
#include "umk/pidfd.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

/* kill_ok_by_cred() with the guest's credentials; SIGCONT within a session. */
static int check_kill_permission(struct task *t, struct process *p, int sig)
{
	const struct cred *c = &t->cred, *tc = &p->leader->cred;

	if (t->proc == p)
		return 0;
	if (c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid ||
	    c->uid == tc->uid || cred_capable(c, CAP_KILL))
		return 0;
	if (sig == SIGCONT && p->session == t->proc->session)
		return 0;
	return -EPERM;
}

/* From an ancestor namespace (the target cannot see the sender): SIGKILL
 * and SIGSTOP then reach a namespace's init (send_signal_locked()). */
static int send_how(struct task *sender, struct task *target)
{
	return task_tgid_nr_ns(sender, task_active_pid_ns(target)) ? 0 : SEND_FORCE;
}

static int group_send(struct task *t, struct process *p, int sig, int code)
{
	siginfo_t si;
	int r;

	if (p->state != PROC_ALIVE)
		return p->state == PROC_ZOMBIE ? check_kill_permission(t, p, sig) : -ESRCH;
	r = check_kill_permission(t, p, sig);
	if (r || !sig)
		return r;
	signal_info_user(&si, sig, code, t, p->leader);
	return send_signal(sig, &si, p->leader, true, send_how(t, p->leader));
}

static bool valid_signal(long sig)
{
	return sig >= 0 && sig <= UMK_NSIG;
}

/* kill(pid, sig): pid > 0 one process, 0 own group, -1 everyone visible, < -1 a group. */
long sys_kill(struct task *t, struct sysc *sc)
{
	int pid = (int)sc->args[0];
	int sig = (int)sc->args[1];
	struct pid_namespace *ns = task_active_pid_ns(t);

	if (!valid_signal(sig))
		return -EINVAL;
	if (pid > 0) {
		struct pid *p = find_pid_ns(pid, ns);
		struct process *pr = pid_process(p, PIDTYPE_TGID);

		if (!pr) {
			/* A thread id also names its thread group for kill(). */
			struct task *th = pid_task(p);

			pr = th ? th->proc : NULL;
		}
		if (!pr || pr->state == PROC_DEAD)
			return -ESRCH;
		return group_send(t, pr, sig, SI_USER);
	}
	if (pid == -1) {
		/* Every process the caller can see, except its init and itself. */
		int count = 0, ret = 0;

		for (int nr = 2; nr < ns->pid_max && count < kernel.nr_processes; nr++) {
			struct process *pr = find_process_ns(nr, ns);
			int r;

			/* Only the caller's own namespace init is spared, as Linux. */
			if (!pr || pr == t->proc || pr->state != PROC_ALIVE ||
			    process_tgid_nr_ns(pr, ns) != nr ||
			    (ns->child_reaper && pr == ns->child_reaper->proc))
				continue;
			r = group_send(t, pr, sig, SI_USER);
			count++;
			if (r != -EPERM)
				ret = r;
		}
		return count ? ret : -ESRCH;
	}
	/* A process group: kill(0) is the caller's, kill(-N) is group N. */
	{
		struct pid *pg = pid == 0 ? t->proc->pgrp
				 : (pid == INT_MIN ? NULL : find_pid_ns(-pid, ns));
		struct process *pr;
		int ret = -ESRCH, success = 0;

		if (!pg)
			return -ESRCH;
		list_for_each_entry(pr, &pg->tasks[PIDTYPE_PGID], pgrp_node) {
			int r;

			/* A zombie still belongs to its group (its signal is lost). */
			if (pr->state == PROC_DEAD)
				continue;
			r = group_send(t, pr, sig, SI_USER);
			success |= !r;
			ret = r;
		}
		return success ? 0 : ret;
	}
}

static long thread_kill(struct task *t, pid_t tgid, pid_t tid, int sig)
{
	struct task *target;
	siginfo_t si;
	int r;

	if (tid <= 0 || (tgid != -1 && tgid <= 0) || !valid_signal(sig))
		return -EINVAL;
	target = find_task_ns(tid, task_active_pid_ns(t));
	if (!target || (tgid > 0 && task_tgid_nr_ns(target, task_active_pid_ns(t)) != tgid))
		return -ESRCH;
	r = check_kill_permission(t, target->proc, sig);
	if (r || !sig)
		return r;
	signal_info_user(&si, sig, SI_TKILL, t, target);
	return send_signal(sig, &si, target, false, send_how(t, target));
}

long sys_tkill(struct task *t, struct sysc *sc)
{
	return thread_kill(t, -1, (pid_t)sc->args[0], (int)sc->args[1]);
}

long sys_tgkill(struct task *t, struct sysc *sc)
{
	return thread_kill(t, (pid_t)sc->args[0], (pid_t)sc->args[1], (int)sc->args[2]);
}

/*
 * rt_(tg)sigqueueinfo: the guest's siginfo is passed on. Another process may
 * only be sent si_code < 0 (and not SI_TKILL), as Linux.
 */
static long do_sigqueue(struct task *t, pid_t tgid, pid_t tid, int sig, uint64_t uinfo)
{
	struct pid_namespace *ns = task_active_pid_ns(t);
	siginfo_t info;
	struct process *pr;
	struct task *th = NULL;
	int r;

	if (copy_from_guest(t, &info, uinfo, sizeof(info)))
		return -EFAULT;
	if (!valid_signal(sig))
		return -EINVAL;
	if (tid) {
		th = find_task_ns(tid, ns);
		if (!th || task_tgid_nr_ns(th, ns) != tgid)
			return -ESRCH;
		pr = th->proc;
	} else {
		pr = find_process_ns(tgid, ns);
		if (!pr || pr->state != PROC_ALIVE)
			return -ESRCH;
	}
	if ((info.si_code >= 0 || info.si_code == SI_TKILL) && pr != t->proc)
		return -EPERM;
	r = check_kill_permission(t, pr, sig);
	if (r || !sig)
		return r;
	info.si_signo = sig;
	if (th)
		return send_signal(sig, &info, th, false, send_how(t, th));
	return send_signal(sig, &info, pr->leader, true, send_how(t, pr->leader));
}

long sys_rt_sigqueueinfo(struct task *t, struct sysc *sc)
{
	return do_sigqueue(t, (pid_t)sc->args[0], 0, (int)sc->args[1], sc->args[2]);
}

long sys_rt_tgsigqueueinfo(struct task *t, struct sysc *sc)
{
	if ((pid_t)sc->args[0] <= 0 || (pid_t)sc->args[1] <= 0)
		return -EINVAL;
	return do_sigqueue(t, (pid_t)sc->args[0], (pid_t)sc->args[1], (int)sc->args[2],
			   sc->args[3]);
}

#define PIDFD_SIGNAL_THREAD (1U << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1U << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)

/*
 * pidfd_send_signal(pidfd, sig, info, flags): the process the pidfd names
 * (pidfd.c knows it even once the host process is gone), by default its
 * thread group; PIDFD_SIGNAL_* choose the thread or the process group.
 */
long sys_pidfd_send_signal(struct task *t, struct sysc *sc)
{
	int sig = (int)sc->args[1];
	unsigned flags = (unsigned)sc->args[3];
	struct process *pr;
	struct pid *pid;
	siginfo_t info;
	int err, r;

	if (sc->args[3] & ~(uint64_t)(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP |
				      PIDFD_SIGNAL_PROCESS_GROUP))
		return -EINVAL;
	if (__builtin_popcount(flags) > 1)
		return -EINVAL;
	pid = pidfd_lookup(t, (int)sc->args[0], &err);
	if (!pid)
		return err == -ECHILD ? -ESRCH : err;
	pr = pid_process(pid, PIDTYPE_TGID);
	if (sc->args[2]) {
		if (copy_from_guest(t, &info, sc->args[2], sizeof(info)))
			return -EFAULT;
		if (info.si_signo != sig)
			return -EINVAL;
		/* Only to itself may a process send any si_code. */
		if ((pr != t->proc || flags == PIDFD_SIGNAL_PROCESS_GROUP) &&
		    (info.si_code >= 0 || info.si_code == SI_TKILL))
			return -EPERM;
	}
	if (!valid_signal(sig))
		return -EINVAL;
	if (!pr || pr->state == PROC_DEAD)
		return -ESRCH;
	if (flags == PIDFD_SIGNAL_PROCESS_GROUP) {
		struct process *m;
		int ret = -ESRCH, success = 0;

		list_for_each_entry(m, &pr->pgrp->tasks[PIDTYPE_PGID], pgrp_node) {
			if (m->state != PROC_ALIVE)
				continue;
			r = group_send(t, m, sig, SI_USER);
			success |= !r;
			ret = r;
		}
		return success ? 0 : ret;
	}
	if (!sc->args[2])
		return flags == PIDFD_SIGNAL_THREAD ? thread_kill(t, -1, task_pid_nr_ns(pr->leader,
						       task_active_pid_ns(t)), sig)
						   : group_send(t, pr, sig, SI_USER);
	if (pr->state != PROC_ALIVE)
		return check_kill_permission(t, pr, sig);
	r = check_kill_permission(t, pr, sig);
	if (r || !sig)
		return r;
	info.si_signo = sig;
	return send_signal(sig, &info, pr->leader, flags != PIDFD_SIGNAL_THREAD,
			   send_how(t, pr->leader));
}
