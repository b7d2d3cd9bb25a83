/*
 * Guest memory management, the working cases: anonymous and file mappings
 * (private and shared), munmap splitting a mapping, mprotect, faults with
 * their exact si_code and si_addr, MAP_FIXED / MAP_FIXED_NOREPLACE, hints,
 * mremap (in place, moving, MREMAP_FIXED, MREMAP_DONTUNMAP), brk, madvise,
 * mincore, msync, mlock.
 *
 * Deterministic output: relations, contents, errno names, signal names and
 * si_addr offsets from the expected address; never an address. One line per
 * check; a failed check is marked "FAIL (want ...)", and the exit status is
 * then 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "mmcheck.h"

/* ---- reporting ---------------------------------------------------------- */

/* "ok" for a call that returned 0 (or a pointer), else the errno name. */
static const char *res(long r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

static const char *mres(void *p)
{
	return p == MAP_FAILED ? strerrorname_np(errno) : "ok";
}

/* ---- surviving faults --------------------------------------------------- */

static sigjmp_buf jb;
static volatile int f_sig, f_code, armed;
static volatile uintptr_t f_addr;

static const char *code_name(int sig, int code);

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!armed) {	/* a fault outside touch(): a broken case */
		char buf[96];
		int n = snprintf(buf, sizeof(buf), "unexpected SIG%s %s: FAIL\n",
				 sigabbrev_np(sig), code_name(sig, si->si_code));

		write(1, buf, n);
		_exit(1);
	}
	armed = 0;
	f_sig = sig;
	f_code = si->si_code;
	f_addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

static const char *code_name(int sig, int code)
{
	if (sig == SIGSEGV) {
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
#ifdef SEGV_PKUERR
		case SEGV_PKUERR: return "SEGV_PKUERR";
#endif
		}
	} else if (sig == SIGBUS) {
		switch (code) {
		case BUS_ADRALN: return "BUS_ADRALN";
		case BUS_ADRERR: return "BUS_ADRERR";
		case BUS_OBJERR: return "BUS_OBJERR";
		}
	}
	switch (code) {
	case SI_KERNEL: return "SI_KERNEL";
	case SI_USER: return "SI_USER";
	case SI_TKILL: return "SI_TKILL";
	}
	return "si_code?";
}

/*
 * Touches p (write: stores v; read: loads into *out) and describes what
 * happened: "ok", or "SIGSEGV SEGV_MAPERR at +0" where the offset is
 * si_addr - p.
 */
static const char *touch(volatile char *p, bool write, char v, char *out)
{
	static char buf[96];

	f_sig = 0;
	if (sigsetjmp(jb, 1) == 0) {
		armed = 1;
		if (write)
			*p = v;
		else if (out)
			*out = *p;
		else
			(void)*p;
		armed = 0;
		return "ok";
	}
	snprintf(buf, sizeof(buf), "SIG%s %s at %+ld", sigabbrev_np(f_sig),
		 code_name(f_sig, f_code), (long)(f_addr - (uintptr_t)p));
	return buf;
}

#define FAULT_MAPERR "SIGSEGV SEGV_MAPERR at +0"
#define FAULT_ACCERR "SIGSEGV SEGV_ACCERR at +0"

/* ---- helpers ------------------------------------------------------------ */

static char *map_anon(long pages, int prot, int flags)
{
	char *p = mmap(NULL, pages * PG, prot, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("mmap %ld anon pages: %s FAIL\n", pages, strerrorname_np(errno));
		exit(1);
	}
	return p;
}


static bool all_eq(const volatile char *p, long len, char c)
{
	for (long i = 0; i < len; i++)
		if (p[i] != c)
			return false;
	return true;
}

static bool is_pattern(const volatile char *p, long len, int seed)
{
	for (long i = 0; i < len; i++)
		if (p[i] != (char)(i * 31 + seed))
			return false;
	return true;
}

