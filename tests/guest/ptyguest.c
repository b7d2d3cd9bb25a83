/*
 * A guest pty: open /dev/ptmx, run a child on the slave as its controlling
 * terminal, and talk to it through the master: a line in cooked mode, the
 * interrupt character (SIGINT from the line discipline), a resize
 * (SIGWINCH). Prints what each side saw; run by tests/test_tty.c natively
 * and under umk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
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
	return 0;
}
