/*
 * Guest memory across fork and vfork: private memory (anonymous mapping, brk
 * heap, stack) is copied, shared memory (MAP_SHARED anonymous and file) is
 * shared, a vfork child writes into its parent's memory, MADV_DONTFORK and
 * MADV_WIPEONFORK, the break is inherited, and a 64 MiB touched mapping
 * survives a child writing into its copy.
 *
 * Parent and child take turns through pipes, so the output order is fixed.
 * One line per check; a failed check is marked "FAIL (want ...)" and the exit
 * status is then 1 (a child's failure shows in its own lines and its exit
 * status, which the parent prints).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "mmcheck.h"
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif


static int c2p[2], p2c[2];	/* child -> parent, parent -> child */

static char *map(size_t len, int flags)
{
	char *p = mmap(NULL, len, RW, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("mmap: %s FAIL\n", strerrorname_np(errno));
		exit(1);
	}
	return p;
}

/* Turn-taking. */
static void post(int fd)
{
	if (write(fd, "x", 1) != 1)
		_exit(3);
}

static void await(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(3);
}

static pid_t xfork(void)
{
	pid_t pid = fork();

	if (pid < 0) {
		printf("fork: %s FAIL\n", strerrorname_np(errno));
		exit(1);
	}
	return pid;
}

/* Waits for pid and describes how it ended. */
static const char *reap(pid_t pid)
{
	static char buf[32];
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return strerrorname_np(errno);
	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "status %#x", st);
	return buf;
}

/* Private anonymous memory, the brk heap and the stack: each side its own. */
static void private_copies(void)
{
	char *anon = map(PG, MAP_PRIVATE);
	uintptr_t cur = syscall(SYS_brk, 0), base = (cur + PG - 1) & ~(uintptr_t)(PG - 1);
	volatile char stackv = 'i';
	char *heap = (char *)base;
	pid_t pid;

	if ((uintptr_t)syscall(SYS_brk, base + PG) != base + PG) {
		printf("brk grow: FAIL\n");
		exit(1);
	}
	anon[0] = 'i';
	heap[0] = 'i';
	pid = xfork();
	if (pid == 0) {
		anon[0] = 'c';
		heap[0] = 'c';
		stackv = 'c';
		check_bool("child: brk(0) is the parent's break",
			   (uintptr_t)syscall(SYS_brk, 0) == base + PG, true);
		post(c2p[1]);
		await(p2c[0]);	/* the parent has written its own values */
		check("child: private anon", ch(anon[0]), "'c'");
		check("child: brk heap", ch(heap[0]), "'c'");
		check("child: stack", ch(stackv), "'c'");
		/* The child's break moves alone. */
		check_bool("child: brk grow", (uintptr_t)syscall(SYS_brk, base + 8 * PG) ==
			   base + 8 * PG, true);
		heap[7 * PG] = 'g';
		_exit(failed);
	}
	await(c2p[0]);		/* the child has written */
	check("parent after child's writes: private anon", ch(anon[0]), "'i'");
	check("parent after child's writes: brk heap", ch(heap[0]), "'i'");
	check("parent after child's writes: stack", ch(stackv), "'i'");
	anon[0] = 'p';
	heap[0] = 'p';
	stackv = 'p';
	post(p2c[1]);
	check("private copies: child", reap(pid), "exit 0");
	check("parent: private anon", ch(anon[0]), "'p'");
	check("parent: brk heap", ch(heap[0]), "'p'");
	check("parent: stack", ch(stackv), "'p'");
	check_bool("parent: break unmoved by the child",
		   (uintptr_t)syscall(SYS_brk, 0) == base + PG, true);
	syscall(SYS_brk, cur);
	munmap(anon, PG);
}

/* A file in /tmp, unlinked at once. */
static int tmpfile_fd(void)
{
	char name[64];
	int fd = tmpfile_create("mm_fork", name);

	unlink(name);
	return fd;
}

/* MAP_SHARED memory: both sides see each other's writes. */
static void shared(void)
{
	char *s = map(2 * PG, MAP_SHARED);
	int fd = tmpfile_fd();
	char *f;
	pid_t pid;

	if (ftruncate(fd, PG))
		printf("ftruncate: FAIL\n");
	f = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
	if (f == MAP_FAILED) {
		printf("mmap file: %s FAIL\n", strerrorname_np(errno));
		exit(1);
	}
	s[0] = 'i';
	pid = xfork();
	if (pid == 0) {
		check("child: shared anon before", ch(s[0]), "'i'");
		s[0] = 'c';
		s[PG + 1] = 'C';
		f[3] = 'c';
		post(c2p[1]);
		await(p2c[0]);
		check("child: shared anon sees parent's write", ch(s[1]), "'p'");
		check("child: shared anon sees parent's write (page 2)", ch(s[PG + 2]), "'P'");
		check("child: shared file sees parent's write", ch(f[4]), "'p'");
		_exit(failed);
	}
	await(c2p[0]);
	check("parent: shared anon sees child's write", ch(s[0]), "'c'");
	check("parent: shared anon sees child's write (page 2)", ch(s[PG + 1]), "'C'");
	check("parent: shared file sees child's write", ch(f[3]), "'c'");
	s[1] = 'p';
	s[PG + 2] = 'P';
	f[4] = 'p';
	post(p2c[1]);
	check("shared: child", reap(pid), "exit 0");
	{
		char c = 0;

		check("shared file: the file has the child's write",
		      pread(fd, &c, 1, 3) == 1 ? ch(c) : "short read", "'c'");
	}
	close(fd);
	munmap(f, PG);
	munmap(s, 2 * PG);
}

