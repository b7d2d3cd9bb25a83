/*
 * Virtual pids and pid namespaces, modelled on Linux's struct pid / struct upid.
 *
 * A struct pid is one identity that can be the tid of a thread, the tgid of a
 * thread group, the pgid of a process group and the sid of a session at once.
 * It carries one number per pid-namespace level (numbers[0] is the outermost),
 * and stays allocated (so its numbers are not reused) while anything refers to
 * it: a process group outlives its leader exactly as in Linux.
 */
#ifndef UMK_PID_H
#define UMK_PID_H

#include <stdint.h>
#include <sys/types.h>
#include <stdbool.h>
#include "list.h"

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };

#define PID_MAX_DEFAULT 32768
#define RESERVED_PIDS 300
#define MAX_PID_NS_LEVEL 32

struct pid_namespace;
struct task;

struct upid {
	int nr;
	struct pid_namespace *ns;
	struct upid *hash_next;		/* chain in ns->hash */
	struct pid *pid;
};

struct pid {
	int refcount;
	int level;			/* depth of the namespace it was made in */
	/* PIDTYPE_PID links threads (task.pid_node); the others link thread
	 * groups (process.tgid_node, pgrp_node, session_node). */
	struct list_head tasks[PIDTYPE_MAX];
	/* The host's number for the same identity: the host tid of the thread
	 * it was made for. A guest process group or session that umk mirrors
	 * on the host (see host_session) has this host pgid or sid. */
	int host_nr;
	/* As a session id: the session exists on the host too (the guests'
	 * terminal session, or one a guest's setsid made), and its process
	 * groups are mirrored there, so that the host's terminals signal the
	 * right groups (jobctl.c). */
	bool host_session;
	/* As a session id: the foreground group TIOCSPGRP last set (a
	 * reference); for sessions not on the host, umk's own record. */
	struct pid *tty_pgrp;
	struct upid numbers[];		/* level + 1 entries */
};

#define PIDNS_HASH_SIZE 1024

struct pid_namespace {
	int refcount;
	unsigned id;			/* umk's name for it (its /proc mirror) */
	int level;
	struct pid_namespace *parent;
	int pid_max;
	int cursor;			/* where the next allocation scan starts */
	int nr_allocated;
	struct upid *hash[PIDNS_HASH_SIZE];
	struct task *child_reaper;	/* the namespace's init, once it exists */
	bool dying;			/* init exited: no more pids */
};

struct pid_namespace *pid_ns_create(struct pid_namespace *parent, int pid_max);
void pid_ns_put(struct pid_namespace *ns);
/* Allocate a pid in ns and every ancestor; set_tid (nonzero) is the number
 * wanted in ns itself. NULL with errno EAGAIN, EEXIST or ENOMEM. */
struct pid *alloc_pid(struct pid_namespace *ns, int set_tid);
struct pid *get_pid(struct pid *pid);
void put_pid(struct pid *pid);
/* The pid numbered nr in ns, or NULL. */
struct pid *find_pid_ns(int nr, struct pid_namespace *ns);
/* pid's number as seen from ns; 0 when it is not visible there (as pid_nr_ns). */
int pid_nr_ns(const struct pid *pid, const struct pid_namespace *ns);
struct pid_namespace *pid_ns_of(const struct pid *pid);	/* innermost */
struct process;
/* The thread whose tid is pid, or NULL. */
struct task *pid_task(struct pid *pid);
/* The first thread group attached to pid as type (TGID, PGID or SID), or NULL. */
struct process *pid_process(struct pid *pid, enum pid_type type);

#endif
