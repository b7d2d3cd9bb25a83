/*
 * The VMA tree on its own: boundaries of every lookup, insert's refusals,
 * removal from every position, split and merge bookkeeping, gap finding at
 * the edges of its window, and a long random run against a page map.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "umk/vma.h"

#define P VMA_PAGE
#define N(a) (sizeof(a) / sizeof((a)[0]))

Suite *suite_vma(void);

static int obj_a, obj_b;	/* distinct obj pointers */
static const char name_a[] = "/lib/a", name_b[] = "/lib/a";	/* equal text */
static int released;

static void count_release(struct vma *v)
{
	released++;
	free(v);
}

/* An anonymous RW VMA whose offset follows its address, so neighbours merge. */
static struct vma *mk(uint64_t start, uint64_t end)
{
	struct vma *v = malloc(sizeof(*v));

	ck_assert_ptr_nonnull(v);
	*v = (struct vma){ .start = start, .end = end, .prot = 3, .kind = VMA_ANON,
			   .obj = &obj_a, .off = start, .pgoff = start / P, .name = name_a };
	return v;
}

static struct vma *add(struct vma_tree *t, uint64_t start, uint64_t end)
{
	struct vma *v = mk(start, end);

	ck_assert_int_eq(vma_insert(t, v), 0);
	ck_assert_int_eq(vma_tree_check(t), 0);
	return v;
}

START_TEST(test_lookup_boundaries)
{
	/* v[1] = [4, 8) and v[2] = [8, 10) pages; v[0] is NULL. fn 0: lookup,
	 * 1: find, 2: intersection of [x, y); want: the v[] it must give. */
	static const struct { int fn; uint64_t x, y; int want; } q[] = {
		{ 0, 4 * P - 1, 0, 0 }, { 0, 4 * P, 0, 1 }, { 0, 8 * P - 1, 0, 1 },
		{ 0, 8 * P, 0, 2 }, { 0, 10 * P - 1, 0, 2 }, { 0, 10 * P, 0, 0 },
		{ 1, 0, 0, 1 }, { 1, 8 * P - 1, 0, 1 }, { 1, 8 * P, 0, 2 },
		{ 1, 10 * P - 1, 0, 2 }, { 1, 10 * P, 0, 0 },
		{ 2, 0, 4 * P, 0 }, { 2, 0, 4 * P + 1, 1 }, { 2, 8 * P - 1, 9 * P, 1 },
		{ 2, 8 * P, 9 * P, 2 }, { 2, 10 * P, 20 * P, 0 },
		{ 2, 5 * P, 5 * P, 0 }, { 2, 0, UINT64_MAX, 1 },
	};
	struct vma_tree t;
	struct vma *v[3] = { NULL };
	unsigned i;

	vma_tree_init(&t);
	ck_assert(vma_tree_check(&t) == 0 && !vma_first(&t) && !vma_find(&t, 0));
	ck_assert(!vma_lookup(&t, 0) && !vma_find_intersection(&t, 0, UINT64_MAX));
	v[2] = add(&t, 8 * P, 10 * P);
	v[1] = add(&t, 4 * P, 8 * P);
	for (i = 0; i < N(q); i++) {
		struct vma *got = q[i].fn == 0 ? vma_lookup(&t, q[i].x) :
				  q[i].fn == 1 ? vma_find(&t, q[i].x) :
				  vma_find_intersection(&t, q[i].x, q[i].y);

		ck_assert_msg(got == v[q[i].want], "query %u", i);
	}
	ck_assert(vma_first(&t) == v[1] && vma_next(v[1]) == v[2] && !vma_next(v[2]));
	ck_assert(vma_prev(v[2]) == v[1] && !vma_prev(v[1]));
	vma_tree_clear(&t, NULL);
}
END_TEST

