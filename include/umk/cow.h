/*
 * Copy-on-write fork with userfaultfd (see src/cow.c).
 */
#ifndef UMK_COW_H
#define UMK_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct task;
struct mm;
struct vma;
struct memobj;

/* A child's extent that still waits for the data of its parent's. */
struct cow_dep {
	uint64_t dst, src, len;
};

/* The VMAs a fork under way will give the child lazily (see cow_fork_prepare). */
struct cow_plan_entry {
	uint64_t start, end;	/* the parent's VMA when planned */
	uint64_t src, dst, len;	/* its extent, and the child's */
};

struct cow_plan {
	struct cow_plan_entry *e;
	size_t n, cap;
};

/* Open /dev/userfaultfd and check the kernel: 0, or -errno (eager forks only). */
int cow_init(void);
bool cow_available(void);

/* At a fork's syscall entry (t at a seccomp stop, may inject): plan which
 * VMAs the child gets lazily, write-protect them in the parent. */
int cow_fork_prepare(struct task *t);
/* mm_fork(): if v (the parent's) was planned, make n (the child's copy) lazy. */
/* Whether the fork under way copies v lazily (cow_fork_vma would take it). */
bool cow_plan_takes(struct task *parent, const struct vma *v);
bool cow_fork_vma(struct task *parent, const struct vma *v, struct vma *n);
/* mm_fork() is over (cm NULL when it failed): the child's userfaultfd. */
void cow_fork_done(struct task *parent, struct mm *cm);
/* The fork parent's clone ended without a fork event (it failed). */
void cow_fork_failed(struct task *t);
/* A fork that never happened (the clone failed). */
void cow_plan_cancel(struct mm *mm);
/* The child's first stop, after its lazy VMA v was remapped. */
int cow_child_register(struct mm *mm, struct vma *v);

/* Before umk reads (or, as_src, writes or frees) [off, off+len) of o: copy
 * in what it waits for (and, as_src, out to what waits for it). */
void cow_settle(struct memobj *o, uint64_t off, uint64_t len, bool as_src);
/* The range is freed or zeroed: settle what others need, forget the rest. */
void cow_forget(struct memobj *o, uint64_t off, uint64_t len);
void cow_dep_add(struct memobj *o, uint64_t dst, uint64_t src, uint64_t len);
void cow_mm_release(struct mm *mm);

#endif
