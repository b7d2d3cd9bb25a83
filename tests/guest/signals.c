/*
 * Signals: generation, delivery, the x86-64 signal frame, sigreturn, masks,
 * restarts, waits, job control, timers, signalfd and pidfds. One section per
 * run, one line per fact, natively and under umk: Linux is the specification,
 * so the two outputs must be the same.
 *
 *     signals info|nodefer|resethand|altstack|altoverflow|mcontext|fpregs|
 *             badframe|framedump|restart|suspend|timedwait|rtorder|faults|
 *             pgrp|sigchld|stopcont|default|signalfd|timers|pidfd|ppoll|
 *             storm|exec|init
 *
 * The program runs as pid 1 of its pid namespace (natively under unshare -pf,
 * and under umk), so it ignores every signal it has no handler for, even
 * SIGKILL from itself: whatever must die runs in a forked child.
 *
 * Nothing that legitimately differs between runs is printed: no addresses,
 * pids or times, only relations ("pid=child", "uid==getuid: yes") and coarse
 * facts ("rem>1s: yes"). What depends on the CPU (the xsave layout, AVX-512)
 * is the same natively and under umk on one machine. Every wait is bounded:
 * a 10 s alarm() in main is the watchdog (exit 99; sections that use SIGALRM
 * themselves rearm it when done), and signals between processes are sent
 * well after the receiver is ready, or while it has them blocked. A section
 * ends with "done" and exit 0; a failed setup prints "setup ..." and exits 3.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <stddef.h>

#define WATCHDOG_S 10
#define KMINSIGSTKSZ 2048	/* the kernel's, not glibc's sysconf-based MINSIGSTKSZ */
#define SA_RESTORER_ 0x04000000	/* glibc sets it on every sigaction */
#define RTMIN SIGRTMIN		/* glibc's (34): 32 and 33 are its own */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#ifndef FPE_FLTUNK
#define FPE_FLTUNK 14
#endif

static const char *self_path;	/* argv[0], for the exec section */
static int *volatile nullp;	/* NULL, hidden from the compiler */

/* The kernel's struct sigaction (rt_sigaction), for what glibc would hide. */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

/* ---- printing ------------------------------------------------------------ */

static long pr(const char *what, long r)
{
	int e = errno;

	if (r < 0)
		printf("%s = %s\n", what, strerrorname_np(e));
	else
		printf("%s = %ld\n", what, r);
	errno = e;
	return r;
}

#define T(...) pr(#__VA_ARGS__, (long)(__VA_ARGS__))
#define TL(label, ...) pr(label, (long)(__VA_ARGS__))

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

/* "SIGUSR1", "SIGRTMIN+2", "SIG32": a few rotating buffers, so several
 * names fit in one printf. */
static const char *sig_name(int s)
{
	static char buf[8][16];
	static int n;
	char *b = buf[n++ % 8];
	const char *a;

	if (s >= RTMIN && s <= SIGRTMAX)
		snprintf(b, 16, s == RTMIN ? "SIGRTMIN" : "SIGRTMIN+%d", s - RTMIN);
	else if (s > 0 && s < RTMIN && (a = sigabbrev_np(s)))
		snprintf(b, 16, "SIG%s", a);
	else
		snprintf(b, 16, "SIG%d", s);
	return b;
}

static const char *code_name(int sig, int code)
{
	static char buf[4][24];
	static int n;
	char *b;

	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TIMER: return "SI_TIMER";
	case SI_MESGQ: return "SI_MESGQ";
	case SI_ASYNCIO: return "SI_ASYNCIO";
	case SI_SIGIO: return "SI_SIGIO";
	case SI_TKILL: return "SI_TKILL";
	}
	if (sig == SIGSEGV) {
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
		case SEGV_PKUERR: return "SEGV_PKUERR";
		}
	} else if (sig == SIGBUS) {
		switch (code) {
		case BUS_ADRALN: return "BUS_ADRALN";
		case BUS_ADRERR: return "BUS_ADRERR";
		case BUS_OBJERR: return "BUS_OBJERR";
		case BUS_MCEERR_AR: return "BUS_MCEERR_AR";
		}
	} else if (sig == SIGFPE) {
		switch (code) {
		case FPE_INTDIV: return "FPE_INTDIV";
		case FPE_INTOVF: return "FPE_INTOVF";
		case FPE_FLTDIV: return "FPE_FLTDIV";
		case FPE_FLTUNK: return "FPE_FLTUNK";
		}
	} else if (sig == SIGILL) {
		switch (code) {
		case ILL_ILLOPC: return "ILL_ILLOPC";
		case ILL_ILLOPN: return "ILL_ILLOPN";
		case ILL_PRVOPC: return "ILL_PRVOPC";
		}
	} else if (sig == SIGTRAP) {
		switch (code) {
		case TRAP_BRKPT: return "TRAP_BRKPT";
		case TRAP_TRACE: return "TRAP_TRACE";
		}
	} else if (sig == SIGCHLD) {
		switch (code) {
		case CLD_EXITED: return "CLD_EXITED";
		case CLD_KILLED: return "CLD_KILLED";
		case CLD_DUMPED: return "CLD_DUMPED";
		case CLD_TRAPPED: return "CLD_TRAPPED";
		case CLD_STOPPED: return "CLD_STOPPED";
		case CLD_CONTINUED: return "CLD_CONTINUED";
		}
	}
	b = buf[n++ % 4];
	snprintf(b, 24, "code %d", code);
	return b;
}

/* A 64-bit signal mask as names: "{}", "{SIGUSR1 SIGRTMIN}", or for a
 * nearly full one "all but {SIGKILL SIGSTOP}". */
static const char *mask_str(uint64_t m)
{
	static char buf[4][700];
	static int n;
	char *b = buf[n++ % 4];
	bool inv = __builtin_popcountll(m) > 32;
	size_t l = 0;

	if (inv)
		m = ~m;
	l += (size_t)snprintf(b + l, 700 - l, "%s{", inv ? "all but " : "");
	for (int s = 1; s <= 64; s++)
		if (m & (1ULL << (s - 1)))
			l += (size_t)snprintf(b + l, 700 - l, "%s%s", b[l - 1] == '{' ? "" : " ",
					      sig_name(s));
	snprintf(b + l, 700 - l, "}");
	return b;
}

static uint64_t set_bits(const sigset_t *s)
{
	uint64_t m;

	memcpy(&m, s, 8);
	return m;
}

/* The blocked mask as the kernel has it (glibc's sigprocmask would be the
 * same, but the raw call also covers signals 32 and 33). */
static uint64_t kmask(void)
{
	uint64_t m = 0;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
	return m;
}

static uint64_t kpending(void)
{
	uint64_t m = 0;

	syscall(SYS_rt_sigpending, &m, 8);
	return m;
}

static uint64_t bit(int s)
{
	return 1ULL << (s - 1);
}

static const char *flags_str(unsigned long f)
{
	static const struct { unsigned long f; const char *n; } names[] = {
		{ SA_NOCLDSTOP, "SA_NOCLDSTOP" }, { SA_NOCLDWAIT, "SA_NOCLDWAIT" },
		{ SA_SIGINFO, "SA_SIGINFO" }, { SA_ONSTACK, "SA_ONSTACK" },
		{ SA_RESTART, "SA_RESTART" }, { SA_NODEFER, "SA_NODEFER" },
		{ SA_RESETHAND, "SA_RESETHAND" }, { SA_RESTORER_, "SA_RESTORER" },
	};
	static char buf[2][200];
	static int n;
	char *b = buf[n++ % 2];
	size_t l = 0;

	b[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].f) {
			l += (size_t)snprintf(b + l, 200 - l, "%s%s", l ? "|" : "", names[i].n);
			f &= ~names[i].f;
		}
	if (f)
		l += (size_t)snprintf(b + l, 200 - l, "%s%#lx", l ? "|" : "", f);
	if (!l)
		snprintf(b, 200, "0");
	return b;
}

/* The disposition of s as the kernel has it: handler kind, flags, mask. */
static void show_action(const char *label, int s)
{
	struct ksigaction k;
	const char *h;

	if (syscall(SYS_rt_sigaction, s, NULL, &k, 8) < 0) {
		printf("%s: %s\n", label, strerrorname_np(errno));
		return;
	}
	h = k.handler == SIG_DFL ? "SIG_DFL" : k.handler == SIG_IGN ? "SIG_IGN" : "handler";
	printf("%s: %s flags=%s mask=%s\n", label, h, flags_str(k.flags), mask_str(k.mask));
}

static const char *ss_flags_str(int f)
{
	static char buf[2][64];
	static int n;
	char *b = buf[n++ % 2];
	unsigned u = (unsigned)f;

	snprintf(b, 64, "%s%s%s%s", u & SS_ONSTACK ? "SS_ONSTACK " : "",
		 u & SS_DISABLE ? "SS_DISABLE " : "", u & SS_AUTODISARM ? "SS_AUTODISARM " : "",
		 u ? "" : "0 ");
	b[strlen(b) - 1] = 0;
	return b;
}

