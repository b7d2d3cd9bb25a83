/*
 * Holds one of each kind of guest memory while the test looks at the host's
 * /proc/PID/maps of the processes: anonymous private and shared mappings, a
 * malloc'd heap (brk) and a big malloc (mmap), a private file mapping, and a
 * forked child with its own copy. Prints "ready N" per process, then waits
 * for its stdin to close.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(void)
{
	char *anon = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *shared = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *small = malloc(100), *big = malloc(4 << 20), c;
	int fd = open("/etc/passwd", O_RDONLY);
	char *file = fd >= 0 ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	pid_t child;

	if (anon == MAP_FAILED || shared == MAP_FAILED || !small || !big || file == MAP_FAILED) {
		printf("setup failed\n");
		return 1;
	}
	memset(anon, 1, 1 << 20);
	memset(shared, 2, 8192);
	memset(big, 3, 4 << 20);
	strcpy(small, "heap");
	child = fork();
	if (child == 0)
		anon[0] = 5;
	printf("ready %s %c\n", child ? "parent" : "child", file[0]);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	if (child > 0)
		waitpid(child, NULL, 0);
	return 0;
}
