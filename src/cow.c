/*
 * Copy-on-write fork of large private VMAs, with userfaultfd.
 *
 * A fork family's private pages live in one memfd (mm.c). A fork gives each
 * of the child's private VMAs an extent of its own. For a small VMA umk
 * copies the resident pages at once; for a large one the child's extent
 * starts empty and depends on the parent's (a cow_dep: dst <- src), and umk
 * fills it lazily, a chunk at a time:
 *
 *  - the child's range is registered with its userfaultfd in MISSING mode:
 *    its first touch of a page (by guest code, or by the host kernel inside
 *    a native syscall such as read()) blocks, and umk copies that chunk from
 *    the parent's extent into the child's, then wakes it;
 *  - the parent's range is write-protected with its userfaultfd (WP mode,
 *    which covers pages not yet allocated too): its first write to a page
 *    blocks, and umk first copies that chunk into every child still waiting
 *    for it, then lifts the protection.
 *
 * Neither side ever traps to ptrace for it, and a native syscall never sees
 * EFAULT, which a write-protecting mprotect would give it. Whatever umk does
 * to an extent itself (munmap, MADV_DONTNEED, mremap, exit, its own copies
 * to guest memory) first settles the dependencies on that range.
 *
 * The userfaultfds come from /dev/userfaultfd, so that faults the host
 * kernel takes for a native syscall are handled too. The first such fork of
 * a process makes one in it (four injected syscalls); its fork children get
 * theirs from the host with UFFD_FEATURE_EVENT_FORK. Without
 * /dev/userfaultfd (umk not root) every fork copies eagerly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include "umk/cow.h"
#include "umk/inject.h"
#include "umk/loop.h"
#include "umk/mm.h"
#include "umk/task.h"
#include "umk/umk.h"

#define UFFD_FEATURES (UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_MISSING_SHMEM | \
		       UFFD_FEATURE_WP_HUGETLBFS_SHMEM)
/* A reserved descriptor for /dev/userfaultfd while a process makes its uffd. */
#define UMK_FD_UFFDDEV (UMK_FD_BASE + 4)

static int devfd = -1;

int cow_init(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURES };
	int u;

	devfd = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (devfd < 0)
		return -errno;
	/* Does this kernel do WP on shmem and fork events? Try on umk itself. */
	u = ioctl(devfd, USERFAULTFD_IOC_NEW, O_CLOEXEC);
	if (u < 0 || ioctl(u, UFFDIO_API, &api) < 0) {
		if (u >= 0)
			close(u);
		close(devfd);
		devfd = -1;
		return -ENOSYS;
	}
	close(u);
	return 0;
}

bool cow_available(void)
{
	return devfd >= 0;
}

/* ---- dependencies ------------------------------------------------------------
 * o->deps: dst ranges (sorted, disjoint) waiting for the data of src. */

static void dep_insert(struct memobj *o, size_t i, uint64_t dst, uint64_t src, uint64_t len)
{
	if (array_reserve(&o->deps, &o->capdeps, o->ndeps, sizeof(*o->deps)))
		umk_die(UMK_EXIT_FAILURE, "out of memory");
	memmove(&o->deps[i + 1], &o->deps[i], (o->ndeps - i) * sizeof(*o->deps));
	o->deps[i] = (struct cow_dep){ dst, src, len };
	o->ndeps++;
}

void cow_dep_add(struct memobj *o, uint64_t dst, uint64_t src, uint64_t len)
{
	size_t i = 0;

	while (i < o->ndeps && o->deps[i].dst < dst)
		i++;
	dep_insert(o, i, dst, src, len);
}

/* Take [off, off+len) out of the dst ranges (no copy). */
static void dep_cut(struct memobj *o, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;

	for (size_t i = 0; i < o->ndeps;) {
		struct cow_dep d = o->deps[i];
		uint64_t de = d.dst + d.len;

		if (de <= off || d.dst >= end) {
			i++;
			continue;
		}
		memmove(&o->deps[i], &o->deps[i + 1], (o->ndeps - i - 1) * sizeof(*o->deps));
		o->ndeps--;
		if (d.dst < off)
			dep_insert(o, i++, d.dst, d.src, off - d.dst);
		if (de > end)
			dep_insert(o, i++, end, d.src + (end - d.dst), de - end);
	}
}

/* Copy the dependency [dst, dst+len) <- src in, and drop it. */
static void dep_fill(struct memobj *o, uint64_t dst, uint64_t src, uint64_t len)
{
	dep_cut(o, dst, len);
	/* The source may be waiting for its own source (a fork of a fork). */
	cow_settle(o, src, len, false);
	memobj_copy(o, dst, o, src, len);
}

