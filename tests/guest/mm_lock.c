/*
 * Memory locking, checked against what Linux does: mlock, mlock2, munlock,
 * mlockall, munlockall; RLIMIT_MEMLOCK against the pages already locked
 * (ENOMEM, EAGAIN for MAP_LOCKED, mremap growth and brk after MCL_FUTURE,
 * EPERM at a zero limit); locks applied up to a hole; locks not inherited by
 * fork; madvise refusing to drop locked pages; pages present after mlock.
 *
 * Run as root. The first part keeps CAP_IPC_LOCK (no limit applies); the
 * rest drops it from the effective set and lowers RLIMIT_MEMLOCK to 16
 * pages. Output: one line per check, deterministic; exit 1 if any failed.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "mmcheck.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif

static const char *res(long r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

static const char *mres(void *p)
{
	return p == MAP_FAILED ? strerrorname_np(errno) : "ok";
}

static char *map(long pages, int flags)
{
	char *p = mmap(NULL, pages * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED) {
		printf("mmap %ld pages: %s FAIL\n", pages, strerrorname_np(errno));
		exit(1);
	}
	return p;
}

/* How many of the n pages at p are resident. */
static const char *resident(char *p, long n)
{
	static char buf[4][16];
	static int k;
	unsigned char vec[64];
	char *b = buf[k++ % 4];
	int c = 0;

	if (n > 64 || mincore(p, (size_t)(n * PG), vec) < 0)
		return strerrorname_np(errno);
	for (long i = 0; i < n; i++)
		c += vec[i] & 1;
	snprintf(b, 16, "%d", c);
	return b;
}

static void mlock2_check(const char *name, void *p, long len, unsigned flags, const char *want)
{
	check(name, res(syscall(SYS_mlock2, p, len, flags)), want);
}

static void drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0) {
		printf("capget: %s FAIL\n", strerrorname_np(errno));
		exit(1);
	}
	d[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	check("drop CAP_IPC_LOCK", res(syscall(SYS_capset, &h, d)), "ok");
}

static void set_limit(long pages)
{
	struct rlimit rl = { (rlim_t)(pages * PG), (rlim_t)(pages * PG) };

	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
		printf("setrlimit(RLIMIT_MEMLOCK): %s FAIL\n", strerrorname_np(errno));
		exit(1);
	}
}

/* With CAP_IPC_LOCK: flags, populating, madvise, sizes past any limit. */
static void privileged(void)
{
	char *big = map(2048, 0);	/* 8 MiB: fresh pages, none resident */
	char *p = big + 512 * PG;
	char *q;

	check("fresh mapping: resident pages", resident(p, 8), "0");
	check("mlock", res(mlock(p, 4 * PG)), "ok");
	check("mlock: locked pages resident", resident(p, 8), "4");
	check("mlock again", res(mlock(p, 4 * PG)), "ok");
	mlock2_check("mlock2 MLOCK_ONFAULT", p + 16 * PG, 4 * PG, MLOCK_ONFAULT, "ok");
	check("MLOCK_ONFAULT: not populated", resident(p + 16 * PG, 4), "0");
	mlock2_check("mlock2 flags 2", p, PG, 2, "EINVAL");
	mlock2_check("mlock2 flags ~0", p, PG, ~0U, "EINVAL");
	check("mlock: unaligned start rounds down", res(mlock(p + 30 * PG + 100, 10)), "ok");
	check("mlock: length 0", res(mlock(p + 40 * PG, 0)), "ok");
	check("munlock", res(munlock(p, 4 * PG)), "ok");

	/* madvise keeps locked pages. */
	p[0] = 'x';
	check("mlock for madvise", res(mlock(p, PG)), "ok");
	check("MADV_DONTNEED locked", res(madvise(p, PG, MADV_DONTNEED)), "EINVAL");
	check("MADV_DONTNEED locked: kept", ch(p[0]), "'x'");
	check("MADV_FREE locked", res(madvise(p, PG, MADV_FREE)), "EINVAL");
	check("MADV_COLD locked", res(madvise(p, PG, MADV_COLD)), "EINVAL");
	check("MADV_PAGEOUT locked", res(madvise(p, PG, MADV_PAGEOUT)), "EINVAL");
	check("MADV_DONTNEED_LOCKED", res(madvise(p, PG, MADV_DONTNEED_LOCKED)), "ok");
	check("MADV_DONTNEED_LOCKED: zero", ch(p[0]), "0");
	check("munlock for madvise", res(munlock(p, PG)), "ok");
	check("MADV_DONTNEED unlocked", res(madvise(p, PG, MADV_DONTNEED)), "ok");
	munmap(big, 2048 * PG);

	/* Past the default 8 MiB limit: root need not care. */
	q = map(4096, 0);
	check("mlock 16 MiB with CAP_IPC_LOCK", res(mlock(q, 4096 * PG)), "ok");
	check("munmap a locked mapping", res(munmap(q, 4096 * PG)), "ok");

	check("mlockall 0", res(mlockall(0)), "EINVAL");
	check("mlockall MCL_ONFAULT alone", res(mlockall(MCL_ONFAULT)), "EINVAL");
	check("mlockall 8", res(mlockall(8)), "EINVAL");
	check("mlockall MCL_CURRENT", res(mlockall(MCL_CURRENT)), "ok");
	check("munlockall", res(munlockall()), "ok");
}

