/*
 * The task table: umk's process control blocks.
 *
 * struct task is one guest thread (Linux's task_struct); struct process is one
 * thread group (the parts of task_struct and signal_struct that Linux shares
 * across a thread group: parent, children, process group, session, exit
 * state). Every guest thread is one host thread; task_by_host() maps a host tid
 * back to its task.
 */
#ifndef UMK_TASK_H
#define UMK_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>
#include "list.h"
#include "pid.h"
#include "cred.h"
#include "arch.h"

/* Where a guest thread is, from umk's point of view. */
enum task_state {
	TASK_NEW,		/* host thread exists, first ptrace stop not seen yet */
	TASK_RUNNING,		/* runs guest code or a native syscall */
	TASK_TRAPPED,		/* held in a ptrace stop while umk works on it */
	TASK_SLEEPING,		/* held in a syscall stop, waiting on a umk wait queue */
	TASK_SLEEPING_NATIVE,	/* on a umk wait queue, blocked in an interruptible host
				 * sleep so that host signals reach it (see syscall.c) */
	TASK_STOPPED,		/* in a job-control group stop, held in its ptrace stop */
	TASK_DEAD,		/* host thread gone */
};

/* How the host holds the thread while it is TRAPPED or SLEEPING. */
enum stop_kind {
	STOP_NONE,
	STOP_SECCOMP,		/* syscall entry, via SECCOMP_RET_TRACE */
	STOP_SYSCALL_EXIT,	/* syscall exit, after PTRACE_SYSCALL */
	STOP_EVENT,		/* fork/clone/exec/exit event */
	STOP_SIGNAL,		/* signal-delivery stop */
	STOP_GROUP,		/* group stop / PTRACE_EVENT_STOP */
};

struct task;
struct sysc;
struct sighand;

/* Signals pending for a thread or a whole process (signal.c). */
struct sigpending {
	struct list_head list;	/* struct sigqueue, in arrival order */
	uint64_t signal;	/* bit sig-1 */
};

/*
 * The syscall a task is in while umk handles it. A handler returns its result
 * (a value, or -errno) or one of the SYSC_* codes below.
 */
typedef long (*sys_handler_t)(struct task *t, struct sysc *sc);
typedef void (*sys_exit_fn)(struct task *t, struct sysc *sc);

#define SYSC_NATIVE  (-100000L)	/* let the host run it (arguments may be rewritten) */
#define SYSC_SLEEP   (-100001L)	/* task sleeps on a wait queue; handler runs again on wake */

struct sysc {
	long nr;
	long orig_nr;		/* as the guest asked, restored for syscall restart */
	uint64_t args[6];
	uint64_t orig_args[6];	/* as the guest passed them, for --trace */
	long ret;
	bool args_dirty;	/* args[] or nr changed: write registers back */
	bool native;		/* handed to the host */
	sys_exit_fn on_exit;	/* called at the syscall-exit stop (implies one) */
	const struct syscall_desc *desc;
	bool exit_pending;	/* resumed with PTRACE_SYSCALL: an exit stop comes */
	bool exec_done;		/* execve succeeded: registers are the new image's */
	bool regs_moved;	/* injections ran: store regs even if args are unchanged */
	bool tramp_ok;		/* never returns a restart code: may use the trampoline */
	bool override;		/* the guest sees ov[1] if the host returns ov[0], else ov[2] */
	bool restart;		/* on_exit: run the guest's call again from its entry */
	int64_t retry_on;	/* with tramp_ok: a result that runs the call again (0: none) */
	uint32_t scratch_used;	/* bytes of the thread's scratch area this call filled */
	long intr_ret;		/* what a sleep a signal interrupts returns (0: -ERESTARTSYS) */
	sys_exit_fn on_intr;	/* undo a sleep's state when a signal interrupts it */
	bool sigreturn;		/* rt_sigreturn: the registers are the frame's */
	uint64_t timeout_ns;	/* a sleep's deadline (CLOCK_MONOTONIC), 0: none */
	bool native_intr;	/* a native sleep the host interrupted: finish it at
				 * the next stop (syscall_sleep_interrupted) */
	uint64_t ov[3];
	char *path;		/* resolved guest path kept for on_exit (malloc) */
	char trace[512];	/* --trace: the call as decoded at entry */
	union {
		struct {
			uint64_t flags, ptid, ctid;
			int exit_signal;
			pid_t set_tid;
			pid_t child_vnr;
			struct pid *child_pid;	/* reference, for CLONE_PIDFD */
			long err;
		} clone;
		struct {
			int which;	/* P_ALL, P_PID, P_PGID */
			struct pid *pid;	/* reference held while sleeping */
			int options;
			uint64_t stat_addr, info_addr, ru_addr;
			bool waitid;
		} wait;
		struct {
			bool started;	/* the mask is swapped: a re-run after a wake */
			uint64_t these;	/* sigtimedwait's set */
		} sig;
		uint64_t data[8];
	} u;
	struct arch_regs regs;
};