static void settle(struct memobj *o, uint64_t off, uint64_t len, bool as_dst, bool as_src);

void cow_settle(struct memobj *o, uint64_t off, uint64_t len, bool as_src)
{
	settle(o, off, len, true, as_src);
}

/* As a destination: fill the range from its source. As a source: fill
 * whatever waits for the range from it. */
static void settle(struct memobj *o, uint64_t off, uint64_t len, bool as_dst, bool as_src)
{
	/* Whole pages: a page is either all copied or not at all. */
	uint64_t end = (off + len + VMA_PAGE - 1) & ~(VMA_PAGE - 1);
	bool again = true;

	off &= ~(VMA_PAGE - 1);
	/* Each fill changes the array: start over until nothing overlaps. */
	while (o && o->ndeps && again) {
		again = false;
		for (size_t i = 0; i < o->ndeps; i++) {
			struct cow_dep d = o->deps[i];
			uint64_t s, e;

			/* As a destination: this range waits for data. */
			s = d.dst > off ? d.dst : off;
			e = d.dst + d.len < end ? d.dst + d.len : end;
			if (as_dst && s < e) {
				dep_fill(o, s, d.src + (s - d.dst), e - s);
				again = true;
				break;
			}
			/* As a source: others wait for what is here now. */
			s = d.src > off ? d.src : off;
			e = d.src + d.len < end ? d.src + d.len : end;
			if (as_src && s < e) {
				dep_fill(o, d.dst + (s - d.src), s, e - s);
				again = true;
				break;
			}
		}
	}
}

void cow_forget(struct memobj *o, uint64_t off, uint64_t len)
{
	if (!o || !o->ndeps)
		return;
	settle(o, off, len, false, true);	/* others still need these pages */
	dep_cut(o, off, len);
}

static bool dep_any_src(const struct memobj *o, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < o->ndeps; i++)
		if (o->deps[i].src < off + len && o->deps[i].src + o->deps[i].len > off)
			return true;
	return false;
}

static bool dep_any_dst(const struct memobj *o, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < o->ndeps; i++)
		if (o->deps[i].dst < off + len && o->deps[i].dst + o->deps[i].len > off)
			return true;
	return false;
}

/* ---- userfaultfds --------------------------------------------------------- */

static void uffd_event(void *arg);

static int uffd_adopt(struct mm *mm, int u, bool api)
{
	struct uffdio_api a = { .api = UFFD_API, .features = UFFD_FEATURES };

	if (api && ioctl(u, UFFDIO_API, &a) < 0) {
		close(u);
		return -errno;
	}
	fcntl(u, F_SETFL, O_NONBLOCK);
	mm->uffd = u;
	if (loop_watch(u, uffd_event, mm) < 0) {
		close(u);
		mm->uffd = -1;
		return -ENOMEM;
	}
	return 0;
}

void cow_mm_release(struct mm *mm)
{
	if (mm->uffd >= 0) {
		loop_unwatch(mm->uffd);
		close(mm->uffd);
	}
	if (mm->child_uffd >= 0)
		close(mm->child_uffd);
	mm->uffd = mm->child_uffd = -1;
}

/* Make t's process a userfaultfd of its own mm (t at a syscall entry). */
static int uffd_create(struct task *t)
{
	long n, r;
	int pfd, u;

	if ((r = inject_install_fd(t, devfd, UMK_FD_UFFDDEV, true)) < 0)
		return (int)r;
	n = inject_syscall(t, SYS_ioctl, UMK_FD_UFFDDEV, USERFAULTFD_IOC_NEW,
			   O_CLOEXEC | O_NONBLOCK, 0, 0, 0);
	r = inject_syscall(t, SYS_close, UMK_FD_UFFDDEV, 0, 0, 0, 0, 0);
	if (n < 0)
		return (int)n;
	pfd = (int)syscall(SYS_pidfd_open, t->proc->host_tgid, 0);
	u = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, (int)n, 0);
	if (pfd >= 0)
		close(pfd);
	r = inject_syscall(t, SYS_close, (uint64_t)n, 0, 0, 0, 0, 0);
	if (u < 0)
		return -EIO;
	if (r < 0) {
		close(u);
		return (int)r;
	}
	return uffd_adopt(t->mm, u, true);
}