/* A wait status: "exited 3", "killed by SIGSEGV", "stopped by SIGSTOP". */
static const char *status_str(int st)
{
	static char buf[2][64];
	static int n;
	char *b = buf[n++ % 2];

	if (WIFEXITED(st))
		snprintf(b, 64, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, 64, "killed by %s%s", sig_name(WTERMSIG(st)),
			 WCOREDUMP(st) ? " (core dumped)" : "");
	else if (WIFSTOPPED(st))
		snprintf(b, 64, "stopped by %s", sig_name(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		snprintf(b, 64, "continued");
	else
		snprintf(b, 64, "status %#x", st);
	return b;
}

/* ---- processes, handlers, time ------------------------------------------- */

static void die(const char *what)
{
	printf("setup %s: %s\n", what, strerrorname_np(errno));
	exit(3);
}

static pid_t xfork(void)
{
	pid_t p;

	fflush(stdout);
	p = fork();
	if (p < 0)
		die("fork");
	return p;
}

static void xpipe(int p[2])
{
	if (pipe(p) < 0)
		die("pipe");
}

/* Sleep ms milliseconds even if signals interrupt. */
static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* waitpid, again after EINTR (handlers run without SA_RESTART here). */
static pid_t xwait(pid_t pid, int *st, int flags)
{
	pid_t r;

	while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
		;
	return r;
}

/* Reap pid and print "label: <status>". */
static int reap(const char *label, pid_t pid)
{
	int st = 0;

	if (xwait(pid, &st, 0) != pid) {
		printf("%s: waitpid %s\n", label, strerrorname_np(errno));
		return -1;
	}
	printf("%s: %s\n", label, status_str(st));
	return st;
}

static void on(int s, void (*h)(int), int flags)
{
	struct sigaction sa = { .sa_handler = h, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	if (sigaction(s, &sa, NULL) < 0)
		die("sigaction");
}

static void on_info(int s, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = h, .sa_flags = flags | SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	if (sigaction(s, &sa, NULL) < 0)
		die("sigaction");
}

static void mask_op(int how, uint64_t m)
{
	if (syscall(SYS_rt_sigprocmask, how, &m, NULL, 8) < 0)
		die("rt_sigprocmask");
}

static void block(uint64_t m) { mask_op(SIG_BLOCK, m); }
static void unblock(uint64_t m) { mask_op(SIG_UNBLOCK, m); }
static void setmask(uint64_t m) { mask_op(SIG_SETMASK, m); }

static sigset_t sset(uint64_t m)
{
	sigset_t s;

	sigemptyset(&s);
	for (int i = 1; i <= 64; i++)
		if (m & bit(i))
			sigaddset(&s, i);
	return s;
}

static int tgkill_self(int s)
{
	return (int)syscall(SYS_tgkill, getpid(), gettid(), s);
}

/* The watchdog: a hang fails the section instead of blocking the test. */
static void on_watchdog(int s)
{
	static const char msg[] = "watchdog: section timed out\n";

	(void)s;
	write(1, msg, sizeof(msg) - 1);
	_exit(99);
}

static unsigned watchdog_on(void)
{
	on(SIGALRM, on_watchdog, 0);
	return alarm(WATCHDOG_S);
}

static unsigned alarm_at_start;	/* what an alarm inherited through exec had left */

static void watchdog_off(void)
{
	alarm(0);
	on(SIGALRM, SIG_DFL, 0);
}

/* Counting handlers and a small async-signal-safe event log. */
static volatile sig_atomic_t hits[65];
static siginfo_t last_info[65];

static void h_count(int s)
{
	hits[s]++;
}

static void h_info(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	last_info[s] = *si;
	hits[s]++;
}

static struct { int sig, val, code; } evlog[64];
static volatile int nev;

static void h_log(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	if (nev < 64) {
		evlog[nev].sig = s;
		evlog[nev].code = si->si_code;
		evlog[nev].val = si->si_value.sival_int;
		nev++;
	}
	hits[s]++;
}

static void reset_counts(void)
{
	memset((void *)hits, 0, sizeof(hits));
	nev = 0;
}

/* Wait, with sigsuspend(empty mask), until hits[s] reaches n; s must be
 * blocked (or keep coming), or it could arrive between test and wait. */
static void wait_hits(int s, int n)
{
	uint64_t empty = 0;

	while (hits[s] < n)
		syscall(SYS_rt_sigsuspend, &empty, 8);
}

/* Relations of a siginfo's sender to known pids. */
static const char *who(pid_t p, pid_t child)
{
	if (p == getpid())
		return "self";
	if (child && p == child)
		return "child";
	if (p == getppid())
		return "parent";
	if (p == 0)
		return "0";
	return "other";
}

/* ---- info: siginfo from every way of sending ----------------------------- */

static void show_si(const char *label, int s, pid_t child)
{
	siginfo_t *si = &last_info[s];

	printf("%s: signo=%s errno=%d code=%s pid=%s uid==getuid: %s", label,
	       sig_name(si->si_signo), si->si_errno, code_name(s, si->si_code),
	       who(si->si_pid, child), yesno(si->si_uid == getuid()));
	if (si->si_code == SI_QUEUE)
		printf(" value=%d", si->si_value.sival_int);
	printf("\n");
}

static long rt_sigqueueinfo_(pid_t pid, int s, int code, int val)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = s;
	si.si_code = code;
	si.si_pid = 12345;	/* a sender's claims: the kernel keeps them */
	si.si_uid = 777;
	si.si_value.sival_int = val;
	return syscall(SYS_rt_sigqueueinfo, pid, s, &si);
}

static void sec_info(void)
{
	struct ksigaction k = { .handler = SIG_IGN };
	pid_t c;

	on_info(SIGUSR1, h_info, 0);
	on_info(RTMIN, h_info, 0);

	/* To itself: delivered before the sending call returns. */
	reset_counts();
	T(kill(getpid(), SIGUSR1));
	printf("handled before kill returned: %s\n", yesno(hits[SIGUSR1] == 1));
	show_si("kill", SIGUSR1, 0);
	T(sigqueue(getpid(), RTMIN, (union sigval){ .sival_int = 42 }));
	show_si("sigqueue", RTMIN, 0);
	T(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
	show_si("tgkill", SIGUSR1, 0);
	T(syscall(SYS_tkill, gettid(), SIGUSR1));
	show_si("tkill", SIGUSR1, 0);
	T(raise(SIGUSR1));
	show_si("raise", SIGUSR1, 0);
	/* rt_sigqueueinfo to oneself may claim anything, even a kernel code. */
	T(rt_sigqueueinfo_(getpid(), SIGUSR1, SI_QUEUE, 5));
	show_si("rt_sigqueueinfo SI_QUEUE", SIGUSR1, 0);
	printf("  claimed si_pid=%d si_uid=%d\n", last_info[SIGUSR1].si_pid,
	       (int)last_info[SIGUSR1].si_uid);
	T(rt_sigqueueinfo_(getpid(), SIGUSR1, SI_KERNEL, 6));
	show_si("rt_sigqueueinfo SI_KERNEL", SIGUSR1, 0);
	printf("hits: SIGUSR1=%d SIGRTMIN=%d\n", hits[SIGUSR1], hits[RTMIN]);

	/* From a child: si_pid is the child. */
	block(bit(SIGUSR1) | bit(RTMIN));
	reset_counts();
	if ((c = xfork()) == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	wait_hits(SIGUSR1, 1);
	show_si("child kill", SIGUSR1, c);
	reap("child", c);
	if ((c = xfork()) == 0) {
		sigqueue(getppid(), RTMIN, (union sigval){ .sival_int = 43 });
		_exit(0);
	}
	wait_hits(RTMIN, 1);
	show_si("child sigqueue", RTMIN, c);
	reap("child", c);
	/* To another process only negative codes other than SI_TKILL pass. */
	if ((c = xfork()) == 0) {
		pid_t pp = getppid();

		TL("  child: rt_sigqueueinfo(parent) SI_USER", rt_sigqueueinfo_(pp, SIGUSR1, SI_USER, 0));
		TL("  child: rt_sigqueueinfo(parent) SI_KERNEL",
		   rt_sigqueueinfo_(pp, SIGUSR1, SI_KERNEL, 0));
		TL("  child: rt_sigqueueinfo(parent) SI_TKILL",
		   rt_sigqueueinfo_(pp, SIGUSR1, SI_TKILL, 0));
		TL("  child: rt_tgsigqueueinfo(parent) SI_USER",
		   syscall(SYS_rt_tgsigqueueinfo, pp, pp, SIGUSR1,
			   &(siginfo_t){ .si_signo = SIGUSR1, .si_code = SI_USER }));
		TL("  child: rt_sigqueueinfo(parent) SI_QUEUE",
		   rt_sigqueueinfo_(pp, SIGUSR1, SI_QUEUE, 44));
		_exit(0);
	}
	wait_hits(SIGUSR1, 2);
	reap("child", c);	/* its lines are out before the parent's */
	show_si("child rt_sigqueueinfo", SIGUSR1, c);
	printf("  claimed si_pid=%d si_uid=%d\n", last_info[SIGUSR1].si_pid,
	       (int)last_info[SIGUSR1].si_uid);
	setmask(0);

	/* Errors. */
	T(kill(getpid(), 0));
	T(kill(getpid(), 65));
	T(kill(getpid(), -1));
	T(kill(99999, 0));
	T(syscall(SYS_tgkill, getpid(), 99999, SIGUSR1));
	T(syscall(SYS_tgkill, 0, gettid(), SIGUSR1));
	T(syscall(SYS_tgkill, getpid(), 0, SIGUSR1));
	T(syscall(SYS_tkill, -1, SIGUSR1));
	T(syscall(SYS_rt_sigaction, SIGKILL, &k, NULL, 8));
	T(syscall(SYS_rt_sigaction, SIGSTOP, &k, NULL, 8));
	T(syscall(SYS_rt_sigaction, SIGKILL, NULL, &k, 8));
	T(syscall(SYS_rt_sigaction, 0, NULL, &k, 8));
	T(syscall(SYS_rt_sigaction, 65, NULL, &k, 8));
	T(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &k, 4));
	T(syscall(SYS_rt_sigprocmask, 3, &(uint64_t){ 0 }, NULL, 8));
	T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &(uint64_t){ 0 }, 4));
	T(syscall(SYS_rt_sigpending, &(uint64_t){ 0 }, 4));
	T(syscall(SYS_rt_sigpending, &(uint64_t[2]){ 0 }, 16));
	/* SIGKILL and SIGSTOP cannot be blocked: silently left out. */
	setmask(~0ULL);
	printf("mask after blocking all: %s\n", mask_str(kmask()));
	setmask(0);
	/* ...nor caught through sa_mask. */
	show_action("SIGKILL action", SIGKILL);
	k = (struct ksigaction){ .handler = SIG_IGN, .mask = ~0ULL };
	T(syscall(SYS_rt_sigaction, SIGUSR2, &k, NULL, 8));
	show_action("SIGUSR2 with sa_mask all", SIGUSR2);
}

/* ---- nodefer: nesting, and the mask inside a handler --------------------- */

static int depth, calls;

/* The first call sends its own signal again: nested (depth 2) or after. */
static void h_nest(int s)
{
	int d = ++depth, c = ++calls;

	printf("  enter call %d at depth %d: mask %s\n", c, d, mask_str(kmask()));
	if (c == 1) {
		tgkill_self(s);
		printf("  raise returned in call %d\n", c);
	}
	printf("  leave call %d\n", c);
	depth--;
}

static void nest_case(const char *label, int flags, uint64_t sa_mask)
{
	struct sigaction sa = { .sa_handler = h_nest, .sa_flags = flags };

	sa.sa_mask = sset(sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	printf("%s:\n", label);
	calls = 0;
	tgkill_self(SIGUSR1);
	printf("  after: mask %s\n", mask_str(kmask()));
}

static void sec_nodefer(void)
{
	nest_case("SA_NODEFER, sa_mask {SIGUSR2}", SA_NODEFER, bit(SIGUSR2));
	nest_case("no flags, sa_mask {SIGUSR2}", 0, bit(SIGUSR2));
	nest_case("SA_NODEFER, sa_mask all", SA_NODEFER, ~0ULL);
	/* The mask in effect at delivery is kept too. */
	block(bit(SIGINT));
	nest_case("no flags, sa_mask {}, SIGINT blocked", 0, 0);
	setmask(0);
}

/* ---- resethand: SA_RESETHAND --------------------------------------------- */

static void h_reset(int s)
{
	printf("  in handler: mask %s\n", mask_str(kmask()));
	show_action("  in handler: action", s);
}

static void h_reset_again(int s)
{
	printf("  child handler: raising again\n");
	tgkill_self(s);
	printf("  child handler: raise returned\n");
}

static void sec_resethand(void)
{
	pid_t c;

	on(SIGUSR1, h_reset, SA_RESETHAND);
	show_action("before", SIGUSR1);
	T(tgkill_self(SIGUSR1));
	show_action("after", SIGUSR1);
	/* With SA_SIGINFO and SA_NODEFER as well. */
	on(SIGUSR1, h_reset, SA_RESETHAND | SA_NODEFER | SA_RESTART);
	T(tgkill_self(SIGUSR1));
	show_action("after (SA_NODEFER|SA_RESTART too)", SIGUSR1);

	/* A second one from inside the handler meets SIG_DFL: where the
	 * child dies tells whether it was held until the handler returned. */
	if ((c = xfork()) == 0) {
		on(SIGUSR1, h_reset_again, SA_RESETHAND);
		tgkill_self(SIGUSR1);
		printf("  child: survived\n");
		_exit(0);
	}
	reap("child raising again in a SA_RESETHAND handler", c);
}

/* ---- altstack: sigaltstack ----------------------------------------------- */

#define ALT_SIZE 65536
static char *alt;		/* the alternate stack */
static struct {
	stack_t cur, uc_stack;
	int cur_r;
	uintptr_t local, nested_local;
	int set_r, set_e, dis_r, dis_e;
	bool nest, change;
} in;

static bool on_alt(uintptr_t a)
{
	return a >= (uintptr_t)alt && a < (uintptr_t)alt + ALT_SIZE;
}

static void h_alt_nested(int s)
{
	volatile char local;

	(void)s;
	in.nested_local = (uintptr_t)&local;
}

static void h_alt(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	volatile char local;
	stack_t n = { .ss_sp = alt, .ss_size = ALT_SIZE };

	(void)s;
	(void)si;
	in.local = (uintptr_t)&local;
	in.cur_r = sigaltstack(NULL, &in.cur);
	in.uc_stack = uc->uc_stack;
	if (in.change) {
		errno = 0;
		in.set_r = sigaltstack(&n, NULL);
		in.set_e = errno;
		n.ss_flags = SS_DISABLE;
		errno = 0;
		in.dis_r = sigaltstack(&n, NULL);
		in.dis_e = errno;
	}
	if (in.nest) {
		in.nest = false;
		tgkill_self(SIGUSR2);
	}
}

static void show_ss(const char *label)
{
	stack_t o;

	if (sigaltstack(NULL, &o) < 0) {
		printf("%s: %s\n", label, strerrorname_np(errno));
		return;
	}
	printf("%s: flags=%s sp==alt: %s size=%zu\n", label, ss_flags_str(o.ss_flags),
	       yesno(o.ss_sp == alt), o.ss_size);
}

#define NEST 1		/* the handler sends SIGUSR2 (SA_ONSTACK too) */
#define CHANGE 2	/* the handler tries to set and disable the altstack */

static void alt_deliver(const char *label, int what)
{
	memset(&in, 0, sizeof(in));
	in.nest = what & NEST;
	in.change = what & CHANGE;
	tgkill_self(SIGUSR1);
	printf("%s:\n", label);
	printf("  handler local on altstack: %s\n", yesno(on_alt(in.local)));
	printf("  sigaltstack query: %s flags=%s sp==alt: %s\n", in.cur_r ? "failed" : "ok",
	       ss_flags_str(in.cur.ss_flags), yesno(in.cur.ss_sp == alt));
	printf("  uc_stack: flags=%s sp==alt: %s size=%zu\n", ss_flags_str(in.uc_stack.ss_flags),
	       yesno(in.uc_stack.ss_sp == alt), in.uc_stack.ss_size);
	if (what & CHANGE)
		printf("  set inside: %s, disable inside: %s\n",
		       in.set_r ? strerrorname_np(in.set_e) : "0",
		       in.dis_r ? strerrorname_np(in.dis_e) : "0");
	if (what & NEST)
		printf("  nested handler on altstack: %s, below the outer one: %s\n",
		       yesno(on_alt(in.nested_local)), yesno(in.nested_local < in.local));
	show_ss("  after the handler");
}

static void sec_altstack(void)
{
	stack_t ss = { .ss_size = ALT_SIZE };

	alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt == MAP_FAILED)
		die("mmap");
	ss.ss_sp = alt;
	show_ss("initial");
	on_info(SIGUSR1, h_alt, SA_ONSTACK);
	on(SIGUSR2, h_alt_nested, SA_ONSTACK);

	/* Errors. */
	ss.ss_flags = 0x1234;
	TL("sigaltstack flags 0x1234", sigaltstack(&ss, NULL));
	ss.ss_flags = SS_ONSTACK | SS_DISABLE;
	TL("sigaltstack flags SS_ONSTACK|SS_DISABLE", sigaltstack(&ss, NULL));
	ss.ss_flags = 0;
	ss.ss_size = KMINSIGSTKSZ - 1;
	TL("sigaltstack size MINSIGSTKSZ-1", sigaltstack(&ss, NULL));
	ss.ss_size = KMINSIGSTKSZ;
	TL("sigaltstack size MINSIGSTKSZ", sigaltstack(&ss, NULL));
	show_ss("now");
	TL("sigaltstack bad pointer", syscall(SYS_sigaltstack, (void *)1, NULL));

	/* Enabled: the handler runs on it (and may not change it), a nested
	 * one further down it. */
	ss.ss_size = ALT_SIZE;
	TL("sigaltstack enable", sigaltstack(&ss, NULL));
	show_ss("enabled");
	alt_deliver("SA_ONSTACK handler", NEST | CHANGE);

	/* SS_ONSTACK as a flag is accepted and means 0 (but uc_stack shows
	 * the flags as they were set). */
	ss.ss_flags = SS_ONSTACK;
	TL("sigaltstack flags SS_ONSTACK", sigaltstack(&ss, NULL));
	show_ss("after SS_ONSTACK");
	alt_deliver("SA_ONSTACK handler", 0);

	/* A handler without SA_ONSTACK stays on the normal stack, may change
	 * the altstack, and sigreturn puts uc_stack back. */
	ss.ss_flags = 0;
	TL("sigaltstack enable", sigaltstack(&ss, NULL));
	on_info(SIGUSR1, h_alt, 0);
	alt_deliver("handler without SA_ONSTACK", CHANGE);
	on_info(SIGUSR1, h_alt, SA_ONSTACK);

	/* Disabled. */
	ss.ss_flags = SS_DISABLE;
	ss.ss_size = 0;
	TL("sigaltstack SS_DISABLE", sigaltstack(&ss, NULL));
	show_ss("disabled");
	alt_deliver("SA_ONSTACK handler, altstack disabled", 0);

	/* SS_AUTODISARM: disarmed while the handler runs, back after it; a
	 * handler may set one while disarmed, and then keeps it. */
	ss.ss_flags = SS_AUTODISARM;
	ss.ss_size = ALT_SIZE;
	TL("sigaltstack SS_AUTODISARM", sigaltstack(&ss, NULL));
	show_ss("autodisarm");
	alt_deliver("SA_ONSTACK handler, SS_AUTODISARM", 0);
	alt_deliver("SA_ONSTACK handler, SS_AUTODISARM, setting one inside", CHANGE);
	ss.ss_flags = SS_AUTODISARM | SS_DISABLE;
	TL("sigaltstack SS_AUTODISARM|SS_DISABLE", sigaltstack(&ss, NULL));
	show_ss("now");
}

/* ---- altoverflow: a handler recursing on its altstack -------------------- */

static int ovf_fd;

static void h_ovf(int s)
{
	char c = 'd';

	write(ovf_fd, &c, 1);
	tgkill_self(s);		/* SA_NODEFER: delivered at once, one frame down */
}

/* In a child: an altstack of size bytes with a PROT_NONE page on each side;
 * print how the child ended and whether its handler ran at least once. */
static void overflow_case(const char *label, size_t size)
{
	int p[2], depth = 0;
	char buf[256];
	ssize_t n;
	pid_t c;

	xpipe(p);
	if ((c = xfork()) == 0) {
		long pg = sysconf(_SC_PAGESIZE);
		size_t span = (size + (size_t)pg - 1) & ~(size_t)(pg - 1);
		char *m = mmap(NULL, span + 2 * (size_t)pg, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		stack_t ss = { .ss_size = size };

		close(p[0]);
		ovf_fd = p[1];
		if (m == MAP_FAILED || mprotect(m + pg, span, PROT_READ | PROT_WRITE) < 0)
			_exit(3);
		/* The stack ends at the upper guard page. */
		ss.ss_sp = m + pg + span - size;
		if (sigaltstack(&ss, NULL) < 0)
			_exit(4);
		on(SIGUSR1, h_ovf, SA_ONSTACK | SA_NODEFER);
		tgkill_self(SIGUSR1);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		depth += (int)n;
	close(p[0]);
	printf("%s: depth>=1: %s; ", label, yesno(depth >= 1));
	reap("child", c);
}

static void sec_altoverflow(void)
{
	overflow_case("altstack of 16 KiB", 16384);
	overflow_case("altstack of MINSIGSTKSZ", KMINSIGSTKSZ);
}

/* ---- mcontext: a handler edits the interrupted registers ----------------- */

extern char mc_fault[], mc_resume[], ill_insn[], ill_after[];
static struct {
	bool rip_ok, rbx_ok;
	long trapno, err, cr2;
	int code;
	void *addr;
} mc;
static uint64_t mc_out[4];

static void h_mc_segv(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;

	(void)s;
	mc.rip_ok = g[REG_RIP] == (greg_t)mc_fault;
	mc.rbx_ok = g[REG_RBX] == 0x5555;
	mc.trapno = g[REG_TRAPNO];
	mc.err = g[REG_ERR];
	mc.cr2 = g[REG_CR2];
	mc.code = si->si_code;
	mc.addr = si->si_addr;
	g[REG_RIP] = (greg_t)mc_resume;	/* skip the faulting instruction */
	g[REG_RAX] = 0x1111222233334444;
	g[REG_RDX] = 0x5555666677778888;
	g[REG_R15] = 0x0123456789abcdef;
	g[REG_EFL] |= 1;		/* CF */
	sigaddset(&uc->uc_sigmask, SIGUSR2);	/* sigreturn takes the mask from here */
}

static __attribute__((noinline, noclone)) void mc_run(void)
{
	asm volatile("mov $0x5555, %%ebx\n\t"
		     "xor %%eax, %%eax\n\t"
		     "xor %%edx, %%edx\n\t"
		     "xor %%r15d, %%r15d\n\t"
		     "clc\n"
		     ".globl mc_fault\n"
		     "mc_fault:\n\t"
		     "movl $1, 0\n"	/* a write to NULL, 11 bytes */
		     ".globl mc_resume\n"
		     "mc_resume:\n\t"
		     "setc %%cl\n\t"
		     "movzbl %%cl, %%ecx\n\t"
		     "mov %%rax, 0(%[o])\n\t"
		     "mov %%rdx, 8(%[o])\n\t"
		     "mov %%r15, 16(%[o])\n\t"
		     "mov %%rcx, 24(%[o])\n\t"
		     : : [o] "r"(mc_out) : "rax", "rbx", "rcx", "rdx", "r15", "memory", "cc");
}

static void h_mc_ill(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;

	(void)s;
	mc.rip_ok = g[REG_RIP] == (greg_t)ill_insn;
	mc.trapno = g[REG_TRAPNO];
	mc.err = g[REG_ERR];
	mc.code = si->si_code;
	mc.addr = si->si_addr;
	g[REG_RIP] += 2;		/* ud2 is 0f 0b */
	g[REG_RAX] = 77;
}

static __attribute__((noinline, noclone)) long ill_run(void)
{
	long rax;

	asm volatile("xor %%eax, %%eax\n"
		     ".globl ill_insn\n"
		     "ill_insn:\n\t"
		     "ud2\n"
		     ".globl ill_after\n"
		     "ill_after:\n\t"
		     : "=a"(rax) : : "memory");
	return rax;
}

/* Edits of the saved FP state through uc_mcontext.fpregs. */
static uint8_t xmm_in[16], xmm_out[16];
static uint32_t mxcsr_out;

static void h_mc_fp(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)s;
	(void)si;
	memset(uc->uc_mcontext.fpregs->_xmm[3].element, 0xab, 16);
	uc->uc_mcontext.fpregs->mxcsr = 0x7f80;	/* round toward zero */
}

static __attribute__((noinline, noclone)) void mc_fp_run(void)
{
	asm volatile("movdqu %[i], %%xmm3\n\t"
		     "mov %[nr], %%eax\n\t"
		     "syscall\n\t"
		     "movdqu %%xmm3, %[o]\n\t"
		     "stmxcsr %[m]\n\t"
		     "ldmxcsr %[dflt]\n\t"
		     : [o] "=m"(xmm_out), [m] "=m"(mxcsr_out)
		     : [i] "m"(xmm_in), [nr] "i"(SYS_tgkill), "D"(getpid()), "S"(gettid()),
		       "d"(SIGUSR1), [dflt] "m"((uint32_t){ 0x1f80 })
		     : "rax", "rcx", "r11", "xmm3", "memory");
}

static void sec_mcontext(void)
{
	uint8_t ab[16];

	on_info(SIGSEGV, h_mc_segv, 0);
	memset(&mc, 0, sizeof(mc));
	mc_run();
	printf("SIGSEGV at mc_fault: insn length %d, si_code=%s si_addr=%p\n",
	       (int)(mc_resume - mc_fault), code_name(SIGSEGV, mc.code), mc.addr);
	printf("  handler: rip at the fault: %s, rbx seen: %s, trapno=%ld err=%#lx cr2=%#lx\n",
	       yesno(mc.rip_ok), yesno(mc.rbx_ok), mc.trapno, mc.err, mc.cr2);
	printf("  after: rax=%#lx rdx=%#lx r15=%#lx CF=%lu\n", (unsigned long)mc_out[0],
	       (unsigned long)mc_out[1], (unsigned long)mc_out[2], (unsigned long)mc_out[3]);
	printf("  after: mask %s (uc_sigmask edit)\n", mask_str(kmask()));
	setmask(0);

	on_info(SIGILL, h_mc_ill, 0);
	memset(&mc, 0, sizeof(mc));
	printf("SIGILL at ud2: rax after=%ld", ill_run());
	printf(" si_code=%s si_addr==insn: %s rip at ud2: %s trapno=%ld err=%ld\n",
	       code_name(SIGILL, mc.code), yesno(mc.addr == ill_insn), yesno(mc.rip_ok), mc.trapno,
	       mc.err);

	on_info(SIGUSR1, h_mc_fp, 0);
	memset(xmm_in, 0x11, 16);
	memset(ab, 0xab, 16);
	mc_fp_run();
	printf("fpregs edit: xmm3 replaced: %s, mxcsr=%#x\n", yesno(!memcmp(xmm_out, ab, 16)),
	       mxcsr_out);
}

/* ---- fpregs: FP/vector state survives a handler that clobbers it --------- */

/* A register image: 32 vector registers of 64 bytes (xmm, ymm and zmm use
 * their first 16, 32 and 64 bytes), 8 mask registers (kmovw: AVX-512F
 * only), two x87 values (10 of 16 bytes), the x87 control word, MXCSR. */
struct fpimg {
	uint8_t v[32][64];
	uint16_t k[8];
	uint8_t st[2][16];
	uint16_t cw;
	uint32_t mxcsr;
} __attribute__((aligned(64)));

static struct fpimg fin, fout;
static int fp_level;		/* what the CPU has: 0 SSE, 1 AVX2, 2 AVX-512F */
static const uint16_t cw_dflt = 0x037f;
static const uint32_t mx_dflt = 0x1f80, mx_up = 0x5f80;

#define IRP16 ".irp x,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
#define IRP32 ".irp x,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15," \
	"16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
#define IRP8 ".irp x,0,1,2,3,4,5,6,7\n\t"
/* x87 (control word and two values) and MXCSR in and out around the
 * syscall; the flags are set (ZF, PF) so that the saved RFLAGS is known. */
#define FP_IN "fldcw %c[cw](%[i])\n\t" \
	"fldt %c[st1](%[i])\n\t" \
	"fldt %c[st0](%[i])\n\t" \
	"ldmxcsr %c[mx](%[i])\n\t"
#define FP_SYSCALL "xor %%ecx, %%ecx\n\t" \
	"cmp %%ecx, %%ecx\n\t" \
	"syscall\n"
#define FP_OUT "stmxcsr %c[mx](%[o])\n\t" \
	"fnstcw %c[cw](%[o])\n\t" \
	"fstpt %c[st0](%[o])\n\t" \
	"fstpt %c[st1](%[o])\n\t" \
	"fldcw %[cwd]\n\t" \
	"ldmxcsr %[mxd]\n\t"
#define FP_OPS(nr) "+a"(nr) \
	: [i] "r"(&fin), [o] "r"(&fout), "D"((long)getpid()), "S"((long)gettid()), \
	  "d"((long)SIGUSR1), [cw] "i"(offsetof(struct fpimg, cw)), \
	  [mx] "i"(offsetof(struct fpimg, mxcsr)), [st0] "i"(offsetof(struct fpimg, st[0])), \
	  [st1] "i"(offsetof(struct fpimg, st[1])), [k] "i"(offsetof(struct fpimg, k)), \
	  [cwd] "m"(cw_dflt), [mxd] "m"(mx_dflt)
#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
	"xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#define XMM_HI_CLOBBERS "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", \
	"xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", \
	"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"

/* Load fin into the registers, tgkill(SIGUSR1), store them into fout. The
 * label after the syscall is where the signal frame's rip points. */
extern char fp_after_sse[], fp_after_avx[], fp_after_avx512[];

static __attribute__((noinline, noclone)) void fp_run_sse(void)
{
	long nr = SYS_tgkill;

	asm volatile(FP_IN
		     IRP16 "movdqu \\x*64(%[i]), %%xmm\\x\n\t.endr\n\t"
		     FP_SYSCALL
		     ".globl fp_after_sse\nfp_after_sse:\n\t"
		     IRP16 "movdqu %%xmm\\x, \\x*64(%[o])\n\t.endr\n\t"
		     FP_OUT
		     : FP_OPS(nr) : "rcx", "r11", "memory", "cc", XMM_CLOBBERS);
}

static __attribute__((noinline, noclone, target("avx2"))) void fp_run_avx(void)
{
	long nr = SYS_tgkill;

	asm volatile(FP_IN
		     IRP16 "vmovdqu \\x*64(%[i]), %%ymm\\x\n\t.endr\n\t"
		     FP_SYSCALL
		     ".globl fp_after_avx\nfp_after_avx:\n\t"
		     IRP16 "vmovdqu %%ymm\\x, \\x*64(%[o])\n\t.endr\n\t"
		     FP_OUT
		     "vzeroupper\n\t"
		     : FP_OPS(nr) : "rcx", "r11", "memory", "cc", XMM_CLOBBERS);
}

static __attribute__((noinline, noclone, target("avx512f"))) void fp_run_avx512(void)
{
	long nr = SYS_tgkill;

	asm volatile(FP_IN
		     IRP32 "vmovdqu64 \\x*64(%[i]), %%zmm\\x\n\t.endr\n\t"
		     IRP8 "kmovw %c[k]+\\x*2(%[i]), %%k\\x\n\t.endr\n\t"
		     FP_SYSCALL
		     ".globl fp_after_avx512\nfp_after_avx512:\n\t"
		     IRP32 "vmovdqu64 %%zmm\\x, \\x*64(%[o])\n\t.endr\n\t"
		     IRP8 "kmovw %%k\\x, %c[k]+\\x*2(%[o])\n\t.endr\n\t"
		     FP_OUT
		     "vzeroupper\n\t"
		     : FP_OPS(nr) : "rcx", "r11", "memory", "cc", XMM_CLOBBERS, XMM_HI_CLOBBERS);
}

static void fp_run(void)
{
	memset(&fout, 0, sizeof(fout));
	if (fp_level == 2)
		fp_run_avx512();
	else if (fp_level == 1)
		fp_run_avx();
	else
		fp_run_sse();
}

static char *fp_after(void)
{
	return fp_level == 2 ? fp_after_avx512 : fp_level == 1 ? fp_after_avx : fp_after_sse;
}

/* The handler's clobbers: every register it can reach gets other values. */
static void fp_clobber_sse(void)
{
	asm volatile("fninit\n\t"
		     "fld1\n\t"
		     "fldz\n\t"
		     "fstp %%st(0)\n\t"
		     "fstp %%st(0)\n\t"
		     "ldmxcsr %[up]\n\t"
		     IRP16 "pcmpeqb %%xmm\\x, %%xmm\\x\n\t.endr\n\t"
		     : : [up] "m"(mx_up) : "memory", XMM_CLOBBERS);
}

static __attribute__((target("avx2"))) void fp_clobber_avx(void)
{
	asm volatile(IRP16 "vpcmpeqb %%ymm\\x, %%ymm\\x, %%ymm\\x\n\t.endr\n\t"
		     : : : XMM_CLOBBERS);
}

static __attribute__((target("avx512f"))) void fp_clobber_avx512(void)
{
	asm volatile(IRP32 "vpternlogd $0xff, %%zmm\\x, %%zmm\\x, %%zmm\\x\n\t.endr\n\t"
		     IRP8 "kxnorw %%k\\x, %%k\\x, %%k\\x\n\t.endr\n\t"
		     : : : XMM_CLOBBERS, XMM_HI_CLOBBERS);
}

static void h_fp_clobber(int s)
{
	fp_clobber_sse();
	if (fp_level >= 1)
		fp_clobber_avx();
	if (fp_level >= 2)
		fp_clobber_avx512();
	hits[s]++;
}

static void fp_level_init(void)
{
	__builtin_cpu_init();
	fp_level = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
}

/* Distinct nonzero bytes everywhere; x87 values 1.5 and -3 (80-bit). */
static void fp_pattern(void)
{
	static const uint8_t x87_a[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x3f };
	static const uint8_t x87_b[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0xc0 };

	memset(&fin, 0, sizeof(fin));
	for (int r = 0; r < 32; r++)
		for (int b = 0; b < 64; b++)
			fin.v[r][b] = (uint8_t)(r * 64 + b * 7 + 1) | 1;
	for (int r = 0; r < 8; r++)
		fin.k[r] = (uint16_t)(0x1111 * (r + 1));
	memcpy(fin.st[0], x87_a, 10);
	memcpy(fin.st[1], x87_b, 10);
	fin.cw = 0x0f7f;		/* round toward zero */
	fin.mxcsr = 0x7f80;	/* round toward zero */
}

static bool v_same(int r0, int r1, int from, int to)
{
	for (int r = r0; r <= r1; r++)
		if (memcmp(fin.v[r] + from, fout.v[r] + from, (size_t)(to - from)))
			return false;
	return true;
}

/* An asm loop compares xmm0..xmm14 with their images while a 1 ms timer's
 * handler clobbers them: count of mismatches seen when n signals came. */
static const uint8_t *loop_img = fin.v[0];

static long fp_async_loop(int n)
{
	long bad = 0;

	asm volatile(".irp x,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14\n\t"
		     "movdqu \\x*64(%[i]), %%xmm\\x\n\t.endr\n"
		     "1:\n\t"
		     ".irp x,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14\n\t"
		     "movdqa %%xmm\\x, %%xmm15\n\t"
		     "movdqu \\x*64(%[i]), %%xmm14\n\t"
		     "pcmpeqb %%xmm14, %%xmm15\n\t"
		     "movdqu 14*64(%[i]), %%xmm14\n\t"	/* xmm14 itself back */
		     "pmovmskb %%xmm15, %%eax\n\t"
		     "cmp $0xffff, %%eax\n\t"
		     "je 2f\n\t"
		     "inc %[bad]\n"
		     "2:\n\t"
		     ".endr\n\t"
		     "cmpl %[n], %[hits]\n\t"
		     "jl 1b\n\t"
		     : [bad] "+r"(bad)
		     : [i] "r"(loop_img), [n] "r"(n), [hits] "m"(hits[SIGUSR2])
		     : "rax", "memory", "cc", XMM_CLOBBERS);
	return bad;
}

static void sec_fpregs(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };
	timer_t tm;
	long bad;

	fp_level_init();
	fp_pattern();
	on(SIGUSR1, h_fp_clobber, 0);
	reset_counts();
	fp_run();
	printf("handler ran: %s\n", yesno(hits[SIGUSR1] == 1));
	printf("x87 %s\n", !memcmp(fin.st[0], fout.st[0], 10) && !memcmp(fin.st[1], fout.st[1], 10) &&
	       fout.cw == fin.cw ? "ok" : "CHANGED");
	printf("mxcsr %s\n", fout.mxcsr == fin.mxcsr ? "ok" : "CHANGED");
	printf("sse %s\n", v_same(0, 15, 0, 16) ? "ok" : "CHANGED");
	if (fp_level >= 1)
		printf("avx %s\n", v_same(0, 15, 16, 32) ? "ok" : "CHANGED");
	else
		printf("avx n/a\n");
	if (fp_level >= 2)
		printf("avx512 %s\n", v_same(0, 15, 32, 64) && v_same(16, 31, 0, 64) &&
		       !memcmp(fin.k, fout.k, sizeof(fin.k)) ? "ok" : "CHANGED");
	else
		printf("avx512 n/a\n");

	/* Asynchronous: signals land anywhere in a loop checking registers. */
	on(SIGUSR2, h_fp_clobber, 0);
	reset_counts();
	if (timer_create(CLOCK_MONOTONIC, &ev, &tm) < 0 || timer_settime(tm, 0, &its, NULL) < 0)
		die("timer");
	bad = fp_async_loop(50);
	timer_delete(tm);
	printf("async: 50 timer signals during a register-checking loop, registers intact: %s\n",
	       yesno(bad == 0));
}

/* ---- badframe: sigreturn with a corrupted frame -------------------------- */

#define FX_SW 464		/* sw_reserved in the 512-byte FXSAVE area */
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define UC_FP_XSTATE_ 0x1
#define UC_SIGCONTEXT_SS_ 0x2
#define UC_STRICT_RESTORE_SS_ 0x4

enum { BF_FP_COPY_ALIGNED = 1, BF_FP_COPY_MISALIGNED, BF_FP_UNMAPPED, BF_CS_ZERO,
       BF_MAGIC1_ZERO, BF_FP_NULL, BF_SS_ZERO_STRICT, BF_SS_ZERO_LAX, BF_RIP_NONCANONICAL,
       BF_XSTATE_BV_RESERVED };
static int bf_mode;
static char bf_copy[16384 + 64] __attribute__((aligned(64)));

static void h_bad(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	char *fp = (char *)uc->uc_mcontext.fpregs;

	(void)s;
	(void)si;
	switch (bf_mode) {
	case BF_FP_COPY_ALIGNED:
	case BF_FP_COPY_MISALIGNED: {
		/* The whole area, sw bytes and magic2 included, elsewhere; with
		 * xmm0 changed, to see that the copy is what gets restored. */
		char *to = bf_copy + (bf_mode == BF_FP_COPY_MISALIGNED ? 8 : 0);
		uint32_t ext;

		memcpy(&ext, fp + FX_SW + 4, 4);
		memcpy(to, fp, ext <= 16384 ? ext : 16384);
		memset(to + 160, 0x5a, 16);
		uc->uc_mcontext.fpregs = (fpregset_t)to;
		break;
	}
	case BF_FP_UNMAPPED:
		uc->uc_mcontext.fpregs = (fpregset_t)(uintptr_t)0x10000;
		break;
	case BF_CS_ZERO:
		g[REG_CSGSFS] &= ~0xffffL;
		break;
	case BF_MAGIC1_ZERO:
		*(uint32_t *)(fp + FX_SW) = 0;
		break;
	case BF_FP_NULL:
		uc->uc_mcontext.fpregs = NULL;
		break;
	case BF_SS_ZERO_STRICT:
		g[REG_CSGSFS] &= ~(0xffffL << 48);
		break;
	case BF_SS_ZERO_LAX:
		g[REG_CSGSFS] &= ~(0xffffL << 48);
		uc->uc_flags &= ~UC_STRICT_RESTORE_SS_;
		break;
	case BF_RIP_NONCANONICAL:
		g[REG_RIP] = (greg_t)0x8000000000000000ULL;
		break;
	case BF_XSTATE_BV_RESERVED:
		*(uint64_t *)(fp + 512) |= 1ULL << 62;
		break;
	}
}

/* In a child: corrupt the frame as mode says; the child prints what it
 * sees if it survives, the parent how it ended. */
static void bad_case(const char *label, int mode)
{
	pid_t c;

	if ((c = xfork()) == 0) {
		bf_mode = mode;
		on_info(SIGUSR1, h_bad, 0);
		fp_run();
		printf("  %s: survived: x87 %s, xmm0 %s, xmm1-15 %s, mxcsr %#x, avx upper %s\n",
		       label, !memcmp(fin.st[0], fout.st[0], 10) ? "kept" : "reset",
		       v_same(0, 0, 0, 16) ? "kept" : fout.v[0][0] == 0x5a ? "from the copy" : "reset",
		       v_same(1, 15, 0, 16) ? "kept" : "reset", fout.mxcsr,
		       fp_level < 1 ? "n/a" : v_same(0, 15, 16, 32) ? "kept" : "reset");
		_exit(0);
	}
	reap(label, c);
}

static __attribute__((noinline, noclone)) void sigreturn_on(void *sp)
{
	asm volatile("mov %0, %%rsp\n\t"
		     "mov %1, %%eax\n\t"
		     "syscall\n\t"
		     "ud2\n\t"
		     : : "r"(sp), "i"(SYS_rt_sigreturn) : "memory");
}

static void sec_badframe(void)
{
	pid_t c;

	fp_level_init();
	fp_pattern();
	bad_case("fpregs: a copy, 64-byte aligned", BF_FP_COPY_ALIGNED);
	bad_case("fpregs: a copy, misaligned by 8", BF_FP_COPY_MISALIGNED);
	bad_case("fpregs unmapped", BF_FP_UNMAPPED);
	bad_case("saved CS 0", BF_CS_ZERO);
	bad_case("saved SS 0 (UC_STRICT_RESTORE_SS)", BF_SS_ZERO_STRICT);
	bad_case("saved SS 0 without UC_STRICT_RESTORE_SS", BF_SS_ZERO_LAX);
	bad_case("rip non-canonical", BF_RIP_NONCANONICAL);
	bad_case("xstate_bv reserved bit", BF_XSTATE_BV_RESERVED);
	bad_case("sw_reserved magic1 0 (FXSAVE-only restore)", BF_MAGIC1_ZERO);
	bad_case("fpregs NULL (FPU reset)", BF_FP_NULL);

	/* rt_sigreturn outside any handler, rsp at 64 KiB of zeros. */
	if ((c = xfork()) == 0) {
		char *m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (m == MAP_FAILED)
			_exit(3);
		sigreturn_on(m + 32768);
		_exit(4);
	}
	reap("rt_sigreturn on a zeroed stack", c);
}

/* ---- framedump: the signal frame as the handler finds it ----------------- */

/* The handler's first instruction saves rsp: at entry it points at the
 * return address (the restorer), as after a call. */
asm(".text\n"
    ".globl fd_entry\n"
    ".type fd_entry, @function\n"
    "fd_entry:\n\t"
    "mov %rsp, fd_rsp(%rip)\n\t"
    "jmp fd_handler\n");
void fd_entry(int, siginfo_t *, void *);
void *fd_rsp;

static struct {
	char *uc, *si;
	void *ret;
	ucontext_t u;		/* the kernel's part: up to uc_sigmask */
	char fp[16384];
	char *fpaddr;
} fd;

void fd_handler(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint32_t ext;

	(void)s;
	fd.uc = ucv;
	fd.si = (char *)si;
	fd.ret = *(void **)fd_rsp;
	memcpy(&fd.u, uc, offsetof(ucontext_t, uc_sigmask) + 8);
	fd.fpaddr = (char *)uc->uc_mcontext.fpregs;
	memcpy(&ext, fd.fpaddr + FX_SW + 4, 4);
	memcpy(fd.fp, fd.fpaddr, ext < sizeof(fd.fp) ? ext : sizeof(fd.fp));
}

static uint32_t xsave_offset(int feature)
{
	unsigned a, b, c, d;

	__cpuid_count(0xd, feature, a, b, c, d);
	return b;
}

static void sec_framedump(void)
{
	struct ksigaction k;
	greg_t *g = fd.u.uc_mcontext.gregs;
	uint32_t magic1, ext, xsize, magic2 = 0;
	uint64_t xfeat, bv, comp;
	const char *fp = fd.fp;
	char *rsp;
	bool ok;

	fp_level_init();
	fp_pattern();
	on_info(SIGUSR1, fd_entry, 0);
	block(bit(SIGUSR2));
	fp_run();
	setmask(0);
	syscall(SYS_rt_sigaction, SIGUSR1, NULL, &k, 8);
	rsp = fd_rsp;

	printf("rsp%%16=%d\n", (int)((uintptr_t)rsp % 16));
	printf("return address == sa_restorer: %s\n", yesno(fd.ret == k.restorer));
	printf("uc - rsp = %td\n", fd.uc - rsp);
	printf("siginfo - uc = %td\n", fd.si - fd.uc);
	printf("fpstate - uc = %td, fpstate%%64 = %d\n", fd.fpaddr - fd.uc,
	       (int)((uintptr_t)fd.fpaddr % 64));
	printf("uc_flags = %#lx, uc_link == NULL: %s\n", fd.u.uc_flags, yesno(!fd.u.uc_link));
	printf("uc_stack: flags=%s sp=%p size=%zu\n", ss_flags_str(fd.u.uc_stack.ss_flags),
	       fd.u.uc_stack.ss_sp, fd.u.uc_stack.ss_size);
	printf("uc_sigmask = %s\n", mask_str(set_bits(&fd.u.uc_sigmask)));

	/* The registers at the syscall: its return value in rax, its
	 * arguments, rcx and r11 as the syscall instruction left them. */
	printf("rip == after the syscall: %s\n", yesno(g[REG_RIP] == (greg_t)fp_after()));
	printf("rax=%lld rdi==pid: %s rsi==tid: %s rdx=%s\n", (long long)g[REG_RAX],
	       yesno(g[REG_RDI] == getpid()), yesno(g[REG_RSI] == gettid()),
	       sig_name((int)g[REG_RDX]));
	printf("rcx == rip: %s, r11 == eflags: %s\n", yesno(g[REG_RCX] == g[REG_RIP]),
	       yesno(g[REG_R11] == g[REG_EFL]));
	printf("eflags=%#llx csgsfs=%#llx\n", (long long)g[REG_EFL], (long long)g[REG_CSGSFS]);
	printf("trapno=%lld err=%lld cr2=%lld\n", (long long)g[REG_TRAPNO], (long long)g[REG_ERR],
	       (long long)g[REG_CR2]);
	printf("oldmask=%s\n", mask_str((uint64_t)g[REG_OLDMASK]));

	/* The FP state: software bytes, xsave header, the registers in it. */
	memcpy(&magic1, fp + FX_SW, 4);
	memcpy(&ext, fp + FX_SW + 4, 4);
	memcpy(&xfeat, fp + FX_SW + 8, 8);
	memcpy(&xsize, fp + FX_SW + 16, 4);
	if (xsize + 4 <= sizeof(fd.fp))
		memcpy(&magic2, fp + xsize, 4);
	memcpy(&bv, fp + 512, 8);
	memcpy(&comp, fp + 520, 8);
	printf("magic1=%#x extended_size=%u xstate_size=%u xfeatures=%#llx\n", magic1, ext, xsize,
	       (unsigned long long)xfeat);
	printf("magic2 at fpstate+xstate_size: %s\n", yesno(magic2 == FP_XSTATE_MAGIC2));
	printf("extended_size == xstate_size+4: %s\n", yesno(ext == xsize + 4));
	printf("xstate_bv & xfeatures = %#llx, xcomp_bv = %#llx\n",
	       (unsigned long long)(bv & xfeat), (unsigned long long)comp);
	printf("fpstate end <= rsp-128: %s, gap < 64: %s\n",
	       yesno(fd.fpaddr + ext <= (char *)g[REG_RSP] - 128),
	       yesno((char *)g[REG_RSP] - 128 - (fd.fpaddr + ext) < 64));
	printf("fxsave cw=%#x mxcsr=%#x\n", *(const uint16_t *)fp, *(const uint32_t *)(fp + 24));
	ok = !memcmp(fp + 32, fin.st[0], 10) && !memcmp(fp + 48, fin.st[1], 10);
	printf("frame st0 st1: %s\n", ok ? "match" : "DIFFER");
	ok = true;
	for (int r = 0; r < 16; r++)
		ok &= !memcmp(fp + 160 + 16 * r, fin.v[r], 16);
	printf("frame xmm0-15: %s\n", ok ? "match" : "DIFFER");
	if (fp_level >= 1) {
		uint32_t o = xsave_offset(2);

		ok = true;
		for (int r = 0; r < 16; r++)
			ok &= !memcmp(fp + o + 16 * r, fin.v[r] + 16, 16);
		printf("frame ymm0-15 upper: %s\n", ok ? "match" : "DIFFER");
	} else {
		printf("frame ymm: n/a\n");
	}
	if (fp_level >= 2) {
		uint32_t ok_ = xsave_offset(5), oh = xsave_offset(6), o16 = xsave_offset(7);

		ok = true;
		for (int r = 0; r < 8; r++) {
			uint64_t kv;

			memcpy(&kv, fp + ok_ + 8 * r, 8);
			ok &= kv == fin.k[r];
		}
		printf("frame k0-7: %s\n", ok ? "match" : "DIFFER");
		ok = true;
		for (int r = 0; r < 16; r++)
			ok &= !memcmp(fp + oh + 32 * r, fin.v[r] + 32, 32);
		for (int r = 0; r < 16; r++)
			ok &= !memcmp(fp + o16 + 64 * r, fin.v[16 + r], 64);
		printf("frame zmm upper and zmm16-31: %s\n", ok ? "match" : "DIFFER");
	} else {
		printf("frame avx512: n/a\n");
	}

	/* siginfo as the frame has it. */
	printf("siginfo: signo=%s code=%s pid=%s\n", sig_name(((siginfo_t *)fd.si)->si_signo),
	       code_name(SIGUSR1, ((siginfo_t *)fd.si)->si_code),
	       who(((siginfo_t *)fd.si)->si_pid, 0));
}

/* ---- restart: EINTR or SA_RESTART ---------------------------------------- */

static void arm_ms(long ms)
{
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* A child that writes one byte to fd after ms milliseconds. */
static pid_t writer_after(int fd, long ms)
{
	pid_t c = xfork();

	if (c == 0) {
		msleep(ms);
		write(fd, "x", 1);
		_exit(0);
	}
	return c;
}

static const char *rem_facts(const struct timespec *rem)
{
	static char b[64];
	long ms = rem->tv_sec * 1000 + rem->tv_nsec / 1000000;

	snprintf(b, sizeof(b), "rem>1s: %s rem<2s: %s", yesno(ms > 1000), yesno(ms < 2000));
	return b;
}

static void sec_restart(void)
{
	struct timespec two = { 2, 0 }, rem;
	struct pollfd pfd;
	int p[2], st, r;
	char b;
	pid_t c;

	/* SIGALRM is this section's: every wait below ends by a child's
	 * write or exit, or by the timer itself. */
	watchdog_off();

	/* A read on an empty pipe: SIGALRM after 150 ms, data after 600 ms. */
	for (int restart = 1; restart >= 0; restart--) {
		on(SIGALRM, h_count, restart ? SA_RESTART : 0);
		xpipe(p);
		c = writer_after(p[1], 600);
		reset_counts();
		arm_ms(150);
		r = (int)read(p[0], &b, 1);
		printf("read, SIGALRM %s SA_RESTART: %s, handler ran %d\n", restart ? "with" : "without",
		       r < 0 ? strerrorname_np(errno) : "got the byte", hits[SIGALRM]);
		reap("  writer", c);
		close(p[0]);
		close(p[1]);
	}

	/* An ignored signal, and a blocked one, interrupt nothing. */
	on(SIGUSR2, SIG_IGN, 0);
	on(SIGUSR1, h_count, 0);
	block(bit(SIGUSR1));
	xpipe(p);
	if ((c = xfork()) == 0) {
		msleep(150);
		kill(getppid(), SIGUSR2);
		kill(getppid(), SIGUSR1);
		msleep(300);
		write(p[1], "x", 1);
		_exit(0);
	}
	reset_counts();
	r = (int)read(p[0], &b, 1);
	printf("read, SIGUSR2 ignored and SIGUSR1 blocked arrive: %s\n",
	       r < 0 ? strerrorname_np(errno) : "got the byte");
	setmask(0);
	printf("  SIGUSR1 handled once unblocked: %s\n", yesno(hits[SIGUSR1] == 1));
	reap("  child", c);
	close(p[0]);
	close(p[1]);

	/* wait4 on a child that exits after 600 ms. */
	for (int restart = 0; restart <= 1; restart++) {
		on(SIGALRM, h_count, restart ? SA_RESTART : 0);
		if ((c = xfork()) == 0) {
			msleep(600);
			_exit(5);
		}
		reset_counts();
		arm_ms(150);
		r = (int)wait4(c, &st, 0, NULL);
		printf("wait4, SIGALRM %s SA_RESTART: %s", restart ? "with" : "without",
		       r < 0 ? strerrorname_np(errno) : r == c ? "the child" : "other");
		if (r == c)
			printf(", %s", status_str(st));
		printf(", handler ran %d\n", hits[SIGALRM]);
		if (r < 0)
			reap("  child", c);
	}

	/* Sleeps and polls are never restarted after a handler. */
	on(SIGALRM, h_count, SA_RESTART);
	arm_ms(200);
	r = nanosleep(&two, &rem);
	printf("nanosleep 2 s, SA_RESTART: %s, %s\n", r < 0 ? strerrorname_np(errno) : "0",
	       rem_facts(&rem));
	arm_ms(200);
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &two, &rem);
	printf("clock_nanosleep 2 s, SA_RESTART: returns %s, %s\n", r ? strerrorname_np(r) : "0",
	       rem_facts(&rem));
	{
		struct timespec until;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 2;
		arm_ms(200);
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
		printf("clock_nanosleep TIMER_ABSTIME, SA_RESTART: returns %s\n",
		       r ? strerrorname_np(r) : "0");
	}
	xpipe(p);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	arm_ms(200);
	TL("poll 2 s, SA_RESTART", poll(&pfd, 1, 2000));
	{
		fd_set rf;
		struct timeval tv = { 2, 0 };

		FD_ZERO(&rf);
		FD_SET(p[0], &rf);
		arm_ms(200);
		TL("select 2 s, SA_RESTART", select(p[0] + 1, &rf, NULL, NULL, &tv));
	}
	arm_ms(200);
	TL("pause, SA_RESTART", pause());
	arm_ms(0);

	/* Stopped and continued without a handler: the sleep and the read go
	 * on as if nothing happened. The child says on a second pipe when
	 * its sleep is over (after printing it). */
	{
		int done[2];

		xpipe(done);
		if ((c = xfork()) == 0) {
			struct timespec one = { 1, 0 };

			r = nanosleep(&one, NULL);
			printf("  child: nanosleep 1 s = %s\n", r < 0 ? strerrorname_np(errno) : "0");
			write(done[1], "s", 1);
			r = (int)read(p[0], &b, 1);
			printf("  child: read = %s\n", r < 0 ? strerrorname_np(errno) : "got the byte");
			_exit(0);
		}
		msleep(200);
		kill(c, SIGSTOP);
		xwait(c, &st, WUNTRACED);
		printf("child in nanosleep: %s\n", status_str(st));
		msleep(100);
		kill(c, SIGCONT);
		read(done[0], &b, 1);
		msleep(100);	/* into its read */
		kill(c, SIGSTOP);
		xwait(c, &st, WUNTRACED);
		printf("child in read: %s\n", status_str(st));
		kill(c, SIGCONT);
		msleep(100);
		write(p[1], "x", 1);
		reap("child", c);
		close(done[0]);
		close(done[1]);
	}
	close(p[0]);
	close(p[1]);
	watchdog_on();
}

/* ---- suspend: sigsuspend and pause --------------------------------------- */

static uint64_t handler_mask;

static void h_mask(int s)
{
	handler_mask = kmask();
	hits[s]++;
}

static pid_t kill_parent_after(int s, long ms)
{
	pid_t c = xfork();

	if (c == 0) {
		msleep(ms);
		kill(getppid(), s);
		_exit(0);
	}
	return c;
}

static void suspend_case(const char *label, uint64_t during)
{
	long r;

	reset_counts();
	r = syscall(SYS_rt_sigsuspend, &during, 8);
	printf("%s: %s, handler ran %d, mask in handler %s, after %s\n", label,
	       r < 0 ? strerrorname_np(errno) : "0", hits[SIGUSR1], mask_str(handler_mask),
	       mask_str(kmask()));
}

static void sec_suspend(void)
{
	pid_t c;

	on(SIGUSR1, h_mask, 0);
	setmask(bit(SIGUSR1));
	c = kill_parent_after(SIGUSR1, 100);
	suspend_case("sigsuspend {SIGUSR2}, SIGUSR1 from a child", bit(SIGUSR2));
	reap("child", c);

	/* Already pending: returns at once. */
	raise(SIGUSR1);
	suspend_case("sigsuspend {}, SIGUSR1 pending", 0);

	/* SA_RESTART does not restart it. */
	on(SIGUSR1, h_mask, SA_RESTART);
	c = kill_parent_after(SIGUSR1, 100);
	suspend_case("sigsuspend {}, SA_RESTART", 0);
	reap("child", c);

	/* An ignored signal does not end it; a handled one does. */
	on(SIGUSR2, SIG_IGN, 0);
	if ((c = xfork()) == 0) {
		msleep(100);
		kill(getppid(), SIGUSR2);
		kill(getppid(), SIGURG);	/* default: ignored */
		msleep(100);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	suspend_case("sigsuspend {}, SIGUSR2 ignored, SIGURG, then SIGUSR1", 0);
	reap("child", c);
	TL("rt_sigsuspend sigsetsize 4", syscall(SYS_rt_sigsuspend, &(uint64_t){ 0 }, 4));

	/* pause. */
	setmask(0);
	on(SIGUSR1, h_mask, SA_RESTART);
	reset_counts();
	c = kill_parent_after(SIGUSR1, 100);
	TL("pause", pause());
	printf("  handler ran %d\n", hits[SIGUSR1]);
	reap("child", c);
}

/* ---- timedwait: sigtimedwait, sigwaitinfo -------------------------------- */

static void show_wait(const char *label, int r, const siginfo_t *si, pid_t child)
{
	if (r < 0) {
		printf("%s: %s\n", label, strerrorname_np(errno));
		return;
	}
	printf("%s: %s code=%s pid=%s", label, sig_name(r), code_name(r, si->si_code),
	       who(si->si_pid, child));
	if (si->si_code == SI_QUEUE)
		printf(" value=%d", si->si_value.sival_int);
	printf("\n");
}

/* The raw call: glibc's sigtimedwait and sigwaitinfo report SI_TKILL as
 * SI_USER, and the kernel's code is the point here. */
static int ktimedwait(uint64_t set, siginfo_t *si, const struct timespec *ts)
{
	return (int)syscall(SYS_rt_sigtimedwait, &set, si, ts, 8);
}

static void sec_timedwait(void)
{
	uint64_t s2 = bit(SIGUSR2), s12 = bit(SIGUSR1) | bit(SIGUSR2);
	struct timespec sec = { 1, 0 }, ms200 = { 0, 200000000 }, zero = { 0, 0 };
	siginfo_t si;
	long t0;
	pid_t c;
	int r;

	block(bit(SIGUSR1) | bit(SIGUSR2) | bit(RTMIN + 1));
	kill(getpid(), SIGUSR2);
	r = ktimedwait(s2, &si, &sec);
	show_wait("kill, sigtimedwait", r, &si, 0);
	raise(SIGUSR2);
	r = ktimedwait(s2, &si, &sec);
	show_wait("raise, sigtimedwait", r, &si, 0);
	sigqueue(getpid(), RTMIN + 1, (union sigval){ .sival_int = 9 });
	r = ktimedwait(0, &si, &zero);
	printf("empty set, SIGRTMIN+1 pending, timeout 0: %s\n",
	       r < 0 ? strerrorname_np(errno) : "returned");
	r = ktimedwait(bit(RTMIN + 1), &si, NULL);	/* sigwaitinfo */
	show_wait("sigqueue, sigwaitinfo", r, &si, 0);

	t0 = now_ms();
	r = ktimedwait(s2, &si, &ms200);
	printf("nothing pending, 200 ms: %s, waited>=150ms: %s\n",
	       r < 0 ? strerrorname_np(errno) : "returned", yesno(now_ms() - t0 >= 150));
	t0 = now_ms();
	r = ktimedwait(s2, &si, &zero);
	printf("nothing pending, timeout 0: %s, at once: %s\n",
	       r < 0 ? strerrorname_np(errno) : "returned", yesno(now_ms() - t0 < 100));
	TL("tv_nsec 2e9", ktimedwait(s2, &si, &(struct timespec){ 0, 2000000000 }));
	TL("tv_sec -1", ktimedwait(s2, &si, &(struct timespec){ -1, 0 }));
	TL("tv_nsec -1", ktimedwait(s2, &si, &(struct timespec){ 0, -1 }));
	TL("sigsetsize 4", syscall(SYS_rt_sigtimedwait, &s2, &si, &zero, 4));
	TL("bad info pointer, SIGUSR2 pending",
	   (kill(getpid(), SIGUSR2), ktimedwait(s2, (siginfo_t *)1, &zero)));
	printf("  SIGUSR2 still pending: %s\n", yesno(kpending() & bit(SIGUSR2)));
	ktimedwait(s2, &si, &zero);

	/* Lowest first; info may be NULL. */
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR1);
	r = ktimedwait(s12, NULL, &sec);
	printf("SIGUSR2 and SIGUSR1 pending, info NULL: %s\n", sig_name(r));
	r = ktimedwait(s12, NULL, &sec);
	printf("  then: %s\n", sig_name(r));

	/* Woken by another process. */
	c = kill_parent_after(SIGUSR2, 100);
	r = ktimedwait(s2, &si, NULL);
	show_wait("sigwaitinfo, SIGUSR2 from a child", r, &si, c);
	reap("child", c);

	/* A handled signal outside the set interrupts, SA_RESTART or not. */
	for (int restart = 0; restart <= 1; restart++) {
		on(SIGUSR1, h_count, restart ? SA_RESTART : 0);
		unblock(bit(SIGUSR1));
		reset_counts();
		c = kill_parent_after(SIGUSR1, 100);
		r = ktimedwait(s2, &si, &(struct timespec){ 3, 0 });
		printf("sigtimedwait {SIGUSR2}, SIGUSR1 handled%s: %s, handler ran %d\n",
		       restart ? " (SA_RESTART)" : "", r < 0 ? strerrorname_np(errno) : sig_name(r),
		       hits[SIGUSR1]);
		reap("child", c);
	}
	printf("pending at the end: %s\n", mask_str(kpending()));
}

/* ---- rtorder: delivery order of pending signals, RLIMIT_SIGPENDING ------- */

static void print_log(const char *label)
{
	printf("%s:", label);
	for (int i = 0; i < nev; i++) {
		printf(" %s", sig_name(evlog[i].sig));
		if (evlog[i].code == SI_QUEUE)
			printf("=%d", evlog[i].val);
	}
	printf("\n");
}

static void queue_mix(void)
{
	sigqueue(getpid(), RTMIN + 2, (union sigval){ .sival_int = 1 });
	sigqueue(getpid(), RTMIN, (union sigval){ .sival_int = 2 });
	sigqueue(getpid(), RTMIN + 2, (union sigval){ .sival_int = 3 });
	sigqueue(getpid(), RTMIN, (union sigval){ .sival_int = 4 });
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
}

static void sec_rtorder(void)
{
	uint64_t set = bit(RTMIN) | bit(RTMIN + 1) | bit(RTMIN + 2) | bit(RTMIN + 3) |
		       bit(SIGUSR1) | bit(SIGUSR2);
	struct sigaction sa = { .sa_sigaction = h_log, .sa_flags = SA_SIGINFO };
	int sigs[] = { SIGUSR1, SIGUSR2, RTMIN, RTMIN + 1, RTMIN + 2, RTMIN + 3 };
	struct rlimit rl;
	siginfo_t si;
	int n, r;
	pid_t c;

	/* Each handler blocks all others: one at a time, lowest first, each
	 * real-time signal in the order sent, SIGUSR1 once. */
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	block(set);
	queue_mix();
	printf("pending: %s\n", mask_str(kpending()));
	reset_counts();
	setmask(0);
	print_log("sa_mask full, delivered");

	/* With empty sa_masks, every deliverable signal gets its frame at once
	 * (each blocking only itself), so the handlers run last frame first. */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	block(set);
	queue_mix();
	reset_counts();
	setmask(0);
	print_log("sa_mask empty, handlers entered");

	setmask(0);

	/* RLIMIT_SIGPENDING: the receiver's soft limit on the number of
	 * queued signals of its user, all processes counted. Root has some
	 * queued elsewhere all the time, so a child becomes a user of its
	 * own (when it can: in a user namespace without root, it is alone
	 * with its uid anyway). sigqueue fails with EAGAIN beyond the limit;
	 * kill() of a real-time signal does not fail but queues no siginfo;
	 * a standard signal from sigqueue loses its siginfo. */
	if ((c = xfork()) == 0) {
		setresgid(4242, 4242, 4242);
		setresuid(4242, 4242, 4242);
		block(set);
		if (getrlimit(RLIMIT_SIGPENDING, &rl) < 0)
			die("getrlimit");
		rl.rlim_cur = 5;
		if (setrlimit(RLIMIT_SIGPENDING, &rl) < 0)
			die("setrlimit");
		for (n = 0; n < 100; n++)
			if (sigqueue(getpid(), RTMIN + 1, (union sigval){ .sival_int = n }) < 0)
				break;
		printf("RLIMIT_SIGPENDING 5: sigqueue succeeded %d times, then %s\n", n,
		       strerrorname_np(errno));
		T(kill(getpid(), RTMIN + 1));
		T(sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 8 }));
		T(sigqueue(getpid(), RTMIN + 3, (union sigval){ .sival_int = 9 }));
		printf("  received:");
		while ((r = ktimedwait(set, &si, &(struct timespec){ 0, 0 })) > 0) {
			printf(" %s/%s", sig_name(r), code_name(r, si.si_code));
			if (si.si_code == SI_QUEUE)
				printf("=%d", si.si_value.sival_int);
			else
				printf(" pid=%s", who(si.si_pid, 0));
		}
		printf("\n");
		_exit(0);
	}
	reap("child", c);
}

