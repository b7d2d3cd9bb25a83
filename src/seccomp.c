#define _GNU_SOURCE
/*
 * The seccomp-BPF filter, generated from the syscall table with libseccomp.
 *
 * Default action: SECCOMP_RET_TRACE, so a syscall umk has not classified
 * never reaches the host kernel. SC_NATIVE entries are allowed outright;
 * a few syscalls are native except for some commands (ioctl and fcntl that
 * name process groups or owners, the prctl options umk emulates), expressed
 * as ALLOW rules over the
 * complement of the trapped command values. Commands are compared on their
 * low 32 bits only (the kernel truncates them to unsigned int), so setting
 * high bits cannot dodge the trap. Non-native ABIs (int 0x80, x32) fail
 * with ENOSYS.
 *
 * umk's reserved descriptors (UMK_FD_BASE and up, see mm.h) are guarded in
 * the filter itself: the native syscalls that take a descriptor and an
 * offset or change the file (pread, pwrite, lseek, splice, fallocate,
 * ftruncate...; see fd_guarded), ioctl and fcntl, and close, dup, dup2 and
 * dup3, are native only for descriptors below the base, and close_range
 * only for ranges ending below it; the rest traps and gets EBADF (or a
 * clamped range) from umk. So a guest can neither close umk's memfds nor
 * reach their contents (read and write find the file position parked past
 * them, memobj_park). Numbers are compared on their low 32 bits, as the
 * kernel reads them. Syscall
 * UMK_NR_NOTIFY goes to umk's user-notification listener (fd installation).
 */
#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/prctl.h>
#include "umk/syscall.h"
#include "umk/umk.h"
#include "umk/seccomp.h"
#include "umk/inject.h"
#include "umk/mm.h"

static const uint32_t ioctl_trapped[] = {
	TIOCGPGRP, TIOCSPGRP, TIOCGSID, FIOSETOWN, SIOCSPGRP, FIOGETOWN, SIOCGPGRP,
};
static const uint32_t fcntl_trapped[] = { F_SETOWN, F_GETOWN, F_SETOWN_EX, F_GETOWN_EX };
/* RLIMIT_NOFILE: the guest's limits sit below umk's reserved descriptors. */
static const uint32_t rlimit_trapped[] = { RLIMIT_NOFILE };
/* The prctl options umk emulates (see sys_prctl); the rest are process-local. */
static const uint32_t prctl_trapped[] = {
	PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_GET_DUMPABLE, PR_SET_DUMPABLE,
	PR_CAPBSET_READ, PR_CAPBSET_DROP, PR_GET_SECUREBITS, PR_SET_SECUREBITS,
	PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER, PR_SET_NAME, PR_GET_NAME,
	PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS,
};

/* arch_prctl: asking for AMX changes the size of signal frames. */
static const uint32_t arch_prctl_trapped[] = { 0x1023 /* ARCH_REQ_XCOMP_PERM */ };

/* Syscalls that are native except for some values of one argument. */
static const struct partial {
	int nr;
	unsigned arg;
	const uint32_t *trapped;
	size_t n;
	int self_arg;		/* >= 0: native only when this argument is 0 (pid: self) */
} partial[] = {
#define P(nr, arg, v, self) { nr, arg, v, sizeof(v) / sizeof(v[0]), self }
	P(SYS_ioctl, 1, ioctl_trapped, -1),
	P(SYS_fcntl, 1, fcntl_trapped, -1),
	P(SYS_prctl, 0, prctl_trapped, -1),
	P(SYS_getrlimit, 0, rlimit_trapped, -1),
	P(SYS_arch_prctl, 0, arch_prctl_trapped, -1),
	P(SYS_setrlimit, 0, rlimit_trapped, -1),
	/* prlimit64(0, ...) is getrlimit/setrlimit (glibc's, at every start). */
	P(SYS_prlimit64, 1, rlimit_trapped, 0),
#undef P
};

