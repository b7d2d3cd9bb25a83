/*
 * mremap: grow, shrink or move a mapping (Linux's mm/mremap.c). A memfd-
 * backed VMA grows in place in its memfd when the space after its extent is
 * free, else moves to a bigger extent; the guest's own call then runs as an
 * mremap or an mmap of the new extent at the address umk chose.
 */
#define _GNU_SOURCE
#include "umk/pcache.h"
#include "mm_internal.h"

/* Move [addr, addr+old_len) (inside v) to new_addr, new_len long. */
static long mremap_move(struct task *t, struct sysc *sc, struct vma *v, uint64_t addr,
			uint64_t old_len, uint64_t new_addr, uint64_t new_len, bool dontunmap)
{
	struct mm *mm = t->mm;
	struct vma *n;
	uint64_t noff;
	bool copy = false;
	long r;

	if (split_at(mm, addr) < 0 || split_at(mm, addr + old_len) < 0)
		return -ENOMEM;
	v = vma_lookup(&mm->vmas, addr);
	if (!memfd_backed(v) && v->kind != VMA_HOST && v->kind != VMA_FILE_SHARED)
		return -EINVAL;
	noff = v->off;
	if (memfd_backed(v)) {
		if ((r = mm_ensure_platform(t, true)) < 0)
			return r;
		if (new_len > old_len && memobj_grow(v->obj, v->off, old_len, new_len) < 0) {
			int64_t o;

			if (v->kind == VMA_SHARED)
				return -ENOMEM;	/* other mappings of it must keep seeing it */
			/* No room after its extent: copy to a bigger one. */
			if ((o = memobj_alloc(mm->mem, new_len, NULL)) < 0)
				return -ENOMEM;
			memobj_copy(mm->mem, (uint64_t)o, mm->mem, v->off, old_len);
			noff = (uint64_t)o;
			copy = true;
		}
	}
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *v;
	n->start = new_addr;
	n->end = new_addr + new_len;
	n->off = noff;
	vma_remove(&mm->vmas, v);
	if (vma_insert(&mm->vmas, n) < 0) {
		vma_insert(&mm->vmas, v);
		free(n);
		return -ENOMEM;
	}
	if (n->obj)
		memobj_get(n->obj);
	vfile_get(n->file);	/* n and v each hold their file from here on */
	if (new_len > old_len)
		mlock_populate(mm, new_addr + old_len, new_addr + new_len);
	/* MREMAP_DONTUNMAP: what stays behind is no longer locked. */
	if (dontunmap)
		v->flags &= ~(VMA_LOCKED | VMA_LOCKONFAULT);
	if (copy) {
		/* Map the new extent, then unmap the old range. */
		r = inject_syscall(t, SYS_mmap, new_addr, new_len, (uint64_t)n->prot,
				   MAP_SHARED | MAP_FIXED, UMK_FD_MEM, noff);
		if (r < 0)
			return r;
		mm_vma_release(mm, v);
		rewrite(sc, SYS_munmap, addr, old_len, 0, 0, 0, 0);
		return rewrite_result(sc, 0, new_addr, (uint64_t)-ENOMEM);
	}
	if (dontunmap && private_mem(mm, v)) {
		/* The host would leave the old range mapping the same pages: give
		 * it a fresh (empty) extent instead, as Linux leaves it empty. */
		int64_t o = memobj_alloc(mm->mem, old_len, NULL);

		if (o < 0)
			return -ENOMEM;
		v->off = (uint64_t)o;
		vma_insert(&mm->vmas, v);
		r = inject_syscall(t, SYS_mremap, addr, old_len, new_len,
				   MREMAP_MAYMOVE | MREMAP_FIXED, new_addr, 0);
		if (r < 0)
			return r;
		rewrite(sc, SYS_mmap, addr, old_len, (uint64_t)v->prot, MAP_SHARED | MAP_FIXED,
			UMK_FD_MEM, (uint64_t)o);
		return rewrite_result(sc, addr, new_addr, (uint64_t)-ENOMEM);
	}
	if (dontunmap) {
		vma_insert(&mm->vmas, v);	/* shared or the host's: both keep it */
		return rewrite(sc, SYS_mremap, addr, old_len, new_len,
			       MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, new_addr, 0);
	}
	/* The host moves the mapping (a memfd one keeps its file range, which
	 * had room to grow). */
	if (v->obj)
		memobj_put(v->obj);
	vfile_put(v->file);
	free(v);
	return rewrite(sc, SYS_mremap, addr, old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
		       new_addr, 0);
}

