/*
 * fork, vfork, clone, clone3 — as Linux's kernel_clone(), with the host doing
 * the copying and umk doing the bookkeeping.
 *
 * At the seccomp stop umk validates the flags the way copy_process() does and
 * rewrites the call into a host clone() that:
 *  - makes the host parent the guest's (the caller, or with CLONE_PARENT its
 *    parent), so that the host's process groups and sessions have the
 *    guests' shape: the terminal decides orphaned groups from real parents
 *    (jobctl.c). The host exit signal is always SIGCHLD, which every guest
 *    ignores on the host: once umk, the tracer, has reaped a child, its
 *    host parent releases it at once (wait_task_zombie's EXIT_TRACE path),
 *    and no host SIGCHLD reaches a guest (umk sends the guest's own);
 *  - never carries CLONE_UNTRACED, CLONE_PTRACE, CLONE_NEW*, CLONE_INTO_CGROUP
 *    or set_tid, which would escape umk;
 *  - never carries CLONE_PARENT_SETTID / CLONE_CHILD_SETTID, because the host
 *    would write host tids: umk writes guest tids itself at the fork event.
 * clone3 becomes the equivalent legacy clone() (its arguments live in guest
 * memory, which umk must not let the host re-read after checking).
 * The parent's return value is turned into the child's guest pid at the
 * syscall-exit stop; the argument registers the host saw are put back to the
 * guest's own values in the parent (exit stop) and the child (first stop),
 * since the syscall ABI preserves them and glibc's clone3 wrapper relies on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <linux/sched.h>
#include <linux/capability.h>
#include "umk/fork.h"
#include "umk/cow.h"
#include "umk/handlers.h"
#include "umk/inject.h"
#include "umk/loop.h"
#include "umk/mm.h"
#include "umk/pidfd.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#define CLONE_NS_EMULATED (CLONE_NEWPID | CLONE_NEWUTS)
#define CLONE_NS_ALL (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		      CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME)

static void clone_exit(struct task *t, struct sysc *sc)
{
	if (!sc->u.clone.child_pid && !(sc->u.clone.flags & CLONE_VM))
		cow_fork_failed(t);	/* no fork event: nothing was forked */
	if (sc->u.clone.err) {
		sc->ret = sc->u.clone.err;
	} else if (sc->ret > 0) {
		int fd;

		sc->ret = sc->u.clone.child_vnr;
		if ((sc->u.clone.flags & CLONE_PIDFD) &&
		    !copy_from_guest(t, &fd, sc->args[2], sizeof(fd)))
			pidfd_remember(t, fd, sc->u.clone.child_pid);
	}
	put_pid(sc->u.clone.child_pid);
	sc->u.clone.child_pid = NULL;
}

/* New namespaces need CAP_SYS_ADMIN; only pid and uts ones are modelled so far. */
static bool ns_flags_check(struct task *t, uint64_t flags)
{
	if (!(flags & CLONE_NS_ALL))
		return false;
	return !cred_capable(&t->cred, CAP_SYS_ADMIN) || (flags & CLONE_NS_ALL & ~CLONE_NS_EMULATED);
}

/*
 * The checks of copy_process() that umk must make itself, because the flags
 * it hands the host differ from the guest's.
 */
