/*
 * The ELF parser on its own (src/binfmt_elf.c): a well-formed static and
 * PIE-like image, then one defect at a time, each with the errno Linux's
 * load_elf_binary() gives for it (ENOEXEC for the program, ELIBBAD for an
 * interpreter, EIO for short reads of what it must read, EINVAL for
 * segments it refuses after the point of no return); the interpreter path;
 * total mapping size, alignment and the layout at a load bias. Then the
 * initial stack: where Linux puts each string and the vector, and E2BIG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <check.h>
#include "umk/binfmt.h"
#include "umk/exec_stack.h"

Suite *suite_elf(void);

#define TASK_SIZE 0x7ffffffff000ULL
#define INTERP "/lib64/ld-linux-x86-64.so.2"

/* An image in memory: header, up to 8 program headers, payload after. */
struct img {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[8];
	char payload[8192];
};

static size_t img_size = sizeof(struct img);

/* ET_EXEC at 0x400000: a PT_LOAD of the headers (R), text (RX), data+bss
 * (RW), PT_GNU_STACK without PF_X. */
static void img_static(struct img *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
	m->eh.e_ident[EI_CLASS] = ELFCLASS64;
	m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh.e_ident[EI_VERSION] = EV_CURRENT;
	m->eh.e_type = ET_EXEC;
	m->eh.e_machine = EM_X86_64;
	m->eh.e_version = EV_CURRENT;
	m->eh.e_entry = 0x401000;
	m->eh.e_phoff = offsetof(struct img, ph);
	m->eh.e_ehsize = sizeof(Elf64_Ehdr);
	m->eh.e_phentsize = sizeof(Elf64_Phdr);
	m->eh.e_phnum = 4;
	m->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0,
				 .p_vaddr = 0x400000, .p_filesz = 0x1000, .p_memsz = 0x1000,
				 .p_align = 0x1000 };
	m->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
				 .p_vaddr = 0x401000, .p_filesz = 0x800, .p_memsz = 0x800,
				 .p_align = 0x1000 };
	m->ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1800,
				 .p_vaddr = 0x402800, .p_filesz = 0x100, .p_memsz = 0x3000,
				 .p_align = 0x1000 };
	m->ph[3] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
}

/* The same as a PIE with an interpreter: ET_DYN at 0, a PT_INTERP first. */
static void img_pie(struct img *m)
{
	img_static(m);
	m->eh.e_type = ET_DYN;
	m->eh.e_entry = 0x1000;
	m->ph[4] = m->ph[3];
	m->ph[3] = m->ph[2];
	m->ph[2] = m->ph[1];
	m->ph[1] = m->ph[0];
	m->ph[0] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R,
				 .p_offset = offsetof(struct img, payload),
				 .p_filesz = sizeof(INTERP), .p_memsz = sizeof(INTERP), .p_align = 1 };
	for (int i = 1; i < 4; i++)
		m->ph[i].p_vaddr -= 0x400000;
	m->eh.e_phnum = 5;
	memcpy(m->payload, INTERP, sizeof(INTERP));
}

/* Write the first len bytes of m to a fresh file; returns its fd. */
static int img_fd(const struct img *m, size_t len)
{
	int fd = memfd_create("elf", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, m, len), (ssize_t)len);
	return fd;
}

static int read_img(const struct img *m, size_t len, bool interp)
{
	struct elf_image im;
	int fd = img_fd(m, len), r;

	r = elf_read(fd, &im, interp);
	elf_free(&im);
	close(fd);
	return r;
}

