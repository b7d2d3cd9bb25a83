/*
 * The guest's /proc (see include/umk/proc.h): a mirror directory per pid
 * namespace, kept current as the walk looks into it, and file content made
 * at open from umk's own state. Host pids and host paths never show: every
 * pid is the reader's namespace's, every path a guest path, and umk's
 * memfds are the anonymous memory they stand for.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include "umk/fs.h"
#include "umk/inject.h"
#include "umk/mm.h"
#include "umk/mount.h"
#include "umk/oom.h"
#include "umk/pcache.h"
#include "umk/proc.h"
#include "proc_internal.h"
#include "umk/task.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#define PROC_WRITES_MAX 64

static const char *const root_files[] = { "meminfo", "cpuinfo", "uptime", "loadavg", "stat",
					  "version", "filesystems", NULL };
static const char *const root_links[][2] = { { "self", "." }, { "thread-self", "." },
					     { "mounts", "self/mounts" }, { "net", "self/net" } };
static const char *const pid_files[] = { "stat", "status", "statm", "cmdline", "environ",
					 "maps", "mounts", "mountinfo", "oom_score", "auxv",
					 "limits", "smaps_rollup", NULL };
static const char *const pid_wfiles[] = { "comm", "oom_score_adj", NULL };	/* 0644 */
static const char *const pid_links[] = { "exe", "cwd", "root", NULL };
static const char *const task_files[] = { "stat", "status", "statm", "cmdline", "comm", NULL };

/* Writes to oom_score_adj and comm: the guest holds a pipe's write end. */
static struct proc_write {
	int fd;			/* umk's read end, or -1 */
	struct pid *pid;	/* the process (reference) */
	bool comm;		/* comm, else oom_score_adj */
} writes[PROC_WRITES_MAX];

const char *proc_ns_dir(struct task *reader)
{
	static char name[16];

	snprintf(name, sizeof(name), "%u", task_active_pid_ns(reader)->id);
	return name;
}

static void mkent(int dfd, const char *name, mode_t mode)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

/* Mirror directories stay writable by umk (which may not be root), so it
 * can keep them current; the guest is shown them read-only (proc_fix_stat)
 * and umk answers every change of /proc as Linux does (ENOENT for a new
 * name, EPERM for a removal or a mode, a silent no-op for owners, times
 * and sizes). */
static void mkdirent(int dfd, const char *name, mode_t mode)
{
	mode |= 0200;
	if (mkdirat(dfd, name, mode) == 0)
		fchmodat(dfd, name, mode, 0);
}

static int subdir(int dfd, const char *name)
{
	return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static void remove_tree(int dfd, const char *name)
{
	int fd = subdir(dfd, name);

	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		struct dirent *e;

		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				remove_tree(fd, e->d_name);
		if (d)
			closedir(d);
		else
			close(fd);
		unlinkat(dfd, name, AT_REMOVEDIR);
	} else {
		unlinkat(dfd, name, 0);
	}
}

static void populate_root(int dfd)
{
	int sys, k;

	for (int i = 0; root_files[i]; i++)
		mkent(dfd, root_files[i], 0444);
	for (size_t i = 0; i < sizeof(root_links) / sizeof(root_links[0]); i++)
		symlinkat(root_links[i][1], dfd, root_links[i][0]);
	mkdirent(dfd, "sys", 0555);
	if ((sys = subdir(dfd, "sys")) < 0)
		return;
	mkdirent(sys, "kernel", 0555);
	if ((k = subdir(sys, "kernel")) >= 0) {
		mkent(k, "hostname", 0644);
		mkent(k, "pid_max", 0644);
		mkent(k, "ostype", 0444);
		mkent(k, "osrelease", 0444);
		close(k);
	}
	close(sys);
}

/* A process's directory: empty until it is listed or looked into. */
static void make_pid_dir(int dfd, const char *name)
{
	mkdirent(dfd, name, 0555);
}

bool proc_is_number(const char *s, long *out)
{
	char *end;
	long v;

	if (!*s || *s < '0' || *s > '9')
		return false;
	v = strtol(s, &end, 10);
	if (*end || v <= 0 || v > INT32_MAX)
		return false;
	*out = v;
	return true;
}

