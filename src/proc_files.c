/*
 * The content of the guest's /proc files (see include/umk/proc.h), made
 * from umk's own state when a guest opens one: the per-process files
 * (stat, status, statm, cmdline, environ, comm, maps, auxv, limits, fdinfo,
 * mounts, oom_score...) and the machine-wide ones (meminfo, loadavg, stat,
 * uptime...). Pids are the reader's namespace's; paths are guest paths.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include "umk/jobctl.h"
#include "umk/mm.h"
#include "umk/mount.h"
#include "umk/oom.h"
#include "umk/pcache.h"
#include "umk/task.h"
#include "umk/uaccess.h"
#include "umk/umk.h"
#include "proc_internal.h"
#include "umk/signal.h"

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
	unsigned long long h[50];

	if (p->state != PROC_ALIVE)
		return 'Z';
	if (p->stop_signal || t->state == TASK_STOPPED)
		return 'T';
	if (t->state == TASK_SLEEPING || t->state == TASK_SLEEPING_NATIVE)
		return 'S';
	/* Running on the host: in a native call it may sleep there. */
	if (t->state == TASK_RUNNING && host_stat(t->host_tid, h) == 0 &&
	    (h[0] == 'S' || h[0] == 'D'))
		return (char)h[0];
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
	int tty_nr, tpgid;

	host_stat(t->host_tid, h);
	jobctl_stat_tty(reader, p, h[4], h[5], &tty_nr, &tpgid);
	mem_of(t, &u);
	fprintf(f, "%d (%s) %c %d %d %d %d %d %llu 0 0 0 0 %llu %llu %llu %llu 20 0 %d 0 %llu "
		"%llu %llu 18446744073709551615 %llu %llu 0 0 0 0 0 0 0 0 0 %d %llu 0 0 0 0 0 "
		"%llu %llu 0 %llu %llu %llu %llu %d\n",
		thread ? task_pid_nr_ns(t, ns) : process_tgid_nr_ns(p, ns),
		thread ? t->comm : p->leader ? p->leader->comm : p->comm, task_state(t), ppid,
		pid_nr_ns(p->pgrp, ns), pid_nr_ns(p->session, ns), tty_nr, tpgid, h[6], h[11], h[12], h[13],
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
					     ['D'] = "D (disk sleep)",
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
	{
		uint64_t ign = 0, cgt = 0;

		for (int s = 1; s <= UMK_NSIG && p->sighand; s++) {
			uint64_t h = p->sighand->action[s - 1].handler;

			if (h == KSIG_IGN)
				ign |= sigbit(s);
			else if (h != KSIG_DFL)
				cgt |= sigbit(s);
		}
		fprintf(f, "Threads:\t%d\nSigQ:\t%d/%d\nSigPnd:\t%016llx\nShdPnd:\t%016llx\n"
			"SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n", p->nr_threads,
			signal_queued(t), signal_queue_limit(t),
			(unsigned long long)t->pending.signal,
			(unsigned long long)p->shared_pending.signal,
			(unsigned long long)t->blocked, (unsigned long long)ign,
			(unsigned long long)cgt);
	}
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

/* smaps_rollup: the sums over the process's mappings, as Linux prints them
 * (umk's pages are shared memfd pages to the host; to the guest they are
 * what they stand for: private anonymous, or file, memory). */
static void gen_smaps_rollup(FILE *f, struct task *t)
{
	const struct mm *mm = t->mm;
	struct mem_usage u;
	uint64_t lo = 0, hi = 0;
	static const char *const zero[] = { "Shared_Clean", "Shared_Dirty", "KSM", "LazyFree",
		"AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb",
		"Private_Hugetlb", "Swap", "SwapPss", "Locked", NULL };

	if (!mm || t->proc->state != PROC_ALIVE)
		return;
	mem_of(t, &u);
	if (vma_first(&mm->vmas))
		lo = vma_first(&mm->vmas)->start;
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v))
		hi = v->end;
	fprintf(f, "%08llx-%08llx ---p 00000000 00:00 0%*s[rollup]\n", (unsigned long long)lo,
		(unsigned long long)hi, 26, "");
#define KB(name, v) fprintf(f, "%s:%*s%8llu kB\n", name, (int)(15 - strlen(name)), "", \
				(unsigned long long)(v) >> 10)
	KB("Rss", u.anon + u.file + u.shmem);
	KB("Pss", u.anon + u.file + u.shmem);
	KB("Pss_Dirty", u.anon + u.shmem);
	KB("Pss_Anon", u.anon);
	KB("Pss_File", u.file);
	KB("Pss_Shmem", u.shmem);
	KB("Private_Clean", u.file);
	KB("Private_Dirty", u.anon + u.shmem);
	KB("Referenced", u.anon + u.file + u.shmem);
	KB("Anonymous", u.anon);
	for (int i = 0; zero[i]; i++)
		KB(zero[i], 0);
#undef KB
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

	if (p->state != PROC_ALIVE || ((!proc_is_number(num, &n) && strcmp(num, "0")) ||
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
int proc_generate(FILE *f, struct task *reader, const char *rel)
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
	} else if ((p = proc_path_process(reader, rel, &rest)) != NULL) {
		t = p->leader;
		if (!strncmp(rest, "task/", 5)) {
			char num[16];
			size_t l = strcspn(rest + 5, "/");
			long v;

			if (l >= sizeof(num))
				return -ENOENT;
			memcpy(num, rest + 5, l);
			num[l] = '\0';
			if (!proc_is_number(num, &v) || !rest[5 + l])
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
		else if (!strcmp(rest, "smaps_rollup"))
			gen_smaps_rollup(f, t);
		else if (!strncmp(rest, "fdinfo/", 7))
			gen_fdinfo(f, p, rest + 7);
		else if (strcmp(rest, "cmdline") && strcmp(rest, "environ") && strcmp(rest, "auxv"))
			return -ENOENT;
	} else {
		return -ENOENT;
	}
	return 0;
}

