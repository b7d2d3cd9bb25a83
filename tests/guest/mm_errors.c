/*
 * Guest memory management, the failing calls: the errno of each bad
 * mmap/munmap/mprotect/mremap/madvise/mincore/msync/brk call, as Linux gives
 * it. One line per case, "name: result" (an errno name, "ok", or a relation;
 * never an address). A result other than the expected one is marked
 * "FAIL (want ...)" and the exit status is then 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "mmcheck.h"
#include <sys/syscall.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

/* The raw syscall's result: "ok" or the errno name. The raw calls keep
 * glibc's own argument checks out of the way. */
static const char *sys(long r)
{
	return r == -1 ? strerrorname_np(errno) : "ok";
}

static long xmmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	/* Do not leak a mapping that unexpectedly succeeded. */
	if (r != -1)
		syscall(SYS_munmap, r, len);
	return r;
}

static char *map(long pages, int prot, int flags)
{
	char *p = mmap(NULL, pages * PG, prot, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("mmap %ld pages: %s FAIL\n", pages, strerrorname_np(errno));
		_exit(1);
	}
	return p;
}

/* An unmapped page-aligned range of `pages` pages. */
static char *hole(long pages)
{
	char *p = map(pages, PROT_NONE, MAP_PRIVATE);

	munmap(p, pages * PG);
	return p;
}

/* A new file in /tmp (fd opened O_RDWR) with two more fds for it: O_RDONLY and
 * O_WRONLY; the name is unlinked at once, free for the next run. */
static int tmpfile_fds(int *ro, int *wo)
{
	char name[64];
	int fd = tmpfile_create("mm_errors", name);

	*ro = open(name, O_RDONLY | O_CLOEXEC);
	*wo = open(name, O_WRONLY | O_CLOEXEC);
	unlink(name);
	if (*ro < 0 || *wo < 0) {
		printf("open the file again: %s FAIL\n", strerrorname_np(errno));
		_exit(1);
	}
	return fd;
}