/* ---- faults: synchronous signals from the CPU ---------------------------- */

static sigjmp_buf fault_jb;
static struct {
	int sig, code;
	void *addr;
	greg_t rip, trapno, err, cr2;
} ft;

static void h_fault(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	ft.sig = s;
	ft.code = si->si_code;
	ft.addr = si->si_addr;
	ft.rip = uc->uc_mcontext.gregs[REG_RIP];
	ft.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	ft.err = uc->uc_mcontext.gregs[REG_ERR];
	ft.cr2 = uc->uc_mcontext.gregs[REG_CR2];
	siglongjmp(fault_jb, 1);
}

extern char f_wr[], f_rd[], f_div[], f_ovf[], f_ud2[], f_int3[], f_int3_after[], f_int41[],
	f_hlt[], f_divss[];

static __attribute__((noinline, noclone)) void do_write(void *p)
{
	asm volatile(".globl f_wr\nf_wr:\n\tmovl $1, (%0)\n\t" : : "r"(p) : "memory");
}

static __attribute__((noinline, noclone)) void do_read(void *p)
{
	asm volatile(".globl f_rd\nf_rd:\n\tmovl (%0), %%eax\n\t" : : "r"(p) : "rax", "memory");
}

static __attribute__((noinline, noclone)) void do_exec(void *p)
{
	((void (*)(void))p)();
}