static const struct partial *partial_of(long nr)
{
	for (size_t i = 0; i < sizeof(partial) / sizeof(partial[0]); i++)
		if (partial[i].nr == nr)
			return &partial[i];
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Native syscalls that could reach into umk's memfds through a descriptor
 * at an offset of their choosing, or change them: these run natively only
 * for descriptors below the reserved ones. read, write, readv and writev
 * stay unconditional (the kernel's seccomp cache then skips the filter for
 * them entirely): umk parks the files' positions out of reach instead
 * (memobj_park), and nothing here can move them.
 */
static const int fd_guarded[] = {
	SYS_pread64, SYS_pwrite64, SYS_preadv, SYS_pwritev, SYS_preadv2, SYS_pwritev2,
	SYS_lseek, SYS_sendfile, SYS_splice, SYS_tee, SYS_vmsplice, SYS_copy_file_range,
	SYS_fallocate, SYS_ftruncate, SYS_fchmod, SYS_fchown, SYS_fsetxattr, SYS_fremovexattr,
	SYS_fadvise64, SYS_readahead, SYS_sync_file_range, SYS_flock,
};

static bool guarded_native(long nr)
{
	for (size_t i = 0; i < sizeof(fd_guarded) / sizeof(fd_guarded[0]); i++)
		if (fd_guarded[i] == nr)
			return true;
	return false;
}

/*
 * The descriptor arguments that must stay below the reserved ones: those
 * of the calls above; close, dup, dup2 and dup3; the partially native ones
 * (ioctl, fcntl: F_ADD_SEALS); close_range's last. Returns how many, their
 * positions in pos.
 */
static unsigned fd_args(long nr, unsigned pos[6])
{
	const struct syscall_desc *d = &syscall_table[nr];
	unsigned n = 0;

	if (nr == SYS_close_range) {
		pos[0] = 1;
		return 1;
	}
	if (!guarded_native(nr) && nr != SYS_close && nr != SYS_dup && nr != SYS_dup2 &&
	    nr != SYS_dup3 && !partial_of(nr))
		return 0;
	for (unsigned i = 0; d->args && d->args[i] && i < 6; i++)
		if (d->args[i] == 'i')
			pos[n++] = i;
	return n;
}

_Static_assert((UMK_FD_BASE & (UMK_FD_BASE - 1)) == 0, "the fd guard is a mask");

/* arg's low 32 bits are below UMK_FD_BASE. */
static struct scmp_arg_cmp fd_below(unsigned arg)
{
	return SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, 0xffffffffULL & ~(uint64_t)(UMK_FD_BASE - 1), 0);
}

/* ALLOW nr when every descriptor argument is below the base, and cmp (if
 * not NULL) holds, and a partial's pid argument names the caller. */
static int allow_fds(scmp_filter_ctx ctx, int nr, const struct scmp_arg_cmp *cmp)
{
	const struct partial *pa = partial_of(nr);
	struct scmp_arg_cmp c[8];
	unsigned pos[6], n = fd_args(nr, pos), k = 0;

	if (cmp)
		c[k++] = *cmp;
	if (pa && pa->self_arg >= 0)
		c[k++] = SCMP_CMP((unsigned)pa->self_arg, SCMP_CMP_MASKED_EQ, 0xffffffffULL, 0);
	for (unsigned i = 0; i < n; i++)
		c[k++] = fd_below(pos[i]);
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, k, c);
}

/* Allow [lo, hi] (inclusive, 32-bit) of argument arg as aligned MASKED_EQ blocks. */
static int allow_range(scmp_filter_ctx ctx, int nr, unsigned arg, uint64_t lo, uint64_t hi)
{
	while (lo <= hi) {
		uint64_t size = 1;

		/* Largest aligned block starting at lo that stays within hi. */
		while ((lo & (size * 2 - 1)) == 0 && lo + size * 2 - 1 <= hi && size < (1ULL << 32))
			size *= 2;
		struct scmp_arg_cmp c = SCMP_CMP(arg, SCMP_CMP_MASKED_EQ,
						 0xffffffffULL & ~(size - 1), lo);
		int r = allow_fds(ctx, nr, &c);

		if (r < 0)
			return r;
		lo += size;
	}
	return 0;
}

static int allow_except(scmp_filter_ctx ctx, int nr, unsigned arg, const uint32_t *vals, size_t n)
{
	uint32_t sorted[16];
	uint64_t lo = 0;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		sorted[i] = vals[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_u32);
	for (i = 0; i < n; i++) {
		if (sorted[i] > lo && (r = allow_range(ctx, nr, arg, lo, sorted[i] - 1ULL)) < 0)
			return r;
		lo = sorted[i] + 1ULL;
	}
	return allow_range(ctx, nr, arg, lo, 0xffffffffULL);
}

