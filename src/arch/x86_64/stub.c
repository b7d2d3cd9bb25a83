/*
 * The injection stub: a page of x86-64 code umk maps (read-only) into every
 * guest address space, at the start of the process's scratch window.
 *
 *   +0x00  syscall            an injected syscall (rarely entered here)
 *   +0x02  mov %rax,%rbx      where an injected syscall returns: keep its result
 *   +0x05  mov $getpid,%eax   the marker: a syscall the filter always traps, so
 *   +0x0a  syscall            umk gets a seccomp stop with the result in rbx
 *   +0x0c  ud2                (a guest that jumps here on its own gets SIGILL)
 *   +0x10  trampoline         optionally turn the result into the one the
 *                             guest's syscall owes (brk returns the break, not
 *                             the address an mmap returns), reload the argument
 *                             registers, rbx and the return address from the
 *                             thread's scratch slot (rbx points at it) and jump
 *                             back to guest code
 *   +0x4f  ud2                a checked syscall (the last of an injected
 *                             sequence that returns straight to the guest) did
 *                             not return what umk expected
 *   +0x51  retry trampoline   the same return for a call umk may have to run
 *                             again: when the result is the one umk named (an
 *                             open the host refused after a rename race), the
 *                             guest's registers come back with rax = its
 *                             syscall number and rip on its syscall
 *                             instruction, so the call traps again
 *
 * None of it gives a guest anything its own code could not do: the syscalls
 * in it trap like any other, and umk treats a stop there as an injection step
 * only when it has an injection under way for that very thread.
 */
#include <elf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include "umk/arch.h"

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl umk_stub_start\n"
	"umk_stub_start:\n"
	"	syscall\n"
	"	mov %rax,%rbx\n"
	"	mov $" "39" ",%eax\n"
	"	syscall\n"
	"	ud2\n"
	"	.balign 16, 0xcc\n"
	"	cmpq $0,0x58(%rbx)\n"
	"	je 3f\n"
	"	cmp 0x40(%rbx),%rax\n"
	"	jne 1f\n"
	"	mov 0x48(%rbx),%rax\n"
	"	jmp 3f\n"
	"1:	cmpq $2,0x58(%rbx)\n"
	"	je 4f\n"
	"	mov 0x50(%rbx),%rax\n"
	"3:	mov (%rbx),%rdi\n"
	"	mov 0x8(%rbx),%rsi\n"
	"	mov 0x10(%rbx),%rdx\n"
	"	mov 0x18(%rbx),%r10\n"
	"	mov 0x20(%rbx),%r8\n"
	"	mov 0x28(%rbx),%r9\n"
	"	mov 0x30(%rbx),%rcx\n"
	"	mov 0x38(%rbx),%rbx\n"
	"	jmp *%rcx\n"
	"4:	ud2\n"
	"5:	cmp 0x40(%rbx),%rax\n"
	"	je 6f\n"
	"	jmp 3b\n"
	"6:	mov 0x48(%rbx),%rax\n"
	"	mov (%rbx),%rdi\n"
	"	mov 0x8(%rbx),%rsi\n"
	"	mov 0x10(%rbx),%rdx\n"
	"	mov 0x18(%rbx),%r10\n"
	"	mov 0x20(%rbx),%r8\n"
	"	mov 0x28(%rbx),%r9\n"
	"	mov 0x30(%rbx),%rcx\n"
	"	sub $2,%rcx\n"
	"	mov 0x38(%rbx),%rbx\n"
	"	jmp *%rcx\n"
	".globl umk_stub_end\n"
	"umk_stub_end:\n"
	".popsection\n");

extern const unsigned char umk_stub_start[], umk_stub_end[];

_Static_assert(SYS_getpid == 39, "the marker above is getpid");
_Static_assert(ARCH_STUB_RETRY == 0x51, "arch.h's offsets match the code above");

const unsigned char *arch_stub_code(size_t *len)
{
	*len = (size_t)(umk_stub_end - umk_stub_start);
	if (*len != ARCH_STUB_END)
		abort();	/* arch.h's offsets no longer match the code */
	return umk_stub_start;
}

