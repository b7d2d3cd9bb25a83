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
					 "limits", NULL };
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
 * and umk refuses every change of /proc. */
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

static void populate_pid(int dfd, const char *name)
{
	int d, n;

	mkdirent(dfd, name, 0555);
	if ((d = subdir(dfd, name)) < 0)
		return;
	for (int i = 0; pid_files[i]; i++)
		mkent(d, pid_files[i], 0444);
	for (int i = 0; pid_wfiles[i]; i++)
		mkent(d, pid_wfiles[i], 0644);
	for (int i = 0; pid_links[i]; i++)
		symlinkat(".", d, pid_links[i]);
	mkdirent(d, "fd", 0500);
	mkdirent(d, "fdinfo", 0500);
	mkdirent(d, "task", 0555);
	mkdirent(d, "net", 0555);
	if ((n = subdir(d, "net")) >= 0) {
		mkent(n, "unix", 0444);
		close(n);
	}
	close(d);
}

static bool is_number(const char *s, long *out)
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

		if (!is_number(e->d_name, &v))
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
	struct pid_list l = { task_active_pid_ns(reader), NULL, 0, 0 };
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
	if (fd < 0)
		return -errno;
	for_each_task(collect_pid, &l);
	if ((rfd = subdir(m->fd, name)) >= 0)
		sync_numbers(rfd, l.v, l.n, populate_pid);
	free(l.v);
	return fd;
}

/* The process a /proc path starts with, in the reader's namespace; rest
 * after it. */
static struct process *path_process(struct task *reader, const char *rel, const char **rest)
{
	char num[16];
	size_t l = strcspn(rel, "/");
	long v;

	if (l >= sizeof(num))
		return NULL;
	memcpy(num, rel, l);
	num[l] = '\0';
	if (!is_number(num, &v))
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

void proc_revalidate(struct task *reader, int dirfd, const char *rel)
{
	struct process *p;
	const char *rest;
	long *want = NULL;
	int n = 0, fd;

	p = path_process(reader, rel, &rest);
	if (!p || (strcmp(rest, "fd") && strcmp(rest, "fdinfo") && strcmp(rest, "task")))
		return;
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

			if ((!is_number(e->d_name, &v) && strcmp(e->d_name, "0")) ||
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
		/* fd 0's name is "0", which is_number() refuses: handle it by hand. */
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
	p = path_process(reader, rel, &rest);
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

		if (!is_number(rest + 3, &n) && strcmp(rest + 3, "0"))
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
	struct process *p = path_process(reader, rel, &rest);

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

/* ---- content ---------------------------------------------------------- */

/* A host file's content (the machine-wide files umk does not virtualize). */
static void cat_host(FILE *f, const char *path)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(path, "re");

	if (!in)
		return;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, f);
	fclose(in);
}

/* Fields of the host's /proc/TID/stat after the comm: [0] is field 3. */
static int host_stat(pid_t tid, unsigned long long v[50])
{
	char path[64], buf[1024], *p;
	FILE *in;
	int n = 0;

	memset(v, 0, 50 * sizeof(v[0]));
	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (!(in = fopen(path, "re")))
		return -1;
	p = fgets(buf, sizeof(buf), in);
	fclose(in);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	p += 2;
	while (*p && n < 50) {
		if (n == 0)
			v[n++] = (unsigned char)*p, p++;
		else
			v[n++] = strtoull(p, &p, 10);
		while (*p == ' ')
			p++;
	}
	return 0;
}

static char task_state(const struct task *t)
{
	const struct process *p = t->proc;

	if (p->state != PROC_ALIVE)
		return 'Z';
	if (p->stop_signal)
		return 'T';
	if (t->state == TASK_SLEEPING || t->state == TASK_SLEEPING_NATIVE)
		return 'S';
	return 'R';	/* running, or in a syscall umk is serving */
}

struct mem_usage {
	uint64_t vm, anon, file, shmem, stack, data, exe;
};

static void mem_of(const struct task *t, struct mem_usage *u)
{
	const struct mm *mm = t->mm;

	memset(u, 0, sizeof(*u));
	if (!mm || t->proc->state != PROC_ALIVE)
		return;
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v)) {
		uint64_t len = v->end - v->start, n;

		if (v->kind == VMA_SPECIAL && (!v->name || v->name[0] != '['))
			continue;	/* umk's scratch window is not the guest's */
		u->vm += len;
		if (v->name && !strcmp(v->name, "[stack]"))
			u->stack += len;
		else if ((v->prot & PROT_WRITE) && v->kind != VMA_SHARED &&
			 v->kind != VMA_FILE_SHARED)
			u->data += len;
		if (v->prot & PROT_EXEC)
			u->exe += len;
		if (!v->obj)
			continue;
		n = memobj_resident_range(v->obj, v->off, len);
		if (pcache_backed(v))
			u->file += n;
		else if (v->obj == mm->mem)
			u->anon += n;
		else
			u->shmem += n;
	}
}

