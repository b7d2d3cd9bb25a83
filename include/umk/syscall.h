/*
 * The syscall table: one entry per syscall number says how umk treats it.
 * The same table builds the seccomp filter, drives dispatch, decodes --trace
 * and generates docs/syscalls.md (umk --syscall-table), so they cannot disagree.
 */
#ifndef UMK_SYSCALL_H
#define UMK_SYSCALL_H

#include <stdio.h>
#include "task.h"

enum sys_class {
	SC_UNKNOWN = 0,	/* not classified: trapped, ENOSYS, logged once */
	SC_NATIVE,	/* SECCOMP_RET_ALLOW: the host runs it, no trap */
	SC_EMULATED,	/* umk implements it against its own state */
	SC_TRANSLATED,	/* umk rewrites pids or paths, then the host runs it */
	SC_DENIED,	/* never reaches the host: fails with desc->deny_errno */
};

/*
 * Argument kinds for --trace, one character per argument:
 *  d int  u unsigned  x hex  p pointer  s string (path)  f dirfd  i fd
 *  S signal  o octal mode  c clone flags  w wait options
 */
struct syscall_desc {
	const char *name;
	enum sys_class cls;
	sys_handler_t handler;	/* SC_EMULATED / SC_TRANSLATED */
	const char *args;
	int deny_errno;		/* SC_DENIED */
	const char *note;	/* for the coverage document */
};

#define SYSCALL_MAX 512

extern const struct syscall_desc syscall_table[SYSCALL_MAX];
extern const char *const syscall_names[SYSCALL_MAX];

const struct syscall_desc *syscall_lookup(long nr);
const char *syscall_name(long nr);	/* "syscall_N" for unknown numbers */
const char *sys_class_name(enum sys_class c);
/* Print the coverage document (markdown) to f. */
void syscall_table_doc(FILE *f);

/* Dispatch a syscall entry (seccomp stop) for t. */
void syscall_enter(struct task *t);
/* Finish t's syscall with ret and resume it. */
void syscall_return(struct task *t, long ret);
/* Called at the syscall-exit stop umk asked for. */
void syscall_exit(struct task *t);
/* Re-run a sleeping task's handler (after a wake-up). */
void syscall_rerun(struct task *t);
/* Let a held sleeper sleep where host signals reach it. */
void syscall_sleep_native(struct task *t);
/* Finish a native sleep the host interrupted, at the stop after its exit. */
void syscall_sleep_interrupted(struct task *t);
/* Wake a task sleeping natively (its exit stop re-runs the handler). */
void syscall_kick(struct task *t);
/* Move sleepers past their grace period into native sleep; ms to the next. */
int syscall_expire_sleepers(void);

#endif