static __attribute__((noinline, noclone)) void do_div0(void *p)
{
	(void)p;
	asm volatile("mov $1, %%eax\n\txor %%edx, %%edx\n\txor %%ecx, %%ecx\n"
		     ".globl f_div\nf_div:\n\tidivl %%ecx\n\t" : : : "rax", "rcx", "rdx", "cc");
}

static __attribute__((noinline, noclone)) void do_ovf(void *p)
{
	(void)p;
	asm volatile("mov $0x80000000, %%eax\n\tcltd\n\tmov $-1, %%ecx\n"
		     ".globl f_ovf\nf_ovf:\n\tidivl %%ecx\n\t" : : : "rax", "rcx", "rdx", "cc");
}

static __attribute__((noinline, noclone)) void do_ud2(void *p)
{
	(void)p;
	asm volatile(".globl f_ud2\nf_ud2:\n\tud2\n\t" : : : "memory");
}

static __attribute__((noinline, noclone)) void do_int3(void *p)
{
	(void)p;
	asm volatile(".globl f_int3\nf_int3:\n\tint3\n.globl f_int3_after\nf_int3_after:\n\t"
		     : : : "memory");
}

static __attribute__((noinline, noclone)) void do_int41(void *p)
{
	(void)p;
	asm volatile(".globl f_int41\nf_int41:\n\tint $0x41\n\t" : : : "memory");
}

