/*
 * Syscall dispatch: from a seccomp stop to a handler and back.
 *
 * A trapped syscall ends one of three ways: umk completes it without the host
 * (the syscall is skipped and the result placed in the return register),
 * umk hands it to the host (possibly with rewritten arguments; then it asks
 * for the syscall-exit stop to put the guest's registers back and fix the
 * result), or the task sleeps on a umk wait queue and its handler runs again
 * when woken. Nothing here blocks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ptrace.h>
#include "umk/arch.h"
#include "umk/uaccess.h"
#include "umk/inject.h"
#include "umk/jobctl.h"
#include "umk/launch.h"
#include "umk/mm.h"
#include "umk/loop.h"
#include "umk/seccomp.h"
#include "umk/syscall.h"
#include "umk/proc.h"
#include "umk/signal.h"
#include "umk/trace.h"
#include "umk/umk.h"
#include <sys/syscall.h>

/* Kernel-internal: "restart the syscall, or EINTR if a handler says so". */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513

static bool trace_this(const struct sysc *sc)
{
	if (config.trace >= 2)
		return true;
	return config.trace == 1 && (!sc->desc || sc->desc->cls != SC_NATIVE);
}

static void log_unknown(long nr)
{
	static unsigned char seen[SYSCALL_MAX];
	static bool seen_other;	/* numbers past the table: one line for all */

	if (nr >= 0 && nr < SYSCALL_MAX) {
		if (seen[nr])
			return;
		seen[nr] = 1;
	} else {
		if (seen_other)
			return;
		seen_other = true;
	}
	umk_log("guest used unsupported syscall %s (%ld): ENOSYS", syscall_name(nr), nr);
}

/* Complete the syscall without the host. */
void syscall_return(struct task *t, long ret)
{
	struct sysc *sc = &t->sys;
	bool changed = true, run;

	arch_skip_syscall(&sc->regs, ret);
	if (trace_this(sc))
		trace_exit(t, ret);
	sc->exit_pending = false;
	/* Back to guest code: pending signals first (the restart rules apply
	 * to the guest's own syscall; rt_sigreturn's registers are final). */
	run = signal_return_to_user(t, &sc->regs, sc->sigreturn ? -1 : sc->orig_nr, &changed);
	arch_regs_store(t->host_tid, &sc->regs);
	if (!run)
		return;
	t->state = TASK_RUNNING;
	ptrace(PTRACE_CONT, t->host_tid, 0, 0);
}

/*
 * Let the host run it. Rewritten arguments must be given back to the guest
 * afterwards (the ABI preserves argument registers): through the stub's
 * trampoline when the call cannot come back asking for a restart, else at
 * the syscall-exit stop, which umk also asks for when it must see the end.
 */
static void syscall_native(struct task *t)
{
	struct sysc *sc = &t->sys;
	bool tramp = false;

	if (sc->args_dirty) {
		arch_set_syscall_nr(&sc->regs, sc->nr);
		for (int i = 0; i < 6; i++)
			arch_set_syscall_arg(&sc->regs, i, sc->args[i]);
		if (sc->tramp_ok && sc->retry_on && !sc->on_exit && !trace_this(sc) &&
		    inject_tramp_prepare_retry(t, (uint64_t)sc->retry_on)) {
			tramp = true;
		} else if (sc->tramp_ok && !sc->retry_on && !sc->on_exit && !trace_this(sc) &&
			   inject_tramp_prepare(t)) {
			tramp = true;
			if (sc->override)
				arch_tramp_override(mm_scratch_ptr(t), sc->ov[0], sc->ov[1], sc->ov[2]);
		}
	}
	if (sc->args_dirty || sc->regs_moved)
		arch_regs_store(t->host_tid, &sc->regs);
	sc->native = true;
	sc->exit_pending = (sc->args_dirty && !tramp) || sc->on_exit || trace_this(sc);
	t->state = TASK_RUNNING;
	ptrace(sc->exit_pending ? PTRACE_SYSCALL : PTRACE_CONT, t->host_tid, 0, 0);
	/* A signal is waiting: a blocking call must not block, and the signal
	 * is delivered when the call returns (its interrupt stop). */
	if (signal_pending(t))
		signal_wake_up(t);
}

