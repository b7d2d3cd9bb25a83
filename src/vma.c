/*
 * The VMA tree: an AVL tree of struct vma keyed by start address, threaded
 * with an address-ordered prev/next list.
 *
 * Both, because they serve different callers: a fault or an mmap wants the
 * VMA at an address in O(log n), while munmap, mprotect, fork and
 * /proc/PID/maps walk a run of neighbours and want each next one in O(1)
 * without climbing parent pointers. VMAs never overlap, so ordering them by
 * start orders them by end as well; vma_find() relies on that.
 */
#include <errno.h>
#include <stdlib.h>
#include "umk/vma.h"

/* Heights count nodes: a leaf is 1, so an empty subtree can be 0. */
static inline int height(const struct vma *v)
{
	return v ? v->height : 0;
}

static void update_height(struct vma *v)
{
	int l = height(v->left), r = height(v->right);

	v->height = (l > r ? l : r) + 1;
}

/* Point whichever link held old (its parent's child, or the root) at new. */
static void replace_child(struct vma_tree *t, struct vma *parent,
			  struct vma *old, struct vma *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

static struct vma *rotate_left(struct vma_tree *t, struct vma *x)
{
	struct vma *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

static struct vma *rotate_right(struct vma_tree *t, struct vma *x)
{
	struct vma *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/*
 * Restore heights and balance from n up to the root. Insert and remove both
 * call it on the lowest node whose subtree changed. It always climbs to the
 * root instead of stopping once a height holds still: that is still
 * O(log n), and one simple loop serves both callers.
 */
static void rebalance(struct vma_tree *t, struct vma *n)
{
	while (n) {
		int bal = height(n->left) - height(n->right);

		if (bal > 1) {
			/* Left-right case: turn it into left-left first. */
			if (height(n->left->left) < height(n->left->right))
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (bal < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		} else {
			update_height(n);
		}
		n = n->parent;
	}
}

void vma_tree_init(struct vma_tree *t)
{
	t->root = NULL;
	t->first = NULL;
	t->count = 0;
}

struct vma *vma_find(const struct vma_tree *t, uint64_t addr)
{
	struct vma *n = t->root, *best = NULL;

	/* Ends are ordered like starts, so descend on end alone. */
	while (n) {
		if (n->end > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vma *vma_lookup(const struct vma_tree *t, uint64_t addr)
{
	struct vma *v = vma_find(t, addr);

	return v && v->start <= addr ? v : NULL;
}

struct vma *vma_find_intersection(const struct vma_tree *t, uint64_t start,
				  uint64_t end)
{
	struct vma *v;

	if (start >= end)
		return NULL;
	v = vma_find(t, start);
	return v && v->start < end ? v : NULL;
}

/* The last VMA with start < addr: where a top-down gap search begins. */
static struct vma *find_below(const struct vma_tree *t, uint64_t addr)
{
	struct vma *n = t->root, *best = NULL;

	while (n) {
		if (n->start < addr) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

int vma_insert(struct vma_tree *t, struct vma *v)
{
	struct vma **link = &t->root, *parent = NULL;
	struct vma *prev = NULL, *next = NULL;

	if (v->start >= v->end || ((v->start | v->end) & (VMA_PAGE - 1)))
		return -EINVAL;

	/*
	 * On the way down, the last node we passed on its right is v's
	 * predecessor and the last passed on its left its successor; only
	 * those two can overlap v, which keeps the overlap check O(log n).
	 * An equal start goes right, so it lands in prev and is caught.
	 */
	while (*link) {
		parent = *link;
		if (v->start < parent->start) {
			next = parent;
			link = &parent->left;
		} else {
			prev = parent;
			link = &parent->right;
		}
	}
	if ((prev && prev->end > v->start) || (next && next->start < v->end))
		return -EEXIST;

	v->left = v->right = NULL;
	v->parent = parent;
	v->height = 1;
	*link = v;

	v->prev = prev;
	v->next = next;
	if (prev)
		prev->next = v;
	else
		t->first = v;
	if (next)
		next->prev = v;
	t->count++;

	rebalance(t, parent);
	return 0;
}

void vma_remove(struct vma_tree *t, struct vma *v)
{
	struct vma *fix;

	if (!v->left || !v->right) {
		fix = v->parent;
		replace_child(t, v->parent, v, v->left ? v->left : v->right);
	} else {
		/*
		 * Two children: v's successor (v->next, the leftmost node of
		 * its right subtree, which has no left child) takes v's place.
		 * Rebalancing starts where the successor was taken from.
		 */
		struct vma *s = v->next;

		if (s->parent == v) {
			fix = s;
		} else {
			fix = s->parent;
			fix->left = s->right;
			if (s->right)
				s->right->parent = fix;
			s->right = v->right;
			s->right->parent = s;
		}
		s->left = v->left;
		s->left->parent = s;
		replace_child(t, v->parent, v, s);
	}
	rebalance(t, fix);

	if (v->prev)
		v->prev->next = v->next;
	else
		t->first = v->next;
	if (v->next)
		v->next->prev = v->prev;
	t->count--;

	/* Stale links in a removed VMA would only invite use after removal. */
	v->left = v->right = v->parent = v->prev = v->next = NULL;
	v->height = 0;
}

struct vma *vma_split(struct vma_tree *t, struct vma *v, uint64_t addr)
{
	struct vma *n;
	uint64_t delta;

	if (addr <= v->start || addr >= v->end || (addr & (VMA_PAGE - 1)))
		return NULL;
	n = malloc(sizeof(*n));
	if (!n)
		return NULL;

	delta = addr - v->start;
	*n = *v;
	n->start = addr;
	n->off += delta;
	n->pgoff += delta / VMA_PAGE;
	v->end = addr;

	/*
	 * Cannot fail: [addr, end) was v's and nothing else's. Undo rather
	 * than trust that blindly, so a corrupt tree fails the split cleanly.
	 */
	if (vma_insert(t, n)) {
		v->end = n->end;
		free(n);
		return NULL;
	}
	return n;
}

static bool is_file_kind(enum vma_kind kind)
{
	return kind == VMA_FILE_PRIV || kind == VMA_FILE_SHARED;
}

bool vma_can_merge(const struct vma *a, const struct vma *b)
{
	uint64_t len = a->end - a->start;

	if (a->end != b->start)
		return false;
	/*
	 * Host-mapped and special VMAs describe mappings umk did not make
	 * (or must keep apart, like vdso and vvar); sealed ones are umk's own
	 * and are never touched.
	 */
	if (a->kind == VMA_HOST || a->kind == VMA_SPECIAL)
		return false;
	if ((a->flags | b->flags) & VMA_SEALED)
		return false;
	if (a->kind != b->kind || a->prot != b->prot || a->flags != b->flags ||
	    a->obj != b->obj || a->name != b->name)
		return false;
	/* One VMA maps one contiguous range of its object. */
	if (b->off != a->off + len)
		return false;
	if (is_file_kind(a->kind) &&
	    (a->dev != b->dev || a->ino != b->ino ||
	     b->pgoff != a->pgoff + len / VMA_PAGE))
		return false;
	return true;
}

static void release_vma(struct vma *v, void (*release)(struct vma *))
{
	if (release)
		release(v);
	else
		free(v);
}

struct vma *vma_merge(struct vma_tree *t, struct vma *v,
		      void (*release)(struct vma *))
{
	struct vma *p = v->prev, *n;

	/*
	 * Remove the absorbed VMA before widening the survivor, so the tree
	 * never holds two overlapping VMAs. Neither step moves a start, so
	 * the survivor keeps its place in the tree.
	 */
	if (p && vma_can_merge(p, v)) {
		uint64_t end = v->end;

		vma_remove(t, v);
		release_vma(v, release);
		p->end = end;
		v = p;
	}
	n = v->next;
	if (n && vma_can_merge(v, n)) {
		uint64_t end = n->end;

		vma_remove(t, n);
		release_vma(n, release);
		v->end = end;
	}
	return v;
}

/* x rounded up to align, false if that overflows. */
static bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	if (x > UINT64_MAX - (align - 1))
		return false;
	*out = (x + align - 1) & ~(align - 1);
	return true;
}

/*
 * Gaps are walked in address order through the list: O(n) at worst. Linux
 * augments its tree with the largest gap below each node to do this in
 * O(log n); a guest has few enough VMAs that the walk is cheaper than
 * keeping such an augment right through every split, merge and rotation.
 */
static uint64_t gap_bottomup(const struct vma_tree *t, uint64_t len,
			     uint64_t align, uint64_t low, uint64_t high)
{
	const struct vma *v = vma_find(t, low);
	uint64_t gap_start = low;

	for (;;) {
		uint64_t gap_end = v && v->start < high ? v->start : high;
		uint64_t a;

		/* 0 means "none" to the caller, so never hand out address 0. */
		if (gap_start < gap_end &&
		    align_up(gap_start ? gap_start : 1, align, &a) &&
		    a < gap_end && gap_end - a >= len)
			return a;
		if (!v || v->end >= high)
			return 0;
		gap_start = v->end;
		v = v->next;
	}
}

static uint64_t gap_topdown(const struct vma_tree *t, uint64_t len,
			    uint64_t align, uint64_t low, uint64_t high)
{
	const struct vma *v = find_below(t, high);
	uint64_t gap_end = high;

	for (;;) {
		uint64_t gap_start = v && v->end > low ? v->end : low;

		/*
		 * A hit at 0 can only be the lowest gap, so returning it as
		 * "none" is right: there is nothing lower to try.
		 */
		if (gap_end > gap_start && gap_end - gap_start >= len) {
			uint64_t a = (gap_end - len) & ~(align - 1);

			if (a >= gap_start)
				return a;
		}
		if (!v || v->start <= low)
			return 0;
		gap_end = v->start;
		v = v->prev;
	}
}

uint64_t vma_unmapped_area(const struct vma_tree *t, uint64_t len, uint64_t align,
			   uint64_t low, uint64_t high, bool topdown)
{
	if (!len || align < VMA_PAGE || (align & (align - 1)))
		return 0;
	if (low >= high || len > high - low)
		return 0;
	if (topdown)
		return gap_topdown(t, len, align, low, high);
	return gap_bottomup(t, len, align, low, high);
}

void vma_tree_clear(struct vma_tree *t, void (*release)(struct vma *))
{
	struct vma *v = t->first;

	/* The list gives every VMA without touching the tree as it dies. */
	while (v) {
		struct vma *next = v->next;

		release_vma(v, release);
		v = next;
	}
	vma_tree_init(t);
}

/* vma_tree_check()'s answers, one per invariant. */
enum {
	VMA_BAD_DEPTH	= -1,	/* deeper than any AVL tree can be: a cycle */
	VMA_BAD_PARENT	= -2,	/* a child's parent pointer is wrong */
	VMA_BAD_RANGE	= -3,	/* empty or unaligned VMA */
	VMA_BAD_ORDER	= -4,	/* in-order starts not strictly increasing */
	VMA_BAD_OVERLAP	= -5,	/* a VMA ends after the next one starts */
	VMA_BAD_LIST	= -6,	/* prev/next disagree with in-order */
	VMA_BAD_HEIGHT	= -7,	/* stored height is wrong */
	VMA_BAD_BALANCE	= -8,	/* subtree heights differ by more than 1 */
	VMA_BAD_FIRST	= -9,	/* t->first is not the lowest VMA */
	VMA_BAD_COUNT	= -10,	/* t->count is not the number of VMAs */
};

/* An AVL tree of height 100 would need more nodes than memory has bytes. */
#define VMA_MAX_DEPTH 100

struct check {
	const struct vma *first, *last;	/* in-order so far */
	unsigned long n;
};

/* Returns the subtree's height, or a VMA_BAD_* code. */
static int check_node(const struct vma *v, const struct vma *parent,
		      struct check *c, int depth)
{
	int lh, rh;

	if (!v)
		return 0;
	if (depth > VMA_MAX_DEPTH)
		return VMA_BAD_DEPTH;
	if (v->parent != parent)
		return VMA_BAD_PARENT;

	lh = check_node(v->left, v, c, depth + 1);
	if (lh < 0)
		return lh;

	if (v->start >= v->end || ((v->start | v->end) & (VMA_PAGE - 1)))
		return VMA_BAD_RANGE;
	if (c->last && c->last->start >= v->start)
		return VMA_BAD_ORDER;
	if (c->last && c->last->end > v->start)
		return VMA_BAD_OVERLAP;
	if (v->prev != c->last || (c->last && c->last->next != v))
		return VMA_BAD_LIST;
	if (!c->first)
		c->first = v;
	c->last = v;
	c->n++;

	rh = check_node(v->right, v, c, depth + 1);
	if (rh < 0)
		return rh;

	if (v->height != (lh > rh ? lh : rh) + 1)
		return VMA_BAD_HEIGHT;
	if (lh - rh > 1 || rh - lh > 1)
		return VMA_BAD_BALANCE;
	return v->height;
}

int vma_tree_check(const struct vma_tree *t)
{
	struct check c = { NULL, NULL, 0 };
	int ret = check_node(t->root, NULL, &c, 0);

	if (ret < 0)
		return ret;
	if (c.last && c.last->next)
		return VMA_BAD_LIST;
	if (t->first != c.first)
		return VMA_BAD_FIRST;
	if (t->count != c.n)
		return VMA_BAD_COUNT;
	return 0;
}
