/*
 * x86-64 signal frames, built and read by umk (Linux's
 * arch/x86/kernel/signal{,_64}.c and arch/x86/kernel/fpu/signal.c).
 *
 * Delivery writes, below the interrupted stack pointer (past the 128-byte
 * red zone, or at the top of the alternate stack):
 *
 *   fpstate  64-byte aligned: the XSAVE image of the thread's FP state in
 *            standard (non-compacted) form, user_size bytes, whose
 *            sw_reserved bytes describe it (FP_XSTATE_MAGIC1, sizes,
 *            features), followed by FP_XSTATE_MAGIC2
 *   frame    struct rt_sigframe: return address (sa_restorer), ucontext
 *            (flags, link, altstack, sigcontext, mask), siginfo; placed so
 *            that rsp % 16 == 8 at the handler's first instruction
 *
 * user_size and the features follow the host CPU (CPUID leaf 0xd and
 * XCR0), as the kernel's fpu_user_cfg does: AMX tile data, the one
 * dynamically enabled feature, is in a frame only once the process asked
 * for it (arch_prctl ARCH_REQ_XCOMP_PERM). The thread's FP state comes
 * from PTRACE_GETREGSET NT_X86_XSTATE, which is already in that layout;
 * rt_sigreturn gives it back with PTRACE_SETREGSET after the checks the
 * CPU's XRSTOR and the kernel would make.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cpuid.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <asm/sigcontext.h>
#include <linux/elf.h>
#include "umk/arch.h"
#include "umk/task.h"
#include "umk/uaccess.h"

#define R(r) ((struct user_regs_struct *)(r))

/* The kernel's struct ucontext and struct rt_sigframe for 64-bit tasks. */
struct kstack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct kucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct kstack uc_stack;
	struct sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct kucontext uc;
	unsigned char info[128];
};
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe is 440 bytes on x86-64");

#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4

#define USER_CS 0x33
#define USER_DS 0x2b
#define USER32_CS 0x23

/* EFLAGS bits a frame may change (FIX_EFLAGS), and those cleared for a handler. */
#define EF_CF 0x1
#define EF_PF 0x4
#define EF_AF 0x10
#define EF_ZF 0x40
#define EF_SF 0x80
#define EF_TF 0x100
#define EF_DF 0x400
#define EF_OF 0x800
#define EF_RF 0x10000
#define EF_AC 0x40000
#define FIX_EFLAGS (EF_AC | EF_OF | EF_DF | EF_TF | EF_SF | EF_ZF | EF_AF | EF_PF | EF_CF | EF_RF)

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)

#define XFEATURE_FP 0x1ULL
#define XFEATURE_SSE 0x2ULL
#define XFEATURE_YMM 0x4ULL
#define XFEATURE_PKRU (1ULL << 9)
#define XFEATURE_XTILE_DATA (1ULL << 18)
#define FXSAVE_SIZE 512
#define XSAVE_HDR_OFF 512
#define XSAVE_HDR_SIZE 64
#define SW_RESERVED_OFF 464
#define MXCSR_OFF 24
#define MXCSR_DEFAULT 0x1f80
#define FCW_DEFAULT 0x37f
#define PKRU_DEFAULT 0x55555554U	/* the kernel's init_pkru_value */

/* What the CPU and kernel offer: XCR0, the components' places, MXCSR's mask. */
static struct {
	bool ready, xsave;
	uint64_t xcr0;
	uint32_t off[64], size[64];
	uint32_t mxcsr_mask;
	size_t regset_size;	/* NT_X86_XSTATE's length (the largest layout) */
} fpu;

/* One thread's XSAVE image at a time (umk is one thread). */
static unsigned char xstate_buf[64 * 1024] __attribute__((aligned(64)));