static long clone_check(struct task *t, uint64_t flags)
{
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	/* The namespace's init cannot make siblings. */
	if ((flags & CLONE_PARENT) && t->proc->pid_ns->child_reaper &&
	    t->proc->pid_ns->child_reaper->proc == t->proc)
		return -EINVAL;
	if ((flags & CLONE_THREAD) && (flags & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	if (ns_flags_check(t, flags))
		return -EPERM;
	/* A new pid namespace after unshare(CLONE_NEWPID) takes one child. */
	if ((flags & CLONE_THREAD) && t->proc->pid_ns_for_children != task_active_pid_ns(t))
		return -EINVAL;
	return 0;
}

static long do_clone(struct task *t, struct sysc *sc, uint64_t flags, int exit_signal,
		     uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls, pid_t set_tid,
		     uint64_t pidfd)
{
	uint64_t host;
	long r = clone_check(t, flags);

	if (r)
		return r;
	host = flags & ~(CLONE_UNTRACED | CLONE_PTRACE | CLONE_NS_ALL | CLONE_PARENT_SETTID |
			 CLONE_CHILD_SETTID | CSIGNAL | CLONE_DETACHED);
	if (!(flags & CLONE_THREAD))
		host |= SIGCHLD;
	sc->u.clone.flags = flags;
	sc->u.clone.ptid = ptid;
	sc->u.clone.ctid = ctid;
	sc->u.clone.exit_signal = exit_signal;
	sc->u.clone.set_tid = set_tid;
	sc->u.clone.err = 0;
	sc->u.clone.child_vnr = 0;
	sc->u.clone.child_pid = NULL;

	sc->nr = SYS_clone;
	sc->args[0] = host;
	sc->args[1] = stack;
	/* With CLONE_PIDFD the host stores the pidfd where parent_tid points. */
	sc->args[2] = (flags & CLONE_PIDFD) ? pidfd : 0;
	sc->args[3] = ctid;	/* for CLONE_CHILD_CLEARTID, which the host does */
	sc->args[4] = tls;
	sc->args[5] = 0;
	sc->args_dirty = true;
	sc->on_exit = clone_exit;
	/* A copy-on-write fork write-protects the parent before the host forks. */
	if (!(flags & CLONE_VM))
		cow_fork_prepare(t);
	return SYSC_NATIVE;
}

long sys_fork(struct task *t, struct sysc *sc)
{
	return do_clone(t, sc, 0, SIGCHLD, 0, 0, 0, 0, 0, 0);
}

long sys_vfork(struct task *t, struct sysc *sc)
{
	return do_clone(t, sc, CLONE_VM | CLONE_VFORK, SIGCHLD, 0, 0, 0, 0, 0, 0);
}

/* clone(flags, stack, parent_tid, child_tid, tls) — x86-64 argument order. */
long sys_clone(struct task *t, struct sysc *sc)
{
	uint64_t flags = sc->args[0] & 0xffffffffULL;

	if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID))
		return -EINVAL;	/* both would use parent_tid */
	/* Legacy clone stores a pidfd where parent_tid points. */
	return do_clone(t, sc, flags & ~CSIGNAL, (int)(flags & CSIGNAL), sc->args[1],
			sc->args[2], sc->args[3], sc->args[4], 0, sc->args[2]);
}