START_TEST(test_insert_rejects)
{
	static const uint64_t bad[][3] = {
		/* start, end, expected error */
		{ 5 * P, 5 * P, EINVAL }, { 6 * P, 5 * P, EINVAL },
		{ 5 * P + 1, 6 * P, EINVAL }, { 5 * P, 6 * P - 1, EINVAL },
		{ 10 * P, 20 * P, EEXIST }, { 12 * P, 13 * P, EEXIST },
		{ 9 * P, 21 * P, EEXIST }, { 9 * P, 11 * P, EEXIST },
		{ 19 * P, 22 * P, EEXIST }, { 10 * P, 11 * P, EEXIST },
		{ 19 * P, 20 * P, EEXIST },
	};
	struct vma_tree t;
	unsigned i;

	vma_tree_init(&t);
	add(&t, 10 * P, 20 * P);
	for (i = 0; i < N(bad); i++) {
		struct vma *v = mk(bad[i][0], bad[i][1]);

		ck_assert_int_eq(vma_insert(&t, v), -(int)bad[i][2]);
		free(v);
		ck_assert_uint_eq(t.count, 1);
		ck_assert_int_eq(vma_tree_check(&t), 0);
	}
	add(&t, 9 * P, 10 * P);		/* touching on both sides is fine */
	add(&t, 20 * P, 21 * P);
	vma_tree_clear(&t, NULL);
}
END_TEST

START_TEST(test_balanced)
{
	struct vma_tree t;
	uint64_t i;

	/* Ascending insertion of 2^k - 1 keys leaves an AVL tree perfect. */
	vma_tree_init(&t);
	for (i = 0; i < 1023; i++)
		add(&t, (i + 1) * P, (i + 2) * P);
	ck_assert_int_eq(t.root->height, 10);
	ck_assert_ptr_eq(vma_lookup(&t, 600 * P + 5), vma_find(&t, 600 * P));
	ck_assert_uint_eq(vma_lookup(&t, 600 * P)->start, 600 * P);
	vma_tree_clear(&t, NULL);
}
END_TEST

START_TEST(test_remove_positions)
{
	struct vma_tree t;
	struct vma *v[40];
	unsigned n, i, j, k;

	for (n = 1; n <= 40; n++) {
		for (i = 0; i < n; i++) {
			/* Evens up then odds down, so the shape is not a plain ramp. */
			vma_tree_init(&t);
			for (j = 0; j < n; j++) {
				k = j < (n + 1) / 2 ? 2 * j : n - 1 - n % 2 - 2 * (j - (n + 1) / 2);
				v[k] = add(&t, (2 * k + 1) * P, (2 * k + 2) * P);
			}
			vma_remove(&t, v[i]);
			ck_assert(vma_tree_check(&t) == 0 && t.count == n - 1);
			ck_assert_ptr_null(vma_lookup(&t, (2 * i + 1) * P));
			ck_assert_ptr_eq(vma_first(&t), i ? v[0] : n > 1 ? v[1] : NULL);
			if (i > 0 && i + 1 < n)
				ck_assert(vma_next(v[i - 1]) == v[i + 1] &&
					  vma_prev(v[i + 1]) == v[i - 1]);
			free(v[i]);
			/* Then empty the rest in a scattered order. */
			for (j = 0; t.count; j++) {
				k = (j * 43 + n / 2) % n;	/* 43: prime, > n */
				if (vma_lookup(&t, (2 * k + 1) * P)) {
					vma_remove(&t, v[k]);
					free(v[k]);
					ck_assert_int_eq(vma_tree_check(&t), 0);
				}
			}
		}
	}
}
END_TEST