static void mmap_errors(void)
{
	int ro, wo, fd = tmpfile_fds(&ro, &wo), dir, pfd[2];
	char *p = map(2, RW, MAP_PRIVATE), *h = hole(1);

	if (ftruncate(fd, 2 * PG))
		printf("ftruncate: FAIL\n");
	check("mmap length 0", sys(xmmap(NULL, 0, RW, ANON, -1, 0)), "EINVAL");
	check("mmap file length 0", sys(xmmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0)), "EINVAL");
	check("mmap unaligned MAP_FIXED addr",
	      sys(xmmap(h + 1, PG, RW, ANON | MAP_FIXED, -1, 0)), "EINVAL");
	check("mmap unaligned hint", sys(xmmap(h + 1, PG, RW, ANON, -1, 0)), "ok");
	check("mmap unaligned offset", sys(xmmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 1)),
	      "EINVAL");
	check("mmap anon unaligned offset", sys(xmmap(NULL, PG, RW, ANON, -1, 100)), "EINVAL");
	check("mmap neither private nor shared",
	      sys(xmmap(NULL, PG, RW, MAP_ANONYMOUS, -1, 0)), "EINVAL");
	/* MAP_SHARED|MAP_PRIVATE is MAP_SHARED_VALIDATE: fine for a file, not
	 * for anonymous memory. */
	check("mmap private|shared anon",
	      sys(xmmap(NULL, PG, RW, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0)), "EINVAL");
	check("mmap private|shared file",
	      sys(xmmap(NULL, PG, RW, MAP_PRIVATE | MAP_SHARED, fd, 0)), "ok");
	check("mmap MAP_SHARED_VALIDATE unknown flag",
	      sys(xmmap(NULL, PG, RW, MAP_SHARED_VALIDATE | 0x800000, fd, 0)), "EOPNOTSUPP");
	check("mmap MAP_SHARED unknown flag",
	      sys(xmmap(NULL, PG, RW, MAP_SHARED | 0x800000, fd, 0)), "ok");
	check("mmap bad fd", sys(xmmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0)), "EBADF");
	check("mmap fd -1", sys(xmmap(NULL, PG, PROT_READ, MAP_SHARED, -1, 0)), "EBADF");
	check("mmap anon ignores bad fd", sys(xmmap(NULL, PG, RW, ANON, 999, 0)), "ok");

	check("mmap PROT_WRITE MAP_SHARED of O_RDONLY fd",
	      sys(xmmap(NULL, PG, RW, MAP_SHARED, ro, 0)), "EACCES");
	check("mmap PROT_READ MAP_SHARED of O_RDONLY fd",
	      sys(xmmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0)), "ok");
	check("mmap PROT_WRITE MAP_PRIVATE of O_RDONLY fd",
	      sys(xmmap(NULL, PG, RW, MAP_PRIVATE, ro, 0)), "ok");
	check("mmap PROT_READ MAP_PRIVATE of O_WRONLY fd",
	      sys(xmmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0)), "EACCES");
	check("mmap PROT_WRITE MAP_SHARED of O_WRONLY fd",
	      sys(xmmap(NULL, PG, PROT_WRITE, MAP_SHARED, wo, 0)), "EACCES");
	close(ro);
	close(wo);
	dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	check("mmap MAP_SHARED of a directory",
	      sys(xmmap(NULL, PG, PROT_READ, MAP_SHARED, dir, 0)), "ENODEV");
	check("mmap MAP_PRIVATE of a directory",
	      sys(xmmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0)), "ENODEV");
	close(dir);
	if (pipe(pfd) == 0) {
		check("mmap MAP_SHARED of a pipe (read end)",
		      sys(xmmap(NULL, PG, PROT_READ, MAP_SHARED, pfd[0], 0)), "ENODEV");
		check("mmap MAP_SHARED PROT_WRITE of a pipe (read end)",
		      sys(xmmap(NULL, PG, RW, MAP_SHARED, pfd[0], 0)), "EACCES");
		check("mmap MAP_SHARED PROT_READ of a pipe (write end)",
		      sys(xmmap(NULL, PG, PROT_READ, MAP_SHARED, pfd[1], 0)), "EACCES");
		close(pfd[0]);
		close(pfd[1]);
	}
	check("mmap huge length", sys(xmmap(NULL, 1UL << 62, RW, ANON, -1, 0)), "ENOMEM");
	check("mmap length -4096", sys(xmmap(NULL, -4096UL, RW, ANON, -1, 0)), "ENOMEM");
	check("mmap length that rounds past 2^64",
	      sys(xmmap(NULL, -1UL, RW, ANON, -1, 0)), "ENOMEM");
	check("mmap MAP_FIXED past the address space",
	      sys(xmmap((void *)(1UL << 47), PG, RW, ANON | MAP_FIXED, -1, 0)), "ENOMEM");
	check("mmap file offset past the max file size",
	      sys(xmmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0x7ffffffffffff000L)), "EOVERFLOW");
	check("mmap file offset+length wraps",
	      sys(xmmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, -4096L)), "EOVERFLOW");
	check("mmap MAP_FIXED_NOREPLACE on a mapping",
	      sys(xmmap(p, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0)), "EEXIST");
	check("mmap MAP_FIXED_NOREPLACE unaligned",
	      sys(xmmap(h + 8, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0)), "EINVAL");
	check("mmap bad prot bits", sys(xmmap(NULL, PG, 0x100, ANON, -1, 0)), "ok");
	close(fd);
	munmap(p, 2 * PG);
}

