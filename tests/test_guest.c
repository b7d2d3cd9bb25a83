/*
 * Guest integration tests: real programs (busybox and the small static
 * programs in tests/guest/, installed in the guest at /usr/local/bin) run
 * under umk, and — wherever the output is deterministic — the same program
 * natively as the init of a fresh pid namespace, which is the behaviour umk
 * must reproduce. Every umk run happens as the caller and, when root, as the
 * user nobody (see harness.c).
 *
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <check.h>
#include "harness.h"

#define G(name) "/usr/local/bin/" name

/* The native run must print expect and exit with code (so the test itself is
 * right about Linux), and so must umk. */
static void expect_linux(const char *const argv[], const char *expect, int code)
{
	struct run_result r;

	ck_assert_int_eq(h_native(&r, 30, argv), 0);
	ck_assert_msg(!r.timed_out, "native run timed out");
	ck_assert_msg(r.code == code && !strcmp(r.out, expect),
		      "native: exit %d (want %d)\n--- stdout:\n%s--- want:\n%s--- stderr:\n%s",
		      r.code, code, r.out, expect, r.err);
	h_free(&r);
	h_expect_umk(argv, expect, code);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- 1. busybox shell ------------------------------------------------- */

/* The shell is pid 1, its child sees parent 1, the user is root and the
 * hostname is umk's. */
START_TEST(test_shell_identity)
{
	h_expect_umk(ARGV("/bin/sh", "-c", "echo $$; sh -c \"echo \\$PPID\"; id -u; hostname"),
		     "1\n1\n0\numk\n", 0);
}
END_TEST

/* $$ and a child shell's $PPID are what a fresh pid namespace gives. */
START_TEST(test_shell_pids_native)
{
	expect_linux(ARGV("/bin/sh", "-c", "echo $$; sh -c \"echo \\$PPID\"; id -u"),
		     "1\n1\n0\n", 0);
}
END_TEST

/* ---- 2. exit statuses ------------------------------------------------- */

/* umk exits with the guest's exit code. */
START_TEST(test_exit_code)
{
	expect_linux(ARGV("/bin/sh", "-c", "exit 3"), "", 3);
}
END_TEST

/* A (non-init) process that kills itself with SIGTERM dies of it: 143. */
START_TEST(test_exit_killed_self)
{
	expect_linux(ARGV("/bin/sh", "-c", G("killself") "; exit $?"), "", 143);
}
END_TEST

/* pid 1 sending itself SIGTERM, which it does not handle: ignored. */
START_TEST(test_init_kill_self_ignored)
{
	expect_linux(ARGV(G("killself"), "init"), "pid 1 kill 0\nalive\n", 0);
}
END_TEST

/* An init that writes through NULL dies of SIGSEGV (forced even on an init):
 * umk exits 128+11. */
START_TEST(test_init_segv)
{
	expect_linux(ARGV(G("segv")), "before\n", 139);
}
END_TEST

/* Runs umk with stdout and stderr to /dev/null; returns its pid. */
static pid_t spawn_quiet(int flags, const char *const argv[])
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if ((flags & H_UNPRIV) && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(124);
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	return pid;
}

/* Waits up to timeout_s for pid; kills its group on timeout. Returns the
 * shell-style code, or -1 on timeout. */
static int wait_code(pid_t pid, double timeout_s)
{
	double end = now_s() + timeout_s;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (now_s() > end) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(10000);
	}
}

static void term_umk(int flags)
{
	const char *argv[] = { harness_umk(), "run", "--root", harness_root(), "--",
			       "/bin/sleep", "30", NULL };
	pid_t pid = spawn_quiet(flags, argv);
	int code;

	usleep(500000);
	kill(pid, SIGTERM);
	code = wait_code(pid, 10);
	ck_assert_msg(code == 143, "umk after SIGTERM: code %d (want 143)", code);
}

/* SIGTERM to umk reaches the guest init as a signal from outside its
 * namespace: the init (no handler) dies of it and umk exits 143. */
START_TEST(test_sigterm_to_umk)
{
	term_umk(0);
	if (harness_is_root())
		term_umk(H_UNPRIV);
}
END_TEST

/* ---- 3. fork tree ----------------------------------------------------- */

