/*
 * Signals, foundation version: umk translates every signal a guest sends
 * (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo) from guest pids to
 * host pids and checks it as Linux does; the host then delivers it. The
 * signals issue moves pending sets, dispositions and frames into umk.
 *
 * Two Linux rules need umk here already:
 *  - a pid namespace's init only receives, from inside its namespace, the
 *    signals it has a handler for (never SIGKILL/SIGSTOP);
 *  - a task sleeping in umk (wait4) must notice a signal: it is moved into a
 *    native interruptible sleep at once, where the host delivers the signal
 *    and restarts the call or fails it with EINTR, as SA_RESTART says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "umk/arch.h"
#include "umk/handlers.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#define NSIG_MAX 64

bool sig_in(uint64_t set, int sig)
{
	return sig >= 1 && sig <= 64 && (set >> (sig - 1)) & 1;
}

int process_sigstate(const struct process *p, struct sigstate *s)
{
	char path[64], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", p->host_tgid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	memset(s, 0, sizeof(*s));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "SigBlk: %llx", &v) == 1)
			s->blocked = v, found++;
		else if (sscanf(line, "SigIgn: %llx", &v) == 1)
			s->ignored = v, found++;
		else if (sscanf(line, "SigCgt: %llx", &v) == 1)
			s->caught = v, found++;
	}
	fclose(f);
	return found == 3 ? 0 : -ESRCH;
}

/* Signals whose default action is to do nothing. */
static bool sig_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

/*
 * A task held in umk (sleeping in wait4) cannot take a signal: let it sleep
 * natively now, where the pending signal ends the sleep and the host applies
 * Linux's restart rules (see syscall_sleep_native).
 */
static void interrupt_sleeper(struct task *t)
{
	if (t->state == TASK_SLEEPING)
		syscall_sleep_native(t);
}

int send_thread_signal(struct task *t, int sig)
{
	if (syscall(SYS_tgkill, t->proc->host_tgid, t->host_tid, sig) < 0)
		return -errno;
	if (sig)
		interrupt_sleeper(t);
	return 0;
}

int send_process_signal(struct process *p, int sig)
{
	struct task *t;

	if (kill(p->host_tgid, sig) < 0)
		return -errno;
	if (sig)
		list_for_each_entry(t, &p->threads, thread_node)
			interrupt_sleeper(t);
	return 0;
}

void notify_parent(struct process *p, int sig)
{
	struct process *parent = p->parent;
	struct sigstate s;

	if (!parent || parent->state != PROC_ALIVE)
		return;
	wake_up_all(&parent->wait_chldexit);
	if (!sig || process_sigstate(parent, &s))
		return;
	if (sig_in(s.caught, sig) ||
	    (!sig_in(s.ignored, sig) && !sig_default_ignored(sig)))
		send_process_signal(parent, sig);
}

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

/* Is sender inside the namespace p is init of (or below it)? */
static bool from_inside(struct task *sender, const struct process *p)
{
	const struct pid_namespace *ns = task_active_pid_ns(sender);

	for (; ns; ns = ns->parent)
		if (ns == p->pid_ns)
			return true;
	return false;
}

/*
 * A namespace's init only gets the signals it handles (sig_task_ignored() with
 * SIGNAL_UNKILLABLE); SIGKILL and SIGSTOP are dropped from inside its
 * namespace and forced from an ancestor one (pid_namespaces(7)).
 * True: the signal is silently dropped.
 */
static bool init_drops(struct task *sender, struct process *p, int sig)
{
	struct sigstate s;

	if (!is_ns_init(p))
		return false;
	if (sig == SIGKILL || sig == SIGSTOP)
		return from_inside(sender, p);
	return process_sigstate(p, &s) == 0 && !sig_in(s.caught, sig);
}

static int group_send(struct task *t, struct process *p, int sig)
{
	int r;

	if (p->state != PROC_ALIVE)
		return p->state == PROC_ZOMBIE ? check_kill_permission(t, p, sig) : -ESRCH;
	r = check_kill_permission(t, p, sig);
	if (r || !sig || init_drops(t, p, sig))
		return r;
	r = send_process_signal(p, sig);
	return r == -ESRCH ? 0 : r;	/* it is dying: as if delivered */
}

static bool valid_signal(long sig)
{
	return sig >= 0 && sig <= NSIG_MAX;
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
		return group_send(t, pr, sig);
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
			r = group_send(t, pr, sig);
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

			if (pr->state != PROC_ALIVE)
				continue;
			r = group_send(t, pr, sig);
			success |= !r;
			ret = r;
		}
		return success ? 0 : ret;
	}
}

static long thread_kill(struct task *t, pid_t tgid, pid_t tid, int sig)
{
	struct task *target;
	int r;

	if (tid <= 0 || (tgid != -1 && tgid <= 0) || !valid_signal(sig))
		return -EINVAL;
	target = find_task_ns(tid, task_active_pid_ns(t));
	if (!target || (tgid > 0 && task_tgid_nr_ns(target, task_active_pid_ns(t)) != tgid))
		return -ESRCH;
	r = check_kill_permission(t, target->proc, sig);
	if (r || !sig || init_drops(t, target->proc, sig))
		return r;
	r = send_thread_signal(target, sig);
	return r == -ESRCH ? 0 : r;
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
 * only be sent si_code < 0 (and not SI_TKILL), as Linux; to itself, anything,
 * so that case runs natively in the sender against its own host ids.
 */
static long do_sigqueue(struct task *t, struct sysc *sc, pid_t tgid, pid_t tid, int sig,
		     uint64_t uinfo)
{
	struct pid_namespace *ns = task_active_pid_ns(t);
	siginfo_t info;
	struct process *pr;
	struct task *th = NULL;
	int r;

	if (!valid_signal(sig) || sig == 0)
		return sig == 0 ? 0 : -EINVAL;
	if (copy_from_guest(t, &info, uinfo, sizeof(info)))
		return -EFAULT;
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
	if (r || init_drops(t, pr, sig))
		return r;
	if (pr == t->proc) {
		sc->args[0] = pr->host_tgid;
		if (th)
			sc->args[1] = th->host_tid;
		sc->args_dirty = true;
		return SYSC_NATIVE;
	}
	info.si_signo = sig;
	if (th)
		r = syscall(SYS_rt_tgsigqueueinfo, pr->host_tgid, th->host_tid, sig, &info);
	else
		r = syscall(SYS_rt_sigqueueinfo, pr->host_tgid, sig, &info);
	if (r < 0)
		return errno == ESRCH ? 0 : -errno;
	if (th)
		interrupt_sleeper(th);
	else
		list_for_each_entry(th, &pr->threads, thread_node)
			interrupt_sleeper(th);
	return 0;
}

long sys_rt_sigqueueinfo(struct task *t, struct sysc *sc)
{
	return do_sigqueue(t, sc, (pid_t)sc->args[0], 0, (int)sc->args[1], sc->args[2]);
}

long sys_rt_tgsigqueueinfo(struct task *t, struct sysc *sc)
{
	if ((pid_t)sc->args[0] <= 0 || (pid_t)sc->args[1] <= 0)
		return -EINVAL;
	return do_sigqueue(t, sc, (pid_t)sc->args[0], (pid_t)sc->args[1], (int)sc->args[2],
			sc->args[3]);
}
