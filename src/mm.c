/*
 * Guest address spaces: lifecycle, the scratch window, fork (see
 * include/umk/mm.h for the model; the syscalls are in mmap.c).
 *
 * An mm begins with the mappings the host's execve made (program image,
 * interpreter, stack, vdso, vvar), read once from /proc/PID/maps; from then
 * on umk knows every change because every mapping syscall traps. Those first
 * mappings stay the host's (VMA_HOST) until umk's own loader replaces them.
 *
 * Fork. A host fork keeps MAP_SHARED mappings shared, and all of umk's memfd
 * mappings are MAP_SHARED at the host, so the child would share its parent's
 * private memory. All the processes descended from one (by fork and by
 * exec: the descriptor stays open across exec) share one memfd, like
 * physical memory: a child inherits its parent's descriptor of it and needs
 * no new one. At the parent's fork event (before
 * either runs guest code again) umk gives each private VMA of the child its
 * own extent of the memfd, copying only resident pages, and at the child's
 * first stop remaps each (one injected mmap each; the last one returns
 * straight to the guest through the trampoline). The child also keeps its
 * parent's scratch window, with a thread slot of its own in it, so a fork
 * maps nothing else.
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
#include <sys/syscall.h>
#include "umk/arch.h"
#include "umk/inject.h"
#include "umk/mm.h"
#include "umk/pcache.h"
#include "umk/task.h"
#include "umk/umk.h"
#include "mm_internal.h"

/* ---- the scratch memfd: stub and scratch pages of every guest ---------- */

/* A scratch window: who uses it, and which thread slots are taken. The mm
 * that mapped it and the fork children that inherited it share it. */
struct window {
	int refs;
	uint64_t slots;
};

static struct {
	int fd;			/* umk's, read-write */
	int guest_fd;		/* read-only, what guests hold at UMK_FD_SCRATCH */
	uint8_t *base;
	uint64_t size, top;
	uint64_t *free;		/* window offsets given back */
	size_t nfree, capfree;
	struct window *win;	/* per window offset / SCRATCH_WINDOW */
	size_t nwin;
} scratch = { .fd = -1, .guest_fd = -1 };

