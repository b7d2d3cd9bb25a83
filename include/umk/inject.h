/*
 * Syscall injection: making a stopped guest thread run syscalls of umk's
 * choosing, and putting umk's descriptors into a guest.
 *
 * A sequence is bracketed by inject_begin() and inject_end(). Each
 * inject_syscall() runs one syscall in the thread and waits for it: one
 * ptrace stop each (the marker stop of the stub, where the result is read).
 * When the sequence began at a seccomp stop, the thread ends it at the
 * marker's seccomp stop with the guest's own registers back in t->sys.regs,
 * so the caller finishes the guest's syscall exactly as from the original
 * stop (skip it with a result, or let it run natively).
 */
#ifndef UMK_INJECT_H
#define UMK_INJECT_H

#include <stdbool.h>
#include <stdint.h>
#include "task.h"

/* The syscall number a guest thread makes to receive a descriptor from umk
 * (seccomp user notification; see inject_install_fd). Never a real one. */
#define UMK_NR_NOTIFY 1015

/* Injection failed because the thread is gone (killed, exec by another thread). */
#define INJECT_DEAD (-100010L)

/* Start a sequence on t, which is in a ptrace stop umk holds. */
void inject_begin(struct task *t);
/* Run nr(args) in t; its result or -errno, INJECT_DEAD, or -ENOEXEC when the
 * process has no stub mapped. */
long inject_syscall(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t a5);
/* Map the stub and scratch window (t at a syscall-entry stop): 0 or -errno. */
long inject_map_window(struct task *t, uint64_t addr, uint64_t len, uint64_t off, bool replace);
/*
 * Put umk's descriptor fd into t's process: at number target (replacing what
 * is there; may be above the guest's fd limit), or the lowest free number
 * when target < 0. Returns the guest's number or -errno.
 */
long inject_install_fd(struct task *t, int fd, int target, bool cloexec);
/*
 * The last syscall of a sequence that did not begin at a syscall entry (a
 * fork child's first stop, where the guest is returning from a syscall):
 * nr(a) runs when the caller resumes the thread, and the stub's trampoline
 * takes it straight back to its own registers, with no marker stop. The
 * trampoline checks the result: anything but expect traps there, and
 * inject_tramp_fixup() reports it. Ends the sequence. 0, -ENOSPC when t has
 * no scratch slot (end with inject_syscall and inject_end), or -errno.
 */
long inject_syscall_tail(struct task *t, long nr, const uint64_t a[6], uint64_t expect);
/* End the sequence: the guest's registers are back (see above). */
void inject_end(struct task *t);

/* Seccomp user notifications: the listener from the filter's install. */
void inject_set_listener(int fd);
int inject_listener(void);
/* Answer notifications no injection asked for (a guest making syscall
 * UMK_NR_NOTIFY itself gets ENOSYS). Called when the listener is readable. */
void inject_handle_notifications(void);

/* A native syscall with rewritten arguments that returns through the stub's
 * trampoline, restoring the guest's argument registers without an exit stop.
 * False when t has no scratch slot (use the exit stop then). */
bool inject_tramp_prepare(struct task *t);
/* The same through the retry trampoline: when the call returns match, the
 * guest's own syscall runs again (traps again). False without a slot. */
bool inject_tramp_prepare_retry(struct task *t, uint64_t match);
/* The same from an event stop inside a native syscall (a fork event): the
 * syscall returns result (its own result is match). False without a slot. */
bool inject_tramp_event(struct task *t, uint64_t match, uint64_t result);
/* At a signal-delivery stop: finish a trampoline the thread is inside, so the
 * signal frame holds the guest's own registers. False when the thread's
 * checked tail syscall failed (see inject_syscall_tail). */
bool inject_tramp_fixup(struct task *t);
bool inject_tramp_fixup_regs(struct task *t, struct arch_regs *r);

#endif