static void fpu_probe(void)
{
	unsigned a, b, c, d;
	unsigned char fx[512] __attribute__((aligned(16)));

	if (fpu.ready)
		return;
	fpu.ready = true;
	__cpuid(1, a, b, c, d);
	fpu.xsave = (c & (1u << 27)) != 0;	/* OSXSAVE: XGETBV works */
	if (fpu.xsave) {
		uint32_t lo, hi;

		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		fpu.xcr0 = ((uint64_t)hi << 32) | lo;
		for (int i = 2; i < 64; i++) {
			if (!(fpu.xcr0 & (1ULL << i)))
				continue;
			__cpuid_count(0xd, i, a, b, c, d);
			fpu.size[i] = a;
			fpu.off[i] = b;
		}
	} else {
		fpu.xcr0 = XFEATURE_FP | XFEATURE_SSE;
	}
	memset(fx, 0, sizeof(fx));
	__builtin_ia32_fxsave(fx);
	memcpy(&fpu.mxcsr_mask, fx + 28, 4);
	if (!fpu.mxcsr_mask)
		fpu.mxcsr_mask = 0xffbf;
	fpu.regset_size = FXSAVE_SIZE + XSAVE_HDR_SIZE;
	for (int i = 2; i < 64; i++)
		if ((fpu.xcr0 & (1ULL << i)) && fpu.off[i] + fpu.size[i] > fpu.regset_size)
			fpu.regset_size = fpu.off[i] + fpu.size[i];
	if (fpu.regset_size > sizeof(xstate_buf))
		fpu.regset_size = sizeof(xstate_buf);	/* not on any CPU today */
}

uint64_t arch_default_xfeatures(void)
{
	fpu_probe();
	return fpu.xcr0 & ~XFEATURE_XTILE_DATA;
}

uint64_t arch_dynamic_xfeatures(void)
{
	fpu_probe();
	return fpu.xcr0 & XFEATURE_XTILE_DATA;
}

/* fpstate->user_size: the standard-form XSAVE image of these features. */
static size_t user_size(uint64_t xfeatures)
{
	size_t n = FXSAVE_SIZE + XSAVE_HDR_SIZE;

	if (!fpu.xsave)
		return FXSAVE_SIZE;
	for (int i = 2; i < 64; i++)
		if ((xfeatures & (1ULL << i)) && fpu.off[i] + fpu.size[i] > n)
			n = fpu.off[i] + fpu.size[i];
	return n;
}

static int xstate_get(pid_t tid, unsigned char *buf, size_t *len)
{
	struct iovec iov = { buf, *len };

	if (ptrace(PTRACE_GETREGSET, tid, fpu.xsave ? NT_X86_XSTATE : NT_PRFPREG, &iov) < 0)
		return -errno;
	*len = iov.iov_len;
	return 0;
}

static int xstate_set(pid_t tid, unsigned char *buf, size_t len)
{
	struct iovec iov = { buf, len };

	if (ptrace(PTRACE_SETREGSET, tid, fpu.xsave ? NT_X86_XSTATE : NT_PRFPREG, &iov) < 0)
		return -errno;
	return 0;
}

/*
 * The state a handler starts with (fpu__clear_user_states): x87 and SSE at
 * their init values, MXCSR at its default, when nothing else is in use.
 * Through NT_PRFPREG, which the kernel takes on its stack: an
 * NT_X86_XSTATE write (fpu_reset) costs a vmalloc and a vfree, half a stop
 * here, and is used only when AVX or AVX-512 state is live.
 */
static int fpu_reset_legacy(pid_t tid)
{
	unsigned char fx[FXSAVE_SIZE] __attribute__((aligned(16)));
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;
	struct iovec iov = { fx, sizeof(fx) };

	memset(fx, 0, sizeof(fx));
	memcpy(fx, &fcw, 2);
	memcpy(fx + MXCSR_OFF, &mxcsr, 4);
	memcpy(fx + MXCSR_OFF + 4, &fpu.mxcsr_mask, 4);
	return ptrace(PTRACE_SETREGSET, tid, NT_PRFPREG, &iov) < 0 ? -errno : 0;
}

/* The whole init state (rt_sigreturn with no fpstate). */
static int fpu_reset(pid_t tid, unsigned char *buf)
{
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;
	uint64_t xfeatures = XFEATURE_FP | XFEATURE_SSE;

	memset(buf, 0, fpu.regset_size);
	memcpy(buf, &fcw, 2);
	memcpy(buf + MXCSR_OFF, &mxcsr, 4);
	memcpy(buf + MXCSR_OFF + 4, &fpu.mxcsr_mask, 4);
	if (fpu.xsave && (fpu.xcr0 & XFEATURE_PKRU)) {
		uint32_t pkru = PKRU_DEFAULT;

		xfeatures |= XFEATURE_PKRU;
		memcpy(buf + fpu.off[9], &pkru, 4);
	}
	if (fpu.xsave)
		memcpy(buf + XSAVE_HDR_OFF, &xfeatures, 8);
	return xstate_set(tid, buf, fpu.xsave ? fpu.regset_size : FXSAVE_SIZE);
}

