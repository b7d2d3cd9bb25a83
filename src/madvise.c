/*
 * madvise (Linux's mm/madvise.c): the advice that changes what a private
 * memfd-backed page holds (DONTNEED, FREE) or what fork does with a VMA is
 * umk's to apply; the rest is the host's business and runs natively.
 */
#define _GNU_SOURCE
#include "umk/pcache.h"
#include "mm_internal.h"

long sys_madvise(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	uint64_t start = sc->args[0], len_in = sc->args[1], end, len;
	int advice = (int)sc->args[2];
	bool all_private = true, hole = false;
	struct vma *v;
	long r;

	if ((r = mm_enter(t)) < 0)
		return r;
	if (start & (PAGE - 1))
		return -EINVAL;
	len = PAGE_ALIGN(len_in);
	if (len_in && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK:
	case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case MADV_HWPOISON:
	case MADV_SOFT_OFFLINE: case 22 /* POPULATE_READ */: case 23 /* POPULATE_WRITE */:
	case 24 /* DONTNEED_LOCKED */: case 25 /* COLLAPSE */:
		break;
	default:
		return -EINVAL;
	}
	if (end == start)
		return 0;
	/* Frozen pages (pcache.c) drop to the file's or to zeros: make them
	 * private again first. */
	if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == 24)
		for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v))
			if (pcache_frozen(v)) {
				int pr = pcache_privatize(t, v->start, v->end);

				if (pr < 0)
					return pr == INJECT_DEAD ? pr : -ENOMEM;
			}
	for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v)) {
		if (!private_mem(mm, v))
			all_private = false;
		if ((v->prev && v->prev->end < v->start && v->start > start) ||
		    (v->start > start && !v->prev))
			hole = true;
	}
	v = vma_find(&mm->vmas, start);
	if (!v || v->start > start)
		hole = true;
	switch (advice) {
	case MADV_DONTNEED:
	case 24:
	case MADV_FREE:
		if (sealed_in(mm, start, end))
			return -EPERM;
		/* Private memory in a memfd is not dropped by the host's madvise
		 * (it sees a shared mapping): punch the pages out of the file. */
		for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v)) {
			uint64_t s = v->start > start ? v->start : start;
			uint64_t e = v->end < end ? v->end : end;

			/* Locked pages stay (madvise_dontneed_free_valid_vma()). */
			if ((v->flags & VMA_LOCKED) && advice != 24)
				return -EINVAL;
			if (!private_mem(mm, v))
				continue;
			memobj_zero(v->obj, v->off + (s - v->start), e - s);
			/* A private file page reads the file again, as on Linux. */
			if (v->kind == VMA_FILE_PRIV && v->file)
				mm_fill_file(v->obj, v->off + (s - v->start),
					       ((struct vfile *)v->file)->fd,
					       (v->pgoff * PAGE) + (s - v->start), e - s);
		}
		if (advice == MADV_FREE && all_private)
			return hole ? -ENOMEM : 0;	/* the host refuses FREE on shared */
		return SYSC_NATIVE;
	case MADV_REMOVE:
	case MADV_COLD:
	case MADV_PAGEOUT:
		/* Neither drops nor ages locked pages; REMOVE is for shared memory. */
		for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v))
			if ((v->flags & VMA_LOCKED) || (advice == MADV_REMOVE && private_mem(mm, v)))
				return -EINVAL;
		return SYSC_NATIVE;
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
		for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v))
			if ((advice == MADV_WIPEONFORK || advice == MADV_KEEPONFORK) &&
			    v->kind != VMA_ANON)
				return -EINVAL;
		if (split_at(mm, start) < 0 || split_at(mm, end) < 0)
			return -ENOMEM;
		for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v)) {
			if (advice == MADV_DONTFORK)
				v->flags |= VMA_DONTFORK;
			else if (advice == MADV_DOFORK)
				v->flags &= ~VMA_DONTFORK;
			else if (advice == MADV_WIPEONFORK)
				v->flags |= VMA_WIPEONFORK;
			else
				v->flags &= ~VMA_WIPEONFORK;
		}
		if (advice == MADV_WIPEONFORK || advice == MADV_KEEPONFORK)
			return hole ? -ENOMEM : 0;	/* umk's fork does it */
		return SYSC_NATIVE;
	default:
		return SYSC_NATIVE;
	}
}