static void fill_pattern(volatile char *p, long len, int seed)
{
	for (long i = 0; i < len; i++)
		p[i] = (char)(i * 31 + seed);
}

/* A new file in /tmp, already unlinked (the name is free for the next run). */
static int tmpfile_fd(void)
{
	char name[64];
	int fd = tmpfile_create("mm_basic", name);

	unlink(name);
	return fd;
}

static char file_byte(int fd, off_t off)
{
	char c = '?';

	if (pread(fd, &c, 1, off) != 1)
		return '!';
	return c;
}

/* ---- the cases ---------------------------------------------------------- */

static void anon_private(void)
{
	char *p = map_anon(4, RW, MAP_PRIVATE);

	check_bool("anon private: zero-filled", all_eq(p, 4 * PG, 0), true);
	fill_pattern(p, 4 * PG, 1);
	check_bool("anon private: reads back writes", is_pattern(p, 4 * PG, 1), true);
	check("anon private: munmap", res(munmap(p, 4 * PG)), "ok");
}

/* Freed memory comes back zero-filled, whatever size asks for it next (umk
 * recycles freed pages of its memfds). */
static void anon_recycled(void)
{
	static const long sizes[] = { 64, 64, 16, 300, 1 };
	bool zero = true;

	for (int round = 0; round < 3; round++)
		for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			char *p = map_anon(sizes[i], RW, MAP_PRIVATE);

			zero = zero && all_eq(p, sizes[i] * PG, 0);
			memset(p, 0xa5, (size_t)(sizes[i] * PG));
			munmap(p, sizes[i] * PG);
		}
	check_bool("anon private: reused memory zero-filled", zero, true);
}

static void anon_shared(void)
{
	char *p = map_anon(3, RW, MAP_SHARED);

	check_bool("anon shared: zero-filled", all_eq(p, 3 * PG, 0), true);
	fill_pattern(p, 3 * PG, 2);
	check_bool("anon shared: reads back writes", is_pattern(p, 3 * PG, 2), true);
	check("anon shared: munmap", res(munmap(p, 3 * PG)), "ok");
}

