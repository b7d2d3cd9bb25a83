/*
 * A guest pty: open /dev/ptmx, run a child on the slave as its controlling
 * terminal, and talk to it through the master: a line in cooked mode, the
 * interrupt character (SIGINT from the line discipline), a resize
 * (SIGWINCH). Then a job-control session on a second pty: background
 * reads and writes (SIGTTIN, SIGTTOU with TOSTOP) with the signals default,
 * ignored or blocked, tcsetpgrp from the background and its errors, a
 * foreground job, SIGIO to a process group, an orphaned group's read,
 * the leader's exit. Prints what each side saw; run
 * by tests/test_tty.c natively and under umk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <sys/socket.h>
#include <sys/wait.h>

static volatile sig_atomic_t got_int, got_winch;

static void h(int s)
{
	if (s == SIGINT)
		got_int = 1;
	else
		got_winch = 1;
}

/* Read from the master until want appears (3 s at most); print the lines. */
static void expect(int m, const char *want)
{
	static char buf[4096];
	static size_t len;
	struct pollfd p = { .fd = m, .events = POLLIN };

	while (!strstr(buf, want) && poll(&p, 1, 3000) > 0) {
		ssize_t n = read(m, buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	{
		char *at = strstr(buf, want);

		printf("%s: %s\n", want, at ? "seen" : "MISSING");
		/* What came after it stays for the next expect. */
		if (at) {
			at += strlen(want);
			len = strlen(at);
			memmove(buf, at, len + 1);
		} else {
			len = 0;
			buf[0] = '\0';
		}
	}
}

/* ---- job control on a pty: background reads and writes, tcsetpgrp ---- */

static int res = -1;	/* where the session's findings go */

static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(res, buf, (size_t)n) < 0)
		_exit(9);
}

static const char *how(int st)
{
	static char b[64];

	if (WIFSTOPPED(st))
		snprintf(b, sizeof(b), "stopped by %s", sigabbrev_np(WSTOPSIG(st)));
	else if (WIFSIGNALED(st))
		snprintf(b, sizeof(b), "killed by %s", sigabbrev_np(WTERMSIG(st)));
	else if (WEXITSTATUS(st) >= 100)
		snprintf(b, sizeof(b), "failed with %s", strerrorname_np(WEXITSTATUS(st) - 100));
	else
		snprintf(b, sizeof(b), "exited %d", WEXITSTATUS(st));
	return b;
}

enum { DFL, IGN, BLOCK };

static void dispose(int sig, int mode)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	signal(sig, mode == IGN ? SIG_IGN : SIG_DFL);	/* not the session's */
	if (mode == BLOCK)
		sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Exit 0 on success, 100 + errno on failure. */
static _Noreturn void result(long r)
{
	_exit(r < 0 ? 100 + errno : 0);
}

/* A background job of one process (its own group) doing op on s. */
static void job(int s, const char *what, int sig, int mode, int op)
{
	int st;
	pid_t g = fork();

	if (g == 0) {
		char c;

		setpgid(0, 0);
		dispose(sig, mode);
		if (op == 0)
			result(read(s, &c, 1));
		if (op == 1)
			result(write(s, "w", 1));
		result(tcsetpgrp(s, getpgrp()));
	}
	setpgid(g, g);
	waitpid(g, &st, WUNTRACED);
	say("%s, %s %s: %s\n", what, sigabbrev_np(sig),
	    mode == DFL ? "default" : mode == IGN ? "ignored" : "blocked", how(st));
	if (WIFSTOPPED(st)) {
		kill(g, SIGKILL);
		waitpid(g, &st, 0);
	}
}

static volatile sig_atomic_t got_io;

static void on_io(int sig)
{
	(void)sig;
	got_io = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	say("the foreground job got SIGHUP when the leader exited\n");
	_exit(0);
}