/* A chain of 100 processes, each waiting for its child: the leaf's exit code
 * travels back up, every getppid() is right, pids are 1..101. */
START_TEST(test_fork_tree)
{
	expect_linux(ARGV(G("forktree"), "100"),
		     "leaf depth 100 pid 101 ppid 100\ntop pid 1 code 42\n", 0);
}
END_TEST

/* ---- 4. orphans ------------------------------------------------------- */

/* A's child B is reparented to pid 1 when A exits; init reaps A, then B. */
START_TEST(test_orphan_reparent)
{
	expect_linux(ARGV(G("orphan")),
		     "A pid 2 ppid 1\n"
		     "B pid 3 ppid before 2\n"
		     "B ppid after 1\n"
		     "init reaped 2 exit 3\n"
		     "init reaped 3 exit 5\n"
		     "then ECHILD\n", 0);
}
END_TEST

/* ---- 5. wait4 / waitid ------------------------------------------------ */

/* wait4 and waitid: ECHILD/EINVAL/ESRCH errors, WNOHANG (0, zeroed siginfo),
 * P_PID/P_PGID/P_ALL, WNOWAIT, CLD_EXITED/CLD_KILLED, CLD_STOPPED and
 * CLD_CONTINUED, wait4 WUNTRACED/WCONTINUED — as Linux. */
START_TEST(test_wait)
{
	h_expect_same(ARGV(G("waitid")));
}
END_TEST

/* waitid(P_PIDFD) keeps naming the child after it exits (umk reaps the host
 * process at once): Linux reports the zombie (CLD_EXITED), then ECHILD. */
START_TEST(test_wait_pidfd)
{
	expect_linux(ARGV(G("waitid"), "pidfd"),
		     "pidfd_open child: ok\n"
		     "waitid P_PIDFD WNOHANG: 0 signo 0 code 0 pid 0 uid 0 status 0\n"
		     "waitid P_PIDFD (blocks until the exit): 0 signo 17 code CLD_EXITED pid 2 uid 0 status 6\n"
		     "waitid P_PIDFD reaped: -1 ECHILD\n"
		     "pidfd_open child 2: ok\n"
		     "waitid P_PID WNOWAIT (child 2 is a zombie): 0 signo 17 code CLD_EXITED pid 3 uid 0 status 8\n"
		     "waitid P_PIDFD on a zombie: 0 signo 17 code CLD_EXITED pid 3 uid 0 status 8\n"
		     "pidfd_open 999: -1 ESRCH\n"
		     "waitid P_PIDFD bad fd: -1 EBADF\n"
		     "waitid P_PIDFD not a pidfd: -1 EBADF\n", 0);
}
END_TEST

/* ---- 6. zombies ------------------------------------------------------- */

struct proc_info {
	pid_t pid, ppid;
	char state;
	char comm[32];
};

static int read_stat(pid_t pid, struct proc_info *pi)
{
	char path[64], buf[512], *l, *r;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (!l || !r || r < l)
		return -1;
	pi->pid = pid;
	snprintf(pi->comm, sizeof(pi->comm), "%.*s", (int)(r - l - 1), l + 1);
	if (sscanf(r + 1, " %c %d", &pi->state, &pi->ppid) != 2)
		return -1;
	return 0;
}

