/* fork + _exit + waitpid: the process lifecycle umk tracks. */
#define _GNU_SOURCE
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	double t0 = bench_now();

	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork_wait: fork");
			return 1;
		}
		if (pid == 0)
			_exit(7);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 7) {
			fprintf(stderr, "fork_wait: bad wait for %d: status %#x\n", (int)pid, status);
			return 1;
		}
	}
	bench_report("fork_wait", n, bench_now() - t0);
	return 0;
}
