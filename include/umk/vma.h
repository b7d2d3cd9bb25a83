/*
 * The VMA tree: the virtual memory areas of one address space, as Linux's
 * vm_area_struct in its mm's tree. A balanced search tree keyed by start
 * address (AVL), with the ordered neighbour links Linux's VMA code leans on.
 *
 * The tree only orders and finds VMAs, splits and merges them and finds gaps.
 * It knows nothing of backing memory: a VMA's obj is an opaque pointer whose
 * reference counting is the caller's (mm.c), so vma_split() and vma_merge()
 * tell the caller what they did and leave the references to it.
 */
#ifndef UMK_VMA_H
#define UMK_VMA_H

#include <stdbool.h>
#include <stdint.h>

#define VMA_PAGE 4096ULL

/* What backs a VMA. */
enum vma_kind {
	VMA_ANON,	/* private anonymous memory in the mm's memfd */
	VMA_SHARED,	/* MAP_SHARED|MAP_ANONYMOUS (or shmem): a memfd shared across fork */
	VMA_FILE_PRIV,	/* MAP_PRIVATE of a file: a private copy in the mm's memfd */
	VMA_FILE_SHARED,/* MAP_SHARED of a file: the host maps the file itself */
	VMA_HOST,	/* mapped by the host (program image, initial stack) */
	VMA_SPECIAL,	/* umk's own (stub, scratch) or the host's vdso/vvar/vsyscall */
};

/* vma.flags */
#define VMA_GROWSDOWN	0x0001	/* MAP_GROWSDOWN, and the main stack */
#define VMA_LOCKED	0x0002	/* mlock()ed */
#define VMA_NORESERVE	0x0004
#define VMA_DONTFORK	0x0008	/* MADV_DONTFORK */
#define VMA_WIPEONFORK	0x0010	/* MADV_WIPEONFORK */
#define VMA_SEALED	0x0020	/* umk's own: never unmapped, remapped or reprotected */
#define VMA_STACK	0x0040	/* MAP_STACK / [stack] */
#define VMA_HEAP	0x0080	/* the brk area */
#define VMA_DONTDUMP	0x0100
#define VMA_MAYWRITE	0x0200	/* a shared file mapping whose fd allows writing */
#define VMA_REMAP	0x0400	/* a fork child's: still maps the parent's extent */
#define VMA_LAZY	0x0800	/* a fork child's, filled on demand (cow.c) */
#define VMA_LOCKONFAULT	0x1000	/* mlock2(MLOCK_ONFAULT), MCL_ONFAULT: locked, not populated */

struct vma {
	uint64_t start, end;	/* [start, end), page aligned, start < end */
	int prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC */
	unsigned flags;		/* VMA_* above */
	enum vma_kind kind;
	void *obj;		/* backing object (struct memobj *), or NULL */
	uint64_t off;		/* offset of start in obj (bytes, page aligned) */
	/* File identity, for file mappings and /proc/PID/maps. */
	uint64_t dev, ino, pgoff;
	const char *name;	/* "[heap]", "[stack]", a path...; owned by the caller */
	void *file;		/* VMA_FILE_PRIV: the file, to read again (struct vfile *) */

	/* Tree linkage: the tree's own business. */
	struct vma *left, *right, *parent;
	struct vma *prev, *next;	/* address order */
	int height;
};

struct vma_tree {
	struct vma *root;
	struct vma *first;	/* lowest address */
	unsigned long count;
};

void vma_tree_init(struct vma_tree *t);

/* The VMA that contains addr, or NULL. */
struct vma *vma_lookup(const struct vma_tree *t, uint64_t addr);
/* The first VMA with end > addr (Linux's find_vma), or NULL. */
struct vma *vma_find(const struct vma_tree *t, uint64_t addr);
/* The first VMA that overlaps [start, end), or NULL. */
struct vma *vma_find_intersection(const struct vma_tree *t, uint64_t start, uint64_t end);

static inline struct vma *vma_first(const struct vma_tree *t) { return t->first; }
static inline struct vma *vma_next(const struct vma *v) { return v->next; }
static inline struct vma *vma_prev(const struct vma *v) { return v->prev; }

/* Insert a VMA the caller allocated (linkage fields are overwritten).
 * -EINVAL if it is empty or unaligned, -EEXIST if it overlaps another. */
int vma_insert(struct vma_tree *t, struct vma *v);
/* Take v out of the tree (the caller frees it). */
void vma_remove(struct vma_tree *t, struct vma *v);

/*
 * Split v at addr (start < addr < end, page aligned): v keeps [start, addr),
 * and a new VMA (malloc'd, a copy of v with off and pgoff advanced) holding
 * [addr, end) is inserted and returned. The new VMA shares v->obj: the caller
 * takes the extra reference. NULL on bad addr or out of memory.
 */
struct vma *vma_split(struct vma_tree *t, struct vma *v, uint64_t addr);

/* Whether b can be folded into a (a->end == b->start, same kind, prot, flags,
 * obj, name pointer, and b->off == a->off + (a->end - a->start); for file
 * kinds also same dev and ino, and pgoff likewise contiguous, in pages).
 * VMA_HOST, VMA_SPECIAL and VMA_SEALED VMAs never merge. */
bool vma_can_merge(const struct vma *a, const struct vma *b);
/*
 * Merge v with its neighbours where vma_can_merge() allows. Each absorbed
 * VMA is removed from the tree and passed to release() (which drops its obj
 * reference and frees it); release may be NULL, then it is just free()d.
 * Returns the VMA that now covers v's range.
 */
struct vma *vma_merge(struct vma_tree *t, struct vma *v, void (*release)(struct vma *));

/*
 * A free range of len bytes inside [low, high) whose start is a multiple of
 * align (a power of two >= VMA_PAGE). topdown: the highest such range
 * (Linux's default layout); else the lowest. Returns its start, or 0 when
 * none fits (-ENOMEM for the caller); so address 0 itself is never returned.
 */
uint64_t vma_unmapped_area(const struct vma_tree *t, uint64_t len, uint64_t align,
			   uint64_t low, uint64_t high, bool topdown);

/* Remove every VMA, calling release() on each (NULL: free()). */
void vma_tree_clear(struct vma_tree *t, void (*release)(struct vma *));

/* Debug: check the tree's invariants (order, no overlap, balance, links,
 * count). Returns 0 or a negative number naming the broken invariant
 * (the VMA_BAD_* list in vma.c). */
int vma_tree_check(const struct vma_tree *t);

#endif
