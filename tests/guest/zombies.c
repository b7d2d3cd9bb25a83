/*
 * Many short-lived children.
 *   zombies reap [N]    - fork N (default 200) children that _exit at once,
 *                         reap each; print "done"; then sleep 1 s (so the host
 *                         can look for zombies while the guest still runs)
 *   zombies noreap [N]  - fork N children that _exit at once, never wait for
 *                         them, sleep 1 s and exit
 *   zombies orphans [N] - fork N children that sleep 60 s; init exits at once
 *                         (the pid namespace dies with it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "reap";
	int n = argc > 2 ? atoi(argv[2]) : 200, reaped = 0, bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		pid_t c = fork();

		if (c < 0) {
			perror("fork");
			return 1;
		}
		if (c == 0) {
			if (!strcmp(mode, "orphans"))
				sleep(60);
			_exit(i & 0x7f);
		}
		if (!strcmp(mode, "reap")) {
			int st;

			if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f))
				bad++;
			else
				reaped++;
		}
	}
	if (!strcmp(mode, "reap")) {
		printf("reaped %d bad %d\n", reaped, bad);
		printf("done\n");
		sleep(1);
	} else if (!strcmp(mode, "noreap")) {
		printf("forked %d\n", n);
		sleep(1);
	} else {
		printf("forked %d\n", n);
	}
	return 0;
}
