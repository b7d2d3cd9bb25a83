/*
 * Signal round trip: kill(getpid(), SIGUSR1), the handler runs, rt_sigreturn.
 * Under umk: the kill traps and umk builds the frame before the thread
 * resumes (1 stop), the sigreturn traps (1 stop).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "bench.h"

static volatile long count;

static void on_usr1(int sig)
{
	(void)sig;
	count++;
}

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	struct sigaction sa;
	pid_t self = getpid();
	double t0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	t0 = bench_now();
	for (long i = 0; i < n; i++)
		syscall(SYS_kill, self, SIGUSR1);	/* raw: raise() also blocks signals */
	bench_report("sigroundtrip", n, bench_now() - t0);
	return count != n;
}
