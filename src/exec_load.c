/*
 * The ELF loader: what load_elf_binary() does after its point of no return,
 * done by umk in the stub the host has just exec'd (see include/umk/exec.h).
 *
 * At the exec event the process holds the stub (its code, and room for the
 * scratch window), the host's stack with the guest's vectors on it, the vDSO
 * and vvar. umk then
 *  - maps the scratch window over the stub's room, injecting from the
 *    stub's own code (it is the same code), and installs the mm's memfd;
 *  - lays the address space out as Linux's x86-64 does: mmap_base below
 *    the stack gap, less arch_mmap_rnd(); a PIE at ELF_ET_DYN_BASE plus the
 *    same randomness; the interpreter top-down from mmap_base; brk a random
 *    distance past the image (none of it under ADDR_NO_RANDOMIZE);
 *  - copies each PT_LOAD's file pages into an extent of the memfd, zeroes
 *    the rest of a writable segment's last file page, and leaves the bss
 *    pages beyond it zero (an anonymous VMA, as Linux's vm_brk);
 *  - writes the initial stack (exec_stack.c) into the host's stack, whose
 *    place the host randomised as it does for any program;
 *  - maps the segments with one injected mmap each, the last returning
 *    straight to the first instruction (the interpreter's entry, or the
 *    program's) through the stub's trampoline, with the registers of
 *    start_thread().
 * The stack stays the host's: a growsdown mapping the host extends on
 * faults up to RLIMIT_STACK and copies on fork, exactly as Linux's.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/memfd.h>
#include "umk/exec.h"
#include "umk/exec_stack.h"
#include "umk/inject.h"
#include "umk/pcache.h"
#include "umk/mm.h"
#include "umk/task.h"
#include "umk/umk.h"
#include "mm_internal.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN 28
#endif

#define PAGESTART(v) ((v) & ~(PAGE - 1))
#define ELF_ET_DYN_BASE (((1ULL << 47) - PAGE) / 3 * 2)	/* DEFAULT_MAP_WINDOW / 3 * 2 */
#define STACK_RND_MASK 0x3fffffULL			/* 64-bit: 16 GiB of stack randomness */
#define STACK_GUARD_GAP (256 * PAGE)			/* stack_guard_gap */
#define BRK_RND_RANGE (1ULL << 30)			/* arch_randomize_brk(): 1 GiB on 64-bit (6.9 on) */

static int stub_fd = -1;
/* The host's auxiliary vector for umk itself: the hardware values a new
 * image gets (glibc's getauxval(AT_HWCAP) is its own idea on x86-64). */
static uint64_t host_auxv[64][2];
static int va_space = 2;		/* kernel.randomize_va_space */
static unsigned mmap_rnd_bits = 28;	/* vm.mmap_rnd_bits */

static long sysctl_read(const char *path, long def)
{
	char buf[32];
	long v = def;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = '\0';
			v = strtol(buf, NULL, 10);
		}
		close(fd);
	}
	return v;
}

