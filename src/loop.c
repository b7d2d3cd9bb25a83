/*
 * The kernel's event loop: one thread, never blocked by one guest.
 *
 * It sleeps in epoll over a signalfd (SIGCHLD for guest stops and deaths, and
 * the signals aimed at umk itself) and, on each pass, drains every pending
 * ptrace event with wait4(-1, WNOHANG|__WALL). Each event is dispatched by
 * kind; a guest thread umk is not finished with stays stopped (sleeping on a
 * wait queue) while the loop goes on with the others.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "umk/exit.h"
#include "umk/fork.h"
#include "umk/inject.h"
#include "umk/mm.h"
#include "umk/loop.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/trace.h"
#include "umk/tty.h"
#include "umk/umk.h"

/* Stops of host threads whose fork event has not been seen yet. */
struct early_stop {
	pid_t tid;
	int status;
};
static struct early_stop *early;
static size_t nr_early, cap_early;

static void handle_status(pid_t tid, int status, const struct rusage *ru);

/* Statuses umk's injection code took with a waitpid of its own. */
struct deferred_status {
	pid_t tid;
	int status;
	struct rusage ru;
};
static struct deferred_status *deferred;
static size_t nr_deferred, cap_deferred;

void loop_defer_status(pid_t tid, int status, const struct rusage *ru)
{
	if (array_reserve(&deferred, &cap_deferred, nr_deferred, sizeof(*deferred)))
		umk_die(UMK_EXIT_FAILURE, "out of memory");
	deferred[nr_deferred].tid = tid;
	deferred[nr_deferred].status = status;
	deferred[nr_deferred].ru = *ru;
	nr_deferred++;
}

static unsigned run_deferred(void)
{
	unsigned n = 0;

	while (nr_deferred) {
		struct deferred_status d = deferred[0];

		memmove(deferred, deferred + 1, (--nr_deferred) * sizeof(*deferred));
		handle_status(d.tid, d.status, &d.ru);
		signal_run_wakeups();
		n++;
	}
	return n;
}
static uint64_t spin_ns;

/* Descriptors other subsystems watch (userfaultfds), by number. */
static int loop_epfd = -1;
static struct watcher {
	void (*fn)(void *);
	void *arg;
} *watchers;
static size_t nwatchers, nwatched;
static int loop_sfd = -1, terms;

static void umk_signal(const struct signalfd_siginfo *si, int *terms);

