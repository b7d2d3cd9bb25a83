/*
 * A chain of DEPTH processes (default 100): each forks one child and waits
 * for it; the leaf exits with 42; each level checks getppid() and passes the
 * code up. Pids are sequential in a fresh pid namespace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static int level(int depth, int max)
{
	pid_t parent = getpid(), c;
	int st;

	if (depth == max) {
		printf("leaf depth %d pid %d ppid %d\n", depth, getpid(), getppid());
		return 42;
	}
	c = fork();
	if (c < 0) {
		perror("fork");
		return 99;
	}
	if (c == 0) {
		if (getppid() != parent) {
			printf("depth %d: getppid %d != %d\n", depth + 1, getppid(), parent);
			_exit(98);
		}
		_exit(level(depth + 1, max));
	}
	if (waitpid(c, &st, 0) != c) {
		perror("waitpid");
		return 97;
	}
	if (!WIFEXITED(st))
		return 96;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	int max = argc > 1 ? atoi(argv[1]) : 100;
	int code;

	setvbuf(stdout, NULL, _IOLBF, 0);
	code = level(0, max);
	printf("top pid %d code %d\n", getpid(), code);
	return code == 42 ? 0 : 1;
}