bool arch_on_sig_stack(const struct arch_sigaltstack *s, uint64_t sp)
{
	return sp > s->sp && sp - s->sp <= s->size;
}

/* on_sig_stack(): an SS_AUTODISARM stack never counts as "on" it. */
static bool on_sig_stack(const struct arch_sigaltstack *s, uint64_t sp)
{
	if (s->flags & SS_AUTODISARM)
		return false;
	return arch_on_sig_stack(s, sp);
}

static int sas_ss_flags(const struct arch_sigaltstack *s, uint64_t sp)
{
	if (!s->size)
		return SS_DISABLE;
	return on_sig_stack(s, sp) ? SS_ONSTACK : 0;
}

int arch_setup_rt_frame(struct task *t, struct arch_regs *r, const struct arch_ksig *k,
			struct arch_sigaltstack *sas)
{
	struct user_regs_struct *u = R(r);
	unsigned char *xbuf = xstate_buf;
	struct rt_sigframe f;
	uint64_t sp = u->rsp, buf_fx, frame;
	bool nested = on_sig_stack(sas, sp), entering = false;
	size_t usize, xlen;
	bool full_reset = false;
	struct sigcontext *sc = &f.uc.uc_mcontext;

	fpu_probe();
	usize = user_size(k->xfeatures);
	/* x86-64 returns through the restorer only (there is no vDSO stub). */
	if (!(k->ka.flags & ARCH_SA_RESTORER))
		return -EFAULT;

	/* get_sigframe(): red zone, alternate stack, FP area, frame, alignment. */
	sp -= ARCH_RED_ZONE;
	if ((k->ka.flags & 0x08000000 /* SA_ONSTACK */) && sas_ss_flags(sas, sp) == 0) {
		sp = sas->sp + sas->size;
		entering = true;
	}
	buf_fx = (sp - (usize + (fpu.xsave ? 4 : 0))) & ~63ULL;
	frame = ((buf_fx - sizeof(f)) & ~15ULL) - 8;
	/* Overflowing the alternate stack: Linux gives the handler a bogus
	 * frame address, so the task dies of SIGSEGV. */
	if ((nested || entering) && !arch_on_sig_stack(sas, frame))
		return -EFAULT;

	/* The FP state, as XSAVE would store it for this process's features. */
	xlen = sizeof(xstate_buf);
	if (xstate_get(t->host_tid, xbuf, &xlen) < 0)
		return -EFAULT;
	if (fpu.xsave) {
		struct _fpx_sw_bytes sw = {
			.magic1 = FP_XSTATE_MAGIC1,
			.extended_size = (uint32_t)(usize + 4),
			.xfeatures = k->xfeatures,
			.xstate_size = (uint32_t)usize,
		};
		uint64_t bv;
		uint32_t magic2 = FP_XSTATE_MAGIC2;

		if (xlen < usize)
			memset(xbuf + xlen, 0, usize - xlen);
		memcpy(&bv, xbuf + XSAVE_HDR_OFF, 8);
		/* State beyond x87 and SSE in use (AVX upper halves, AVX-512,
		 * a PKRU not at its default): the handler's reset must cover it,
		 * through the costly whole-state write. */
		if (bv & ~(XFEATURE_FP | XFEATURE_SSE | XFEATURE_PKRU))
			full_reset = true;
		if ((bv & XFEATURE_PKRU) && (fpu.xcr0 & XFEATURE_PKRU)) {
			uint32_t pkru;

			memcpy(&pkru, xbuf + fpu.off[9], 4);
			full_reset |= pkru != PKRU_DEFAULT;
		}
		/* XSAVE writes XINUSE for the requested features; the kernel
		 * always adds FP and SSE for legacy sigreturn code. */
		bv = (bv & k->xfeatures) | XFEATURE_FP | XFEATURE_SSE;
		memset(xbuf + XSAVE_HDR_OFF, 0, XSAVE_HDR_SIZE);
		memcpy(xbuf + XSAVE_HDR_OFF, &bv, 8);
		memcpy(xbuf + SW_RESERVED_OFF, &sw, sizeof(sw));
		if (copy_to_guest(t, buf_fx, xbuf, usize) ||
		    copy_to_guest(t, buf_fx + usize, &magic2, 4))
			return -EFAULT;
	} else {
		memset(xbuf + SW_RESERVED_OFF, 0, FXSAVE_SIZE - SW_RESERVED_OFF);
		if (copy_to_guest(t, buf_fx, xbuf, FXSAVE_SIZE))
			return -EFAULT;
	}

