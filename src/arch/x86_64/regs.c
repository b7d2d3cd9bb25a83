/* x86-64 registers and syscall ABI as seen through ptrace. */
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <linux/audit.h>
#include "umk/arch.h"

_Static_assert(sizeof(struct user_regs_struct) == sizeof(struct arch_regs),
	       "struct arch_regs must hold user_regs_struct");

#define R(r) ((struct user_regs_struct *)(r))
#define CR(r) ((const struct user_regs_struct *)(r))

int arch_regs_fetch(pid_t tid, struct arch_regs *r)
{
	return ptrace(PTRACE_GETREGS, tid, 0, r) < 0 ? -errno : 0;
}

int arch_regs_store(pid_t tid, const struct arch_regs *r)
{
	return ptrace(PTRACE_SETREGS, tid, 0, r) < 0 ? -errno : 0;
}

/* At a syscall stop the number is in orig_rax (rax holds -ENOSYS). */
long arch_syscall_nr(const struct arch_regs *r)
{
	return (long)CR(r)->orig_rax;
}

void arch_set_syscall_nr(struct arch_regs *r, long nr)
{
	R(r)->orig_rax = (unsigned long)nr;
}

uint64_t arch_syscall_arg(const struct arch_regs *r, int i)
{
	switch (i) {
	case 0: return CR(r)->rdi;
	case 1: return CR(r)->rsi;
	case 2: return CR(r)->rdx;
	case 3: return CR(r)->r10;
	case 4: return CR(r)->r8;
	default: return CR(r)->r9;
	}
}

void arch_set_syscall_arg(struct arch_regs *r, int i, uint64_t v)
{
	switch (i) {
	case 0: R(r)->rdi = v; break;
	case 1: R(r)->rsi = v; break;
	case 2: R(r)->rdx = v; break;
	case 3: R(r)->r10 = v; break;
	case 4: R(r)->r8 = v; break;
	default: R(r)->r9 = v; break;
	}
}

long arch_return_value(const struct arch_regs *r)
{
	return (long)CR(r)->rax;
}

void arch_set_return_value(struct arch_regs *r, long v)
{
	R(r)->rax = (unsigned long)v;
}

/* orig_rax = -1 makes the kernel skip the call; rax is what the guest sees. */
void arch_skip_syscall(struct arch_regs *r, long ret)
{
	R(r)->orig_rax = (unsigned long)-1L;
	R(r)->rax = (unsigned long)ret;
}

/* `syscall` is two bytes (0f 05); rax holds the number again. */
void arch_restart_syscall(struct arch_regs *r, long nr)
{
	R(r)->rax = (unsigned long)nr;
	R(r)->rip -= 2;
}

uint64_t arch_stack_pointer(const struct arch_regs *r)
{
	return CR(r)->rsp;
}

uint64_t arch_instruction_pointer(const struct arch_regs *r)
{
	return CR(r)->rip;
}

uint32_t arch_audit(void)
{
	return AUDIT_ARCH_X86_64;
}
