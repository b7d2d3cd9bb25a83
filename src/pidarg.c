/*
 * Calls that name a process by pid but whose work the host can do once umk
 * has translated the guest pid into the host one. A pid the guest cannot see
 * is ESRCH here and never reaches the host, so no guest can name a host
 * process. The translated register is restored at the syscall exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/sockios.h>
#include "umk/fs.h"
#include "umk/handlers.h"
#include "umk/jobctl.h"
#include "umk/pidfd.h"
#include "umk/seccomp.h"
#include "umk/mm.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3

/* A thread id in the caller's namespace → host tid; 0 stays 0 (self). */
static long host_tid_of(struct task *t, pid_t pid, uint64_t *out)
{
	struct task *o;

	if (pid == 0) {
		*out = 0;
		return 0;
	}
	if (pid < 0)
		return -EINVAL;
	o = find_task_ns(pid, task_active_pid_ns(t));
	if (!o)
		return -ESRCH;
	*out = (uint64_t)o->host_tid;
	return 0;
}

static long translate_arg(struct task *t, struct sysc *sc, int i)
{
	long r;

	if ((pid_t)sc->args[i] == 0)
		return SYSC_NATIVE;	/* self: nothing to rewrite, no exit stop */
	r = host_tid_of(t, (pid_t)sc->args[i], &sc->args[i]);
	if (r)
		return r;
	sc->args_dirty = true;
	return SYSC_NATIVE;
}

/* sched_*, get_robust_list, migrate_pages, move_pages: pid in argument 0. */
long sys_pid_arg0(struct task *t, struct sysc *sc)
{
	return translate_arg(t, sc, 0);
}

long sys_prlimit64(struct task *t, struct sysc *sc)
{
	if ((uint32_t)sc->args[1] == RLIMIT_NOFILE) {
		struct process *p = t->proc;

		if ((pid_t)sc->args[0]) {
			struct task *o = find_task_ns((pid_t)sc->args[0], task_active_pid_ns(t));

			if (!o)
				return -ESRCH;
			p = o->proc;
		}
		return prlimit_nofile(t, sc, p);
	}
	return translate_arg(t, sc, 0);
}

long sys_kcmp(struct task *t, struct sysc *sc)
{
	long r = translate_arg(t, sc, 0);

	if (r != SYSC_NATIVE)
		return r;
	if ((pid_t)sc->orig_args[0] == 0 || (pid_t)sc->orig_args[1] == 0)
		return -ESRCH;	/* kcmp has no "self" shorthand */
	return translate_arg(t, sc, 1);
}

static void pidfd_open_exit(struct task *t, struct sysc *sc)
{
	struct pid *pid = (struct pid *)(uintptr_t)sc->u.data[0];

	if (sc->ret >= 0)
		pidfd_remember(t, (int)sc->ret, pid);
	put_pid(pid);
}

long sys_pidfd_open(struct task *t, struct sysc *sc)
{
	pid_t pid = (pid_t)sc->args[0];
	struct task *o;

	if (pid <= 0)
		return -EINVAL;
	o = find_task_ns(pid, task_active_pid_ns(t));
	if (!o)
		return -ESRCH;
	sc->args[0] = (uint64_t)o->host_tid;
	sc->args_dirty = true;
	/* PIDFD_THREAD names the thread; otherwise the thread group. */
	sc->u.data[0] = (uintptr_t)get_pid((sc->args[1] & O_EXCL) ? o->pid : o->proc->tgid);
	sc->on_exit = pidfd_open_exit;
	return SYSC_NATIVE;
}

/* ioprio_set/get: a process by pid, or per process over a group or user. */
static long ioprio_common(struct task *t, struct sysc *sc, bool set)
{
	int which = (int)sc->args[0], who = (int)sc->args[1];
	struct pid_namespace *ns = task_active_pid_ns(t);
	long best = -ESRCH;

	switch (which) {
	case IOPRIO_WHO_PROCESS:
		return translate_arg(t, sc, 1);
	case IOPRIO_WHO_PGRP: {
		struct pid *pg = who ? find_pid_ns(who, ns) : t->proc->pgrp;
		struct process *p;

		if (!pg)
			return -ESRCH;
		list_for_each_entry(p, &pg->tasks[PIDTYPE_PGID], pgrp_node) {
			long r;

			if (p->state != PROC_ALIVE)
				continue;
			if (set) {
				/* Classes above best-effort need privileges umk won't lend. */
				if ((sc->args[2] >> 13) == 1 /* IOPRIO_CLASS_RT */)
					return -EPERM;
				r = syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, p->host_tgid, sc->args[2]);
				best = r < 0 ? -errno : 0;
			} else {
				r = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, p->host_tgid);
				if (r >= 0 && (best < 0 || r < best))
					best = r;
			}
		}
		return best;
	}
	case IOPRIO_WHO_USER:
		/* Every guest process belongs to the same host user: do it per process. */
		return set ? -EPERM : 4 /* IOPRIO_NORM, best effort */;
	default:
		return -EINVAL;
	}
}

