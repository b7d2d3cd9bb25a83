/*
 * The guest's memory limit (umk run --memory) and its OOM killer, as
 * Linux's mm/oom_kill.c picks a victim.
 *
 * What counts is what the host has allocated to umk's memfds: every guest's
 * private memory, its shared memory and the page cache (a memory cgroup
 * charges page cache too). umk does not see page faults, so it checks the
 * total where memory grows under its eyes (every memory syscall) and, while
 * a limit is set, every 10 ms from its event loop: a guest that faults in
 * pages without any syscall overshoots the limit by at most what it can
 * touch in that time.
 *
 * Over the limit, umk first reclaims what is not anyone's (unused page cache
 * files, recycled pages); if that is not enough it kills the process with
 * the highest oom_badness(): resident pages plus an estimate of its page
 * tables, plus oom_score_adj thousandths of the limit; -1000 is never
 * chosen, and the namespace's init only when nothing else can be. One victim
 * at a time: until it is gone (or for 2 s) no other is chosen, as the OOM
 * reaper's MMF_OOM_SKIP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include "umk/loop.h"
#include "umk/mm.h"
#include "umk/oom.h"
#include "umk/pcache.h"
#include "umk/proc.h"
#include "umk/task.h"
#include "umk/umk.h"

#define OOM_TICK_NS (10 * 1000 * 1000LL)
#define OOM_VICTIM_GRACE_NS (2 * 1000 * 1000 * 1000ULL)

static struct {
	int tfd;
	pid_t victim;		/* host tgid of the last victim, while it lives */
	uint64_t victim_at;
	uint64_t kills;
} oom = { .tfd = -1 };

/* What one process holds, in bytes (Linux's MM_ANONPAGES, MM_FILEPAGES,
 * MM_SHMEMPAGES). */
struct oom_usage {
	uint64_t anon, file, shmem, total_vm;
};

static void usage_of(const struct mm *mm, struct oom_usage *u)
{
	memset(u, 0, sizeof(*u));
	u->total_vm = mm_total_vm(mm);
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v)) {
		uint64_t n;

		if (!v->obj)
			continue;
		n = memobj_resident_range(v->obj, v->off, v->end - v->start);
		if (pcache_backed(v))
			u->file += n;
		else if (v->obj == mm->mem)
			u->anon += n;
		else
			u->shmem += n;
	}
}

/* oom_badness() in pages, or -1 for a process never to be chosen. */
static long long badness(const struct process *p, const struct mm *mm, const struct oom_usage *u)
{
	long long points, pages = (long long)((u->anon + u->file + u->shmem) / VMA_PAGE);
	long long totalpages = (long long)(config.memory_limit / VMA_PAGE);

	(void)mm;
	if (p->oom_score_adj <= OOM_SCORE_ADJ_MIN)
		return -1;
	/* Page tables: one 4 KiB table per 512 resident pages, at least one. */
	points = pages + pages / 512 + 1;
	points += (long long)p->oom_score_adj * (totalpages / 1000);
	return points > 0 ? points : 1;
}

/* /proc/PID/oom_score: badness per thousand of the memory there is (the
 * limit, or the machine's). */
int oom_score(const struct process *p)
{
	struct oom_usage u;
	long long total = config.memory_limit ? (long long)(config.memory_limit / VMA_PAGE)
					      : sysconf(_SC_PHYS_PAGES);
	long long points, pages;

	if (!p->leader || !p->leader->mm || p->state != PROC_ALIVE || total <= 0)
		return 0;
	if (p->oom_score_adj <= OOM_SCORE_ADJ_MIN)
		return 0;
	usage_of(p->leader->mm, &u);
	pages = (long long)((u.anon + u.file + u.shmem) / VMA_PAGE);
	points = pages + pages / 512 + 1 + (long long)p->oom_score_adj * (total / 1000);
	if (points < 1)
		points = 1;
	points = points * 1000 / total;
	return (int)(points > 2000 ? 2000 : points);
}

struct choice {
	struct task *victim, *init;
	long long points, init_points;
	struct oom_usage usage, init_usage;
};

static int consider(struct task *t, void *arg)
{
	struct choice *c = arg;
	struct process *p = t->proc;
	struct oom_usage u;
	long long points;

	if (t != p->leader || p->state != PROC_ALIVE || !t->mm || t->state == TASK_DEAD)
		return 0;
	usage_of(t->mm, &u);
	points = badness(p, t->mm, &u);
	if (points < 0)
		return 0;
	if (p == kernel.init) {	/* the init of it all: last */
		c->init = t;
		c->init_points = points;
		c->init_usage = u;
		return 0;
	}
	if (!c->victim || points >= c->points) {
		c->victim = t;
		c->points = points;
		c->usage = u;
	}
	return 0;
}

static bool victim_pending(void)
{
	struct task *t;

	if (!oom.victim)
		return false;
	t = task_by_host(oom.victim);
	if (t && t->proc->state == PROC_ALIVE && umk_now_ns() - oom.victim_at < OOM_VICTIM_GRACE_NS)
		return true;
	oom.victim = 0;
	return false;
}

static void kill_victim(void)
{
	struct choice c = { 0 };
	struct task *t;
	struct oom_usage *u;

	for_each_task(consider, &c);
	t = c.victim ? c.victim : c.init;
	u = c.victim ? &c.usage : &c.init_usage;
	if (!t) {
		umk_log("out of memory (limit %llu kB) and no process to kill",
			(unsigned long long)(config.memory_limit >> 10));
		return;
	}
	umk_log("out of memory: killed process %d (%s) total-vm:%llukB, anon-rss:%llukB, "
		"file-rss:%llukB, shmem-rss:%llukB, UID:%u oom_score_adj:%d",
		task_pid_vnr(t), t->proc->comm, (unsigned long long)(u->total_vm >> 10),
		(unsigned long long)(u->anon >> 10), (unsigned long long)(u->file >> 10),
		(unsigned long long)(u->shmem >> 10), t->cred.uid, t->proc->oom_score_adj);
	kill(t->proc->host_tgid, SIGKILL);
	oom.victim = t->proc->host_tgid;
	oom.victim_at = umk_now_ns();
	oom.kills++;
}

void oom_check(void)
{
	if (!config.memory_limit || memobj_total_allocated() <= config.memory_limit)
		return;
	/* Reclaim what no process holds before killing one. */
	pcache_reclaim();
	memobj_drop_stale_all();
	if (memobj_total_allocated() <= config.memory_limit || victim_pending())
		return;
	proc_flush_writes();	/* oom_score_adj values written meanwhile */
	kill_victim();
}

static void tick(void *arg)
{
	uint64_t n;

	(void)arg;
	if (read(oom.tfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	oom_check();
}

int oom_init(void)
{
	struct itimerspec its = { .it_interval = { 0, OOM_TICK_NS }, .it_value = { 0, OOM_TICK_NS } };

	if (!config.memory_limit)
		return 0;
	oom.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (oom.tfd < 0)
		return -errno;
	if (timerfd_settime(oom.tfd, 0, &its, NULL) < 0 || loop_watch(oom.tfd, tick, NULL) < 0)
		return -errno ? -errno : -ENOMEM;
	return 0;
}

uint64_t oom_kills(void)
{
	return oom.kills;
}
