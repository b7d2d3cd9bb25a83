/*
 * Memory locking (Linux's mm/mlock.c): mlock, mlock2, munlock, mlockall,
 * munlockall, and the RLIMIT_MEMLOCK checks mmap, brk and mremap make.
 *
 * Locking is umk's bookkeeping, never the host's. The VMAs carry VMA_LOCKED
 * (and VMA_LOCKONFAULT), the mm carries mlockall(MCL_FUTURE)'s default, and
 * the locked size is counted from the VMAs, checked against the guest's
 * RLIMIT_MEMLOCK unless the guest holds CAP_IPC_LOCK, with the errno Linux
 * gives at each step. The host cannot do it for us: guest threads hold no
 * host capabilities, so the host's limit would refuse what a guest root may
 * do, and a host MCL_FUTURE would count umk's own later mappings against it.
 *
 * What a program can see of a lock besides the accounting is that its pages
 * are there from then on: umk faults them into the memfd through its own
 * mapping (MADV_POPULATE_WRITE) for memfd-backed VMAs, and a new locked mapping is mapped with MAP_POPULATE.
 * The host may still reclaim them to swap; nothing pins them.
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include "umk/cow.h"
#include "umk/cred.h"
#include "umk/task.h"
#include "mm_internal.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

#define PAGE_SHIFT 12
#define LOCK_MASK (VMA_LOCKED | VMA_LOCKONFAULT)

/* RLIMIT_MEMLOCK of t's process, in pages (rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT). */
static uint64_t lock_limit(const struct task *t)
{
	struct rlimit rl;

	if (prlimit(t->host_tid, RLIMIT_MEMLOCK, NULL, &rl) < 0)
		return 0;
	return (uint64_t)rl.rlim_cur >> PAGE_SHIFT;
}

static bool cap_ipc_lock(const struct task *t)
{
	return cred_capable(&t->cred, CAP_IPC_LOCK);
}

/* can_do_mlock(): a non-zero limit, or the capability. */
static bool can_do_mlock(const struct task *t)
{
	return lock_limit(t) != 0 || cap_ipc_lock(t);
}

/* Linux does not lock what it cannot page (VM_SPECIAL): here, umk's own
 * window and the host's vdso and vvar. */
static bool lockable(const struct vma *v)
{
	return v->kind != VMA_SPECIAL;
}

uint64_t mm_locked_vm(const struct mm *mm)
{
	uint64_t n = 0;

	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v))
		if (v->flags & VMA_LOCKED)
			n += v->end - v->start;
	return n;
}

bool mlock_future_ok(const struct task *t, unsigned vflags, uint64_t bytes)
{
	if (!(vflags & VMA_LOCKED) || cap_ipc_lock(t))
		return true;
	return (bytes >> PAGE_SHIFT) + (mm_locked_vm(t->mm) >> PAGE_SHIFT) <= lock_limit(t);
}

int mlock_map_check(const struct task *t, uint64_t map_flags, unsigned vflags, uint64_t len)
{
	if ((map_flags & MAP_LOCKED) && !can_do_mlock(t))
		return -EPERM;
	if (!mlock_future_ok(t, vflags, len))
		return -EAGAIN;
	return 0;
}

unsigned mlock_def_flags(const struct mm *mm)
{
	return mm->def_flags & LOCK_MASK;
}

/* Make the pages of the locked, memfd-backed VMAs in [start, end) exist.
 * A fork child's range may still wait for its parent's data: that comes
 * first, or the fresh pages would hide it from the userfaultfd. */
int mlock_populate(struct mm *mm, uint64_t start, uint64_t end)
{
	int r = 0;

	for (struct vma *v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v)) {
		uint64_t s = v->start > start ? v->start : start;
		uint64_t e = v->end < end ? v->end : end;
		struct memobj *o = v->obj;

		if ((v->flags & LOCK_MASK) != VMA_LOCKED || !memfd_backed(v))
			continue;
		cow_settle(o, v->off + (s - v->start), e - s, false);
		/* Faulted in through umk's own mapping: a fallocate()d shmem
		 * page is not up to date, and mincore() would not count it. */
		if (madvise(o->base + v->off + (s - v->start), e - s, MADV_POPULATE_WRITE) < 0)
			r = -EAGAIN;	/* __mlock_posix_error_return(-ENOMEM) */
	}
	return r;
}

/* mlock_fixup(): give [start, end) of v the lock flags newflags, splitting
 * and merging as needed. Returns the VMA now holding start, or NULL. */
static struct vma *fixup(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
			 unsigned newflags)
{
	if ((v->flags & LOCK_MASK) == newflags || !lockable(v))
		return v;
	if (split_at(mm, start) < 0 || split_at(mm, end) < 0)
		return NULL;
	v = vma_lookup(&mm->vmas, start);
	v->flags = (v->flags & ~LOCK_MASK) | newflags;
	vma_merge(&mm->vmas, v, merge_release);
	return vma_lookup(&mm->vmas, start);
}