static void run_handler(struct task *t)
{
	struct sysc *sc = &t->sys;
	long ret = sc->desc->handler(t, sc);

	/* The guest may now ignore or block SIGTTIN/SIGTTOU where the host
	 * does not, or the reverse: the host's terminal must know. */
	if (ret != SYSC_NATIVE && ret != SYSC_SLEEP && !sc->exec_done && !t->inj.dead)
		jobctl_sync_signals(t);

	/* Injections ran: the thread now sits at the stub's marker stop, which
	 * the guest's syscall is finished from like the original stop. */
	if (t->inj.active) {
		inject_end(t);
		sc->regs_moved = true;
		if (t->inj.dead) {
			t->state = TASK_RUNNING;	/* its death report is queued */
			return;
		}
		if (t->stop != STOP_SECCOMP && (ret == SYSC_NATIVE || ret == SYSC_SLEEP))
			ret = -ENOMEM;	/* not at a syscall entry any more */
	}

	if (ret == SYSC_SLEEP) {
		if (!signal_pending(t))
			return;
		/* A signal interrupts the sleep, as an interruptible wait in Linux. */
		task_unsleep(t);
		ret = sc->intr_ret ? sc->intr_ret : -ERESTARTSYS;
		if (sc->on_intr)
			sc->on_intr(t, sc);
	}
	if (ret == SYSC_NATIVE)
		syscall_native(t);
	else
		syscall_return(t, ret);
}

void syscall_enter(struct task *t)
{
	struct sysc *sc = &t->sys;
	const struct syscall_desc *d;

	free(sc->path);
	sc->path = NULL;
	sc->args_dirty = sc->native = sc->exec_done = sc->exit_pending = false;
	sc->regs_moved = sc->tramp_ok = sc->override = sc->restart = false;
	sc->retry_on = 0;
	sc->scratch_used = 0;
	sc->intr_ret = 0;
	sc->on_intr = NULL;
	sc->sigreturn = false;
	sc->timeout_ns = 0;
	sc->native_intr = false;
	memset(&sc->u, 0, sizeof(sc->u));
	t->stop = STOP_SECCOMP;
	sc->on_exit = NULL;
	if (arch_regs_fetch(t->host_tid, &sc->regs) < 0) {
		t->state = TASK_RUNNING;	/* gone (SIGKILL); its death report follows */
		return;
	}
	t->state = TASK_TRAPPED;
	sc->nr = sc->orig_nr = arch_syscall_nr(&sc->regs);
	/* The first guest's execve (with --trace=all, the launch child's last
	 * calls before it trap too, and the listener is not in place yet). */
	if (inject_listener() < 0 && sc->nr == SYS_execve)
		launch_adopt(t);
	for (int i = 0; i < 6; i++)
		sc->args[i] = sc->orig_args[i] = arch_syscall_arg(&sc->regs, i);
	sc->desc = d = syscall_lookup(sc->nr);
	if (proc_writes_open)
		proc_flush_writes();
	if (trace_this(sc))
		trace_enter(t);

	if (!d || d->cls == SC_UNKNOWN) {
		log_unknown(sc->nr);
		syscall_return(t, -ENOSYS);
		return;
	}
	switch (d->cls) {
	case SC_NATIVE:
		/* Trapped for a descriptor at or above umk's reserved base (the
		 * filter's guard), under --trace=all, or by a guest's own filter. */
		if (seccomp_fd_guarded(sc->nr))
			for (int i = 0; i < 6 && d->args[i]; i++)
				if (d->args[i] == 'i' && (uint32_t)sc->args[i] >= UMK_FD_BASE &&
				    (int32_t)sc->args[i] >= 0) {
					syscall_return(t, -EBADF);
					return;
				}
		syscall_native(t);
		break;
	case SC_DENIED:
		syscall_return(t, -d->deny_errno);
		break;
	default:
		run_handler(t);
		break;
	}
}

void syscall_rerun(struct task *t)
{
	t->state = TASK_TRAPPED;
	run_handler(t);
}

/*
 * Sleeping where host signals reach the task. A task held in a ptrace stop
 * cannot notice a signal the host generates for it (a timer, the terminal,
 * another host process), so a sleeper still waiting after SLEEP_GRACE_NS is
 * let run into ppoll(NULL, 0, NULL, NULL), which blocks until a signal. It
 * stays on its wait queue: when its wait may be over, umk interrupts it
 * (PTRACE_INTERRUPT ends the ppoll at a syscall-exit stop) and runs the
 * handler again there. If a signal ended the sleep and the wait is not over,
 * the call returns -ERESTARTSYS under the guest's own syscall number, so the
 * host's signal code does what Linux does: restart it, or fail it with EINTR
 * when the handler lacks SA_RESTART.
 */
