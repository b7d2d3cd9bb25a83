/*
 * Signals: tests/guest/signals prints one line per fact about generation,
 * delivery, the x86-64 signal frame and sigreturn, masks, restarts, waits,
 * job control, timers, signalfd and pidfds, one section per run, natively
 * and under umk; Linux is the specification, so the two outputs (and exit
 * statuses) must be the same.
 *
 * The native half runs as pid 1 of a new pid namespace (unshare -pf, with -r
 * when not root), as the guest does under umk. Nothing in the program needs
 * root, so every section runs either way; umk runs as the caller (flags 0).
 * The output holds no addresses, pids or times, only relations and coarse
 * facts, and each run of a section prints the same on one machine: what
 * depends on the CPU (the xsave layout and size in framedump, whether
 * avx512 is there in fpregs, the altoverflow depth with a MINSIGSTKSZ
 * stack) is the same natively and under umk. A core_pattern that pipes
 * into a helper would print "(core dumped)" natively for the core-dumping
 * signals (the program sets RLIMIT_CORE to 0, which only a file pattern
 * obeys).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include "harness.h"

#define SIGNALS "/usr/local/bin/signals"
#define TIMEOUT 30

/* Run `signals section` natively and under umk: the native run must have
 * worked, and umk's stdout and exit status must equal it. */
static void signals_same(const char *section)
{
	struct run_result nat, umk;
	char head[64], what[64];

	ck_assert_int_eq(h_native(&nat, TIMEOUT, ARGV(SIGNALS, section)), 0);
	ck_assert_msg(!nat.timed_out, "signals %s: native run timed out", section);
	/* The program itself must be right about Linux: it ran to the end
	 * (the exec section ends in exec2's run) without its watchdog or a
	 * failed setup, and printed something for the section. */
	snprintf(head, sizeof(head), "== %s\n", section);
	ck_assert_msg(nat.code == 0 && !strncmp(nat.out, head, strlen(head)) &&
		      nat.out_len > 5 && !strcmp(nat.out + nat.out_len - 5, "done\n") &&
		      !strstr(nat.out, "\nsetup ") && !strstr(nat.out, "watchdog:") &&
		      nat.out_len > 100,
		      "signals %s: native run failed: exit %d\n--- stdout:\n%s--- stderr:\n%s",
		      section, nat.code, nat.out, nat.err);

	ck_assert_int_eq(h_umk(&umk, 0, TIMEOUT, NULL, ARGV(SIGNALS, section)), 0);
	snprintf(what, sizeof(what), "signals %s", section);
	h_check_same_output(what, &nat, &umk);
	h_free(&nat);
	h_free(&umk);
}

/* siginfo from kill, sigqueue, tgkill, tkill, raise, rt_sigqueueinfo (its
 * claimed si_pid kept; other processes refuse codes >= 0 and SI_TKILL),
 * from a child; kill/tgkill/rt_sigaction/rt_sigprocmask/rt_sigpending
 * errors; SIGKILL and SIGSTOP never blocked. */
START_TEST(test_signal_info)
{
	signals_same("info");
}
END_TEST

/* The mask inside a handler (sa_mask, the signal itself unless
 * SA_NODEFER, the mask at delivery) and a handler's own signal sent from
 * inside it: nested at once with SA_NODEFER, after the return without. */
START_TEST(test_signal_nodefer)
{
	signals_same("nodefer");
}
END_TEST

/* SA_RESETHAND: SIG_DFL on entry (the other flags stay); it does not imply
 * SA_NODEFER: a second one sent from the handler is held until it returns,
 * then kills. */
START_TEST(test_signal_resethand)
{
	signals_same("resethand");
}
END_TEST

/* sigaltstack: errors, the handler's stack, the SS_ONSTACK query and EPERM
 * inside, nesting further down, uc_stack as set (raw flags), restored by
 * sigreturn, SS_DISABLE, SS_AUTODISARM. */
START_TEST(test_signal_altstack)
{
	signals_same("altstack");
}
END_TEST