static __attribute__((noinline, noclone)) void do_hlt(void *p)
{
	(void)p;
	asm volatile(".globl f_hlt\nf_hlt:\n\thlt\n\t" : : : "memory");
}

/* SSE division by zero with the exception unmasked: #XM. */
static __attribute__((noinline, noclone)) void do_divss(void *p)
{
	uint32_t mx = 0x1f80 & ~0x200;	/* ZM clear */

	(void)p;
	asm volatile("ldmxcsr %0\n\t"
		     "xorps %%xmm1, %%xmm1\n\t"
		     "mov $1, %%eax\n\tcvtsi2ss %%eax, %%xmm0\n"
		     ".globl f_divss\nf_divss:\n\tdivss %%xmm1, %%xmm0\n\t"
		     : : "m"(mx) : "rax", "xmm0", "xmm1");
}

/* Run fn(arg) expecting a fault: print the signal, its code, whether
 * si_addr and the saved rip are what they should be, trapno, err. */
static void fault_case(const char *label, void (*fn)(void *), void *arg, void *want_addr,
		       void *want_rip)
{
	static const uint32_t mx = 0x1f80;

	memset(&ft, 0, sizeof(ft));
	if (sigsetjmp(fault_jb, 1) == 0) {
		fn(arg);
		printf("%s: no signal\n", label);
		return;
	}
	asm volatile("ldmxcsr %0" : : "m"(mx));
	printf("%s: %s %s si_addr%s rip%s trapno=%ld err=%#lx", label, sig_name(ft.sig),
	       code_name(ft.sig, ft.code),
	       ft.addr == want_addr ? (want_addr ? "==target" : "=0") : "=OTHER",
	       ft.rip == (greg_t)want_rip ? "==insn" : "=OTHER", (long)ft.trapno, (long)ft.err);
	if (ft.trapno == 14)
		printf(" cr2%s", ft.cr2 == (greg_t)ft.addr ? "==si_addr" : "!=si_addr");
	printf("\n");
}

static void h_nothing(int s)
{
	(void)s;
	printf("  handler ran\n");
}

static void h_fault_again(int s)
{
	(void)s;
	*nullp = 2;
}

/* In a child: a fault while SIGSEGV is blocked, ignored, or being handled. */
static void fatal_case(const char *label, int how)
{
	pid_t c;

	if ((c = xfork()) == 0) {
		if (how == 0) {
			on(SIGSEGV, h_nothing, 0);
			block(bit(SIGSEGV));
		} else if (how == 1) {
			on(SIGSEGV, SIG_IGN, 0);
		} else if (how == 2) {
			on(SIGSEGV, h_fault_again, 0);
		} else {
			/* Sent, not a fault: stays pending while blocked. */
			on(SIGSEGV, h_nothing, 0);
			block(bit(SIGSEGV));
			kill(getpid(), SIGSEGV);
			printf("  pending: %s\n", mask_str(kpending()));
			_exit(0);
		}
		*nullp = 1;
		_exit(0);
	}
	reap(label, c);
}

static void sec_faults(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *ro, *none, *gone, *bus, *mbus;
	char path[64];
	int fd;

	for (int s = 1; s < 32; s++)
		if (s == SIGSEGV || s == SIGBUS || s == SIGFPE || s == SIGILL || s == SIGTRAP)
			on_info(s, h_fault, 0);

	ro = mmap(NULL, (size_t)pg * 2, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none = mmap(NULL, (size_t)pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || none == MAP_FAILED || gone == MAP_FAILED)
		die("mmap");
	munmap(gone, (size_t)pg);

	fault_case("write NULL", do_write, NULL, NULL, f_wr);
	fault_case("read NULL+16", do_read, (void *)16, (void *)16, f_rd);
	/* (A write to an untouched read-only page is left out: whether the
	 * page is present, the error code's P bit, depends on the memory's
	 * backing; umk's guest memory is a shared file mapping, which the
	 * kernel maps ahead of faults.) */
	do_read(ro + pg);
	fault_case("write PROT_READ, read before", do_write, ro + pg, ro + pg, f_wr);
	fault_case("read PROT_NONE", do_read, none, none, f_rd);
	fault_case("write unmapped", do_write, gone, gone, f_wr);
	fault_case("write own text", do_write, (void *)do_hlt, (void *)do_hlt, f_wr);
	fault_case("execute PROT_READ", do_exec, ro, ro, ro);
	fault_case("read kernel address", do_read, (void *)0xffff888000000000UL,
		   (void *)0xffff888000000000UL, f_rd);
	fault_case("read non-canonical", do_read, (void *)0x8000000000000000UL, NULL, f_rd);
	fault_case("idiv by 0", do_div0, NULL, f_div, f_div);
	fault_case("idiv INT_MIN/-1", do_ovf, NULL, f_ovf, f_ovf);
	fault_case("divss by 0, unmasked", do_divss, NULL, f_divss, f_divss);
	fault_case("ud2", do_ud2, NULL, f_ud2, f_ud2);
	fault_case("int3", do_int3, NULL, NULL, f_int3_after);
	fault_case("int $0x41", do_int41, NULL, NULL, f_int41);
	fault_case("hlt", do_hlt, NULL, NULL, f_hlt);

	/* SIGBUS: a page of a file mapping wholly beyond EOF. */
	snprintf(path, sizeof(path), "/tmp/signals-bus.%d", (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "0123456789", 10) != 10)
		die("bus file");
	unlink(path);
	bus = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bus == MAP_FAILED)
		die("mmap file");
	do_read(bus + 100);	/* within the last page: fine */
	printf("read past EOF in the last page: ok\n");
	fault_case("read file page past EOF", do_read, bus + pg + 8, bus + pg + 8, f_rd);
	fault_case("write file page past EOF", do_write, bus + pg, bus + pg, f_wr);
	close(fd);
	fd = memfd_create("signals", 0);
	if (fd < 0 || ftruncate(fd, 10) < 0)
		die("memfd");
	mbus = mmap(NULL, (size_t)pg * 2, PROT_READ, MAP_SHARED, fd, 0);
	if (mbus == MAP_FAILED)
		die("mmap memfd");
	fault_case("read memfd page past EOF", do_read, mbus + pg, mbus + pg, f_rd);
	close(fd);

	/* Fatal whatever the disposition, when the fault cannot be handled. */
	fatal_case("SIGSEGV fault while blocked", 0);
	fatal_case("SIGSEGV fault while ignored", 1);
	fatal_case("SIGSEGV fault inside the SIGSEGV handler", 2);
	fatal_case("kill(SIGSEGV) while blocked", 3);
}

/* ---- pgrp: signals to process groups ------------------------------------- */