static int uffd_register(int u, uint64_t start, uint64_t len, bool missing, bool wp)
{
	struct uffdio_register reg = {
		.range = { start, len },
		.mode = (missing ? UFFDIO_REGISTER_MODE_MISSING : 0) |
			(wp ? UFFDIO_REGISTER_MODE_WP : 0),
	};

	return ioctl(u, UFFDIO_REGISTER, &reg) < 0 ? -errno : 0;
}

static int uffd_protect(int u, uint64_t start, uint64_t len, bool wp)
{
	struct uffdio_writeprotect w = {
		.range = { start, len },
		.mode = wp ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(u, UFFDIO_WRITEPROTECT, &w) < 0 ? -errno : 0;
}

/* ---- fork ------------------------------------------------------------------- */

/* Worth doing lazily: VMAs with at least this much resident. */
#define COW_MIN_RESIDENT (256ULL << 10)

static bool lazy_candidate(const struct mm *mm, const struct vma *v)
{
	return v->obj && v->obj == mm->mem && (v->kind == VMA_ANON || v->kind == VMA_FILE_PRIV) &&
	       !(v->flags & (VMA_DONTFORK | VMA_WIPEONFORK)) &&
	       memobj_resident_range(v->obj, v->off, v->end - v->start) >= COW_MIN_RESIDENT;
}

void cow_plan_cancel(struct mm *mm)
{
	struct cow_plan *p = mm->plan;

	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		dep_cut(mm->mem, p->e[i].dst, p->e[i].len);
		memobj_free(mm->mem, p->e[i].dst, p->e[i].len);
	}
	free(p->e);
	free(p);
	mm->plan = NULL;
	mm->plan_owner = NULL;
}

int cow_fork_prepare(struct task *t)
{
	struct mm *mm = t->mm;
	struct cow_plan *p;
	struct vma *v;
	int r;

	if (!cow_available() || !mm || mm_prepare(t) < 0)
		return 0;
	mm->forking++;
	if (mm->plan)	/* another thread's fork is under way: copy */
		return 0;
	for (v = vma_first(&mm->vmas); v; v = vma_next(v))
		if (lazy_candidate(mm, v))
			break;
	if (!v)
		return 0;
	if (mm->uffd < 0 && (r = uffd_create(t)) < 0) {
		umk_log("copy-on-write fork unavailable (%s): copying", strerror(-r));
		return 0;
	}
	p = xcalloc(1, sizeof(*p));
	mm->plan = p;
	mm->plan_owner = t;
	for (; v; v = vma_next(v)) {
		uint64_t len = v->end - v->start;
		int64_t dst;

		if (!lazy_candidate(mm, v))
			continue;
		/* Registered for WP (and MISSING where it still waits itself);
		 * then every page of it, present or not, is write-protected. */
		if (uffd_register(mm->uffd, v->start, len, dep_any_dst(mm->mem, v->off, len), true) ||
		    uffd_protect(mm->uffd, v->start, len, true))
			continue;
		dst = memobj_alloc_cold(mm->mem, len);
		if (dst < 0)
			break;
		if (array_reserve(&p->e, &p->cap, p->n, sizeof(*p->e))) {
			memobj_free(mm->mem, (uint64_t)dst, len);
			break;
		}
		p->e[p->n++] = (struct cow_plan_entry){ v->start, v->end, v->off, (uint64_t)dst, len };
		cow_dep_add(mm->mem, (uint64_t)dst, v->off, len);
	}
	return 0;
}

bool cow_plan_takes(struct task *parent, const struct vma *v)
{
	struct mm *pm = parent->mm;
	struct cow_plan *p = pm->plan;

	if (!p || pm->plan_owner != parent)
		return false;
	for (size_t i = 0; i < p->n; i++)
		if (p->e[i].start == v->start && p->e[i].end == v->end && p->e[i].src == v->off)
			return true;
	return false;
}

bool cow_fork_vma(struct task *parent, const struct vma *v, struct vma *n)
{
	struct mm *pm = parent->mm;
	struct cow_plan *p = pm->plan;

	if (!p || pm->plan_owner != parent)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		struct cow_plan_entry *e = &p->e[i];

		if (e->start != v->start || e->end != v->end || e->src != v->off)
			continue;
		n->off = e->dst;
		n->flags |= VMA_REMAP | VMA_LAZY;
		/* Consumed: the child owns the extent now. */
		p->e[i] = p->e[--p->n];
		return true;
	}
	return false;
}

void cow_fork_failed(struct task *t)
{
	struct mm *mm = t->mm;

	if (!mm || !cow_available())
		return;
	if (mm->forking > 0)
		mm->forking--;
	if (mm->plan_owner == t)
		cow_plan_cancel(mm);
}

