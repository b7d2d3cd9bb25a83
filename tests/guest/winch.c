/*
 * Window size on the controlling terminal: prints it, waits (5 s at most)
 * for SIGWINCH, prints the new one. Run on a pty by tests/test_tty.c.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

static void show(const char *what)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		printf("%s %u %u\n", what, ws.ws_row, ws.ws_col);
	else
		printf("%s: no size\n", what);
	fflush(stdout);
}

int main(void)
{
	struct timespec to = { 5, 0 };
	sigset_t m;

	sigemptyset(&m);
	sigaddset(&m, SIGWINCH);
	sigprocmask(SIG_BLOCK, &m, NULL);
	show("size");
	if (sigtimedwait(&m, NULL, &to) == SIGWINCH)
		show("winch");
	else
		printf("no SIGWINCH\n");
	return 0;
}