long sys_ioprio_set(struct task *t, struct sysc *sc)
{
	return ioprio_common(t, sc, true);
}

long sys_ioprio_get(struct task *t, struct sysc *sc)
{
	return ioprio_common(t, sc, false);
}

/* The host runs the call on a translated copy of a struct argument i. */
static long arg_copy(struct task *t, struct sysc *sc, int i, const void *data, size_t len)
{
	uint64_t sp = arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE, addr;
	int r = push_to_guest_stack(t, &sp, data, len, &addr);

	if (r)
		return r;
	sc->args[i] = addr;
	sc->args_dirty = true;
	return SYSC_NATIVE;
}

/*
 * timer_create: a SIGEV_THREAD_ID notification names a thread by tid (glibc's
 * SIGEV_THREAD timers do this with a helper thread): the host gets a copy of
 * the sigevent with the host tid.
 */
long sys_timer_create(struct task *t, struct sysc *sc)
{
	struct sigevent ev;
	struct task *o;

	if (!sc->args[1])
		return SYSC_NATIVE;
	if (copy_from_guest(t, &ev, sc->args[1], sizeof(ev)))
		return -EFAULT;
	if (ev.sigev_notify != SIGEV_THREAD_ID)
		return SYSC_NATIVE;	/* the host reads it again: nothing umk checked */
	o = find_task_ns(ev._sigev_un._tid, task_active_pid_ns(t));
	if (!o || o->proc != t->proc)
		return -EINVAL;	/* as Linux: the thread must be in the caller's group */
	ev._sigev_un._tid = o->host_tid;
	return arg_copy(t, sc, 1, &ev, sizeof(ev));
}

/* No host pid is this (above any pid_max). */
#define NO_HOST_PID 0x7fffffff

/*
 * An owner for SIGIO/SIGURG (F_SETOWN, FIOSETOWN, SIOCSPGRP): a process, or
 * with a negative number a process group, which the host signals itself. A
 * group must be one the host has, a group of a session on the host
 * (jobctl.c); the groups of umk's own session are not (EINVAL).
 */
static long owner_to_host(struct task *t, int who, int *host)
{
	struct pid_namespace *ns = task_active_pid_ns(t);

	if (who == 0 || who == INT_MIN) {
		*host = who;	/* the host's own answer (INT_MIN: EINVAL) */
	} else if (who > 0) {
		struct task *o = find_task_ns(who, ns);

		/* None: one the host has not either, so that its own errors
		 * (EBADF, ENOTTY) come first, as on Linux. */
		*host = o ? o->proc->host_tgid : NO_HOST_PID;
	} else {
		struct pid *pg = find_pid_ns(-who, ns);
		struct process *g = pid_process(pg, PIDTYPE_PGID);

		if (!pg)
			*host = -NO_HOST_PID;
		else if (!g || !jobctl_on_host(g))
			return -EINVAL;
		else
			*host = -pg->host_nr;
	}
	return 0;
}

/* The owner the host reports, in t's numbers (0: none, or not visible). */
static int owner_from_host(struct task *t, int host)
{
	struct pid_namespace *ns = task_active_pid_ns(t);

	if (host > 0) {
		struct task *o = task_by_host(host);

		return o ? task_tgid_nr_ns(o, ns) : 0;
	}
	if (host < 0 && host != INT_MIN) {
		struct pid *pg = jobctl_by_host(-host, false);

		return pg ? -pid_nr_ns(pg, ns) : 0;
	}
	return 0;
}

/* F_GETOWN returns a host pid or -pgid: give the guest its own number back. */
static void getown_exit(struct task *t, struct sysc *sc)
{
	if (sc->ret == 0 || sc->ret == -EBADF)
		return;	/* no owner, or its only error (a group is negative too) */
	sc->ret = owner_from_host(t, (int)sc->ret);
}

