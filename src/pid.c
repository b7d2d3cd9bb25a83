/*
 * Virtual pid allocation, as Linux's kernel/pid.c.
 *
 * Each namespace allocates cyclically: the lowest free number at or above the
 * cursor (one past the last number handed out), wrapping to RESERVED_PIDS once
 * the cursor has passed it (to 1 before that), exactly as alloc_pid() drives
 * idr_alloc_cyclic(). A new pid takes a number in its own namespace and in
 * every ancestor, so a process is visible with one number per level.
 */
#include <errno.h>
#include <stdlib.h>
#include "umk/pid.h"
#include "umk/task.h"

static unsigned hash_nr(int nr)
{
	return (unsigned)nr * 2654435761u % PIDNS_HASH_SIZE;
}

struct pid_namespace *pid_ns_create(struct pid_namespace *parent, int pid_max)
{
	struct pid_namespace *ns;

	if (parent && parent->level + 1 >= MAX_PID_NS_LEVEL) {
		errno = ENOSPC;
		return NULL;
	}
	ns = calloc(1, sizeof(*ns));
	if (!ns) {
		errno = ENOMEM;
		return NULL;
	}
	static unsigned next_id;

	ns->refcount = 1;
	ns->id = ++next_id;
	ns->parent = parent;
	ns->level = parent ? parent->level + 1 : 0;
	ns->pid_max = pid_max > 0 ? pid_max : PID_MAX_DEFAULT;
	ns->cursor = 1;
	if (parent)
		parent->refcount++;
	return ns;
}

void pid_ns_put(struct pid_namespace *ns)
{
	while (ns && --ns->refcount == 0) {
		struct pid_namespace *parent = ns->parent;

		free(ns);
		ns = parent;
	}
}

struct pid *find_pid_ns(int nr, struct pid_namespace *ns)
{
	struct upid *u;

	if (nr <= 0)
		return NULL;
	for (u = ns->hash[hash_nr(nr)]; u; u = u->hash_next)
		if (u->nr == nr)
			return u->pid;
	return NULL;
}

/* idr_alloc_cyclic over [min, pid_max): first free at/after cursor, then wrap. */
static int alloc_nr(struct pid_namespace *ns)
{
	int min = ns->cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
	int nr;

	for (nr = ns->cursor; nr < ns->pid_max; nr++)
		if (!find_pid_ns(nr, ns))
			goto found;
	for (nr = min; nr < ns->cursor; nr++)
		if (!find_pid_ns(nr, ns))
			goto found;
	return -EAGAIN;
found:
	ns->cursor = nr + 1;
	return nr;
}

struct pid *alloc_pid(struct pid_namespace *ns, int set_tid)
{
	struct pid_namespace *tmp;
	struct pid *pid;
	int i, t;

	if (ns->dying) {
		errno = ENOMEM;	/* as Linux: the namespace's init is gone */
		return NULL;
	}
	pid = calloc(1, sizeof(*pid) + (ns->level + 1) * sizeof(struct upid));
	if (!pid) {
		errno = ENOMEM;
		return NULL;
	}
	pid->refcount = 1;
	pid->level = ns->level;
	for (t = 0; t < PIDTYPE_MAX; t++)
		list_init(&pid->tasks[t]);

	for (tmp = ns, i = ns->level; i >= 0; i--, tmp = tmp->parent) {
		int nr;

		/* clone3 set_tid picks the innermost number, leaving the cursor be. */
		if (set_tid && tmp == ns)
			nr = find_pid_ns(set_tid, tmp) ? -EEXIST : set_tid;
		else
			nr = alloc_nr(tmp);

		if (nr < 0) {
			/* Undo the levels already numbered, innermost first. */
			for (i++; i <= ns->level; i++) {
				struct upid *u = &pid->numbers[i];
				struct upid **pp = &u->ns->hash[hash_nr(u->nr)];

				while (*pp != u)
					pp = &(*pp)->hash_next;
				*pp = u->hash_next;
				u->ns->nr_allocated--;
			}
			free(pid);
			errno = -nr;
			return NULL;
		}
		pid->numbers[i].nr = nr;
		pid->numbers[i].ns = tmp;
		pid->numbers[i].pid = pid;
		pid->numbers[i].hash_next = tmp->hash[hash_nr(nr)];
		tmp->hash[hash_nr(nr)] = &pid->numbers[i];
		tmp->nr_allocated++;
	}
	ns->refcount++;
	return pid;
}

struct pid *get_pid(struct pid *pid)
{
	if (pid)
		pid->refcount++;
	return pid;
}

void put_pid(struct pid *pid)
{
	struct pid_namespace *ns;
	int i;

	if (!pid || --pid->refcount > 0)
		return;
	put_pid(pid->tty_pgrp);
	ns = pid->numbers[pid->level].ns;
	for (i = 0; i <= pid->level; i++) {
		struct upid *u = &pid->numbers[i];
		struct upid **pp = &u->ns->hash[hash_nr(u->nr)];

		while (*pp && *pp != u)
			pp = &(*pp)->hash_next;
		if (*pp)
			*pp = u->hash_next;
		u->ns->nr_allocated--;
	}
	free(pid);
	pid_ns_put(ns);
}

int pid_nr_ns(const struct pid *pid, const struct pid_namespace *ns)
{
	if (pid && ns && ns->level <= pid->level && pid->numbers[ns->level].ns == ns)
		return pid->numbers[ns->level].nr;
	return 0;
}

struct pid_namespace *pid_ns_of(const struct pid *pid)
{
	return pid->numbers[pid->level].ns;
}

struct task *pid_task(struct pid *pid)
{
	if (!pid || list_empty(&pid->tasks[PIDTYPE_PID]))
		return NULL;
	return list_first_entry(&pid->tasks[PIDTYPE_PID], struct task, pid_node);
}

struct process *pid_process(struct pid *pid, enum pid_type type)
{
	struct list_head *h;

	if (!pid || type == PIDTYPE_PID || list_empty(&pid->tasks[type]))
		return NULL;
	h = pid->tasks[type].next;
	switch (type) {
	case PIDTYPE_TGID:
		return list_entry(h, struct process, tgid_node);
	case PIDTYPE_PGID:
		return list_entry(h, struct process, pgrp_node);
	default:
		return list_entry(h, struct process, session_node);
	}
}