static void gen_stat(FILE *f, struct task *reader, struct task *t, bool thread)
{
	struct pid_namespace *ns = task_active_pid_ns(reader);
	struct process *p = t->proc;
	unsigned long long h[50];
	struct mem_usage u;
	const struct mm_bounds *b = t->mm && p->state == PROC_ALIVE ? &t->mm->bounds : NULL;
	pid_t ppid = p->parent ? process_tgid_nr_ns(p->parent, ns) : 0;

	host_stat(t->host_tid, h);
	mem_of(t, &u);
	fprintf(f, "%d (%s) %c %d %d %d 0 -1 %llu 0 0 0 0 %llu %llu %llu %llu 20 0 %d 0 %llu "
		"%llu %llu 18446744073709551615 %llu %llu 0 0 0 0 0 0 0 0 0 %d %llu 0 0 0 0 0 "
		"%llu %llu 0 %llu %llu %llu %llu %d\n",
		thread ? task_pid_nr_ns(t, ns) : process_tgid_nr_ns(p, ns),
		thread ? t->comm : p->leader ? p->leader->comm : p->comm, task_state(t), ppid,
		pid_nr_ns(p->pgrp, ns), pid_nr_ns(p->session, ns), h[6], h[11], h[12], h[13],
		h[14], p->nr_threads, h[19], (unsigned long long)u.vm,
		(unsigned long long)((u.anon + u.file + u.shmem) / VMA_PAGE),
		b ? (unsigned long long)b->start_code : 0, b ? (unsigned long long)b->end_code : 0,
		p->exit_signal, h[36], b ? (unsigned long long)b->start_data : 0,
		b ? (unsigned long long)b->end_data : 0, b ? (unsigned long long)b->arg_start : 0,
		b ? (unsigned long long)b->arg_end : 0, b ? (unsigned long long)b->env_start : 0,
		b ? (unsigned long long)b->env_end : 0,
		p->state == PROC_ALIVE ? 0 : p->exit_status);
}

static void caps_line(FILE *f, const char *name, uint64_t v)
{
	fprintf(f, "%s:\t%016llx\n", name, (unsigned long long)v);
}