int loop_watch(int fd, void (*fn)(void *), void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	/* Watches set up before the loop runs (the memory limit's timer). */
	if (loop_epfd < 0 && (loop_epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -1;

	if (loop_epfd < 0 || fd < 0)
		return -EBADF;
	if ((size_t)fd >= nwatchers) {
		size_t n = (size_t)fd + 64;
		struct watcher *w = realloc(watchers, n * sizeof(*w));

		if (!w)
			return -ENOMEM;
		memset(w + nwatchers, 0, (n - nwatchers) * sizeof(*w));
		watchers = w;
		nwatchers = n;
	}
	if (epoll_ctl(loop_epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	watchers[fd].fn = fn;
	watchers[fd].arg = arg;
	nwatched++;
	return 0;
}

void loop_unwatch(int fd)
{
	if (fd >= 0 && (size_t)fd < nwatchers && watchers[fd].fn) {
		epoll_ctl(loop_epfd, EPOLL_CTL_DEL, fd, NULL);
		watchers[fd].fn = NULL;
		nwatched--;
	}
}

/*
 * Poll fd and the watched descriptors until fd is readable (1) or timeout_ms
 * passes (0), serving the watchers meanwhile. umk's synchronous waits on a
 * guest thread (injection) use it: the thread may have to take a fault that
 * a watcher (a userfaultfd) resolves before it gets where umk waits for it.
 */
int loop_poll_watchers(int fd, int timeout_ms)
{
	struct pollfd *p = calloc(nwatched + 1, sizeof(*p));
	size_t n = 0;
	int r, ret = 0;

	if (!p)
		return 0;
	p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (size_t i = 0; i < nwatchers && n < nwatched + 1; i++)
		if (watchers[i].fn)
			p[n++] = (struct pollfd){ .fd = (int)i, .events = POLLIN };
	r = poll(p, n, timeout_ms);
	for (size_t i = 1; r > 0 && i < n; i++)
		if (p[i].revents && watchers[p[i].fd].fn)
			watchers[p[i].fd].fn(watchers[p[i].fd].arg);
	if (r > 0 && (p[0].revents & POLLIN))
		ret = 1;
	free(p);
	return ret;
}

pid_t loop_sync_wait(pid_t tid, int *status, struct rusage *ru)
{
	if (!nwatched || loop_sfd < 0)
		return wait4(tid, status, __WALL, ru);
	for (;;) {
		pid_t r = wait4(tid, status, __WALL | WNOHANG, ru);
		struct signalfd_siginfo si[16];
		ssize_t n;

		if (r != 0)
			return r;
		/* SIGCHLD (through the signalfd) says a stop may be there. */
		if (loop_poll_watchers(loop_sfd, -1) > 0) {
			n = read(loop_sfd, si, sizeof(si));
			for (size_t k = 0; n > 0 && k < (size_t)n / sizeof(si[0]); k++)
				umk_signal(&si[k], &terms);
		}
	}
}

void task_resume(struct task *t, int sig)
{
	t->state = TASK_RUNNING;
	ptrace(t->sys.exit_pending ? PTRACE_SYSCALL : PTRACE_CONT, t->host_tid, 0, sig);
	/* Resumed where umk could not deliver (an event stop): a pending
	 * signal is delivered at the interrupt stop that follows. */
	if (signal_pending(t))
		signal_wake_up(t);
}

void loop_forget_early(pid_t tid)
{
	for (size_t i = 0; i < nr_early; i++)
		if (early[i].tid == tid) {
			early[i] = early[--nr_early];
			return;
		}
}

void loop_adopt_early(struct task *c)
{
	for (size_t i = 0; i < nr_early; i++)
		if (early[i].tid == c->host_tid) {
			int status = early[i].status;

			early[i] = early[--nr_early];
			handle_status(c->host_tid, status, NULL);
			return;
		}
}

static void remember_early(pid_t tid, int status)
{
	if (array_reserve(&early, &cap_early, nr_early, sizeof(*early))) {
		kill(tid, SIGKILL);
		return;
	}
	early[nr_early].tid = tid;
	early[nr_early].status = status;
	nr_early++;
}

/* A new thread's first stop: give it back the argument registers the guest
 * set; a fork child gets memory of its own before it runs guest code. */
/* A new task's first stop. True when umk moved the thread (a fork child's
 * memory was set up by injection): the stop it reported is over. */
static bool first_stop(struct task *t)
{
	int r = 0;

	if (t->restore_start_args) {
		struct arch_regs r;

		if (arch_regs_fetch(t->host_tid, &r) == 0) {
			for (int i = 0; i < 6; i++)
				arch_set_syscall_arg(&r, i, t->start_args[i]);
			arch_regs_store(t->host_tid, &r);
		}
		t->restore_start_args = false;
	}
	if (t->mm && t->mm->fork_fixup && (r = mm_fork_fixup(t)) < 0 && !t->inj.dead) {
		umk_log("cannot set up the memory of a forked process (%s): killed", strerror(-r));
		kill(t->host_tid, SIGKILL);
	}
	t->state = TASK_RUNNING;
	return r != 0;
}

/* de_thread(): a non-leader exec'd; it takes over the leader's host tid and pid. */
static struct task *exec_takeover(pid_t tid, pid_t former)
{
	struct task *t = task_by_host(former), *l = task_by_host(tid);
	struct pid *tmp;

	if (!t)
		return l;
	if (l && l != t) {
		struct process *p = l->proc;

		task_hash_del(l);
		task_hash_del(t);
		/* Exchange pids: the exec'ing thread now has tid == tgid. */
		list_del(&t->pid_node);
		list_del(&l->pid_node);
		tmp = t->pid;
		t->pid = l->pid;
		l->pid = tmp;
		list_add_tail(&t->pid_node, &t->pid->tasks[PIDTYPE_PID]);
		list_add_tail(&l->pid_node, &l->pid->tasks[PIDTYPE_PID]);
		t->host_tid = tid;
		task_hash_add(t);
		p->leader = t;
		if (l->state != TASK_DEAD) {
			l->state = TASK_DEAD;
			p->nr_threads--;
		}
		l->hash_next = NULL;
		task_free(l);
	} else {
		task_hash_del(t);
		t->host_tid = tid;
		task_hash_add(t);
	}
	return t;
}

/* A host signal for a guest: it becomes umk's, the host's is suppressed. */
static void signal_stop(struct task *t, int sig)
{
	bool intr = t->sys.native_intr;
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, t->host_tid, 0, &si) < 0) {
		memset(&si, 0, sizeof(si));
		si.si_signo = sig;
		si.si_code = SI_KERNEL;
	}
	t->state = TASK_TRAPPED;
	signal_from_host(t, sig, &si);
	if (intr)
		syscall_sleep_interrupted(t);
	else
		signal_resume(t);
}

static void handle_status(pid_t tid, int status, const struct rusage *ru)
{
	struct task *t = task_by_host(tid);
	unsigned long msg = 0;
	int event, sig;

	if (!t) {
		/* A stop before its fork event, or an exec by a non-leader (the
		 * exec event arrives on the leader's tid, see below). */
		if (WIFSTOPPED(status) && (status >> 16) == PTRACE_EVENT_EXEC) {
			ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
			t = exec_takeover(tid, (pid_t)msg);
		}
		if (!t) {
			if (WIFSTOPPED(status))
				remember_early(tid, status);
			return;
		}
	}
	kernel.nr_stops++;
	t->nr_stops++;
	/* Any ptrace stop consumes a pending PTRACE_INTERRUPT (ptrace_stop()
	 * clears JOBCTL_TRAP_STOP): a kick is answered by whatever stop comes. */
	t->kicked = false;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		task_reaped(t, status, ru);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	event = status >> 16;
	if (t->state == TASK_NEW) {
		t->stop = STOP_EVENT;
		if (first_stop(t) || event == PTRACE_EVENT_STOP) {
			/* The auto-attach stop, or one that injection replaced: a
			 * signal it was delivering comes again. */
			sig = WSTOPSIG(status);
			if (!event && sig != (SIGTRAP | 0x80) && sig != SIGSTOP) {
				siginfo_t si;

				if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0)
					signal_from_host(t, sig, &si);
			}
			if (!t->inj.dead)
				task_resume(t, 0);
			return;
		}
	}
	sig = WSTOPSIG(status);
	t->stop_status = status;
	t->stop = event == PTRACE_EVENT_SECCOMP ? STOP_SECCOMP
		: event == PTRACE_EVENT_STOP ? STOP_GROUP
		: event ? STOP_EVENT
		: sig == (SIGTRAP | 0x80) ? STOP_SYSCALL_EXIT : STOP_SIGNAL;

	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		syscall_enter(t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
		fork_event(t, (pid_t)msg);
		task_resume(t, 0);
		return;
	case PTRACE_EVENT_EXEC:
		ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
		if ((pid_t)msg != tid) {
			/* The stop was recorded on the old leader's task: the
			 * exec'ing thread's is this event, not its execve entry. */
			t = exec_takeover(tid, (pid_t)msg);
			t->stop = STOP_EVENT;
			t->stop_status = status;
		}
		exec_event(t);
		if (config.trace)
			trace_exit(t, 0);
		t->sys.exit_pending = false;	/* no exit stop: the registers are the new image's */
		task_resume(t, 0);
		return;
	case PTRACE_EVENT_EXIT:
		t->exit_event_seen = true;
		t->sys.exit_pending = false;
		ptrace(PTRACE_CONT, tid, 0, 0);
		return;
	case PTRACE_EVENT_STOP:
		/* umk's PTRACE_INTERRUPT (host group stops do not happen: every
		 * host stop signal is suppressed at its delivery stop). */
		if (t->state == TASK_STOPPED)
			return;	/* stays stopped: umk will resume it */
		if (t->sys.native_intr)
			syscall_sleep_interrupted(t);
		else
			signal_resume(t);
		return;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			if (t->sys.exit_pending)
				syscall_exit(t);
			else
				task_resume(t, 0);
			return;
		}
		signal_stop(t, sig);
		return;
	default:
		task_resume(t, 0);
		return;
	}
}