static void jobctl_session(const char *name)
{
	struct termios tio;
	int s, st, v;
	pid_t g;

	setsid();
	/* A session leader with no terminal takes the first pty slave it opens
	 * without O_NOCTTY. */
	s = open(name, O_RDWR | O_NOCTTY);
	say("opened with O_NOCTTY, it is my terminal: %s\n", tcgetsid(s) == getpid() ? "yes" : "no");
	close(s);
	s = open(name, O_RDWR);
	say("opened without, it is my terminal: %s\n", tcgetsid(s) == getpid() ? "yes" : "no");
	if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		_exit(2);
	/* The group and session numbers are the guest's own. */
	say("foreground is my group: %s\n", tcgetpgrp(s) == getpgrp() ? "yes" : "no");
	say("TIOCGSID is my session: %s\n",
	    ioctl(s, TIOCGSID, &v) == 0 && v == getsid(0) ? "yes" : "no");
	/* The shell's own setup: it ignores SIGTTOU to hand the terminal out. */
	signal(SIGTTOU, SIG_IGN);

	for (int mode = DFL; mode <= BLOCK; mode++)
		job(s, "background read", SIGTTIN, mode, 0);
	job(s, "background write, no TOSTOP", SIGTTOU, DFL, 1);
	tcgetattr(s, &tio);
	tio.c_lflag |= TOSTOP;
	tcsetattr(s, TCSANOW, &tio);
	for (int mode = DFL; mode <= BLOCK; mode++)
		job(s, "background write, TOSTOP", SIGTTOU, mode, 1);
	for (int mode = DFL; mode <= BLOCK; mode++)
		job(s, "background tcsetpgrp", SIGTTOU, mode, 2);
	/* The last one took the terminal: the foreground is its group (gone
	 * now), and a shell takes it back with SIGTTOU ignored. */
	say("take the terminal back: %s\n", tcsetpgrp(s, getpgrp()) == 0 ? "ok" : strerror(errno));

	/* A foreground job: tcsetpgrp to it, it reads, gets the terminal's line. */
	if ((g = fork()) == 0) {
		char line[32] = "";

		setpgid(0, 0);
		while (tcgetpgrp(s) != getpgrp())
			usleep(1000);
		usleep(100 * 1000);	/* after its parent's report */
		say("the job sees itself in the foreground\n");
		if (read(s, line, sizeof(line) - 1) > 0)
			say("foreground job read: %s", line);
		_exit(0);
	}
	setpgid(g, g);
	v = tcsetpgrp(s, g) == 0 ? 0 : errno;
	say("tcsetpgrp to the job: %s, tcgetpgrp names it: %s\n", v ? strerror(v) : "ok",
	    tcgetpgrp(s) == g ? "yes" : "no");
	waitpid(g, &st, 0);
	say("foreground job: %s\n", how(st));
	tcsetpgrp(s, getpgrp());

	/* tcsetpgrp's own errors. */
	errno = 0;
	v = tcsetpgrp(s, 99999);
	say("tcsetpgrp to no group: %s\n", v ? strerrorname_np(errno) : "ok");
	v = tcsetpgrp(s, 1);
	say("tcsetpgrp to a group of another session: %s\n", v ? strerrorname_np(errno) : "ok");
	v = -5;
	v = ioctl(s, TIOCSPGRP, &v);
	say("TIOCSPGRP -5: %s\n", v ? strerrorname_np(errno) : "ok");

	/* SIGIO to a process group: an owner only a host group can be. */
	{
		struct f_owner_ex ex = { 0 };
		int pp[2];

		signal(SIGIO, on_io);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pp) < 0)
			_exit(3);
		v = fcntl(pp[0], F_SETOWN, -getpgrp());
		say("F_SETOWN to my group: %s\n", v ? strerrorname_np(errno) : "ok");
		fcntl(pp[0], F_GETOWN_EX, &ex);
		say("F_GETOWN_EX: %s, %s\n", ex.type == F_OWNER_PGRP ? "a group" : "not a group",
		    ex.pid == getpgrp() ? "mine" : "another");
		fcntl(pp[0], F_SETFL, O_ASYNC | O_NONBLOCK);
		if (write(pp[1], "x", 1) != 1)
			_exit(3);
		for (int i = 0; i < 1000 && !got_io; i++)
			usleep(1000);
		say("SIGIO to my group: %s\n", got_io ? "yes" : "no");
		v = 0;
		ioctl(pp[0], FIOGETOWN, &v);
		say("FIOGETOWN: %s\n", v == -getpgrp() ? "minus my group" : "another");
		v = -99999;
		v = ioctl(pp[0], FIOSETOWN, &v);
		say("FIOSETOWN to no group: %s\n", v ? strerrorname_np(errno) : "ok");
		signal(SIGIO, SIG_IGN);
		close(pp[0]);
		close(pp[1]);
	}

	/* An orphaned group: its reads fail with EIO, it is not stopped. */
	{
		int done[2];
		char c;

		if (pipe(done) < 0)
			_exit(3);
		if ((g = fork()) == 0) {
			int p[2];
			pid_t h;

			setpgid(0, 0);
			if (pipe(p) < 0)
				_exit(3);
			if ((h = fork()) == 0) {
				close(p[1]);
				read(p[0], &c, 1);	/* until g is gone */
				while (getppid() == g)
					usleep(1000);
				errno = 0;
				v = (int)read(s, &c, 1);
				say("orphaned group's background read: %s\n",
				    v < 0 ? strerrorname_np(errno) : "succeeded");
				_exit(0);	/* closes done[1]: the leader goes on */
			}
			_exit(0);	/* closes p[1]: h goes on */
		}
		close(done[1]);
		waitpid(g, &st, 0);
		/* h is pid 1's now: wait for its report. */
		read(done[0], &c, 1);
		close(done[0]);
	}

	/* The leader's exit: a pty's foreground group gets SIGHUP. */
	{
		int sync[2];
		char c;

		if (pipe(sync) < 0)
			_exit(3);
		if ((g = fork()) == 0) {
			setpgid(0, 0);
			signal(SIGHUP, on_hup);
			while (tcgetpgrp(s) != getpgrp())
				usleep(1000);
			if (write(sync[1], "r", 1) != 1)
				_exit(3);
			alarm(5);
			for (;;)
				pause();
		}
		setpgid(g, g);
		tcsetpgrp(s, g);
		close(sync[1]);
		if (read(sync[0], &c, 1) != 1)
			_exit(3);
	}
	_exit(0);
}

