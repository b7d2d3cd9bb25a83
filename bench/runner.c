/*
 * bench/runner: host-side helpers for `make bench`.
 *
 *   runner floor-trace N   the floor: N bare SECCOMP_RET_TRACE round trips.
 *                          A child (seized with PTRACE_SEIZE after a pipe
 *                          handshake, PTRACE_O_TRACESECCOMP) installs a raw
 *                          BPF filter that returns SECCOMP_RET_TRACE for
 *                          getppid and calls getppid N times; this process
 *                          loops waitpid + PTRACE_CONT, nothing else.
 *   runner floor-sigsys N  the in-process alternative: the filter returns
 *                          SECCOMP_RET_TRAP for getppid and a SIGSYS handler
 *                          supplies the return value.
 *   runner median V...     the median of the values (for run.sh).
 *
 * Both floors print one line in the guests' format: "NAME iters=N ns=T
 * ns/op=X" (the child times its own loop with CLOCK_MONOTONIC), and
 * floor-trace adds "stops=S" (as counted by the tracer).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define GETPPID_MAGIC 4242	/* what the SIGSYS handler makes getppid return */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "runner: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* getppid -> action; everything else allowed; a foreign ABI is killed. */
static int install_filter(unsigned int action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

static void report(const char *name, long n, double ns, long stops)
{
	printf("%s iters=%ld ns=%.0f ns/op=%.1f", name, n, ns, n ? ns / n : 0.0);
	if (stops >= 0)
		printf(" stops=%ld", stops);
	printf("\n");
	fflush(stdout);
}

static int floor_trace(long n)
{
	int sync[2], res[2];
	double ns = 0;
	long stops = 0;
	int status;
	pid_t pid;

	if (pipe(sync) < 0 || pipe(res) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char c;
		double t0;

		close(sync[1]);
		close(res[0]);
		/* Wait to be seized: RET_TRACE without a tracer fails with ENOSYS. */
		if (read(sync[0], &c, 1) != 1)
			_exit(1);
		if (install_filter(SECCOMP_RET_TRACE) < 0)
			_exit(2);
		t0 = now_ns();
		for (long i = 0; i < n; i++)
			if (syscall(SYS_getppid) < 0)
				_exit(3);	/* ENOSYS: not traced after all */
		t0 = now_ns() - t0;
		if (write(res[1], &t0, sizeof(t0)) != sizeof(t0))
			_exit(4);
		_exit(0);
	}
	close(sync[0]);
	close(res[1]);
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0) {
		kill(pid, SIGKILL);
		die("PTRACE_SEIZE");
	}
	if (write(sync[1], "g", 1) != 1)
		die("write");
	close(sync[1]);
	/* The tracer: waitpid + PTRACE_CONT, that is all. */
	while (waitpid(pid, &status, __WALL) == pid) {
		if (!WIFSTOPPED(status))
			break;
		if (status >> 16 == PTRACE_EVENT_SECCOMP) {
			stops++;
			ptrace(PTRACE_CONT, pid, 0, 0);
		} else if (status >> 16 == PTRACE_EVENT_STOP) {
			ptrace(PTRACE_CONT, pid, 0, 0);
		} else {
			ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(status));
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "runner: floor-trace child failed: status %#x\n", status);
		return 1;
	}
	if (read(res[0], &ns, sizeof(ns)) != sizeof(ns)) {
		fprintf(stderr, "runner: floor-trace child sent no time\n");
		return 1;
	}
	if (stops != n) {
		fprintf(stderr, "runner: floor-trace saw %ld stops for %ld calls\n", stops, n);
		return 1;
	}
	report("floor-trace", n, ns, stops);
	return 0;
}

static void on_sigsys(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig;
	if (si->si_syscall == SYS_getppid)
		uc->uc_mcontext.gregs[REG_RAX] = GETPPID_MAGIC;
	else
		uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
}

static int floor_sigsys(long n)
{
	int res[2], status;
	double ns = 0;
	pid_t pid;

	/* A child, so the runner itself stays unfiltered. */
	if (pipe(res) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
		double t0;

		close(res[0]);
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0 || install_filter(SECCOMP_RET_TRAP) < 0)
			_exit(2);
		t0 = now_ns();
		for (long i = 0; i < n; i++)
			if (syscall(SYS_getppid) != GETPPID_MAGIC)
				_exit(3);
		t0 = now_ns() - t0;
		if (write(res[1], &t0, sizeof(t0)) != sizeof(t0))
			_exit(4);
		_exit(0);
	}
	close(res[1]);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "runner: floor-sigsys child failed: status %#x\n", status);
		return 1;
	}
	if (read(res[0], &ns, sizeof(ns)) != sizeof(ns)) {
		fprintf(stderr, "runner: floor-sigsys child sent no time\n");
		return 1;
	}
	report("floor-sigsys", n, ns, -1);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int median(int argc, char **argv)
{
	double *v = calloc(argc ? argc : 1, sizeof(*v));
	int n = 0;

	if (!v)
		die("calloc");
	for (int i = 0; i < argc; i++) {
		char *end;

		v[n] = strtod(argv[i], &end);
		if (end == argv[i] || *end) {
			fprintf(stderr, "runner: median: not a number: '%s'\n", argv[i]);
			return 1;
		}
		n++;
	}
	if (!n) {
		fprintf(stderr, "runner: median: no values\n");
		return 1;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	printf("%.3f\n", n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
	free(v);
	return 0;
}

static long iters(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || *end || n < 0) {
		fprintf(stderr, "runner: bad iteration count '%s'\n", s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "floor-trace"))
		return floor_trace(iters(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "floor-sigsys"))
		return floor_sigsys(iters(argv[2]));
	if (argc >= 2 && !strcmp(argv[1], "median"))
		return median(argc - 2, argv + 2);
	fprintf(stderr, "usage: runner floor-trace N | floor-sigsys N | median V...\n");
	return 2;
}