static void gen_status(FILE *f, struct task *reader, struct task *t)
{
	struct pid_namespace *ns = task_active_pid_ns(reader);
	struct process *p = t->proc;
	const struct cred *c = &t->cred;
	static const char *const names[] = { ['R'] = "R (running)", ['S'] = "S (sleeping)",
					     ['T'] = "T (stopped)", ['Z'] = "Z (zombie)" };
	struct mem_usage u;

	mem_of(t, &u);
	fprintf(f, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		"PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
		"FDSize:\t64\nGroups:\t",
		t->comm, t->fs ? t->fs->umask : 022, names[(int)task_state(t)],
		process_tgid_nr_ns(p, ns), task_pid_nr_ns(t, ns),
		p->parent ? process_tgid_nr_ns(p->parent, ns) : 0, c->uid, c->euid, c->suid,
		c->fsuid, c->gid, c->egid, c->sgid, c->fsgid);
	for (int i = 0; i < c->ngroups; i++)
		fprintf(f, "%u ", c->groups[i]);
	fprintf(f, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		process_tgid_nr_ns(p, ns), task_pid_nr_ns(t, ns), pid_nr_ns(p->pgrp, ns),
		pid_nr_ns(p->session, ns));
	if (p->state == PROC_ALIVE && t->mm)
		fprintf(f, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t%8u kB\nVmPin:\t%8u kB\n"
			"VmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\nRssAnon:\t%8llu kB\n"
			"RssFile:\t%8llu kB\nRssShmem:\t%8llu kB\nVmData:\t%8llu kB\n"
			"VmStk:\t%8llu kB\nVmExe:\t%8llu kB\nVmLib:\t%8u kB\nVmPTE:\t%8llu kB\n"
			"VmSwap:\t%8u kB\n",
			(unsigned long long)u.vm >> 10, (unsigned long long)u.vm >> 10, 0, 0,
			(unsigned long long)(u.anon + u.file + u.shmem) >> 10,
			(unsigned long long)(u.anon + u.file + u.shmem) >> 10,
			(unsigned long long)u.anon >> 10, (unsigned long long)u.file >> 10,
			(unsigned long long)u.shmem >> 10, (unsigned long long)u.data >> 10,
			(unsigned long long)u.stack >> 10, (unsigned long long)u.exe >> 10, 0,
			(unsigned long long)((u.anon + u.file + u.shmem) / VMA_PAGE / 512 + 1) * 4, 0);
	fprintf(f, "Threads:\t%d\nSigQ:\t0/63432\nSigPnd:\t0000000000000000\n"
		"ShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\n"
		"SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n", p->nr_threads);
	caps_line(f, "CapInh", c->cap_inheritable);
	caps_line(f, "CapPrm", c->cap_permitted);
	caps_line(f, "CapEff", c->cap_effective);
	caps_line(f, "CapBnd", c->cap_bset);
	caps_line(f, "CapAmb", 0);
	fprintf(f, "NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n"
		"Cpus_allowed_list:\t0-%ld\nvoluntary_ctxt_switches:\t0\n"
		"nonvoluntary_ctxt_switches:\t0\n", t->no_new_privs,
		sysconf(_SC_NPROCESSORS_ONLN) - 1);
}

static void gen_statm(FILE *f, struct task *t)
{
	struct mem_usage u;

	mem_of(t, &u);
	fprintf(f, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)u.vm / VMA_PAGE,
		(unsigned long long)(u.anon + u.file + u.shmem) / VMA_PAGE,
		(unsigned long long)(u.file + u.shmem) / VMA_PAGE,
		(unsigned long long)u.exe / VMA_PAGE,
		(unsigned long long)(u.data + u.stack) / VMA_PAGE);
}

/* cmdline and environ: the process's own memory, as Linux reads it. */
static void gen_mem_range(FILE *f, struct task *t, uint64_t start, uint64_t end)
{
	char buf[4096];

	if (t->proc->state != PROC_ALIVE || !t->mm || end <= start)
		return;
	if (end - start > 1 << 20)
		end = start + (1 << 20);
	while (start < end) {
		size_t n = end - start < sizeof(buf) ? end - start : sizeof(buf);

		if (copy_from_guest(t, buf, start, n))
			break;
		fwrite(buf, 1, n, f);
		start += n;
	}
}

static void gen_maps(FILE *f, struct task *t)
{
	const struct mm *mm = t->mm;

	if (!mm || t->proc->state != PROC_ALIVE)
		return;
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v)) {
		bool named_file = v->name && v->name[0] == '/';

		if (v->kind == VMA_SPECIAL && (!v->name || v->name[0] != '['))
			continue;	/* umk's stub and scratch window are not the guest's */
		fprintf(f, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu", (unsigned long long)v->start,
			(unsigned long long)v->end, v->prot & PROT_READ ? 'r' : '-',
			v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
			v->kind == VMA_SHARED || v->kind == VMA_FILE_SHARED ? 's' : 'p',
			named_file ? (unsigned long long)v->pgoff : 0ULL,
			named_file ? (unsigned)((v->dev >> 8) & 0xfff) : 0,
			named_file ? (unsigned)(v->dev & 0xff) : 0,
			named_file ? (unsigned long long)v->ino : 0ULL);
		/* umk's stub and scratch window: anonymous memory to the guest. */
		if (v->name && strcmp(v->name, "[umk]"))
			fprintf(f, "%*s%s", 6, "", v->name);
		fputc('\n', f);
	}
}

