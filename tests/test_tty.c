/*
 * The terminal (src/tty.c): umk on a pseudo-terminal the test makes, as a
 * user's terminal, with keystrokes sent to it. Each case runs the same
 * keystrokes against the guest rootfs's shell natively (unshare -pf
 * --mount-proc chroot, on its own pty) and under umk; the transcripts must
 * be the same. Root only: the native half chroots.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <check.h>
#include "harness.h"

struct pty_run {
	pid_t pid;
	int fd;
	char out[65536];
	size_t len;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is there until quiet for quiet_ms, or until needle (if any)
 * has appeared count times in the whole transcript; at most limit_ms. */
static void pty_read(struct pty_run *p, const char *needle, int count, int quiet_ms, int limit_ms)
{
	long end = now_ms() + limit_ms;

	for (;;) {
		struct pollfd pf = { .fd = p->fd, .events = POLLIN };
		int n = 0;
		ssize_t r;

		if (needle) {
			for (const char *s = p->out; (s = strstr(s, needle)); s += strlen(needle))
				n++;
			if (n >= count)
				return;
		}
		if (now_ms() >= end || poll(&pf, 1, needle ? 50 : quiet_ms) < 0)
			return;
		if (!(pf.revents & (POLLIN | POLLHUP))) {
			if (!needle)
				return;	/* quiet long enough */
			continue;
		}
		r = read(p->fd, p->out + p->len, sizeof(p->out) - 1 - p->len);
		if (r <= 0)
			return;
		p->len += (size_t)r;
		p->out[p->len] = '\0';
	}
}

static void pty_start(struct pty_run *p, const char *const argv[])
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	memset(p, 0, sizeof(*p));
	p->pid = forkpty(&p->fd, NULL, NULL, &ws);
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		setenv("PS1", "$ ", 1);
		setenv("TERM", "dumb", 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
}

static int pty_end(struct pty_run *p)
{
	int st = 0;

	for (int i = 0; i < 50 && waitpid(p->pid, &st, WNOHANG) == 0; i++) {
		pty_read(p, NULL, 0, 100, 100);
		if (i == 30)
			kill(p->pid, SIGKILL);
	}
	close(p->fd);
	return st;
}

/* The keystrokes of a case: send, then read until the prompt has been
 * printed `prompts` times in all (0: until quiet). */
struct step {
	const char *keys;
	int prompts;
	int pause_ms;	/* before sending (a command must be running) */
	unsigned short rows, cols;	/* first resize the terminal to this */
};

static void run_steps(struct pty_run *p, const struct step *s)
{
	pty_read(p, "$ ", 1, 0, 10000);
	for (; s->keys; s++) {
		if (s->pause_ms)
			usleep((useconds_t)s->pause_ms * 1000);
		if (s->rows) {
			struct winsize ws = { .ws_row = s->rows, .ws_col = s->cols };

			ck_assert_int_eq(ioctl(p->fd, TIOCSWINSZ, &ws), 0);
		}
		ck_assert_int_eq(write(p->fd, s->keys, strlen(s->keys)), (ssize_t)strlen(s->keys));
		if (s->prompts)
			pty_read(p, "$ ", s->prompts, 0, 10000);
		else
			pty_read(p, NULL, 0, 300, 3000);
	}
}

static const char *const native_sh[] = { "/usr/bin/unshare", "-pf", NULL /* mount-proc */,
					 "/usr/sbin/chroot", NULL /* root */, "/bin/sh", "-i", NULL };
static char mount_proc[4200];

static void native_argv(const char *argv[8])
{
	memcpy(argv, native_sh, sizeof(native_sh));
	snprintf(mount_proc, sizeof(mount_proc), "--mount-proc=%s/proc", harness_root());
	argv[2] = mount_proc;
	argv[4] = harness_root();
}

static void umk_argv(const char *argv[10])
{
	const char *a[] = { harness_umk(), "run", "--root", harness_root(), "--env", "PS1=$ ",
			    "/bin/sh", "-i", NULL };

	memcpy(argv, a, sizeof(a));
}