START_TEST(test_elf_good)
{
	struct img m;
	struct elf_image im;
	struct elf_layout l;
	char path[4096];
	int fd;

	img_static(&m);
	fd = img_fd(&m, img_size);
	ck_assert_int_eq(elf_read(fd, &im, false), 0);
	ck_assert_ptr_null(im.interp);
	ck_assert_int_eq(im.stack, ELF_STACK_NX);
	ck_assert_int_eq(elf_interp_path(fd, &im, path, sizeof(path)), 0);
	/* From the first page to the end of the bss. */
	ck_assert_uint_eq(elf_total_mapping_size(&im), 0x5800);
	ck_assert_uint_eq(elf_max_alignment(&im), 0x1000);
	ck_assert_int_eq(elf_layout(&im, 0, TASK_SIZE, &l), 0);
	ck_assert_uint_eq(l.nseg, 3);
	ck_assert_uint_eq(l.seg[0].start, 0x400000);
	ck_assert_uint_eq(l.seg[0].end, 0x401000);
	ck_assert_int_eq(l.seg[0].prot, PROT_READ);
	ck_assert_int_eq(l.seg[1].prot, PROT_READ | PROT_EXEC);
	/* Data at 0x402800 in its page; bss up to 0x405800, page-aligned. */
	ck_assert_uint_eq(l.seg[2].start, 0x402000);
	ck_assert_uint_eq(l.seg[2].end, 0x406000);
	ck_assert_uint_eq(l.seg[2].data, 0x402800);
	ck_assert_uint_eq(l.seg[2].foff, 0x1800);
	ck_assert_uint_eq(l.seg[2].filesz, 0x100);
	ck_assert_int_eq(l.seg[2].prot, PROT_READ | PROT_WRITE);
	ck_assert_uint_eq(l.entry, 0x401000);
	ck_assert_uint_eq(l.phdr, 0x400000 + offsetof(struct img, ph));
	ck_assert_uint_eq(l.brk, 0x406000);
	ck_assert_uint_eq(l.start_code, 0x401000);
	ck_assert_uint_eq(l.end_code, 0x401800);
	ck_assert_uint_eq(l.start_data, 0x402800);
	ck_assert_uint_eq(l.end_data, 0x402900);
	free(l.seg);
	elf_free(&im);
	close(fd);

	img_pie(&m);
	fd = img_fd(&m, img_size);
	ck_assert_int_eq(elf_read(fd, &im, false), 0);
	ck_assert_ptr_nonnull(im.interp);
	ck_assert_int_eq(elf_interp_path(fd, &im, path, sizeof(path)), 1);
	ck_assert_str_eq(path, INTERP);
	ck_assert_int_eq(elf_layout(&im, 0x555555554000, TASK_SIZE, &l), 0);
	ck_assert_uint_eq(l.seg[0].start, 0x555555554000);
	ck_assert_uint_eq(l.entry, 0x555555555000);
	ck_assert_uint_eq(l.brk, 0x55555555a000);
	free(l.seg);
	elf_free(&im);
	close(fd);
}
END_TEST

/* Each defect of the program's headers, with the errno Linux gives. */
START_TEST(test_elf_bad_program)
{
	struct img m;

	img_static(&m);
	ck_assert_int_eq(read_img(&m, 0, false), -ENOEXEC);	/* empty file */
	ck_assert_int_eq(read_img(&m, 40, false), -ENOEXEC);	/* truncated header */
	m.eh.e_ident[1] = 'L';
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_type = ET_REL;
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_type = ET_CORE;
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_machine = EM_AARCH64;
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_ident[EI_CLASS] = ELFCLASS32;
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_phentsize = 32;
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_phnum = 0;
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_phnum = 74;	/* more than a page of them is fine: the rest are PT_NULL */
	ck_assert_int_eq(read_img(&m, img_size, false), 0);
	img_static(&m);
	m.eh.e_phnum = 1171;	/* 64 KiB + 32 bytes of them */
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	m.eh.e_phoff = img_size - 100;	/* the file ends inside them */
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
	img_static(&m);
	ck_assert_int_eq(read_img(&m, 100, false), -ENOEXEC);	/* truncated phdrs */
	img_static(&m);
	m.eh.e_phoff = ~0ULL - 10;	/* phdrs past any file */
	ck_assert_int_eq(read_img(&m, img_size, false), -ENOEXEC);
}
END_TEST

/* An interpreter: ELIBBAD for what Linux checks before the point of no
 * return, EIO for a header shorter than its size; its type is checked later. */
START_TEST(test_elf_bad_interp)
{
	struct img m;

	img_pie(&m);
	ck_assert_int_eq(read_img(&m, img_size, true), 0);
	ck_assert_int_eq(read_img(&m, 40, true), -EIO);
	ck_assert_int_eq(read_img(&m, 0, true), -EIO);
	m.eh.e_ident[0] = '#';
	ck_assert_int_eq(read_img(&m, img_size, true), -ELIBBAD);
	img_pie(&m);
	m.eh.e_machine = EM_386;
	ck_assert_int_eq(read_img(&m, img_size, true), -ELIBBAD);
	img_pie(&m);
	m.eh.e_phnum = 0;
	ck_assert_int_eq(read_img(&m, img_size, true), -ELIBBAD);
	img_pie(&m);
	m.eh.e_type = ET_REL;	/* load_elf_interp() refuses it after the point of no return */
	ck_assert_int_eq(read_img(&m, img_size, true), 0);
}
END_TEST