int mm_global_init(void)
{
	char path[64];

	scratch.fd = memfd_create("umk-scratch", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (scratch.fd < 0)
		return -errno;
	scratch.size = 256 * SCRATCH_WINDOW;
	if (ftruncate(scratch.fd, (off_t)scratch.size) < 0 ||
	    fcntl(scratch.fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return -errno;
	scratch.base = mmap(NULL, scratch.size, PROT_READ | PROT_WRITE, MAP_SHARED, scratch.fd, 0);
	if (scratch.base == MAP_FAILED)
		return -errno;
	/* Guests get a read-only open of the same file: mprotect(PROT_WRITE) on
	 * their mapping of it, or a write(), fails at the host. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", scratch.fd);
	scratch.guest_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (scratch.guest_fd < 0)
		return -errno;
	memobj_park(scratch.guest_fd);
	return 0;
}

int mm_scratch_guest_fd(void)
{
	return scratch.guest_fd;
}

static int64_t window_alloc(void)
{
	size_t len;
	const unsigned char *code = arch_stub_code(&len);
	uint64_t off;

	if (scratch.nfree) {
		off = scratch.free[--scratch.nfree];
	} else {
		if (scratch.top + SCRATCH_WINDOW > scratch.size) {
			uint64_t size = scratch.size * 2;
			void *nb;

			if (ftruncate(scratch.fd, (off_t)size) < 0)
				return -ENOMEM;
			nb = mremap(scratch.base, scratch.size, size, MREMAP_MAYMOVE);
			if (nb == MAP_FAILED)
				return -ENOMEM;
			scratch.base = nb;
			scratch.size = size;
		}
		off = scratch.top;
		scratch.top += SCRATCH_WINDOW;
	}
	memcpy(scratch.base + off, code, len);
	{
		size_t i = off / SCRATCH_WINDOW;

		if (i >= scratch.nwin) {
			size_t n = (i + 1) * 2;
			struct window *w = realloc(scratch.win, n * sizeof(*w));

			if (!w)
				return -ENOMEM;
			memset(w + scratch.nwin, 0, (n - scratch.nwin) * sizeof(*w));
			scratch.win = w;
			scratch.nwin = n;
		}
		scratch.win[i].refs = 1;
		scratch.win[i].slots = 0;
	}
	return (int64_t)off;
}

static struct window *window_of(uint64_t off)
{
	return &scratch.win[off / SCRATCH_WINDOW];
}

static void window_put(uint64_t off)
{
	if (--window_of(off)->refs > 0)
		return;
	fallocate(scratch.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
		  (off_t)SCRATCH_WINDOW);
	if (array_reserve(&scratch.free, &scratch.capfree, scratch.nfree, sizeof(*scratch.free)))
		return;	/* the window is lost, not reused */
	scratch.free[scratch.nfree++] = off;
}

/* The slot bitmap t's thread slot comes from: its window's, or its mm's
 * until the mm has a window. */
static uint64_t *slots_of(struct mm *mm)
{
	return mm->window ? &window_of(mm->window_off)->slots : &mm->slots;
}

uint64_t mm_scratch_addr(const struct task *t)
{
	if (!t->mm || !t->mm->window || t->slot < 0)
		return 0;
	return t->mm->window + VMA_PAGE + SCRATCH_SLOT_SIZE * (uint64_t)t->slot;
}

void *mm_scratch_ptr(const struct task *t)
{
	if (!t->mm || !t->mm->window || t->slot < 0)
		return NULL;
	return scratch.base + t->mm->window_off + VMA_PAGE + SCRATCH_SLOT_SIZE * (uint64_t)t->slot;
}

/* ---- lifecycle ---------------------------------------------------------- */

struct mm *mm_create(void)
{
	struct mm *mm = xcalloc(1, sizeof(*mm));

	vma_tree_init(&mm->vmas);
	mm->task_size = 1ULL << 47;
	mm->uffd = mm->child_uffd = -1;
	return mm;
}

void mm_get(struct mm *mm)
{
	mm->users++;
}

struct vfile *vfile_new(int fd)
{
	struct vfile *f = malloc(sizeof(*f));

	if (f) {
		f->fd = fd;
		f->refs = 1;
		f->pc = NULL;
	}
	return f;
}

void vfile_get(struct vfile *f)
{
	if (f)
		f->refs++;
}

void vfile_put(struct vfile *f)
{
	if (f && --f->refs == 0) {
		pcache_put(f->pc);
		close(f->fd);
		free(f);
	}
}

/* Whether v's pages are an extent of mm's private memory (its own, not
 * shared with another mapping). */
static bool private_extent(const struct mm *mm, const struct vma *v)
{
	return v->obj && v->obj == mm->mem && (v->kind == VMA_ANON || v->kind == VMA_FILE_PRIV);
}

void mm_vma_release(struct mm *mm, struct vma *v)
{
	vfile_put(v->file);
	if (v->obj) {
		if (mm && private_extent(mm, v))
			mm_defer_free(mm, v->off, v->end - v->start);
		memobj_put(v->obj);
	}
	free(v);
}

void mm_put(struct mm *mm)
{
	struct vma *v;

	if (!mm || --mm->users > 0)
		return;
	cow_plan_cancel(mm);
	cow_mm_release(mm);
	/* No process maps it any more: its private extents go straight back
	 * to the family's memfd. */
	while ((v = vma_first(&mm->vmas))) {
		vma_remove(&mm->vmas, v);
		if (private_extent(mm, v))
			memobj_free(mm->mem, v->off, v->end - v->start);
		vfile_put(v->file);
		if (v->obj)
			memobj_put(v->obj);
		free(v);
	}
	if (mm->mem)
		mm_reclaim(mm);
	memobj_put(mm->mem);
	if (mm->window)
		window_put(mm->window_off);
	free(mm->deferred);
	free(mm);
}

void mm_attach_task(struct task *t, struct mm *mm)
{
	uint64_t *slots = slots_of(mm);

	t->mm = mm;
	t->slot = -1;
	mm_get(mm);
	for (int i = 0; i < SCRATCH_SLOTS; i++)
		if (!(*slots & (1ULL << i))) {
			*slots |= 1ULL << i;
			t->slot = i;
			break;
		}
}

void mm_detach_task(struct task *t)
{
	struct mm *mm = t->mm;

	if (!mm)
		return;
	if (t->slot >= 0)
		*slots_of(mm) &= ~(1ULL << t->slot);
	t->slot = -1;
	t->mm = NULL;
	mm_put(mm);
}

/* ---- deferred frees --------------------------------------------------------
 * munmap frees a private extent while the guest thread has yet to run the
 * native munmap (and other threads may touch the range until it does). The
 * offsets go back to the allocator (which punches or clears the pages) only
 * once the thread has stopped again, so no new mapping can meet a stray
 * write. */

void mm_defer_free(struct mm *mm, uint64_t off, uint64_t len)
{
	if (!mm->mem || !len)
		return;
	if (array_reserve(&mm->deferred, &mm->capdeferred, mm->ndeferred, sizeof(*mm->deferred))) {
		memobj_zero(mm->mem, off, len);	/* the range leaks until the mm goes; its pages don't */
		return;
	}
	mm->deferred[mm->ndeferred].off = off;
	mm->deferred[mm->ndeferred].len = len;
	mm->ndeferred++;
}

/* Called at a later syscall entry: every native unmap umk let run before has
 * finished by now in the thread that asked for it. Other threads can only
 * have mapped the range through umk, which no longer hands it out. */
void mm_reclaim(struct mm *mm)
{
	for (size_t i = 0; i < mm->ndeferred; i++)
		memobj_free(mm->mem, mm->deferred[i].off, mm->deferred[i].len);
	mm->ndeferred = 0;
}

/* ---- the host's own mappings ----------------------------------------------- */

static const char *const special_names[] = { "[vdso]", "[vvar]", "[vvar_vclock]", "[uprobes]" };

static int populate(struct mm *mm, pid_t tid)
{
	char path[64], line[512];
	FILE *f;
	uint64_t stack_end = 0;
	struct rlimit rl;

	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, pgoff, ino;
		char perms[8], name[256] = "";
		unsigned maj, min;
		struct vma *v;

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %255s", &s, &e, perms, &pgoff,
			   &maj, &min, &ino, name) < 7)
			continue;
		if (e > mm->task_size)	/* [vsyscall]: outside the user range */
			continue;
		v = calloc(1, sizeof(*v));
		if (!v)
			break;
		v->start = s;
		v->end = e;
		v->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
			  (perms[2] == 'x' ? PROT_EXEC : 0);
		v->kind = VMA_HOST;
		v->ino = ino;
		v->dev = ((uint64_t)maj << 8) | min;
		v->pgoff = pgoff / VMA_PAGE;
		for (size_t i = 0; i < sizeof(special_names) / sizeof(special_names[0]); i++)
			if (!strcmp(name, special_names[i])) {
				v->kind = VMA_SPECIAL;
				v->flags |= VMA_SEALED;
				v->name = special_names[i];
			}
		if (!strcmp(name, "[stack]")) {
			v->flags |= VMA_GROWSDOWN | VMA_STACK;
			v->name = "[stack]";
			stack_end = e;
		} else if (!strcmp(name, "[heap]")) {
			v->flags |= VMA_HEAP;
			v->name = "[heap]";
		}
		if (vma_insert(&mm->vmas, v) < 0)
			free(v);
	}
	fclose(f);

	/* start_brk: field 47 of /proc/PID/stat. A new image's break is there. */
	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	f = fopen(path, "re");
	if (f) {
		char *p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		int field = 2;

		/* After the comm: " S 1 2 ..." with the state as field 3. */
		while (p && *p && field < 47) {
			p = strchr(p, ' ');
			if (p) {
				p++;
				field++;
			}
		}
		if (p && field == 47) {
			mm->start_brk = strtoull(p, NULL, 10);
			mm->brk = mm->start_brk;
		}
		fclose(f);
	}
	/* Top-down mmaps start below the stack's rlimit gap, as Linux's
	 * mmap_base() (the randomisation is the host's, or the exec issue's). */
	mm->start_stack = stack_end;
	if (prlimit(tid, RLIMIT_STACK, NULL, &rl) < 0)
		rl.rlim_cur = 8 << 20;
	{
		uint64_t gap = rl.rlim_cur, lo = 128ULL << 20, hi = mm->task_size / 6 * 5;

		if (rl.rlim_cur == RLIM_INFINITY || gap > hi)
			gap = hi;
		if (gap < lo)
			gap = lo;
		mm->mmap_base = stack_end ? (stack_end - gap) & ~(VMA_PAGE - 1) : mm->task_size / 3 * 2;
	}
	mm->populated = true;
	return 0;
}