static int report_fd;

static void h_report_exit(int s)
{
	(void)s;
	write(report_fd, "r", 1);
	_exit(0);
}

static void sec_pgrp(void)
{
	int rep[2], ready[2], st;
	pid_t c[3], pgid = 0;
	char buf[8];
	ssize_t n;
	int got = 0;

	xpipe(rep);
	xpipe(ready);
	for (int i = 0; i < 3; i++) {
		if ((c[i] = xfork()) == 0) {
			report_fd = rep[1];
			on(SIGUSR1, h_report_exit, 0);
			setpgid(0, pgid);
			write(ready[1], "r", 1);
			for (;;)
				pause();
		}
		if (!pgid)
			pgid = c[0];
		setpgid(c[i], pgid);	/* both sides: no race with the kill */
	}
	for (int i = 0; i < 3; i++)
		read(ready[0], buf, 1);
	printf("children in the group of the first: %s\n",
	       yesno(getpgid(c[1]) == pgid && getpgid(c[2]) == pgid && getpgid(c[0]) == pgid));
	TL("kill(-pgid, 0)", kill(-pgid, 0));
	TL("kill(-pgid, SIGUSR1)", kill(-pgid, SIGUSR1));
	while (got < 3 && (n = read(rep[0], buf, sizeof(buf))) > 0)
		got += (int)n;
	printf("reports: %d\n", got);
	for (int i = 0; i < 3; i++)
		reap("child", c[i]);
	TL("killpg(pgid, SIGUSR1) after all exited", killpg(pgid, SIGUSR1));
	TL("killpg(99999, SIGUSR1)", killpg(99999, SIGUSR1));
	TL("kill(-99999, 0)", kill(-99999, 0));

	/* kill(pid, 0): alive, zombie, reaped. */
	if ((c[0] = xfork()) == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(c[0], c[0]);
	TL("kill(child, 0) running", kill(c[0], 0));
	kill(c[0], SIGKILL);
	waitid(P_PID, (id_t)c[0], &(siginfo_t){ 0 }, WEXITED | WNOWAIT);
	TL("kill(zombie, 0)", kill(c[0], 0));
	TL("kill(zombie, SIGUSR1)", kill(c[0], SIGUSR1));
	TL("kill(-zombie's group, 0)", kill(-c[0], 0));
	xwait(c[0], &st, 0);
	TL("kill(reaped, 0)", kill(c[0], 0));
	TL("kill(-reaped's group, 0)", kill(-c[0], 0));
}

/* ---- sigchld: notifications to the parent -------------------------------- */

/* The notifications, with their sender (the handler may run before fork
 * has returned the child's pid to the parent). */
static struct { int code, status; pid_t pid; uid_t uid; } chld[16];
static volatile int nchld;
static pid_t chld_pid;

static void h_chld(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	if (nchld < 16) {
		chld[nchld].code = si->si_code;
		chld[nchld].status = si->si_status;
		chld[nchld].pid = si->si_pid;
		chld[nchld].uid = si->si_uid;
		nchld++;
	}
}

static void print_chld(const char *label)
{
	printf("%s: %d SIGCHLD", label, nchld);
	for (int i = 0; i < nchld; i++) {
		int c = chld[i].code;

		printf(" %s/", code_name(SIGCHLD, c));
		if (c == CLD_EXITED)
			printf("%d", chld[i].status);
		else
			printf("%s", sig_name(chld[i].status));
		if (chld[i].pid != chld_pid || chld[i].uid != getuid())
			printf("(NOT FROM THE CHILD)");
	}
	printf("\n");
}

static void sec_sigchld(void)
{
	int ran[2], go[2], st;
	long t0;
	char b;
	pid_t c, c2;

	/* Stop, continue, exit: each notified, unless SA_NOCLDSTOP. Each
	 * step waits until the notification would have been sent: waitpid
	 * wakes after it for the stop and the exit; for the continue the
	 * child sends it before it returns to user mode and writes. */
	for (int nocldstop = 0; nocldstop <= 1; nocldstop++) {
		printf("%s:\n", nocldstop ? "SA_NOCLDSTOP" : "no SA_NOCLDSTOP");
		on_info(SIGCHLD, h_chld, SA_RESTART | (nocldstop ? SA_NOCLDSTOP : 0));
		xpipe(ran);
		xpipe(go);
		nchld = 0;
		if ((c = xfork()) == 0) {
			raise(SIGSTOP);
			write(ran[1], "c", 1);
			read(go[0], &b, 1);
			_exit(7);
		}
		chld_pid = c;
		xwait(c, &st, WUNTRACED);
		printf("  %s; ", status_str(st));
		print_chld("so far");
		kill(c, SIGCONT);
		read(ran[0], &b, 1);
		printf("  continued; ");
		print_chld("so far");
		write(go[1], "g", 1);
		xwait(c, &st, 0);
		printf("  %s; ", status_str(st));
		print_chld("so far");
		close(ran[0]);
		close(ran[1]);
		close(go[0]);
		close(go[1]);
	}

	/* Killed: CLD_KILLED with the signal. */
	nchld = 0;
	if ((c = xfork()) == 0) {
		for (;;)
			pause();
	}
	chld_pid = c;
	kill(c, SIGTERM);
	reap("killed child", c);
	print_chld("  notified");
	nchld = 0;
	if ((c = xfork()) == 0) {
		for (;;)
			pause();
	}
	chld_pid = c;
	kill(c, SIGQUIT);	/* no core: RLIMIT_CORE is 0 */
	reap("child killed by SIGQUIT", c);
	print_chld("  notified");

	/* SA_NOCLDWAIT: the handler still runs, the child is not a zombie. */
	on_info(SIGCHLD, h_chld, SA_RESTART | SA_NOCLDWAIT);
	nchld = 0;
	block(bit(SIGCHLD));	/* no notification between the test and the wait */
	if ((c = xfork()) == 0)
		_exit(3);
	chld_pid = c;
	while (nchld < 1)
		syscall(SYS_rt_sigsuspend, &(uint64_t){ 0 }, 8);
	setmask(0);
	print_chld("SA_NOCLDWAIT, child exited 3");
	TL("  wait", wait(&st));
	/* wait() blocks until the last child is gone, then fails. */
	if ((c = xfork()) == 0) {
		msleep(100);
		_exit(0);
	}
	if ((c2 = xfork()) == 0) {
		msleep(300);
		_exit(0);
	}
	t0 = now_ms();
	TL("  wait with 2 children exiting after 100 and 300 ms", wait(&st));
	printf("  waited>=250ms: %s\n", yesno(now_ms() - t0 >= 250));

	/* SIG_IGN: the same, without a handler. */
	on(SIGCHLD, SIG_IGN, 0);
	if ((c = xfork()) == 0) {
		msleep(100);
		_exit(0);
	}
	TL("SIG_IGN: wait", wait(&st));
	TL("  waitpid(child)", waitpid(c, &st, 0));

	/* A zombie made before SIG_IGN stays a zombie until reaped. */
	on(SIGCHLD, SIG_DFL, 0);
	if ((c = xfork()) == 0)
		_exit(4);
	waitid(P_PID, (id_t)c, &(siginfo_t){ 0 }, WEXITED | WNOWAIT);
	on(SIGCHLD, SIG_IGN, 0);
	printf("zombie, then SIG_IGN: waitpid %s: ", waitpid(c, &st, 0) == c ? "returns it" : "fails");
	printf("%s\n", status_str(st));
	on(SIGCHLD, SIG_DFL, 0);

	/* The exit signal of a clone can be another one (here SIGUSR1):
	 * then SIGCHLD's handler does not run. */
	on_info(SIGCHLD, h_chld, SA_RESTART);
	on(SIGUSR1, h_count, SA_RESTART);
	nchld = 0;
	reset_counts();
	c = (pid_t)syscall(SYS_clone, SIGUSR1, NULL, NULL, NULL, 0);
	if (c == 0)
		_exit(6);
	TL("clone with exit signal SIGUSR1: waitpid without __WALL",
	   waitpid(c, &st, WNOHANG) < 0 ? -1 : 0);
	printf("  waitpid __WCLONE: %s\n", xwait(c, &st, __WCLONE) == c ? status_str(st) : "failed");
	printf("  SIGUSR1 handled %d, SIGCHLD %d\n", hits[SIGUSR1], nchld);
}

/* ---- stopcont: job control ----------------------------------------------- */

static int pipe_fd;

static void h_write_sig(int s)
{
	char c = s == SIGUSR1 ? 'u' : s == SIGCONT ? 'c' : s == SIGTSTP ? 't' : '?';

	write(pipe_fd, &c, 1);
}

static void h_exit3(int s)
{
	(void)s;
	_exit(3);
}

/* A child that does what `how` says, then waits for a byte on go. */
enum { SC_STOP, SC_TSTP_OWN_PGRP, SC_TTIN_OWN_PGRP, SC_TSTP_ORPHANED, SC_STOP_ORPHANED,
       SC_TSTP_HANDLER, SC_HANDLERS };

static pid_t stop_child(int how, int go_fd, int out_fd)
{
	pid_t c = xfork();
	char b;

	if (c)
		return c;
	pipe_fd = out_fd;
	switch (how) {
	case SC_STOP:
		raise(SIGSTOP);
		break;
	case SC_TSTP_OWN_PGRP:
	case SC_TTIN_OWN_PGRP:
		setpgid(0, 0);
		raise(how == SC_TSTP_OWN_PGRP ? SIGTSTP : SIGTTIN);
		break;
	case SC_TSTP_ORPHANED:
	case SC_STOP_ORPHANED:
		setsid();	/* alone in a new session: an orphaned group */
		raise(how == SC_TSTP_ORPHANED ? SIGTSTP : SIGSTOP);
		break;
	case SC_TSTP_HANDLER:
		on(SIGTSTP, h_exit3, 0);
		raise(SIGTSTP);
		break;
	case SC_HANDLERS:
		on(SIGUSR1, h_write_sig, 0);
		on(SIGCONT, h_write_sig, 0);
		raise(SIGSTOP);
		break;
	}
	read(go_fd, &b, 1);
	_exit(0);
}

static int poll_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms);
}

static void sec_stopcont(void)
{
	int go[2], out[2], st, r;
	siginfo_t si;
	char buf[8];
	pid_t c;

	xpipe(go);
	xpipe(out);

	c = stop_child(SC_STOP, go[0], out[1]);
	xwait(c, &st, WUNTRACED);
	printf("raise(SIGSTOP): %s\n", status_str(st));
	TL("  waitpid again, WUNTRACED|WNOHANG", waitpid(c, &st, WUNTRACED | WNOHANG));
	kill(c, SIGCONT);
	xwait(c, &st, WCONTINUED);
	printf("  SIGCONT: %s\n", status_str(st));
	TL("  waitpid again, WCONTINUED|WNOHANG", waitpid(c, &st, WCONTINUED | WNOHANG));
	write(go[1], "g", 1);
	reap("  then", c);

	c = stop_child(SC_STOP, go[0], out[1]);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)c, &si, WSTOPPED);
	printf("waitid WSTOPPED: %d %s status=%s pid==child: %s\n", r, code_name(SIGCHLD, si.si_code),
	       sig_name(si.si_status), yesno(si.si_pid == c));
	kill(c, SIGCONT);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)c, &si, WCONTINUED);
	printf("waitid WCONTINUED: %d %s status=%s pid==child: %s\n", r,
	       code_name(SIGCHLD, si.si_code), sig_name(si.si_status), yesno(si.si_pid == c));
	write(go[1], "g", 1);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)c, &si, WEXITED);
	printf("waitid WEXITED: %d %s status=%d\n", r, code_name(SIGCHLD, si.si_code), si.si_status);

	/* SIGTSTP and SIGTTIN stop by default, unless the group is orphaned. */
	c = stop_child(SC_TSTP_OWN_PGRP, go[0], out[1]);
	setpgid(c, c);
	xwait(c, &st, WUNTRACED);
	printf("SIGTSTP, own group: %s\n", status_str(st));
	kill(c, SIGCONT);
	write(go[1], "g", 1);
	reap("  then", c);
	c = stop_child(SC_TTIN_OWN_PGRP, go[0], out[1]);
	setpgid(c, c);
	xwait(c, &st, WUNTRACED);
	printf("SIGTTIN, own group: %s\n", status_str(st));
	kill(c, SIGCONT);
	write(go[1], "g", 1);
	reap("  then", c);
	c = stop_child(SC_TSTP_ORPHANED, go[0], out[1]);
	write(go[1], "g", 1);
	xwait(c, &st, WUNTRACED);
	printf("SIGTSTP, orphaned group: %s\n", status_str(st));
	c = stop_child(SC_STOP_ORPHANED, go[0], out[1]);
	xwait(c, &st, WUNTRACED);
	printf("SIGSTOP, orphaned group: %s\n", status_str(st));
	kill(c, SIGCONT);
	write(go[1], "g", 1);
	reap("  then", c);
	c = stop_child(SC_TSTP_HANDLER, go[0], out[1]);
	xwait(c, &st, WUNTRACED);
	printf("SIGTSTP with a handler that exits 3: %s\n", status_str(st));

	/* SIGKILL ends a stopped child. */
	c = stop_child(SC_STOP, go[0], out[1]);
	xwait(c, &st, WUNTRACED);
	kill(c, SIGKILL);
	reap("SIGKILL to a stopped child", c);

	/* A stopped child runs no handler until continued; then SIGUSR1's
	 * and SIGCONT's both run (frames for both set up at once: the last
	 * set up, SIGCONT's, runs first). */
	c = stop_child(SC_HANDLERS, go[0], out[1]);
	xwait(c, &st, WUNTRACED);
	kill(c, SIGUSR1);
	printf("SIGUSR1 to a stopped child: handler ran within 200 ms: %s\n",
	       yesno(poll_in(out[0], 200) > 0));
	kill(c, SIGCONT);
	msleep(200);
	r = poll_in(out[0], 2000) > 0 ? (int)read(out[0], buf, sizeof(buf) - 1) : 0;
	buf[r < 0 ? 0 : r] = 0;
	printf("  after SIGCONT the handlers wrote \"%s\"\n", buf);
	write(go[1], "g", 1);
	reap("  then", c);

	/* SIGCONT discards pending stop signals, and a stop signal pending
	 * SIGCONT: a child with both blocked. */
	if ((c = xfork()) == 0) {
		block(bit(SIGTSTP) | bit(SIGCONT));
		setpgid(0, 0);
		raise(SIGTSTP);
		raise(SIGCONT);
		printf("  child: TSTP then CONT pending: %s\n", mask_str(kpending()));
		raise(SIGTSTP);
		printf("  child: then TSTP again: %s\n", mask_str(kpending()));
		_exit(0);
	}
	setpgid(c, c);
	reap("pending stop/continue", c);
}

/* ---- default: what default actions do to a process ----------------------- */

static void sec_default(void)
{
	const int kills[] = { SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS,
				     SIGFPE, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
				     SIGSTKFLT, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,
				     SIGPWR, SIGSYS, 32, 33, SIGRTMIN, SIGRTMAX };
	static const int ignored[] = { SIGCHLD, SIGCONT, SIGURG, SIGWINCH };
	int p[2], st;
	pid_t c;
	char b;

	/* Sent by raise() with the default action. */
	for (size_t i = 0; i < sizeof(kills) / sizeof(kills[0]); i++) {
		char label[64];

		if ((c = xfork()) == 0) {
			if (kills[i] == SIGALRM)
				on(SIGALRM, SIG_DFL, 0);	/* the watchdog's */
			syscall(SYS_tgkill, getpid(), gettid(), kills[i]);
			_exit(0);
		}
		snprintf(label, sizeof(label), "%s", sig_name(kills[i]));
		reap(label, c);
	}
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		char label[64];

		if ((c = xfork()) == 0) {
			raise(ignored[i]);
			_exit(0);
		}
		snprintf(label, sizeof(label), "%s", sig_name(ignored[i]));
		reap(label, c);
	}
	if ((c = xfork()) == 0)
		abort();
	reap("abort()", c);
	/* A core-dumping signal with RLIMIT_CORE 0 (main sets it): no core,
	 * with the core_pattern of a file. */
	if ((c = xfork()) == 0) {
		raise(SIGQUIT);
		_exit(0);
	}
	xwait(c, &st, 0);
	printf("SIGQUIT, RLIMIT_CORE 0: WIFSIGNALED=%d WTERMSIG=%s WCOREDUMP=%d\n", WIFSIGNALED(st),
	       sig_name(WTERMSIG(st)), WCOREDUMP(st) ? 1 : 0);

	/* Ignored signals interrupt nothing: a blocked read goes on. */
	xpipe(p);
	if ((c = xfork()) == 0) {
		int r = (int)read(p[0], &b, 1);

		printf("  child: read = %s\n", r < 0 ? strerrorname_np(errno) : "got the byte");
		_exit(0);
	}
	msleep(100);
	kill(c, SIGCONT);
	kill(c, SIGWINCH);
	msleep(100);
	write(p[1], "x", 1);
	reap("SIGCONT and SIGWINCH to a child in read", c);
	close(p[0]);
	close(p[1]);

	/* SIGPIPE and SIGXFSZ: from the kernel, fatal by default, errors
	 * when ignored. */
	for (int ign = 0; ign <= 1; ign++) {
		if ((c = xfork()) == 0) {
			if (ign)
				on(SIGPIPE, SIG_IGN, 0);
			xpipe(p);
			close(p[0]);
			TL("  child: write to a pipe without readers", write(p[1], "x", 1));
			_exit(0);
		}
		reap(ign ? "SIGPIPE ignored" : "SIGPIPE default", c);
	}
	for (int ign = 0; ign <= 1; ign++) {
		if ((c = xfork()) == 0) {
			struct rlimit rl = { 10, 10 };
			char path[64];
			int fd;

			if (ign)
				on(SIGXFSZ, SIG_IGN, 0);
			snprintf(path, sizeof(path), "/tmp/signals-xfsz.%d", (int)getpid());
			fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
			unlink(path);
			setrlimit(RLIMIT_FSIZE, &rl);
			TL("  child: write 16 bytes, RLIMIT_FSIZE 10", write(fd, "0123456789abcdef", 16));
			TL("  child: write again", write(fd, "x", 1));
			_exit(0);
		}
		reap(ign ? "SIGXFSZ ignored" : "SIGXFSZ default", c);
	}

	/* SIGKILL and SIGSTOP cannot be caught or ignored. */
	on(SIGTERM, SIG_IGN, 0);
	if ((c = xfork()) == 0) {
		for (;;)
			pause();
	}
	kill(c, SIGTERM);
	kill(c, SIGSTOP);
	xwait(c, &st, WUNTRACED);
	printf("SIGTERM ignored, then SIGSTOP: %s\n", status_str(st));
	kill(c, SIGKILL);
	reap("  SIGKILL", c);
	on(SIGTERM, SIG_DFL, 0);
}

