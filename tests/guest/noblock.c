/*
 * One blocked guest must not stall the others: A blocks in read() on an empty
 * pipe while B makes 10,000 getppid() calls (each trapped by umk) and init
 * blocks in waitpid(B). Then init writes to the pipe, A finishes, init reaps it.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
	int p[2], st, bad = 0;
	pid_t a, b;
	char c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(p))
		return 2;
	a = fork();
	if (a == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1 || c != 'x')
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	b = fork();
	if (b == 0) {
		for (int i = 0; i < 10000; i++)
			if (getppid() != 1)
				bad++;
		_exit(bad ? 1 : 0);
	}
	if (waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("B failed\n");
		return 1;
	}
	printf("B done\n");
	if (write(p[1], "x", 1) != 1)
		return 3;
	if (waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("A failed\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}
