/*
 * Signals, owned by umk: pending sets, masks, dispositions, delivery.
 *
 * The host never runs a guest handler and never sees a guest's mask or
 * dispositions: rt_sigaction, rt_sigprocmask and friends are emulated, every
 * host signal aimed at a guest is caught at its signal-delivery stop and
 * turned into a umk pending signal, and umk builds the rt_sigframe itself
 * (arch_setup_rt_frame). See docs/architecture.md, "Signals".
 */
#ifndef UMK_SIGNAL_H
#define UMK_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include "task.h"

#define UMK_NSIG 64
#define sigbit(sig) (1ULL << ((sig) - 1))

/* Linux's SIG_KERNEL_*_MASK sets. */
#define SIG_KERNEL_ONLY_MASK (sigbit(SIGKILL) | sigbit(SIGSTOP))
#define SIG_KERNEL_STOP_MASK (sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))
#define SIG_KERNEL_IGNORE_MASK (sigbit(SIGCONT) | sigbit(SIGCHLD) | sigbit(SIGWINCH) | sigbit(SIGURG))
#define SIG_KERNEL_COREDUMP_MASK (sigbit(SIGQUIT) | sigbit(SIGILL) | sigbit(SIGTRAP) | \
	sigbit(SIGABRT) | sigbit(SIGFPE) | sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGSYS) | \
	sigbit(SIGXCPU) | sigbit(SIGXFSZ))
#define SYNCHRONOUS_MASK (sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) | sigbit(SIGTRAP) | \
	sigbit(SIGFPE) | sigbit(SIGSYS))

#define KSIG_DFL 0ULL
#define KSIG_IGN 1ULL

/* One queued signal with its siginfo (Linux's struct sigqueue). */
struct sigqueue {
	struct list_head list;
	siginfo_t info;
	uid_t uid;		/* whose RLIMIT_SIGPENDING count it is charged to */
	bool charged;
	bool outside;		/* sent from outside the guests (the terminal, a host
				 * process): reaches a namespace init even unhandled */
	bool stale;		/* its timer was re-armed or deleted: dropped when
				 * dequeued, as Linux 6.13+ */
};

/* The handler table, shared under CLONE_SIGHAND (Linux's sighand_struct). */
struct sighand {
	int refcount;
	struct arch_sigaction action[UMK_NSIG];
};

void sigpending_init(struct sigpending *p);
void sigpending_flush(struct sigpending *p);

/* A new task's signal state (fork.c/task.c): flags are the clone flags. */
void signal_fork(struct task *creator, struct task *t, uint64_t flags);
void signal_init_first(struct task *t, uint64_t blocked, uint64_t ignored);
void signal_task_free(struct task *t);
void signal_process_free(struct process *p);
/* execve: handlers reset (SIG_IGN kept), altstack cleared, table unshared. */
void signal_exec(struct task *t);

/*
 * Generate sig for t (a thread, group false) or for t's whole process, as
 * Linux's send_signal_locked(): info is complete (ids as the receiver sees
 * them). how: SEND_* flags. 0 or -EAGAIN.
 */
#define SEND_FORCE 0x1	/* from an ancestor namespace or the kernel: SIGKILL and
			 * SIGSTOP reach a namespace init */
#define SEND_OUTSIDE 0x2	/* from outside the guests */
#define SEND_FAULT 0x4		/* a synchronous fault: kills even an init */
int send_signal(int sig, const siginfo_t *info, struct task *t, bool group, int how);
/* A synchronous fault: delivered even when blocked or ignored (force_sig). */
void force_sig_info(struct task *t, const siginfo_t *info);
/* siginfo for a signal sent by sender (NULL: the kernel) to t. */
void signal_info_user(siginfo_t *si, int sig, int code, struct task *sender, struct task *t);

/* Does t have a signal it must act on before running guest code? */
bool signal_pending(const struct task *t);
/* Make t notice its pending signals (Linux's signal_wake_up). */
void signal_wake_up(struct task *t);

/*
 * t returns to guest code with registers r: deliver its pending signals
 * (frames, default actions, stops) and apply the restart rules to the
 * syscall nr whose result is in r (-1: none), as arch_do_signal_or_restart.
 * *changed tells whether r must be stored. False: t must not be resumed (it
 * stopped, or dies).
 */
bool signal_return_to_user(struct task *t, struct arch_regs *r, long nr, bool *changed);
/* Fetch, deliver, store, resume: for a stop whose registers umk has not
 * touched (an interrupt or signal-delivery stop). */
void signal_resume(struct task *t);
/* A host signal caught at t's signal-delivery stop becomes umk's. */
void signal_from_host(struct task *t, int sig, const siginfo_t *si);

/* Parent notifications: SIGCHLD for stop/continue; the exit signal (true:
 * the dead child must be reaped at once, as do_notify_parent). */
void notify_parent_cldstop(struct process *p, int why);
bool do_notify_parent(struct process *p, int sig);
/* Kill the whole process with sig's default action (wait status word). */
void do_group_exit_signal(struct process *p, int status);

bool is_ns_init(const struct process *p);
int signal_queued(struct task *t);
void signal_timer_delivered(struct process *p, const siginfo_t *si);
int signal_queue_limit(struct task *t);
void set_current_blocked(struct task *t, uint64_t mask);
int dequeue_signal(struct task *t, uint64_t blocked, siginfo_t *info, bool *outside);
int dequeue_from(struct sigpending *pend, uint64_t blocked, siginfo_t *info, bool *outside);
/* signalfd.c: move blocked signals into p's signalfds; p's are gone. */
void signalfd_flush(struct process *p);
void signalfd_process_gone(struct process *p);
bool signalfd_any(const struct process *p);
void sigqueue_release(struct sigqueue *q);
int do_sigaltstack(struct task *t, const struct arch_sigaltstack *ss,
		   struct arch_sigaltstack *oss, uint64_t sp);
bool signal_is_restart_code(long r);
/* Run the syscalls of sleepers that signals interrupted (the loop, after
 * each event: not in the middle of a sender's walk over the task lists). */
void signal_run_wakeups(void);
/* t is dead or leaves: it no longer counts for its group's stop. */
void signal_thread_gone(struct task *t);
/* A task is freed: it must not be woken any more. */
void signal_forget_wakeup(struct task *t);
bool sig_handler_ignored(const struct process *p, int sig);

#endif