/* Every host process (up to max). */
static int all_procs(struct proc_info *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) && n < max) {
		pid_t pid = atoi(e->d_name);

		if (pid > 0 && read_stat(pid, &out[n]) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static bool descends_from(const struct proc_info *ps, int n, pid_t pid, pid_t ancestor)
{
	for (int depth = 0; depth < 4096 && pid > 1; depth++) {
		int i;

		if (pid == ancestor)
			return true;
		for (i = 0; i < n && ps[i].pid != pid; i++)
			;
		if (i == n)
			return false;
		pid = ps[i].ppid;
	}
	return false;
}

#define MAXP 65536

/* Host zombies below pid (the umk process). */
static int zombies_below(pid_t pid, char *which, size_t len)
{
	struct proc_info *ps = calloc(MAXP, sizeof(*ps));
	int n = all_procs(ps, MAXP), z = 0;

	which[0] = '\0';
	for (int i = 0; i < n; i++)
		if (ps[i].state == 'Z' && ps[i].pid != pid && descends_from(ps, n, ps[i].pid, pid)) {
			size_t l = strlen(which);

			z++;
			snprintf(which + l, len - l, " %d(%s)", ps[i].pid, ps[i].comm);
		}
	free(ps);
	return z;
}

/* Our own children (we are a subreaper: leaked guest processes land here),
 * counting zombies named comm; kills the live ones. */
static int leftovers(const char *comm, int *zombies_named)
{
	struct proc_info *ps = calloc(MAXP, sizeof(*ps));
	int n = all_procs(ps, MAXP), left = 0;

	*zombies_named = 0;
	for (int i = 0; i < n; i++) {
		if (ps[i].ppid != getpid())
			continue;
		left++;
		if (ps[i].state == 'Z' && !strcmp(ps[i].comm, comm))
			++*zombies_named;
		kill(ps[i].pid, SIGKILL);
	}
	free(ps);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return left;
}

/* umk run ... with stdout to a pipe: its pid; *out is the read end. */
static pid_t spawn_umk(int flags, const char *const guest[], int *out)
{
	const char *argv[32];
	int p[2], n = 0;
	pid_t pid;

	argv[n++] = harness_umk();
	argv[n++] = "run";
	argv[n++] = "--root";
	argv[n++] = harness_root();
	argv[n++] = "--";
	for (int i = 0; guest[i] && n < 31; i++)
		argv[n++] = guest[i];
	argv[n] = NULL;
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(null, 2);
		if ((flags & H_UNPRIV) && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(124);
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Reads fd until its text contains want (or EOF / timeout): true if found. */
static bool read_until(int fd, char *buf, size_t len, const char *want, double timeout_s)
{
	double end = now_s() + timeout_s;
	size_t have = 0;

	buf[0] = '\0';
	while (!strstr(buf, want) && now_s() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 100) <= 0)
			continue;
		r = read(fd, buf + have, len - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
	}
	return strstr(buf, want) != NULL;
}

static void zombies_reaped(int flags)
{
	char out[4096], which[1024];
	int fd, code, z, named;
	pid_t pid = spawn_umk(flags, ARGV(G("zombies"), "reap", "200"), &fd);
	bool done = read_until(fd, out, sizeof(out), "done\n", 20);

	/* The guest sleeps 1 s after "done": look now, while umk still runs. */
	z = done ? zombies_below(pid, which, sizeof(which)) : 0;
	close(fd);
	code = wait_code(pid, 20);
	ck_assert_msg(done, "no \"done\" from the guest; stdout: %s", out);
	ck_assert_str_eq(out, "reaped 200 bad 0\ndone\n");
	ck_assert_msg(z == 0, "%d host zombies under umk after the guest reaped them:%s", z, which);
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(leftovers("zombies", &named), 0);
}

/* 200 children that exit at once and are reaped by the guest: umk reaps the
 * host processes too — no host zombie under umk while it still runs. */
START_TEST(test_zombies_reaped)
{
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	zombies_reaped(0);
	if (harness_is_root())
		zombies_reaped(H_UNPRIV);
}
END_TEST

static void zombies_left(int flags, const char *mode, const char *expect)
{
	struct run_result r;
	int before, after, left;
	double t0 = now_s();

	leftovers("zombies", &before);
	ck_assert_int_eq(h_umk(&r, flags, 30, NULL, ARGV(G("zombies"), mode, "200")), 0);
	ck_assert_msg(!r.timed_out, "umk timed out (%s)", mode);
	ck_assert_msg(r.code == 0 && !strcmp(r.out, expect), "%s: exit %d, stdout %s, stderr %s",
		      mode, r.code, r.out, r.err);
	ck_assert_msg(now_s() - t0 < 15, "%s: umk took %.1f s", mode, now_s() - t0);
	h_free(&r);
	/* Anything umk left behind was reparented to us (a subreaper). */
	left = leftovers("zombies", &after);
	ck_assert_msg(left == 0 && after <= before,
		      "%s: %d host processes left after umk exited (%d zombies named zombies)",
		      mode, left, after);
}

/* 200 children never waited for; init exits: once umk has exited no host
 * process (zombie or not) is left behind. */
START_TEST(test_zombies_unreaped)
{
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	zombies_left(0, "noreap", "forked 200\n");
	if (harness_is_root())
		zombies_left(H_UNPRIV, "noreap", "forked 200\n");
}
END_TEST

/* When init exits, the rest of its pid namespace dies with it: 200 children
 * sleeping 60 s do not keep umk (or host processes) alive. */
START_TEST(test_init_exit_kills_namespace)
{
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	zombies_left(0, "orphans", "forked 200\n");
	if (harness_is_root())
		zombies_left(H_UNPRIV, "orphans", "forked 200\n");
}
END_TEST

/* ---- 7. threads and clone3 -------------------------------------------- */

/* 4 pthreads (clone3): each has its own tid (2..5), shares the pid; joins
 * return their values; the main thread's tid is its pid. */
START_TEST(test_threads)
{
	expect_linux(ARGV(G("threads")),
		     "main: pid 1 tid==pid 1\n"
		     "thread 0: returned 100 tid!=pid 1 pid==main 1 tid 2\n"
		     "thread 1: returned 101 tid!=pid 1 pid==main 1 tid 3\n"
		     "thread 2: returned 102 tid!=pid 1 pid==main 1 tid 4\n"
		     "thread 3: returned 103 tid!=pid 1 pid==main 1 tid 5\n"
		     "counter 40000\n"
		     "main: tid==pid 1\n", 0);
}
END_TEST

/* clone3 with a bad size (EINVAL) or a nonzero tail (E2BIG), CLONE_THREAD
 * without CLONE_SIGHAND and CLONE_SIGHAND without CLONE_VM (EINVAL, clone
 * and clone3), a bad exit_signal; clone3 as a plain fork works. */
START_TEST(test_clone_errors)
{
	expect_linux(ARGV(G("threads"), "bad"),
		     "clone3 size 8: -1 EINVAL\n"
		     "clone3 size 0: -1 EINVAL\n"
		     "clone3 oversized, nonzero tail: -1 E2BIG\n"
		     "clone3 CLONE_THREAD without CLONE_SIGHAND: -1 EINVAL\n"
		     "clone3 CLONE_SIGHAND without CLONE_VM: -1 EINVAL\n"
		     "clone3 bad exit_signal: -1 EINVAL\n"
		     "clone CLONE_THREAD without CLONE_SIGHAND: -1 EINVAL\n"
		     "clone CLONE_SIGHAND without CLONE_VM: -1 EINVAL\n"
		     "clone3 child: pid 2 ppid 1\n"
		     "clone3 fork: waitpid 1 exited 9\n", 0);
}
END_TEST

/* ---- 8. vfork --------------------------------------------------------- */

/* vfork + exec of busybox applets (true, false, sh), a missing program, and a
 * child that kills itself: the parent reaps each with the right status. */
START_TEST(test_vfork_exec)
{
	expect_linux(ARGV(G("vfork_exec")),
		     "true: pid 2 exited 0\n"
		     "false: pid 3 exited 1\n"
		     "sh exit 5: pid 4 exited 5\n"
		     "child pid 5\n"
		     "sh echo: pid 5 exited 0\n"
		     "missing: pid 6 exited 127\n"
		     "kill self: pid 7 signaled 10\n", 0);
}
END_TEST

/* ---- 9. the loop is never blocked ------------------------------------- */

static void noblock(int flags)
{
	struct run_result r;
	double t0 = now_s();

	ck_assert_int_eq(h_umk(&r, flags, 20, NULL, ARGV(G("noblock"))), 0);
	ck_assert_msg(!r.timed_out, "umk timed out: one blocked guest stalled the others");
	ck_assert_msg(r.code == 0 && !strcmp(r.out, "B done\nok\n"), "exit %d, stdout %s, stderr %s",
		      r.code, r.out, r.err);
	ck_assert_msg(now_s() - t0 < 10, "took %.1f s", now_s() - t0);
	h_free(&r);
}

/* A guest blocked in read() and init blocked in waitpid() do not stop
 * another guest's 10,000 trapped getppid() calls. */
START_TEST(test_loop_not_blocked)
{
	struct run_result r;

	ck_assert_int_eq(h_native(&r, 20, ARGV(G("noblock"))), 0);
	ck_assert_str_eq(r.out, "B done\nok\n");
	h_free(&r);
	noblock(0);
	if (harness_is_root())
		noblock(H_UNPRIV);
}
END_TEST

/* ---- 10. kill --------------------------------------------------------- */

/* kill: ESRCH/EINVAL errors, kill(-pgrp) reaching a whole group, kill(-1)
 * (ESRCH alone, everyone but the sender otherwise); pid 1 ignores SIGTERM,
 * SIGKILL and SIGHUP from inside its namespace when it has no handler, but
 * gets a signal it handles. */
START_TEST(test_kill)
{
	h_expect_same(ARGV(G("killsem")));
}
END_TEST

/* ---- 11. sessions and process groups ---------------------------------- */

/* setsid/setpgid/getpgid/getsid/getpgrp: results and errors (EPERM, ESRCH,
 * EINVAL) across a child and a grandchild in another session. */
START_TEST(test_pgrp)
{
	h_expect_same(ARGV(G("pgrp")));
}
END_TEST

/* umk's init starts as the leader of session 1 and process group 1
 * (natively, under unshare, they belong to the outside and read as 0). */
START_TEST(test_init_session)
{
	h_expect_umk(ARGV(G("pgrp"), "ids"), "pid 1 pgid 1 sid 1\n", 0);
}
END_TEST

/* setpgid() on a child known to have exec'd (it wrote a line from the new
 * program) fails with EACCES, every time. (Right after vfork() returns, even
 * Linux sometimes lets it through: the parent wakes before the exec is done.) */
START_TEST(test_setpgid_after_exec)
{
	expect_linux(ARGV(G("pgrp"), "exec", "20"),
		     "setpgid after exec: EACCES 20/20, still in our group 20/20\n", 0);
}
END_TEST

/* ---- 12. execve ------------------------------------------------------- */

/* execve errors (ENOENT, EACCES for a directory and a non-executable ELF,
 * ENOTDIR, ENOEXEC, EFAULT, a missing interpreter) and #! scripts: $0 is the
 * path as given, argv follows, "#! interp arg" passes one argument. */
START_TEST(test_exec_errors)
{
	h_expect_same(ARGV(G("execerr")));
}
END_TEST

/* A #! script with no x bit fails with EACCES (umk execs the interpreter
 * itself, so it must check the script's permission as Linux does). */
START_TEST(test_exec_script_needs_x)
{
	expect_linux(ARGV(G("execerr"), "noxscript"),
		     "nonexistent: -1 ENOENT\n"
		     "nonexistent dir component: -1 ENOENT\n"
		     "empty path: -1 ENOENT\n"
		     "directory: -1 EACCES\n"
		     "file as directory: -1 ENOTDIR\n"
		     "script without x bit: -1 EACCES\n", 0);
}
END_TEST

/* Malformed executables, each with the errno Linux gives before its point
 * of no return (ENOEXEC, EIO, ELIBBAD, EACCES, ENOENT for the interpreter) or
 * the SIGSEGV it kills with after it; a well-formed one exits 42. */
START_TEST(test_exec_malformed_elf)
{
	expect_linux(ARGV(G("execelf")),
		     "well-formed: exit 42\n"
		     "empty file: ENOEXEC\n"
		     "truncated header: ENOEXEC\n"
		     "bad magic: ENOEXEC\n"
		     "ET_REL: ENOEXEC\n"
		     "wrong machine: ENOEXEC\n"
		     "wrong e_phentsize: ENOEXEC\n"
		     "zero e_phnum: ENOEXEC\n"
		     "e_phnum past a page: exit 42\n"
		     "truncated program headers: ENOEXEC\n"
		     "e_phoff past any file: ENOEXEC\n"
		     "p_filesz > p_memsz: killed by SEGV\n"
		     "segment past the top: killed by SEGV\n"
		     "wrapping segment: killed by SEGV\n"
		     "entry past the top: killed by SEGV\n"
		     "interpreter missing: ENOENT\n"
		     "interpreter is a directory: EACCES\n"
		     "interpreter shorter than a header, text: EIO\n"
		     "interpreter not ELF: ELIBBAD\n"
		     "interpreter shorter than a header: EIO\n"
		     "interpreter not executable: EACCES\n"
		     "interpreter of another machine: ELIBBAD\n"
		     "PT_INTERP of 1 byte: ENOEXEC\n"
		     "PT_INTERP past PATH_MAX: ENOEXEC\n"
		     "PT_INTERP without NUL: ENOEXEC\n"
		     "PT_INTERP past the end: EIO\n"
		     "a directory: EACCES\n"
		     "a FIFO: EACCES\n"
		     "no execute bit: EACCES\n"
		     "execelf: done\n", 0);
}
END_TEST

/* umk's loader against Linux's: the initial stack and auxv a static, a
 * static-PIE and a dynamically linked program see; argv/envp edge cases and
 * E2BIG; #! chains; execveat forms; close-on-exec; signal dispositions;
 * comm; exec from a vfork child. */
START_TEST(test_exec_image)
{
	h_expect_same(ARGV(G("exec_auxv")));
	h_expect_same(ARGV(G("exec_auxv_spie")));
	h_expect_same(ARGV(G("exec_auxv_dyn")));
}
END_TEST

/* Random mutations of an ELF image, exec'd under umk (bounded: 300, each
 * with a 1 s alarm): umk survives all of them and still loads the good one. */
START_TEST(test_exec_elf_fuzz)
{
	h_expect_umk(ARGV(G("execelf"), "fuzz", "300", "7"),
		     "fuzz: then the well-formed image: exit 42\n", 0);
}
END_TEST

/* --memory 64M: the hogs are OOM-killed (by syscalls, and by faults alone),
 * the small sibling lives, umk says whom it killed and goes on. */
START_TEST(test_exec_oom)
{
	struct run_result r;
	int flags[] = { 0, H_UNPRIV };

	for (int i = 0; i < (harness_is_root() ? 2 : 1); i++) {
		ck_assert_int_eq(h_umk(&r, flags[i], 60, ARGV("--memory", "64M"), ARGV(G("oom"))), 0);
		ck_assert_msg(!r.timed_out && r.code == 0 &&
			      !strcmp(r.out, "mmap hog: killed by KILL\n"
					     "fault hog: killed by KILL\n"
					     "small one alive: 1\n"
					     "small one: killed by TERM\n") &&
			      strstr(r.err, "umk: out of memory: killed process 3 (oom) total-vm:") &&
			      strstr(r.err, "umk: out of memory: killed process 4 (oom) total-vm:"),
			      "exit %d\n%s\nstderr:\n%s", r.code, r.out, r.err);
		h_free(&r);
	}
	/* A size umk cannot use is refused with one line and 125. */
	ck_assert_int_eq(h_umk(&r, 0, 30, ARGV("--memory", "12x"), ARGV("/bin/true")), 0);
	ck_assert_msg(r.code == 125 && strstr(r.err, "--memory wants a size"), "exit %d: %s",
		      r.code, r.err);
	h_free(&r);
}
END_TEST

/* ASLR: stack, brk, mmap and a PIE move between execs, and stay put under
 * personality(ADDR_NO_RANDOMIZE), as natively. */
/* --memory 64M: the victim is the one oom_score_adj (written through
 * /proc) makes the worst: a small +1000 before a growing 0, never -1000. */
START_TEST(test_exec_oom_adj)
{
	struct run_result r;

	ck_assert_int_eq(h_umk(&r, 0, 60, ARGV("--memory", "64M"), ARGV(G("oom"), "adj")), 0);
	ck_assert_msg(!r.timed_out && r.code == 0 &&
		      !strcmp(r.out, "small's oom_score_adj set\n"
				     "favoured victim (+1000, 4M): killed by KILL\n"
				     "grower: exit 0\n"
				     "exempt one (-1000, 24M) alive: 1\n"
				     "exempt one: killed by TERM\n") &&
		      strstr(r.err, "oom_score_adj:1000"),
		      "code %d out:\n%s\nerr:\n%s", r.code, r.out, r.err);
	h_free(&r);
}
END_TEST

/* ETXTBSY both ways, as natively. */
START_TEST(test_exec_etxtbsy)
{
	h_expect_same(ARGV(G("etxtbsy")));
}
END_TEST

START_TEST(test_exec_aslr)
{
	h_expect_same(ARGV(G("aslr")));
	h_expect_same(ARGV(G("aslr_spie")));
}
END_TEST

/* /proc/PID/exe: the guest's image, never the stub. */
START_TEST(test_exec_proc_exe)
{
	h_expect_umk(ARGV(G("procexe")),
		     "self: /usr/local/bin/procexe\n"
		     "thread-self: /usr/local/bin/procexe\n"
		     "pid 1, 8 bytes: /usr/loc\n"
		     "no such pid: ENOENT\n"
		     "bufsiz 0: EINVAL\n"
		     "through a symlink: /usr/local/bin/procexe\n"
		     "dynamic: /usr/local/bin/procexe_dyn\n"
		     "/tmp/procexe.sh: /usr/local/bin/procexe\n", 0);
}
END_TEST

/* Credentials across exec: saved ids, capabilities recomputed, AT_SECURE,
 * set-user-ID files and no_new_privs, as natively. */
START_TEST(test_exec_creds)
{
	h_expect_same(ARGV(G("credexec")));
}
END_TEST

/* execve from a non-leader thread (de_thread), as natively. */
START_TEST(test_exec_from_thread)
{
	h_expect_same(ARGV(G("threadexec")));
}
END_TEST

/* The page cache: shared read-only file pages, copied on write. */
START_TEST(test_exec_pcache_cow)
{
	h_expect_same(ARGV(G("pcache")));
}
END_TEST

/* ---- 13. the command line --------------------------------------------- */

static void cli_missing(int flags, const char *prog, int want)
{
	struct run_result r;

	ck_assert_int_eq(h_umk(&r, flags, 30, NULL, ARGV(prog)), 0);
	ck_assert_msg(r.code == want && r.out_len == 0 && count_lines(r.err) == 1 &&
			      r.err[r.err_len - 1] == '\n',
		      "umk run %s: exit %d (want %d), stdout \"%s\", stderr \"%s\"", prog, r.code,
		      want, r.out, r.err);
	h_free(&r);
}

/* A program not in the guest: exit 127 and one line on stderr (an absolute
 * path, or a name looked up in the guest's PATH); one that cannot be
 * executed: 126. */
START_TEST(test_cli_not_found)
{
	cli_missing(0, "/no/such/program", 127);
	cli_missing(0, "no-such-program", 127);
	cli_missing(0, "/etc/passwd", 126);
	if (harness_is_root()) {
		cli_missing(H_UNPRIV, "/no/such/program", 127);
		cli_missing(H_UNPRIV, "no-such-program", 127);
	}
}
END_TEST

/* --version and --help exit 0; help mentions "run"; an unknown option fails. */
START_TEST(test_cli_version_help)
{
	struct run_result r;

	ck_assert_int_eq(h_run(&r, 0, 10, NULL, ARGV(harness_umk(), "--version")), 0);
	ck_assert_msg(r.code == 0 && r.out_len > 0, "--version: exit %d, stdout %s", r.code, r.out);
	h_free(&r);
	ck_assert_int_eq(h_run(&r, 0, 10, NULL, ARGV(harness_umk(), "--help")), 0);
	ck_assert_msg(r.code == 0 && strstr(r.out, "run"), "--help: exit %d, stdout %s", r.code,
		      r.out);
	h_free(&r);
	ck_assert_int_eq(h_run(&r, 0, 10, NULL, ARGV(harness_umk(), "--no-such-option")), 0);
	ck_assert_msg(r.code != 0 && r.err_len > 0, "--no-such-option: exit %d", r.code);
	h_free(&r);
}
END_TEST

/* A nested pid namespace: pid 1 inside, and its init ignores an unhandled
 * SIGTERM from the parent namespace but not SIGKILL. */
START_TEST(test_nested_pidns)
{
	h_expect_same(ARGV("/usr/local/bin/nestedns"));
}
END_TEST

/* An orphan goes to its nearest PR_SET_CHILD_SUBREAPER ancestor, not init. */
START_TEST(test_subreaper)
{
	h_expect_same(ARGV("/usr/local/bin/subreaper"));
}
END_TEST

/* Bad pointers, flags, lengths and ids to emulated and translated calls fail
 * as on Linux, and umk survives them all. */
START_TEST(test_bad_args)
{
	h_expect_same(ARGV("/usr/local/bin/badargs"));
}
END_TEST

/* Random and hostile arguments to every call umk handles (bounded, seeded):
 * umk survives and the guest finishes. */
START_TEST(test_fuzz)
{
	h_expect_umk(ARGV("/usr/local/bin/fuzz", "7", "100"), "fuzz done\n", 0);
	h_expect_umk(ARGV("/usr/local/bin/fuzz", "1234", "100"), "fuzz done\n", 0);
}
END_TEST

/* POSIX timers, including glibc's SIGEV_THREAD (a SIGEV_THREAD_ID guest tid). */
START_TEST(test_timers)
{
	h_expect_same(ARGV("/usr/local/bin/timers"));
}
END_TEST

/* AF_UNIX pathname addresses (bind, connect, sendto, sendmsg, sendmmsg) name
 * files in the guest's view; a host-only socket path is not reachable. */
START_TEST(test_unix_sockets)
{
	h_expect_same(ARGV("/usr/local/bin/unixsock"));
}
END_TEST

/* A wait interrupted by a timer signal, held by umk or sleeping natively:
 * EINTR without SA_RESTART, restarted with it. */
START_TEST(test_wait_interrupted_by_timer)
{
	h_expect_same(ARGV("/usr/local/bin/waitintr"));
}
END_TEST

/* The same when another guest process sends the signal. */
START_TEST(test_wait_interrupted_by_kill)
{
	h_expect_same(ARGV("/usr/local/bin/waitkill"));
}
END_TEST

Suite *suite_guest(void)
{
	Suite *s = suite_create("guest");
	TCase *tc;

	tc = tcase_create("shell");
	tcase_add_test(tc, test_shell_identity);
	tcase_add_test(tc, test_shell_pids_native);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("exit");
	tcase_add_test(tc, test_exit_code);
	tcase_add_test(tc, test_exit_killed_self);
	tcase_add_test(tc, test_init_kill_self_ignored);
	tcase_add_test(tc, test_init_segv);
	tcase_add_test(tc, test_sigterm_to_umk);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("process tree");
	tcase_add_test(tc, test_fork_tree);
	tcase_add_test(tc, test_orphan_reparent);
	tcase_add_test(tc, test_vfork_exec);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("wait");
	tcase_add_test(tc, test_wait);
	tcase_add_test(tc, test_wait_pidfd);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("zombies");
	tcase_add_test(tc, test_zombies_reaped);
	tcase_add_test(tc, test_zombies_unreaped);
	tcase_add_test(tc, test_init_exit_kills_namespace);
	tcase_set_timeout(tc, 90);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_clone_errors);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("loop");
	tcase_add_test(tc, test_loop_not_blocked);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("signals and groups");
	tcase_add_test(tc, test_kill);
	tcase_add_test(tc, test_pgrp);
	tcase_add_test(tc, test_init_session);
	tcase_add_test(tc, test_setpgid_after_exec);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("exec");
	tcase_add_test(tc, test_exec_errors);
	tcase_add_test(tc, test_exec_script_needs_x);
	tcase_add_test(tc, test_exec_malformed_elf);
	tcase_add_test(tc, test_exec_image);
	tcase_add_test(tc, test_exec_pcache_cow);
	tcase_add_test(tc, test_exec_elf_fuzz);
	tcase_add_test(tc, test_exec_oom);
	tcase_add_test(tc, test_exec_oom_adj);
	tcase_add_test(tc, test_exec_etxtbsy);
	tcase_add_test(tc, test_exec_aslr);
	tcase_add_test(tc, test_exec_proc_exe);
	tcase_add_test(tc, test_exec_creds);
	tcase_add_test(tc, test_exec_from_thread);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_add_test(tc, test_cli_not_found);
	tcase_add_test(tc, test_cli_version_help);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("pidns");
	tcase_add_test(tc, test_nested_pidns);
	tcase_add_test(tc, test_subreaper);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_fuzz);
	tcase_add_test(tc, test_timers);
	tcase_add_test(tc, test_unix_sockets);
	tcase_add_test(tc, test_wait_interrupted_by_timer);
	tcase_add_test(tc, test_wait_interrupted_by_kill);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
