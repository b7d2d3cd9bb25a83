/*
 * The task table: creation of PCBs (as Linux's copy_process does for the
 * parts umk models), the host-tid hash, lookups by virtual pid, wait queues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/personality.h>
#include "umk/exec.h"
#include "umk/task.h"
#include "umk/signal.h"
#include "umk/mm.h"
#include "umk/umk.h"

struct umk_kernel kernel = { .held = LIST_HEAD_INIT(kernel.held) };

#define TASK_HASH_SIZE 4096
static struct task *task_hash[TASK_HASH_SIZE];

static unsigned hash_tid(pid_t tid)
{
	return (unsigned)tid % TASK_HASH_SIZE;
}

struct task *task_by_host(pid_t host_tid)
{
	struct task *t;

	for (t = task_hash[hash_tid(host_tid)]; t; t = t->hash_next)
		if (t->host_tid == host_tid)
			return t;
	return NULL;
}

void task_hash_add(struct task *t)
{
	unsigned h = hash_tid(t->host_tid);

	t->hash_next = task_hash[h];
	task_hash[h] = t;
}

void task_hash_del(struct task *t)
{
	struct task **pp = &task_hash[hash_tid(t->host_tid)];

	while (*pp && *pp != t)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = t->hash_next;
	t->hash_next = NULL;
}

int for_each_task(int (*fn)(struct task *t, void *arg), void *arg)
{
	unsigned h;

	for (h = 0; h < TASK_HASH_SIZE; h++) {
		struct task *t, *next;

		for (t = task_hash[h]; t; t = next) {
			int r;

			next = t->hash_next;
			r = fn(t, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

struct pid_namespace *task_active_pid_ns(const struct task *t)
{
	return pid_ns_of(t->pid);
}

pid_t task_pid_nr_ns(const struct task *t, const struct pid_namespace *ns)
{
	return pid_nr_ns(t->pid, ns);
}

pid_t task_tgid_nr_ns(const struct task *t, const struct pid_namespace *ns)
{
	return pid_nr_ns(t->proc->tgid, ns);
}

pid_t process_tgid_nr_ns(const struct process *p, const struct pid_namespace *ns)
{
	return pid_nr_ns(p->tgid, ns);
}

pid_t task_pid_vnr(const struct task *t)
{
	return task_pid_nr_ns(t, task_active_pid_ns(t));
}

pid_t task_tgid_vnr(const struct task *t)
{
	return task_tgid_nr_ns(t, task_active_pid_ns(t));
}

struct process *find_process_ns(pid_t nr, struct pid_namespace *ns)
{
	struct pid *pid = find_pid_ns(nr, ns);
	struct process *p = pid_process(pid, PIDTYPE_TGID);

	return p && p->state != PROC_DEAD ? p : NULL;
}

struct task *find_task_ns(pid_t nr, struct pid_namespace *ns)
{
	struct task *t = pid_task(find_pid_ns(nr, ns));

	return t && t->state != TASK_DEAD ? t : NULL;
}

struct process *pgrp_first(struct pid *pgrp)
{
	return pid_process(pgrp, PIDTYPE_PGID);
}

static struct list_head *pid_link(struct process *p, enum pid_type type)
{
	switch (type) {
	case PIDTYPE_TGID:
		return &p->tgid_node;
	case PIDTYPE_PGID:
		return &p->pgrp_node;
	default:
		return &p->session_node;
	}
}

/* Attach p to pid as type (dropping the old one), as Linux's change_pid(). */
void change_pid(struct process *p, enum pid_type type, struct pid *pid)
{
	struct pid **slot = type == PIDTYPE_TGID ? &p->tgid :
			    type == PIDTYPE_PGID ? &p->pgrp : &p->session;
	struct list_head *link = pid_link(p, type);

	if (*slot) {
		list_del(link);
		put_pid(*slot);
	}
	*slot = get_pid(pid);
	if (pid)
		list_add_tail(link, &pid->tasks[type]);
}

void fs_put(struct fs_struct *fs)
{
	if (fs && --fs->refcount == 0) {
		free(fs->root);
		free(fs->cwd);
		if (fs->cwd_fd >= 0)
			close(fs->cwd_fd);
		free(fs);
	}
}

struct fs_struct *fs_copy(const struct fs_struct *fs)
{
	struct fs_struct *n = xcalloc(1, sizeof(*n));

