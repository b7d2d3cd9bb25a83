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
#include <stddef.h>
#include <sys/types.h>

struct task;

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
/* At a syscall-exit stop: make the thread execute its syscall nr again. */
void arch_restart_syscall(struct arch_regs *r, long nr);
uint64_t arch_stack_pointer(const struct arch_regs *r);
uint64_t arch_instruction_pointer(const struct arch_regs *r);

void arch_set_instruction_pointer(struct arch_regs *r, uint64_t ip);

/*
 * The injection stub (stub.c): code umk maps into every guest, and what umk
 * does with a stopped thread's registers to run syscalls of its own choosing
 * there. See inject.c for the protocol.
 */
#define ARCH_STUB_AFTER		0x02	/* an injected syscall returns here */
#define ARCH_STUB_MARKER	0x05	/* the marker syscall that traps back to umk */
#define ARCH_STUB_MARKER_RET	0x0c	/* rip at the marker's seccomp stop */
#define ARCH_STUB_TRAMP		0x10	/* trampoline back to guest code */
#define ARCH_STUB_TAIL_FAIL	0x4f	/* a checked tail syscall failed: ud2 */
#define ARCH_STUB_RETRY		0x51	/* the retry trampoline */
#define ARCH_STUB_END		0x82
#define ARCH_STUB_MARKER_NR	39	/* getpid: always trapped */

/* Where the trampoline finds the guest's registers (in the scratch page). */
struct arch_tramp_slot {
	uint64_t args[6];
	uint64_t ip;
	uint64_t saved;
	uint64_t match, on_match, on_miss;	/* result override (brk, clone) */
	uint64_t override;	/* 0: none; 1: map the result; 2: a miss traps */
};

const unsigned char *arch_stub_code(size_t *len);
uint64_t arch_inject_result(const struct arch_regs *r);
void arch_inject_at_entry(struct arch_regs *r, uint64_t stub, long nr, const uint64_t a[6]);
void arch_inject_from_stop(struct arch_regs *r, uint64_t stub);
void arch_tramp_prepare(struct arch_regs *r, struct arch_tramp_slot *slot,
			const uint64_t guest_args[6], uint64_t stub, uint64_t slot_addr);
void arch_tramp_prepare_tail(struct arch_regs *r, struct arch_tramp_slot *slot,
			     const struct arch_regs *guest, uint64_t stub, uint64_t slot_addr);
void arch_tramp_prepare_retry(struct arch_regs *r, struct arch_tramp_slot *slot,
			      const uint64_t guest_args[6], long nr, uint64_t match,
			      uint64_t stub, uint64_t slot_addr);
void arch_tramp_override(struct arch_tramp_slot *slot, uint64_t match, uint64_t on_match,
			 uint64_t on_miss);
void arch_tramp_check(struct arch_tramp_slot *slot, uint64_t expect, uint64_t result);
bool arch_tramp_complete(struct arch_regs *r, const struct arch_tramp_slot *slot, uint64_t stub);

/* The exec stub's ELF file (see stub.c) into buf: its size (nothing is
 * written when len is too small). map_size: the memory it reserves. */
size_t arch_exec_stub_image(unsigned char *buf, size_t len, uint64_t map_size);
/* Registers at a new image's first instruction. */
void arch_start_thread(struct arch_regs *r, uint64_t ip, uint64_t sp);

/* Stack space below sp that the ABI leaves to running code (x86-64: 128). */
#define ARCH_RED_ZONE 128

/*
 * Signal frames (sigframe.c). The ABI's struct sigaction as rt_sigaction
 * passes it, the alternate stack, and what delivery hands the arch code.
 */
struct arch_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};
#define ARCH_SA_RESTORER 0x04000000ULL

struct arch_sigaltstack {
	uint64_t sp;
	uint64_t size;
	uint32_t flags;		/* SS_AUTODISARM (the mode bits are derived) */
};

struct arch_ksig {
	int sig;
	struct arch_sigaction ka;
	uint64_t saved_mask;	/* uc_sigmask: restored by rt_sigreturn */
	const void *info;	/* 128 bytes: siginfo in the kernel's layout */
	uint64_t xfeatures;	/* the process's user xfeatures (AMX permission) */
};

/* The frame Linux builds (rt_sigframe, siginfo, ucontext, the xsave area),
 * written through umk's view of the guest's memory; r becomes the handler's
 * entry state and the FP state is reset as Linux resets it. -EFAULT: the
 * frame could not be written (the caller forces SIGSEGV). */
int arch_setup_rt_frame(struct task *t, struct arch_regs *r, const struct arch_ksig *k,
			struct arch_sigaltstack *sas);
/* rt_sigreturn's reading of the frame at r's stack pointer. */
struct arch_sigreturn {
	bool mask_ok, stack_ok, regs_ok;
	uint64_t mask;
	struct arch_sigaltstack stack;
	uint64_t stack_ss_flags;	/* uc_stack.ss_flags as the frame holds it */
};
void arch_rt_sigreturn(struct task *t, struct arch_regs *r, uint64_t xfeatures,
		       struct arch_sigreturn *out);
/* The user xfeatures of a process without (and with) AMX permission. */
uint64_t arch_default_xfeatures(void);
uint64_t arch_dynamic_xfeatures(void);
/* Is sp on the alternate stack? (Linux's __on_sig_stack) */
bool arch_on_sig_stack(const struct arch_sigaltstack *s, uint64_t sp);
/* A fault's trap number, error code and cr2, for the sigcontext (fault.c). */
void arch_fault_info(struct task *t, const struct arch_regs *r, int signo, int code,
		     uint64_t addr, uint64_t *trapno, uint64_t *err, uint64_t *cr2);
/* Interrupted-syscall codes and the restart syscall number. */
#define ARCH_NR_restart_syscall 219

/* AUDIT_ARCH_* of the native syscall ABI, for the seccomp filter. */
uint32_t arch_audit(void);

#endif
