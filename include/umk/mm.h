/*
 * Guest address spaces, owned by umk (Linux's mm_struct).
 *
 * Every guest mm has a VMA tree (vma.h) that mirrors the host mappings of
 * its processes exactly, because every syscall that changes a mapping traps
 * to umk. Private memory (anonymous mappings, the brk heap, private copies of
 * file data) lives in a memobj: a memfd umk created, mapped into umk itself
 * and into the guest with MAP_SHARED|MAP_FIXED at the addresses umk chose.
 * Copies to and from guest memory are then a memcpy through umk's mapping.
 *
 * Each guest process holds reserved descriptors above its fd limit:
 * UMK_FD_MEM (its mm's memfd, read-write, sealed against shrinking),
 * UMK_FD_SCRATCH (umk's scratch memfd, read-only), UMK_FD_STUB (the exec
 * stub) and UMK_FD_PCACHE (the page cache, read-only), all kept across exec;
 * the filter keeps every guest syscall off them (seccomp.c). The
 * scratch window of an mm (one stub page, then one page per thread) is a
 * read-only mapping of its piece of the scratch memfd: the guest can read
 * what umk writes there but can never write, remap or unmap it.
 */
#ifndef UMK_MM_H
#define UMK_MM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "vma.h"
#include "cow.h"

struct task;
struct process;

/* Reserved descriptors: the guest's RLIMIT_NOFILE never reaches them. */
#define UMK_FD_BASE	4096
#define UMK_FD_MEM	(UMK_FD_BASE + 0)
#define UMK_FD_SCRATCH	(UMK_FD_BASE + 1)
#define UMK_FD_STUB	(UMK_FD_BASE + 5)	/* the exec stub (exec.h), read-only */
#define UMK_FD_COUNT	64		/* room above the base the host limit allows */
#define UMK_NOFILE_MAX	UMK_FD_BASE	/* the hard limit a guest can have */

/* The scratch window: the stub page, then SCRATCH_SLOT_PAGES per thread (room
 * for two PATH_MAX paths and the trampoline's slot). */
#define SCRATCH_SLOTS	64
#define SCRATCH_SLOT_PAGES 4
#define SCRATCH_SLOT_SIZE (SCRATCH_SLOT_PAGES * VMA_PAGE)
#define SCRATCH_ARGS	128	/* where arguments start, after the trampoline's slot */
#define SCRATCH_WINDOW	(VMA_PAGE + SCRATCH_SLOTS * SCRATCH_SLOT_SIZE)

#define MM_SAVED_AUXV 48	/* Linux's AT_VECTOR_SIZE is 2 * (2 + 20 + 1) pairs */

/* A memfd of umk's holding guest pages, with an allocator of its offsets. */
struct extent {
	uint64_t off, len;
};

struct memobj {
	int refcount;		/* VMAs that map it, plus one per mm that allocates from it */
	int fd;			/* umk's descriptor (O_RDWR) */
	int qfd;		/* umk's own open of it, for SEEK_DATA/SEEK_HOLE */
	uint8_t *base;		/* umk's mapping of [0, size) */
	uint64_t size;		/* file size; offsets below top are handed out */
	uint64_t top;
	struct extent *free;	/* free ranges below top, sorted, coalesced */
	size_t nfree, capfree;
	/* Freed ranges whose old pages umk kept instead of punching them, so
	 * the next allocation reuses resident pages (zeroed by umk when handed
	 * out) instead of having the guest fault in fresh ones. Sorted, at most
	 * MEMOBJ_KEEP bytes in all. */
	struct extent *stale;
	size_t nstale, capstale;
	uint64_t stale_bytes;
	struct cow_dep *deps;	/* extents waiting for another's data (cow.c) */
	size_t ndeps, capdeps;
	struct memobj *all_next, *all_prev;	/* every memobj (memobj_total_allocated) */
};

struct mm {
	int users;		/* tasks running in it (threads, vfork/CLONE_VM children) */
	struct vma_tree vmas;
	struct memobj *mem;	/* where its private pages are allocated */
	bool mem_installed;	/* the guest holds mem at UMK_FD_MEM */
	bool populated;		/* the host's own mappings (image, stack...) are known */
	bool fork_fixup;	/* a fork child: VMA_REMAP ones still the parent's, see mm_fork */
	uint64_t task_size;	/* top of the user address space */
	uint64_t mmap_base;	/* top-down allocation starts below this */
	uint64_t start_brk, brk;
	uint64_t start_stack;
	/* Where exec put the vectors and the image (/proc/PID/cmdline, environ,
	 * stat): Linux's mm->arg_start and friends; a fork copies them. */
	struct mm_bounds {
		uint64_t arg_start, arg_end, env_start, env_end;
		uint64_t start_code, end_code, start_data, end_data;
		uint64_t auxv[MM_SAVED_AUXV][2];	/* /proc/PID/auxv (AT_NULL-ended) */
	} bounds;
	unsigned def_flags;	/* VMA flags every new mapping gets: mlockall(MCL_FUTURE) */

	/* Scratch window (0: not mapped yet). */
	uint64_t window;
	uint64_t window_off;	/* its offset in the scratch memfd */
	uint64_t slots;		/* thread slots taken before the window exists */

	/* Copy-on-write fork (cow.c): umk's userfaultfd of the mm, the one the
	 * host made for the child of a fork under way, and that fork's plan. */
	int uffd, child_uffd;
	int forking;		/* forks under way (between entry and event) */
	struct cow_plan *plan;
	struct task *plan_owner;

	/* Extents whose mappings a guest thread was still removing when umk
	 * freed them: punched at the next stop (see mm_reclaim). */
	struct extent *deferred;
	size_t ndeferred, capdeferred;
};