	memset(&f, 0, sizeof(f));
	f.pretcode = k->ka.restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpu.xsave ? UC_FP_XSTATE : 0);
	f.uc.uc_link = 0;
	f.uc.uc_stack.ss_sp = sas->sp;
	f.uc.uc_stack.ss_flags = (int32_t)sas->flags;
	f.uc.uc_stack.ss_size = sas->size;
	sc->r8 = u->r8; sc->r9 = u->r9; sc->r10 = u->r10; sc->r11 = u->r11;
	sc->r12 = u->r12; sc->r13 = u->r13; sc->r14 = u->r14; sc->r15 = u->r15;
	sc->rdi = u->rdi; sc->rsi = u->rsi; sc->rbp = u->rbp; sc->rbx = u->rbx;
	sc->rdx = u->rdx; sc->rax = u->rax; sc->rcx = u->rcx; sc->rsp = u->rsp;
	sc->rip = u->rip;
	sc->eflags = u->eflags;
	sc->cs = (uint16_t)u->cs;
	sc->gs = 0;
	sc->fs = 0;
	sc->ss = (uint16_t)u->ss;
	sc->err = t->fault_err;
	sc->trapno = t->fault_trapno;
	sc->oldmask = k->saved_mask;
	sc->cr2 = t->fault_addr;
	sc->fpstate = (void *)(uintptr_t)buf_fx;
	f.uc.uc_sigmask = k->saved_mask;
	memcpy(f.info, k->info, sizeof(f.info));
	if (copy_to_guest(t, frame, &f, sizeof(f)))
		return -EFAULT;

	/* The handler's entry: rdi = sig, rsi = &info, rdx = &uc, rax = 0. */
	u->rdi = (uint64_t)k->sig;
	u->rax = 0;
	u->rsi = frame + offsetof(struct rt_sigframe, info);
	u->rdx = frame + offsetof(struct rt_sigframe, uc);
	u->rip = k->ka.handler;
	u->rsp = frame;
	u->cs = USER_CS;
	u->ss = USER_DS;
	u->eflags &= ~(uint64_t)(EF_DF | EF_RF | EF_TF);
	u->orig_rax = (uint64_t)-1;
	/* The handler starts with a clean FP state. */
	if ((full_reset ? fpu_reset(t->host_tid, xbuf) : fpu_reset_legacy(t->host_tid)) < 0)
		return -EFAULT;
	return 0;
}