void cow_fork_done(struct task *parent, struct mm *cm)
{
	struct mm *pm = parent->mm;
	bool lazy = false;

	if (!cow_available())
		return;
	if (pm->forking > 0)
		pm->forking--;
	/* Anything the parent changed since the plan (a VMA unmapped or
	 * moved by another thread) is not the child's. */
	if (pm->plan_owner == parent)
		cow_plan_cancel(pm);
	if (!cm)
		return;
	for (struct vma *v = vma_first(&cm->vmas); v; v = vma_next(v))
		lazy |= !!(v->flags & VMA_LAZY);
	if (lazy && pm->child_uffd >= 0) {
		cm->uffd = -1;
		if (uffd_adopt(cm, pm->child_uffd, false) == 0)
			pm->child_uffd = -1;
	}
	if (lazy && cm->uffd < 0) {
		/* No userfaultfd for it after all: copy now. */
		for (struct vma *v = vma_first(&cm->vmas); v; v = vma_next(v))
			if (v->flags & VMA_LAZY) {
				cow_settle(cm->mem, v->off, v->end - v->start, false);
				v->flags &= ~VMA_LAZY;
			}
	}
	if (pm->child_uffd >= 0) {
		close(pm->child_uffd);
		pm->child_uffd = -1;
	}
}

int cow_child_register(struct mm *mm, struct vma *v)
{
	uint64_t len = v->end - v->start;
	int r;

	v->flags &= ~VMA_LAZY;
	r = uffd_register(mm->uffd, v->start, len, true, false);
	if (r < 0)	/* it would read zeros: copy now instead */
		cow_settle(mm->mem, v->off, len, false);
	return 0;
}

/* ---- faults ------------------------------------------------------------------ */

#define COW_CHUNK (64ULL << 10)

static void fault(struct mm *mm, uint64_t addr, bool wp)
{
	uint64_t page = addr & ~(VMA_PAGE - 1), cs, ce, off;
	struct uffdio_range wake = { page, VMA_PAGE };
	struct vma *v = vma_lookup(&mm->vmas, page);

	if (!v || !v->obj || v->obj != mm->mem) {
		ioctl(mm->uffd, UFFDIO_WAKE, &wake);
		return;
	}
	cs = page & ~(COW_CHUNK - 1);
	if (cs < v->start)
		cs = v->start;
	ce = cs + COW_CHUNK;
	if (ce > v->end)
		ce = v->end;
	off = v->off + (cs - v->start);
	cow_settle(mm->mem, off, ce - cs, wp);
	if (wp) {
		/* Lift the protection from as much as nobody depends on. */
		if (!dep_any_src(mm->mem, v->off, v->end - v->start))
			uffd_protect(mm->uffd, v->start, v->end - v->start, false);
		else
			uffd_protect(mm->uffd, cs, ce - cs, false);
		return;
	}
	/* A page the source did not have is a page of zeros. */
	off = v->off + (page - v->start);
	if (memobj_resident_range(mm->mem, off, VMA_PAGE) == 0) {
		static const uint8_t zeros[VMA_PAGE];
		struct uffdio_zeropage z = { .range = { page, VMA_PAGE } };
		struct uffdio_copy c = { .dst = page, .src = (uint64_t)(uintptr_t)zeros,
					 .len = VMA_PAGE };

		if (ioctl(mm->uffd, UFFDIO_ZEROPAGE, &z) == 0)
			return;
		if (errno != EEXIST && (ioctl(mm->uffd, UFFDIO_COPY, &c) == 0 || errno != EEXIST))
			return;
	}
	ioctl(mm->uffd, UFFDIO_WAKE, &wake);
}

static void uffd_event(void *arg)
{
	struct mm *mm = arg;
	struct uffd_msg m[16];
	ssize_t r;

	while (mm->uffd >= 0 && (r = read(mm->uffd, m, sizeof(m))) > 0) {
		for (size_t i = 0; i < (size_t)r / sizeof(m[0]); i++) {
			if (m[i].event == UFFD_EVENT_PAGEFAULT) {
				fault(mm, m[i].arg.pagefault.address,
				      m[i].arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP);
			} else if (m[i].event == UFFD_EVENT_FORK) {
				/* The child of the fork under way (its fork event
				 * comes next: the parent waited for this read).
				 * With two under way, whose is it? Neither gets it. */
				if (mm->child_uffd >= 0)
					close(mm->child_uffd);
				mm->child_uffd = (int)m[i].arg.fork.ufd;
				if (mm->forking > 1) {
					close(mm->child_uffd);
					mm->child_uffd = -1;
				}
			}
		}
	}
}