void syscall_sleep_native(struct task *t)
{
	struct sysc *sc = &t->sys;

	list_del(&t->held_node);
	t->state = TASK_SLEEPING_NATIVE;
	sc->nr = SYS_ppoll;
	memset(sc->args, 0, sizeof(sc->args));
	sc->args[4] = 8;	/* sigsetsize */
	if (sc->timeout_ns) {
		/* A timed wait (sigtimedwait): the host's sleep ends at the
		 * deadline, and the handler runs again at its exit. */
		uint64_t now = umk_now_ns(), left = sc->timeout_ns > now ? sc->timeout_ns - now : 0;
		struct timespec ts = { (time_t)(left / 1000000000ULL), (long)(left % 1000000000ULL) };
		uint64_t sp = arch_stack_pointer(&sc->regs), addr;

		if (push_to_guest_stack(t, &sp, &ts, sizeof(ts), &addr) == 0)
			sc->args[2] = addr;
	}
	sc->args_dirty = true;
	arch_set_syscall_nr(&sc->regs, sc->nr);
	for (int i = 0; i < 6; i++)
		arch_set_syscall_arg(&sc->regs, i, sc->args[i]);
	arch_regs_store(t->host_tid, &sc->regs);
	sc->exit_pending = true;
	ptrace(PTRACE_SYSCALL, t->host_tid, 0, 0);
}

/* Its wait may be over: end the native sleep (the task stays SLEEPING_NATIVE
 * until its syscall-exit stop). */
void syscall_kick(struct task *t)
{
	ptrace(PTRACE_INTERRUPT, t->host_tid, 0, 0);
}

/* At the exit stop of a native sleep: finish the guest's syscall or restart it. */
static long native_sleep_done(struct task *t)
{
	struct sysc *sc = &t->sys;
	long ret;

	task_unsleep(t);
	sc->nr = sc->orig_nr;
	memcpy(sc->args, sc->orig_args, sizeof(sc->args));
	t->state = TASK_TRAPPED;
	ret = sc->desc->handler(t, sc);
	if (ret == SYSC_SLEEP) {
		task_unsleep(t);
		if (signal_pending(t)) {
			ret = sc->intr_ret ? sc->intr_ret : -ERESTARTSYS;
			if (sc->on_intr)
				sc->on_intr(t, sc);
		} else {
			/* Nothing for it after all: run the guest's call again
			 * from its start, which sleeps again (held first). */
			ret = -ERESTARTNOINTR;
			if (sc->on_intr)
				sc->on_intr(t, sc);
		}
	}
	return ret;
}

/* Does the host hold a signal for tid (its delivery stop is to come)? */
static bool host_signal_pending(pid_t tid)
{
	char path[64], line[128];
	bool pending = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if ((sscanf(line, "SigPnd: %llx", &v) == 1 || sscanf(line, "ShdPnd: %llx", &v) == 1) &&
		    v)
			pending = true;
	}
	fclose(f);
	return pending;
}

/*
 * The stop that follows a native sleep the host interrupted (see
 * syscall_exit): by now a host signal that ended it is umk's, so the
 * handler sees it (sigtimedwait takes it); finish or restart the call.
 */
void syscall_sleep_interrupted(struct task *t)
{
	struct sysc *sc = &t->sys;
	bool changed = true;
	long ret;

	sc->native_intr = false;
	if (arch_regs_fetch(t->host_tid, &sc->regs) < 0) {
		t->state = TASK_RUNNING;
		return;
	}
	ret = native_sleep_done(t);
	sc->ret = ret;
	arch_set_return_value(&sc->regs, ret);
	if (trace_this(sc))
		trace_exit(t, ret);
	if (!signal_return_to_user(t, &sc->regs, sc->orig_nr, &changed)) {
		arch_regs_store(t->host_tid, &sc->regs);
		return;
	}
	arch_regs_store(t->host_tid, &sc->regs);
	t->state = TASK_RUNNING;
	ptrace(PTRACE_CONT, t->host_tid, 0, 0);
}

/* Held sleepers whose grace period is over sleep natively; returns the ms
 * until the next one is due, or -1 when none is held. */
int syscall_expire_sleepers(void)
{
	uint64_t now = umk_now_ns(), next = UINT64_MAX;
	struct task *t, *n;

	list_for_each_entry_safe(t, n, &kernel.held, held_node) {
		uint64_t due = t->sleep_deadline;

		if (t->sys.timeout_ns && t->sys.timeout_ns < due)
			due = t->sys.timeout_ns;
		if (due > now) {
			if (due < next)
				next = due;
			continue;
		}
		if (t->sys.timeout_ns && t->sys.timeout_ns <= now) {
			/* Its time is up: the handler says what that means. */
			task_unsleep(t);
			syscall_rerun(t);
		} else {
			syscall_sleep_native(t);
		}
		/* Handlers may have moved other sleepers: start again. */
		return syscall_expire_sleepers();
	}
	return next == UINT64_MAX ? -1 : (int)((next - now + 999999) / 1000000);
}

