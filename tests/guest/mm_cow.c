/*
 * Copy-on-write across fork of a large private mapping: both sides keep
 * their own data whoever writes first, writes by the kernel inside native
 * syscalls (read, fstat, pipe2) into pages still shared succeed, pages never
 * touched read as zeros, a grandchild sees its parent's data, and the
 * parent's pages are its own again once the child is gone.
 *
 * Parent and child take turns through pipes, so the output order is fixed.
 * One line per check; a failed check is marked "FAIL (want ...)" and the exit
 * status is then 1.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "mmcheck.h"

#define LEN (8UL << 20)		/* the first half touched, the rest never */
#define TOUCHED (4UL << 20)

static int c2p[2], p2c[2];
static char *buf;

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

static char *page(unsigned long i)
{
	return buf + i * (unsigned long)PG;
}

/* read() from a pipe into p: the host kernel writes the guest's page. */
static void kernel_write(const char *name, char *p, const char *text)
{
	int fds[2];
	char got[64];
	ssize_t n;

	if (pipe(fds) < 0 || write(fds[1], text, strlen(text)) != (ssize_t)strlen(text)) {
		check(name, "pipe failed", "ok");
		return;
	}
	n = read(fds[0], p, strlen(text));
	snprintf(got, sizeof(got), "%zd %s", n, n < 0 ? strerrorname_np(errno) : "");
	close(fds[0]);
	close(fds[1]);
	check(name, n == (ssize_t)strlen(text) && !memcmp(p, text, strlen(text)) ? "ok" : got, "ok");
}

static void check_page(const char *name, unsigned long i, char want)
{
	char got[2] = { page(i)[1], 0 }, w[2] = { want, 0 };

	check(name, got, w);
}

static void grandchild(void)
{
	check_page("grandchild: page 0 (original)", 0, 'a');
	check_page("grandchild: page 9 (written by its parent)", 9, 'C');
	page(9)[1] = 'G';
	kernel_write("grandchild: read() into a page it shares", page(11), "grandchild");
	_exit(failed);
}

static void child(void)
{
	struct stat st;
	int fds[2];
	pid_t g;
	int status;

	await(p2c[0]);	/* the parent has written */
	check_page("child: page 0 after the parent wrote it", 0, 'a');
	check_page("child: page 5 after the parent read() into it", 5, 'f');
	check_page("child: page 100", 100, 'a' + 100 % 26);
	check_bool("child: an untouched page reads zero", page(TOUCHED / PG + 3)[1] == 0, true);
	kernel_write("child: read() into a page not copied yet", page(7) + 1, "child");
	check_bool("child: fstat() into its copy", fstat(0, (struct stat *)page(8)) == 0 &&
		   fstat(0, &st) == 0 && ((struct stat *)page(8))->st_ino == st.st_ino, true);
	check_bool("child: pipe2() into its copy", pipe2((int *)page(10), O_CLOEXEC) == 0 &&
		   ((int *)page(10))[0] > 2, true);
	page(9)[1] = 'C';
	g = fork();
	if (g == 0)
		grandchild();
	waitpid(g, &status, 0);
	check_bool("child: the grandchild passed", WIFEXITED(status) && !WEXITSTATUS(status), true);
	check_page("child: page 9 after the grandchild wrote it", 9, 'C');
	check_bool("child: page 11 after the grandchild read() into it", page(11)[1] == 'l', true);
	(void)fds;
	post(c2p[1]);
	await(p2c[0]);	/* the parent wrote again */
	check_page("child: page 1 after the parent's second write", 1, 'b');
	_exit(failed);
}

int main(void)
{
	pid_t pid;
	int status;

	PG = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IONBF, 0);
	buf = mmap(NULL, LEN, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || pipe(c2p) < 0 || pipe(p2c) < 0)
		return 2;
	for (unsigned long i = 0; i < TOUCHED / PG; i++)
		memset(page(i), 'a' + (int)(i % 26), PG);
	pid = fork();
	if (pid == 0)
		child();
	/* The parent writes first, while the child still shares everything. */
	page(0)[1] = 'P';
	kernel_write("parent: read() into a shared page", page(5) + 1, "parent");
	kernel_write("parent: read() into a shared untouched page",
		     page(TOUCHED / PG + 1), "parent");
	check_page("parent: page 0 after writing it", 0, 'P');
	post(p2c[1]);
	await(c2p[0]);
	check_page("parent: page 9 (the child wrote its own)", 9, 'j');
	check_bool("parent: page 7 (the child read() into its own)", page(7)[1] == 'h', true);
	page(1)[1] = 'Q';
	post(p2c[1]);
	waitpid(pid, &status, 0);
	check_bool("parent: the child passed", WIFEXITED(status) && !WEXITSTATUS(status), true);
	/* Alone again: its pages are its own, and writable. */
	for (unsigned long i = 0; i < TOUCHED / PG; i += 64)
		page(i)[2] = 'Z';
	check_page("parent: page 0 at the end", 0, 'P');
	check_page("parent: page 1 at the end", 1, 'Q');
	check_bool("parent: page 64 rewritten", page(64)[2] == 'Z', true);
	printf("mm_cow: done\n");
	return failed;
}