/* fs_struct: shared between threads (and CLONE_FS children). Paths are guest paths. */
struct fs_struct {
	int refcount;
	char *root;		/* the task's root, "/" unless chroot */
	char *cwd;		/* absolute guest path, below root (as last seen) */
	int cwd_fd;		/* umk's descriptor of the cwd, which follows renames;
				 * -1: the path above (the first task's "/") */
	unsigned umask;		/* the guest's (umask(2) also runs natively, for its opens) */
};

/* The uts namespace: hostname and domain name (shared until CLONE_NEWUTS). */
struct uts_ns {
	int refcount;
	char nodename[65];
	char domainname[65];
};

struct wait_queue {
	struct list_head sleepers;	/* struct task.wait_node */
};

struct process {
	struct pid *tgid;
	struct task *leader;
	struct list_head threads;	/* struct task.thread_node */
	int nr_threads;			/* threads not yet dead */

	struct process *parent;		/* real parent (after reparenting) */
	struct list_head children;	/* struct process.sibling */
	struct list_head sibling;

	struct pid *pgrp;
	struct pid *session;
	struct list_head tgid_node, pgrp_node, session_node;

	struct pid_namespace *pid_ns;	/* the namespace it was born in (pid 1 of it, or not) */
	struct pid_namespace *pid_ns_for_children;

	enum { PROC_ALIVE, PROC_ZOMBIE, PROC_DEAD } state;
	int exit_signal;		/* sent to the parent at death; 0 for none */
	int exit_status;		/* wait status word once a zombie */
	bool group_exit;		/* exit_group or fatal signal: code below wins */
	int group_exit_code;

	/* Signals shared by the thread group (signal.c). */
	struct sighand *sighand;	/* handlers, shared under CLONE_SIGHAND */
	struct sigpending shared_pending;
	uint64_t xfeatures;		/* its signal frames' xsave features (AMX permission) */
	int group_stop_sig;		/* a group stop is under way (JOBCTL_STOP_PENDING) */
	struct timer_overrun {		/* POSIX timers' overrun at their last delivery */
		int id, overrun;
	} *timer_ov;
	size_t nr_timer_ov, nr_timer_ov_cap;

	/* Job control, as Linux's signal->flags SIGNAL_STOP_STOPPED etc. */
	int stop_signal;		/* nonzero while the group is stopped */
	bool notify_stopped;		/* a WSTOPPED report is pending for the parent */
	bool notify_continued;		/* a WCONTINUED report is pending */

	bool is_child_subreaper;
	bool has_child_subreaper;
	bool did_exec;			/* setpgid on a child after exec: EACCES */
	pid_t host_tgid;		/* the host's tgid (the first leader's host tid) */
	int dumpable;			/* what the guest sees through PR_GET_DUMPABLE */
	uint64_t nofile_max;		/* the guest's hard RLIMIT_NOFILE (the host's is higher) */

	struct rusage ru_self;		/* the host's account of this process, at reap */
	struct rusage ru_children;	/* cumulative, of reaped descendants */

	unsigned long personality;	/* personality(2), kept for exec's layout */
	int oom_score_adj;		/* -1000..1000, inherited (oom.c) */
	char *exe;			/* guest path of its image (/proc/PID/exe), or NULL */
	dev_t exe_dev;			/* the image's file: writing it is ETXTBSY */
	ino_t exe_ino;
	struct wait_queue wait_chldexit;	/* tasks sleeping in wait4/waitid */
	char comm[16];
};

struct task {
	pid_t host_tid;
	struct pid *pid;
	struct process *proc;
	struct list_head thread_node;
	struct list_head pid_node;
	struct task *hash_next;		/* host-tid hash chain */

	enum task_state state;
	enum stop_kind stop;
	int stop_status;		/* raw waitpid status of the current stop */
	struct sysc sys;		/* syscall in flight while TRAPPED/SLEEPING */

	struct cred cred;
	struct fs_struct *fs;
	/* Linux's task comm: the thread's name (PR_SET_NAME). The host's is
	 * the stub's after an exec, so umk keeps the guest's. */
	char comm[16];
	bool no_new_privs;		/* PR_SET_NO_NEW_PRIVS, the guest's (the host's is always set) */
	int exit_code;			/* wait status word of this thread's death */

