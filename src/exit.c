/*
 * Thread and process death, reparenting, zombies and wait — as Linux's
 * kernel/exit.c (do_exit → exit_notify → forget_original_parent; do_wait).
 *
 * The host tells umk when each guest thread dies (umk is the tracer of all
 * of them; its wait reaps each, and the host parent, which ignores SIGCHLD
 * on the host, releases it at once, see fork.c); the guest's
 * view of the death — a zombie its guest parent can wait for, or a process
 * auto-reaped because that parent ignores SIGCHLD — is kept here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include "umk/exit.h"
#include "umk/mm.h"
#include "umk/handlers.h"
#include "umk/pidfd.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void ru_add(struct rusage *a, const struct rusage *b)
{
	timeradd(&a->ru_utime, &b->ru_utime, &a->ru_utime);
	timeradd(&a->ru_stime, &b->ru_stime, &a->ru_stime);
	if (b->ru_maxrss > a->ru_maxrss)
		a->ru_maxrss = b->ru_maxrss;
	a->ru_minflt += b->ru_minflt;
	a->ru_majflt += b->ru_majflt;
	a->ru_inblock += b->ru_inblock;
	a->ru_oublock += b->ru_oublock;
	a->ru_nvcsw += b->ru_nvcsw;
	a->ru_nivcsw += b->ru_nivcsw;
}

/* The parent reaps p (or p is auto-reaped): its pid numbers become free. */
static void release_process(struct process *p)
{
	if (p->parent) {
		ru_add(&p->parent->ru_children, &p->ru_self);
		ru_add(&p->parent->ru_children, &p->ru_children);
	}
	p->state = PROC_DEAD;
	pidfd_forget(p->tgid);
	if (kernel.init == p)
		return;	/* kept for umk's exit status */
	process_free(p);
}

/* find_new_reaper(): a live subreaper ancestor, else the namespace's init. */
static struct process *find_new_reaper(struct process *father)
{
	struct task *r = father->pid_ns->child_reaper;
	struct process *reaper = r ? r->proc : NULL;
	struct process *a;

	if (reaper == father)
		return father;	/* the init is dying: its children die with it */
	if (father->has_child_subreaper) {
		for (a = father->parent; a && a != reaper; a = a->parent) {
			if (a->pid_ns != father->pid_ns)
				break;
			if (a->is_child_subreaper && a->state == PROC_ALIVE)
				return a;
		}
	}
	return reaper;
}

/*
 * will_become_orphaned_pgrp(): no member of pgrp (but ignored, and the
 * dead) has a parent in another group of the same session. (Linux also
 * skips members whose parent is the global init: outside the guests.)
 */
static bool will_become_orphaned(struct pid *pgrp, struct process *ignored)
{
	struct process *m;

	list_for_each_entry(m, &pgrp->tasks[PIDTYPE_PGID], pgrp_node) {
		struct process *pp = m->parent;

		if (m == ignored || m->state != PROC_ALIVE || !pp || pp->state != PROC_ALIVE)
			continue;
		if (pp->pgrp != pgrp && pp->session == m->session)
			return false;
	}
	return true;
}

static bool has_stopped_jobs(struct pid *pgrp)
{
	struct process *m;

	list_for_each_entry(m, &pgrp->tasks[PIDTYPE_PGID], pgrp_node)
		if (m->state == PROC_ALIVE && m->stop_signal)
			return true;
	return false;
}

/*
 * kill_orphaned_pgrp() (POSIX 3.2.2.2): a process group that becomes
 * orphaned with stopped members gets SIGHUP, then SIGCONT. p leaves (its
 * parent was the group's last link outside), or p's parent, father, does.
 */
static void kill_orphaned_pgrp(struct process *p, struct process *father)
{
	struct pid *pgrp = p->pgrp;
	struct process *parent = father ? father : p->parent, *m, *n;
	struct process *ignored = father ? NULL : p;

	if (!parent || parent->pgrp == pgrp || parent->session != p->session ||
	    !will_become_orphaned(pgrp, ignored) || !has_stopped_jobs(pgrp))
		return;
	for (int sig = SIGHUP; sig; sig = sig == SIGHUP ? SIGCONT : 0)
		list_for_each_entry_safe(m, n, &pgrp->tasks[PIDTYPE_PGID], pgrp_node) {
			siginfo_t si;

			if (m->state != PROC_ALIVE)
				continue;
			signal_info_user(&si, sig, SI_KERNEL, NULL, m->leader);
			send_signal(sig, &si, m->leader, true, SEND_FORCE);
		}
}

