/*
 * ELF64 executables, read the way Linux's load_elf_binary() reads them
 * (fs/binfmt_elf.c): the checks it makes before the point of no return,
 * with the errno each gives, and the layout it computes after it.
 *
 * Nothing here maps or touches a guest: it reads a file umk opened and says
 * what the image would look like, so the loader (exec issue) and the unit
 * tests share one parser.
 */
#ifndef UMK_BINFMT_H
#define UMK_BINFMT_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MIN_ALIGN 4096ULL

/* PT_GNU_STACK: absent (the arch default), without PF_X, with PF_X. */
enum elf_stack { ELF_STACK_DEFAULT, ELF_STACK_NX, ELF_STACK_X };

struct elf_image {
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;			/* eh.e_phnum entries */
	const Elf64_Phdr *interp;	/* the PT_INTERP Linux uses (the first), or NULL */
	enum elf_stack stack;		/* the last PT_GNU_STACK's verdict */
};

/*
 * Read and check the ELF header and program headers of fd, as
 * load_elf_binary() does for the program (interp false: errors are
 * -ENOEXEC) or for its interpreter (interp true: -ELIBBAD). 0 on success;
 * elf_free() then releases im.
 */
int elf_read(int fd, struct elf_image *im, bool interp);
void elf_free(struct elf_image *im);

/*
 * The interpreter path of a program image (its PT_INTERP), NUL-terminated in
 * buf (PATH_MAX bytes). 0 if there is none, 1 if there is, -ENOEXEC for a
 * length outside [2, PATH_MAX] or a missing NUL, -EIO for a short read.
 */
int elf_interp_path(int fd, const struct elf_image *im, char *buf, size_t len);

/* total_mapping_size(): first PT_LOAD's page to the last one's end; 0 if none. */
uint64_t elf_total_mapping_size(const struct elf_image *im);
/* maximum_alignment(): the largest power-of-two p_align of the PT_LOADs
 * (at least a page, ignoring invalid ones), or 0 without PT_LOADs. */
uint64_t elf_max_alignment(const struct elf_image *im);

/* One PT_LOAD as the loader maps it. */
struct elf_seg {
	uint64_t start, end;	/* the mapping: page-aligned, [start, end) */
	uint64_t data;		/* where the file bytes go (vaddr + bias) */
	uint64_t foff, filesz;	/* the file bytes: [foff, foff + filesz) */
	int prot;		/* PROT_* from p_flags */
};

/* What load_elf_binary() computes from the PT_LOADs, for a load bias. */
struct elf_layout {
	struct elf_seg *seg;
	size_t nseg;
	uint64_t entry;		/* e_entry + bias */
	uint64_t phdr;		/* where the program headers are mapped (AT_PHDR), or 0 */
	uint64_t brk;		/* page-aligned end of the highest segment */
	uint64_t start_code, end_code, start_data, end_data;
};

/*
 * The segments of im at load_bias, checked as Linux checks them after its
 * point of no return (a segment past task_size, p_filesz > p_memsz, a
 * wrapping one: -EINVAL, and the process dies). 0 on success; free
 * layout->seg.
 */
int elf_layout(const struct elf_image *im, uint64_t load_bias, uint64_t task_size,
	       struct elf_layout *layout);

#endif
