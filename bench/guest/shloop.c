/*
 * A busybox sh loop running N external commands:
 *     shloop N SHELL COMMAND
 * execs SHELL (argv[0] "sh") with
 *     -c 'i=0; while [ $i -lt N ]; do COMMAND; i=$((i+1)); done'
 * and times fork + the whole shell run + wait, reported per command. COMMAND
 * must be a path (with a slash) so the shell forks and execs it rather than
 * running a builtin or a NOFORK applet.
 */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	char script[4096];
	int status;
	pid_t pid;
	double t0;

	if (argc != 4 || !strchr(argv[3], '/')) {
		fprintf(stderr, "usage: shloop N SHELL /PATH/TO/COMMAND\n");
		return 2;
	}
	snprintf(script, sizeof(script),
		 "i=0; while [ $i -lt %ld ]; do %s || exit 3; i=$((i+1)); done", n, argv[3]);
	t0 = bench_now();
	pid = fork();
	if (pid < 0) {
		perror("shloop: fork");
		return 1;
	}
	if (pid == 0) {
		execl(argv[2], "sh", "-c", script, (char *)NULL);
		perror("shloop: exec shell");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("shloop: waitpid");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "shloop: shell failed: status %#x\n", status);
		return 1;
	}
	bench_report("shloop", n, bench_now() - t0);
	return 0;
}