START_TEST(test_split)
{
	static const uint64_t bad[] = { 10 * P, 20 * P, 5 * P, 30 * P, 12 * P + 8 };
	struct vma_tree t;
	struct vma *v, *n;
	unsigned i;

	vma_tree_init(&t);
	v = add(&t, 10 * P, 20 * P);
	v->off = 100 * P;
	v->pgoff = 7;
	for (i = 0; i < N(bad); i++)
		ck_assert(!vma_split(&t, v, bad[i]) && v->end == 20 * P && t.count == 1);
	n = vma_split(&t, v, 13 * P);
	ck_assert(n && n != v);
	ck_assert(v->start == 10 * P && v->end == 13 * P);
	ck_assert(v->off == 100 * P && v->pgoff == 7);
	ck_assert(n->start == 13 * P && n->end == 20 * P);
	ck_assert(n->off == 103 * P && n->pgoff == 10);	/* bytes, pages */
	ck_assert(n->obj == v->obj && n->name == v->name && n->prot == v->prot);
	ck_assert_ptr_eq(vma_lookup(&t, 13 * P), n);
	ck_assert_ptr_eq(vma_lookup(&t, 13 * P - 1), v);
	ck_assert_ptr_eq(vma_next(v), n);
	ck_assert_int_eq(vma_tree_check(&t), 0);
	ck_assert(vma_can_merge(v, n));		/* and the halves fold back */
	vma_tree_clear(&t, NULL);
}
END_TEST

START_TEST(test_can_merge_fields)
{
	struct vma a = { .start = 10 * P, .end = 12 * P, .prot = 1, .kind = VMA_FILE_PRIV,
			 .obj = &obj_a, .off = 4 * P, .dev = 8, .ino = 99, .pgoff = 3,
			 .name = name_a };
	struct vma b = a;

	b.start = 12 * P;
	b.end = 13 * P;
	b.off = 6 * P;
	b.pgoff = 5;
	ck_assert(vma_can_merge(&a, &b));
	ck_assert(!vma_can_merge(&b, &a));	/* order matters */

#define DIFFERS(field, value) do {					\
		struct vma c = b;					\
		c.field = value;					\
		ck_assert_msg(!vma_can_merge(&a, &c), #field);		\
	} while (0)
	DIFFERS(start, 13 * P);
	DIFFERS(prot, 3);
	DIFFERS(flags, VMA_LOCKED);
	DIFFERS(kind, VMA_FILE_SHARED);
	DIFFERS(obj, &obj_b);
	DIFFERS(obj, NULL);
	DIFFERS(name, name_b);		/* same text, other pointer */
	DIFFERS(off, 7 * P);
	DIFFERS(dev, 9);
	DIFFERS(ino, 98);
	DIFFERS(pgoff, 6);

	/* pgoff, dev and ino matter only for files. */
	a.kind = b.kind = VMA_ANON;
	b.pgoff = 1234;
	b.ino = 1;
	ck_assert(vma_can_merge(&a, &b));
	DIFFERS(off, 5 * P);
	a.kind = b.kind = VMA_FILE_SHARED;
	ck_assert(!vma_can_merge(&a, &b));
	b.pgoff = 5;
	b.ino = 99;
	ck_assert(vma_can_merge(&a, &b));
	a.flags = b.flags = VMA_SEALED;
	ck_assert(!vma_can_merge(&a, &b));
	a.flags = b.flags = 0;
	for (int k = VMA_ANON; k <= VMA_SPECIAL; k++) {
		a.kind = b.kind = k;
		ck_assert(vma_can_merge(&a, &b) == (k != VMA_HOST && k != VMA_SPECIAL));
	}
#undef DIFFERS
}
END_TEST

