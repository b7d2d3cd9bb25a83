/*
 * ELF64 images, read as Linux's fs/binfmt_elf.c reads them (see
 * include/umk/binfmt.h). The order of the checks is Linux's, because the
 * first failing one decides the errno a guest sees.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "umk/binfmt.h"
#include "umk/umk.h"

#define PAGESTART(v) ((v) & ~(ELF_MIN_ALIGN - 1))
#define PAGEOFFSET(v) ((v) & (ELF_MIN_ALIGN - 1))
#define PAGEALIGN(v) (((v) + ELF_MIN_ALIGN - 1) & ~(ELF_MIN_ALIGN - 1))

/* Read exactly len bytes at off: 0, or -EIO for a short read (elf_read()). */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	if (off > (uint64_t)LLONG_MAX)
		return -EINVAL;	/* kernel_read() of a negative position */
	n = pread(fd, buf, len, (off_t)off);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* load_elf_phdrs(): NULL on any failure, which the caller turns into its errno. */
static Elf64_Phdr *read_phdrs(int fd, const Elf64_Ehdr *eh)
{
	size_t size = sizeof(Elf64_Phdr) * eh->e_phnum;
	Elf64_Phdr *ph;

	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return NULL;
	if (size == 0 || size > 65536)
		return NULL;
	ph = malloc(size);
	if (!ph)
		return NULL;
	if (read_at(fd, ph, size, eh->e_phoff)) {
		free(ph);
		return NULL;
	}
	return ph;
}

/* elf_check_arch() for x86-64. Linux would hand an ELFCLASS32 image to its
 * compat loader; umk has none, so it is not an image of ours. */
static bool arch_ok(const Elf64_Ehdr *eh)
{
	return eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_machine == EM_X86_64;
}

int elf_read(int fd, struct elf_image *im, bool interp)
{
	int bad = interp ? -ELIBBAD : -ENOEXEC;
	ssize_t n;

	memset(im, 0, sizeof(*im));
	n = pread(fd, &im->eh, sizeof(im->eh), 0);
	if (n < 0)
		return -errno;
	if ((size_t)n < sizeof(im->eh)) {
		/* The interpreter's header is read with elf_read(): short is
		 * EIO. The program's comes from the zeroed binprm buffer. */
		if (interp)
			return -EIO;
		memset((char *)&im->eh + n, 0, sizeof(im->eh) - (size_t)n);
	}
	if (memcmp(im->eh.e_ident, ELFMAG, SELFMAG))
		return bad;
	/* The program must be ET_EXEC or ET_DYN here; for the interpreter
	 * load_elf_interp() checks that after the point of no return. */
	if (!interp && im->eh.e_type != ET_EXEC && im->eh.e_type != ET_DYN)
		return bad;
	if (!arch_ok(&im->eh))
		return bad;
	im->ph = read_phdrs(fd, &im->eh);
	if (!im->ph)
		return bad;
	for (int i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];

		if (p->p_type == PT_INTERP && !im->interp)
			im->interp = p;
		else if (p->p_type == PT_GNU_STACK)
			im->stack = (p->p_flags & PF_X) ? ELF_STACK_X : ELF_STACK_NX;
	}
	return 0;
}

void elf_free(struct elf_image *im)
{
	free(im->ph);
	im->ph = NULL;
	im->interp = NULL;
}

int elf_interp_path(int fd, const struct elf_image *im, char *buf, size_t len)
{
	const Elf64_Phdr *p = im->interp;
	int r;

	if (!p)
		return 0;
	if (p->p_filesz > PATH_MAX || p->p_filesz < 2 || p->p_filesz > len)
		return -ENOEXEC;
	if ((r = read_at(fd, buf, p->p_filesz, p->p_offset)) < 0)
		return r;
	if (buf[p->p_filesz - 1] != '\0')
		return -ENOEXEC;
	return 1;
}

uint64_t elf_total_mapping_size(const struct elf_image *im)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	bool any = false;

	for (int i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (PAGESTART(p->p_vaddr) < lo)
			lo = PAGESTART(p->p_vaddr);
		if (p->p_vaddr + p->p_memsz > hi)
			hi = p->p_vaddr + p->p_memsz;
		any = true;
	}
	return any ? hi - lo : 0;
}

uint64_t elf_max_alignment(const struct elf_image *im)
{
	uint64_t a = 0;

	for (int i = 0; i < im->eh.e_phnum; i++) {
		uint64_t al = im->ph[i].p_align;

		if (im->ph[i].p_type != PT_LOAD || !al || (al & (al - 1)))
			continue;	/* not a power of two: invalid, skipped */
		if (al > a)
			a = al;
	}
	return PAGEALIGN(a);
}

static int prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

int elf_layout(const struct elf_image *im, uint64_t bias, uint64_t task_size,
	       struct elf_layout *l)
{
	uint64_t start_code = UINT64_MAX, end_code = 0, start_data = 0, end_data = 0, brk = 0;

	memset(l, 0, sizeof(*l));
	l->seg = calloc(im->eh.e_phnum ? im->eh.e_phnum : 1, sizeof(*l->seg));
	if (!l->seg)
		return -ENOMEM;
	for (int i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		struct elf_seg *s = &l->seg[l->nseg];
		uint64_t k = p->p_vaddr, addr = bias + p->p_vaddr;

		if (p->p_type != PT_LOAD)
			continue;
		/* elf_map(): the file offset must share the address's place
		 * in its page, or the mmap fails (EINVAL). */
		if (p->p_filesz &&
		    (PAGEOFFSET(p->p_offset) != PAGEOFFSET(p->p_vaddr) ||
		     p->p_offset > (uint64_t)LLONG_MAX - p->p_filesz))
			goto inval;
		if (k >= task_size || p->p_filesz > p->p_memsz || p->p_memsz > task_size ||
		    task_size - p->p_memsz < k)
			goto inval;
		/* The same, where it really lands (load_elf_interp()'s check). */
		if (addr >= task_size || task_size - p->p_memsz < addr)
			goto inval;
		s->start = PAGESTART(addr);
		s->end = PAGEALIGN(addr + p->p_memsz);	/* == start: nothing to map */
		s->data = addr;
		s->foff = p->p_offset;
		s->filesz = p->p_filesz;
		s->prot = prot_of(p->p_flags);
		l->nseg++;
		if (p->p_offset <= im->eh.e_phoff && im->eh.e_phoff < p->p_offset + p->p_filesz)
			l->phdr = im->eh.e_phoff - p->p_offset + p->p_vaddr + bias;
		if ((p->p_flags & PF_X) && k < start_code)
			start_code = k;
		if (start_data < k)
			start_data = k;
		k = p->p_vaddr + p->p_filesz;
		if ((p->p_flags & PF_X) && end_code < k)
			end_code = k;
		if (end_data < k)
			end_data = k;
		k = p->p_vaddr + p->p_memsz;
		if (k > brk)
			brk = k;
	}
	l->entry = im->eh.e_entry + bias;
	l->brk = PAGEALIGN(brk + bias);
	l->start_code = start_code + bias;
	l->end_code = end_code + bias;
	l->start_data = start_data + bias;
	l->end_data = end_data + bias;
	if (l->entry >= task_size)
		goto inval;	/* BAD_ADDR(elf_entry) */
	return 0;
inval:
	free(l->seg);
	l->seg = NULL;
	l->nseg = 0;
	return -EINVAL;
}
