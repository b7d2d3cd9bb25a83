/*
 * The memory syscalls: mmap, munmap, mprotect, mremap, brk, madvise, and SysV shmat/shmdt.
 *
 * Each one is checked the way Linux checks it (mm/mmap.c, mm/mprotect.c,
 * mm/mremap.c, mm/madvise.c), applied to the mm's VMA tree, and then made
 * real in the guest by the host: umk rewrites the call into the host
 * operation that produces the same mappings (an mmap of umk's memfd at the
 * address umk chose, usually) and lets it run in the guest thread. Rewritten
 * calls return through the stub's trampoline, so an mmap costs one stop.
 *
 * What the host maps itself (the image and stack of a host execve, shared
 * file mappings, anything that is not memfd-backed) is still tracked here,
 * and changed with the same native call the guest made.
 */
#define _GNU_SOURCE
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

static bool memfd_backed(const struct vma *v)
{
	return v->obj && (v->kind == VMA_ANON || v->kind == VMA_FILE_PRIV || v->kind == VMA_SHARED);
}

static bool private_mem(const struct mm *mm, const struct vma *v)
{
	return v->obj && v->obj == mm->mem && (v->kind == VMA_ANON || v->kind == VMA_FILE_PRIV);
}

static bool sealed_in(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = vma_find_intersection(&mm->vmas, start, end); v && v->start < end;
	     v = vma_next(v))
		if (v->flags & VMA_SEALED)
			return true;
	return false;
}

/* Split VMAs so that start and end are boundaries (when inside one). */
static int split_at(struct mm *mm, uint64_t addr)
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
static int unmap_range(struct mm *mm, uint64_t start, uint64_t end)
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