/* The same keystrokes natively and under umk: the same transcript. */
static void same_session(const struct step *steps)
{
	const char *nargv[8], *uargv[10];
	static struct pty_run nat, umk;

	if (!harness_is_root())
		return;	/* the native half needs chroot */
	native_argv(nargv);
	umk_argv(uargv);
	pty_start(&nat, nargv);
	run_steps(&nat, steps);
	pty_end(&nat);
	pty_start(&umk, uargv);
	run_steps(&umk, steps);
	pty_end(&umk);
	ck_assert_msg(!strcmp(nat.out, umk.out),
		      "umk's terminal session differs from Linux's\n--- native:\n%s\n--- umk:\n%s",
		      nat.out, umk.out);
}

START_TEST(test_tty_ctrl_c)
{
	static const struct step s[] = {
		{ "sleep 100\n", 0, 0 }, { "\003", 2, 300 }, { "echo rc=$?\n", 3, 0 },
		{ "exit\n", 0, 0 }, { NULL, 0, 0 },
	};

	same_session(s);
}
END_TEST

START_TEST(test_tty_ctrl_z)
{
	static const struct step s[] = {
		{ "sleep 100\n", 0, 0 }, { "\032", 2, 300 }, { "jobs\n", 3, 0 },
		/* One line, so that the job's end is reported before the
		 * prompt, whatever the timing; the sleep lets the job die
		 * before wait starts (else ash says "Terminated" there). */
		{ "bg\n", 4, 0 }, { "kill %1; sleep 1; wait %1; echo rc=$?\n", 5, 0 },
		{ "exit\n", 0, 0 }, { NULL, 0, 0 },
	};

	same_session(s);
}
END_TEST

/* Ctrl-C reaches the foreground job only: a background sleep survives. */
START_TEST(test_tty_ctrl_c_foreground_only)
{
	static const struct step s[] = {
		{ "sleep 3 &\n", 2, 0 }, { "sleep 100\n", 0, 0 }, { "\003", 3, 300 },
		{ "jobs\n", 4, 0 }, { "wait; echo rc=$?\n", 5, 0 }, { "exit\n", 0, 0 },
		{ NULL, 0, 0 },
	};

	same_session(s);
}
END_TEST

/* A background cat that reads the terminal stops with SIGTTIN; fg gives
 * it the terminal, a line, Ctrl-D. (The shell sleeps meanwhile, so that
 * the stop is reported before the next prompt whatever the timing.) */
START_TEST(test_tty_ttin)
{
	static const struct step s[] = {
		{ "cat & sleep 1\n", 2, 0 }, { "jobs\n", 3, 0 }, { "fg\n", 0, 0 },
		{ "hello\n", 0, 300 }, { "\004", 4, 300 }, { "exit\n", 0, 0 }, { NULL, 0, 0 },
	};

	same_session(s);
}
END_TEST

/* With stty tostop, a background write stops with SIGTTOU; without, it
 * goes through. */
START_TEST(test_tty_ttou)
{
	static const struct step s[] = {
		{ "stty tostop\n", 2, 0 }, { "/bin/echo hi & sleep 1\n", 3, 0 },
		{ "jobs\n", 4, 0 }, { "fg\n", 5, 0 },
		{ "stty -tostop; /bin/echo x & wait\n", 6, 0 }, { "exit\n", 0, 0 },
		{ NULL, 0, 0 },
	};

	same_session(s);
}
END_TEST

/* busybox less and vi draw, redraw after a resize, and quit (the same
 * screen updates as natively). */
START_TEST(test_tty_less_vi)
{
	static const struct step s[] = {
		{ "less /etc/passwd\n", 0, 0, 0, 0 }, { "", 0, 300, 10, 40 }, { "q", 2, 0, 0, 0 },
		{ "vi /etc/hostname\n", 0, 0, 0, 0 }, { "", 0, 300, 30, 100 },
		{ ":q\n", 3, 0, 0, 0 }, { "exit\n", 0, 0, 0, 0 }, { NULL, 0, 0, 0, 0 },
	};

	same_session(s);
}
END_TEST