int mm_prepare(struct task *t)
{
	struct mm *mm = t->mm;
	int r;

	if (!mm)
		return -ENOMEM;
	if (!mm->populated && (r = populate(mm, t->host_tid)) < 0)
		return r;
	if (mm->ndeferred)
		mm_reclaim(mm);
	return 0;
}

/* ---- the platform in a process: scratch window and memfd ----------------- */

/* Map a new scratch window at addr (replace: over what is there, which the
 * caller took out of the VMA tree) and record it. */
static int map_window(struct task *t, uint64_t addr, bool replace)
{
	struct mm *mm = t->mm;
	int64_t off = window_alloc();
	struct vma *v;
	long r;

	if (!addr || off < 0)
		return -ENOMEM;
	v = vma_new(addr, addr + SCRATCH_WINDOW, PROT_READ | PROT_EXEC, VMA_SEALED, VMA_SPECIAL,
		    NULL, 0);
	if (!v) {
		window_put((uint64_t)off);
		return -ENOMEM;
	}
	r = inject_map_window(t, addr, SCRATCH_WINDOW, (uint64_t)off, replace);
	if (r < 0) {
		window_put((uint64_t)off);
		free(v);
		return (int)r;
	}
	mm->window_off = (uint64_t)off;
	window_of(mm->window_off)->slots = mm->slots;	/* the slots taken so far */
	v->name = "[umk]";
	if (vma_insert(&mm->vmas, v) < 0)
		free(v);
	return 0;
}

