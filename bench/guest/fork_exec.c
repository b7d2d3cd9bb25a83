/*
 * Program start: fork + execve + waitpid, or posix_spawn + waitpid, of a
 * program next to this one (bench-true, static; bench-dyntrue, dynamically
 * linked against the guest's glibc).
 *   fork_exec N [PROGRAM [fork|spawn]]
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

extern char **environ;

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv);
	const char *name = argc > 2 ? argv[2] : "bench-true";
	int spawn = argc > 3 && !strcmp(argv[3], "spawn");
	char self[4096], prog[4096];
	double t0;

	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(prog, sizeof(prog), "%s/%s", dirname(self), name);
	t0 = bench_now();
	for (long i = 0; i < n; i++) {
		char *args[] = { prog, NULL };
		int status;
		pid_t pid;

		if (spawn) {
			int e = posix_spawn(&pid, prog, NULL, NULL, args, environ);

			if (e) {
				fprintf(stderr, "fork_exec: posix_spawn %s: %s\n", prog, strerror(e));
				return 1;
			}
		} else {
			pid = fork();
			if (pid < 0) {
				perror("fork_exec: fork");
				return 1;
			}
			if (pid == 0) {
				execve(prog, args, environ);
				_exit(127);
			}
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "fork_exec: %s: status %#x\n", prog, status);
			return 1;
		}
	}
	bench_report(spawn ? "spawn" : "fork_exec", n, bench_now() - t0);
	return 0;
}
