/* The pid allocator: alloc_pid's cyclic allocation, reuse, limits, levels. */
#include <errno.h>
#include <check.h>
#include "umk/pid.h"

/* Numbers are handed out in order from 1. */
START_TEST(test_sequential)
{
	struct pid_namespace *ns = pid_ns_create(NULL, 1000);
	struct pid *a = alloc_pid(ns, 0), *b = alloc_pid(ns, 0), *c = alloc_pid(ns, 0);

	ck_assert_int_eq(pid_nr_ns(a, ns), 1);
	ck_assert_int_eq(pid_nr_ns(b, ns), 2);
	ck_assert_int_eq(pid_nr_ns(c, ns), 3);
	ck_assert_ptr_eq(find_pid_ns(2, ns), b);
	put_pid(a);
	put_pid(b);
	put_pid(c);
	ck_assert_ptr_null(find_pid_ns(2, ns));
	pid_ns_put(ns);
}
END_TEST

/* A freed number is not reused until the cursor wraps (next free above the last). */
START_TEST(test_no_immediate_reuse)
{
	struct pid_namespace *ns = pid_ns_create(NULL, 1000);
	struct pid *a = alloc_pid(ns, 0), *b = alloc_pid(ns, 0), *c;

	put_pid(a);
	c = alloc_pid(ns, 0);
	ck_assert_int_eq(pid_nr_ns(c, ns), 3);
	put_pid(b);
	put_pid(c);
	pid_ns_put(ns);
}
END_TEST

/* Past pid_max, allocation wraps to RESERVED_PIDS (300), skipping used numbers. */
START_TEST(test_wrap_to_300)
{
	struct pid_namespace *ns = pid_ns_create(NULL, 310);
	struct pid *p[400];
	int i, n = 0;

	for (i = 1; i < 310; i++)
		p[n++] = alloc_pid(ns, 0);
	ck_assert_int_eq(pid_nr_ns(p[308], ns), 309);
	/* Full: EAGAIN. */
	errno = 0;
	ck_assert_ptr_null(alloc_pid(ns, 0));
	ck_assert_int_eq(errno, EAGAIN);
	/* Free 5, 301 and 305: the next allocation wraps to 300 and finds 301. */
	put_pid(p[4]);
	put_pid(p[300]);
	put_pid(p[304]);
	struct pid *x = alloc_pid(ns, 0), *y = alloc_pid(ns, 0);

	ck_assert_int_eq(pid_nr_ns(x, ns), 301);
	ck_assert_int_eq(pid_nr_ns(y, ns), 305);
	/* 5 is below RESERVED_PIDS: not handed out again after the wrap. */
	errno = 0;
	ck_assert_ptr_null(alloc_pid(ns, 0));
	ck_assert_int_eq(errno, EAGAIN);
	put_pid(x);
	put_pid(y);
	for (i = 0; i < n; i++)
		if (i != 4 && i != 300 && i != 304)
			put_pid(p[i]);
	pid_ns_put(ns);
}
END_TEST

/* Before the cursor passes 300, a wrap starts again from 1. */
START_TEST(test_wrap_small_max)
{
	struct pid_namespace *ns = pid_ns_create(NULL, 4);
	struct pid *a = alloc_pid(ns, 0), *b = alloc_pid(ns, 0), *c = alloc_pid(ns, 0);

	ck_assert_int_eq(pid_nr_ns(c, ns), 3);
	put_pid(a);
	a = alloc_pid(ns, 0);
	ck_assert_int_eq(pid_nr_ns(a, ns), 1);
	put_pid(a);
	put_pid(b);
	put_pid(c);
	pid_ns_put(ns);
}
END_TEST

/* A pid in a nested namespace has a number per level, each from its own allocator. */
START_TEST(test_nested_levels)
{
	struct pid_namespace *top = pid_ns_create(NULL, 1000);
	struct pid *a = alloc_pid(top, 0), *b = alloc_pid(top, 0);
	struct pid_namespace *child = pid_ns_create(top, 1000);
	struct pid *c = alloc_pid(child, 0);

	ck_assert_int_eq(c->level, 1);
	ck_assert_int_eq(pid_nr_ns(c, child), 1);
	ck_assert_int_eq(pid_nr_ns(c, top), 3);
	/* A parent-level pid has no number in the child namespace. */
	ck_assert_int_eq(pid_nr_ns(a, child), 0);
	ck_assert_ptr_eq(find_pid_ns(3, top), c);
	ck_assert_ptr_eq(find_pid_ns(1, child), c);
	ck_assert_ptr_eq(pid_ns_of(c), child);
	put_pid(c);
	ck_assert_ptr_null(find_pid_ns(3, top));
	pid_ns_put(child);
	put_pid(a);
	put_pid(b);
	pid_ns_put(top);
}
END_TEST

/* clone3 set_tid takes the requested number, or EEXIST. */
START_TEST(test_set_tid)
{
	struct pid_namespace *ns = pid_ns_create(NULL, 1000);
	struct pid *a = alloc_pid(ns, 42), *b;

	ck_assert_int_eq(pid_nr_ns(a, ns), 42);
	errno = 0;
	ck_assert_ptr_null(alloc_pid(ns, 42));
	ck_assert_int_eq(errno, EEXIST);
	b = alloc_pid(ns, 0);
	ck_assert_int_eq(pid_nr_ns(b, ns), 1);	/* the cursor did not move */
	put_pid(a);
	put_pid(b);
	pid_ns_put(ns);
}
END_TEST

/* References keep a number allocated (a process group outliving its leader). */
START_TEST(test_refcount)
{
	struct pid_namespace *ns = pid_ns_create(NULL, 1000);
	struct pid *a = alloc_pid(ns, 0);

	get_pid(a);
	put_pid(a);
	ck_assert_ptr_eq(find_pid_ns(1, ns), a);
	put_pid(a);
	ck_assert_ptr_null(find_pid_ns(1, ns));
	pid_ns_put(ns);
}
END_TEST

Suite *suite_pid(void)
{
	Suite *s = suite_create("pid");
	TCase *tc = tcase_create("alloc");

	tcase_add_test(tc, test_sequential);
	tcase_add_test(tc, test_no_immediate_reuse);
	tcase_add_test(tc, test_wrap_to_300);
	tcase_add_test(tc, test_wrap_small_max);
	tcase_add_test(tc, test_nested_levels);
	tcase_add_test(tc, test_set_tid);
	tcase_add_test(tc, test_refcount);
	suite_add_tcase(s, tc);
	return s;
}
