/*
 * What the memory syscalls share (mmap.c, mremap.c, madvise.c, mlock.c):
 * Linux's limits and flag sets, and the small VMA-tree operations every one
 * of them applies before the host makes the change real. Private to src/.
 */
#ifndef UMK_MM_INTERNAL_H
#define UMK_MM_INTERNAL_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include "umk/arch.h"
#include "umk/handlers.h"
#include "umk/inject.h"
#include "umk/mm.h"
#include "umk/oom.h"
#include "umk/syscall.h"
#include "umk/umk.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif

#define PAGE VMA_PAGE
#define PAGE_ALIGN(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define MMAP_MIN_ADDR 65536ULL		/* vm.mmap_min_addr */
#define MAX_MAP_COUNT 65530UL		/* vm.max_map_count */
/* Flags Linux knows for MAP_SHARED_VALIDATE (LEGACY_MAP_MASK and friends). */
#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
		   MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | \
		   MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | \
		   MAP_32BIT | MAP_FIXED_NOREPLACE | (0x3fU << 26))

static inline bool memfd_backed(const struct vma *v)
{
	return v->obj && (v->kind == VMA_ANON || v->kind == VMA_FILE_PRIV || v->kind == VMA_SHARED);
}

static inline bool private_mem(const struct mm *mm, const struct vma *v)
{
	return v->obj && v->obj == mm->mem && (v->kind == VMA_ANON || v->kind == VMA_FILE_PRIV);
}

static inline bool sealed_in(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = vma_find_intersection(&mm->vmas, start, end); v && v->start < end;
	     v = vma_next(v))
		if (v->flags & VMA_SEALED)
			return true;
	return false;
}

/* Split VMAs so that start and end are boundaries (when inside one). */
static inline int split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_lookup(&mm->vmas, addr), *n;

	if (!v || v->start == addr)
		return 0;
	n = vma_split(&mm->vmas, v, addr);
	if (!n)
		return -ENOMEM;
	if (n->obj)
		memobj_get(n->obj);
	vfile_get(n->file);
	return 0;
}

/* Take [start, end) out of the tree; private memory is freed. */
static inline int unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v;

	if (split_at(mm, start) < 0 || split_at(mm, end) < 0)
		return -ENOMEM;
	while ((v = vma_find_intersection(&mm->vmas, start, end))) {
		vma_remove(&mm->vmas, v);
		mm_vma_release(mm, v);
	}
	return 0;
}

static inline struct vma *vma_new(uint64_t start, uint64_t end, int prot, unsigned flags,
			   enum vma_kind kind, void *obj, uint64_t off)
{
	struct vma *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	v->kind = kind;
	v->obj = obj;
	v->off = off;
	return v;
}

static inline void merge_release(struct vma *v)
{
	vfile_put(v->file);
	if (v->obj)
		memobj_put(v->obj);
	free(v);
}

/* Linux's get_unmapped_area for x86-64: the hint if it is free, else
 * top-down below mmap_base, else bottom-up above it. */
static inline uint64_t unmapped_area(struct mm *mm, uint64_t hint, uint64_t len, uint64_t flags)
{
	uint64_t a;

	if (flags & MAP_32BIT)
		return vma_unmapped_area(&mm->vmas, len, PAGE, 0x40000000ULL, 0x80000000ULL, false);
	if (hint) {
		hint = PAGE_ALIGN(hint);
		if (hint >= MMAP_MIN_ADDR && len <= mm->task_size - hint &&
		    !vma_find_intersection(&mm->vmas, hint, hint + len))
			return hint;
	}
	a = vma_unmapped_area(&mm->vmas, len, PAGE, MMAP_MIN_ADDR, mm->mmap_base, true);
	if (!a)
		a = vma_unmapped_area(&mm->vmas, len, PAGE, mm->mmap_base, mm->task_size, false);
	return a;
}

/* Have the guest's syscall become nr(args), returning through the trampoline
 * (or the exit stop) so that the guest keeps its own argument registers. */
static inline long rewrite(struct sysc *sc, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t a4, uint64_t a5)
{
	sc->nr = nr;
	sc->args[0] = a0;
	sc->args[1] = a1;
	sc->args[2] = a2;
	sc->args[3] = a3;
	sc->args[4] = a4;
	sc->args[5] = a5;
	sc->args_dirty = true;
	sc->tramp_ok = true;
	return SYSC_NATIVE;
}

/* ... and have the guest see on_match if it returns match, on_miss if not. */
static inline long rewrite_result(struct sysc *sc, uint64_t match, uint64_t on_match, uint64_t on_miss)
{
	sc->override = true;
	sc->ov[0] = match;
	sc->ov[1] = on_match;
	sc->ov[2] = on_miss;
	return SYSC_NATIVE;
}

static inline long mm_enter(struct task *t)
{
	int r;

	/* The first guest before its first execve is umk's own launch code
	 * (and a sanitizer's allocator in it): its memory goes with the exec,
	 * and umk cannot install descriptors into it yet. */
	if (inject_listener() < 0)
		return SYSC_NATIVE;
	r = mm_prepare(t);

	oom_check();	/* memory grows where umk sees it: check the limit */
	return r < 0 ? r : 0;
}

/* Read [foff, foff+len) of fd into [off, off+len) of o (a private file
 * mapping's copy); 0 or -errno. */
int mm_fill_file(struct memobj *o, uint64_t off, int fd, uint64_t foff, uint64_t len);

#endif