/* A SA_NODEFER handler recursing on a 16 KiB and a MINSIGSTKSZ altstack
 * with guard pages: killed by SIGSEGV when the frames do not fit. */
START_TEST(test_signal_altoverflow)
{
	signals_same("altoverflow");
}
END_TEST

/* A SIGSEGV handler skips the fault by editing rip and sets rax, rdx, r15,
 * CF and uc_sigmask; trapno/err/cr2; SIGILL from ud2; fpregs edits
 * (xmm3, MXCSR) take effect at sigreturn. */
START_TEST(test_signal_mcontext)
{
	signals_same("mcontext");
}
END_TEST

/* x87 (control word and stack), MXCSR, xmm0-15, ymm upper halves, zmm and
 * k registers survive a handler that clobbers them all, synchronously and
 * under a 1 ms timer while an asm loop checks them. */
START_TEST(test_signal_fpregs)
{
	signals_same("fpregs");
}
END_TEST

/* sigreturn with a corrupted frame: fpstate copied elsewhere (aligned:
 * restored from the copy; misaligned: SIGSEGV), unmapped, NULL (FPU reset),
 * magic1 0 (FXSAVE-only restore), reserved xstate_bv bit, CS 0, SS 0 with
 * and without UC_STRICT_RESTORE_SS, non-canonical rip; rt_sigreturn on a
 * zeroed stack. */
START_TEST(test_signal_badframe)
{
	signals_same("badframe");
}
END_TEST

/* The rt_sigframe as the handler finds it: rsp%16 at entry, the restorer
 * as return address, the offsets of ucontext, siginfo and fpstate,
 * uc_flags, uc_stack, uc_sigmask, the registers at the syscall, the xsave
 * software bytes, header and register images. */
START_TEST(test_signal_framedump)
{
	signals_same("framedump");
}
END_TEST

/* SA_RESTART and EINTR for read and wait4; ignored and blocked signals do
 * not interrupt; nanosleep, clock_nanosleep, poll, select, pause never
 * restart; a stopped and continued sleep or read goes on. */
START_TEST(test_signal_restart)
{
	signals_same("restart");
}
END_TEST

/* sigsuspend's temporary mask (in the handler, restored after), a pending
 * signal, SA_RESTART, ignored signals; pause. */
START_TEST(test_signal_suspend)
{
	signals_same("suspend");
}
END_TEST

/* rt_sigtimedwait: codes, timeouts, bad timespecs and sizes, EFAULT losing
 * the signal, lowest first, a waker process, EINTR from a handled signal. */
START_TEST(test_signal_timedwait)
{
	signals_same("timedwait");
}
END_TEST

/* Order of pending signals at unblock (lowest first one at a time with full
 * sa_masks; last frame first with empty ones), FIFO real-time queues,
 * merged standard signals; RLIMIT_SIGPENDING. */
START_TEST(test_signal_rtorder)
{
	signals_same("rtorder");
}
END_TEST

/* CPU faults: si_code, si_addr, rip, trapno, err and cr2 for page faults
 * of every kind, #GP, #DE, #XM, #UD, #BP, SIGBUS past EOF; faults are
 * fatal when blocked, ignored or nested in their handler. */
START_TEST(test_signal_faults)
{
	signals_same("faults");
}
END_TEST

/* kill(-pgid) reaches a whole group; ESRCH for empty and missing groups;
 * kill(pid, 0) on running, zombie and reaped children. */
START_TEST(test_signal_pgrp)
{
	signals_same("pgrp");
}
END_TEST

/* SIGCHLD for stop, continue, exit and kill, SA_NOCLDSTOP (no stop or
 * continue notification), SA_NOCLDWAIT and SIG_IGN (no zombies, wait
 * ECHILD after the last child), a zombie from before SIG_IGN, a clone
 * with another exit signal. */
START_TEST(test_signal_sigchld)
{
	signals_same("sigchld");
}
END_TEST

