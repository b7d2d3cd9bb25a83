/*
 * What a guest can do to umk's platform pieces, run under umk only:
 *  - registers: a rewritten mmap (returning through the stub's trampoline)
 *    leaves every register but rax, rcx and r11 as the guest set it;
 *  - the stub: jumping into it with the guest's own registers gets nothing
 *    the guest's own syscalls would not (EPERM for umk's window, getpid,
 *    SIGILL after the marker, the trampoline just jumps where told);
 *  - the scratch window: readable, never writable, unmappable or remappable;
 *  - the reserved descriptors: EBADF for close/dup/fcntl/read/write/fallocate,
 *    close_range(3, ~0) harmless.
 * Prints one line per check; exits 1 if any failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static int failed;
static sigjmp_buf jb;
static volatile int got_sig;

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failed = 1;
}

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	got_sig = sig;
	siglongjmp(jb, 1);
}

static const unsigned char stub_sig[] = { 0x0f, 0x05, 0x48, 0x89, 0xc3, 0xb8, 0x27, 0, 0, 0,
					  0x0f, 0x05, 0x0f, 0x0b };

/* Find umk's stub: the page below the stack that starts with its code. */
/* The window is where the host placed umk's exec stub: next to the vDSO,
 * which the host mapped just after it. Look within 2 GiB either side. */
static unsigned char *find_stub(void)
{
	uintptr_t vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	unsigned char vec;

	for (uintptr_t d = 0; d < (1UL << 31); d += 4096)
		for (int up = 0; up < 2; up++) {
			uintptr_t a = up ? vdso + d : vdso - d;

			if (mincore((void *)a, 4096, &vec) < 0)
				continue;
			got_sig = 0;
			if (sigsetjmp(jb, 1) == 0) {
				if (!memcmp((void *)a, stub_sig, sizeof(stub_sig)))
					return (unsigned char *)a;
			}
		}
	return NULL;
}

/* mmap with every register set to a known value; 1 if all but rax, rcx,
 * r11 came back unchanged. */
