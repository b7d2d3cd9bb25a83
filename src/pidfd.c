/*
 * pidfds. A guest's pidfd is a host pidfd for the host process behind a guest
 * process. Once umk has reaped that host process (at once, when it exits) the
 * host can no longer say which process a pidfd named, but the guest may still
 * waitid(P_PIDFD) on its zombie. So umk remembers, when it hands out a pidfd,
 * which guest pid it names, keyed by the pidfd's inode (pidfs gives every pid
 * its own inode, and dup'd or passed pidfds share it). On hosts without pidfs
 * it falls back to the host's fdinfo, which works while the process runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "umk/pidfd.h"
#include "umk/umk.h"

struct pidfd_entry {
	dev_t dev;
	ino_t ino;
	struct pid *pid;	/* a reference */
};

static struct pidfd_entry *map;
static size_t nr_map, cap_map;

static int fd_stat(struct task *t, int fd, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", t->host_tid, fd);
	return stat(path, st) < 0 ? -EBADF : 0;
}

void pidfd_remember(struct task *t, int fd, struct pid *pid)
{
	struct stat st;
	size_t i;

	if (fd < 0 || !pid || fd_stat(t, fd, &st))
		return;
	for (i = 0; i < nr_map; i++)
		if (map[i].dev == st.st_dev && map[i].ino == st.st_ino)
			return;	/* same pid, or anonymous inodes (no pidfs): fdinfo then */
	if (array_reserve(&map, &cap_map, nr_map, sizeof(*map)))
		return;
	map[nr_map].dev = st.st_dev;
	map[nr_map].ino = st.st_ino;
	map[nr_map].pid = get_pid(pid);
	nr_map++;
}

void pidfd_forget(struct pid *pid)
{
	for (size_t i = 0; i < nr_map;)
		if (map[i].pid == pid) {
			put_pid(map[i].pid);
			map[i] = map[--nr_map];
		} else {
			i++;
		}
}

/* Pid from the host's fdinfo: > 0 a live host pid, -1 gone, 0 not a pidfd. */
static pid_t fdinfo_pid(struct task *t, int fd)
{
	char path[64], line[128];
	pid_t host = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", t->host_tid, fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %d", &host) == 1)
			break;
	fclose(f);
	return host;
}

struct pid *pidfd_lookup(struct task *t, int fd, int *err)
{
	struct stat st;
	pid_t host;

	*err = -EBADF;
	if (fd < 0 || fd_stat(t, fd, &st))
		return NULL;
	host = fdinfo_pid(t, fd);
	if (host == 0)
		return NULL;	/* not a pidfd */
	for (size_t i = 0; i < nr_map; i++) {
		struct process *p;

		if (map[i].dev != st.st_dev || map[i].ino != st.st_ino)
			continue;
		p = pid_process(map[i].pid, PIDTYPE_TGID);
		if (p && p->state != PROC_DEAD)
			return map[i].pid;
	}
	if (host > 0) {
		struct task *o = task_by_host(host);

		if (o)
			return o->proc->tgid;
	}
	*err = -ECHILD;
	return NULL;
}