/* Stops and continues seen by waitpid and waitid, SIGTSTP/SIGTTIN in own
 * and orphaned groups, with a handler, SIGKILL of a stopped child,
 * handlers held while stopped, stop and continue cancelling each other. */
START_TEST(test_signal_stopcont)
{
	signals_same("stopcont");
}
END_TEST

/* Default actions of every signal in a child; ignored ones interrupt
 * nothing; SIGPIPE and SIGXFSZ fatal or EPIPE and EFBIG; SIGKILL and
 * SIGSTOP whatever the dispositions. */
START_TEST(test_signal_default)
{
	signals_same("default");
}
END_TEST

/* signalfd: reads, poll, sizes, flags, mask updates, errors, a blocking
 * read woken by another process. */
START_TEST(test_signal_signalfd)
{
	signals_same("signalfd");
}
END_TEST

/* setitimer/getitimer, alarm, POSIX timers: SI_TIMER siginfo, overruns,
 * SIGEV_THREAD_ID, SIGEV_NONE, errors. */
START_TEST(test_signal_timers)
{
	signals_same("timers");
}
END_TEST

/* pidfd_open and pidfd_send_signal: with and without siginfo, the codes
 * another process may not claim, errors, to itself, zombie and reaped. */
START_TEST(test_signal_pidfd)
{
	signals_same("pidfd");
}
END_TEST

/* ppoll, pselect, epoll_pwait, epoll_pwait2: the temporary mask, EINTR, and
 * a signal it blocks handled as the call returns. */
START_TEST(test_signal_ppoll)
{
	signals_same("ppoll");
}
END_TEST

/* 2000 queued real-time signals in order, 5000 merged SIGUSR1s, a second
 * of signals both ways. */
START_TEST(test_signal_storm)
{
	signals_same("storm");
}
END_TEST

/* execve keeps pending, queued and blocked signals, ignored dispositions
 * (flags cleared) and alarms; resets handlers, the altstack, POSIX timers. */
START_TEST(test_signal_exec)
{
	signals_same("exec");
}
END_TEST

/* pid 1 of the namespace: unhandled signals from inside are dropped, even
 * SIGKILL and SIGSTOP from itself or a child; handled ones are handled. */
START_TEST(test_signal_init)
{
	signals_same("init");
}
END_TEST

START_TEST(test_signal_orphan)
{
	signals_same("orphan");
}
END_TEST

Suite *suite_signal(void)
{
	Suite *s = suite_create("signal");
	TCase *tc = tcase_create("signal");

	tcase_add_test(tc, test_signal_info);
	tcase_add_test(tc, test_signal_nodefer);
	tcase_add_test(tc, test_signal_resethand);
	tcase_add_test(tc, test_signal_altstack);
	tcase_add_test(tc, test_signal_altoverflow);
	tcase_add_test(tc, test_signal_mcontext);
	tcase_add_test(tc, test_signal_fpregs);
	tcase_add_test(tc, test_signal_badframe);
	tcase_add_test(tc, test_signal_framedump);
	tcase_add_test(tc, test_signal_restart);
	tcase_add_test(tc, test_signal_suspend);
	tcase_add_test(tc, test_signal_timedwait);
	tcase_add_test(tc, test_signal_rtorder);
	tcase_add_test(tc, test_signal_faults);
	tcase_add_test(tc, test_signal_pgrp);
	tcase_add_test(tc, test_signal_sigchld);
	tcase_add_test(tc, test_signal_stopcont);
	tcase_add_test(tc, test_signal_default);
	tcase_add_test(tc, test_signal_signalfd);
	tcase_add_test(tc, test_signal_timers);
	tcase_add_test(tc, test_signal_pidfd);
	tcase_add_test(tc, test_signal_ppoll);
	tcase_add_test(tc, test_signal_storm);
	tcase_add_test(tc, test_signal_exec);
	tcase_add_test(tc, test_signal_init);
	tcase_add_test(tc, test_signal_orphan);
	tcase_set_timeout(tc, 90);
	suite_add_tcase(s, tc);
	return s;
}