static void file_mappings(void)
{
	int fd = tmpfile_fd();
	char *buf = malloc(2 * PG);
	char *p, *q, *q2, *r;
	char c;

	fill_pattern(buf, 2 * PG, 3);
	if (pwrite(fd, buf, 2 * PG, 0) != 2 * PG) {
		printf("write the file: FAIL\n");
		exit(1);
	}

	/* MAP_PRIVATE: the file's contents; writes stay in the mapping. */
	p = mmap(NULL, 2 * PG, RW, MAP_PRIVATE, fd, 0);
	check("file private: mmap", mres(p), "ok");
	check_bool("file private: contents are the file's", !memcmp(p, buf, 2 * PG), true);
	p[10] = 'X';
	p[PG + 5] = 'Y';
	check("file private: mapping after write", ch(p[10]), "'X'");
	check("file private: file after write", ch(file_byte(fd, 10)),
	      ch(buf[10]));
	check("file private: file after write (page 2)", ch(file_byte(fd, PG + 5)),
	      ch(buf[PG + 5]));
	/* Discarding the private copy brings back the file's page. */
	check("file private: MADV_DONTNEED", res(madvise(p, PG, MADV_DONTNEED)), "ok");
	check("file private: byte after MADV_DONTNEED", ch(p[10]), ch(buf[10]));
	check("file private: other page keeps its copy", ch(p[PG + 5]), "'Y'");

	/* MAP_SHARED: writes reach the file, file writes reach the mapping. */
	q = mmap(NULL, 2 * PG, RW, MAP_SHARED, fd, 0);
	check("file shared: mmap", mres(q), "ok");
	check_bool("file shared: contents are the file's", !memcmp(q, buf, 2 * PG), true);
	q[20] = 'S';
	q[PG + 30] = 'T';
	check("file shared: file after mapping write", ch(file_byte(fd, 20)), "'S'");
	check("file shared: file after mapping write (page 2)", ch(file_byte(fd, PG + 30)),
	      "'T'");
	c = 'W';
	if (pwrite(fd, &c, 1, PG + 40) != 1)
		printf("pwrite: FAIL\n");
	check("file shared: mapping after pwrite", ch(q[PG + 40]), "'W'");
	q2 = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	check("file shared: second mapping", mres(q2), "ok");
	q[50] = 'U';
	check("file shared: second mapping sees write", ch(q2[50]), "'U'");
	/* Whether a private page not yet written shows later writes to the file
	 * is unspecified (POSIX, mmap(2)); Linux shows them, umk's private copy
	 * does not (until umk has a page cache), so it is not checked here. */
	check("file shared: msync MS_SYNC", res(msync(q, 2 * PG, MS_SYNC)), "ok");
	check("file shared: msync MS_ASYNC", res(msync(q, 2 * PG, MS_ASYNC)), "ok");
	check("file shared: msync MS_INVALIDATE", res(msync(q, PG, MS_INVALIDATE)), "ok");
	check("file shared: file after msync", ch(file_byte(fd, 50)), "'U'");
	check("file shared: MADV_DONTNEED", res(madvise(q, 2 * PG, MADV_DONTNEED)), "ok");
	check("file shared: byte after MADV_DONTNEED", ch(q[20]), "'S'");
	/* An offset mapping. */
	r = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
	check("file shared: offset mapping", mres(r), "ok");
	check("file shared: offset mapping byte", ch(r[30]), "'T'");
	munmap(r, PG);
	/* Beyond the end of the file: SIGBUS. */
	r = mmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
	check("file shared: map past EOF", mres(r), "ok");
	check("file shared: read last file page", touch(r + 2 * PG - 1, false, 0, &c), "ok");
	check("file shared: read past EOF", touch(r + 2 * PG + 8, false, 0, &c),
	      "SIGBUS BUS_ADRERR at +0");
	munmap(r, 3 * PG);
	/* The file grows: the page becomes readable. */
	if (ftruncate(fd, 3 * PG))
		printf("ftruncate: FAIL\n");
	r = mmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
	check("file shared: read after ftruncate grows", touch(r + 2 * PG + 8, false, 0, &c),
	      "ok");
	check("file shared: grown page reads zero", ch(c), "0");
	munmap(r, 3 * PG);
	/* A read-only shared mapping of a read-write file faults on write. */
	check("file shared read-only: write", touch(q2 + 60, true, 'z', NULL), FAULT_ACCERR);
	munmap(q2, 2 * PG);
	munmap(q, 2 * PG);
	munmap(p, 2 * PG);
	/* Closing the fd does not end the mapping. */
	q = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
	close(fd);
	check("file shared: byte after close(fd)", ch(q[20]), "'S'");
	check("file shared: write after close(fd)", touch(q + 21, true, 'V', NULL), "ok");
	munmap(q, PG);
	free(buf);
}

static void split_by_munmap(void)
{
	char *p = map_anon(3, RW, MAP_PRIVATE);
	char c;

	p[0] = 'L';
	p[PG] = 'M';
	p[3 * PG - 1] = 'R';
	check("munmap middle page", res(munmap(p + PG, PG)), "ok");
	check("munmap middle: write the hole", touch(p + PG, true, 1, NULL), FAULT_MAPERR);
	check("munmap middle: read the hole end", touch(p + 2 * PG - 1, false, 0, &c),
	      FAULT_MAPERR);
	check("munmap middle: first page", ch(p[0]), "'L'");
	check("munmap middle: last page", ch(p[3 * PG - 1]), "'R'");
	check("munmap middle: first page writable", touch(p + 1, true, 'l', NULL), "ok");
	check("munmap middle: last page writable", touch(p + 2 * PG, true, 'r', NULL), "ok");
	check("munmap across the hole", res(munmap(p, 3 * PG)), "ok");
	check("munmap across: first page gone", touch(p, false, 0, &c), FAULT_MAPERR);
	check("munmap across: last page gone", touch(p + 2 * PG, false, 0, &c), FAULT_MAPERR);
	check("munmap of unmapped range", res(munmap(p, 3 * PG)), "ok");
}