/* Linux's fpu__restore_sig() for a 64-bit frame. False: a bad frame. */
static bool restore_fpu(struct task *t, uint64_t buf, uint64_t xfeatures)
{
	unsigned char *xbuf = xstate_buf;
	size_t usize = user_size(xfeatures), setlen = fpu.xsave ? fpu.regset_size : FXSAVE_SIZE;
	struct _fpx_sw_bytes sw;
	bool fx_only = !fpu.xsave;
	uint64_t xrestore = XFEATURE_FP | XFEATURE_SSE, bv = 0;
	uint32_t mxcsr;

	if (!buf)
		return fpu_reset(t->host_tid, xbuf) == 0;
	if (fpu.xsave) {
		uint32_t magic2;

		/* check_xstate_in_sigframe(): no magic, or no second magic at the
		 * process's size, means only the legacy FXSAVE part is valid. */
		if (copy_from_guest(t, &sw, buf + SW_RESERVED_OFF, sizeof(sw)))
			return false;
		if (sw.magic1 != FP_XSTATE_MAGIC1) {
			fx_only = true;
		} else {
			if (copy_from_guest(t, &magic2, buf + usize, 4))
				return false;
			if (magic2 != FP_XSTATE_MAGIC2)
				fx_only = true;
			else
				xrestore = sw.xfeatures & xfeatures;
		}
	}
	memset(xbuf, 0, fpu.regset_size);
	if (fx_only) {
		/* FXRSTOR: 16-byte alignment, else #GP. */
		if ((buf & 15) || copy_from_guest(t, xbuf, buf, FXSAVE_SIZE))
			return false;
		bv = XFEATURE_FP | XFEATURE_SSE;
	} else {
		const unsigned char *h = xbuf + XSAVE_HDR_OFF;

		/* XRSTOR: 64-byte alignment; a header naming features XCR0 lacks,
		 * a compacted-form or reserved field set: #GP. */
		if ((buf & 63) || copy_from_guest(t, xbuf, buf, usize))
			return false;
		memcpy(&bv, h, 8);
		for (int i = 8; i < XSAVE_HDR_SIZE; i++)
			if (h[i])
				return false;
		if (bv & ~fpu.xcr0)
			return false;
		bv &= xrestore;
	}
	memcpy(&mxcsr, xbuf + MXCSR_OFF, 4);
	if ((fx_only || (xrestore & (XFEATURE_SSE | XFEATURE_YMM))) && (mxcsr & ~fpu.mxcsr_mask))
		return false;
	memcpy(xbuf + MXCSR_OFF + 4, &fpu.mxcsr_mask, 4);
	memset(xbuf + SW_RESERVED_OFF, 0, FXSAVE_SIZE - SW_RESERVED_OFF);
	if (fpu.xsave) {
		memset(xbuf + XSAVE_HDR_OFF, 0, XSAVE_HDR_SIZE);
		memcpy(xbuf + XSAVE_HDR_OFF, &bv, 8);
		/* Features the frame leaves out are reset (PKRU to its default). */
		if ((fpu.xcr0 & XFEATURE_PKRU) && !(bv & XFEATURE_PKRU)) {
			uint32_t pkru = PKRU_DEFAULT;

			bv |= XFEATURE_PKRU;
			memcpy(xbuf + XSAVE_HDR_OFF, &bv, 8);
			memcpy(xbuf + fpu.off[9], &pkru, 4);
		}
	}
	return xstate_set(t->host_tid, xbuf, setlen) == 0;
}

void arch_rt_sigreturn(struct task *t, struct arch_regs *r, uint64_t xfeatures,
		       struct arch_sigreturn *out)
{
	struct user_regs_struct *u = R(r);
	uint64_t frame = u->rsp - 8;	/* the handler's ret popped pretcode */
	struct kucontext uc;
	struct sigcontext *sc = &uc.uc_mcontext;
	uint16_t cs, ss;

	fpu_probe();
	memset(out, 0, sizeof(*out));
	if (copy_from_guest(t, &out->mask, frame + offsetof(struct rt_sigframe, uc.uc_sigmask), 8))
		return;
	out->mask_ok = true;
	if (copy_from_guest(t, &uc, frame + offsetof(struct rt_sigframe, uc), sizeof(uc)))
		return;
	out->stack_ok = true;
	out->stack.sp = uc.uc_stack.ss_sp;
	out->stack.size = uc.uc_stack.ss_size;
	out->stack.flags = (uint32_t)uc.uc_stack.ss_flags;

	/* restore_sigcontext(): CPL 3 forced; only the FIX_EFLAGS bits. A
	 * selector the CPU would refuse on return to user mode is a bad frame
	 * (Linux's IRET faults and the task gets SIGSEGV). */
	cs = sc->cs | 3;
	ss = sc->ss | 3;
	if (!(uc.uc_flags & UC_STRICT_RESTORE_SS))
		ss = USER_DS;
	if ((cs != USER_CS && cs != USER32_CS) || ss != USER_DS)
		return;
	u->r8 = sc->r8; u->r9 = sc->r9; u->r10 = sc->r10; u->r11 = sc->r11;
	u->r12 = sc->r12; u->r13 = sc->r13; u->r14 = sc->r14; u->r15 = sc->r15;
	u->rdi = sc->rdi; u->rsi = sc->rsi; u->rbp = sc->rbp; u->rbx = sc->rbx;
	u->rdx = sc->rdx; u->rax = sc->rax; u->rcx = sc->rcx; u->rsp = sc->rsp;
	u->rip = sc->rip;
	u->cs = cs;
	u->ss = ss;
	u->eflags = (u->eflags & ~(uint64_t)FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	u->orig_rax = (uint64_t)-1;	/* no syscall restart after this */
	out->regs_ok = restore_fpu(t, (uint64_t)(uintptr_t)sc->fpstate, xfeatures);
}