int mm_ensure_platform(struct task *t, bool need_mem)
{
	struct mm *mm = t->mm;
	long r;

	if (!t->inj.active)
		inject_begin(t);
	if (!mm->window) {
		r = map_window(t, vma_unmapped_area(&mm->vmas, SCRATCH_WINDOW, VMA_PAGE, 1ULL << 16,
						    mm->mmap_base, true), false);
		if (r < 0)
			return (int)r;
	}
	if (need_mem && !mm->mem) {
		mm->mem = memobj_create("umk-mem");
		if (!mm->mem)
			return -ENOMEM;
	}
	if (need_mem && !mm->mem_installed) {
		r = inject_install_fd(t, mm->mem->fd, UMK_FD_MEM, false);
		if (r < 0)
			return (int)r;
		mm->mem_installed = true;
	}
	return 0;
}

/*
 * A process the host has just exec'd the stub in (exec.h): the stub's code
 * at stub is the injection stub, so umk injects there until the window is
 * mapped over the room the stub reserved for it.
 */
int mm_exec_window(struct task *t, uint64_t stub)
{
	struct mm *mm = t->mm;
	struct vma *v;

	mm->window = stub;	/* where inject.c finds the marker meanwhile */
	while ((v = vma_find_intersection(&mm->vmas, stub, stub + SCRATCH_WINDOW))) {
		vma_remove(&mm->vmas, v);
		mm_vma_release(mm, v);
	}
	return map_window(t, stub, true);
}

/* ---- fork ----------------------------------------------------------------- */

/* Whether the child's VMA b can take the pages right after a's in the
 * memfd, so that one mmap remaps both (mm_fork_fixup()). */
static bool remap_run(const struct vma *a, const struct vma *b)
{
	return a && (a->flags & VMA_REMAP) && !(a->flags & VMA_LAZY) && a->end == b->start &&
	       a->prot == b->prot;
}