static void gen_meminfo(FILE *f)
{
	if (!config.memory_limit) {
		cat_host(f, "/proc/meminfo");
		return;
	}
	/* Under --memory, the machine is the limit. */
	{
		uint64_t total = config.memory_limit >> 10;
		uint64_t used = memobj_total_allocated() >> 10;
		uint64_t free_kb = used < total ? total - used : 0;

		fprintf(f, "MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
			"MemAvailable:   %8llu kB\nBuffers:               0 kB\n"
			"Cached:                0 kB\nSwapCached:            0 kB\n"
			"SwapTotal:             0 kB\nSwapFree:              0 kB\n",
			(unsigned long long)total, (unsigned long long)free_kb,
			(unsigned long long)free_kb);
	}
}

struct count {
	struct pid_namespace *ns;
	int procs, running;
	pid_t last;
};

static int count_task(struct task *t, void *arg)
{
	struct count *c = arg;
	pid_t nr = task_pid_nr_ns(t, c->ns);

	if (nr <= 0 || t->proc->state != PROC_ALIVE || t->state == TASK_DEAD)
		return 0;
	c->procs++;
	if (t->state == TASK_RUNNING || t->state == TASK_TRAPPED)
		c->running++;
	if (nr > c->last)
		c->last = nr;
	return 0;
}

static void gen_loadavg(FILE *f, struct task *reader)
{
	char a[16] = "0.00", b[16] = "0.00", d[16] = "0.00";
	FILE *in = fopen("/proc/loadavg", "re");
	struct count c = { task_active_pid_ns(reader), 0, 0, 0 };

	if (in) {
		if (fscanf(in, "%15s %15s %15s", a, b, d) != 3)
			snprintf(a, sizeof(a), "0.00");
		fclose(in);
	}
	for_each_task(count_task, &c);
	fprintf(f, "%s %s %s %d/%d %d\n", a, b, d, c.running ? c.running : 1, c.procs, c.last);
}

static void gen_stat_root(FILE *f, struct task *reader)
{
	char line[512];
	FILE *in = fopen("/proc/stat", "re");
	struct count c = { task_active_pid_ns(reader), 0, 0, 0 };

	for_each_task(count_task, &c);
	while (in && fgets(line, sizeof(line), in)) {
		if (!strncmp(line, "processes ", 10))
			fprintf(f, "processes %d\n", c.last);
		else if (!strncmp(line, "procs_running ", 14))
			fprintf(f, "procs_running %d\n", c.running ? c.running : 1);
		else if (!strncmp(line, "procs_blocked ", 14))
			fprintf(f, "procs_blocked 0\n");
		else
			fputs(line, f);
	}
	if (in)
		fclose(in);
}

/* The host's view of the process's limits, with the guest's descriptor
 * limit (the host's stays above umk's reserved numbers). */
static void gen_limits(FILE *f, struct process *p)
{
	char path[64], line[256];
	FILE *in;

	if (p->state != PROC_ALIVE)
		return;
	snprintf(path, sizeof(path), "/proc/%d/limits", p->host_tgid);
	if (!(in = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), in)) {
		if (!strncmp(line, "Max open files", 14)) {
			char soft[32];
			struct rlimit rl;

			if (prlimit(p->host_tgid, RLIMIT_NOFILE, NULL, &rl) < 0)
				rl.rlim_cur = p->nofile_max;
			snprintf(soft, sizeof(soft), "%llu", (unsigned long long)
				 (rl.rlim_cur > p->nofile_max ? p->nofile_max : rl.rlim_cur));
			fprintf(f, "%-25s %-20s %-20llu %-10s\n", "Max open files", soft,
				(unsigned long long)p->nofile_max, "files");
		} else {
			fputs(line, f);
		}
	}
	fclose(in);
}

/* fdinfo/N: the host's (position, flags, and what the file type adds). */
static void gen_fdinfo(FILE *f, struct process *p, const char *num)
{
	char path[64];
	long n;

	if (p->state != PROC_ALIVE || ((!is_number(num, &n) && strcmp(num, "0")) ||
				       (n = atol(num)) >= UMK_FD_BASE))
		return;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%ld", p->host_tgid, n);
	cat_host(f, path);
}

static void gen_unix(FILE *f)
{
	fprintf(f, "Num       RefCount Protocol Flags    Type St Inode Path\n");
}