static struct vma *vma_new(uint64_t start, uint64_t end, int prot, unsigned flags,
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

static void merge_release(struct vma *v)
{
	vfile_put(v->file);
	if (v->obj)
		memobj_put(v->obj);
	free(v);
}

/* Linux's get_unmapped_area for x86-64: the hint if it is free, else
 * top-down below mmap_base, else bottom-up above it. */
static uint64_t unmapped_area(struct mm *mm, uint64_t hint, uint64_t len, uint64_t flags)
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
static long rewrite(struct sysc *sc, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
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
static long rewrite_result(struct sysc *sc, uint64_t match, uint64_t on_match, uint64_t on_miss)
{
	sc->override = true;
	sc->ov[0] = match;
	sc->ov[1] = on_match;
	sc->ov[2] = on_miss;
	return SYSC_NATIVE;
}

static long enter(struct task *t)
{
	int r = mm_prepare(t);

	return r < 0 ? r : 0;
}

static void mmap_file_exit(struct task *t, struct sysc *sc);

/* ---- mmap ---------------------------------------------------------------------- */

/* The file behind a guest descriptor, as umk's own descriptor (pidfd_getfd). */
static int guest_file(struct task *t, int fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, t->proc->host_tgid, 0), r;

	if (pfd < 0)
		return -EBADF;
	r = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	return r < 0 ? -EBADF : r;
}

static int fill_from_file(struct memobj *o, uint64_t off, int fd, uint64_t foff, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, o->base + off + done, len - done, (off_t)(foff + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -EIO;
		if (n == 0)
			break;	/* past the end of the file: the rest stays zero */
		done += (uint64_t)n;
	}
	return 0;
}

long sys_mmap(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	uint64_t addr = sc->args[0], len = sc->args[1], flags = sc->args[3] & 0xffffffffULL;
	uint64_t off = sc->args[5], pgoff = off / PAGE;
	int prot = (int)sc->args[2], fd = (int)sc->args[4], ffd = -1;
	int type = (int)(flags & MAP_SHARED_VALIDATE);
	enum vma_kind kind = VMA_ANON;
	unsigned vflags = 0;
	struct memobj *obj = NULL;
	struct vma *v;
	struct stat st;
	int64_t moff = 0;
	uint64_t warm = 0;
	long r;

	if ((r = enter(t)) < 0)
		return r;
	if (off & (PAGE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if ((ffd = guest_file(t, fd)) < 0)
			return ffd;
		if (fstat(ffd, &st) < 0) {
			r = -EBADF;
			goto out;
		}
	}
	r = -EINVAL;
	if (!len)
		goto out;
	len = PAGE_ALIGN(len);
	r = -ENOMEM;
	if (!len || len > mm->task_size)
		goto out;
	r = -EOVERFLOW;
	if (pgoff + len / PAGE < pgoff)
		goto out;
	r = -ENOMEM;
	if (mm->vmas.count > MAX_MAP_COUNT)
		goto out;
	if (type == MAP_SHARED_VALIDATE && (flags & ~(uint64_t)MAP_KNOWN & ~(uint64_t)MAP_SYNC)) {
		r = -EOPNOTSUPP;
		goto out;
	}
	if (type != MAP_SHARED && type != MAP_PRIVATE &&
	    (type != MAP_SHARED_VALIDATE || (flags & MAP_ANONYMOUS))) {
		r = -EINVAL;
		goto out;
	}
	/* file_mmap_ok(): the range must fit the largest file offset. */
	if (ffd >= 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		const uint64_t max = 0x7fffffffffffffffULL;

		r = -EOVERFLOW;
		if (pgoff > max / PAGE || len > max || pgoff * PAGE > max - len)
			goto out;
	}
	if (flags & MAP_HUGETLB) {	/* no huge pages reserved for guests */
		r = -ENOMEM;
		goto out;
	}
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))) {
		r = -EINVAL;
		if (addr & (PAGE - 1))
			goto out;
		r = -ENOMEM;
		if (addr > mm->task_size - len || addr < MMAP_MIN_ADDR)
			goto out;
	} else {
		addr = unmapped_area(mm, addr, len, flags);
		r = -ENOMEM;
		if (!addr)
			goto out;
	}

	/* What backs it. */
	if (ffd >= 0) {
		int acc = fcntl(ffd, F_GETFL) & O_ACCMODE;

		if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 5) {
			kind = type == MAP_PRIVATE ? VMA_ANON : VMA_SHARED;	/* /dev/zero */
		} else if (S_ISREG(st.st_mode) && type == MAP_PRIVATE) {
			r = -EACCES;
			if (acc == O_WRONLY)
				goto out;
			kind = VMA_FILE_PRIV;
		} else {
			/* Shared file mappings, devices: the host maps the file
			 * itself, and says what it thinks of the request. */
			kind = VMA_FILE_SHARED;
			if (acc != O_WRONLY && (acc == O_RDWR || !(prot & PROT_WRITE) ||
						type == MAP_PRIVATE))
				vflags |= VMA_MAYWRITE;
		}
	} else if (type != MAP_PRIVATE) {
		kind = VMA_SHARED;
	}

	if (flags & MAP_FIXED_NOREPLACE) {
		r = -EEXIST;
		if (vma_find_intersection(&mm->vmas, addr, addr + len))
			goto out;
	} else if (flags & MAP_FIXED) {
		r = -EPERM;
		if (sealed_in(mm, addr, addr + len))
			goto out;
	}

	if (kind != VMA_FILE_SHARED) {
		r = mm_ensure_platform(t, kind != VMA_SHARED);
		if (r < 0)
			goto out;
	}
	if (kind == VMA_SHARED) {
		/* A memfd of its own, shared with fork children, installed in a
		 * reserved slot long enough to be mapped. */
		obj = memobj_create("umk-shm");
		r = -ENOMEM;
		if (!obj)
			goto out;
		r = inject_install_fd(t, obj->fd, UMK_FD_BASE + 2, true);
		if (r < 0) {
			memobj_put(obj);
			goto out;
		}
		moff = 0;
		if ((r = memobj_alloc(obj, len, NULL)) < 0) {
			memobj_put(obj);
			goto out;
		}
	} else if (kind == VMA_ANON || kind == VMA_FILE_PRIV) {
		obj = mm->mem;
		if ((moff = memobj_alloc(obj, len, &warm)) < 0) {
			r = moff;
			goto out;
		}
		memobj_get(obj);
		if (kind == VMA_FILE_PRIV && fill_from_file(obj, (uint64_t)moff, ffd, off, len) < 0) {
			memobj_free(obj, (uint64_t)moff, len);
			memobj_put(obj);
			r = -EIO;
			goto out;
		}
	}

	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && unmap_range(mm, addr, addr + len) < 0) {
		r = -ENOMEM;
		goto undo;
	}
	if (flags & MAP_GROWSDOWN)
		vflags |= VMA_GROWSDOWN;
	if (flags & MAP_STACK)
		vflags |= VMA_STACK;
	if (flags & MAP_NORESERVE)
		vflags |= VMA_NORESERVE;
	if (flags & MAP_LOCKED)
		vflags |= VMA_LOCKED;
	v = vma_new(addr, addr + len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC), vflags, kind,
		    obj, (uint64_t)moff);
	r = -ENOMEM;
	if (!v)
		goto undo;
	if (ffd >= 0) {
		v->dev = st.st_dev;
		v->ino = st.st_ino;
		v->pgoff = pgoff;
		if (kind == VMA_FILE_PRIV && (v->file = vfile_new(ffd)))
			ffd = -1;	/* kept, to read again after MADV_DONTNEED */
	}
	if (vma_insert(&mm->vmas, v) < 0) {
		free(v);
		goto undo;
	}
	if (ffd >= 0)
		close(ffd);
	if (kind == VMA_FILE_SHARED) {
		/* The host maps the guest's own descriptor; umk only picks the place. */
		sc->u.data[0] = addr;
		sc->u.data[1] = len;
		sc->on_exit = mmap_file_exit;
		return rewrite(sc, SYS_mmap, addr, sc->args[1], (uint64_t)prot,
			       (flags & ~(uint64_t)MAP_FIXED_NOREPLACE) | MAP_FIXED, (uint64_t)fd, off);
	}
	/* Memory the allocator found resident (and cleared) is mapped at once:
	 * the guest's first touch of each page would otherwise trap only to map
	 * a page that is already there. */
	if (kind == VMA_ANON && warm == len)
		flags |= MAP_POPULATE;
	return rewrite(sc, SYS_mmap, addr, len, (uint64_t)prot,
		       MAP_SHARED | MAP_FIXED | (flags & (MAP_POPULATE | MAP_LOCKED | MAP_NONBLOCK)),
		       kind == VMA_SHARED ? UMK_FD_BASE + 2 : UMK_FD_MEM, (uint64_t)moff);