/* The bytes of the run of parent VMAs from v that the child can remap with
 * one mmap: adjacent, the same protection, all copied eagerly. */
static uint64_t run_len(struct task *parent, struct vma *v)
{
	struct mm *pm = parent->mm;
	uint64_t n = v->end - v->start;

	for (struct vma *w = v->next; w && w->start == w->prev->end && w->prot == v->prot &&
	     private_extent(pm, w) && !(w->flags & VMA_DONTFORK) && !cow_plan_takes(parent, w);
	     w = w->next)
		n += w->end - w->start;
	return n;
}

struct mm *mm_fork(struct task *parent)
{
	struct mm *pm = parent->mm, *cm;
	struct vma *v, *last = NULL;
	uint64_t run_off = 0, run_end = 0;	/* the run being laid out in the child */

	if (!pm || mm_prepare(parent) < 0)
		return NULL;
	cm = mm_create();
	cm->populated = true;
	cm->task_size = pm->task_size;
	cm->mmap_base = pm->mmap_base;
	cm->start_brk = pm->start_brk;
	cm->brk = pm->brk;
	cm->start_stack = pm->start_stack;
	cm->bounds = pm->bounds;
	/* The family's memfd: the child inherited the parent's descriptor. */
	if (pm->mem) {
		cm->mem = pm->mem;
		memobj_get(cm->mem);
		cm->mem_installed = pm->mem_installed;
	}
	for (v = vma_first(&pm->vmas); v; v = vma_next(v)) {
		uint64_t len = v->end - v->start;
		struct vma *n;

		if (v->flags & VMA_DONTFORK)
			continue;
		n = malloc(sizeof(*n));
		if (!n)
			goto fail;
		*n = *v;
		n->flags &= ~(VMA_LOCKED | VMA_LOCKONFAULT);	/* locks are not inherited */
		if (private_extent(pm, v) && !cow_fork_vma(parent, v, n)) {
			int64_t off;

			/* A run of VMAs gets one extent, so one mmap remaps it. */
			if (remap_run(last, v) && v->start < run_end) {
				off = (int64_t)run_off;
			} else {
				uint64_t rl = run_len(parent, v);

				off = memobj_alloc(cm->mem, rl, NULL);
				if (off >= 0 && rl > len) {
					run_off = (uint64_t)off;
					run_end = v->start + rl;
				} else {
					run_end = 0;
				}
			}
			run_off = (uint64_t)off + len;

			if (off >= 0 && !(v->flags & VMA_WIPEONFORK))
				cow_settle(pm->mem, v->off, len, false);
			if (off < 0 || (!(v->flags & VMA_WIPEONFORK) &&
					memobj_copy(cm->mem, (uint64_t)off, pm->mem, v->off, len) < 0)) {
				if (off >= 0)
					memobj_free(cm->mem, (uint64_t)off, len);
				free(n);
				goto fail;
			}
			n->off = (uint64_t)off;
			n->flags |= VMA_REMAP;
		}
		if (n->obj)
			memobj_get(n->obj);
		vfile_get(n->file);
		if (vma_insert(&cm->vmas, n) < 0) {
			if (n->flags & VMA_REMAP)
				memobj_free(cm->mem, n->off, len);
			vfile_put(n->file);
			memobj_put(n->obj);
			free(n);
			goto fail;
		}
		last = n;
	}
	if (pm->window) {
		/* A thread slot of its own in the parent's window. */
		cm->window = pm->window;
		cm->window_off = pm->window_off;
		window_of(cm->window_off)->refs++;
	}
	cm->fork_fixup = true;
	cow_fork_done(parent, cm);
	return cm;
fail:
	cow_fork_done(parent, NULL);
	cm->users = 1;
	mm_put(cm);
	return NULL;
}

/*
 * The child's first stop, before it runs guest code: remap each private VMA
 * to the extent mm_fork() gave it. The last mmap returns straight to the
 * guest through the trampoline, which checks that it mapped where it should.
 * Returns 1 when the thread was moved (injections ran), 0, or -errno.
 */
