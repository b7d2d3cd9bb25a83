/*
 * What an x86-64 fault leaves in the signal frame's sigcontext: the trap
 * number, the error code, cr2 (Linux's thread.trap_nr, error_code, cr2).
 *
 * The host knows them but hands a tracer only the siginfo, so umk
 * reconstructs them: the page-fault error code's P bit from the guest's
 * page tables (/proc/PID/pagemap), W from the faulting instruction (a small
 * decoder for the instructions that write memory), I when the fault is at
 * rip; #GP's error code for `int N`; #XM (19) for an SSE or AVX exception,
 * #MF (16) for an x87 one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "umk/arch.h"
#include "umk/task.h"
#include "umk/uaccess.h"

#define PF_PROT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_INSTR 0x10

/* Is the page at addr mapped in the guest's page tables (pagemap bit 63)? */
static bool page_present(pid_t tid, uint64_t addr)
{
	char path[64];
	uint64_t e = 0;
	int fd;

	if (addr >= 0x800000000000ULL)
		return true;	/* the kernel's half: present, not the user's */
	snprintf(path, sizeof(path), "/proc/%d/pagemap", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (pread(fd, &e, 8, (off_t)(addr >> 12) * 8) != 8)
		e = 0;
	close(fd);
	return (e >> 63) & 1;
}

struct insn {
	const uint8_t *p, *end;
	bool vex;
	int map;		/* 0: one-byte, 1: 0F */
	uint8_t op;
	int mod;		/* the ModRM's mod, -1: none read */
	int reg;
};

/* Prefixes, REX or VEX, and the opcode. */
static bool decode(struct insn *in)
{
	const uint8_t *p = in->p;

	while (p < in->end && (*p == 0x66 || *p == 0x67 || *p == 0xf0 || *p == 0xf2 ||
			       *p == 0xf3 || *p == 0x2e || *p == 0x36 || *p == 0x3e ||
			       *p == 0x26 || *p == 0x64 || *p == 0x65))
		p++;
	if (p < in->end && (*p & 0xf0) == 0x40)
		p++;
	if (p + 3 < in->end && (*p == 0xc5 || *p == 0xc4)) {
		in->vex = true;
		in->map = *p == 0xc5 ? 1 : (p[1] & 0x1f);
		p += *p == 0xc5 ? 2 : 3;
	} else if (p + 1 < in->end && *p == 0x0f) {
		in->map = 1;
		p++;
	}
	if (p >= in->end)
		return false;
	in->op = *p++;
	in->mod = in->reg = -1;
	if (p < in->end) {
		in->mod = *p >> 6;
		in->reg = (*p >> 3) & 7;
	}
	in->p = p;
	return true;
}

/* Does the instruction write to memory through its ModRM (or rdi)? */
static bool writes_memory(const struct insn *in)
{
	uint8_t op = in->op;
	bool mem = in->mod >= 0 && in->mod != 3;

	if (in->map == 0 && !in->vex) {
		if (op == 0xaa || op == 0xab || op == 0xa4 || op == 0xa5)
			return true;	/* stos, movs: to [rdi] */
		if (!mem)
			return false;
		if (op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7 || op == 0x86 ||
		    op == 0x87)
			return true;
		if (op < 0x40 && (op & 7) <= 1 && (op & 0x38) != 0x38)
			return true;	/* add/or/adc/sbb/and/sub/xor r/m, r (not cmp) */
		if ((op == 0x80 || op == 0x81 || op == 0x83) && in->reg != 7)
			return true;
		if ((op == 0xfe || op == 0xff) && in->reg <= 1)
			return true;	/* inc, dec */
		if ((op == 0xf6 || op == 0xf7) && (in->reg == 2 || in->reg == 3))
			return true;	/* not, neg */
		if (op >= 0xd0 && op <= 0xd3)
			return true;	/* shifts and rotates */
		return false;
	}
	if (in->map == 1 && mem)
		return op == 0x11 || op == 0x13 || op == 0x17 || op == 0x29 || op == 0x2b ||
		       op == 0x7f || op == 0xd6 || op == 0xe7 || op == 0xc3 || op == 0xb0 ||
		       op == 0xb1 || op == 0xc0 || op == 0xc1 || (op >= 0x90 && op <= 0x9f);
	return false;
}

void arch_fault_info(struct task *t, const struct arch_regs *r, int signo, int code,
		     uint64_t addr, uint64_t *trapno, uint64_t *err, uint64_t *cr2)
{
	uint64_t rip = arch_instruction_pointer(r);
	uint8_t bytes[16];
	struct insn in = { bytes, bytes + sizeof(bytes) };
	bool have = copy_from_guest(t, bytes, rip, sizeof(bytes)) == 0 && decode(&in);

	*trapno = 0;
	*err = 0;
	*cr2 = 0;
	switch (signo) {
	case SIGSEGV:
	case SIGBUS:
		if (code == SI_KERNEL) {
			/* #GP; `int N` to a gate the user may not use names it. */
			*trapno = 13;
			if (have && in.map == 0 && !in.vex && in.op == 0xcd && in.p < in.end)
				*err = (uint64_t)in.p[0] * 8 + 2;
			return;
		}
		if (signo == SIGBUS && code == BUS_ADRALN) {
			*trapno = 17;
			return;
		}
		*trapno = 14;
		*cr2 = addr;
		*err = PF_USER;
		if (page_present(t->host_tid, addr))
			*err |= PF_PROT;
		if (addr >= rip && addr < rip + 16)
			*err |= PF_INSTR;	/* fetching the instruction itself */
		else if (have && writes_memory(&in))
			*err |= PF_WRITE;
		return;
	case SIGFPE:
		if (code == FPE_INTDIV || code == FPE_INTOVF)
			*trapno = 0;
		else
			*trapno = have && in.map == 0 && !in.vex && in.op >= 0xd8 && in.op <= 0xdf
					  ? 16 : 19;
		return;
	case SIGILL:
		*trapno = 6;
		return;
	case SIGTRAP:
		*trapno = code == TRAP_TRACE ? 1 : 3;
		return;
	}
}