/* FIOGETOWN/SIOCGPGRP store it through the pointer. */
static void fiogetown_exit(struct task *t, struct sysc *sc)
{
	int v;

	if (sc->ret == 0 && !copy_from_guest(t, &v, sc->orig_args[2], sizeof(v))) {
		v = owner_from_host(t, v);
		copy_to_guest(t, sc->orig_args[2], &v, sizeof(v));
	}
}

/* F_SETOWN(pid or -pgid), F_GETOWN, F_SETOWN_EX, F_GETOWN_EX. */
long sys_fcntl(struct task *t, struct sysc *sc)
{
	uint32_t cmd = (uint32_t)sc->args[1];
	struct f_owner_ex ex;
	struct task *o;
	int r;

	if ((uint32_t)sc->args[0] >= UMK_FD_BASE)
		return -EBADF;	/* umk's own (see fdtable.c) */
	if (seccomp_native_cmd(SYS_fcntl, cmd))
		return SYSC_NATIVE;	/* trapped only under --trace=all */
	switch (cmd) {
	case F_SETOWN: {
		int host;

		if ((r = (int)owner_to_host(t, (int)sc->args[2], &host)))
			return r;
		sc->args[2] = (uint64_t)(int64_t)host;
		sc->args_dirty = true;
		return SYSC_NATIVE;
	}
	case F_GETOWN:
		sc->on_exit = getown_exit;
		return SYSC_NATIVE;
	case F_SETOWN_EX:
		if (copy_from_guest(t, &ex, sc->args[2], sizeof(ex)))
			return -EFAULT;
		if (ex.pid == 0 && ex.type != F_OWNER_PGRP)
			return SYSC_NATIVE;
		if (ex.type == F_OWNER_PGRP) {
			int host;

			if (ex.pid < 0)
				return -ESRCH;	/* find_vpid of a negative number */
			if ((r = (int)owner_to_host(t, -ex.pid, &host)))
				return r;
			ex.pid = -host;
			return arg_copy(t, sc, 2, &ex, sizeof(ex));
		}
		if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID)
			return -EINVAL;
		o = find_task_ns(ex.pid, task_active_pid_ns(t));
		if (!o)
			return -ESRCH;
		ex.pid = ex.type == F_OWNER_TID ? o->host_tid : o->proc->host_tgid;
		return arg_copy(t, sc, 2, &ex, sizeof(ex));
	case F_GETOWN_EX: {
		/* Run it on umk's copy of the guest's file (the owner is the
		 * open file's): the result needs translating anyway. */
		int fd = guest_fd_get(t, (int)sc->args[0]);

		if (fd < 0)
			return -EBADF;
		r = fcntl(fd, F_GETOWN_EX, &ex);
		close(fd);
		if (r < 0)
			return -errno;
		if (ex.pid && ex.type == F_OWNER_PGRP) {
			ex.pid = -owner_from_host(t, -ex.pid);
		} else if (ex.pid) {
			o = task_by_host(ex.pid);
			ex.pid = o ? (ex.type == F_OWNER_TID ? task_pid_vnr(o)
							     : task_tgid_vnr(o)) : 0;
		}
		return copy_to_guest(t, sc->args[2], &ex, sizeof(ex));
	}
	}
	return SYSC_NATIVE;
}

long sys_ioctl(struct task *t, struct sysc *sc)
{
	uint32_t cmd = (uint32_t)sc->args[1];

	if (seccomp_native_cmd(SYS_ioctl, cmd))
		return SYSC_NATIVE;
	switch (cmd) {
	case TIOCGPGRP:
	case TIOCGSID:
	case TIOCSPGRP:
		return jobctl_tty_ioctl(t, sc);	/* guest numbers both ways */
	case FIOSETOWN:
	case SIOCSPGRP: {
		int who, host;
		long r;

		if (copy_from_guest(t, &who, sc->args[2], sizeof(who)))
			return SYSC_NATIVE;	/* the host's EFAULT, or its ENOTTY first */
		if ((r = owner_to_host(t, who, &host)))
			return r;
		return arg_copy(t, sc, 2, &host, sizeof(host));
	}
	default:	/* FIOGETOWN, SIOCGPGRP */
		sc->on_exit = fiogetown_exit;
		return SYSC_NATIVE;
	}
}