/* The end of the run of v's remaps that one mmap can do: following VMAs
 * adjacent in memory and in the memfd, with the same protection. */
static struct vma *run_end(struct vma *v)
{
	while (v->next && (v->next->flags & VMA_REMAP) && !(v->next->flags & VMA_LAZY) &&
	       remap_run(v, v->next) && v->next->obj == v->obj &&
	       v->next->off == v->off + (v->end - v->start))
		v = v->next;
	return v;
}

int mm_fork_fixup(struct task *t)
{
	struct mm *mm = t->mm;
	struct vma *v, *last = NULL;
	bool any = false;
	long r = 0;

	mm->fork_fixup = false;
	/* Lazy VMAs first: each is registered with the child's userfaultfd
	 * once remapped, before the child runs. The last eager run can then
	 * return straight to the guest. */
	for (v = vma_first(&mm->vmas); v; v = vma_next(v))
		if (v->flags & VMA_REMAP) {
			any = true;
			if (!(v->flags & VMA_LAZY)) {
				last = v;
				v = run_end(v);
			}
		}
	if (!any)
		return 0;
	inject_begin(t);
	for (int pass = 0; pass < 2; pass++)
		for (v = vma_first(&mm->vmas); v; v = vma_next(v)) {
			struct vma *e;
			uint64_t a[6];

			if (!(v->flags & VMA_REMAP) || !!(v->flags & VMA_LAZY) != (pass == 0))
				continue;
			e = (v->flags & VMA_LAZY) ? v : run_end(v);
			a[0] = v->start;
			a[1] = e->end - v->start;
			a[2] = (uint64_t)v->prot;
			a[3] = MAP_SHARED | MAP_FIXED;
			a[4] = UMK_FD_MEM;
			a[5] = v->off;
			for (struct vma *w = v;; w = w->next) {
				w->flags &= ~VMA_REMAP;
				if (w == e)
					break;
			}
			if (v == last && inject_syscall_tail(t, SYS_mmap, a, v->start) == 0)
				return 1;
			r = inject_syscall(t, SYS_mmap, a[0], a[1], a[2], a[3], a[4], a[5]);
			if (r >= 0 && (uint64_t)r != v->start)
				r = -ENOMEM;
			if (r < 0)
				goto out;
			if (v->flags & VMA_LAZY)
				cow_child_register(mm, v);
			v = e;
		}
out:
	inject_end(t);
	return r < 0 ? (int)r : 1;
}

/* ---- access and accounting -------------------------------------------------- */

void *mm_guest_ptr(struct mm *mm, uint64_t addr, uint64_t len, bool write, int *err)
{
	struct vma *v;
	struct memobj *o;

	*err = 0;
	if (!mm || !mm->populated)
		return NULL;
	v = vma_lookup(&mm->vmas, addr);
	if (!v) {
		*err = -EFAULT;
		return NULL;
	}
	if (!v->obj || addr + len > v->end || addr + len < addr)
		return NULL;
	if (v->prot == PROT_NONE || (write && !(v->prot & PROT_WRITE))) {
		*err = -EFAULT;
		return NULL;
	}
	o = v->obj;
	if (o->ndeps)	/* a fork child's page not copied yet, or one it waits for */
		cow_settle(o, v->off + (addr - v->start), len, write);
	return o->base + v->off + (addr - v->start);
}

uint64_t mm_total_vm(const struct mm *mm)
{
	uint64_t n = 0;

	/* umk's own window is no part of the guest's address space. */
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v))
		if (!(v->kind == VMA_SPECIAL && v->name && !strcmp(v->name, "[umk]")))
			n += v->end - v->start;
	return n;
}

uint64_t mm_rss(const struct mm *mm)
{
	uint64_t n = 0;

	/* The family's memfd holds every member's pages: count this mm's
	 * extents. Shared objects count in every mm that maps them, as Linux's
	 * RSS. */
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v))
		if (private_extent(mm, v) || pcache_backed(v))
			n += memobj_resident_range(v->obj, v->off, v->end - v->start);
		else if (v->obj && (!v->prev || v->prev->obj != v->obj))
			n += memobj_resident(v->obj);
	return n;
}
