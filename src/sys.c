/*
 * The process-identity and system-information calls of Linux's kernel/sys.c:
 * getpid family, process groups and sessions, uname/hostnames, prctl, sysinfo,
 * get/setpriority — all answered from umk's own state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include "umk/handlers.h"
#include "umk/jobctl.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

long sys_getpid(struct task *t, struct sysc *sc)
{
	(void)sc;
	return task_tgid_vnr(t);
}

long sys_gettid(struct task *t, struct sysc *sc)
{
	(void)sc;
	return task_pid_vnr(t);
}

/* The parent as seen from the caller's namespace: 0 when outside it (or none). */
long sys_getppid(struct task *t, struct sysc *sc)
{
	struct process *pp = t->proc->parent;

	(void)sc;
	return pp ? process_tgid_nr_ns(pp, task_active_pid_ns(t)) : 0;
}

static struct process *lookup_process(struct task *t, pid_t pid)
{
	if (pid == 0)
		return t->proc;
	return pid > 0 ? find_process_ns(pid, task_active_pid_ns(t)) : NULL;
}

long sys_getpgid(struct task *t, struct sysc *sc)
{
	struct process *p = lookup_process(t, (pid_t)sc->args[0]);

	if (!p)
		return -ESRCH;
	return pid_nr_ns(p->pgrp, task_active_pid_ns(t));
}

long sys_getpgrp(struct task *t, struct sysc *sc)
{
	(void)sc;
	return pid_nr_ns(t->proc->pgrp, task_active_pid_ns(t));
}

long sys_getsid(struct task *t, struct sysc *sc)
{
	struct process *p = lookup_process(t, (pid_t)sc->args[0]);

	if (!p)
		return -ESRCH;
	return pid_nr_ns(p->session, task_active_pid_ns(t));
}

/* setpgid(pid, pgid), with the checks of Linux's ksys_setpgid(). */
long sys_setpgid(struct task *t, struct sysc *sc)
{
	struct pid_namespace *ns = task_active_pid_ns(t);
	pid_t pid = (pid_t)sc->args[0], pgid = (pid_t)sc->args[1];
	struct process *p, *g;
	struct pid *pgrp;

	if (pgid < 0)
		return -EINVAL;
	p = pid ? find_process_ns(pid, ns) : t->proc;
	if (!p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (!pid)
		pid = process_tgid_nr_ns(p, ns);
	if (!pgid)
		pgid = pid;
	if (p->parent == t->proc) {
		if (p->session != t->proc->session)
			return -EPERM;
		if (p->did_exec)
			return -EACCES;
	} else if (p != t->proc) {
		return -ESRCH;
	}
	/* A session leader cannot move. */
	if (p->session == p->tgid)
		return -EPERM;
	if (pgid != pid) {
		pgrp = find_pid_ns(pgid, ns);
		g = pid_process(pgrp, PIDTYPE_PGID);
		if (!g || g->session != t->proc->session)
			return -EPERM;
	} else {
		pgrp = p->tgid;
	}
	if (p->pgrp != pgrp)
		change_pid(p, PIDTYPE_PGID, pgrp);
	/* A session on the host has its groups there too (jobctl.c). */
	return jobctl_setpgid_host(t, sc, p, pgrp);
}

/* setsid(): fails when the caller already leads a process group. */
static void setsid_exit(struct task *t, struct sysc *sc)
{
	/* The host made the session: its groups are mirrored from now on. */
	t->proc->session->host_session = sc->ret > 0;
	sc->ret = process_tgid_nr_ns(t->proc, task_active_pid_ns(t));
}

long sys_setsid(struct task *t, struct sysc *sc)
{
	struct process *p = t->proc;

	if (pid_process(p->tgid, PIDTYPE_PGID))
		return -EPERM;
	change_pid(p, PIDTYPE_SID, p->tgid);
	change_pid(p, PIDTYPE_PGID, p->tgid);
	/* The host's setsid too: a new session has no controlling terminal,
	 * and can take one (TIOCSCTTY on a guest pty). The guest sees its own
	 * number (and umk's verdict: the first guest already leads a host
	 * session, where the host says EPERM). */
	sc->on_exit = setsid_exit;
	return SYSC_NATIVE;
}

long sys_uname(struct task *t, struct sysc *sc)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	snprintf(u.nodename, sizeof(u.nodename), "%s", t->uts->nodename);
	snprintf(u.domainname, sizeof(u.domainname), "%s", t->uts->domainname);
	return copy_to_guest(t, sc->args[0], &u, sizeof(u));
}

