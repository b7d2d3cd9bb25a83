/*
 * ETXTBSY, as Linux gives it: opening (or truncating) the image of a
 * running process for writing, and executing a file some process holds
 * open for writing. Compared with a native run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static const char *res(int r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

int main(int argc, char **argv)
{
	char copy[64], buf[65536];
	int in, w, fd;
	ssize_t n;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1)
		return 0;	/* the copy, run */
	fd = open(argv[0], O_WRONLY);
	printf("open own image for writing: %s\n", res(fd));
	printf("open own image O_RDWR: %s\n", res(open(argv[0], O_RDWR)));
	printf("open own image read-only: %s\n", res(fd = open(argv[0], O_RDONLY)));
	if (fd >= 0)
		close(fd);
	printf("truncate own image: %s\n", res(truncate(argv[0], 0)));

	snprintf(copy, sizeof(copy), "/tmp/etxtbsy.%d", getpid());
	w = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	in = open(argv[0], O_RDONLY);
	while (in >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(w, buf, n) != n)
			return 1;
	close(in);
	pid = fork();
	if (pid == 0) {
		execl(copy, "etxtbsy", "run", (char *)NULL);
		printf("exec while open for writing: %s\n", strerrorname_np(errno));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	close(w);
	pid = fork();
	if (pid == 0) {
		execl(copy, "etxtbsy", "run", (char *)NULL);
		_exit(127);
	}
	{
		int st;

		waitpid(pid, &st, 0);
		printf("exec once closed: exit %d\n", WEXITSTATUS(st));
	}
	unlink(copy);
	return 0;
}