START_TEST(test_merge)
{
	struct vma_tree t;
	struct vma *a, *b, *c, *d;

	vma_tree_init(&t);
	a = add(&t, 1 * P, 2 * P);
	b = add(&t, 2 * P, 4 * P);
	d = add(&t, 5 * P, 6 * P);
	released = 0;
	ck_assert_ptr_eq(vma_merge(&t, b, count_release), a);	/* prev */
	ck_assert(released == 1 && t.count == 2 && a->end == 4 * P && vma_next(a) == d);
	ck_assert_ptr_eq(vma_merge(&t, d, count_release), d);	/* nothing */
	ck_assert(released == 1 && t.count == 2 && d->start == 5 * P);
	c = add(&t, 4 * P, 5 * P);
	ck_assert_ptr_eq(vma_merge(&t, c, count_release), a);	/* both */
	ck_assert(released == 3 && t.count == 1 && a->start == P && a->end == 6 * P);
	ck_assert(vma_first(&t) == a && !vma_next(a) && a->off == P);
	ck_assert_int_eq(vma_tree_check(&t), 0);

	b = add(&t, 8 * P, 9 * P);
	c = add(&t, 9 * P, 10 * P);
	ck_assert_ptr_eq(vma_merge(&t, b, NULL), b);		/* next, freed */
	ck_assert(b->end == 10 * P && t.count == 2 && vma_tree_check(&t) == 0);

	c = add(&t, 10 * P, 11 * P);	/* differs from b: stays apart */
	c->prot = 1;
	ck_assert_ptr_eq(vma_merge(&t, c, count_release), c);
	ck_assert_uint_eq(t.count, 3);
	ck_assert_int_eq(vma_tree_check(&t), 0);
	released = 0;
	vma_tree_clear(&t, count_release);
	ck_assert_int_eq(released, 3);
	ck_assert(!t.root && !vma_first(&t) && !t.count);
}
END_TEST

START_TEST(test_unmapped_area)
{
	/* With VMAs at [0x10000, 0x12000) [0x13000, 0x20000) [0x30000, 0x31000). */
	static const struct {
		uint64_t len, align, low, high, up, down;	/* bottom-up, top-down */
	} c[] = {
		{ P, P, 0x10000, 0x40000, 0x12000, 0x3f000 },	/* gap at the window's end */
		{ 2 * P, P, 0x10000, 0x40000, 0x20000, 0x3e000 },
		{ P, 0x8000, 0x10000, 0x40000, 0x20000, 0x38000 },
		{ 0x10000, 0x10000, 0x10000, 0x40000, 0x20000, 0x20000 },
		{ 0x11000, P, 0x10000, 0x40000, 0, 0 },
		{ 0xf000, P, 0x10000, 0x40000, 0x20000, 0x31000 },
		{ 0xf001, P, 0x10000, 0x40000, 0x20000, 0x20000 },
		{ P, 0x20000, 0x10000, 0x40000, 0x20000, 0x20000 },
		{ P, P, 0x10000, 0x30800, 0x12000, 0x2f000 },
		{ P, P, 0x11000, 0x13000, 0x12000, 0x12000 },	/* VMAs straddle both ends */
		{ P, P, 0x20000, 0x40000, 0x20000, 0x3f000 },	/* gap at the window's start */
		{ 0xf000, P, 0x21000, 0x30000, 0x21000, 0x21000 },
		{ 0x10000, P, 0x21000, 0x30000, 0, 0 },
		{ P, P, 0x13000, 0x20000, 0, 0 },		/* window all mapped */
		{ P, P, 0x12800, 0x13000, 0, 0 },		/* low unaligned */
		{ P, 0x10000, 0, 0x30000, 0x20000, 0x20000 },
		/* len exactly the window, len over it, bad align, bad window. */
		{ 0x10000, P, 0x40000, 0x50000, 0x40000, 0x40000 },
		{ 0x10001, P, 0x40000, 0x50000, 0, 0 },
		{ P, 3 * P, 0x40000, 0x50000, 0, 0 },
		{ P, P / 2, 0x40000, 0x50000, 0, 0 },
		{ 0, P, 0x40000, 0x50000, 0, 0 },
		{ P, P, 0x50000, 0x40000, 0, 0 },
		{ P, P, 0x40000, 0x40000, 0, 0 },
		/* 0 means "none", so address 0 is never handed out. */
		{ P, P, 0, 0x10000, P, 0xf000 },
		{ P, 0x100000, 0, 0x200000, 0x100000, 0x100000 },
		{ P, 0x100000, 0, 0x100000, 0, 0 },
		{ P, P, 0, P, 0, 0 },
		/* Against the top of the address space (high is exclusive). */
		{ P, P, -2 * P, -P, -2 * P, -2 * P },
		{ P, P, -2 * P, UINT64_MAX, -2 * P, -2 * P },
		{ P, P, -P, UINT64_MAX, 0, 0 },
		{ P, 1ULL << 63, 1ULL << 62, UINT64_MAX, 1ULL << 63, 1ULL << 63 },
		{ P, 1ULL << 63, (1ULL << 63) + P, UINT64_MAX, 0, 0 },
		{ P, 1ULL << 63, 0, UINT64_MAX, 1ULL << 63, 1ULL << 63 },
		{ P, 1ULL << 63, 0, 1ULL << 63, 0, 0 },
	};
	struct vma_tree t;
	unsigned i;

	vma_tree_init(&t);
	add(&t, 0x10000, 0x12000);
	add(&t, 0x13000, 0x20000);
	add(&t, 0x30000, 0x31000);
	for (i = 0; i < N(c); i++) {
		ck_assert_msg(vma_unmapped_area(&t, c[i].len, c[i].align, c[i].low,
						c[i].high, false) == c[i].up, "up %u", i);
		ck_assert_msg(vma_unmapped_area(&t, c[i].len, c[i].align, c[i].low,
						c[i].high, true) == c[i].down, "down %u", i);
	}
	/* A VMA near the very top: only one page above it can be had. */
	add(&t, -3 * P, -2 * P);
	ck_assert_uint_eq(vma_unmapped_area(&t, P, P, -4 * P, UINT64_MAX, true), -2 * P);
	ck_assert_uint_eq(vma_unmapped_area(&t, P, P, -4 * P, -2 * P, true), -4 * P);
	ck_assert_uint_eq(vma_unmapped_area(&t, P, P, -3 * P, UINT64_MAX, false), -2 * P);
	ck_assert_uint_eq(vma_unmapped_area(&t, 2 * P, P, -3 * P, UINT64_MAX, false), 0);
	ck_assert_uint_eq(vma_unmapped_area(&t, 2 * P, P, -3 * P, UINT64_MAX, true), 0);
	vma_tree_clear(&t, NULL);
}
END_TEST

