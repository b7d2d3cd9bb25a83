/*
 * Read-only file pages are shared (umk's page cache) but copied on write:
 * a process that makes its own text or a read-only file mapping writable
 * and writes it changes nobody else's view, and not the file. Run natively
 * and under umk; the output must match.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static const char rodata[8192] __attribute__((aligned(4096))) = "original rodata";

static void *page_of(const void *p)
{
	return (void *)((uintptr_t)p & ~4095UL);
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/pcache.XXXXXX", buf[32];
	int fd, status;
	char *a, *b;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1) {	/* exec'd again: a new process sees the file's bytes */
		printf("after exec: %s\n", rodata);
		return 0;
	}
	/* A child writes its own read-only data. */
	pid = fork();
	if (pid == 0) {
		int r = mprotect(page_of(rodata), 4096, PROT_READ | PROT_WRITE);

		if (r == 0)
			memcpy((char *)rodata, "CHANGED", 7);
		printf("child: mprotect %d, sees %s\n", r, rodata);
		/* Dropping the written page reads the file again. */
		madvise(page_of(rodata), 4096, MADV_DONTNEED);
		printf("child after MADV_DONTNEED: %s\n", rodata);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("parent sees %s\n", rodata);
	/* Its own text, writable and written, then read-only again. */
	{
		unsigned char *text = page_of((void *)main), saved;

		printf("text mprotect rwx: %d\n",
		       mprotect(text, 4096, PROT_READ | PROT_WRITE | PROT_EXEC));
		saved = text[0];
		text[0] = saved ^ 0xff;
		text[0] = saved;
		printf("text back to r-x: %d\n", mprotect(text, 4096, PROT_READ | PROT_EXEC));
	}

	/* Private memory made read-only (as glibc's RELRO): a fork child that
	 * makes its copy writable again changes nothing of ours; dropping it
	 * reads zeros (anonymous) or the file (a file's private page). */
	{
		char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		strcpy(m, "sealed secret");
		printf("anon made read-only: %d\n", mprotect(m, 8192, PROT_READ));
		pid = fork();
		if (pid == 0) {
			printf("child: writable again: %d\n", mprotect(m, 8192, PROT_READ | PROT_WRITE));
			strcpy(m, "child's");
			printf("child sees %s\n", m);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		printf("parent sees %s\n", m);
		{
			int pp[2];

			if (pipe(pp) < 0 || write(pp[1], "x", 1) != 1)
				return 1;
			printf("read into it: %s\n", read(pp[0], m, 1) < 0 ? "EFAULT" : "went through");
			close(pp[0]);
			close(pp[1]);
		}
		madvise(m, 8192, MADV_DONTNEED);
		printf("after MADV_DONTNEED: \"%s\"\n", m);
	}

	/* Two read-only private mappings of one file: write one. */
	fd = mkstemp(path);
	if (fd < 0 || write(fd, "file bytes\n", 11) != 11)
		return 1;
	a = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	b = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("mprotect a writable: %d\n", mprotect(a, 4096, PROT_READ | PROT_WRITE));
	memcpy(a, "WRITTEN", 7);
	printf("a: %.10s, b: %.10s\n", a, b);
	pread(fd, buf, 10, 0);
	printf("file: %.10s\n", buf);
	/* A write to a read-only one still faults: EFAULT from a syscall. */
	lseek(fd, 0, SEEK_SET);
	printf("read into b: %s\n", read(fd, b, 1) < 0 ? "EFAULT" : "went through");
	/* mremap of a cached mapping moves its bytes. */
	b = mremap(b, 4096, 8192, MREMAP_MAYMOVE);
	printf("mremap'd b: %.10s\n", b == MAP_FAILED ? "failed" : b);
	/* A file's private page written, made read-only, dropped: the file. */
	a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(a, "PRIVATE", 7);
	mprotect(a, 4096, PROT_READ);
	printf("frozen file page: %.10s\n", a);
	madvise(a, 4096, MADV_DONTNEED);
	printf("dropped: %.10s\n", a);
	close(fd);
	unlink(path);

	execl(argv[0], argv[0], "again", (char *)NULL);
	perror("exec");
	return 1;
}