/* The parent unmaps after the fork: the child's copy stays. */
static void unmap_after_fork(void)
{
	char *p = map(PG, MAP_PRIVATE), *s = map(PG, MAP_SHARED);
	pid_t pid;

	p[0] = 'u';
	s[0] = 'v';
	pid = xfork();
	if (pid == 0) {
		await(p2c[0]);
		check("child: private page after parent's munmap", ch(p[0]), "'u'");
		check("child: shared page after parent's munmap", ch(s[0]), "'v'");
		_exit(failed);
	}
	munmap(p, PG);
	munmap(s, PG);
	post(p2c[1]);
	check("munmap after fork: child", reap(pid), "exit 0");
}

/* A vfork child runs in its parent's memory. */
static volatile int vglobal;

static void vforked(void)
{
	char *p = map(PG, MAP_PRIVATE);
	pid_t pid;

	vglobal = 1;
	p[0] = 'a';
	pid = vfork();
	if (pid == 0) {
		vglobal = 42;
		p[0] = 'v';
		_exit(0);
	}
	if (pid < 0) {
		printf("vfork: %s FAIL\n", strerrorname_np(errno));
		failed = 1;
		return;
	}
	check("vfork: child", reap(pid), "exit 0");
	check("vfork: parent sees the child's global", vglobal == 42 ? "42" : "not 42", "42");
	check("vfork: parent sees the child's mapping write", ch(p[0]), "'v'");
	munmap(p, PG);
}

/* MADV_DONTFORK: the child has no such mapping; MADV_WIPEONFORK: the child's
 * is zero. The parent keeps both. */
static void fork_advice(void)
{
	char *d = map(PG, MAP_PRIVATE), *w = map(2 * PG, MAP_PRIVATE);
	pid_t pid;

	d[0] = 'd';
	w[0] = 'w';
	w[PG] = 'W';
	check("MADV_DONTFORK", madvise(d, PG, MADV_DONTFORK) ? strerrorname_np(errno) : "ok",
	      "ok");
	check("MADV_WIPEONFORK", madvise(w, 2 * PG, MADV_WIPEONFORK) ? strerrorname_np(errno) :
	      "ok", "ok");
	pid = xfork();
	if (pid == 0) {
		check("child: MADV_WIPEONFORK page", ch(w[0]), "0");
		check("child: MADV_WIPEONFORK page 2", ch(w[PG]), "0");
		w[1] = 'c';
		/* Touching the MADV_DONTFORK page kills the child. */
		*(volatile char *)d = 'c';
		_exit(failed);
	}
	check("MADV_DONTFORK: child touching it", reap(pid), "signal 11");
	check("parent: MADV_DONTFORK page", ch(d[0]), "'d'");
	check("parent: MADV_WIPEONFORK page", ch(w[0]), "'w'");
	check("parent: MADV_WIPEONFORK page 2", ch(w[PG]), "'W'");
	check("parent: MADV_WIPEONFORK untouched by the child", ch(w[1]), "0");
	munmap(d, PG);
	munmap(w, 2 * PG);
}

/* A big touched private mapping: the child writes one page of its copy. */
static void big(void)
{
	size_t len = 64UL << 20;
	long pages = len / PG;
	char *b = map(len, MAP_PRIVATE);
	bool ok = true;
	pid_t pid;

	for (long i = 0; i < pages; i++) {
		b[i * PG] = (char)i;
		b[i * PG + PG - 1] = (char)(i >> 8);
	}
	pid = xfork();
	if (pid == 0) {
		for (long i = 0; i < pages; i++)
			if (b[i * PG] != (char)i || b[i * PG + PG - 1] != (char)(i >> 8))
				ok = false;
		check_bool("child: sees the parent's 64 MiB", ok, true);
		b[5 * PG] = 'X';
		b[pages / 2 * PG + 7] = 'Y';
		check("child: its own write", ch(b[5 * PG]), "'X'");
		post(c2p[1]);
		_exit(failed);
	}
	await(c2p[0]);
	for (long i = 0; i < pages; i++)
		if (b[i * PG] != (char)i || b[i * PG + PG - 1] != (char)(i >> 8))
			ok = false;
	check("64 MiB: child", reap(pid), "exit 0");
	check_bool("parent: 64 MiB intact after the child's writes", ok, true);
	check("parent: the page the child wrote", ch(b[pages / 2 * PG + 7]), "0");
	munmap(b, len);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	PG = sysconf(_SC_PAGESIZE);
	if (pipe(c2p) || pipe(p2c)) {
		printf("pipe: FAIL\n");
		return 1;
	}
	private_copies();
	shared();
	unmap_after_fork();
	vforked();
	fork_advice();
	big();
	printf("mm_fork: %s\n", failed ? "FAILED" : "done");
	return failed;
}