START_TEST(test_check_detects)
{
	struct vma_tree t;
	struct vma *v[7], c[3];
	int codes[9], i, j;

	vma_tree_init(&t);
	for (i = 0; i < 7; i++)
		v[i] = add(&t, (2 * i + 2) * P, (2 * i + 3) * P);
	/* Break one thing, expect its own code, mend it, expect 0 again. */
#define BREAK(k, field, value) do {					\
		__typeof__(field) saved = field;			\
		field = value;						\
		codes[k] = vma_tree_check(&t);				\
		field = saved;						\
		ck_assert_msg(codes[k] < 0, #field);			\
		ck_assert_int_eq(vma_tree_check(&t), 0);		\
	} while (0)
	BREAK(0, t.count, 6);
	BREAK(1, t.first, v[1]);
	BREAK(2, v[3]->next, v[5]);
	BREAK(3, t.root->height, 7);
	BREAK(4, v[5]->end, 15 * P);		/* runs into v[6] */
	BREAK(5, v[5]->start, 2 * P);		/* out of order */
	BREAK(6, v[0]->parent, NULL);
	BREAK(7, v[2]->end, v[2]->start);	/* empty */
#undef BREAK
	v[6]->next = v[0];			/* the list runs on past the end */
	ck_assert_int_lt(vma_tree_check(&t), 0);
	v[6]->next = NULL;
	vma_tree_clear(&t, NULL);

	/* A three-long chain, sound in every way but balance. */
	for (i = 0; i < 3; i++)
		c[i] = (struct vma){ .start = (i + 1) * P, .end = (i + 2) * P,
				     .height = 3 - i, .parent = i ? &c[i - 1] : NULL,
				     .prev = i ? &c[i - 1] : NULL,
				     .right = i < 2 ? &c[i + 1] : NULL,
				     .next = i < 2 ? &c[i + 1] : NULL };
	t.root = t.first = &c[0];
	t.count = 3;
	codes[8] = vma_tree_check(&t);
	ck_assert_int_lt(codes[8], 0);
	for (i = 0; i < 9; i++)
		for (j = 0; j < i; j++)
			ck_assert_int_ne(codes[i], codes[j]);
}
END_TEST