/* A resize of the user's terminal reaches the guest as SIGWINCH. */
START_TEST(test_tty_winch)
{
	const char *nargv[8], *uargv[10];
	struct winsize ws = { .ws_row = 40, .ws_col = 100 };
	static struct pty_run p;

	if (!harness_is_root())
		return;
	for (int k = 0; k < 2; k++) {
		native_argv(nargv);
		umk_argv(uargv);
		nargv[5] = uargv[6] = "/usr/local/bin/winch";
		nargv[6] = uargv[7] = NULL;
		pty_start(&p, k ? uargv : nargv);
		pty_read(&p, "size", 1, 0, 10000);
		usleep(200 * 1000);
		ck_assert_int_eq(ioctl(p.fd, TIOCSWINSZ, &ws), 0);
		pty_read(&p, "\n", 2, 0, 6000);
		pty_end(&p);
		ck_assert_msg(strstr(p.out, "size 24 80") && strstr(p.out, "winch 40 100"),
			      "%s: %s", k ? "umk" : "native", p.out);
	}
}
END_TEST

/* umk puts the user's terminal in raw mode; SIGTERM to umk restores it. */
START_TEST(test_tty_restored_after_sigterm)
{
	const char *uargv[10];
	struct termios before, during, after;
	static struct pty_run p;

	umk_argv(uargv);
	uargv[6] = "/bin/sleep";
	uargv[7] = "100";
	pty_start(&p, uargv);
	ck_assert_int_eq(tcgetattr(p.fd, &before), 0);
	/* Raw mode: no echo, no line editing, no signals from keys. */
	for (int i = 0; i < 100; i++) {
		usleep(20 * 1000);
		ck_assert_int_eq(tcgetattr(p.fd, &during), 0);
		if (!(during.c_lflag & (ICANON | ECHO | ISIG)))
			break;
	}
	ck_assert_msg(!(during.c_lflag & (ICANON | ECHO | ISIG)), "umk left the terminal cooked");
	kill(p.pid, SIGTERM);
	for (int i = 0; i < 100 && waitpid(p.pid, NULL, WNOHANG) == 0; i++) {
		pty_read(&p, NULL, 0, 50, 50);
		if (i == 80)
			kill(p.pid, SIGKILL);
	}
	/* The master still holds the terminal's modes. */
	ck_assert_int_eq(tcgetattr(p.fd, &after), 0);
	close(p.fd);
	ck_assert_msg(after.c_lflag == before.c_lflag && after.c_iflag == before.c_iflag &&
		      after.c_oflag == before.c_oflag, "umk did not restore the terminal's modes");
}
END_TEST

/* The user's terminal hangs up (its master closes) while a job runs: the
 * shell dies of SIGHUP natively; umk exits with 128 + SIGHUP, the guests'
 * status as umk reports it, at once. */
START_TEST(test_tty_hangup)
{
	const char *nargv[8], *uargv[10];
	static struct pty_run p;
	int st[2];

	if (!harness_is_root())
		return;
	native_argv(nargv);
	umk_argv(uargv);
	for (int k = 0; k < 2; k++) {
		long t0;

		pty_start(&p, k ? uargv : nargv);
		pty_read(&p, "$ ", 1, 0, 10000);
		ck_assert_int_eq(write(p.fd, "sleep 100\n", 10), 10);
		pty_read(&p, NULL, 0, 300, 1000);
		close(p.fd);
		t0 = now_ms();
		for (int i = 0; i < 100 && waitpid(p.pid, &st[k], WNOHANG) == 0; i++)
			usleep(50 * 1000);
		ck_assert_msg(now_ms() - t0 < 5000, "%s did not end at the hangup",
			      k ? "umk" : "the native shell");
	}
	ck_assert_msg(WIFSIGNALED(st[0]) && WTERMSIG(st[0]) == SIGHUP, "native: status %#x", st[0]);
	ck_assert_msg(WIFEXITED(st[1]) && WEXITSTATUS(st[1]) == 128 + SIGHUP, "umk: status %#x",
		      st[1]);
}
END_TEST