undo:
	if (obj) {
		if (obj == mm->mem)
			memobj_free(obj, (uint64_t)moff, len);
		memobj_put(obj);
	}
out:
	if (ffd >= 0)
		close(ffd);
	return r;
}

/* A shared file mapping the host refused: forget the VMA umk made for it. */
static void mmap_file_exit(struct task *t, struct sysc *sc)
{
	struct vma *v;

	if (sc->ret >= 0 || !t->mm)
		return;
	v = vma_lookup(&t->mm->vmas, sc->u.data[0]);
	if (v && v->start == sc->u.data[0] && v->kind == VMA_FILE_SHARED) {
		vma_remove(&t->mm->vmas, v);
		mm_vma_release(t->mm, v);
	}
}

/* ---- munmap ------------------------------------------------------------------ */

long sys_munmap(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	uint64_t start = sc->args[0], len = sc->args[1], end;
	long r;

	if ((r = enter(t)) < 0)
		return r;
	if ((start & (PAGE - 1)) || start > mm->task_size || len > mm->task_size - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end == start)
		return -EINVAL;
	if (sealed_in(mm, start, end))
		return -EPERM;
	if (unmap_range(mm, start, end) < 0)
		return -ENOMEM;
	return SYSC_NATIVE;
}

/* ---- mprotect ------------------------------------------------------------------ */

#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)

