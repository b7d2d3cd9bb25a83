/*
 * A wait interrupted by a signal another guest process sends: EINTR without
 * SA_RESTART, restarted with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
static void h(int s) { (void)s; }
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int restart = 0; restart < 2; restart++) {
		struct sigaction sa = { .sa_handler = h, .sa_flags = restart ? SA_RESTART : 0 };
		sigaction(SIGUSR1, &sa, NULL);
		pid_t me = getpid(), c = fork(), k;
		int st;
		if (c == 0) { for (;;) pause(); }
		k = fork();
		if (k == 0) { usleep(30000); kill(me, SIGUSR1); usleep(30000); kill(c, SIGKILL); _exit(0); }
		pid_t r = waitpid(c, &st, 0);
		printf("%s: waitpid %s\n", restart ? "SA_RESTART" : "no restart", r < 0 ? strerrorname_np(errno) : "returned the child");
		kill(c, SIGKILL); waitpid(c, &st, 0); waitpid(k, &st, 0);
	}
	return 0;
}