int exec_init(void)
{
	size_t len = arch_exec_stub_image(NULL, 0, SCRATCH_WINDOW);
	unsigned char *buf = malloc(len);
	char path[64];
	int fd, r = 0;

	if (!buf)
		return -ENOMEM;
	arch_exec_stub_image(buf, len, SCRATCH_WINDOW);
	fd = memfd_create("umk-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)	/* before Linux 6.3 every memfd may be exec'd */
		fd = memfd_create("umk-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	if (write(fd, buf, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		r = -errno ? -errno : -EIO;
	free(buf);
	/* The host execs it only while nobody holds it open for writing
	 * (ETXTBSY): keep a read-only open of it, and nothing else. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (r == 0 && (stub_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		r = -errno;
	close(fd);
	{
		int afd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);

		if (afd >= 0) {
			if (read(afd, host_auxv, sizeof(host_auxv) - sizeof(host_auxv[0])) < 0)
				memset(host_auxv, 0, sizeof(host_auxv));
			close(afd);
		}
	}
	va_space = (int)sysctl_read("/proc/sys/kernel/randomize_va_space", 2);
	mmap_rnd_bits = (unsigned)sysctl_read("/proc/sys/vm/mmap_rnd_bits", 28);
	if (mmap_rnd_bits > 32)
		mmap_rnd_bits = 32;
	return r;
}

int exec_stub_fd(void)
{
	return stub_fd;
}

static uint64_t random64(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint64_t)random() << 32 ^ (uint64_t)random();
	return v;
}

/* ---- the layout --------------------------------------------------------- */

struct loader {
	struct task *t;
	struct mm *mm;
	struct binprm *b;
	bool randomize;		/* PF_RANDOMIZE */
	struct elf_layout prog, interp;
	uint64_t prog_bias, interp_bias;
	/* The injected mmaps, in order. */
	struct { uint64_t start, len, off; int prot, fd; } *map;
	size_t nmap, capmap;
};

/* arch_mmap_rnd() */
static uint64_t mmap_rnd(const struct loader *l)
{
	if (!l->randomize)
		return 0;
	return (random64() & ((1ULL << mmap_rnd_bits) - 1)) << 12;
}

/* arch_pick_mmap_layout()'s mmap_base(): below the stack's rlimit, its
 * randomisation and its guard gap, less the mmap randomness. */
static uint64_t mmap_base(const struct loader *l, uint64_t rnd)
{
	uint64_t task_size = l->mm->task_size, gap, pad;
	struct rlimit rl;

	if (prlimit(l->t->host_tid, RLIMIT_STACK, NULL, &rl) < 0)
		rl.rlim_cur = 8ULL << 20;
	gap = rl.rlim_cur;
	pad = (l->randomize ? STACK_RND_MASK << 12 : 0) + STACK_GUARD_GAP;
	if (gap + pad > gap)
		gap += pad;
	if (gap < (128ULL << 20))
		gap = 128ULL << 20;
	if (gap > task_size / 6 * 5)
		gap = task_size / 6 * 5;
	return PAGE_ALIGN(task_size - gap - rnd);
}

/* The first PT_LOAD's vaddr, for a load bias (ELF_PAGESTART(bias - vaddr)). */
static uint64_t first_vaddr(const struct elf_image *im)
{
	for (int i = 0; i < im->eh.e_phnum; i++)
		if (im->ph[i].p_type == PT_LOAD)
			return im->ph[i].p_vaddr;
	return 0;
}

/* An image with no fixed place: top-down below mmap_base, as an mmap of its
 * whole span (with the segments' alignment). */
static int place_free(struct loader *l, const struct elf_image *im, uint64_t *bias)
{
	uint64_t size = elf_total_mapping_size(im), align = elf_max_alignment(im), a;

	if (!size)
		return -EINVAL;
	if (align < PAGE)
		align = PAGE;
	a = vma_unmapped_area(&l->mm->vmas, size, align, MMAP_MIN_ADDR, l->mm->mmap_base, true);
	if (!a)
		a = vma_unmapped_area(&l->mm->vmas, size, align, l->mm->mmap_base, l->mm->task_size,
				      false);
	if (!a)
		return -ENOMEM;
	*bias = a - PAGESTART(first_vaddr(im));
	return 0;
}

/* load_elf_binary()'s load_bias. */
static int prog_bias(struct loader *l)
{
	const struct elf_image *im = &l->b->prog.im;

	if (im->eh.e_type != ET_DYN) {
		l->prog_bias = 0;
		return 0;
	}
	if (l->b->interp.fd >= 0) {
		uint64_t bias = ELF_ET_DYN_BASE + mmap_rnd(l), align = elf_max_alignment(im);

		if (align)
			bias &= ~(align - 1);
		l->prog_bias = PAGESTART(bias - first_vaddr(im));
		return 0;
	}
	/* A static PIE, or ld.so run as the program: where an mmap goes. */
	return place_free(l, im, &l->prog_bias);
}

/* ---- segments ------------------------------------------------------------ */

static int add_vma(struct loader *l, uint64_t start, uint64_t end, int prot, enum vma_kind kind,
		   struct memobj *obj, uint64_t off, const struct exec_file *f, struct vfile *vf,
		   uint64_t pgoff)
{
	struct vma *v = vma_new(start, end, prot, mlock_def_flags(l->mm), kind, obj, off);

	if (!v)
		return -ENOMEM;
	memobj_get(obj);
	if (kind == VMA_FILE_PRIV) {
		v->dev = f->st.st_dev;
		v->ino = f->st.st_ino;
		v->pgoff = pgoff;
		v->file = vf;
		vfile_get(vf);
	}
	if (vma_insert(&l->mm->vmas, v) < 0) {
		mm_vma_release(l->mm, v);
		return -ENOMEM;
	}
	return 0;
}

/* Queue one host mapping: [start, start+len) of the memfd at fd, off. */
static int add_map(struct loader *l, uint64_t start, uint64_t len, int prot, int fd, uint64_t off)
{
	if (array_reserve(&l->map, &l->capmap, l->nmap, sizeof(*l->map)))
		return -ENOMEM;
	l->map[l->nmap].start = start;
	l->map[l->nmap].len = len;
	l->map[l->nmap].off = off;
	l->map[l->nmap].prot = prot;
	l->map[l->nmap].fd = fd;
	l->nmap++;
	return 0;
}

/*
 * elf_load() for each PT_LOAD of f at its layout. A segment the image
 * cannot write maps its file pages from the page cache (shared, copied on
 * write by mprotect, pcache.c); a writable one gets an extent of the memfd
 * with the file's pages, the rest of its last file page zeroed. Pages past
 * the file part (bss) are zero. A later segment replaces what an earlier
 * one mapped in its pages, as MAP_FIXED does.
 */
static int load_segments(struct loader *l, const struct exec_file *f, const struct elf_layout *lay)
{
	struct mm *mm = l->mm;
	struct vfile *vf = NULL;
	int r = 0, dfd = dup(f->fd);

	if (dfd < 0 || !(vf = vfile_new(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return -ENOMEM;
	}
	vf->pc = pcache_get(f->fd, &f->st);
	for (size_t i = 0; i < lay->nseg && !r; i++) {
		const struct elf_seg *s = &lay->seg[i];
		uint64_t len = s->end - s->start, fend, foff = s->foff - (s->data - s->start), coff;
		bool cached;
		int64_t o = -1;

		if (!len)
			continue;
		/* Only the image's own earlier segments may be in the way. */
		for (struct vma *v = vma_find_intersection(&mm->vmas, s->start, s->end);
		     v && v->start < s->end; v = vma_next(v))
			if (v->kind != VMA_FILE_PRIV && v->kind != VMA_ANON) {
				r = -EEXIST;	/* elf_map()'s MAP_FIXED_NOREPLACE */
				break;
			}
		if (r || (r = unmap_range(mm, s->start, s->end)) < 0)
			break;
		fend = s->filesz ? PAGE_ALIGN(s->data + s->filesz) : s->start;
		if (fend > s->end)
			fend = s->end;
		cached = fend > s->start && !(s->prot & PROT_WRITE) &&
			 pcache_range(vf->pc, foff, fend - s->start, &coff);
		if (!cached || fend < s->end) {
			/* The private part: all of it, or the bss after the file. */
			uint64_t from = cached ? fend : s->start;

			o = memobj_alloc(mm->mem, s->end - from, NULL);
			if (o < 0) {
				r = (int)o;
				break;
			}
			if (!cached && fend > s->start &&
			    (r = mm_fill_file(mm->mem, (uint64_t)o, f->fd, foff, fend - s->start)) < 0) {
				memobj_free(mm->mem, (uint64_t)o, s->end - from);
				break;
			}
			/* padzero(): only where the guest could have written it. */
			if (!cached && (s->prot & PROT_WRITE) && s->filesz && s->data + s->filesz < fend)
				memset(mm->mem->base + o + (s->data + s->filesz - s->start), 0,
				       fend - (s->data + s->filesz));
		}
		if (cached) {
			r = add_vma(l, s->start, fend, s->prot, VMA_FILE_PRIV, pcache_obj(), coff, f,
				    vf, foff / PAGE);
			if (!r)
				r = add_map(l, s->start, fend - s->start, s->prot, UMK_FD_PCACHE, coff);
			if (!r && fend < s->end)
				r = add_vma(l, fend, s->end, s->prot, VMA_ANON, mm->mem, (uint64_t)o,
					    NULL, NULL, 0);
			if (!r && fend < s->end)
				r = add_map(l, fend, s->end - fend, s->prot, UMK_FD_MEM, (uint64_t)o);
		} else {
			if (fend > s->start)
				r = add_vma(l, s->start, fend, s->prot, VMA_FILE_PRIV, mm->mem,
					    (uint64_t)o, f, vf, foff / PAGE);
			if (!r && fend < s->end)
				r = add_vma(l, fend, s->end, s->prot, VMA_ANON, mm->mem,
					    (uint64_t)o + (fend - s->start), NULL, NULL, 0);
			/* One host mapping for both parts: they share the extent. */
			if (!r)
				r = add_map(l, s->start, len, s->prot, UMK_FD_MEM, (uint64_t)o);
		}
		if (r)
			unmap_range(mm, s->start, s->end);
	}
	vfile_put(vf);
	return r;
}

/* ---- the stack ------------------------------------------------------------ */

static uint64_t host_aux(uint64_t type)
{
	for (size_t i = 0; i < 63 && host_auxv[i][0]; i++)
		if (host_auxv[i][0] == type)
			return host_auxv[i][1];
	return getauxval(type);
}

static size_t build_auxv(struct loader *l, uint64_t (*av)[2], uint64_t vdso)
{
	const struct cred *c = &l->t->cred;
	size_t n = 0;

#define NEW_AUX_ENT(k, v) (av[n][0] = (k), av[n][1] = (v), n++)
	if (vdso)
		NEW_AUX_ENT(AT_SYSINFO_EHDR, vdso);
	NEW_AUX_ENT(AT_MINSIGSTKSZ, host_aux(AT_MINSIGSTKSZ));
	NEW_AUX_ENT(AT_HWCAP, host_aux(AT_HWCAP));
	NEW_AUX_ENT(AT_PAGESZ, PAGE);
	NEW_AUX_ENT(AT_CLKTCK, host_aux(AT_CLKTCK));
	NEW_AUX_ENT(AT_PHDR, l->prog.phdr);
	NEW_AUX_ENT(AT_PHENT, sizeof(Elf64_Phdr));
	NEW_AUX_ENT(AT_PHNUM, l->b->prog.im.eh.e_phnum);
	NEW_AUX_ENT(AT_BASE, l->b->interp.fd >= 0 ? l->interp_bias : 0);
	NEW_AUX_ENT(AT_FLAGS, 0);
	NEW_AUX_ENT(AT_ENTRY, l->prog.entry);
	NEW_AUX_ENT(AT_UID, c->uid);
	NEW_AUX_ENT(AT_EUID, c->euid);
	NEW_AUX_ENT(AT_GID, c->gid);
	NEW_AUX_ENT(AT_EGID, c->egid);
	NEW_AUX_ENT(AT_SECURE, l->b->secure);
	NEW_AUX_ENT(AT_RANDOM, 0);
	NEW_AUX_ENT(AT_HWCAP2, host_aux(AT_HWCAP2));
	NEW_AUX_ENT(AT_EXECFN, 0);
	NEW_AUX_ENT(AT_PLATFORM, 0);
	if (host_aux(AT_RSEQ_FEATURE_SIZE)) {
		NEW_AUX_ENT(AT_RSEQ_FEATURE_SIZE, host_aux(AT_RSEQ_FEATURE_SIZE));
		NEW_AUX_ENT(AT_RSEQ_ALIGN, host_aux(AT_RSEQ_ALIGN));
	}
#undef NEW_AUX_ENT
	return n;
}

/* The initial stack, written into the host's stack below its top. */
static int setup_stack(struct loader *l, uint64_t *sp)
{
	struct mm *mm = l->mm;
	struct vma *stack = NULL, *vdso = NULL;
	uint64_t av[32][2], host_sp = arch_stack_pointer(&l->t->inj.saved);
	struct exec_stack_in in = { 0 };
	struct exec_stack out;
	struct iovec local, remote;
	uint32_t gap;
	int r;

	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v)) {
		if (v->flags & VMA_STACK)
			stack = v;
		if (v->name && !strcmp(v->name, "[vdso]"))
			vdso = v;
	}
	if (!stack)
		return -EFAULT;
	in.argv = (const char *const *)l->b->argv;
	in.argc = l->b->argc;
	in.envp = (const char *const *)l->b->envp;
	in.envc = l->b->envc;
	in.execfn = l->b->filename;
	in.platform = "x86_64";
	if (getrandom(in.random, sizeof(in.random), 0) != sizeof(in.random))
		return -EAGAIN;
	/* arch_align_stack() */
	gap = l->randomize ? (uint32_t)(random64() % 8192) : 0;
	in.align_gap = gap;
	in.auxv = (const uint64_t (*)[2])av;
	in.nauxv = build_auxv(l, av, vdso ? vdso->start : 0);
	if ((r = exec_stack_build(&in, stack->end, &out)) < 0)
		return r;
	r = -EFAULT;
	if (out.sp >= stack->start) {
		local.iov_base = out.buf;
		local.iov_len = stack->end - out.sp;
		remote.iov_base = (void *)out.sp;
		remote.iov_len = local.iov_len;
		if (process_vm_writev(l->t->host_tid, &local, 1, &remote, 1, 0) ==
		    (ssize_t)local.iov_len)
			r = 0;
	}
	/* Below it, the stub's own start-up data: zero, as a new stack is. */
	if (r == 0 && host_sp < out.sp && host_sp >= stack->start) {
		size_t n = out.sp - host_sp;
		void *z = calloc(1, n);

		if (z) {
			local.iov_base = z;
			local.iov_len = n;
			remote.iov_base = (void *)host_sp;
			remote.iov_len = n;
			process_vm_writev(l->t->host_tid, &local, 1, &remote, 1, 0);
			free(z);
		}
	}
	free(out.buf);
	if (r == 0) {
		*sp = out.sp;
		mm->start_stack = out.sp;
		mm->bounds.arg_start = out.arg_start;
		mm->bounds.arg_end = out.arg_end;
		mm->bounds.env_start = out.env_start;
		mm->bounds.env_end = out.env_end;
		/* mm->saved_auxv, with the values the stack got. */
		memset(mm->bounds.auxv, 0, sizeof(mm->bounds.auxv));
		for (size_t i = 0; i < in.nauxv && i + 1 < MM_SAVED_AUXV; i++) {
			uint64_t type = av[i][0], v = av[i][1];

			if (type == AT_RANDOM)
				v = out.random;
			else if (type == AT_EXECFN)
				v = out.execfn;
			else if (type == AT_PLATFORM)
				v = out.platform;
			mm->bounds.auxv[i][0] = type;
			mm->bounds.auxv[i][1] = v;
		}
	}
	return r;
}

/* ---- the whole load ---------------------------------------------------------- */

static int load(struct loader *l)
{
	struct mm *mm = l->mm;
	struct binprm *b = l->b;
	uint64_t sp, entry, a[6];
	int r;

	if ((r = mm_prepare(l->t)) < 0)
		return r;
	inject_begin(l->t);
	if ((r = mm_exec_window(l->t, arch_instruction_pointer(&l->t->inj.saved) -
					      ARCH_STUB_MARKER)) < 0)
		return r;
	if ((r = mm_ensure_platform(l->t, true)) < 0)
		return r;

	mm->mmap_base = mmap_base(l, mmap_rnd(l));
	if ((r = prog_bias(l)) < 0 ||
	    (r = elf_layout(&b->prog.im, l->prog_bias, mm->task_size, &l->prog)) < 0 ||
	    (r = load_segments(l, &b->prog, &l->prog)) < 0)
		return r;
	if (b->interp.fd >= 0) {
		/* load_elf_interp() refuses what is not a loadable image now. */
		if (b->interp.im.eh.e_type != ET_EXEC && b->interp.im.eh.e_type != ET_DYN)
			return -ELIBBAD;
		if (b->interp.im.eh.e_type == ET_DYN)
			r = place_free(l, &b->interp.im, &l->interp_bias);
		if (r < 0 ||
		    (r = elf_layout(&b->interp.im, l->interp_bias, mm->task_size, &l->interp)) < 0 ||
		    (r = load_segments(l, &b->interp, &l->interp)) < 0)
			return r;
	}
	if (!l->nmap)
		return -ENOEXEC;
	mm->bounds.start_code = l->prog.start_code;
	mm->bounds.end_code = l->prog.end_code;
	mm->bounds.start_data = l->prog.start_data;
	mm->bounds.end_data = l->prog.end_data;

	/* brk: past the image; for a static PIE, at ELF_ET_DYN_BASE. */
	mm->start_brk = mm->brk = l->prog.brk;
	if (b->interp.fd < 0 && b->prog.im.eh.e_type == ET_DYN)
		mm->start_brk = mm->brk = PAGE_ALIGN(ELF_ET_DYN_BASE);
	else if (l->randomize)
		mm->start_brk = mm->brk = mm->brk + PAGE;
	if (l->randomize)
		mm->start_brk = mm->brk = mm->brk + (random64() % (BRK_RND_RANGE / PAGE)) * PAGE;

	if ((r = setup_stack(l, &sp)) < 0)
		return r;
	/* PT_GNU_STACK with PF_X: the stub's stack is not executable. */
	if (b->prog.im.stack == ELF_STACK_X) {
		for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v))
			if (v->flags & VMA_STACK) {
				r = (int)inject_syscall(l->t, SYS_mprotect, v->start, v->end - v->start,
							PROT_READ | PROT_WRITE | PROT_EXEC, 0, 0, 0);
				if (r < 0)
					return r;
				v->prot |= PROT_EXEC;
			}
	}

	entry = b->interp.fd >= 0 ? l->interp.entry : l->prog.entry;
	arch_start_thread(&l->t->inj.saved, entry, sp);
	for (size_t i = 0; i < l->nmap; i++) {
		long m;

		a[0] = l->map[i].start;
		a[1] = l->map[i].len;
		a[2] = (uint64_t)l->map[i].prot;
		a[3] = MAP_SHARED | MAP_FIXED;
		a[4] = (uint64_t)l->map[i].fd;
		a[5] = l->map[i].off;
		if (i + 1 == l->nmap && inject_syscall_tail(l->t, SYS_mmap, a, a[0]) == 0)
			return 0;
		m = inject_syscall(l->t, SYS_mmap, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (m < 0)
			return (int)m;
		if ((uint64_t)m != a[0])
			return -ENOMEM;
	}
	inject_end(l->t);
	return 0;
}

int exec_load(struct task *t, struct binprm *b)
{
	struct loader l = { .t = t, .mm = t->mm, .b = b };
	int r;

	l.randomize = !(b->personality & ADDR_NO_RANDOMIZE) && va_space > 0;
	r = load(&l);
	free(l.prog.seg);
	free(l.interp.seg);
	free(l.map);
	if (r < 0 && !t->inj.dead) {
		/* Past the point of no return: the process dies of SIGSEGV, as
		 * Linux's force_fatal_sig(), by a fault at address 0. */
		struct arch_regs *regs = t->inj.active ? &t->inj.saved : &t->inj.cur;

		if (!t->inj.active)
			arch_regs_fetch(t->host_tid, regs);
		arch_start_thread(regs, 0, 0);
		if (t->inj.active)
			inject_end(t);
		else
			arch_regs_store(t->host_tid, regs);
	}
	return r;
}