/* Without CAP_IPC_LOCK, RLIMIT_MEMLOCK at 16 pages. */
static void limited(void)
{
	char *a, *b, *c, *d, *e;
	pid_t pid;
	int st;

	drop_ipc_lock();
	set_limit(16);
	a = map(8, 0);
	b = map(10, 0);
	check("mlock 8 of 16", res(mlock(a, 8 * PG)), "ok");
	check("mlock the same 8 again", res(mlock(a, 8 * PG)), "ok");
	check("mlock 10 more", res(mlock(b, 10 * PG)), "ENOMEM");
	mlock2_check("mlock2 10 more", b, 10 * PG, MLOCK_ONFAULT, "ENOMEM");
	check("mlock 8 more", res(mlock(b, 8 * PG)), "ok");
	check("munlock 8", res(munlock(b, 8 * PG)), "ok");
	check("mlock 2 more", res(mlock(b, 2 * PG)), "ok");
	check("munlock part of a locked range", res(munlock(b, PG)), "ok");

	/* Locked from birth. */
	c = mmap(NULL, 4 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	check("MAP_LOCKED 4 pages (8+1+4)", mres(c), "ok");
	check("MAP_LOCKED: resident", c == MAP_FAILED ? "-" : resident(c, 4), "4");
	d = mmap(NULL, 8 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	check("MAP_LOCKED 8 pages over the limit", mres(d), "EAGAIN");
	check("mremap a locked mapping past the limit",
	      mres(mremap(c, 4 * PG, 8 * PG, MREMAP_MAYMOVE)), "EAGAIN");
	c = mremap(c, 4 * PG, 6 * PG, MREMAP_MAYMOVE);
	check("mremap a locked mapping within it", mres(c), "ok");
	check("mremap: grown part resident", c == MAP_FAILED ? "-" : resident(c, 6), "6");
	check("locked 8+1+6: one more page", res(mlock(b + 2 * PG, PG)), "ok");
	check("locked 16: one more page", res(mlock(b + 3 * PG, PG)), "ENOMEM");
	check("munmap a locked mapping", res(munmap(c, 6 * PG)), "ok");
	check("after munmap: room again", res(mlock(b + 3 * PG, 6 * PG)), "ok");
	check("munlock b", res(munlock(b, 10 * PG)), "ok");

	/* Up to the hole, then ENOMEM: what came before stays locked. */
	e = map(5, 0);
	munmap(e + 4 * PG, PG);
	check("mlock across a hole", res(mlock(e, 5 * PG)), "ENOMEM");
	check("locked 8+4: 5 more", res(mlock(b, 5 * PG)), "ENOMEM");
	check("locked 8+4: 4 more", res(mlock(b, 4 * PG)), "ok");
	check("munlock across a hole", res(munlock(e, 5 * PG)), "ENOMEM");
	check("munlock b again", res(munlock(b, 4 * PG)), "ok");
	check("mlock from a hole", res(mlock(e + 4 * PG, PG)), "ENOMEM");

	/* A fork child starts with nothing locked. */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(mlock(b, 10 * PG) == 0 ? 0 : 1);
	check("fork child: mlock 10 (nothing inherited)",
	      waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed",
	      "ok");
	check("parent: mlock 10 still over", res(mlock(b, 10 * PG)), "ENOMEM");

	check("mlockall MCL_CURRENT over the limit", res(mlockall(MCL_CURRENT)), "ENOMEM");
	check("munlockall", res(munlockall()), "ok");

	/* MCL_FUTURE: every new mapping, and the heap, is locked. */
	check("mlockall MCL_FUTURE", res(mlockall(MCL_FUTURE)), "ok");
	d = mmap(NULL, 10 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("MCL_FUTURE: map 10", mres(d), "ok");
	check("MCL_FUTURE: mapped pages resident", d == MAP_FAILED ? "-" : resident(d, 10), "10");
	check("MCL_FUTURE: map 8 over the limit",
	      mres(mmap(NULL, 8 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)), "EAGAIN");
	{
		char *brk0 = sbrk(0);

		check("MCL_FUTURE: sbrk 8 pages over the limit",
		      sbrk(8 * PG) == (void *)-1 ? strerrorname_np(errno) : "ok", "ENOMEM");
		check("MCL_FUTURE: sbrk 4 pages", sbrk(4 * PG) == (void *)-1 ? "failed" : "ok", "ok");
		brk(brk0);
	}
	check("munmap", res(munmap(d, 10 * PG)), "ok");
	check("mlockall MCL_FUTURE|MCL_ONFAULT", res(mlockall(MCL_FUTURE | MCL_ONFAULT)), "ok");
	d = mmap(NULL, 10 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("MCL_ONFAULT: map 10", mres(d), "ok");
	check("MCL_ONFAULT: counted", res(mlock(b, 8 * PG)), "ENOMEM");
	check("munlockall ends MCL_FUTURE", res(munlockall()), "ok");
	check("munlockall: map 32", mres(mmap(NULL, 32 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)),
	      "ok");

	/* A zero limit without the capability: no locking at all. */
	munlock(a, 8 * PG);
	set_limit(0);
	check("limit 0: mlock", res(mlock(a, PG)), "EPERM");
	mlock2_check("limit 0: mlock2 bad flags", a, PG, 2, "EINVAL");
	check("limit 0: MAP_LOCKED",
	      mres(mmap(NULL, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0)), "EPERM");
	check("limit 0: mlockall MCL_FUTURE", res(mlockall(MCL_FUTURE)), "EPERM");
	check("limit 0: munlock", res(munlock(a, PG)), "ok");
	check("limit 0: munlockall", res(munlockall()), "ok");
}

int main(void)
{
	PG = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	privileged();
	limited();
	printf("mm_lock: %s\n", failed ? "FAILED" : "done");
	return failed;
}