/*
 * The random run: a page map (which VMA owns each page) is the reference.
 * Stress VMAs are anonymous and vary only in prot, sealing and offset, so
 * whether two may merge is easy to say independently of vma_can_merge().
 */
#define NP	512		/* pages VMAs may occupy */
#define NPX	(NP + 16)	/* pages the gap search may look at */

static struct vma *own[NPX];
static uint64_t rng;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545f4914f6cdd1dULL >> 11) % n;
}

static bool ref_mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && !a->flags &&
	       !b->flags && b->off == a->off + (a->end - a->start);
}

static void own_set(uint64_t start, uint64_t end, struct vma *v)
{
	for (uint64_t p = start / P; p < end / P; p++)
		own[p] = v;
}

static void ref_verify(const struct vma_tree *t)
{
	const struct vma *v;
	unsigned long pages = 0, owned = 0;

	ck_assert_int_eq(vma_tree_check(t), 0);
	for (v = vma_first(t); v; v = vma_next(v)) {
		/* Check marks every passing assertion: keep them out of loops. */
		if (v->end > NP * P)
			ck_abort_msg("VMA past the stress area");
		for (uint64_t p = v->start / P; p < v->end / P; p++)
			if (own[p] != v)
				ck_abort_msg("page %#llx not owned by its VMA",
					     (unsigned long long)p);
		pages += (v->end - v->start) / P;
	}
	for (unsigned p = 0; p < NPX; p++)
		owned += own[p] != NULL;
	ck_assert_uint_eq(pages, owned);
}

static void stress_insert(struct vma_tree *t)
{
	uint64_t s = rnd(NP), e = s + 1 + rnd(16), p, c;
	struct vma *v;
	int want = 0;

	if (e > NP)
		e = NP;
	v = mk(s * P, e * P);
	v->prot = rnd(4) ? 3 : 1;
	v->flags = rnd(8) ? 0 : VMA_SEALED;
	v->off += rnd(4) ? 0 : NP * P;
	for (p = s; p < e; p++)
		if (own[p])
			want = -EEXIST;
	if (!rnd(20)) {		/* unaligned either end, or empty */
		c = rnd(3);
		v->start += c == 0 ? 8 : 0;
		v->end = c == 1 ? v->end - 8 : c == 2 ? v->start : v->end;
		want = -EINVAL;
	}
	ck_assert_int_eq(vma_insert(t, v), want);
	if (want)
		free(v);
	else
		own_set(v->start, v->end, v);
}

static void stress_split(struct vma_tree *t, struct vma *v, uint64_t addr)
{
	uint64_t end = v->end, off = v->off, pgoff = v->pgoff, start = v->start;
	struct vma *n = vma_split(t, v, addr);

	if (addr == start || addr % P) {
		ck_assert_ptr_null(n);
		ck_assert_uint_eq(v->end, end);
		return;
	}
	ck_assert(n && v->end == addr && n->start == addr && n->end == end);
	ck_assert(n->off == off + (addr - start));
	ck_assert(n->pgoff == pgoff + (addr - start) / P);
	own_set(addr, end, n);
}

static void stress_merge(struct vma_tree *t, struct vma *v)
{
	struct vma *pv = v->start ? own[v->start / P - 1] : NULL;
	struct vma *nx = own[v->end / P], *want = v, m;
	int n = 0;

	if (pv && ref_mergeable(pv, v)) {
		want = pv;
		n++;
	}
	m = *want;
	m.end = v->end;
	if (nx && ref_mergeable(&m, nx)) {
		m.end = nx->end;
		n++;
	}
	released = 0;
	ck_assert_ptr_eq(vma_merge(t, v, count_release), want);
	ck_assert_int_eq(released, n);
	ck_assert(want->start == m.start && want->end == m.end);
	own_set(m.start, m.end, want);
}