long sys_mremap(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	uint64_t addr = sc->args[0], old_len = sc->args[1], new_len = sc->args[2];
	uint64_t flags = sc->args[3], new_addr = sc->args[4];
	struct vma *v, *next;
	long r;

	if ((r = mm_enter(t)) < 0)
		return r;
	if (flags & ~(uint64_t)(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (addr & (PAGE - 1))
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return -EINVAL;
	if (old_len > mm->task_size || new_len > mm->task_size)
		return -EINVAL;
	v = vma_lookup(&mm->vmas, addr);
	if (!v)
		return -EFAULT;
	if (old_len > v->end - addr)
		return -EFAULT;
	if (sealed_in(mm, addr, addr + (old_len ? old_len : PAGE)))
		return -EPERM;
	if (!old_len) {
		/* A second mapping of the same pages: shared mappings only. */
		if (v->kind != VMA_SHARED && v->kind != VMA_FILE_SHARED)
			return -EINVAL;
		if (!(flags & MREMAP_MAYMOVE))
			return -ENOMEM;
		return -ENOSYS;	/* aliasing mremap: not modelled yet */
	}
	if (old_len > v->end - addr)
		return -EFAULT;
	/* resize_is_valid(): a locked mapping grows within RLIMIT_MEMLOCK. */
	if (new_len > old_len && !mlock_future_ok(t, v->flags, new_len - old_len))
		return -EAGAIN;
	/* Cached file pages that move or grow become a private copy first
	 * (pcache.c): the code below knows private and shared memory only. */
	if (pcache_backed(v)) {
		if ((r = pcache_privatize(t, v->start, v->end)) < 0)
			return r == INJECT_DEAD ? r : -ENOMEM;
		v = vma_lookup(&mm->vmas, addr);
	}
	/* A moved mapping leaves its userfaultfd registration behind: settle
	 * copy-on-write first (cow.c). */
	if (v->obj)
		cow_settle(v->obj, v->off, v->end - v->start, true);
	if (flags & MREMAP_FIXED) {
		if ((new_addr & (PAGE - 1)) || new_len > mm->task_size ||
		    new_addr > mm->task_size - new_len)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL;
		if (sealed_in(mm, new_addr, new_addr + new_len))
			return -EPERM;
		if (unmap_range(mm, new_addr, new_addr + new_len) < 0)
			return -ENOMEM;
		v = vma_lookup(&mm->vmas, addr);
		return mremap_move(t, sc, v, addr, old_len, new_addr, new_len,
				   flags & MREMAP_DONTUNMAP);
	}
	if (flags & MREMAP_DONTUNMAP) {
		new_addr = unmapped_area(mm, 0, new_len, 0);
		if (!new_addr)
			return -ENOMEM;
		return mremap_move(t, sc, v, addr, old_len, new_addr, new_len, true);
	}
	if (new_len <= old_len) {
		if (unmap_range(mm, addr + new_len, addr + old_len) < 0)
			return -ENOMEM;
		return SYSC_NATIVE;
	}
	/* Grow in place when the addresses after it are free. */
	next = vma_next(v);
	if (addr + old_len == v->end && (!next || next->start >= addr + new_len) &&
	    addr + new_len <= mm->task_size) {
		uint64_t delta = new_len - old_len;

		if (!memfd_backed(v)) {
			v->end = addr + new_len;
			return SYSC_NATIVE;
		}
		if ((r = mm_ensure_platform(t, true)) < 0)
			return r;
		if (memobj_grow(v->obj, v->off, v->end - v->start, v->end - v->start + delta) == 0) {
			v->end += delta;
			mlock_populate(mm, addr + old_len, addr + new_len);
			return SYSC_NATIVE;	/* the host maps the next part of the file */
		}
		if (v->kind == VMA_SHARED)
			goto move;
		{
			/* A fresh extent for the new part, as a VMA of its own. */
			int64_t o = memobj_alloc(mm->mem, delta, NULL);
			struct vma *n;

			if (o < 0)
				return -ENOMEM;
			n = vma_new(v->end, v->end + delta, v->prot, v->flags & ~VMA_HEAP, v->kind,
				    mm->mem, (uint64_t)o);
			if (!n || vma_insert(&mm->vmas, n) < 0) {
				free(n);
				memobj_free(mm->mem, (uint64_t)o, delta);
				return -ENOMEM;
			}
			memobj_get(mm->mem);
			mlock_populate(mm, n->start, n->end);
			rewrite(sc, SYS_mmap, n->start, delta, (uint64_t)n->prot, MAP_SHARED | MAP_FIXED,
				UMK_FD_MEM, (uint64_t)o);
			return rewrite_result(sc, n->start, addr, (uint64_t)-ENOMEM);
		}
	}
move:
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new_addr = unmapped_area(mm, 0, new_len, 0);
	if (!new_addr)
		return -ENOMEM;
	return mremap_move(t, sc, v, addr, old_len, new_addr, new_len, false);
}