/* A guest's own pty: /dev/ptmx, the slave as a child's controlling
 * terminal, a line, the interrupt character, a resize. Natively the chroot
 * gets the host's /dev (rbind, in a mount namespace of its own). */
START_TEST(test_tty_guest_pty)
{
	char cmd[8400];
	const char *root = harness_root();
	struct run_result nat, umk;

	if (!harness_is_root())
		return;
	snprintf(cmd, sizeof(cmd),
		 "mount --rbind /dev %s/dev && exec /usr/sbin/chroot %s /usr/local/bin/ptyguest",
		 root, root);
	snprintf(mount_proc, sizeof(mount_proc), "--mount-proc=%s/proc", root);
	ck_assert_int_eq(h_run(&nat, 0, 30, NULL, ARGV("/usr/bin/unshare", "-pfm", mount_proc,
							  "/bin/sh", "-c", cmd)), 0);
	ck_assert_msg(nat.code == 0 && strstr(nat.out, "child: exited 0"), "native: %s%s", nat.out,
		      nat.err);
	ck_assert_int_eq(h_umk(&umk, 0, 30, NULL, ARGV("/usr/local/bin/ptyguest")), 0);
	h_check_same_output("ptyguest", &nat, &umk);
	h_free(&nat);
	h_free(&umk);
}
END_TEST

/* No terminal: an interactive shell reads its commands from a pipe, and
 * job control is off (the same words on stderr as natively). */
START_TEST(test_tty_none)
{
	static const char in[] = "echo hi\nfalse\necho done $?\n";
	struct run_result nat, umk;
	const char *nargv[8];

	if (!harness_is_root())
		return;
	native_argv(nargv);
	/* The native shell gets the same prompt through busybox env. */
	nargv[5] = "/usr/bin/env";
	nargv[6] = "PS1=$ ";
	nargv[7] = NULL;
	{
		const char *a[10];

		memcpy(a, nargv, 7 * sizeof(*a));
		a[7] = "/bin/sh";
		a[8] = "-i";
		a[9] = NULL;
		ck_assert_int_eq(h_run(&nat, 0, 30, in, a), 0);
	}
	ck_assert_int_eq(h_run(&umk, 0, 30, in, ARGV(harness_umk(), "run", "--root", harness_root(),
						      "--env", "PS1=$ ", "/bin/sh", "-i")), 0);
	ck_assert_msg(!strcmp(nat.out, umk.out) && !strcmp(nat.err, umk.err) && nat.code == umk.code,
		      "--- native (%d):\n%s%s--- umk (%d):\n%s%s", nat.code, nat.out, nat.err,
		      umk.code, umk.out, umk.err);
	h_free(&nat);
	h_free(&umk);
}
END_TEST

Suite *suite_tty(void)
{
	Suite *s = suite_create("tty");
	TCase *tc = tcase_create("tty");

	tcase_add_test(tc, test_tty_ctrl_c);
	tcase_add_test(tc, test_tty_ctrl_z);
	tcase_add_test(tc, test_tty_ctrl_c_foreground_only);
	tcase_add_test(tc, test_tty_ttin);
	tcase_add_test(tc, test_tty_ttou);
	tcase_add_test(tc, test_tty_less_vi);
	tcase_add_test(tc, test_tty_winch);
	tcase_add_test(tc, test_tty_restored_after_sigterm);
	tcase_add_test(tc, test_tty_hangup);
	tcase_add_test(tc, test_tty_guest_pty);
	tcase_add_test(tc, test_tty_none);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
