/*
 * Self-inflicted signals.
 *   killself         - a non-init process kills itself with SIGTERM (dies: 143)
 *   killself init    - pid 1 sends itself SIGTERM with no handler: ignored;
 *                      prints "alive" and exits 0
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "init")) {
		printf("pid %d kill %d\n", getpid(), kill(getpid(), SIGTERM));
		usleep(100000);
		printf("alive\n");
		return 0;
	}
	kill(getpid(), SIGTERM);
	pause();
	printf("survived SIGTERM\n");
	return 1;
}