/* ---- signalfd ------------------------------------------------------------ */

static void show_ssi(const char *label, const struct signalfd_siginfo *f, pid_t child)
{
	printf("%s: %s code=%s pid=%s uid==getuid: %s", label, sig_name((int)f->ssi_signo),
	       code_name((int)f->ssi_signo, f->ssi_code), who((pid_t)f->ssi_pid, child),
	       yesno(f->ssi_uid == getuid()));
	if (f->ssi_code == SI_QUEUE)
		printf(" int=%d", f->ssi_int);
	printf("\n");
}

static void sec_signalfd(void)
{
	sigset_t m = sset(bit(SIGUSR1) | bit(SIGUSR2));
	struct signalfd_siginfo f[3];
	struct pollfd pfd;
	int sfd, bfd, p[2];
	ssize_t n;
	pid_t c;

	block(bit(SIGUSR1) | bit(SIGUSR2));
	sfd = signalfd(-1, &m, SFD_CLOEXEC | SFD_NONBLOCK);
	printf("signalfd: %s, FD_CLOEXEC: %s, O_NONBLOCK: %s\n", sfd < 0 ? strerrorname_np(errno) : "fd",
	       yesno(fcntl(sfd, F_GETFD) & FD_CLOEXEC), yesno(fcntl(sfd, F_GETFL) & O_NONBLOCK));
	pfd = (struct pollfd){ .fd = sfd, .events = POLLIN };
	TL("poll, nothing pending", poll(&pfd, 1, 0));
	TL("read, nothing pending", read(sfd, f, sizeof(f)));

	raise(SIGUSR1);
	kill(getpid(), SIGUSR2);
	TL("poll, two pending", poll(&pfd, 1, 0));
	printf("  revents: %s\n", pfd.revents == POLLIN ? "POLLIN" : "OTHER");
	/* (Linux refuses a read shorter than a record with EINVAL; umk's
	 * signalfd is a pipe and cannot: a known gap, not compared.) */
	n = read(sfd, f, sizeof(f));
	printf("read, two pending: %zd bytes (%zu each)\n", n, sizeof(f[0]));
	for (int i = 0; i < n / (ssize_t)sizeof(f[0]); i++)
		show_ssi("  read", &f[i], 0);
	printf("pending after: %s\n", mask_str(kpending()));

	sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 99 });
	if (read(sfd, f, sizeof(f[0])) == sizeof(f[0]))
		show_ssi("sigqueue 99", &f[0], 0);

	/* The mask can change; other signals stay pending for the others. */
	m = sset(bit(SIGUSR2));
	TL("signalfd(sfd, {SIGUSR2}) returns the same fd", signalfd(sfd, &m, 0) == sfd ? 0 : -1);
	raise(SIGUSR1);
	TL("read with SIGUSR1 pending, not in the mask", read(sfd, f, sizeof(f)));
	printf("  pending: %s\n", mask_str(kpending()));
	ktimedwait(bit(SIGUSR1), NULL, &(struct timespec){ 0, 0 });

	/* Errors. */
	TL("signalfd4 sigsetsize 4", syscall(SYS_signalfd4, -1, &m, 4, 0));
	TL("signalfd4 sigsetsize 16", syscall(SYS_signalfd4, -1, &m, 16, 0));
	TL("signalfd flags 0x1", signalfd(-1, &m, 0x1));
	xpipe(p);
	TL("signalfd on a pipe", signalfd(p[0], &m, 0));
	TL("signalfd on a closed fd", signalfd(1000, &m, 0));

	/* Blocking read woken by another process. */
	m = sset(bit(SIGUSR1) | bit(SIGUSR2));
	bfd = signalfd(-1, &m, 0);
	c = kill_parent_after(SIGUSR2, 100);
	if (read(bfd, f, sizeof(f)) == sizeof(f[0]))
		show_ssi("blocking read, from a child", &f[0], c);
	reap("child", c);
	close(bfd);
	close(sfd);
	close(p[0]);
	close(p[1]);
	setmask(0);
}

/* ---- timers: itimers, alarm, POSIX timers -------------------------------- */

static pid_t thr_tid;
static int thr_ready[2], thr_go[2];
static struct { bool pending, got; int code; int val; } thr;

static void *timer_thread(void *a)
{
	siginfo_t si;
	char b;

	(void)a;
	thr_tid = gettid();
	write(thr_ready[1], "r", 1);
	read(thr_go[0], &b, 1);
	thr.pending = kpending() & bit(RTMIN + 2);
	if (ktimedwait(bit(RTMIN + 2), &si, &(struct timespec){ 1, 0 }) == RTMIN + 2) {
		thr.got = true;
		thr.code = si.si_code;
		thr.val = si.si_value.sival_int;
	}
	return NULL;
}

static void sec_timers(void)
{
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, cur;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = RTMIN };
	struct itimerspec its, got;
	timer_t tm, tm2;
	siginfo_t si;
	pthread_t th;
	unsigned r;
	char b;

	/* ITIMER_REAL with a 50 ms interval: count three SIGALRMs. */
	watchdog_off();
	on(SIGALRM, h_count, 0);
	reset_counts();
	T(setitimer(ITIMER_REAL, &it, NULL));
	getitimer(ITIMER_REAL, &cur);
	printf("getitimer: interval=%ldus, remaining>0: %s, <=50ms: %s\n", (long)cur.it_interval.tv_usec,
	       yesno(cur.it_value.tv_sec || cur.it_value.tv_usec),
	       yesno(!cur.it_value.tv_sec && cur.it_value.tv_usec <= 50000));
	wait_hits(SIGALRM, 3);
	setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, &cur);
	printf("3 SIGALRMs counted: %s; the old value had interval=%ldus\n", yesno(hits[SIGALRM] >= 3),
	       (long)cur.it_interval.tv_usec);
	TL("setitimer tv_usec 1000000",
	   setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 1000000 } }, NULL));
	TL("setitimer which 5", setitimer(5, &it, NULL));
	r = alarm(5);
	printf("alarm(5) = %u\n", r);
	r = alarm(0);
	printf("alarm(0) >= 4: %s\n", yesno(r >= 4 && r <= 5));
	watchdog_on();

	/* A POSIX timer: SI_TIMER, the value, the timer id. */
	on_info(RTMIN, h_info, 0);
	block(bit(RTMIN));	/* wait_hits unblocks it */
	reset_counts();
	ev.sigev_value.sival_int = 7;
	TL("timer_create CLOCK_MONOTONIC SIGEV_SIGNAL", timer_create(CLOCK_MONOTONIC, &ev, &tm));
	its = (struct itimerspec){ .it_value = { 0, 50000000 } };
	T(timer_settime(tm, 0, &its, NULL));
	timer_gettime(tm, &got);
	printf("timer_gettime: remaining>0: %s, <=50ms: %s\n",
	       yesno(got.it_value.tv_sec || got.it_value.tv_nsec),
	       yesno(!got.it_value.tv_sec && got.it_value.tv_nsec <= 50000000));
	wait_hits(RTMIN, 1);
	si = last_info[RTMIN];
	printf("handler: %s code=%s value=%d timerid==id: %s overrun=%d\n", sig_name(si.si_signo),
	       code_name(RTMIN, si.si_code), si.si_value.sival_int,
	       yesno(si.si_timerid == (int)(intptr_t)tm), si.si_overrun);
	timer_gettime(tm, &got);
	printf("timer_gettime after it fired: disarmed: %s\n",
	       yesno(!got.it_value.tv_sec && !got.it_value.tv_nsec));
	setmask(0);

	/* Overruns: a 10 ms periodic timer with its signal blocked 300 ms. */
	ev.sigev_signo = RTMIN + 1;
	block(bit(RTMIN + 1));
	timer_create(CLOCK_MONOTONIC, &ev, &tm2);
	its = (struct itimerspec){ { 0, 10000000 }, { 0, 10000000 } };
	timer_settime(tm2, 0, &its, NULL);
	msleep(300);
	if (ktimedwait(bit(RTMIN + 1), &si, &(struct timespec){ 1, 0 }) == RTMIN + 1) {
		int ov = timer_getoverrun(tm2);

		printf("blocked 300 ms: one signal, si_overrun>10: %s, timer_getoverrun==si_overrun: %s\n",
		       yesno(si.si_overrun > 10), yesno(ov == si.si_overrun));
	}
	T(timer_delete(tm2));
	ktimedwait(bit(RTMIN + 1), &si, &(struct timespec){ 0, 0 });
	printf("after timer_delete, nothing pending: %s\n", yesno(!(kpending() & bit(RTMIN + 1))));

	/* Re-armed while its signal is pending: the signal is dropped (Linux
	 * 6.13 and later; this suite runs on 6.18). */
	block(bit(RTMIN + 1));
	timer_create(CLOCK_MONOTONIC, &ev, &tm2);
	its = (struct itimerspec){ .it_value = { 0, 10000000 } };
	timer_settime(tm2, 0, &its, NULL);
	msleep(100);
	printf("one-shot expired, pending: %s\n", yesno(kpending() & bit(RTMIN + 1)));
	its = (struct itimerspec){ .it_value = { 5, 0 } };
	timer_settime(tm2, 0, &its, NULL);
	printf("re-armed, still pending: %s\n", yesno(kpending() & bit(RTMIN + 1)));
	printf("re-armed, sigtimedwait takes it: %s\n",
	       yesno(ktimedwait(bit(RTMIN + 1), &si, &(struct timespec){ 0, 0 }) == RTMIN + 1));
	printf("then pending: %s\n", yesno(kpending() & bit(RTMIN + 1)));
	T(timer_delete(tm2));
	setmask(0);

	/* SIGEV_THREAD_ID: pending for that thread only. */
	block(bit(RTMIN + 2));
	xpipe(thr_ready);
	xpipe(thr_go);
	pthread_create(&th, NULL, timer_thread, NULL);
	read(thr_ready[0], &b, 1);
	ev = (struct sigevent){ .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = RTMIN + 2,
				.sigev_value.sival_int = 11 };
	ev._sigev_un._tid = thr_tid;
	TL("timer_create SIGEV_THREAD_ID", timer_create(CLOCK_MONOTONIC, &ev, &tm2));
	its = (struct itimerspec){ .it_value = { 0, 50000000 } };
	timer_settime(tm2, 0, &its, NULL);
	msleep(200);
	printf("pending in the main thread: %s\n", yesno(kpending() & bit(RTMIN + 2)));
	write(thr_go[1], "g", 1);
	pthread_join(th, NULL);
	printf("pending in the thread: %s, it took it: %s code=%s value=%d\n", yesno(thr.pending),
	       yesno(thr.got), code_name(RTMIN + 2, thr.code), thr.val);
	timer_delete(tm2);
	ev._sigev_un._tid = 99999;
	TL("SIGEV_THREAD_ID, no such thread", timer_create(CLOCK_MONOTONIC, &ev, &tm2));
	setmask(0);

	/* SIGEV_NONE: counts down, sends nothing. */
	ev = (struct sigevent){ .sigev_notify = SIGEV_NONE };
	reset_counts();
	T(timer_create(CLOCK_MONOTONIC, &ev, &tm2));
	its = (struct itimerspec){ .it_value = { 1, 0 } };
	timer_settime(tm2, 0, &its, NULL);
	msleep(100);
	timer_gettime(tm2, &got);
	printf("SIGEV_NONE after 100 ms: remaining<950ms: %s, >0: %s\n",
	       yesno(!got.it_value.tv_sec && got.it_value.tv_nsec < 950000000),
	       yesno(got.it_value.tv_sec || got.it_value.tv_nsec));
	its = (struct itimerspec){ .it_value = { 0, 1000000 } };
	timer_settime(tm2, 0, &its, NULL);
	msleep(50);
	timer_gettime(tm2, &got);
	printf("SIGEV_NONE expired: disarmed: %s, any signal: %s\n",
	       yesno(!got.it_value.tv_sec && !got.it_value.tv_nsec), yesno(kpending() != 0));

	/* Errors. */
	T(timer_delete(tm2));
	TL("timer_gettime on a deleted timer", timer_gettime(tm2, &got));
	TL("timer_delete again", timer_delete(tm2));
	TL("timer_delete id 12345", syscall(SYS_timer_delete, 12345));
	TL("timer_settime tv_nsec 2e9",
	   timer_settime(tm, 0, &(struct itimerspec){ .it_value = { 0, 2000000000 } }, NULL));
	ev = (struct sigevent){ .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0 };
	TL("timer_create signal 0", timer_create(CLOCK_MONOTONIC, &ev, &tm2));
	ev.sigev_signo = 65;
	TL("timer_create signal 65", timer_create(CLOCK_MONOTONIC, &ev, &tm2));
	ev.sigev_signo = SIGUSR1;
	ev.sigev_notify = 99;
	TL("timer_create notify 99", timer_create(CLOCK_MONOTONIC, &ev, &tm2));
	ev.sigev_notify = SIGEV_SIGNAL;
	TL("timer_create clock 99", timer_create(99, &ev, &tm2));
	T(timer_delete(tm));
}

/* ---- pidfd: pidfd_send_signal -------------------------------------------- */

struct report { int sig, code, val; bool from_parent; };

static void h_report(int s, siginfo_t *si, void *uc)
{
	struct report r = { s, si->si_code, si->si_value.sival_int, si->si_pid == getppid() };

	(void)uc;
	write(report_fd, &r, sizeof(r));
}

static void read_report(const char *label, int fd)
{
	struct report r;

	if (poll_in(fd, 2000) <= 0 || read(fd, &r, sizeof(r)) != sizeof(r)) {
		printf("%s: no report\n", label);
		return;
	}
	printf("%s: child got %s code=%s pid==parent: %s", label, sig_name(r.sig),
	       code_name(r.sig, r.code), yesno(r.from_parent));
	if (r.code == SI_QUEUE)
		printf(" value=%d", r.val);
	printf("\n");
}

static long pidfd_send(int fd, int s, int code, unsigned flags)
{
	siginfo_t si;

	if (code == 1000)
		return syscall(SYS_pidfd_send_signal, fd, s, NULL, flags);
	memset(&si, 0, sizeof(si));
	si.si_signo = s;
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 5;
	return syscall(SYS_pidfd_send_signal, fd, s, &si, flags);
}