	/* Signals (signal.c). */
	struct sigpending pending;
	/* The host's mask of this thread: SIGTTIN/SIGTTOU where the guest
	 * ignores or blocks them, nothing else (jobctl.c). */
	uint64_t host_blocked;
	uint64_t blocked;
	uint64_t real_blocked;		/* sigtimedwait: the mask while it sleeps */
	uint64_t saved_sigmask;		/* sigsuspend, ppoll: restored after delivery */
	bool restore_sigmask;
	bool kicked;			/* PTRACE_INTERRUPT sent, its stop not seen yet */
	bool jobctl_stop;		/* must join its group's stop */
	long stop_nr;			/* the syscall to restart after a stop (-1: none) */
	struct arch_sigaltstack sas;
	/* The last fault's trap number, error code and address, for the
	 * sigcontext (Linux's thread.trap_nr, error_code, cr2). */
	uint64_t fault_trapno, fault_err, fault_addr;
	int pdeath_signal;
	struct task *creator;		/* thread that forked it: __WNOTHREAD */

	/* A new thread's argument registers, restored at its first stop (the host
	 * saw rewritten clone arguments; the guest must see its own). */
	uint64_t start_args[6];
	bool restore_start_args;
	bool exit_event_seen;
	struct uts_ns *uts;

	struct list_head wait_node;	/* on a wait_queue while SLEEPING(_NATIVE) */
	struct wait_queue *wq;
	struct list_head held_node;	/* on kernel.held while SLEEPING */
	int path_retries;		/* opens restarted after a rename race (fs_open.c) */
	uint64_t sleep_deadline;	/* when a held sleeper goes native (ns) */

	uint64_t nr_stops;		/* ptrace stops umk took for this thread */

	struct binprm *bprm;		/* an execve between its entry and the exec event */
	struct mm *mm;			/* its address space (shared by CLONE_VM) */
	int slot;			/* its page in the mm's scratch window, or -1 */
	struct {			/* an injection sequence under way (inject.c) */
		bool active;
		bool from_entry;	/* began at a syscall-entry stop */
		bool at_entry;		/* now at a syscall-entry (seccomp) stop */
		bool dead;		/* the thread vanished mid-sequence */
		struct arch_regs saved;	/* the guest's registers at the start */
		struct arch_regs cur;	/* registers at the current stop */
	} inj;
};

/* The kernel's global state that is not per task. */
struct umk_kernel {
	struct pid_namespace *init_pid_ns;
	unsigned init_umask;		/* umk's umask at start: the first guest's */
	struct process *init;		/* the guest's first process (pid 1) */
	int nr_tasks;
	int nr_processes;
	bool init_exited;
	int init_status;
	uint64_t nr_stops;		/* every ptrace stop umk took */
	struct list_head held;		/* SLEEPING tasks, oldest first */
	uint64_t init_blocked;		/* umk's own mask and ignored signals at start: */
	uint64_t init_ignored;		/* the first guest inherits them */
};

/* How long a sleeper is held in its syscall stop before it sleeps natively. */
#define SLEEP_GRACE_NS (10 * 1000 * 1000ULL)

extern struct umk_kernel kernel;

struct task *task_by_host(pid_t host_tid);
void task_hash_add(struct task *t);
void task_hash_del(struct task *t);
/* All live tasks, for iteration: calls fn until it returns nonzero. */
int for_each_task(int (*fn)(struct task *t, void *arg), void *arg);

/* A task's own numbers as seen from its namespace or another. */
pid_t task_pid_vnr(const struct task *t);	/* tid seen by itself */
pid_t task_tgid_vnr(const struct task *t);
pid_t task_pid_nr_ns(const struct task *t, const struct pid_namespace *ns);
pid_t task_tgid_nr_ns(const struct task *t, const struct pid_namespace *ns);
pid_t process_tgid_nr_ns(const struct process *p, const struct pid_namespace *ns);
struct pid_namespace *task_active_pid_ns(const struct task *t);
/* The process whose tgid is nr in ns, alive or zombie, or NULL. */
struct process *find_process_ns(pid_t nr, struct pid_namespace *ns);
struct task *find_task_ns(pid_t nr, struct pid_namespace *ns);
struct process *pgrp_first(struct pid *pgrp);

/* Build the first guest process around host tid. */
struct task *task_create_init(pid_t host_tid, const struct cred *cred, const char *comm);
/* A new thread group (fork) or thread (CLONE_THREAD) made by parent_task. */
struct task *task_create(struct task *creator, pid_t host_tid, unsigned long clone_flags,
			 int exit_signal, pid_t set_tid);
void change_pid(struct process *p, enum pid_type type, struct pid *pid);
void fs_put(struct fs_struct *fs);
struct fs_struct *fs_copy(const struct fs_struct *fs);
void task_free(struct task *t);
void process_free(struct process *p);

/* Wait queues: a sleeping task is re-run (its handler called again) on wake. */
void wq_init(struct wait_queue *wq);
void task_sleep_on(struct task *t, struct wait_queue *wq);
void wake_up_all(struct wait_queue *wq);
void task_unsleep(struct task *t);

#endif