long sys_clone3(struct task *t, struct sysc *sc)
{
	struct clone_args ca;
	uint64_t size = sc->args[1];
	pid_t set_tid = 0;
	int r;

	/* copy_clone_args_from_user() */
	if (size > 4096)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	r = copy_struct_from_guest(t, &ca, sizeof(ca), sc->args[0], size);
	if (r)
		return r;
	if (ca.set_tid_size > MAX_PID_NS_LEVEL || (!ca.set_tid && ca.set_tid_size) ||
	    (ca.set_tid && !ca.set_tid_size))
		return -EINVAL;
	if (ca.exit_signal & ~(uint64_t)CSIGNAL)
		return -EINVAL;
	if ((ca.flags & (CLONE_THREAD | CLONE_PARENT)) && ca.exit_signal)
		return -EINVAL;
	/* clone3_args_valid() */
	if (ca.flags & ~(0xffffffffULL | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
		return -EINVAL;
	if (ca.flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return -EINVAL;
	if ((ca.flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) ==
	    (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((!ca.stack && ca.stack_size) || (ca.stack && !ca.stack_size))
		return -EINVAL;
	if (ca.flags & CLONE_INTO_CGROUP)
		return -EPERM;	/* no host cgroup is the guest's to join */
	if (ca.set_tid_size) {
		/* Only the innermost level can be chosen, by a privileged caller. */
		if (ca.set_tid_size > 1)
			return -EINVAL;
		if (copy_from_guest(t, &set_tid, ca.set_tid, sizeof(set_tid)))
			return -EFAULT;
		if (!cred_capable(&t->cred, CAP_SYS_ADMIN))
			return -EPERM;
		struct pid_namespace *ns = (ca.flags & CLONE_NEWPID) ? NULL
						: t->proc->pid_ns_for_children;
		if (set_tid < 1 || (ns && set_tid >= ns->pid_max))
			return -EINVAL;
		if ((ca.flags & CLONE_NEWPID) && set_tid != 1)
			return -EINVAL;
		if (ns && find_pid_ns(set_tid, ns))
			return -EEXIST;
	}
	return do_clone(t, sc, ca.flags & ~CSIGNAL, (int)ca.exit_signal,
			ca.stack ? ca.stack + ca.stack_size : 0,
			ca.parent_tid, ca.child_tid, ca.tls, set_tid, ca.pidfd);
}

/*
 * PTRACE_EVENT_FORK/VFORK/CLONE at the parent: the host child exists (stopped
 * or about to stop). Give it a PCB and guest ids; write the guest tids the
 * SETTID flags ask for.
 */
void fork_event(struct task *t, pid_t child_host)
{
	struct sysc *sc = &t->sys;
	uint64_t flags = sc->u.clone.flags;
	struct task *c;
	pid_t vnr;

	c = task_create(t, child_host, flags, sc->u.clone.exit_signal, sc->u.clone.set_tid);
	if (!c) {
		/* No pid for it (EAGAIN at pid_max, EEXIST for set_tid): undo. */
		sc->u.clone.err = (errno == EEXIST || errno == ENOMEM || errno == ENOSPC) ? -errno
										  : -EAGAIN;
		kill(child_host, SIGKILL);
		loop_forget_early(child_host);
		return;
	}
	if (flags & CLONE_VM) {
		mm_attach_task(c, t->mm);
	} else {
		struct mm *mm = mm_fork(t);

		if (!mm) {
			sc->u.clone.err = -ENOMEM;
			kill(child_host, SIGKILL);
			loop_forget_early(child_host);
			return;
		}
		mm_attach_task(c, mm);
	}
	memcpy(c->start_args, sc->orig_args, sizeof(c->start_args));
	c->restore_start_args = true;
	vnr = task_pid_nr_ns(c, task_active_pid_ns(t));
	sc->u.clone.child_vnr = vnr;
	sc->u.clone.child_pid = get_pid((flags & CLONE_THREAD) ? c->pid : c->proc->tgid);
	if (flags & CLONE_PARENT_SETTID)
		copy_to_guest(t, sc->u.clone.ptid, &vnr, sizeof(vnr));
	if (flags & CLONE_CHILD_SETTID) {
		pid_t own = task_pid_vnr(c);

		copy_to_guest(c, sc->u.clone.ctid, &own, sizeof(own));
	}
	/* The parent's syscall can end without an exit stop: the trampoline
	 * gives back its argument registers and turns the host pid into the
	 * guest's. A pidfd still needs the exit stop (it is known only then),
	 * and so does a trace, which prints the result there. */
	if (!(flags & CLONE_PIDFD) && !config.trace &&
	    inject_tramp_event(t, (uint64_t)child_host, (uint64_t)vnr)) {
		sc->on_exit = NULL;
		sc->exit_pending = false;
		put_pid(sc->u.clone.child_pid);
		sc->u.clone.child_pid = NULL;
	}
	loop_adopt_early(c);
}

/* unshare: the namespace parts are umk's; CLONE_FS also unshares umk's fs_struct. */
long sys_unshare(struct task *t, struct sysc *sc)
{
	uint64_t flags = sc->args[0];

	if (flags & ~(CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM |
		      CLONE_FILES | CLONE_SYSVSEM | CLONE_NS_ALL))
		return -EINVAL;
	if (ns_flags_check(t, flags))
		return -EPERM;
	if (flags & CLONE_NEWPID) {
		struct process *p = t->proc;
		struct pid_namespace *ns;

		if (p->pid_ns_for_children != task_active_pid_ns(t))
			return -EINVAL;
		ns = pid_ns_create(p->pid_ns_for_children, p->pid_ns_for_children->pid_max);
		if (!ns)
			return -errno;
		pid_ns_put(p->pid_ns_for_children);
		p->pid_ns_for_children = ns;
	}
	if (flags & CLONE_NEWUTS) {
		struct uts_ns *u = xcalloc(1, sizeof(*u));

		*u = *t->uts;
		u->refcount = 1;
		if (--t->uts->refcount == 0)
			free(t->uts);
		t->uts = u;
	}
	if ((flags & CLONE_FS) && t->fs->refcount > 1) {
		struct fs_struct *n = fs_copy(t->fs);

		fs_put(t->fs);
		t->fs = n;
	}
	flags &= ~(uint64_t)(CLONE_NS_ALL);
	if (!flags)
		return 0;
	sc->args[0] = flags;
	sc->args_dirty = true;
	return SYSC_NATIVE;
}

static void set_tid_address_exit(struct task *t, struct sysc *sc)
{
	sc->ret = task_pid_vnr(t);
}

/* The host records the address (for CLEARTID on exit); the guest gets its guest tid. */
long sys_set_tid_address(struct task *t, struct sysc *sc)
{
	(void)t;
	sc->on_exit = set_tid_address_exit;
	return SYSC_NATIVE;
}