static int regs_preserved(void)
{
	uint64_t in[12] = { 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    (uint64_t)-1, 0, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666 };
	uint64_t out[12];
	long ret;

	__asm__ volatile(
		"push %%rbp\n"
		"push %%rbx\n"
		"push %%r12\n"
		"push %%r13\n"
		"push %%r14\n"
		"push %%r15\n"
		"push %%rsi\n"		/* out */
		"mov 0(%%rdi),%%rax\n"
		"mov 8(%%rdi),%%rsi\n"
		"mov 16(%%rdi),%%rdx\n"
		"mov 24(%%rdi),%%r10\n"
		"mov 32(%%rdi),%%r8\n"
		"mov 40(%%rdi),%%r9\n"
		"mov 48(%%rdi),%%rbx\n"
		"mov 56(%%rdi),%%rbp\n"
		"mov 64(%%rdi),%%r12\n"
		"mov 72(%%rdi),%%r13\n"
		"mov 80(%%rdi),%%r14\n"
		"mov 88(%%rdi),%%r15\n"
		"push %%rdi\n"
		"mov %%rax,%%rdi\n"	/* addr = 0 */
		"mov $9,%%eax\n"
		"syscall\n"
		"mov %%rdi,%%rcx\n"	/* rdi after the call */
		"pop %%rdi\n"
		"mov (%%rsp),%%r11\n"	/* out */
		"mov %%rcx,0(%%r11)\n"
		"mov %%rsi,8(%%r11)\n"
		"mov %%rdx,16(%%r11)\n"
		"mov %%r10,24(%%r11)\n"
		"mov %%r8,32(%%r11)\n"
		"mov %%r9,40(%%r11)\n"
		"mov %%rbx,48(%%r11)\n"
		"mov %%rbp,56(%%r11)\n"
		"mov %%r12,64(%%r11)\n"
		"mov %%r13,72(%%r11)\n"
		"mov %%r14,80(%%r11)\n"
		"mov %%r15,88(%%r11)\n"
		"pop %%rsi\n"
		"pop %%r15\n"
		"pop %%r14\n"
		"pop %%r13\n"
		"pop %%r12\n"
		"pop %%rbx\n"
		"pop %%rbp\n"
		: "=a"(ret)
		: "D"(in), "S"(out)
		: "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
	if (ret < 0 && ret > -4096)
		return 0;
	munmap((void *)ret, 4096);
	return !memcmp(in, out, sizeof(in));
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO };
	unsigned char *stub, *scratch;
	struct rlimit rl;
	char buf[64];
	long r;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);

	check("registers kept across a rewritten mmap", regs_preserved());

	/* Make sure the platform is up (an mmap does it), then find it. */
	free(malloc(1 << 20));
	stub = find_stub();
	check("stub found", stub != NULL);
	if (!stub)
		return 1;
	scratch = stub + 4096;

	/* The stub's syscall with our registers is our own syscall. */
	r = syscall(SYS_munmap, stub, 4096);
	check("munmap of the window: EPERM", r < 0 && errno == EPERM);
	check("mprotect of the window writable: EPERM",
	      mprotect(scratch, 4096, PROT_READ | PROT_WRITE) < 0 && errno == EPERM);
	check("mremap of the window: EPERM",
	      mremap(scratch, 4096, 8192, MREMAP_MAYMOVE) == MAP_FAILED && errno == EPERM);
	check("MAP_FIXED over the window: EPERM",
	      mmap(scratch, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0) == MAP_FAILED && errno == EPERM);
	check("madvise DONTNEED on the window: EPERM",
	      madvise(scratch, 4096, MADV_DONTNEED) < 0 && errno == EPERM);

	/* Writing the scratch page faults. */
	got_sig = 0;
	if (sigsetjmp(jb, 1) == 0)
		*(volatile char *)scratch = 1;
	check("write to the scratch page: SIGSEGV", got_sig == SIGSEGV);
	got_sig = 0;
	if (sigsetjmp(jb, 1) == 0)
		(void)*(volatile char *)scratch;
	check("read of the scratch page works", got_sig == 0);

	/* Jumping into the stub. */
	{
		typedef long (*fn)(void);
		long pid;

		got_sig = 0;
		if (sigsetjmp(jb, 1) == 0) {
			/* +0x00 with rax = munmap of the window itself */
			__asm__ volatile("mov %1,%%rdi\n mov $4096,%%esi\n mov $11,%%eax\n call *%2\n"
					 : "=&a"(pid) : "r"(stub), "r"(stub) : "rdi", "rsi", "rcx",
					 "r11", "rbx", "memory");
		}
		check("stub +0 with our registers: ends in SIGILL, window intact",
		      got_sig == SIGILL && !memcmp(stub, stub_sig, sizeof(stub_sig)));
		got_sig = 0;
		if (sigsetjmp(jb, 1) == 0)
			((fn)(stub + 5))();
		check("stub marker: just a getpid, then SIGILL", got_sig == SIGILL);
	}

	/* The reserved descriptors. */
	check("close(4096): EBADF", close(4096) < 0 && errno == EBADF);
	check("close(4097): EBADF", close(4097) < 0 && errno == EBADF);
	check("dup(4096): EBADF", dup(4096) < 0 && errno == EBADF);
	check("dup2(4096, 10): EBADF", dup2(4096, 10) < 0 && errno == EBADF);
	check("dup2(0, 4096): EBADF", dup2(0, 4096) < 0 && errno == EBADF);
	check("dup3(4097, 10): EBADF", dup3(4097, 10, 0) < 0 && errno == EBADF);
	check("fcntl(4096, F_GETFD): EBADF", fcntl(4096, F_GETFD) < 0 && errno == EBADF);
	check("fcntl(4097, F_SETFD): EBADF", fcntl(4097, F_SETFD, 0) < 0 && errno == EBADF);
	check("fcntl(0, F_DUPFD, 4096): EINVAL", fcntl(0, F_DUPFD, 4096) < 0 && errno == EINVAL);
	check("write to the scratch fd: EBADF", write(4097, "x", 1) < 0 && errno == EBADF);
	check("ftruncate of the memory fd: EBADF", ftruncate(4096, 0) < 0 && errno == EBADF);
	{
		char b[16];

		/* Guest memory of the whole fork family is in there: reading,
		 * writing or punching it from the guest must not work. */
		check("pread of the memory fd: EBADF", pread(4096, b, 16, 0) < 0 && errno == EBADF);
		check("pwrite of the memory fd: EBADF", pwrite(4096, b, 16, 0) < 0 && errno == EBADF);
		check("fallocate punch of the memory fd: EBADF",
		      fallocate(4096, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096) < 0 &&
		      errno == EBADF);
		check("lseek of the memory fd: EBADF", lseek(4096, 0, SEEK_SET) < 0 && errno == EBADF);
		/* read and write run unchecked: the position is parked past
		 * every page umk maps. */
		check("read of the memory fd: at its end", read(4096, b, 16) == 0);
		check("read of the page cache fd: at its end", read(4102, b, 16) == 0);
		check("pread with high bits set: EBADF",
		      syscall(SYS_pread64, 0x100000000ULL | 4096, b, 16, 0) < 0 && errno == EBADF);
	}
	check("RLIMIT_NOFILE hard limit at most 4096",
	      getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max <= 4096 && rl.rlim_cur <= rl.rlim_max);
	rl.rlim_max = 8192;
	check("raising it past the reserved fds: EPERM",
	      setrlimit(RLIMIT_NOFILE, &rl) < 0 && errno == EPERM);

	/* close_range over everything, as Python's subprocess does. */
	r = syscall(SYS_close_range, 3, ~0U, 0);
	check("close_range(3, ~0): 0", r == 0);
	{
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		check("memory still works after it", p != MAP_FAILED && (p[4096] = 7) == 7 &&
		      snprintf(buf, sizeof(buf), "%d", p[4096]) == 1);
		check("reserved fds still guarded", fcntl(4096, F_GETFD) < 0 && errno == EBADF);
	}
	{
		/* The exec stub's descriptor survived it too. */
		int status = -1;
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(99);
		}
		check("exec still works after it", pid > 0 && waitpid(pid, &status, 0) == pid &&
		      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return failed;
}