/* Handle every pending ptrace event. False once umk has no host child left. */
static bool drain(unsigned *handled)
{
	*handled += run_deferred();
	for (;;) {
		struct rusage ru;
		int status;
		pid_t pid = wait4(-1, &status, __WALL | WNOHANG, &ru);

		if (pid == 0)
			return true;
		if (pid < 0)
			return errno != ECHILD;
		handle_status(pid, status, &ru);
		signal_run_wakeups();
		(*handled)++;
		*handled += run_deferred();
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * After resuming guests, poll briefly for their next stop before sleeping:
 * a guest that traps again within the window is served without umk going to
 * sleep and being woken across CPUs (20-80 us on these VMs).
 */
static bool drain_and_spin(void)
{
	unsigned handled = 0;
	bool children = drain(&handled);
	uint64_t until;

	if (!handled || !children || !spin_ns)
		return children;
	until = now_ns() + spin_ns;
	while (children && now_ns() < until) {
		unsigned more = 0;

		children = drain(&more);
		if (more)
			until = now_ns() + spin_ns;
	}
	return children;
}

static int exit_status_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return UMK_EXIT_FAILURE;
}

static int kill_all(struct task *t, void *arg)
{
	(void)arg;
	kill(t->host_tid, SIGKILL);
	return 0;
}

/* Signals aimed at umk itself. */
static void umk_signal(const struct signalfd_siginfo *si, int *terms)
{
	struct process *init = kernel.init;

	switch (si->ssi_signo) {
	case SIGCHLD:
		return;
	case SIGWINCH:
		tty_winch();	/* the pty's line discipline tells the guests */
		return;
	case SIGINT:
	case SIGQUIT:
		/* From the terminal, the guests (same process group) got it too. */
		if (si->ssi_code == SI_KERNEL)
			return;
		/* fallthrough */
	case SIGTERM:
	case SIGHUP:
		if (++*terms > 1 || !init || init->state != PROC_ALIVE) {
			for_each_task(kill_all, NULL);
		} else {
			siginfo_t info;

			signal_info_user(&info, (int)si->ssi_signo, SI_USER, NULL, init->leader);
			send_signal((int)si->ssi_signo, &info, init->leader, true,
				    SEND_FORCE | SEND_OUTSIDE);
			signal_run_wakeups();
		}
		return;
	}
}

int loop_run(int sfd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = sfd };
	int epfd = loop_epfd >= 0 ? loop_epfd : epoll_create1(EPOLL_CLOEXEC);
	bool listening = false;

	spin_ns = (uint64_t)config.spin_us * 1000;
	{
		/* On one CPU, spinning only keeps the guest from running. */
		cpu_set_t cpus;

		if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) < 2)
			spin_ns = 0;
	}
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev) < 0)
		umk_die(UMK_EXIT_FAILURE, "epoll: %s", strerror(errno));
	loop_epfd = epfd;
	loop_sfd = sfd;
	for (;;) {
		struct signalfd_siginfo si[16];
		struct epoll_event evs[8];
		bool children = drain_and_spin();
		int n;

		if (!children) {
			if (kernel.init_exited)
				break;
			/* No host child left but init not accounted: it vanished. */
			if (kernel.init && kernel.init->state != PROC_ALIVE)
				break;
		}
		if (!listening && inject_listener() >= 0) {
			struct epoll_event lev = { .events = EPOLLIN, .data.fd = inject_listener() };

			listening = epoll_ctl(epfd, EPOLL_CTL_ADD, inject_listener(), &lev) == 0;
		}
		n = epoll_wait(epfd, evs, 8, syscall_expire_sleepers());
		if (n < 0 && errno != EINTR)
			umk_die(UMK_EXIT_FAILURE, "epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == inject_listener())
				inject_handle_notifications();
			else if (fd >= 0 && (size_t)fd < nwatchers && watchers[fd].fn)
				watchers[fd].fn(watchers[fd].arg);
			if (fd != sfd)
				continue;
			ssize_t r;

			/* One read clears SIGCHLD (it does not queue); read again only
			 * when the buffer came back full. One syscall less per stop. */
			do {
				r = read(sfd, si, sizeof(si));
				for (size_t k = 0; r > 0 && k < (size_t)r / sizeof(si[0]); k++)
					umk_signal(&si[k], &terms);
			} while (r == (ssize_t)sizeof(si));
		}
		signal_run_wakeups();
	}
	close(epfd);
	return kernel.init_exited ? exit_status_of(kernel.init_status) : UMK_EXIT_FAILURE;
}