/* The content of rel for reader; -ENOENT when there is no such file. */
static int generate(FILE *f, struct task *reader, const char *rel)
{
	struct process *p;
	struct task *t;
	const char *rest;
	bool thread = false;

	if (!strcmp(rel, "meminfo"))
		gen_meminfo(f);
	else if (!strcmp(rel, "cpuinfo"))
		cat_host(f, "/proc/cpuinfo");
	else if (!strcmp(rel, "uptime"))
		cat_host(f, "/proc/uptime");
	else if (!strcmp(rel, "loadavg"))
		gen_loadavg(f, reader);
	else if (!strcmp(rel, "stat"))
		gen_stat_root(f, reader);
	else if (!strcmp(rel, "version"))
		cat_host(f, "/proc/version");
	else if (!strcmp(rel, "filesystems"))
		fputs("nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tdevpts\n"
		      "\text4\n", f);
	else if (!strcmp(rel, "sys/kernel/hostname"))
		fprintf(f, "%s\n", reader->uts->nodename);
	else if (!strcmp(rel, "sys/kernel/pid_max"))
		fprintf(f, "%d\n", task_active_pid_ns(reader)->pid_max);
	else if (!strcmp(rel, "sys/kernel/ostype"))
		fputs("Linux\n", f);
	else if (!strcmp(rel, "sys/kernel/osrelease")) {
		struct utsname u;

		uname(&u);
		fprintf(f, "%s\n", u.release);
	} else if ((p = path_process(reader, rel, &rest)) != NULL) {
		t = p->leader;
		if (!strncmp(rest, "task/", 5)) {
			char num[16];
			size_t l = strcspn(rest + 5, "/");
			long v;

			if (l >= sizeof(num))
				return -ENOENT;
			memcpy(num, rest + 5, l);
			num[l] = '\0';
			if (!is_number(num, &v) || !rest[5 + l])
				return -ENOENT;
			t = find_task_ns((pid_t)v, task_active_pid_ns(reader));
			if (!t || t->proc != p)
				return -ENOENT;
			rest += 5 + l + 1;
			thread = true;
		}
		if (!t)
			return -ENOENT;
		if (!strcmp(rest, "stat"))
			gen_stat(f, reader, t, thread);
		else if (!strcmp(rest, "status"))
			gen_status(f, reader, t);
		else if (!strcmp(rest, "statm"))
			gen_statm(f, t);
		else if (!strcmp(rest, "cmdline") && t->mm)
			gen_mem_range(f, t, t->mm->bounds.arg_start, t->mm->bounds.arg_end);
		else if (!strcmp(rest, "environ") && t->mm)
			gen_mem_range(f, t, t->mm->bounds.env_start, t->mm->bounds.env_end);
		else if (!strcmp(rest, "comm"))
			fprintf(f, "%s\n", t->comm);
		else if (!strcmp(rest, "maps"))
			gen_maps(f, t);
		else if (!strcmp(rest, "mounts") || !strcmp(rest, "mountinfo"))
			mount_show(f, t->fs ? t->fs->root : "/", rest[5] == 'i');
		else if (!strcmp(rest, "oom_score"))
			fprintf(f, "%d\n", oom_score(p));
		else if (!strcmp(rest, "oom_score_adj"))
			fprintf(f, "%d\n", p->oom_score_adj);
		else if (!strcmp(rest, "net/unix"))
			gen_unix(f);
		else if (!strcmp(rest, "auxv") && t->mm && p->state == PROC_ALIVE)
			for (int i = 0; i < MM_SAVED_AUXV; i++) {
				fwrite(t->mm->bounds.auxv[i], sizeof(uint64_t), 2, f);
				if (!t->mm->bounds.auxv[i][0])
					break;
			}
		else if (!strcmp(rest, "limits"))
			gen_limits(f, p);
		else if (!strncmp(rest, "fdinfo/", 7))
			gen_fdinfo(f, p, rest + 7);
		else if (strcmp(rest, "cmdline") && strcmp(rest, "environ") && strcmp(rest, "auxv"))
			return -ENOENT;
	} else {
		return -ENOENT;
	}
	return 0;
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
		struct process *p = path_process(t, rel, &rest);

		if (p && (!strcmp(rest, "oom_score_adj") || !strcmp(rest, "comm")))
			return open_write(t, p, rest[0] == 'c', flags);
		return -EACCES;
	}
	if (!(f = open_memstream(&buf, &len)))
		return -ENOMEM;
	r = generate(f, t, rel);
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