/* PT_INTERP: length bounds, the NUL, a read past the end; the first wins. */
START_TEST(test_elf_interp_path)
{
	struct img m;
	struct elf_image im;
	char path[4096];
	int fd;

	struct {
		uint64_t off, filesz;
		char last;
		int want;
	} cases[] = {
		{ offsetof(struct img, payload), sizeof(INTERP), '\0', 1 },
		{ offsetof(struct img, payload), 1, '\0', -ENOEXEC },		/* too short */
		{ offsetof(struct img, payload), 4097, '\0', -ENOEXEC },	/* > PATH_MAX */
		{ offsetof(struct img, payload), sizeof(INTERP), 'x', -ENOEXEC },	/* no NUL */
		{ sizeof(struct img) - 4, 16, '\0', -EIO },			/* past EOF */
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		img_pie(&m);
		m.ph[0].p_offset = cases[i].off;
		m.ph[0].p_filesz = cases[i].filesz;
		if (cases[i].last != '\0')
			m.payload[sizeof(INTERP) - 1] = cases[i].last;
		fd = img_fd(&m, img_size);
		ck_assert_int_eq(elf_read(fd, &im, false), 0);
		ck_assert_msg(elf_interp_path(fd, &im, path, sizeof(path)) == cases[i].want,
			      "case %u", i);
		elf_free(&im);
		close(fd);
	}
	/* A second PT_INTERP is not looked at. */
	img_pie(&m);
	m.ph[5] = m.ph[0];
	m.ph[5].p_filesz = 1;
	m.eh.e_phnum = 6;
	fd = img_fd(&m, img_size);
	ck_assert_int_eq(elf_read(fd, &im, false), 0);
	ck_assert_ptr_eq(im.interp, &im.ph[0]);
	ck_assert_int_eq(elf_interp_path(fd, &im, path, sizeof(path)), 1);
	elf_free(&im);
	close(fd);
}
END_TEST

static int layout_of(const struct img *m, uint64_t bias)
{
	struct elf_image im;
	struct elf_layout l;
	int fd = img_fd(m, img_size), r;

	ck_assert_int_eq(elf_read(fd, &im, false), 0);
	r = elf_layout(&im, bias, TASK_SIZE, &l);
	free(l.seg);
	elf_free(&im);
	close(fd);
	return r;
}

/* What load_elf_binary() refuses once the old image is gone. */
START_TEST(test_elf_bad_layout)
{
	struct img m;

	img_static(&m);
	ck_assert_int_eq(layout_of(&m, 0), 0);
	m.ph[2].p_filesz = 0x4000;	/* more file than memory */
	ck_assert_int_eq(layout_of(&m, 0), -EINVAL);
	img_static(&m);
	m.ph[2].p_vaddr = TASK_SIZE;	/* outside the user range */
	ck_assert_int_eq(layout_of(&m, 0), -EINVAL);
	img_static(&m);
	m.ph[2].p_memsz = ~0ULL - 0x1000;	/* wraps */
	ck_assert_int_eq(layout_of(&m, 0), -EINVAL);
	img_static(&m);
	m.ph[2].p_vaddr = TASK_SIZE - 0x1800;	/* runs past the top */
	ck_assert_int_eq(layout_of(&m, 0), -EINVAL);
	img_static(&m);
	m.ph[1].p_offset = 0x1100;	/* offset and address in different places of a page */
	ck_assert_int_eq(layout_of(&m, 0), -EINVAL);
	img_static(&m);
	m.eh.e_entry = TASK_SIZE + 5;
	ck_assert_int_eq(layout_of(&m, 0), -EINVAL);
	/* A bias that carries a segment past the top. */
	img_pie(&m);
	ck_assert_int_eq(layout_of(&m, TASK_SIZE - 0x2000), -EINVAL);
	/* Overlapping segments are not refused (the later one wins). */
	img_static(&m);
	m.ph[2].p_vaddr = 0x401800;
	m.ph[2].p_offset = 0x1800;
	ck_assert_int_eq(layout_of(&m, 0), 0);
}
END_TEST