static long set_uts_name(struct task *t, struct sysc *sc, char *dst)
{
	char buf[65];
	int64_t len = (int64_t)sc->args[1];

	if (!cred_capable(&t->cred, CAP_SYS_ADMIN))
		return -EPERM;
	if ((int)len < 0 || len > 64)
		return -EINVAL;
	if (copy_from_guest(t, buf, sc->args[0], (size_t)len))
		return -EFAULT;
	memcpy(dst, buf, (size_t)len);
	dst[len] = '\0';
	return 0;
}

long sys_sethostname(struct task *t, struct sysc *sc)
{
	return set_uts_name(t, sc, t->uts->nodename);
}

long sys_setdomainname(struct task *t, struct sysc *sc)
{
	return set_uts_name(t, sc, t->uts->domainname);
}

/* Every existing descendant must look for the subreaper when orphaned. */
static void mark_subreaper_subtree(struct process *p)
{
	struct process *c;

	list_for_each_entry(c, &p->children, sibling) {
		if (c->has_child_subreaper)
			continue;	/* its subtree is marked already */
		c->has_child_subreaper = true;
		mark_subreaper_subtree(c);
	}
}

static void subreaper_exit(struct task *t, struct sysc *sc)
{
	(void)t;
	sc->ret = 0;	/* umk's state has it; the host cannot refuse */
}

/*
 * prctl: the options that concern umk's state are emulated; PR_SET_DUMPABLE
 * is kept from the host (a non-dumpable guest would lock umk out of its
 * memory); the rest run natively.
 */
long sys_prctl(struct task *t, struct sysc *sc)
{
	struct process *p = t->proc;
	uint64_t a2 = sc->args[1];
	int v;

	switch ((int)sc->args[0]) {
	case PR_SET_CHILD_SUBREAPER:
		p->is_child_subreaper = a2 != 0;
		if (a2)
			mark_subreaper_subtree(p);
		/* The host's too, so that host orphans go where the guest's go
		 * (their groups' orphaned state is the terminal's, jobctl.c);
		 * but the first guest stays one, as pid 1 reaps anyway. */
		if (p == kernel.init)
			return 0;
		sc->on_exit = subreaper_exit;
		return SYSC_NATIVE;
	case PR_GET_CHILD_SUBREAPER:
		v = p->is_child_subreaper;
		return copy_to_guest(t, a2, &v, sizeof(v));
	case PR_SET_PDEATHSIG:
		if (a2 > 64)
			return -EINVAL;
		t->pdeath_signal = (int)a2;
		return 0;
	case PR_GET_PDEATHSIG:
		v = t->pdeath_signal;
		return copy_to_guest(t, a2, &v, sizeof(v));
	case PR_SET_DUMPABLE:
		if (a2 != 0 && a2 != 1)
			return -EINVAL;
		p->dumpable = (int)a2;
		return 0;
	case PR_GET_DUMPABLE:
		return p->dumpable;
	case PR_CAPBSET_READ:
		if (a2 > CAP_LAST_CAP)
			return -EINVAL;
		return (t->cred.cap_bset >> a2) & 1;
	case PR_CAPBSET_DROP:
		if (a2 > CAP_LAST_CAP)
			return -EINVAL;
		if (!cred_capable(&t->cred, CAP_SETPCAP))
			return -EPERM;
		t->cred.cap_bset &= ~(1ULL << a2);
		return 0;
	case PR_GET_SECUREBITS:
		return t->cred.securebits;
	case PR_SET_SECUREBITS:
		if (!cred_capable(&t->cred, CAP_SETPCAP))
			return -EPERM;
		t->cred.securebits = (unsigned)a2;
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		/* The guest's own flag (umk applies it at exec); the host's is
		 * set for every guest, whatever the guest asks. */
		if (a2 != 1 || sc->args[2] || sc->args[3] || sc->args[4])
			return -EINVAL;
		t->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || sc->args[2] || sc->args[3] || sc->args[4])
			return -EINVAL;
		return t->no_new_privs;
	case PR_SET_NAME: {
		char name[16] = "";
		long n = strncpy_from_guest(t, name, a2, sizeof(name) - 1);

		if (n == -EFAULT)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
		memcpy(t->comm, name, sizeof(t->comm));
		if (t == p->leader)
			memcpy(p->comm, name, sizeof(p->comm));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_guest(t, a2, t->comm, sizeof(t->comm)) ? -EFAULT : 0;
	default:
		return SYSC_NATIVE;
	}
}