	n->refcount = 1;
	n->root = xstrdup(fs->root);
	n->cwd = xstrdup(fs->cwd);
	n->cwd_fd = fs->cwd_fd >= 0 ? fcntl(fs->cwd_fd, F_DUPFD_CLOEXEC, 0) : -1;
	n->umask = fs->umask;
	return n;
}

static struct process *process_alloc(void)
{
	struct process *p = xcalloc(1, sizeof(*p));

	list_init(&p->threads);
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->tgid_node);
	list_init(&p->pgrp_node);
	list_init(&p->session_node);
	wq_init(&p->wait_chldexit);
	p->state = PROC_ALIVE;
	p->dumpable = 1;
	kernel.nr_processes++;
	return p;
}

/* t is the first thread of the new thread group p, born in namespace ns. */
static void process_set_leader(struct process *p, struct task *t, struct pid_namespace *ns)
{
	t->proc = p;
	p->leader = t;
	p->host_tgid = t->host_tid;
	list_add_tail(&t->thread_node, &p->threads);
	p->nr_threads = 1;
	p->pid_ns = ns;
	p->pid_ns_for_children = ns;
	ns->refcount += 2;
	change_pid(p, PIDTYPE_TGID, t->pid);
}

static struct task *task_alloc(pid_t host_tid, struct pid *pid)
{
	struct task *t = xcalloc(1, sizeof(*t));

	t->host_tid = host_tid;
	t->pid = pid;	/* takes the caller's reference */
	pid->host_nr = host_tid;
	list_init(&t->thread_node);
	list_init(&t->wait_node);
	list_init(&t->held_node);
	list_add_tail(&t->pid_node, &pid->tasks[PIDTYPE_PID]);
	t->state = TASK_NEW;
	t->slot = -1;
	task_hash_add(t);
	kernel.nr_tasks++;
	return t;
}

struct task *task_create_init(pid_t host_tid, const struct cred *cred, const char *comm)
{
	struct pid_namespace *ns = kernel.init_pid_ns;
	struct pid *pid = alloc_pid(ns, 0);
	struct process *p;
	struct task *t;

	if (!pid)
		return NULL;
	p = process_alloc();
	t = task_alloc(host_tid, pid);
	t->cred = *cred;
	t->fs = xcalloc(1, sizeof(*t->fs));
	t->fs->refcount = 1;
	t->fs->root = xstrdup("/");
	t->fs->cwd = xstrdup("/");
	t->fs->cwd_fd = -1;
	t->fs->umask = kernel.init_umask;

	t->uts = xcalloc(1, sizeof(*t->uts));
	t->uts->refcount = 1;
	snprintf(t->uts->nodename, sizeof(t->uts->nodename), "%s", config.hostname);
	snprintf(t->uts->domainname, sizeof(t->uts->domainname), "(none)");

	process_set_leader(p, t, ns);
	p->exit_signal = SIGCHLD;
	/* The first process leads its own session and process group. */
	change_pid(p, PIDTYPE_PGID, pid);
	change_pid(p, PIDTYPE_SID, pid);
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	memcpy(t->comm, p->comm, sizeof(t->comm));
	ns->child_reaper = t;
	kernel.init = p;
	signal_init_first(t, kernel.init_blocked, kernel.init_ignored);
	p->nofile_max = UMK_NOFILE_MAX;
	p->personality = (unsigned long)personality(0xffffffff);	/* umk's own: setarch -R umk */
	mm_attach_task(t, mm_create());
	return t;
}