static long do_mprotect(struct task *t, uint64_t start, uint64_t len, uint64_t prot)
{
	struct mm *mm = t->mm;
	uint64_t end;
	struct vma *v;
	int newprot;
	long r;

	if ((r = enter(t)) < 0)
		return r;
	if (start & (PAGE - 1))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if ((prot & ~(uint64_t)PROT_KNOWN) ||
	    (prot & (PROT_GROWSDOWN | PROT_GROWSUP)) == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	newprot = (int)(prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
	v = vma_find(&mm->vmas, start);
	if (!v)
		return -ENOMEM;
	if (prot & PROT_GROWSDOWN) {
		if (!(v->flags & VMA_GROWSDOWN))
			return -EINVAL;
		start = v->start;
	} else if (prot & PROT_GROWSUP) {
		return -EINVAL;
	}
	if (v->start > start)
		return -ENOMEM;
	if (sealed_in(mm, start, end))
		return -EPERM;
	/* A shared file mapping of a descriptor not open for writing. */
	for (struct vma *w = v; w && w->start < end; w = vma_next(w)) {
		if (w->kind == VMA_FILE_SHARED && (newprot & PROT_WRITE) && !(w->flags & VMA_MAYWRITE))
			return -EACCES;
		if (!w->next || w->end >= end || w->next->start != w->end)
			break;
	}
	/* Apply up to the first hole, as Linux does; the host's own call then
	 * fails with ENOMEM at the same place. */
	if (split_at(mm, start) < 0 || split_at(mm, end) < 0)
		return -ENOMEM;
	for (v = vma_lookup(&mm->vmas, start); v && v->start < end;) {
		/* Merging may free the next VMA: go on by address, not pointer. */
		uint64_t vend = v->end;
		bool contiguous = v->next && v->next->start == vend;

		v->prot = newprot;
		vma_merge(&mm->vmas, v, merge_release);
		if (!contiguous || vend >= end)
			break;
		v = vma_lookup(&mm->vmas, vend);
	}
	return SYSC_NATIVE;
}

long sys_mprotect(struct task *t, struct sysc *sc)
{
	return do_mprotect(t, sc->args[0], sc->args[1], sc->args[2]);
}

long sys_pkey_mprotect(struct task *t, struct sysc *sc)
{
	return do_mprotect(t, sc->args[0], sc->args[1], sc->args[2]);
}

/* ---- brk ------------------------------------------------------------------------- */

long sys_brk(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	uint64_t brk = sc->args[0], oldbrk, newbrk;
	struct vma *next, *v;
	struct rlimit rl;
	int64_t off;
	long r;

	if ((r = enter(t)) < 0)
		return r;
	if (brk < mm->start_brk)
		return (long)mm->brk;
	if (prlimit(t->host_tid, RLIMIT_DATA, NULL, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    brk - mm->start_brk > rl.rlim_cur)
		return (long)mm->brk;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (newbrk == oldbrk) {
		mm->brk = brk;
		return (long)brk;
	}
	if (brk <= mm->brk) {
		uint64_t prev = mm->brk;

		if (sealed_in(mm, newbrk, oldbrk))
			return (long)prev;
		if (unmap_range(mm, newbrk, oldbrk) < 0)
			return (long)prev;
		mm->brk = brk;
		rewrite(sc, SYS_munmap, newbrk, oldbrk - newbrk, 0, 0, 0, 0);
		return rewrite_result(sc, 0, brk, prev);
	}
	/* Keep a guard page below the next mapping, as Linux does. */
	next = vma_find(&mm->vmas, oldbrk);
	if (next && newbrk + PAGE > next->start)
		return (long)mm->brk;
	if (newbrk > mm->task_size)
		return (long)mm->brk;
	if (mm_ensure_platform(t, true) < 0)
		return (long)mm->brk;
	/* Grow the heap's extent in place when the memfd has room after it;
	 * else the new part gets an extent (and a VMA) of its own. */
	v = oldbrk > mm->start_brk ? vma_lookup(&mm->vmas, oldbrk - PAGE) : NULL;
	if (v && v->end == oldbrk && (v->flags & VMA_HEAP) && private_mem(mm, v) &&
	    memobj_grow(mm->mem, v->off, v->end - v->start, newbrk - v->start) == 0) {
		off = (int64_t)(v->off + (oldbrk - v->start));
		v->end = newbrk;
	} else {
		off = memobj_alloc(mm->mem, newbrk - oldbrk, NULL);
		if (off < 0)
			return (long)mm->brk;
		v = vma_new(oldbrk, newbrk, PROT_READ | PROT_WRITE, VMA_HEAP, VMA_ANON, mm->mem,
			    (uint64_t)off);
		if (!v || vma_insert(&mm->vmas, v) < 0) {
			free(v);
			memobj_free(mm->mem, (uint64_t)off, newbrk - oldbrk);
			return (long)mm->brk;
		}
		v->name = "[heap]";
		memobj_get(mm->mem);
		vma_merge(&mm->vmas, v, merge_release);
	}
	{
		uint64_t prev = mm->brk;

		mm->brk = brk;
		rewrite(sc, SYS_mmap, oldbrk, newbrk - oldbrk, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED, UMK_FD_MEM, (uint64_t)off);
		return rewrite_result(sc, oldbrk, brk, prev);
	}
}

/* ---- mremap ---------------------------------------------------------------------- */

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

	if ((r = enter(t)) < 0)
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

/* ---- madvise ------------------------------------------------------------------- */

long sys_madvise(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	uint64_t start = sc->args[0], len_in = sc->args[1], end, len;
	int advice = (int)sc->args[2];
	bool all_private = true, hole = false;
	struct vma *v;
	long r;

	if ((r = enter(t)) < 0)
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

			if (!private_mem(mm, v))
				continue;
			memobj_zero(v->obj, v->off + (s - v->start), e - s);
			/* A private file page reads the file again, as on Linux. */
			if (v->kind == VMA_FILE_PRIV && v->file)
				fill_from_file(v->obj, v->off + (s - v->start),
					       ((struct vfile *)v->file)->fd,
					       (v->pgoff * PAGE) + (s - v->start), e - s);
		}
		if (advice == MADV_FREE && all_private)
			return hole ? -ENOMEM : 0;	/* the host refuses FREE on shared */
		return SYSC_NATIVE;
	case MADV_REMOVE:
		for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v))
			if (private_mem(mm, v))
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

/* ---- SysV shared memory --------------------------------------------------------- */

/* shmat: the host attaches (and picks the place, from the same free space
 * umk sees); umk records the mapping at the exit stop. */
static void shmat_exit(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	struct shmid_ds ds;
	uint64_t addr = (uint64_t)sc->ret, len;
	int shmflg = (int)sc->args[2];
	struct vma *v;

	if (sc->ret < 0 && sc->ret > -4096)
		return;
	if (!mm || shmctl((int)sc->args[0], IPC_STAT, &ds) < 0)
		return;
	len = PAGE_ALIGN(ds.shm_segsz);
	unmap_range(mm, addr, addr + len);	/* SHM_REMAP replaced what was there */
	v = vma_new(addr, addr + len,
		    PROT_READ | ((shmflg & SHM_RDONLY) ? 0 : PROT_WRITE) |
		    ((shmflg & SHM_EXEC) ? PROT_EXEC : 0),
		    VMA_MAYWRITE, VMA_FILE_SHARED, NULL, 0);
	if (!v)
		return;
	v->ino = (uint64_t)(uint32_t)sc->args[0];
	v->name = "SYSV";
	if (vma_insert(&mm->vmas, v) < 0)
		free(v);
}

long sys_shmat(struct task *t, struct sysc *sc)
{
	long r;

	if ((r = enter(t)) < 0)
		return r;
	if (sc->args[1] && sealed_in(t->mm, sc->args[1] & ~(PAGE - 1), PAGE_ALIGN(sc->args[1] + 1)))
		return -EPERM;
	sc->on_exit = shmat_exit;
	return SYSC_NATIVE;
}

static void shmdt_exit(struct task *t, struct sysc *sc)
{
	struct mm *mm = t->mm;
	struct vma *v;
	uint64_t ino;

	if (sc->ret != 0 || !mm)
		return;
	v = vma_lookup(&mm->vmas, sc->args[0]);
	if (!v || v->name == NULL || strcmp(v->name, "SYSV"))
		return;
	ino = v->ino;
	while (v && v->kind == VMA_FILE_SHARED && v->name && !strcmp(v->name, "SYSV") &&
	       v->ino == ino) {
		struct vma *n = vma_next(v);

		vma_remove(&mm->vmas, v);
		mm_vma_release(mm, v);
		v = n;
	}
}

long sys_shmdt(struct task *t, struct sysc *sc)
{
	long r;

	if ((r = enter(t)) < 0)
		return r;
	sc->on_exit = shmdt_exit;
	return SYSC_NATIVE;
}