int main(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), st;
	struct winsize ws = { .ws_row = 30, .ws_col = 90 };
	char *name;
	pid_t c;

	if (m < 0 || grantpt(m) || unlockpt(m) || !(name = ptsname(m))) {
		printf("ptmx: %s\n", strerror(errno));
		return 1;
	}
	printf("slave under /dev/pts: %s\n", !strncmp(name, "/dev/pts/", 9) ? "yes" : "no");
	if ((c = fork()) == 0) {
		struct sigaction sa = { .sa_handler = h };
		char line[64];
		int s;

		setsid();
		s = open(name, O_RDWR);
		if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(2);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGWINCH, &sa, NULL);
		printf("tty is mine: %s, foreground: %s\n",
		       ttyname(0) && !strcmp(ttyname(0), name) ? "yes" : "no",
		       tcgetpgrp(0) == getpgrp() ? "yes" : "no");
		printf("ready\n");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin))
			printf("got: %s", line);
		fflush(stdout);
		while (!got_int)
			pause();
		printf("child: SIGINT\n");
		fflush(stdout);
		while (!got_winch)
			pause();
		ioctl(0, TIOCGWINSZ, &ws);
		printf("child: SIGWINCH %ux%u\n", ws.ws_row, ws.ws_col);
		fflush(stdout);
		_exit(0);
	}
	expect(m, "tty is mine: yes, foreground: yes");
	expect(m, "ready");
	write(m, "hello\n", 6);
	expect(m, "got: hello");
	write(m, "\003", 1);
	expect(m, "child: SIGINT");
	ioctl(m, TIOCSWINSZ, &ws);
	expect(m, "child: SIGWINCH 30x90");
	waitpid(c, &st, 0);
	printf("child: %s %d\n", WIFEXITED(st) ? "exited" : "killed",
	       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));

	/* Group ioctls on what is not a terminal or socket: ENOTTY first. */
	{
		int pp[2], neg = -5;

		if (pipe(pp) < 0)
			return 1;
		printf("TIOCSPGRP on a pipe, bad pointer: %s\n",
		       ioctl(pp[0], TIOCSPGRP, (void *)8) ? strerrorname_np(errno) : "ok");
		printf("TIOCSPGRP on a pipe, -5: %s\n",
		       ioctl(pp[0], TIOCSPGRP, &neg) ? strerrorname_np(errno) : "ok");
		printf("FIOSETOWN on a pipe, bad pointer: %s\n",
		       ioctl(pp[0], FIOSETOWN, (void *)8) ? strerrorname_np(errno) : "ok");
		printf("TIOCSPGRP on the master, bad pointer: %s\n",
		       ioctl(m, TIOCSPGRP, (void *)8) ? strerrorname_np(errno) : "ok");
		close(pp[0]);
		close(pp[1]);
	}

	/* A second pty, a job-control session on it. */
	{
		int m2 = posix_openpt(O_RDWR | O_NOCTTY), p[2];
		char buf[4096];
		size_t len = 0;
		ssize_t n;

		if (m2 < 0 || grantpt(m2) || unlockpt(m2) || !(name = ptsname(m2)) || pipe(p))
			return 1;
		fflush(stdout);
		if ((c = fork()) == 0) {
			close(p[0]);
			res = p[1];
			jobctl_session(name);
		}
		close(p[1]);
		/* The foreground job's line, once it is in the foreground. */
		for (;;) {
			struct pollfd pf = { .fd = p[0], .events = POLLIN };

			/* Until every writer is gone; a long silence (a loaded
			 * machine) is not the end. */
			if (poll(&pf, 1, 20000) <= 0)
				break;
			n = read(p[0], buf + len, sizeof(buf) - 1 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			buf[len] = '\0';
			if (strstr(buf, "sees itself in the foreground\n") && !strstr(buf, "job read")) {
				if (write(m2, "line\n", 5) != 5)
					return 1;
			}
		}
		fputs(buf, stdout);
		waitpid(c, &st, 0);
		/* The orphan was pid 1's: reap it. */
		while (waitpid(-1, &st, 0) > 0)
			;
		printf("job-control session: %s\n", how(st));
	}
	return 0;
}