static void sec_pidfd(void)
{
	int rep[2], ready[2], fd, self;
	struct pollfd pfd;
	char b;
	pid_t c;

	xpipe(rep);
	xpipe(ready);
	if ((c = xfork()) == 0) {
		report_fd = rep[1];
		on_info(SIGUSR1, h_report, 0);
		on_info(SIGUSR2, h_report, 0);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	read(ready[0], &b, 1);
	fd = (int)syscall(SYS_pidfd_open, c, 0);
	printf("pidfd_open(child): %s, FD_CLOEXEC: %s\n", fd < 0 ? strerrorname_np(errno) : "fd",
	       yesno(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	TL("pidfd_send_signal SIGUSR1, no info", pidfd_send(fd, SIGUSR1, 1000, 0));
	read_report("  report", rep[0]);
	TL("pidfd_send_signal SIGUSR2, SI_QUEUE info", pidfd_send(fd, SIGUSR2, SI_QUEUE, 0));
	read_report("  report", rep[0]);
	TL("pidfd_send_signal, SI_USER info to another process", pidfd_send(fd, SIGUSR1, SI_USER, 0));
	TL("pidfd_send_signal, SI_KERNEL info to another process",
	   pidfd_send(fd, SIGUSR1, SI_KERNEL, 0));
	TL("pidfd_send_signal, SI_TKILL info to another process", pidfd_send(fd, SIGUSR1, SI_TKILL, 0));
	{
		siginfo_t si = { .si_signo = SIGUSR2, .si_code = SI_QUEUE };

		TL("pidfd_send_signal, si_signo differs",
		   syscall(SYS_pidfd_send_signal, fd, SIGUSR1, &si, 0));
	}
	TL("pidfd_send_signal flags 0x80", pidfd_send(fd, SIGUSR1, 1000, 0x80));
	TL("pidfd_send_signal signal 99", pidfd_send(fd, 99, 1000, 0));
	TL("pidfd_send_signal signal 0", pidfd_send(fd, 0, 1000, 0));
	TL("pidfd_send_signal on a pipe", pidfd_send(rep[0], SIGUSR1, 1000, 0));
	TL("pidfd_open(99999)", syscall(SYS_pidfd_open, 99999, 0));
	TL("pidfd_open flags 0x1234", syscall(SYS_pidfd_open, c, 0x1234));

	/* To itself any code goes. */
	on_info(SIGUSR2, h_info, 0);
	self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	reset_counts();
	TL("pidfd_send_signal to itself, SI_KERNEL info", pidfd_send(self, SIGUSR2, SI_KERNEL, 0));
	show_si("  handler", SIGUSR2, 0);
	close(self);

	/* Exit: POLLIN; a zombie can still be signalled; reaped: ESRCH. */
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	TL("poll pidfd, running", poll(&pfd, 1, 0));
	kill(c, SIGTERM);
	TL("poll pidfd, killed", poll(&pfd, 1, 2000));
	printf("  revents: %s\n", pfd.revents & POLLIN ? "POLLIN" : "OTHER");
	TL("pidfd_send_signal to the zombie", pidfd_send(fd, SIGUSR1, 1000, 0));
	reap("child", c);
	TL("pidfd_send_signal after reaping", pidfd_send(fd, SIGUSR1, 1000, 0));
	close(fd);
}

/* ---- ppoll: the temporary mask of ppoll, pselect, epoll_pwait ------------ */

static void sec_ppoll(void)
{
	struct timespec two = { 2, 0 }, ms300 = { 0, 300000000 };
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t during;
	struct pollfd pfd;
	int p[2], ep, r;
	fd_set rf;
	pid_t c;

	xpipe(p);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);

	/* SIGUSR1 blocked, unblocked only during the call (which blocks
	 * SIGUSR2): EINTR, the handler runs with the call's mask, the old
	 * mask is back after. */
	on(SIGUSR1, h_mask, 0);
	setmask(bit(SIGUSR1));
	during = sset(bit(SIGUSR2));
	for (int which = 0; which < 4; which++) {
		static const char *const names[] = { "ppoll", "pselect", "epoll_pwait",
						     "epoll_pwait2" };

		reset_counts();
		handler_mask = 0;
		c = kill_parent_after(SIGUSR1, 100);
		FD_ZERO(&rf);
		FD_SET(p[0], &rf);
		switch (which) {
		case 0: r = ppoll(&pfd, 1, &two, &during); break;
		case 1: r = pselect(p[0] + 1, &rf, NULL, NULL, &two, &during); break;
		case 2: r = epoll_pwait(ep, &ev, 1, 2000, &during); break;
		default: r = (int)syscall(SYS_epoll_pwait2, ep, &ev, 1, &two, &during, 8); break;
		}
		printf("%s, SIGUSR1 from a child: %s, handler ran %d with mask %s, mask after %s\n",
		       names[which], r < 0 ? strerrorname_np(errno) : "returned", hits[SIGUSR1],
		       mask_str(handler_mask), mask_str(kmask()));
		reap("  child", c);
	}

	/* A signal the call's mask blocks: no EINTR, the call times out,
	 * and the handler runs as the call returns, before its caller sees
	 * the result. */
	on_info(SIGUSR2, h_log, 0);
	setmask(bit(SIGUSR1));
	during = sset(bit(SIGUSR1) | bit(SIGUSR2));
	for (int which = 0; which < 2; which++) {
		reset_counts();
		c = kill_parent_after(SIGUSR2, 100);
		FD_ZERO(&rf);
		FD_SET(p[0], &rf);
		r = which == 0 ? ppoll(&pfd, 1, &ms300, &during)
			       : pselect(p[0] + 1, &rf, NULL, NULL, &ms300, &during);
		printf("%s masking SIGUSR2, SIGUSR2 from a child: %s; handler had run when it returned: "
		       "%s\n", which ? "pselect" : "ppoll", r < 0 ? strerrorname_np(errno) : r ? "ready" : "0",
		       yesno(nev == 1));
		reap("  child", c);
	}
	TL("ppoll sigsetsize 4", syscall(SYS_ppoll, &pfd, 1, &two, &during, 4));
	setmask(0);
	close(ep);
	close(p[0]);
	close(p[1]);
}

/* ---- storm: many signals between two processes --------------------------- */

static void sec_storm(void)
{
	siginfo_t si;
	int st, got = 0, r;
	bool inorder = true;
	pid_t c;

	/* 2000 queued real-time signals, each with its number: all arrive,
	 * in order. The sender retries when the queue is full. */
	block(bit(RTMIN));
	if ((c = xfork()) == 0) {
		pid_t pp = getppid();

		for (int i = 0; i < 2000; i++)
			while (sigqueue(pp, RTMIN, (union sigval){ .sival_int = i }) < 0) {
				if (errno != EAGAIN)
					_exit(1);
				sched_yield();
			}
		_exit(0);
	}
	while (got < 2000 && (r = ktimedwait(bit(RTMIN), &si, &(struct timespec){ 3, 0 })) == RTMIN) {
		inorder &= si.si_value.sival_int == got && si.si_code == SI_QUEUE && si.si_pid == c;
		got++;
	}
	printf("rt received %d in order: %s\n", got, yesno(inorder));
	reap("sender", c);
	setmask(0);

	/* 5000 SIGUSR1 at a process that handles them: they merge, at least
	 * one is handled, and it carries on. */
	on(SIGUSR1, h_count, SA_RESTART);
	reset_counts();
	if ((c = xfork()) == 0) {
		pid_t pp = getppid();

		for (int i = 0; i < 5000; i++)
			if (kill(pp, SIGUSR1) < 0)
				_exit(1);
		_exit(0);
	}
	xwait(c, &st, 0);
	printf("SIGUSR1 x5000: sender %s, handled>=1: %s, <=5000: %s\n", status_str(st),
	       yesno(hits[SIGUSR1] >= 1), yesno(hits[SIGUSR1] <= 5000));

	/* Both ways at once, with handlers, for a second. */
	on(SIGUSR2, h_count, SA_RESTART);
	reset_counts();
	if ((c = xfork()) == 0) {
		pid_t pp = getppid();
		long end = now_ms() + 1000;

		/* The counts the parent reset before the fork: what arrives
		 * before this loop counts too (a slow child may take all of its
		 * signals there). */
		while (now_ms() < end)
			kill(pp, SIGUSR2);
		_exit(hits[SIGUSR1] > 0 ? 0 : 2);
	}
	{
		long end = now_ms() + 1000;

		while (now_ms() < end)
			kill(c, SIGUSR1);
	}
	xwait(c, &st, 0);
	printf("both ways for a second: child %s, parent handled some: %s\n", status_str(st),
	       yesno(hits[SIGUSR2] > 0));
	printf("parent carries on: %s\n", yesno(kill(getpid(), 0) == 0));
}

/* ---- exec: what execve keeps --------------------------------------------- */

static const char *sec_arg;	/* argv[2] */

static void sec_exec(void)
{
	stack_t ss = { .ss_size = 65536 };
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct sigaction sa = { .sa_handler = h_count, .sa_flags = SA_RESTART | SA_ONSTACK };
	timer_t tm;
	char id[32];

	/* Pending (standard and queued) and blocked signals, dispositions, an
	 * altstack, an alarm, a POSIX timer. */
	block(bit(SIGUSR1) | bit(RTMIN));
	raise(SIGUSR1);
	sigqueue(getpid(), RTMIN, (union sigval){ .sival_int = 77 });
	on(SIGUSR2, SIG_IGN, SA_RESTART);
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	on(SIGCHLD, SIG_IGN, SA_NOCLDSTOP);
	ss.ss_sp = malloc(ss.ss_size);
	sigaltstack(&ss, NULL);
	timer_create(CLOCK_MONOTONIC, &ev, &tm);
	timer_settime(tm, 0, &(struct itimerspec){ .it_value = { 100, 0 } }, NULL);
	snprintf(id, sizeof(id), "%ld", (long)(intptr_t)tm);
	printf("before exec: pending %s, blocked %s\n", mask_str(kpending()), mask_str(kmask()));
	show_action("  SIGINT", SIGINT);
	show_action("  SIGUSR2", SIGUSR2);
	alarm(7);		/* replaces the watchdog; exec2 reads it */
	fflush(stdout);
	execl(self_path, self_path, "exec2", id, (char *)NULL);
	printf("execl: %s\n", strerrorname_np(errno));
}

static void sec_exec2(void)
{
	struct itimerspec got;
	siginfo_t si;
	stack_t o;
	int r;

	printf("after exec: alarm kept: %s\n", yesno(alarm_at_start >= 5 && alarm_at_start <= 7));
	printf("pending %s, blocked %s\n", mask_str(kpending()), mask_str(kmask()));
	show_action("SIGINT (had a handler)", SIGINT);
	show_action("SIGUSR2 (was ignored)", SIGUSR2);
	show_action("SIGCHLD (was ignored, SA_NOCLDSTOP)", SIGCHLD);
	sigaltstack(NULL, &o);
	printf("altstack: flags=%s size=%zu\n", ss_flags_str(o.ss_flags), o.ss_size);
	TL("timer_gettime on the old timer", syscall(SYS_timer_gettime, atol(sec_arg ? sec_arg : "0"),
						     &got));
	while ((r = ktimedwait(bit(SIGUSR1) | bit(RTMIN), &si, &(struct timespec){ 0, 0 })) > 0) {
		printf("took %s code=%s pid=%s", sig_name(r), code_name(r, si.si_code),
		       who(si.si_pid, 0));
		if (si.si_code == SI_QUEUE)
			printf(" value=%d", si.si_value.sival_int);
		printf("\n");
	}
	setmask(0);
}

/* ---- init: the namespace's pid 1 ----------------------------------------- */

/* ---- orphan: a stopped job whose group is orphaned gets SIGHUP, SIGCONT -- */

static int orphan_fd = -1;

static void h_orphan(int s)
{
	char c = s == SIGHUP ? 'H' : s == SIGCONT ? 'C' : '?';

	if (write(orphan_fd, &c, 1) < 0)
		_exit(3);
}

static void sec_orphan(void)
{
	int p[2], st;
	char buf[8] = { 0 };
	ssize_t n;
	pid_t c;

	/* c leads a session of its own; its child e leads a group there, in
	 * which e's child d stops. When e exits, d goes to pid 1, in another
	 * session: d's group has no link left inside the session, and a
	 * stopped member (POSIX 3.2.2.2). */
	xpipe(p);
	if ((c = xfork()) == 0) {
		pid_t e;

		close(p[0]);
		setsid();
		if ((e = xfork()) == 0) {
			pid_t d;

			setpgid(0, 0);
			if ((d = xfork()) == 0) {
				orphan_fd = p[1];
				on(SIGHUP, h_orphan, 0);
				on(SIGCONT, h_orphan, 0);
				raise(SIGSTOP);
				_exit(0);	/* continued: what arrived is written */
			}
			if (waitpid(d, &st, WUNTRACED) != d || !WIFSTOPPED(st))
				_exit(2);
			_exit(0);
		}
		close(p[1]);
		_exit(waitpid(e, &st, 0) == e && WIFEXITED(st) ? WEXITSTATUS(st) : 4);
	}
	close(p[1]);
	xwait(c, &st, 0);
	printf("session leader: %s\n", status_str(st));
	/* Until d exits (EOF): its handlers' writes may come apart. */
	for (size_t len = 0; len < sizeof(buf) - 1 &&
			     (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0;)
		len += (size_t)n;
	printf("the orphaned stopped child got: %s\n", buf[0] ? buf : "nothing");
	close(p[0]);
	/* It is pid 1's child now: reap it. */
	while (waitpid(-1, &st, 0) > 0)
		printf("reaped: %s\n", status_str(st));

	/* A group that is not orphaned: nothing. c stays in our session. */
	xpipe(p);
	if ((c = xfork()) == 0) {
		pid_t d;

		close(p[0]);
		setpgid(0, 0);
		if ((d = xfork()) == 0) {
			orphan_fd = p[1];
			on(SIGHUP, h_orphan, 0);
			on(SIGCONT, h_orphan, 0);
			raise(SIGSTOP);
			_exit(0);
		}
		if (waitpid(d, &st, WUNTRACED) != d || !WIFSTOPPED(st))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	xwait(c, &st, 0);
	{
		struct pollfd pf = { .fd = p[0], .events = POLLIN };

		printf("a child in a group with a link outside, within 300 ms: %s\n",
		       poll(&pf, 1, 300) > 0 ? "signalled" : "nothing");
	}
	/* Continue and reap it. */
	kill(-1, SIGCONT);
	while (waitpid(-1, &st, 0) > 0)
		printf("reaped: %s\n", status_str(st));
	close(p[0]);
}

static void sec_init(void)
{
	pid_t c;

	printf("pid==1: %s\n", yesno(getpid() == 1));
	/* No handler: nothing from inside the namespace reaches it, not even
	 * SIGKILL or SIGSTOP from itself. */
	T(kill(1, SIGTERM));
	T(kill(1, SIGUSR1));
	T(kill(1, SIGKILL));
	T(kill(1, SIGSTOP));
	T(raise(SIGTERM));
	msleep(50);
	printf("alive, pending %s\n", mask_str(kpending()));
	/* Blocked, it is queued (the handler might change before it is
	 * unblocked), and dropped when unblocked. */
	block(bit(SIGTERM));
	T(kill(1, SIGTERM));
	printf("blocked: pending %s\n", mask_str(kpending()));
	setmask(0);
	printf("unblocked: pending %s, alive\n", mask_str(kpending()));
	/* With a handler: handled. */
	on_info(SIGTERM, h_info, 0);
	reset_counts();
	T(kill(1, SIGTERM));
	show_si("handled", SIGTERM, 0);

	/* From a child: SIGKILL is ignored too; a handled one is handled. */
	if ((c = xfork()) == 0)
		_exit(kill(1, SIGKILL) == 0 && kill(1, SIGSTOP) == 0 && kill(1, SIGUSR2) == 0 ? 0 : 1);
	reap("child sending SIGKILL, SIGSTOP, SIGUSR2 to 1", c);
	printf("alive\n");
	block(bit(SIGTERM));
	reset_counts();
	if ((c = xfork()) == 0)
		_exit(kill(1, SIGTERM));
	reap("child sending SIGTERM", c);
	wait_hits(SIGTERM, 1);
	show_si("handled", SIGTERM, c);
	setmask(0);

	/* Faults are forced: with a handler it runs (a child shows what no
	 * handler does: test_init_segv covers pid 1 itself). */
	on_info(SIGSEGV, h_fault, 0);
	memset(&ft, 0, sizeof(ft));
	if (sigsetjmp(fault_jb, 1) == 0)
		*nullp = 1;
	printf("fault in pid 1 with a handler: %s %s\n", sig_name(ft.sig), code_name(ft.sig, ft.code));
}

/* -------------------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} sections[] = {
	{ "info", sec_info },
	{ "nodefer", sec_nodefer },
	{ "resethand", sec_resethand },
	{ "altstack", sec_altstack },
	{ "altoverflow", sec_altoverflow },
	{ "mcontext", sec_mcontext },
	{ "fpregs", sec_fpregs },
	{ "badframe", sec_badframe },
	{ "framedump", sec_framedump },
	{ "restart", sec_restart },
	{ "suspend", sec_suspend },
	{ "timedwait", sec_timedwait },
	{ "rtorder", sec_rtorder },
	{ "faults", sec_faults },
	{ "pgrp", sec_pgrp },
	{ "sigchld", sec_sigchld },
	{ "stopcont", sec_stopcont },
	{ "default", sec_default },
	{ "signalfd", sec_signalfd },
	{ "timers", sec_timers },
	{ "pidfd", sec_pidfd },
	{ "ppoll", sec_ppoll },
	{ "storm", sec_storm },
	{ "exec", sec_exec },
	{ "exec2", sec_exec2 },	/* run by exec */
	{ "init", sec_init },
	{ "orphan", sec_orphan },
};

int main(int argc, char **argv)
{
	struct rlimit rl;

	setvbuf(stdout, NULL, _IOLBF, 0);
	self_path = argv[0];
	sec_arg = argc > 2 ? argv[2] : NULL;
	/* No core files from the children that die on purpose, whatever the
	 * caller's limit (and so no "(core dumped)" that depends on it). */
	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &rl);
	}
	if (argc < 2)
		goto usage;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (strcmp(argv[1], sections[i].name))
			continue;
		alarm_at_start = watchdog_on();
		printf("== %s\n", sections[i].name);
		sections[i].fn();
		printf("done\n");
		return 0;
	}
usage:
	fprintf(stderr, "usage: signals SECTION\n");
	return 2;
}