/* apply_vma_lock_flags(): as far as the first hole, then ENOMEM. */
static long apply_lock(struct mm *mm, uint64_t start, uint64_t len, unsigned newflags)
{
	uint64_t end = start + len, pos;
	struct vma *v;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	v = vma_lookup(&mm->vmas, start);
	if (!v)
		return -ENOMEM;
	pos = start;
	while (pos < end) {
		uint64_t e;

		v = vma_lookup(&mm->vmas, pos);
		if (!v)
			return -ENOMEM;
		e = v->end < end ? v->end : end;
		if (!fixup(mm, v, pos, e, newflags))
			return -ENOMEM;
		pos = e;
	}
	return 0;
}

/* count_mm_mlocked_page_nr(), with its arithmetic. */
static uint64_t locked_in(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + len, count = 0;

	for (struct vma *v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v)) {
		if (!(v->flags & VMA_LOCKED))
			continue;
		if (start > v->start)
			count -= start - v->start;
		if (end < v->end) {
			count += end - v->start;
			break;
		}
		count += v->end - v->start;
	}
	return count >> PAGE_SHIFT;
}

static long do_mlock(struct task *t, uint64_t start, uint64_t len, unsigned flags)
{
	struct mm *mm = t->mm;
	uint64_t limit, locked;
	long r;

	if ((r = mm_enter(t)) < 0)
		return r;
	if (!can_do_mlock(t))
		return -EPERM;
	len = PAGE_ALIGN(len + (start & (PAGE - 1)));	/* wraps as Linux's does */
	start &= ~(PAGE - 1);
	limit = lock_limit(t);
	locked = (len >> PAGE_SHIFT) + (mm_locked_vm(mm) >> PAGE_SHIFT);
	if (locked > limit && !cap_ipc_lock(t))
		locked -= locked_in(mm, start, len);
	if (locked > limit && !cap_ipc_lock(t))
		return -ENOMEM;
	if ((r = apply_lock(mm, start, len, flags)) < 0)
		return r;
	return mlock_populate(mm, start, start + len);
}

long sys_mlock(struct task *t, struct sysc *sc)
{
	return do_mlock(t, sc->args[0], sc->args[1], VMA_LOCKED);
}

long sys_mlock2(struct task *t, struct sysc *sc)
{
	unsigned flags = (unsigned)sc->args[2];

	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(t, sc->args[0], sc->args[1],
			VMA_LOCKED | ((flags & MLOCK_ONFAULT) ? VMA_LOCKONFAULT : 0));
}

long sys_munlock(struct task *t, struct sysc *sc)
{
	uint64_t start = sc->args[0], len = sc->args[1];
	long r;

	if ((r = mm_enter(t)) < 0)
		return r;
	len = PAGE_ALIGN(len + (start & (PAGE - 1)));
	start &= ~(PAGE - 1);
	return apply_lock(t->mm, start, len, 0);
}

/* apply_mlockall_flags(): the default for new mappings, then every VMA. */
static void apply_all(struct mm *mm, int flags)
{
	unsigned add = 0;
	uint64_t pos = 0;
	struct vma *v;

	mm->def_flags &= ~LOCK_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VMA_LOCKED | ((flags & MCL_ONFAULT) ? VMA_LOCKONFAULT : 0);
		if (!(flags & MCL_CURRENT))
			return;
	}
	if (flags & MCL_CURRENT)
		add = VMA_LOCKED | ((flags & MCL_ONFAULT) ? VMA_LOCKONFAULT : 0);
	/* By address: fixing one VMA up may merge it with the next. */
	while ((v = vma_find(&mm->vmas, pos))) {
		struct vma *n = fixup(mm, v, v->start, v->end, add);

		pos = n ? n->end : v->end;
	}
}

long sys_mlockall(struct task *t, struct sysc *sc)
{
	int flags = (int)sc->args[0];
	long r;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if ((r = mm_enter(t)) < 0)
		return r;
	if (!can_do_mlock(t))
		return -EPERM;
	if ((flags & MCL_CURRENT) && !cap_ipc_lock(t) &&
	    (mm_total_vm(t->mm) >> PAGE_SHIFT) > lock_limit(t))
		return -ENOMEM;
	apply_all(t->mm, flags);
	if (flags & MCL_CURRENT)
		mlock_populate(t->mm, 0, t->mm->task_size);	/* errors ignored, as Linux */
	return 0;
}

long sys_munlockall(struct task *t, struct sysc *sc)
{
	long r;

	(void)sc;
	if ((r = mm_enter(t)) < 0)
		return r;
	apply_all(t->mm, 0);
	return 0;
}