static void munmap_mprotect_errors(void)
{
	char *p = map(3, RW, MAP_PRIVATE), *h = hole(2);

	check("munmap unaligned addr", sys(syscall(SYS_munmap, p + 1, PG)), "EINVAL");
	check("munmap len 0", sys(syscall(SYS_munmap, p, 0)), "EINVAL");
	check("munmap unaligned len", sys(syscall(SYS_munmap, h, 100)), "ok");
	check("munmap huge len", sys(syscall(SYS_munmap, p, 1UL << 62)), "EINVAL");
	check("munmap past the address space",
	      sys(syscall(SYS_munmap, (void *)(1UL << 47), PG)), "EINVAL");
	check("munmap unmapped range", sys(syscall(SYS_munmap, h, 2 * PG)), "ok");

	check("mprotect unaligned", sys(syscall(SYS_mprotect, p + 1, PG, PROT_READ)), "EINVAL");
	check("mprotect unmapped", sys(syscall(SYS_mprotect, h, PG, PROT_READ)), "ENOMEM");
	munmap(p + PG, PG);
	check("mprotect over a hole", sys(syscall(SYS_mprotect, p, 3 * PG, PROT_READ)), "ENOMEM");
	/* Linux changes the part before the hole. */
	check("mprotect over a hole: first page read-only",
	      sys(syscall(SYS_mprotect, p, PG, PROT_READ)), "ok");
	check("mprotect bad prot bits", sys(syscall(SYS_mprotect, p, PG, 0x40)), "EINVAL");
	check("mprotect bad prot bits 0x100", sys(syscall(SYS_mprotect, p, PG, 0x100)), "EINVAL");
	check("mprotect PROT_GROWSDOWN|PROT_GROWSUP",
	      sys(syscall(SYS_mprotect, p, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP)),
	      "EINVAL");
	check("mprotect PROT_GROWSDOWN on a normal mapping",
	      sys(syscall(SYS_mprotect, p, PG, PROT_READ | PROT_GROWSDOWN)), "EINVAL");
	check("mprotect len 0", sys(syscall(SYS_mprotect, p, 0, PROT_READ)), "ok");
	check("mprotect len 0 unmapped", sys(syscall(SYS_mprotect, h, 0, PROT_READ)), "ok");
	check("mprotect wrapping len", sys(syscall(SYS_mprotect, p, -4096UL, PROT_READ)),
	      "ENOMEM");
	munmap(p, 3 * PG);
}

static void mremap_errors(void)
{
	char *p = map(4, RW, MAP_PRIVATE), *h = hole(4), *s = map(2, RW, MAP_SHARED);
	long r;

	check("mremap bad flags", sys(syscall(SYS_mremap, p, PG, PG, 0x80, 0)), "EINVAL");
	check("mremap MREMAP_FIXED without MAYMOVE",
	      sys(syscall(SYS_mremap, p, PG, PG, MREMAP_FIXED, h)), "EINVAL");
	check("mremap MREMAP_DONTUNMAP without MAYMOVE",
	      sys(syscall(SYS_mremap, p, PG, PG, MREMAP_DONTUNMAP, 0)), "EINVAL");
	check("mremap MREMAP_DONTUNMAP changing size",
	      sys(syscall(SYS_mremap, p, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0)),
	      "EINVAL");
	check("mremap unaligned old addr", sys(syscall(SYS_mremap, p + 1, PG, PG, 0, 0)), "EINVAL");
	check("mremap new len 0", sys(syscall(SYS_mremap, p, PG, 0, 0, 0)), "EINVAL");
	check("mremap unmapped", sys(syscall(SYS_mremap, h, PG, 2 * PG, MREMAP_MAYMOVE, 0)),
	      "EFAULT");
	check("mremap unmapped same size", sys(syscall(SYS_mremap, h, PG, PG, 0, 0)), "EFAULT");
	check("mremap across a mapping's end",
	      sys(syscall(SYS_mremap, p + 3 * PG, 2 * PG, 4 * PG, MREMAP_MAYMOVE, 0)), "EFAULT");
	check("mremap MREMAP_FIXED unaligned new addr",
	      sys(syscall(SYS_mremap, p, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, h + 1)), "EINVAL");
	check("mremap MREMAP_FIXED overlapping",
	      sys(syscall(SYS_mremap, p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, p + PG)),
	      "EINVAL");
	check("mremap MREMAP_DONTUNMAP of shared anon",
	      sys(syscall(SYS_mremap, s, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0)), "ok");
	check("mremap huge grow", sys(syscall(SYS_mremap, p, PG, 1UL << 62, MREMAP_MAYMOVE, 0)),
	      "EINVAL");
	r = syscall(SYS_mremap, p, 4 * PG, 2 * PG, 0, 0);
	check("mremap shrinking", sys(r), "ok");
	check("mremap shrinking: same address", r == (long)p ? "yes" : "no", "yes");
	r = syscall(SYS_mremap, p, 2 * PG, 2 * PG, 0, 0);
	check("mremap same size", r == (long)p ? "same address" : sys(r), "same address");
	check("mremap old len 0 of private",
	      sys(syscall(SYS_mremap, p, 0, PG, MREMAP_MAYMOVE, 0)), "EINVAL");
	munmap(p, 2 * PG);
	munmap(s, 2 * PG);
}