/* Make the numeric entries of dir fd exactly want[0..n) (sorted). */
static void sync_numbers(int fd, const long *want, int n, void (*make)(int, const char *))
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	char *seen = calloc((size_t)n + 1, 1);
	char name[16];

	if (!d || !seen) {
		if (d)
			closedir(d);
		else
			close(fd);
		free(seen);
		return;
	}
	while ((e = readdir(d))) {
		long v;
		int i;

		if (!proc_is_number(e->d_name, &v))
			continue;
		for (i = 0; i < n && want[i] != v; i++)
			;
		if (i < n)
			seen[i] = 1;
		else
			remove_tree(dirfd(d), e->d_name);
	}
	for (int i = 0; i < n; i++)
		if (!seen[i]) {
			snprintf(name, sizeof(name), "%ld", want[i]);
			make(dirfd(d), name);
		}
	free(seen);
	closedir(d);
}

struct pid_list {
	struct pid_namespace *ns;
	long *v;
	int n, cap;
};

static int collect_pid(struct task *t, void *arg)
{
	struct pid_list *l = arg;
	struct process *p = t->proc;
	pid_t nr;

	if (t != p->leader || p->state == PROC_DEAD)
		return 0;
	nr = process_tgid_nr_ns(p, l->ns);
	if (nr <= 0)
		return 0;
	if (l->n == l->cap) {
		long *nv = realloc(l->v, (size_t)(l->cap ? l->cap * 2 : 64) * sizeof(long));

		if (!nv)
			return 1;
		l->v = nv;
		l->cap = l->cap ? l->cap * 2 : 64;
	}
	l->v[l->n++] = nr;
	return 0;
}

static void flush_writes(void);
int proc_writes_open;