/* Sizes and alignment: non-power-of-two p_align is skipped, at least a page. */
START_TEST(test_elf_sizes)
{
	struct img m;
	struct elf_image im;
	int fd;

	img_static(&m);
	m.ph[0].p_align = 0x200000;
	m.ph[1].p_align = 0x3000;	/* invalid: ignored */
	m.ph[2].p_align = 0x10;
	fd = img_fd(&m, img_size);
	ck_assert_int_eq(elf_read(fd, &im, false), 0);
	ck_assert_uint_eq(elf_max_alignment(&im), 0x200000);
	elf_free(&im);
	close(fd);
	img_static(&m);
	for (int i = 0; i < 3; i++)
		m.ph[i].p_align = i == 2 ? 0x10 : 0;
	fd = img_fd(&m, img_size);
	ck_assert_int_eq(elf_read(fd, &im, false), 0);
	ck_assert_uint_eq(elf_max_alignment(&im), 0x1000);
	/* Unsorted segments: lowest page to highest end. */
	im.ph[0].p_vaddr = 0x500000;
	ck_assert_uint_eq(elf_total_mapping_size(&im), 0x500000 + 0x1000 - 0x401000);
	for (int i = 0; i < im.eh.e_phnum; i++)
		im.ph[i].p_type = PT_NOTE;
	ck_assert_uint_eq(elf_total_mapping_size(&im), 0);
	ck_assert_uint_eq(elf_max_alignment(&im), 0);
	elf_free(&im);
	close(fd);
}
END_TEST

/* ---- the initial stack ---------------------------------------------------- */

#define TOP 0x7ffffffde000ULL

static uint64_t word(const struct exec_stack *st, uint64_t addr)
{
	uint64_t w;

	memcpy(&w, st->buf + (addr - st->sp), 8);
	return w;
}

static const char *str(const struct exec_stack *st, uint64_t addr)
{
	return (const char *)st->buf + (addr - st->sp);
}

/* Every place Linux puts a thing, from the top down, and the vector at sp. */
START_TEST(test_stack_layout)
{
	const char *argv[] = { "prog", "a" }, *envp[] = { "X=1" };
	const uint64_t auxv[][2] = { { AT_PAGESZ, 4096 }, { AT_RANDOM, 0 }, { AT_EXECFN, 0 },
				     { AT_PLATFORM, 0 }, { AT_SECURE, 0 } };
	struct exec_stack_in in = { .argv = argv, .argc = 2, .envp = envp, .envc = 1,
				    .execfn = "/bin/prog", .platform = "x86_64",
				    .align_gap = 0x105, .auxv = auxv, .nauxv = 5 };
	struct exec_stack st;
	uint64_t sp, a;

	for (int i = 0; i < 16; i++)
		in.random[i] = (uint8_t)(0xa0 + i);
	ck_assert_int_eq(exec_stack_build(&in, TOP, &st), 0);
	ck_assert_uint_eq(word(&st, TOP - 8), 0);
	ck_assert_uint_eq(st.execfn, TOP - 8 - 10);
	ck_assert_str_eq(str(&st, st.execfn), "/bin/prog");
	ck_assert_uint_eq(st.env_end, st.execfn);
	ck_assert_uint_eq(st.env_start, st.execfn - 4);
	ck_assert_uint_eq(st.arg_end, st.env_start);
	ck_assert_uint_eq(st.arg_start, st.env_start - 2 - 5);
	/* The gap, 16-aligned, then the platform string and the random bytes. */
	a = (st.arg_start - 0x105) & ~15ULL;
	ck_assert_uint_eq(st.platform, a - 7);
	ck_assert_str_eq(str(&st, st.platform), "x86_64");
	ck_assert_uint_eq(st.random, st.platform - 16);
	ck_assert_int_eq(memcmp(str(&st, st.random), in.random, 16), 0);
	/* sp: 16-aligned, as low as the vector needs and no lower. */
	sp = st.sp;
	ck_assert_uint_eq(sp % 16, 0);
	ck_assert_uint_ge(st.random - sp, (1 + 3 + 2 + 12) * 8);
	ck_assert_uint_lt(st.random - sp, (1 + 3 + 2 + 12) * 8 + 16);
	ck_assert_uint_eq(word(&st, sp), 2);
	ck_assert_str_eq(str(&st, word(&st, sp + 8)), "prog");
	ck_assert_str_eq(str(&st, word(&st, sp + 16)), "a");
	ck_assert_uint_eq(word(&st, sp + 24), 0);
	ck_assert_str_eq(str(&st, word(&st, sp + 32)), "X=1");
	ck_assert_uint_eq(word(&st, sp + 40), 0);
	a = sp + 48;
	ck_assert_uint_eq(word(&st, a), AT_PAGESZ);
	ck_assert_uint_eq(word(&st, a + 8), 4096);
	ck_assert_uint_eq(word(&st, a + 16), AT_RANDOM);
	ck_assert_uint_eq(word(&st, a + 24), st.random);
	ck_assert_uint_eq(word(&st, a + 40), st.execfn);
	ck_assert_uint_eq(word(&st, a + 56), st.platform);
	ck_assert_uint_eq(word(&st, a + 64), AT_SECURE);
	ck_assert_uint_eq(word(&st, a + 80), AT_NULL);
	ck_assert_uint_eq(word(&st, a + 88), 0);
	free(st.buf);
}
END_TEST

