/*
 * Address-space layout randomisation, natively and under umk: the stack,
 * the heap (brk), an mmap and the program itself (a static PIE) move from
 * one exec to the next, and stay put under personality(ADDR_NO_RANDOMIZE)
 * (what `setarch -R` sets). The brk starts within 1 GiB past the image (plus what malloc took).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/wait.h>

extern char end[];	/* the linker's end of the image (bss) */

static void report(void)
{
	int local;
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t brk = (uintptr_t)sbrk(0);

	printf("%lx %lx %lx %lx %d\n", (unsigned long)&local, (unsigned long)brk,
	       (unsigned long)m, (unsigned long)&report,
	       brk > (uintptr_t)end && brk - (uintptr_t)end < (1u << 30) + (1u << 20));
}

/* Exec ourselves in report mode; its line into buf. */
static void layout(const char *self, char *buf, size_t len)
{
	int p[2];
	pid_t pid;
	ssize_t n;

	if (pipe(p) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl(self, self, "report", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	close(p[0]);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	char a[256], b[256];

	if (argc > 1 && !strcmp(argv[1], "report")) {
		report();
		return 0;
	}
	for (int norand = 0; norand < 2; norand++) {
		unsigned long ok1, ok2;

		personality(norand ? ADDR_NO_RANDOMIZE : 0);
		layout(argv[0], a, sizeof(a));
		layout(argv[0], b, sizeof(b));
		sscanf(a, "%*x %*x %*x %*x %lu", &ok1);
		sscanf(b, "%*x %*x %*x %*x %lu", &ok2);
		printf("%s: layout the same twice: %d, brk within 1 GiB after the image: %d\n",
		       norand ? "ADDR_NO_RANDOMIZE" : "randomized", !strcmp(a, b), ok1 && ok2);
	}
	return 0;
}