int proc_root(struct task *reader, const struct mount *m)
{
	const char *name = proc_ns_dir(reader);
	int fd, rfd;

	flush_writes();
	if (mkdirat(m->fd, name, 0755) == 0) {
		fchmodat(m->fd, name, 0755, 0);
		if ((rfd = subdir(m->fd, name)) >= 0) {
			populate_root(rfd);
			close(rfd);
		}
	}
	fd = openat(m->fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The root's pid list, made exact (a listing of /proc). */
static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* Does a listing of dirfd give its numeric entries in ascending order? */
static bool listed_ascending(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	long prev = 0, v;
	bool asc = true;

	while (d && (e = readdir(d)))
		if (proc_is_number(e->d_name, &v)) {
			asc = asc && v > prev;
			prev = v;
		}
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	return asc;
}

/*
 * The root's pid list, made exact (a listing of /proc). Linux lists pids in
 * ascending order, and `ps` shows them so; the mirror's order is its file
 * system's. On a tmpfs (umk's usual runtime directory) that is the reverse
 * of the order entries were made or last renamed in, so when the order is
 * off each directory is renamed away and back, highest first: the same
 * directories, so a cwd or a descriptor in them stays good. Where that
 * does not help (a hashed directory), umk stops trying.
 */
static void sync_root(struct task *reader, int dirfd)
{
	static bool order_hopeless;
	struct pid_list l = { task_active_pid_ns(reader), NULL, 0, 0 };
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	for_each_task(collect_pid, &l);
	if (l.n > 1)
		qsort(l.v, (size_t)l.n, sizeof(l.v[0]), cmp_long);
	sync_numbers(fd, l.v, l.n, make_pid_dir);
	/* A tmpfs lists the newest entry first: rename highest first; if the
	 * file system lists the other way, lowest first. */
	for (int pass = 0; pass < 2 && !order_hopeless && l.n > 1 && !listed_ascending(dirfd);
	     pass++) {
		char name[16];

		for (int k = 0; k < l.n; k++) {
			int i = pass == 0 ? l.n - 1 - k : k;

			snprintf(name, sizeof(name), "%ld", l.v[i]);
			if (renameat(dirfd, name, dirfd, ".reorder") == 0)
				renameat(dirfd, ".reorder", dirfd, name);
		}
		if (pass == 1)
			order_hopeless = !listed_ascending(dirfd);
	}
	free(l.v);
}

/* The process a /proc path starts with, in the reader's namespace; rest
 * after it. */
struct process *proc_path_process(struct task *reader, const char *rel, const char **rest)
{
	char num[16];
	size_t l = strcspn(rel, "/");
	long v;

	if (l >= sizeof(num))
		return NULL;
	memcpy(num, rel, l);
	num[l] = '\0';
	if (!proc_is_number(num, &v))
		return NULL;
	*rest = rel[l] ? rel + l + 1 : "";
	return find_process_ns((pid_t)v, task_active_pid_ns(reader));
}

static void make_task(int dfd, const char *name)
{
	int d;

	mkdirent(dfd, name, 0555);
	if ((d = subdir(dfd, name)) < 0)
		return;
	for (int i = 0; task_files[i]; i++)
		mkent(d, task_files[i], i == 4 ? 0644 : 0444);
	for (int i = 0; pid_links[i]; i++)
		symlinkat(".", d, pid_links[i]);
	close(d);
}

static void make_fdlink(int dfd, const char *name)
{
	symlinkat(".", dfd, name);
}

static void make_fdinfo(int dfd, const char *name)
{
	mkent(dfd, name, 0444);
}

/* fd/, fdinfo/ or task/ of p (rest), made exact: a listing. */
static void sync_dynamic(struct task *reader, int dirfd, struct process *p, const char *rest)
{
	long *want = NULL;
	int n = 0, fd;

	if (!strcmp(rest, "task")) {
		struct task *t;

		want = calloc((size_t)p->nr_threads + 1, sizeof(long));
		if (!want)
			return;
		list_for_each_entry(t, &p->threads, thread_node)
			if (t->state != TASK_DEAD && n <= p->nr_threads)
				want[n++] = task_pid_nr_ns(t, task_active_pid_ns(reader));
	} else if (p->state == PROC_ALIVE) {
		char path[64];
		DIR *d;
		struct dirent *e;
		int cap = 0;

		snprintf(path, sizeof(path), "/proc/%d/fd", p->host_tgid);
		if (!(d = opendir(path)))
			return;
		while ((e = readdir(d))) {
			long v = 0;

			if ((!proc_is_number(e->d_name, &v) && strcmp(e->d_name, "0")) ||
			    v >= UMK_FD_BASE)
				continue;
			if (!strcmp(e->d_name, "0"))
				v = 0;
			if (n == cap) {
				long *nv = realloc(want, (size_t)(cap = cap ? cap * 2 : 64) *
						   sizeof(long));

				if (!nv)
					break;
				want = nv;
			}
			want[n++] = v;
		}
		closedir(d);
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		/* fd 0's name is "0", which proc_is_number() refuses: handle it by hand. */
		bool zero = false;

		for (int i = 0; i < n; i++)
			if (want[i] == 0) {
				zero = true;
				want[i] = want[--n];
				break;
			}
		if (strcmp(rest, "task")) {
			if (zero)
				(!strcmp(rest, "fd") ? make_fdlink : make_fdinfo)(fd, "0");
			else
				unlinkat(fd, "0", 0);
		}
		sync_numbers(fd, want, n, !strcmp(rest, "task") ? make_task
					  : !strcmp(rest, "fd") ? make_fdlink : make_fdinfo);
	}
	free(want);
}

static bool listed(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

/* One entry of a process's (or a thread's) directory, made if it is one. */
static void make_entry(int dfd, const char *name, bool thread)
{
	if (thread ? listed(task_files, name) : listed(pid_files, name))
		mkent(dfd, name, 0444);
	else if (listed(pid_wfiles, name))
		mkent(dfd, name, 0644);
	else if (listed(pid_links, name))
		symlinkat(".", dfd, name);
	else if (thread)
		return;
	else if (!strcmp(name, "fd") || !strcmp(name, "fdinfo"))
		mkdirent(dfd, name, 0500);
	else if (!strcmp(name, "task"))
		mkdirent(dfd, name, 0555);
	else if (!strcmp(name, "net")) {
		int n;

		mkdirent(dfd, name, 0555);
		if ((n = subdir(dfd, "net")) >= 0) {
			mkent(n, "unix", 0444);
			close(n);
		}
	}
}

/* Is descriptor n of p open (its host process's)? */
static bool fd_open(const struct process *p, long n)
{
	char path[64];
	struct stat st;

	if (p->state != PROC_ALIVE || n < 0 || n >= UMK_FD_BASE)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%ld", p->host_tgid, n);
	return lstat(path, &st) == 0;
}

/*
 * The mirror is made lazily: a lookup of name in a directory makes or
 * removes just that entry, as the process is now; a listing (name NULL,
 * at an open of the directory) makes the whole directory exact.
 */
void proc_revalidate(struct task *reader, int dirfd, const char *rel, const char *name)
{
	struct pid_namespace *ns = task_active_pid_ns(reader);
	struct process *p;
	const char *rest;
	long v;

	if (!*rel) {
		if (!name) {
			sync_root(reader, dirfd);
		} else if (proc_is_number(name, &v)) {
			p = find_process_ns((pid_t)v, ns);
			if (p && p->state != PROC_DEAD)
				make_pid_dir(dirfd, name);
			else
				remove_tree(dirfd, name);
		}
		return;
	}
	if (!(p = proc_path_process(reader, rel, &rest)))
		return;
	if (!*rest) {
		if (name) {
			make_entry(dirfd, name, false);
		} else {
			for (int i = 0; pid_files[i]; i++)
				make_entry(dirfd, pid_files[i], false);
			for (int i = 0; pid_wfiles[i]; i++)
				make_entry(dirfd, pid_wfiles[i], false);
			for (int i = 0; pid_links[i]; i++)
				make_entry(dirfd, pid_links[i], false);
			make_entry(dirfd, "fd", false);
			make_entry(dirfd, "fdinfo", false);
			make_entry(dirfd, "task", false);
			make_entry(dirfd, "net", false);
		}
		return;
	}
	if (!strcmp(rest, "fd") || !strcmp(rest, "fdinfo") || !strcmp(rest, "task")) {
		if (!name) {
			sync_dynamic(reader, dirfd, p, rest);
		} else if (rest[0] == 't') {
			struct task *t;

			if (!proc_is_number(name, &v))
				return;
			t = find_task_ns((pid_t)v, ns);
			if (t && t->proc == p && t->state != TASK_DEAD)
				make_task(dirfd, name);
			else
				remove_tree(dirfd, name);
		} else {
			if (!proc_is_number(name, &v) && strcmp(name, "0"))
				return;
			v = atol(name);
			if (fd_open(p, v))
				(rest[2] ? make_fdinfo : make_fdlink)(dirfd, name);
			else
				unlinkat(dirfd, name, 0);
		}
	}
}

static int copy_link(char *buf, size_t len, const char *target)
{
	size_t n = strlen(target);

	if (n > len)
		n = len;
	memcpy(buf, target, n);
	return (int)n;
}

int proc_readlink(struct task *reader, const char *rel, char *buf, size_t len, int *fd)
{
	struct pid_namespace *ns = task_active_pid_ns(reader);
	struct process *p;
	const char *rest;
	char tmp[64];

	if (!strcmp(rel, "self") || !strcmp(rel, "thread-self")) {
		pid_t tgid = process_tgid_nr_ns(reader->proc, ns);

		if (rel[0] == 's')
			snprintf(tmp, sizeof(tmp), "%d", tgid);
		else
			snprintf(tmp, sizeof(tmp), "%d/task/%d", tgid, task_pid_nr_ns(reader, ns));
		return copy_link(buf, len, tmp);
	}
	if (!strcmp(rel, "mounts"))
		return copy_link(buf, len, "self/mounts");
	if (!strcmp(rel, "net"))
		return copy_link(buf, len, "self/net");
	p = proc_path_process(reader, rel, &rest);
	if (!p)
		return -ENOENT;
	if (!strncmp(rest, "task/", 5) && strchr(rest + 5, '/'))
		rest = strchr(rest + 5, '/') + 1;	/* a thread's: its process's */
	if (!strcmp(rest, "exe"))
		return p->exe ? copy_link(buf, len, p->exe) : -ENOENT;
	if (!strcmp(rest, "cwd") || !strcmp(rest, "root")) {
		if (p->state != PROC_ALIVE || !p->leader->fs)
			return -ENOENT;
		return copy_link(buf, len, rest[0] == 'c' ? p->leader->fs->cwd
							   : p->leader->fs->root);
	}
	if (!strncmp(rest, "fd/", 3)) {
		char host[HOST_PATH_MAX], guest[PATH_MAX];
		long n;
		ssize_t hl;

		if (!proc_is_number(rest + 3, &n) && strcmp(rest + 3, "0"))
			return -ENOENT;
		if (!strcmp(rest + 3, "0"))
			n = 0;
		if (p->state != PROC_ALIVE || n >= UMK_FD_BASE)
			return -ENOENT;
		snprintf(tmp, sizeof(tmp), "/proc/%d/fd/%ld", p->host_tgid, n);
		hl = readlink(tmp, host, sizeof(host) - 1);
		if (hl < 0)
			return -ENOENT;
		host[hl] = '\0';
		if (host[0] == '/' && !strstr(host, " (deleted)") &&
		    mount_host_to_guest(host, guest, sizeof(guest)) == 0)
			return copy_link(buf, len, guest);
		/* A pipe, a socket, a deleted or anonymous file: the object. */
		*fd = guest_fd_get(p->leader, (int)n);
		return *fd < 0 ? -ENOENT : PROC_MAGIC;
	}
	return -ENOENT;
}

void proc_fix_stat(struct task *reader, const char *rel, struct stat *st)
{
	const char *rest;
	struct process *p = proc_path_process(reader, rel, &rest);

	if (S_ISDIR(st->st_mode))
		st->st_mode &= ~(mode_t)0222;
	if (p && p->leader) {
		st->st_uid = p->leader->cred.euid;
		st->st_gid = p->leader->cred.egid;
	} else {
		st->st_uid = 0;	/* the rest of /proc is root's */
		st->st_gid = 0;
	}
}

/* ---- writes --------------------------------------------------------------- */

static void apply_write(struct proc_write *w, char *buf)
{
	struct process *p = pid_process(w->pid, PIDTYPE_TGID);
	char *end;
	long v;

	if (!p || p->state != PROC_ALIVE)
		return;
	if (w->comm) {
		buf[strcspn(buf, "\n")] = '\0';
		buf[sizeof(p->leader->comm) - 1] = '\0';
		memcpy(p->leader->comm, buf, strlen(buf) + 1);
		return;
	}
	v = strtol(buf, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (end != buf && !*end && v >= OOM_SCORE_ADJ_MIN && v <= OOM_SCORE_ADJ_MAX)
		p->oom_score_adj = (int)v;
}

void proc_flush_writes(void)
{
	flush_writes();
}

/* Apply what guests wrote to oom_score_adj and comm since the last look. */
static void flush_writes(void)
{
	for (int i = 0; i < PROC_WRITES_MAX; i++) {
		struct proc_write *w = &writes[i];
		char buf[256];
		ssize_t n;

		if (w->fd < 0 || !w->pid)
			continue;
		while ((n = read(w->fd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			apply_write(w, buf);
		}
		if (n == 0) {	/* the guest closed it */
			close(w->fd);
			put_pid(w->pid);
			w->fd = -1;
			w->pid = NULL;
			proc_writes_open--;
		}
	}
}

static long open_write(struct task *t, struct process *p, bool comm, uint64_t flags)
{
	int pfd[2];
	long r;
	int i;

	flush_writes();
	for (i = 0; i < PROC_WRITES_MAX && writes[i].pid; i++)
		;
	if (i == PROC_WRITES_MAX)
		return -ENFILE;
	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	fcntl(pfd[1], F_SETFL, 0);	/* the guest's end blocks, as a file would not */
	r = inject_install_fd(t, pfd[1], -1, flags & O_CLOEXEC);
	close(pfd[1]);
	if (r < 0) {
		close(pfd[0]);
		return r;
	}
	writes[i] = (struct proc_write){ pfd[0], get_pid(p->tgid), comm };
	proc_writes_open++;
	return r;
}

long proc_open(struct task *t, const char *rel, uint64_t flags)
{
	char *buf = NULL, path[64];
	size_t len = 0;
	FILE *f;
	int mfd, rfd, r;
	long ret;

	flush_writes();
	if ((flags & O_ACCMODE) != O_RDONLY) {
		const char *rest;
		struct process *p = proc_path_process(t, rel, &rest);

		if (p && (!strcmp(rest, "oom_score_adj") || !strcmp(rest, "comm")))
			return open_write(t, p, rest[0] == 'c', flags);
		return -EACCES;
	}
	if (!(f = open_memstream(&buf, &len)))
		return -ENOMEM;
	r = proc_generate(f, t, rel);
	fclose(f);
	if (r < 0) {
		free(buf);
		return r;
	}
	mfd = memfd_create("proc", MFD_CLOEXEC);
	if (mfd < 0 || (len && write(mfd, buf, len) != (ssize_t)len)) {
		free(buf);
		if (mfd >= 0)
			close(mfd);
		return -ENOMEM;
	}
	free(buf);
	/* The guest's descriptor reads it and cannot write it. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	close(mfd);
	if (rfd < 0)
		return -errno;
	ret = inject_install_fd(t, rfd, -1, flags & O_CLOEXEC);
	close(rfd);
	return ret;
}
