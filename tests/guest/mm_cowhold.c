/*
 * A parent with 64 MiB of touched private memory forks; both print "ready"
 * and wait for stdin to close while the test looks at how much memory umk's
 * memfd of the family holds: a fork must not copy what neither side wrote.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define LEN (64UL << 20)

int main(void)
{
	char *big = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t child;
	char c;

	if (big == MAP_FAILED)
		return 1;
	memset(big, 7, LEN);
	child = fork();
	/* Each reads a page; the child writes one. */
	if (child == 0)
		big[LEN / 2] = big[0] + 1;
	printf("ready %s %d\n", child ? "parent" : "child", big[LEN - 1]);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	if (child > 0)
		waitpid(child, NULL, 0);
	return 0;
}