#define R(r) ((struct user_regs_struct *)(r))
#define CR(r) ((const struct user_regs_struct *)(r))

void arch_set_instruction_pointer(struct arch_regs *r, uint64_t ip)
{
	R(r)->rip = ip;
}

uint64_t arch_inject_result(const struct arch_regs *r)
{
	return CR(r)->rbx;
}

/*
 * Point a thread that is in a seccomp stop at the stub: the syscall in
 * orig_rax (set by the caller) runs, then returns to +0x02 and traps at the
 * marker.
 */
void arch_inject_at_entry(struct arch_regs *r, uint64_t stub, long nr, const uint64_t a[6])
{
	R(r)->orig_rax = (unsigned long)nr;
	for (int i = 0; i < 6; i++)
		arch_set_syscall_arg(r, i, a[i]);
	R(r)->rip = stub + ARCH_STUB_AFTER;
}

/*
 * From a stop that is not a syscall entry (an event, a signal, a group stop):
 * run straight into the marker. orig_rax = -1 keeps the kernel's syscall
 * restart logic away from registers that are no longer the guest's.
 */
void arch_inject_from_stop(struct arch_regs *r, uint64_t stub)
{
	R(r)->orig_rax = (unsigned long)-1L;
	R(r)->rip = stub + ARCH_STUB_MARKER;
}

/*
 * A native syscall with rewritten arguments that returns through the
 * trampoline: the guest's own argument registers, return address and rbx go
 * to the slot; the thread returns to the trampoline with rbx = slot.
 */
void arch_tramp_prepare(struct arch_regs *r, struct arch_tramp_slot *slot,
			const uint64_t guest_args[6], uint64_t stub, uint64_t slot_addr)
{
	for (int i = 0; i < 6; i++)
		slot->args[i] = guest_args[i];
	slot->ip = R(r)->rip;
	slot->override = 0;
	slot->saved = R(r)->rbx;
	R(r)->rbx = slot_addr;
	R(r)->rip = stub + ARCH_STUB_TRAMP;
}

/*
 * The last syscall of an injected sequence (r at its entry, guest holding
 * the thread's own registers) returns through the trampoline straight to
 * the guest: as from a syscall of its own, rcx and r11 are the only
 * registers it loses, and rax is set by the override.
 */
void arch_tramp_prepare_tail(struct arch_regs *r, struct arch_tramp_slot *slot,
			     const struct arch_regs *guest, uint64_t stub, uint64_t slot_addr)
{
	for (int i = 0; i < 6; i++)
		slot->args[i] = arch_syscall_arg(guest, i);
	slot->ip = CR(guest)->rip;
	slot->saved = CR(guest)->rbx;
	slot->override = 0;
	R(r)->rsp = CR(guest)->rsp;	/* a new image's: the injections ran on the stub's */
	R(r)->rbx = slot_addr;
	R(r)->rip = stub + ARCH_STUB_TRAMP;
}

/* The retry trampoline (above): the call runs again if it returns match. */
void arch_tramp_prepare_retry(struct arch_regs *r, struct arch_tramp_slot *slot,
			      const uint64_t guest_args[6], long nr, uint64_t match,
			      uint64_t stub, uint64_t slot_addr)
{
	arch_tramp_prepare(r, slot, guest_args, stub, slot_addr);
	slot->match = match;
	slot->on_match = (uint64_t)nr;
	R(r)->rip = stub + ARCH_STUB_RETRY;
}

/* Make the trampoline return on_match when the syscall returned match, and
 * on_miss otherwise. */
void arch_tramp_override(struct arch_tramp_slot *slot, uint64_t match, uint64_t on_match,
			 uint64_t on_miss)
{
	slot->match = match;
	slot->on_match = on_match;
	slot->on_miss = on_miss;
	slot->override = 1;
}

/* The trampoline returns result when the syscall returned expect, and
 * traps at ARCH_STUB_TAIL_FAIL otherwise. */
void arch_tramp_check(struct arch_tramp_slot *slot, uint64_t expect, uint64_t result)
{
	slot->match = expect;
	slot->on_match = result;
	slot->on_miss = 0;
	slot->override = 2;
}