static void stress_query(const struct vma_tree *t)
{
	uint64_t a = rnd(NPX * P), e = a + rnd(20 * P), p;
	struct vma *found = NULL;

	ck_assert_ptr_eq(vma_lookup(t, a), own[a / P]);
	for (p = a / P; p < NPX && !found; p++)
		found = own[p];
	ck_assert_ptr_eq(vma_find(t, a), found);
	found = NULL;
	for (p = a / P; p < NPX && p * P < e && !found; p++)
		found = own[p];
	ck_assert_ptr_eq(vma_find_intersection(t, a, e), found);
}

static void stress_gap(const struct vma_tree *t)
{
	uint64_t len = 1 + rnd(24 * P), align = P << rnd(4);
	uint64_t low = rnd(4) ? rnd(NPX) * P : rnd(NPX * P);
	uint64_t high = low + rnd(NPX * P - low + 1), c, want;
	unsigned run[NPX + 1], pages = (len + P - 1) / P;
	bool top = rnd(2);
	int p;

	/* run[p]: free pages from p on, so each candidate costs O(1). */
	run[NPX] = 0;
	for (p = NPX - 1; p >= 0; p--)
		run[p] = own[p] ? 0 : run[p + 1] + 1;
	want = 0;
	if (!top)
		for (c = ((low ? low : 1) + align - 1) & ~(align - 1);
		     !want && c + len <= high; c += align)
			want = run[c / P] >= pages ? c : 0;
	else if (len <= high)	/* c == 0 would mean "none" anyway */
		for (c = (high - len) & ~(align - 1); !want && c >= low && c; c -= align)
			want = run[c / P] >= pages ? c : 0;
	ck_assert_uint_eq(vma_unmapped_area(t, len, align, low, high, top), want);
}

START_TEST(test_stress)
{
	struct vma_tree t;
	unsigned long count;
	int i, op;

	rng = 0x9e3779b97f4a7c15ULL;	/* fixed seed: a failure replays */
	vma_tree_init(&t);
	memset(own, 0, sizeof(own));
	for (i = 0; i < 20000; i++) {
		struct vma *v = own[rnd(NP)];
		uint64_t addr;

		op = rnd(8);
		if (op < 2) {
			stress_insert(&t);
		} else if (op == 2 && v) {
			own_set(v->start, v->end, NULL);
			vma_remove(&t, v);
			free(v);
		} else if (op == 3 && v) {
			addr = v->start + rnd((v->end - v->start) / P) * P;
			stress_split(&t, v, addr + (rnd(8) ? 0 : 8));	/* some unaligned */
		} else if (op == 4 && v) {
			stress_merge(&t, v);
		} else if (op == 5) {
			stress_query(&t);
		} else if (op > 5) {
			stress_gap(&t);
		}
		if (!rnd(2000)) {
			count = t.count;
			released = 0;
			vma_tree_clear(&t, count_release);
			ck_assert_uint_eq(released, count);
			memset(own, 0, sizeof(own));
		}
		ref_verify(&t);
	}
	vma_tree_clear(&t, NULL);
}
END_TEST

Suite *suite_vma(void)
{
	Suite *s = suite_create("vma");
	TCase *tc = tcase_create("vma");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lookup_boundaries);
	tcase_add_test(tc, test_insert_rejects);
	tcase_add_test(tc, test_balanced);
	tcase_add_test(tc, test_remove_positions);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_can_merge_fields);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_unmapped_area);
	tcase_add_test(tc, test_check_detects);
	tcase_add_test(tc, test_stress);
	suite_add_tcase(s, tc);
	return s;
}