static void forget_original_parent(struct process *father)
{
	struct process *c, *n;
	struct process *reaper = find_new_reaper(father);

	list_for_each_entry_safe(c, n, &father->children, sibling) {
		struct task *ct;

		list_for_each_entry(ct, &c->threads, thread_node)
			if (ct->pdeath_signal && ct->state != TASK_DEAD) {
				siginfo_t si;

				signal_info_user(&si, ct->pdeath_signal, SI_USER, father->leader, ct);
				send_signal(ct->pdeath_signal, &si, ct, true, 0);
			}
		if (reaper == father)
			continue;
		list_del(&c->sibling);
		c->parent = reaper;
		list_add_tail(&c->sibling, &reaper->children);
		c->exit_signal = SIGCHLD;	/* "we don't want people slaying init" */
		if (c->state == PROC_ZOMBIE && do_notify_parent(c, c->exit_signal))
			release_process(c);
		else
			kill_orphaned_pgrp(c, father);
	}
}

void zap_pid_ns(struct pid_namespace *ns)
{
	struct task *init = ns->child_reaper;
	unsigned h;

	ns->dying = true;
	(void)h;
	/* Every process with a number in ns dies, as zap_pid_ns_processes(). */
	for (int nr = 1; nr < ns->pid_max && ns->nr_allocated; nr++) {
		struct pid *pid = find_pid_ns(nr, ns);
		struct process *p = pid_process(pid, PIDTYPE_TGID);

		if (p && p->state == PROC_ALIVE && (!init || p != init->proc))
			kill(p->host_tgid, SIGKILL);
	}
}

/* The last thread of p is gone: p becomes a zombie for its parent. */
static void exit_notify(struct process *p)
{
	bool was_init = is_ns_init(p);

	/* Killed by a signal's default action: umk ended it with SIGKILL,
	 * the guest sees the signal (and the core flag). */
	if (p->group_exit)
		p->exit_status = p->group_exit_code;
	forget_original_parent(p);
	kill_orphaned_pgrp(p, NULL);
	p->state = PROC_ZOMBIE;
	if (was_init)
		zap_pid_ns(p->pid_ns);
	if (p == kernel.init) {
		kernel.init_exited = true;
		kernel.init_status = p->exit_status;
		return;
	}
	if (do_notify_parent(p, p->exit_signal))
		release_process(p);
}

void task_reaped(struct task *t, int status, const struct rusage *ru)
{
	struct process *p = t->proc;

	if (t->state == TASK_DEAD)
		return;
	t->state = TASK_DEAD;
	t->exit_code = status;
	task_unsleep(t);
	signal_thread_gone(t);
	task_hash_del(t);	/* the host may reuse the tid from now on */
	mm_detach_task(t);	/* its address space may go with it */
	if (t == p->leader) {
		p->exit_status = status;
		if (ru)
			p->ru_self = *ru;
	}
	if (--p->nr_threads > 0) {
		if (t != p->leader)
			task_free(t);
		return;
	}
	exit_notify(p);
}

/* --- wait4 / waitid --------------------------------------------------- */

struct wait_opts {
	int type;		/* P_ALL, P_PID, P_PGID */
	struct pid *pid;
	int options;
	bool waitid;
	/* result */
	pid_t pid_nr;
	int status;		/* wait4 status word */
	int code, cstatus;
	uid_t cuid;
	struct rusage ru;
};

static bool eligible(struct task *t, struct process *c, const struct wait_opts *wo)
{
	if (wo->type == P_PID && c->tgid != wo->pid)
		return false;
	if (wo->type == P_PGID && c->pgrp != wo->pid)
		return false;
	if ((wo->options & __WNOTHREAD) && c->leader->creator != t &&
	    c->leader->creator && c->leader->creator->proc == t->proc)
		return false;
	/* __WCLONE selects children that do not signal SIGCHLD; __WALL takes all. */
	if (((c->exit_signal != SIGCHLD) ^ !!(wo->options & __WCLONE)) &&
	    !(wo->options & __WALL))
		return false;
	return true;
}

static void fill_from_status(struct wait_opts *wo, int status)
{
	wo->status = status;
	if (WIFEXITED(status)) {
		wo->code = CLD_EXITED;
		wo->cstatus = WEXITSTATUS(status);
	} else {
		wo->code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
		wo->cstatus = WTERMSIG(status);
	}
}

