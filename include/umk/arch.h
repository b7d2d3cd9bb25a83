/*
 * The platform interface: everything that depends on the CPU architecture and
 * on the syscall ABI. Implemented in src/arch/<arch>/. Kept thin so the
 * arch-neutral kernel can be unit-tested against a fake register set.
 *
 * A stopped guest thread's registers are fetched once per stop into a
 * struct arch_regs; handlers read and edit that copy, and it is stored back
 * only when something changed.
 */
#ifndef UMK_ARCH_H
#define UMK_ARCH_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

struct arch_regs {
	uint64_t r[27];		/* x86-64: struct user_regs_struct */
};

int arch_regs_fetch(pid_t tid, struct arch_regs *r);
int arch_regs_store(pid_t tid, const struct arch_regs *r);

long arch_syscall_nr(const struct arch_regs *r);
void arch_set_syscall_nr(struct arch_regs *r, long nr);
uint64_t arch_syscall_arg(const struct arch_regs *r, int i);
void arch_set_syscall_arg(struct arch_regs *r, int i, uint64_t v);
long arch_return_value(const struct arch_regs *r);
void arch_set_return_value(struct arch_regs *r, long v);
/* At a syscall-entry stop: do not run the syscall; return ret instead. */
void arch_skip_syscall(struct arch_regs *r, long ret);
uint64_t arch_stack_pointer(const struct arch_regs *r);
uint64_t arch_instruction_pointer(const struct arch_regs *r);

/* Stack space below sp that the ABI leaves to running code (x86-64: 128). */
#define ARCH_RED_ZONE 128
/* AUDIT_ARCH_* of the native syscall ABI, for the seccomp filter. */
uint32_t arch_audit(void);

#endif
