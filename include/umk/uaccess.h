/*
 * Guest memory access. Every handler reads and writes guest memory through
 * these, never directly: a bad guest pointer gives -EFAULT, never a crash.
 */
#ifndef UMK_UACCESS_H
#define UMK_UACCESS_H

#include <stddef.h>
#include <stdint.h>
#include "task.h"

int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t len);
int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t len);
/* Copy a NUL-terminated string of at most max bytes (NUL included).
 * Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL fits in max. */
long strncpy_from_guest(struct task *t, char *dst, uint64_t src, size_t max);
/* An extensible struct (clone3's clone_args, openat2's open_how), as Linux's
 * copy_struct_from_user(): the guest's usize bytes into a ksize struct,
 * zero-filled; a larger guest struct must have only zeros past ksize (E2BIG). */
int copy_struct_from_guest(struct task *t, void *dst, size_t ksize, uint64_t src, size_t usize);
/* Place a copy of a rewritten argument where the host will read it: the
 * thread's scratch area (read-only to the guest), or below the stack's red
 * zone (*sp moves down) when it does not fit. Its guest address in *addr. */
int push_to_guest_stack(struct task *t, uint64_t *sp, const void *data, size_t len,
			uint64_t *addr);
/* The same, below the red zone, for arguments the host writes back into. */
int push_to_guest_stack_writable(struct task *t, uint64_t *sp, const void *data, size_t len,
				 uint64_t *addr);

#endif
