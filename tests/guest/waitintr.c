/*
 * A wait interrupted by a host-generated signal (an interval timer): without
 * SA_RESTART waitpid fails with EINTR; with SA_RESTART it goes on waiting
 * (here until the handler kills the child). Timers of 3 ms and 60 ms fire
 * while the waiter is held by umk and while it sleeps natively.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/wait.h>

static volatile pid_t victim;
static volatile sig_atomic_t hits;

static void on_alrm(int s)
{
	(void)s;
	hits++;
	if (victim)
		kill(victim, SIGKILL);
}

static void arm(long usec)
{
	struct itimerval it = { .it_value = { 0, usec } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void run(long usec, int restart)
{
	struct sigaction sa = { .sa_handler = on_alrm, .sa_flags = restart ? SA_RESTART : 0 };
	pid_t c, r;
	int st = 0;

	sigaction(SIGALRM, &sa, NULL);
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	victim = restart ? c : 0;
	hits = 0;
	arm(usec);
	r = waitpid(c, &st, 0);
	printf("%ldus %s: waitpid %s", usec / 1000 * 1000, restart ? "SA_RESTART" : "no restart",
	       r < 0 ? strerrorname_np(errno) : "returned the child");
	if (r > 0)
		printf(", killed by %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	printf(", handler ran %d time(s)\n", (int)hits);
	if (r < 0) {
		kill(c, SIGKILL);
		waitpid(c, &st, 0);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	run(3000, 0);
	run(60000, 0);
	run(3000, 1);
	run(60000, 1);
	return 0;
}