static void advice_errors(void)
{
	char *p = map(3, RW, MAP_PRIVATE), *h = hole(2);
	unsigned char vec[4];

	munmap(p + 2 * PG, PG);	/* so the page after p's two is free */

	check("madvise bad advice", sys(syscall(SYS_madvise, p, PG, 12345)), "EINVAL");
	check("madvise unaligned", sys(syscall(SYS_madvise, p + 1, PG, MADV_DONTNEED)), "EINVAL");
	check("madvise unmapped", sys(syscall(SYS_madvise, h, PG, MADV_DONTNEED)), "ENOMEM");
	check("madvise unmapped MADV_NORMAL", sys(syscall(SYS_madvise, h, PG, MADV_NORMAL)),
	      "ENOMEM");
	check("madvise partly unmapped",
	      sys(syscall(SYS_madvise, p + PG, 2 * PG, MADV_WILLNEED)), "ENOMEM");
	check("madvise len 0", sys(syscall(SYS_madvise, h, 0, MADV_DONTNEED)), "ok");
	check("madvise wrapping len", sys(syscall(SYS_madvise, p, -4096UL, MADV_NORMAL)),
	      "EINVAL");

	check("mincore unaligned", sys(syscall(SYS_mincore, p + 1, PG, vec)), "EINVAL");
	check("mincore unmapped", sys(syscall(SYS_mincore, h, PG, vec)), "ENOMEM");
	check("mincore partly unmapped", sys(syscall(SYS_mincore, p + PG, 2 * PG, vec)), "ENOMEM");
	check("mincore bad vec", sys(syscall(SYS_mincore, p, PG, (void *)16)), "EFAULT");
	check("mincore len 0", sys(syscall(SYS_mincore, p, 0, vec)), "ok");
	check("mincore past the address space",
	      sys(syscall(SYS_mincore, (void *)(1UL << 47), PG, vec)), "ENOMEM");

	check("msync bad flags", sys(syscall(SYS_msync, p, PG, 0x100)), "EINVAL");
	check("msync MS_SYNC|MS_ASYNC", sys(syscall(SYS_msync, p, PG, MS_SYNC | MS_ASYNC)),
	      "EINVAL");
	check("msync unaligned", sys(syscall(SYS_msync, p + 1, PG, MS_SYNC)), "EINVAL");
	check("msync unmapped", sys(syscall(SYS_msync, h, PG, MS_SYNC)), "ENOMEM");
	check("msync anon private", sys(syscall(SYS_msync, p, PG, MS_SYNC)), "ok");
	check("msync flags 0", sys(syscall(SYS_msync, p, PG, 0)), "ok");
	check("msync len 0 unmapped", sys(syscall(SYS_msync, h, 0, MS_SYNC)), "ok");

	check("mlock unmapped", sys(syscall(SYS_mlock, h, PG)), "ENOMEM");
	check("munlock unmapped", sys(syscall(SYS_munlock, h, PG)), "ENOMEM");
	munmap(p, 2 * PG);
}

static void brk_errors(void)
{
	uintptr_t cur = syscall(SYS_brk, 0), again = syscall(SYS_brk, 0);

	check("brk(0) is the current break", cur == again ? "yes" : "no", "yes");
	check("brk below the start returns the current break",
	      (uintptr_t)syscall(SYS_brk, 4096) == cur ? "yes" : "no", "yes");
	check("brk huge returns the current break",
	      (uintptr_t)syscall(SYS_brk, 1UL << 62) == cur ? "yes" : "no", "yes");
	check("brk into the stack returns the current break",
	      (uintptr_t)syscall(SYS_brk, (uintptr_t)&cur) == cur ? "yes" : "no", "yes");
	check("brk unchanged after the failures",
	      (uintptr_t)syscall(SYS_brk, 0) == cur ? "yes" : "no", "yes");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	PG = sysconf(_SC_PAGESIZE);
	mmap_errors();
	munmap_mprotect_errors();
	mremap_errors();
	advice_errors();
	brk_errors();
	printf("mm_errors: %s\n", failed ? "FAILED" : "done");
	return failed;
}