static void protections(void)
{
	char *p = map_anon(3, RW, MAP_PRIVATE);
	char c = 0;

	p[PG + 9] = 'Q';
	check("mprotect middle PROT_READ", res(mprotect(p + PG, PG, PROT_READ)), "ok");
	check("mprotect: read read-only page", touch(p + PG + 9, false, 0, &c), "ok");
	check("mprotect: read-only byte", ch(c), "'Q'");
	check("mprotect: write read-only page", touch(p + PG + 123, true, 'w', NULL),
	      FAULT_ACCERR);
	check("mprotect: byte unchanged", ch(p[PG + 123]), "0");
	check("mprotect: write page before", touch(p + PG - 1, true, 'a', NULL), "ok");
	check("mprotect: write page after", touch(p + 2 * PG, true, 'b', NULL), "ok");
	check("mprotect PROT_NONE", res(mprotect(p + PG, PG, PROT_NONE)), "ok");
	check("mprotect: read PROT_NONE page", touch(p + PG + 2, false, 0, &c), FAULT_ACCERR);
	check("mprotect back to RW", res(mprotect(p, 3 * PG, RW)), "ok");
	check("mprotect: write after RW", touch(p + PG + 123, true, 'w', NULL), "ok");
	check("mprotect: data kept", ch(p[PG + 9]), "'Q'");
	check("mprotect len 0", res(mprotect(p, 0, PROT_READ)), "ok");
	check("mprotect whole PROT_READ", res(mprotect(p, 3 * PG, PROT_READ)), "ok");
	check("mprotect: write last page", touch(p + 3 * PG - 1, true, 'x', NULL), FAULT_ACCERR);
	munmap(p, 3 * PG);
	p = map_anon(1, PROT_NONE, MAP_PRIVATE);
	check("PROT_NONE mapping: read", touch(p + 5, false, 0, &c), FAULT_ACCERR);
	check("PROT_NONE -> RW", res(mprotect(p, PG, RW)), "ok");
	check("PROT_NONE -> RW: reads zero", touch(p + 5, false, 0, &c), "ok");
	check("PROT_NONE -> RW: byte", ch(c), "0");
	munmap(p, PG);
	p = map_anon(1, PROT_READ, MAP_PRIVATE);
	check("PROT_READ mapping: read", touch(p, false, 0, &c), "ok");
	check("PROT_READ mapping: write", touch(p + 100, true, 1, NULL), FAULT_ACCERR);
	munmap(p, PG);
}

static void never_mapped(void)
{
	char *p = map_anon(1, RW, MAP_PRIVATE);
	char c;

	munmap(p, PG);
	check("write unmapped page", touch(p + 77, true, 1, NULL), FAULT_MAPERR);
	check("read unmapped page", touch(p + 78, false, 0, &c), FAULT_MAPERR);
	check("write near NULL", touch((char *)16, true, 1, NULL), FAULT_MAPERR);
}