/* The program seccomp_build() made, for seccomp_load_built(). */
static struct sock_filter *prog;
static unsigned short prog_len;

/* Have libseccomp write the BPF program of ctx into memory (a memfd). */
static int export_prog(scmp_filter_ctx ctx)
{
	int fd = memfd_create("umk-bpf", MFD_CLOEXEC), r = 0;
	off_t len;

	if (fd < 0)
		return -errno;
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		goto out;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % (off_t)sizeof(*prog) || len / (off_t)sizeof(*prog) > BPF_MAXINSNS) {
		r = -EINVAL;
		goto out;
	}
	prog = malloc((size_t)len);
	if (!prog || pread(fd, prog, (size_t)len, 0) != len) {
		r = -ENOMEM;
		goto out;
	}
	prog_len = (unsigned short)(len / (off_t)sizeof(*prog));
out:
	close(fd);
	return r;
}

/* The program compiled at build time (gen-bpf), linked into umk only. */
extern const unsigned umk_bpf_len __attribute__((weak));
extern const struct sock_filter umk_bpf_prog[] __attribute__((weak));

const struct sock_filter *seccomp_built(unsigned *len)
{
	*len = prog_len;
	return prog;
}

/* The calls that take a signal mask (umk's state): which argument. */
static int sigmask_arg(long nr)
{
	switch (nr) {
	case SYS_ppoll: return 3;
	case SYS_epoll_pwait: case SYS_epoll_pwait2: return 4;
	case SYS_pselect6: return 5;	/* a pointer to {mask, size} */
	case SYS_io_pgetevents: return 5;	/* the same */
	default: return -1;
	}
}

int seccomp_build(bool trap_all)
{
	scmp_filter_ctx ctx;
	int nr, r = -ENOMEM;

	if (!trap_all && umk_bpf_prog && &umk_bpf_len && umk_bpf_len) {
		prog = (struct sock_filter *)umk_bpf_prog;
		prog_len = (unsigned short)umk_bpf_len;
		return 0;
	}
	ctx = seccomp_init(SCMP_ACT_TRACE(0));

	if (!ctx)
		return -ENOMEM;
	/* int 0x80 and x32: not this ABI, never run. */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS))) < 0)
		goto out;
	/* umk sets no_new_privs itself, before. */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
		goto out;
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
		goto out;

	for (nr = 0; nr < SYSCALL_MAX && !trap_all; nr++) {
		const struct syscall_desc *d = &syscall_table[nr];
		const struct partial *pa = partial_of(nr);
		unsigned pos[6];

		if (!pa && (d->cls == SC_NATIVE || fd_args(nr, pos)))
			r = allow_fds(ctx, nr, NULL);
		else if (nr == SYS_sendto)	/* no destination: nothing to translate */
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A4(SCMP_CMP_EQ, 0));
		else if (sigmask_arg(nr) >= 0)	/* no signal mask: nothing umk owns */
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					     SCMP_CMP((unsigned)sigmask_arg(nr), SCMP_CMP_EQ, 0));
		else if (pa)
			r = allow_except(ctx, nr, pa->arg, pa->trapped, pa->n);
		else
			r = 0;
		if (r < 0)
			goto out;
	}
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, UMK_NR_NOTIFY, 0)) < 0)
		goto out;
	r = export_prog(ctx);
out:
	seccomp_release(ctx);
	return r;
}

int seccomp_load_built(int *listener)
{
	struct sock_fprog fp = { .len = prog_len, .filter = prog };
	long fd;

	if (!prog)
		return -EINVAL;
	/* The program has a notify rule: ask for the listener, as
	 * libseccomp's own load does. no_new_privs is the caller's. */
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
	if (fd < 0)
		return -errno;
	*listener = (int)fd;
	return 0;
}

bool seccomp_fd_guarded(long nr)
{
	return guarded_native(nr);
}

bool seccomp_native_cmd(long nr, uint64_t cmd)
{
	const struct partial *pa = partial_of(nr);

	if (!pa)
		return false;
	for (size_t i = 0; i < pa->n; i++)
		if ((uint32_t)cmd == pa->trapped[i])
			return false;
	return true;
}