/* Offsets in the trampoline above: the result is decided at MATCHED (rax is
 * on_match there) and final from RESTORE on. */
#define TRAMP_MATCHED	0x21
#define TRAMP_MISS	0x23
#define TRAMP_RESTORE	0x2e
#define RETRY_SET	0x5d	/* rax = the syscall number, in the retry path */

/*
 * Do in umk what the trampoline would have done (a signal is about to be
 * delivered while the thread is in it). False when a checked syscall failed.
 */
bool arch_tramp_complete(struct arch_regs *r, const struct arch_tramp_slot *slot, uint64_t stub)
{
	uint64_t at = R(r)->rip - stub;

	if (at >= ARCH_STUB_RETRY) {
		/* Before RETRY_SET rax is still the result; from there on the
		 * call is being run again. */
		bool again = at >= RETRY_SET || R(r)->rax == slot->match;

		for (int i = 0; i < 6; i++)
			arch_set_syscall_arg(r, i, slot->args[i]);
		R(r)->rbx = slot->saved;
		R(r)->rip = again ? slot->ip - 2 : slot->ip;
		R(r)->rcx = R(r)->rip;
		if (again)
			R(r)->rax = slot->on_match;
		return true;
	}

	/* Before MATCHED, and on the miss path before RESTORE, rax still holds
	 * what the syscall returned. */
	if (slot->override && (at < TRAMP_MATCHED || (at >= TRAMP_MISS && at < TRAMP_RESTORE))) {
		if (R(r)->rax == slot->match)
			R(r)->rax = slot->on_match;
		else if (slot->override == 2)
			return false;
		else
			R(r)->rax = slot->on_miss;
	}
	for (int i = 0; i < 6; i++)
		arch_set_syscall_arg(r, i, slot->args[i]);
	R(r)->rcx = slot->ip;
	R(r)->rbx = slot->saved;
	R(r)->rip = slot->ip;
	return true;
}

/*
 * The exec stub: the program the host execs for every guest execve (exec.c).
 * It is the injection stub above as a static ELF64 PIE of one segment: the
 * code at vaddr 0, entered at the marker, so the new process traps to umk
 * before it runs anything of its own; and a memory size of map_size, so the
 * host reserves room for the scratch window that umk maps over it. The ELF
 * and program headers are not part of the mapping (the code starts the
 * second page of the file), so the window's first page is the stub's code,
 * as everywhere else.
 */
size_t arch_exec_stub_image(unsigned char *buf, size_t len, uint64_t map_size)
{
	size_t code_len;
	const unsigned char *code = arch_stub_code(&code_len);
	size_t need = 4096 + code_len;
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
			     EV_CURRENT, ELFOSABI_SYSV },
		.e_type = ET_DYN,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_entry = ARCH_STUB_MARKER,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = 2,
	};
	Elf64_Phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 4096, .p_vaddr = 0,
		  .p_paddr = 0, .p_filesz = code_len, .p_memsz = map_size, .p_align = 4096 },
		/* A non-executable stack: the guest's own PT_GNU_STACK is umk's. */
		{ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W, .p_align = 16 },
	};

	if (len < need)
		return need;
	memset(buf, 0, need);
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, sizeof(ph));
	memcpy(buf + 4096, code, code_len);
	return need;
}

/* A new image's registers, as Linux's start_thread() and ELF_PLAT_INIT()
 * leave them: every general register zero (rdx too: no atexit function),
 * interrupts enabled, no fs or gs base. The segment selectors stay. */
void arch_start_thread(struct arch_regs *r, uint64_t ip, uint64_t sp)
{
	struct user_regs_struct *u = R(r);
	unsigned long long cs = u->cs, ss = u->ss, ds = u->ds, es = u->es, fs = u->fs, gs = u->gs;

	memset(u, 0, sizeof(*u));
	u->cs = cs;
	u->ss = ss;
	u->ds = ds;
	u->es = es;
	u->fs = fs;
	u->gs = gs;
	u->rip = ip;
	u->rsp = sp;
	u->eflags = 0x202;	/* IF, and the reserved bit 1 */
	u->orig_rax = (unsigned long long)-1LL;
}