static void fixed(void)
{
	char *p = map_anon(3, RW, MAP_PRIVATE);
	char *q;

	memset(p, 'F', 3 * PG);
	q = mmap(p + PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check("MAP_FIXED over mapping", mres(q), "ok");
	check_bool("MAP_FIXED: at the address", q == p + PG, true);
	check_bool("MAP_FIXED: new page zero", all_eq(p + PG, PG, 0), true);
	check_bool("MAP_FIXED: page before kept", all_eq(p, PG, 'F'), true);
	check_bool("MAP_FIXED: page after kept", all_eq(p + 2 * PG, PG, 'F'), true);

	q = mmap(p + PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check("MAP_FIXED_NOREPLACE over mapping", mres(q), "EEXIST");
	munmap(p + 2 * PG, PG);
	q = mmap(p + PG, 2 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check("MAP_FIXED_NOREPLACE partly over mapping", mres(q), "EEXIST");
	q = mmap(p + 2 * PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check("MAP_FIXED_NOREPLACE on free range", mres(q), "ok");
	check_bool("MAP_FIXED_NOREPLACE: at the address", q == p + 2 * PG, true);
	check_bool("MAP_FIXED_NOREPLACE: zero", all_eq(p + 2 * PG, PG, 0), true);
	check_bool("MAP_FIXED_NOREPLACE: page before kept", all_eq(p, PG, 'F'), true);
	munmap(p, 3 * PG);

	/* Hints: a free one is honoured, an occupied one is not (and the
	 * mapping there is left alone). */
	p = map_anon(3, RW, MAP_PRIVATE);
	munmap(p, 3 * PG);
	q = mmap(p + PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("hint: free", mres(q), "ok");
	check_bool("hint: free hint honoured", q == p + PG, true);
	q[0] = 'H';
	p = mmap(q, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("hint: occupied", mres(p), "ok");
	check_bool("hint: occupied hint placed elsewhere", p != q, true);
	check("hint: occupied mapping kept", ch(q[0]), "'H'");
	munmap(p, PG);
	munmap(q, PG);
}

static void remaps(void)
{
	char *p, *q, *g, c;

	/* Growth in place: the pages after it are free. */
	p = map_anon(4, RW, MAP_PRIVATE);
	munmap(p + 2 * PG, 2 * PG);
	fill_pattern(p, 2 * PG, 5);
	q = mremap(p, 2 * PG, 4 * PG, 0);
	check("mremap grow in place", mres(q), "ok");
	check_bool("mremap grow in place: same address", q == p, true);
	check_bool("mremap grow in place: contents", is_pattern(p, 2 * PG, 5), true);
	check_bool("mremap grow in place: new pages zero", all_eq(p + 2 * PG, 2 * PG, 0), true);
	check("mremap grow in place: write new page", touch(p + 4 * PG - 1, true, 1, NULL), "ok");

	/* Shrink: same address, the tail goes. */
	q = mremap(p, 4 * PG, 2 * PG, 0);
	check("mremap shrink", mres(q), "ok");
	check_bool("mremap shrink: same address", q == p, true);
	check_bool("mremap shrink: contents", is_pattern(p, 2 * PG, 5), true);
	check("mremap shrink: tail gone", touch(p + 2 * PG, false, 0, &c), FAULT_MAPERR);

	/* Growth blocked by the next mapping: ENOMEM, or a move. */
	g = mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	check("mremap: blocker mapping", mres(g), "ok");
	q = mremap(p, 2 * PG, 8 * PG, 0);
	check("mremap grow blocked", mres(q), "ENOMEM");
	q = mremap(p, 2 * PG, 8 * PG, MREMAP_MAYMOVE);
	check("mremap grow MREMAP_MAYMOVE", mres(q), "ok");
	check_bool("mremap MAYMOVE: moved", q != p, true);
	check_bool("mremap MAYMOVE: contents", is_pattern(q, 2 * PG, 5), true);
	check_bool("mremap MAYMOVE: new pages zero", all_eq(q + 2 * PG, 6 * PG, 0), true);
	check("mremap MAYMOVE: old range gone", touch(p, false, 0, &c), FAULT_MAPERR);
	check("mremap MAYMOVE: blocker kept", touch(g, false, 0, &c), "ok");
	munmap(g, PG);
	munmap(q, 8 * PG);

	/* MREMAP_FIXED: onto a chosen (mapped) range, which it replaces. */
	p = map_anon(2, RW, MAP_PRIVATE);
	g = map_anon(4, RW, MAP_PRIVATE);
	memset(g, 'G', 4 * PG);
	fill_pattern(p, 2 * PG, 6);
	q = mremap(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, g + PG);
	check("MREMAP_FIXED", mres(q), "ok");
	check_bool("MREMAP_FIXED: at the address", q == g + PG, true);
	check_bool("MREMAP_FIXED: contents", is_pattern(q, 2 * PG, 6), true);
	check_bool("MREMAP_FIXED: neighbours kept",
		   all_eq(g, PG, 'G') && all_eq(g + 3 * PG, PG, 'G'), true);
	check("MREMAP_FIXED: old range gone", touch(p + 1, false, 0, &c), FAULT_MAPERR);
	munmap(g, 4 * PG);

	/* MREMAP_DONTUNMAP: the old private anonymous range stays, empty. */
	p = map_anon(2, RW, MAP_PRIVATE);
	fill_pattern(p, 2 * PG, 7);
	/* (glibc passes a fifth argument for MREMAP_DONTUNMAP: a NULL hint) */
	q = mremap(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	check("MREMAP_DONTUNMAP", mres(q), "ok");
	check_bool("MREMAP_DONTUNMAP: moved", q != p, true);
	check_bool("MREMAP_DONTUNMAP: contents", is_pattern(q, 2 * PG, 7), true);
	check("MREMAP_DONTUNMAP: old range readable", touch(p + 3, false, 0, &c), "ok");
	check_bool("MREMAP_DONTUNMAP: old range zero", all_eq(p, 2 * PG, 0), true);
	munmap(p, 2 * PG);
	munmap(q, 2 * PG);

	/* A shared anonymous mapping keeps its pages when it moves. */
	p = map_anon(1, RW, MAP_SHARED);
	fill_pattern(p, PG, 8);
	q = mremap(p, PG, 16 * PG, MREMAP_MAYMOVE);
	check("mremap shared anon grow", mres(q), "ok");
	check_bool("mremap shared anon: contents", is_pattern(q, PG, 8), true);
	munmap(q, 16 * PG);
}

static void heap(void)
{
	uintptr_t cur = syscall(SYS_brk, 0), base, r;
	char c;

	base = (cur + PG - 1) & ~(uintptr_t)(PG - 1);
	r = syscall(SYS_brk, base + 16 * PG);
	check_bool("brk grow 16 pages", r == base + 16 * PG, true);
	check_bool("brk(0) after grow", (uintptr_t)syscall(SYS_brk, 0) == base + 16 * PG, true);
	check_bool("brk: new heap zero", all_eq((char *)base, 16 * PG, 0), true);
	fill_pattern((char *)base, 16 * PG, 9);
	r = syscall(SYS_brk, base + 256 * PG);
	check_bool("brk grow 256 pages", r == base + 256 * PG, true);
	check_bool("brk grow: contents kept", is_pattern((char *)base, 16 * PG, 9), true);
	check_bool("brk grow: new part zero", all_eq((char *)base + 16 * PG, 240 * PG, 0), true);
	check("brk grow: write last byte", touch((char *)base + 256 * PG - 1, true, 1, NULL),
	      "ok");
	r = syscall(SYS_brk, base + 2 * PG);
	check_bool("brk shrink to 2 pages", r == base + 2 * PG, true);
	check_bool("brk shrink: contents kept", is_pattern((char *)base, 2 * PG, 9), true);
	check("brk shrink: touch beyond the break", touch((char *)base + 2 * PG, true, 1, NULL),
	      FAULT_MAPERR);
	check("brk shrink: touch far beyond", touch((char *)base + 200 * PG, false, 0, &c),
	      FAULT_MAPERR);
	r = syscall(SYS_brk, base + 4 * PG);
	check_bool("brk regrow", r == base + 4 * PG, true);
	check_bool("brk regrow: kept part", is_pattern((char *)base, 2 * PG, 9), true);
	check_bool("brk regrow: regrown part zero", all_eq((char *)base + 2 * PG, 2 * PG, 0),
		   true);
	r = syscall(SYS_brk, cur);
	check_bool("brk back to start", r == cur, true);
}

static void advice(void)
{
	char *p = map_anon(4, RW, MAP_PRIVATE);
	char *s = map_anon(4, RW, MAP_SHARED);
	unsigned char vec[4];
	char *q;
	int n;

	memset(p, 'p', 4 * PG);
	memset(s, 's', 4 * PG);
	check("MADV_DONTNEED private anon", res(madvise(p + PG, 2 * PG, MADV_DONTNEED)), "ok");
	check_bool("MADV_DONTNEED private anon: zero", all_eq(p + PG, 2 * PG, 0), true);
	check_bool("MADV_DONTNEED private anon: others kept",
		   all_eq(p, PG, 'p') && all_eq(p + 3 * PG, PG, 'p'), true);
	check("MADV_DONTNEED shared anon", res(madvise(s, 4 * PG, MADV_DONTNEED)), "ok");
	check_bool("MADV_DONTNEED shared anon: kept", all_eq(s, 4 * PG, 's'), true);
	check("MADV_WILLNEED", res(madvise(p, 4 * PG, MADV_WILLNEED)), "ok");
	check("MADV_NORMAL", res(madvise(p, 4 * PG, MADV_NORMAL)), "ok");
	check("MADV_RANDOM", res(madvise(p, 4 * PG, MADV_RANDOM)), "ok");
	check("MADV_SEQUENTIAL", res(madvise(p, 4 * PG, MADV_SEQUENTIAL)), "ok");
	check("MADV_DONTFORK", res(madvise(p, PG, MADV_DONTFORK)), "ok");
	check("MADV_DOFORK", res(madvise(p, PG, MADV_DOFORK)), "ok");
	check("MADV_FREE private anon", res(madvise(p, PG, MADV_FREE)), "ok");
	check("madvise len 0", res(madvise(p, 0, MADV_DONTNEED)), "ok");
	check_bool("madvise: data after advice", all_eq(p + 3 * PG, PG, 'p'), true);
	munmap(p, 4 * PG);
	munmap(s, 4 * PG);

	/* mincore: pages touched in a fresh mapping are resident. */
	p = map_anon(4, RW, MAP_PRIVATE);
	p[0] = 1;
	p[2 * PG + 100] = 1;
	check("mincore", res(mincore(p, 4 * PG, vec)), "ok");
	check_bool("mincore: touched pages resident", (vec[0] & 1) && (vec[2] & 1), true);
	check("mincore: partial last page", res(mincore(p, 3 * PG + 1, vec)), "ok");
	munmap(p, 4 * PG);
	q = mmap(NULL, 4 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	check("MAP_POPULATE", mres(q), "ok");
	n = 0;
	if (mincore(q, 4 * PG, vec) == 0)
		for (int i = 0; i < 4; i++)
			n += vec[i] & 1;
	check("MAP_POPULATE: resident pages", n == 4 ? "4" : "not 4", "4");
	check_bool("MAP_POPULATE: zero", all_eq(q, 4 * PG, 0), true);
	munmap(q, 4 * PG);

	p = map_anon(2, RW, MAP_PRIVATE);
	p[0] = 'k';
	check("mlock", res(mlock(p, 2 * PG)), "ok");
	check("mlock: data kept", ch(p[0]), "'k'");
	check("munlock", res(munlock(p, 2 * PG)), "ok");
	munmap(p, 2 * PG);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };

	setvbuf(stdout, NULL, _IONBF, 0);
	PG = sysconf(_SC_PAGESIZE);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	anon_private();
	anon_recycled();
	anon_shared();
	file_mappings();
	split_by_munmap();
	protections();
	never_mapped();
	fixed();
	remaps();
	heap();
	advice();
	printf("mm_basic: %s\n", failed ? "FAILED" : "done");
	return failed;
}