/* One pass of do_wait(): > 0 found, 0 nothing yet, -ECHILD nothing to wait for. */
static int do_wait_pass(struct task *t, struct wait_opts *wo)
{
	struct pid_namespace *ns = task_active_pid_ns(t);
	struct process *c, *n;
	bool any = false;

	list_for_each_entry_safe(c, n, &t->proc->children, sibling) {
		if (c->state == PROC_DEAD || !eligible(t, c, wo))
			continue;
		any = true;
		wo->pid_nr = process_tgid_nr_ns(c, ns);
		wo->cuid = c->leader->cred.uid;
		if (c->state == PROC_ZOMBIE) {
			if (!(wo->options & WEXITED))
				continue;
			fill_from_status(wo, c->exit_status);
			wo->ru = c->ru_self;
			ru_add(&wo->ru, &c->ru_children);
			if (!(wo->options & WNOWAIT))
				release_process(c);
			return 1;
		}
		if ((wo->options & WSTOPPED) && c->notify_stopped && c->stop_signal) {
			wo->status = (c->stop_signal << 8) | 0x7f;
			wo->code = CLD_STOPPED;
			wo->cstatus = c->stop_signal;
			memset(&wo->ru, 0, sizeof(wo->ru));
			if (!(wo->options & WNOWAIT))
				c->notify_stopped = false;
			return 1;
		}
		if ((wo->options & WCONTINUED) && c->notify_continued) {
			wo->status = 0xffff;
			wo->code = CLD_CONTINUED;
			wo->cstatus = SIGCONT;
			memset(&wo->ru, 0, sizeof(wo->ru));
			if (!(wo->options & WNOWAIT))
				c->notify_continued = false;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

static long wait_common(struct task *t, struct sysc *sc, struct wait_opts *wo)
{
	int r = do_wait_pass(t, wo);

	if (r == 0 && !(wo->options & WNOHANG)) {
		task_sleep_on(t, &t->proc->wait_chldexit);
		return SYSC_SLEEP;
	}
	(void)sc;
	return r;
}

long sys_wait4(struct task *t, struct sysc *sc)
{
	int upid = (int)sc->args[0];
	int options = (int)sc->args[2];
	struct pid_namespace *ns = task_active_pid_ns(t);
	struct wait_opts wo = { 0 };
	long r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	/* -INT_MIN is undefined: Linux refuses it explicitly. */
	if (upid == INT_MIN)
		return -ESRCH;
	wo.options = options | WEXITED;
	if (upid == -1) {
		wo.type = P_ALL;
	} else if (upid < 0) {
		wo.type = P_PGID;
		wo.pid = find_pid_ns(-upid, ns);
	} else if (upid == 0) {
		wo.type = P_PGID;
		wo.pid = t->proc->pgrp;
	} else {
		wo.type = P_PID;
		wo.pid = find_pid_ns(upid, ns);
	}
	if (wo.type != P_ALL && !wo.pid)
		return -ECHILD;
	r = wait_common(t, sc, &wo);
	if (r <= 0)
		return r;
	if (sc->args[1] && copy_to_guest(t, sc->args[1], &wo.status, sizeof(int)))
		return -EFAULT;
	if (sc->args[3] && copy_to_guest(t, sc->args[3], &wo.ru, sizeof(wo.ru)))
		return -EFAULT;
	return wo.pid_nr;
}

long sys_waitid(struct task *t, struct sysc *sc)
{
	int which = (int)sc->args[0];
	pid_t upid = (pid_t)sc->args[1];
	int options = (int)sc->args[3];
	struct pid_namespace *ns = task_active_pid_ns(t);
	struct wait_opts wo = { 0 };
	long r;
	int err;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	wo.options = options;
	wo.waitid = true;
	switch (which) {
	case P_ALL:
		wo.type = P_ALL;
		break;
	case P_PID:
		if (upid <= 0)
			return -EINVAL;
		wo.type = P_PID;
		wo.pid = find_pid_ns(upid, ns);
		break;
	case P_PGID:
		if (upid < 0)
			return -EINVAL;
		wo.type = P_PGID;
		wo.pid = upid ? find_pid_ns(upid, ns) : t->proc->pgrp;
		break;
	case P_PIDFD:
		if (upid < 0)
			return -EINVAL;
		wo.type = P_PID;
		wo.pid = pidfd_lookup(t, upid, &err);
		if (!wo.pid)
			return err;
		break;
	default:
		return -EINVAL;
	}
	if (wo.type != P_ALL && !wo.pid)
		return -ECHILD;
	r = wait_common(t, sc, &wo);
	if (r < 0)
		return r;
	if (sc->args[4] && copy_to_guest(t, sc->args[4], &wo.ru, sizeof(wo.ru)))
		return -EFAULT;
	if (sc->args[2]) {
		/* Linux fills signo, errno, code, pid, uid, status; all zero if none. */
		struct {
			int signo, err, code, pad;
			pid_t pid;
			uid_t uid;
			int status;
		} info = { 0 };

		if (r > 0) {
			info.signo = SIGCHLD;
			info.code = wo.code;
			info.pid = wo.pid_nr;
			info.uid = wo.cuid;
			info.status = wo.cstatus;
		}
		if (copy_to_guest(t, sc->args[2], &info, sizeof(info)))
			return -EFAULT;
	}
	return 0;
}