void syscall_exit(struct task *t)
{
	struct sysc *sc = &t->sys;
	bool changed = false;

	long host_ret;
	bool host_sig;

	sc->exit_pending = false;
	if (arch_regs_fetch(t->host_tid, &sc->regs) < 0)
		return;
	sc->ret = host_ret = arch_return_value(&sc->regs);
	/* The host interrupted the call: for a host signal, a delivery stop
	 * follows, where it becomes umk's; umk's own PTRACE_INTERRUPT is used
	 * up by this stop (any trap consumes it). */
	host_sig = signal_is_restart_code(host_ret) && host_signal_pending(t->host_tid);
	if (t->state == TASK_SLEEPING_NATIVE) {
		/* (A ppoll with a timeout says EINTR, not ERESTARTNOHAND.) */
		if (host_sig || (host_ret == -EINTR && host_signal_pending(t->host_tid))) {
			/* The host interrupted the sleep: its signal becomes umk's
			 * at the next stop, where the call is finished. */
			sc->native_intr = true;
			arch_set_syscall_nr(&sc->regs, sc->orig_nr);
			for (int i = 0; i < 6; i++)
				arch_set_syscall_arg(&sc->regs, i, sc->orig_args[i]);
			arch_regs_store(t->host_tid, &sc->regs);
			ptrace(PTRACE_CONT, t->host_tid, 0, 0);
			return;
		}
		sc->ret = native_sleep_done(t);
		arch_set_return_value(&sc->regs, sc->ret);
		changed = true;
	}
	if (sc->args_dirty && !sc->exec_done) {
		/* The ABI preserves argument registers: give back the guest's own,
		 * and its own syscall number in case the call is restarted. */
		arch_set_syscall_nr(&sc->regs, sc->orig_nr);
		for (int i = 0; i < 6; i++)
			arch_set_syscall_arg(&sc->regs, i, sc->orig_args[i]);
		changed = true;
	}
	if (sc->override) {
		sc->ret = (uint64_t)sc->ret == sc->ov[0] ? (long)sc->ov[1] : (long)sc->ov[2];
		arch_set_return_value(&sc->regs, sc->ret);
		changed = true;
	}
	if (sc->on_exit) {
		long before = sc->ret;

		sc->on_exit(t, sc);
		if (sc->ret != before) {
			arch_set_return_value(&sc->regs, sc->ret);
			changed = true;
		}
	}
	if (sc->restart) {
		/* Back to the guest's syscall instruction, which traps again. */
		arch_restart_syscall(&sc->regs, sc->orig_nr);
		changed = true;
	}
	if (trace_this(sc))
		trace_exit(t, sc->ret);
	/*
	 * Signals. When the host interrupted the call (a host signal, or umk's
	 * PTRACE_INTERRUPT), another stop follows on the way to user mode, and
	 * the restart rules are applied there, once the host signal is umk's.
	 */
	if (!(host_sig && signal_is_restart_code(sc->ret)) &&
	    !signal_return_to_user(t, &sc->regs, sc->restart ? -1 : sc->orig_nr, &changed)) {
		if (changed)
			arch_regs_store(t->host_tid, &sc->regs);
		return;
	}
	if (changed)
		arch_regs_store(t->host_tid, &sc->regs);
	t->state = TASK_RUNNING;
	ptrace(PTRACE_CONT, t->host_tid, 0, 0);
}

const char *sys_class_name(enum sys_class c)
{
	switch (c) {
	case SC_NATIVE: return "native";
	case SC_EMULATED: return "emulated";
	case SC_TRANSLATED: return "translated";
	case SC_DENIED: return "denied";
	default: return "unsupported";
	}
}

void syscall_table_doc(FILE *f)
{
	int counts[5] = { 0 };

	for (int nr = 0; nr < SYSCALL_MAX; nr++)
		if (syscall_names[nr])
			counts[syscall_table[nr].cls]++;
	fprintf(f, "# Syscall coverage (x86-64)\n\n"
		   "Generated from the syscall table by `umk --syscall-table`; do not edit.\n\n"
		   "| class | meaning | count |\n|---|---|---|\n"
		   "| native | allowed by the seccomp filter, never trapped | %d |\n"
		   "| emulated | implemented by umk against its own state | %d |\n"
		   "| translated | umk rewrites pids, paths or results; the host runs it | %d |\n"
		   "| denied | never reaches the host; fails with the errno shown | %d |\n"
		   "| unsupported | trapped, fails with ENOSYS, logged once | %d |\n\n"
		   "| nr | syscall | class | errno | note |\n|---|---|---|---|---|\n",
		counts[SC_NATIVE], counts[SC_EMULATED], counts[SC_TRANSLATED], counts[SC_DENIED],
		counts[SC_UNKNOWN]);
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_desc *d = &syscall_table[nr];

		if (!syscall_names[nr])
			continue;
		fprintf(f, "| %d | %s | %s | %s | %s |\n", nr, syscall_names[nr],
			sys_class_name(d->cls),
			d->cls == SC_DENIED ? strerrorname_np(d->deny_errno)
					    : d->cls == SC_UNKNOWN ? "ENOSYS" : "",
			d->note ? d->note : "");
	}
}