struct task *task_create(struct task *creator, pid_t host_tid, unsigned long flags,
			 int exit_signal, pid_t set_tid)
{
	struct process *cp = creator->proc;
	struct pid_namespace *ns = (flags & CLONE_THREAD) ? task_active_pid_ns(creator)
							   : cp->pid_ns_for_children;
	struct pid_namespace *newns = NULL;
	struct pid *pid;
	struct task *t;

	if (flags & CLONE_NEWPID) {
		newns = pid_ns_create(ns, ns->pid_max);
		if (!newns)
			return NULL;
		ns = newns;
	}
	pid = alloc_pid(ns, set_tid);
	if (newns)
		pid_ns_put(newns);	/* the pid (and below, the process) hold it */
	if (!pid)
		return NULL;
	t = task_alloc(host_tid, pid);
	t->cred = creator->cred;
	t->creator = creator;
	t->host_blocked = creator->host_blocked;	/* the host copies the mask too */
	memcpy(t->comm, creator->comm, sizeof(t->comm));
	t->no_new_privs = creator->no_new_privs;
	if (flags & CLONE_FS) {
		t->fs = creator->fs;
		t->fs->refcount++;
	} else {
		t->fs = fs_copy(creator->fs);
	}
	if (flags & CLONE_NEWUTS) {
		t->uts = xcalloc(1, sizeof(*t->uts));
		*t->uts = *creator->uts;
		t->uts->refcount = 1;
	} else {
		t->uts = creator->uts;
		t->uts->refcount++;
	}

	if (flags & CLONE_THREAD) {
		t->proc = cp;
		list_add_tail(&t->thread_node, &cp->threads);
		cp->nr_threads++;
		signal_fork(creator, t, flags);
		return t;
	}

	struct process *p = process_alloc();
	struct process *parent = (flags & CLONE_PARENT) ? cp->parent : cp;

	process_set_leader(p, t, ns);
	/* CLONE_PARENT children inherit the caller's exit signal, as Linux. */
	p->exit_signal = (flags & CLONE_PARENT) ? cp->exit_signal : exit_signal;
	p->parent = parent;
	list_add_tail(&p->sibling, &parent->children);
	p->has_child_subreaper = cp->has_child_subreaper || cp->is_child_subreaper;
	p->dumpable = cp->dumpable;
	p->nofile_max = cp->nofile_max;
	memcpy(p->comm, cp->comm, sizeof(p->comm));
	p->personality = cp->personality;
	p->oom_score_adj = cp->oom_score_adj;
	p->exe = cp->exe ? xstrdup(cp->exe) : NULL;
	p->exe_dev = cp->exe_dev;
	p->exe_ino = cp->exe_ino;
	change_pid(p, PIDTYPE_PGID, cp->pgrp);
	change_pid(p, PIDTYPE_SID, cp->session);
	if (pid_nr_ns(pid, ns) == 1)
		ns->child_reaper = t;
	signal_fork(creator, t, flags);
	return t;
}

void task_free(struct task *t)
{
	task_unsleep(t);
	signal_task_free(t);
	mm_detach_task(t);
	task_hash_del(t);
	list_del(&t->thread_node);
	list_del(&t->pid_node);
	fs_put(t->fs);
	if (t->uts && --t->uts->refcount == 0)
		free(t->uts);
	free(t->sys.path);
	binprm_free(t->bprm);
	put_pid(t->pid);
	kernel.nr_tasks--;
	free(t);
}

void process_free(struct process *p)
{
	struct task *t, *n;

	list_for_each_entry_safe(t, n, &p->threads, thread_node)
		task_free(t);
	signal_process_free(p);
	list_del(&p->sibling);
	change_pid(p, PIDTYPE_TGID, NULL);
	change_pid(p, PIDTYPE_PGID, NULL);
	change_pid(p, PIDTYPE_SID, NULL);
	pid_ns_put(p->pid_ns);
	pid_ns_put(p->pid_ns_for_children);
	free(p->exe);
	kernel.nr_processes--;
	free(p);
}

void wq_init(struct wait_queue *wq)
{
	list_init(&wq->sleepers);
}

void task_sleep_on(struct task *t, struct wait_queue *wq)
{
	task_unsleep(t);
	t->state = TASK_SLEEPING;
	t->wq = wq;
	list_add_tail(&t->wait_node, &wq->sleepers);
	t->sleep_deadline = umk_now_ns() + SLEEP_GRACE_NS;
	list_add_tail(&t->held_node, &kernel.held);
}

void task_unsleep(struct task *t)
{
	if (t->wq) {
		list_del(&t->wait_node);
		t->wq = NULL;
	}
	list_del(&t->held_node);
}

void syscall_rerun(struct task *t);
void syscall_kick(struct task *t);

/* Re-run each sleeper's syscall; a sleeper whose condition still fails sleeps again. */
void wake_up_all(struct wait_queue *wq)
{
	struct list_head pending;
	struct task *t, *n;

	/* Move the sleepers aside first: a handler may re-queue on wq. */
	list_init(&pending);
	if (list_empty(&wq->sleepers))
		return;
	pending.next = wq->sleepers.next;
	pending.prev = wq->sleepers.prev;
	pending.next->prev = &pending;
	pending.prev->next = &pending;
	list_init(&wq->sleepers);
	list_for_each_entry(t, &pending, wait_node)
		t->wq = NULL;
	list_for_each_entry_safe(t, n, &pending, wait_node) {
		list_del(&t->wait_node);
		if (t->state == TASK_SLEEPING) {
			list_del(&t->held_node);
			syscall_rerun(t);
		} else if (t->state == TASK_SLEEPING_NATIVE) {
			syscall_kick(t);
		}
	}
}
