/*
 * The memory syscalls: mmap, munmap, mprotect, brk, and SysV shmat/shmdt
 * (mremap.c, madvise.c and mlock.c hold the others).
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
#include "umk/fs.h"
#include "umk/pcache.h"
#include "mm_internal.h"

static void mmap_file_exit(struct task *t, struct sysc *sc);

/* ---- mmap ---------------------------------------------------------------------- */

/* The file behind a guest descriptor, as umk's own descriptor (pidfd_getfd). */
int mm_fill_file(struct memobj *o, uint64_t off, int fd, uint64_t foff, uint64_t len)
{
	uint64_t done = 0;

	/* Map all the pages into umk at once: a fault per page, as the copy
	 * below would take, costs several µs each on a VM. */
	madvise(o->base + off, len, MADV_POPULATE_WRITE);

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
	uint64_t warm = 0, coff = 0;
	struct pcache_entry *pce = NULL;
	long r;

	if ((r = mm_enter(t)) < 0)
		return r;
	if (off & (PAGE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if ((ffd = guest_fd_get(t, fd)) < 0)
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
	/* Locked from birth: MAP_LOCKED, or mlockall(MCL_FUTURE). */
	vflags |= mlock_def_flags(mm);
	if (flags & MAP_LOCKED)
		vflags |= VMA_LOCKED;
	if ((r = mlock_map_check(t, flags, vflags, len)) < 0)
		goto out;

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
	} else if (kind == VMA_FILE_PRIV && !(prot & PROT_WRITE) &&
		   (pce = pcache_get(ffd, &st)) && pcache_range(pce, off, len, &coff)) {
		/* Pages no one writes: the page cache's, shared. */
		obj = pcache_obj();
		memobj_get(obj);
		moff = (int64_t)coff;
	} else if (kind == VMA_ANON || kind == VMA_FILE_PRIV) {
		pcache_put(pce);
		pce = NULL;
		obj = mm->mem;
		if ((moff = memobj_alloc(obj, len, &warm)) < 0) {
			r = moff;
			goto out;
		}
		memobj_get(obj);
		if (kind == VMA_FILE_PRIV && mm_fill_file(obj, (uint64_t)moff, ffd, off, len) < 0) {
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
	v = vma_new(addr, addr + len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC), vflags, kind,
		    obj, (uint64_t)moff);
	r = -ENOMEM;
	if (!v)
		goto undo;
	if (ffd >= 0) {
		v->dev = st.st_dev;
		v->ino = st.st_ino;
		v->pgoff = pgoff;
		if (kind == VMA_FILE_PRIV && (v->file = vfile_new(ffd))) {
			ffd = -1;	/* kept, to read again after MADV_DONTNEED */
			((struct vfile *)v->file)->pc = pce;
			pce = NULL;
		}
	}
	if (vma_insert(&mm->vmas, v) < 0) {
		free(v);
		goto undo;
	}
	if (ffd >= 0)
		close(ffd);
	/* The host never locks (mlock.c): a locked mapping is populated. */
	flags &= ~(uint64_t)MAP_LOCKED;
	if ((vflags & (VMA_LOCKED | VMA_LOCKONFAULT)) == VMA_LOCKED)
		flags = (flags & ~(uint64_t)MAP_NONBLOCK) | MAP_POPULATE;
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
	pcache_put(pce);
	return rewrite(sc, SYS_mmap, addr, len, (uint64_t)prot,
		       MAP_SHARED | MAP_FIXED | (flags & (MAP_POPULATE | MAP_NONBLOCK)),
		       kind == VMA_SHARED ? UMK_FD_BASE + 2
		       : obj == pcache_obj() ? UMK_FD_PCACHE : UMK_FD_MEM, (uint64_t)moff);
undo:
	if (obj) {
		if (obj == mm->mem)
			memobj_free(obj, (uint64_t)moff, len);
		memobj_put(obj);
	}
out:
	pcache_put(pce);
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

	if ((r = mm_enter(t)) < 0)
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

	if ((r = mm_enter(t)) < 0)
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
	/* Copy on write: cached file pages get a private copy first. */
	if ((newprot & PROT_WRITE) && (r = pcache_privatize(t, start, end)) < 0)
		return r == INJECT_DEAD ? r : -ENOMEM;
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

#define FREEZE_MAX (1ULL << 20)

/*
 * A private range that has just become read-only, as a whole VMA (glibc's
 * RELRO after relocation): move its pages into the page cache and have the
 * guest's mprotect map them from there instead, with the same protection
 * (pcache.c: fork children then share it with no remap, copy on write
 * keeps them apart). Returns the rewritten call, or 0 to leave it alone.
 */
static long freeze(struct task *t, struct sysc *sc, uint64_t start, uint64_t len)
{
	struct mm *mm = t->mm;
	struct vma *v = vma_lookup(&mm->vmas, start);
	struct pcache_entry *e;
	struct vfile *f, *old;

	len = PAGE_ALIGN(len);
	if (!v || v->start != start || v->end != start + len || len > FREEZE_MAX ||
	    !private_mem(mm, v) || (v->prot & PROT_WRITE) ||
	    (v->flags & (VMA_LOCKED | VMA_LOCKONFAULT | VMA_WIPEONFORK | VMA_DONTFORK | VMA_LAZY |
			 VMA_REMAP)))
		return 0;
	cow_settle(mm->mem, v->off, len, true);
	old = v->file;
	if (!(f = vfile_new(old ? dup(old->fd) : -1)))
		return 0;
	if (!(e = pcache_freeze(mm->mem->base + v->off, len))) {
		vfile_put(f);
		return 0;
	}
	f->pc = e;
	mm_defer_free(mm, v->off, len);	/* the guest maps it until the mmap runs */
	memobj_put(v->obj);
	v->obj = pcache_obj();
	memobj_get(v->obj);
	v->off = pcache_offset(e);
	vfile_put(old);
	v->file = f;
	rewrite(sc, SYS_mmap, start, len, (uint64_t)v->prot, MAP_SHARED | MAP_FIXED, UMK_FD_PCACHE,
		v->off);
	return rewrite_result(sc, start, 0, (uint64_t)-ENOMEM);
}

long sys_mprotect(struct task *t, struct sysc *sc)
{
	long r = do_mprotect(t, sc->args[0], sc->args[1], sc->args[2]), f;

	if (r == SYSC_NATIVE && !(sc->args[2] & PROT_WRITE) &&
	    (f = freeze(t, sc, sc->args[0], sc->args[1])))
		return f;
	return r;
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
	unsigned lock;
	int64_t off;
	long r;

	if ((r = mm_enter(t)) < 0)
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
	/* check_brk_limits(): after mlockall(MCL_FUTURE) the heap is locked too. */
	lock = mlock_def_flags(mm);
	if (!mlock_future_ok(t, lock, newbrk - oldbrk))
		return (long)mm->brk;
	if (mm_ensure_platform(t, true) < 0)
		return (long)mm->brk;
	/* Grow the heap's extent in place when the memfd has room after it
	 * (and the heap is locked alike); else the new part gets an extent
	 * (and a VMA) of its own. */
	v = oldbrk > mm->start_brk ? vma_lookup(&mm->vmas, oldbrk - PAGE) : NULL;
	if (v && v->end == oldbrk && (v->flags & VMA_HEAP) && private_mem(mm, v) &&
	    (v->flags & (VMA_LOCKED | VMA_LOCKONFAULT)) == lock &&
	    memobj_grow(mm->mem, v->off, v->end - v->start, newbrk - v->start) == 0) {
		off = (int64_t)(v->off + (oldbrk - v->start));
		v->end = newbrk;
	} else {
		off = memobj_alloc(mm->mem, newbrk - oldbrk, NULL);
		if (off < 0)
			return (long)mm->brk;
		v = vma_new(oldbrk, newbrk, PROT_READ | PROT_WRITE, VMA_HEAP | lock, VMA_ANON,
			    mm->mem, (uint64_t)off);
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
			MAP_SHARED | MAP_FIXED | (lock == VMA_LOCKED ? MAP_POPULATE : 0), UMK_FD_MEM,
			(uint64_t)off);
		return rewrite_result(sc, oldbrk, brk, prev);
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

	if ((r = mm_enter(t)) < 0)
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

	if ((r = mm_enter(t)) < 0)
		return r;
	sc->on_exit = shmdt_exit;
	return SYSC_NATIVE;
}