static void sysinfo_exit(struct task *t, struct sysc *sc)
{
	struct sysinfo si;

	if (sc->ret == 0 && !copy_from_guest(t, &si, sc->orig_args[0], sizeof(si))) {
		si.procs = (unsigned short)kernel.nr_tasks;
		copy_to_guest(t, sc->orig_args[0], &si, sizeof(si));
	}
}

long sys_sysinfo(struct task *t, struct sysc *sc)
{
	(void)t;
	sc->on_exit = sysinfo_exit;	/* the host's process count is not the guest's */
	return SYSC_NATIVE;
}

/* The processes a PRIO_PGRP/PRIO_USER request names. */
static int prio_targets(struct task *t, int which, int who, struct process **out, int max)
{
	struct pid_namespace *ns = task_active_pid_ns(t);
	int n = 0;

	if (which == PRIO_PGRP) {
		struct pid *pg = who ? find_pid_ns(who, ns) : t->proc->pgrp;
		struct process *p;

		if (!pg)
			return 0;
		list_for_each_entry(p, &pg->tasks[PIDTYPE_PGID], pgrp_node)
			if (p->state == PROC_ALIVE && n < max)
				out[n++] = p;
		return n;
	}
	/* PRIO_USER: every visible process of that guest uid. */
	uid_t uid = who ? (uid_t)who : t->cred.uid;

	for (int nr = 1; nr < ns->pid_max && n < max && n < kernel.nr_processes; nr++) {
		struct process *p = find_process_ns(nr, ns);

		if (p && p->state == PROC_ALIVE && process_tgid_nr_ns(p, ns) == nr &&
		    p->leader->cred.uid == uid)
			out[n++] = p;
	}
	return n;
}

#define PRIO_MAX_TARGETS 4096

/* PRIO_PROCESS names one thread: the host does it once the tid is translated. */
static long prio_process(struct task *t, struct sysc *sc, int who)
{
	struct task *th = who ? find_task_ns(who, task_active_pid_ns(t)) : t;

	if (!th)
		return -ESRCH;
	sc->args[1] = th->host_tid;
	sc->args_dirty = true;
	return SYSC_NATIVE;
}

/* getpriority returns 20 - nice (1..40) for the best of the targets, as Linux. */
long sys_getpriority(struct task *t, struct sysc *sc)
{
	int which = (int)sc->args[0], who = (int)sc->args[1];
	static struct process *targets[PRIO_MAX_TARGETS];
	long best = -ESRCH;
	int n;

	if (which == PRIO_PROCESS)
		return prio_process(t, sc, who);
	if (which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	n = prio_targets(t, which, who, targets, PRIO_MAX_TARGETS);
	for (int i = 0; i < n; i++) {
		errno = 0;
		int nice = getpriority(PRIO_PROCESS, (id_t)targets[i]->host_tgid);

		if (errno == 0 && 20 - nice > best)
			best = 20 - nice;
	}
	return best;
}

/*
 * setpriority over a group or user: umk applies it process by process, with
 * the limits an unprivileged caller has (a nice value lower than the current
 * one needs RLIMIT_NICE room), since umk may hold privileges the guest must not.
 */
long sys_setpriority(struct task *t, struct sysc *sc)
{
	int which = (int)sc->args[0], who = (int)sc->args[1], nice = (int)sc->args[2];
	static struct process *targets[PRIO_MAX_TARGETS];
	struct rlimit rl;
	long err = -ESRCH;
	int n;

	if (which == PRIO_PROCESS)
		return prio_process(t, sc, who);
	if (which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	if (prlimit(t->proc->host_tgid, RLIMIT_NICE, NULL, &rl) < 0)
		rl.rlim_cur = 0;
	n = prio_targets(t, which, who, targets, PRIO_MAX_TARGETS);
	for (int i = 0; i < n; i++) {
		errno = 0;
		int cur = getpriority(PRIO_PROCESS, (id_t)targets[i]->host_tgid);

		if (errno)
			continue;
		if (nice < cur && (rlim_t)(20 - nice) > rl.rlim_cur) {
			err = -EACCES;
			continue;
		}
		if (setpriority(PRIO_PROCESS, (id_t)targets[i]->host_tgid, nice) < 0)
			err = -errno;
		else if (err == -ESRCH)
			err = 0;
	}
	return err;
}