/* One-time setup: the scratch memfd. Returns 0 or -errno. */
int mm_global_init(void);
/* The read-only descriptor of the scratch memfd that guests hold. */
int mm_scratch_guest_fd(void);

/* A fresh mm for a process just created by a host execve (or the first
 * guest). Its VMAs are read from the host on first use. */
struct mm *mm_create(void);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);

/* fork: a copy of parent's mm for its child (a host copy of the parent). */
struct mm *mm_fork(struct task *parent);
/* A new thread of t's mm (CLONE_VM): a scratch slot of its own. */
void mm_attach_task(struct task *t, struct mm *mm);
void mm_detach_task(struct task *t);

/* Before umk touches t's mm at a stop: learn the host's mappings, free
 * deferred extents. Returns 0 or -errno. */
int mm_prepare(struct task *t);
/* Make sure the platform is ready in t's process (scratch window, memfd),
 * injecting what is missing; t is at a syscall-entry stop. */
int mm_ensure_platform(struct task *t, bool need_mem);
/* At the exec event of the stub (exec.h): map the scratch window over the
 * room the stub at stub reserved; injected from the stub's own code. */
int mm_exec_window(struct task *t, uint64_t stub);
/* A fork child's first stop: switch it to its own memory (injected).
 * 1 when the thread was moved, 0 when nothing was needed, or -errno. */
int mm_fork_fixup(struct task *t);

/* The guest address and umk's pointer to t's scratch page, or 0/NULL. */
uint64_t mm_scratch_addr(const struct task *t);
void *mm_scratch_ptr(const struct task *t);

/* Memory objects. */
struct memobj *memobj_create(const char *name);
void memobj_get(struct memobj *o);
void memobj_put(struct memobj *o);
/* At most this many freed bytes per memobj keep their pages (see stale). */
#define MEMOBJ_KEEP (4ULL << 20)

/* An unused range of len bytes (page multiple), reading as zeros; returns
 * its offset or -errno. *warm (if not NULL) gets how many of its bytes are
 * resident already (freed pages umk cleared rather than punched). */
int64_t memobj_alloc(struct memobj *o, uint64_t len, uint64_t *warm);
/* The same, with no page resident: a userfaultfd MISSING range needs holes. */
int64_t memobj_alloc_cold(struct memobj *o, uint64_t len);
/* Grow the extent [off, off+len) in place to newlen if the range after it is
 * free; 0 or -ENOMEM. */
int memobj_grow(struct memobj *o, uint64_t off, uint64_t len, uint64_t newlen);
/* Give back a range: its pages are freed (hole punched), or kept as stale
 * while fewer than MEMOBJ_KEEP bytes are. */
void memobj_free(struct memobj *o, uint64_t off, uint64_t len);
/* Zero a range (free its pages, keep it allocated). */
void memobj_zero(struct memobj *o, uint64_t off, uint64_t len);
/* Copy the resident pages of [soff, soff+len) of s to d at doff. */
int memobj_copy(struct memobj *d, uint64_t doff, struct memobj *s, uint64_t soff, uint64_t len);
/* Bytes of it that are resident (in all, or in a range). */
uint64_t memobj_resident(const struct memobj *o);
uint64_t memobj_resident_range(const struct memobj *o, uint64_t off, uint64_t len);

/* Park fd's file position out of reach of guest read()/write() (memobj.c). */
void memobj_park(int fd);
/* Bytes the host has allocated to all of umk's memfds: the guest's memory. */
uint64_t memobj_total_allocated(void);
/* Punch every memobj's recycled pages (memory pressure). */
void memobj_drop_stale_all(void);

/* Free an extent once no guest thread can still be using it. */
void mm_defer_free(struct mm *mm, uint64_t off, uint64_t len);
void mm_reclaim(struct mm *mm);

/* A file a private mapping was read from, held by umk (refcounted). */
struct vfile {
	int fd;
	int refs;
	struct pcache_entry *pc;	/* its pages in the page cache (pcache.h), or NULL */
};
struct vfile *vfile_new(int fd);
void vfile_get(struct vfile *f);
void vfile_put(struct vfile *f);

/* Drop a VMA: its obj reference, its extent if private, the VMA itself. */
void mm_vma_release(struct mm *mm, struct vma *v);

/* Accounting, for /proc and the OOM killer. */
uint64_t mm_total_vm(const struct mm *mm);	/* bytes mapped */
uint64_t mm_locked_vm(const struct mm *mm);	/* bytes in locked VMAs (mlock.c) */

/* Memory locking (mlock.c). Whether a mapping of bytes more with vflags
 * stays within t's RLIMIT_MEMLOCK (mlock_future_ok). */
bool mlock_future_ok(const struct task *t, unsigned vflags, uint64_t bytes);
/* mmap's checks: EPERM for MAP_LOCKED without the right, EAGAIN over the
 * limit; or 0. */
int mlock_map_check(const struct task *t, uint64_t map_flags, unsigned vflags, uint64_t len);
/* The lock flags (VMA_LOCKED, VMA_LOCKONFAULT) new mappings of mm get. */
unsigned mlock_def_flags(const struct mm *mm);
/* Allocate the pages of the locked VMAs in [start, end); 0 or -EAGAIN. */
int mlock_populate(struct mm *mm, uint64_t start, uint64_t end);
uint64_t mm_rss(const struct mm *mm);		/* bytes resident in umk's memfds */

/* Whether [addr, addr+len) lies in memory umk backs, and umk's pointer to it
 * when it does (NULL otherwise). write: the guest mapping must be writable. */
void *mm_guest_ptr(struct mm *mm, uint64_t addr, uint64_t len, bool write, int *err);

#endif