/* No argv: { "" } (Linux 5.18 on); no platform, no environment. */
START_TEST(test_stack_empty_argv)
{
	struct exec_stack_in in = { .execfn = "x" };
	struct exec_stack st;

	ck_assert_int_eq(exec_stack_build(&in, TOP, &st), 0);
	ck_assert_uint_eq(word(&st, st.sp), 1);
	ck_assert_str_eq(str(&st, word(&st, st.sp + 8)), "");
	ck_assert_uint_eq(word(&st, st.sp + 16), 0);
	ck_assert_uint_eq(word(&st, st.sp + 24), 0);
	ck_assert_uint_eq(word(&st, st.sp + 32), AT_NULL);
	ck_assert_uint_eq(st.platform, 0);
	ck_assert_uint_eq(st.random, ((TOP - 8 - 2 - 1) & ~15ULL) - 16);
	free(st.buf);
}
END_TEST

/* E2BIG where do_execveat_common() finds it. */
START_TEST(test_stack_e2big)
{
	static char big[MAX_ARG_STRLEN + 1];
	const char *argv[2] = { "p", big };
	struct exec_stack_in in = { .argv = argv, .argc = 2, .execfn = "p" };
	uint64_t limit;

	memset(big, 'x', sizeof(big) - 1);
	ck_assert_int_eq(exec_stack_check(&in, 8 << 20), -E2BIG);	/* one string too long */
	big[MAX_ARG_STRLEN - 1] = '\0';					/* exactly the longest */
	ck_assert_int_eq(exec_stack_check(&in, 8 << 20), 0);
	/* A 512 KiB stack allows 128 KiB of strings and pointers, the floor. */
	limit = 128 * 1024 - 2 * 8;
	ck_assert_int_eq(exec_stack_check(&in, 512 << 10), -E2BIG);
	big[limit - 2 - 2 - 1] = '\0';	/* "p" twice and big's NUL: exactly the limit */
	ck_assert_int_eq(exec_stack_check(&in, 512 << 10), 0);
	big[limit - 2 - 2 - 1] = 'x';
	big[limit - 2 - 2] = '\0';	/* one byte over */
	ck_assert_int_eq(exec_stack_check(&in, 64 << 10), -E2BIG);
	ck_assert_int_eq(exec_stack_check(&in, ~0ULL), 0);		/* 6 MiB when unlimited */
	in.argc = MAX_ARG_STRINGS + 1;
	ck_assert_int_eq(exec_stack_check(&in, ~0ULL), -E2BIG);
}
END_TEST

Suite *suite_elf(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("parser");

	tcase_add_test(tc, test_elf_good);
	tcase_add_test(tc, test_elf_bad_program);
	tcase_add_test(tc, test_elf_bad_interp);
	tcase_add_test(tc, test_elf_interp_path);
	tcase_add_test(tc, test_elf_bad_layout);
	tcase_add_test(tc, test_elf_sizes);
	suite_add_tcase(s, tc);
	tc = tcase_create("stack");
	tcase_add_test(tc, test_stack_layout);
	tcase_add_test(tc, test_stack_empty_argv);
	tcase_add_test(tc, test_stack_e2big);
	suite_add_tcase(s, tc);
	return s;
}
