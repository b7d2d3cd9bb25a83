/*
 * kill(2) semantics inside a pid namespace, run as its init:
 * errors, process-group kills, kill(-1), and init's immunity to signals it
 * has no handler for when they come from inside the namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile sig_atomic_t got_usr1;

static void on_usr1(int s)
{
	(void)s;
	got_usr1 = 1;
}

static const char *en(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

static void ret(const char *what, int r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, en(errno));
	else
		printf("%s: %d\n", what, r);
}

static void reap(const char *what, pid_t pid)
{
	int st;
	pid_t r = waitpid(pid, &st, 0);

	if (r < 0) {
		printf("%s: waitpid %s\n", what, en(errno));
		return;
	}
	if (WIFEXITED(st))
		printf("%s: %d exited %d\n", what, r, WEXITSTATUS(st));
	else
		printf("%s: %d signaled %d\n", what, r, WTERMSIG(st));
}

int main(void)
{
	int p[2];
	pid_t c, g;
	char b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret("kill(999, 0)", kill(999, 0));
	ret("kill(self, 65)", kill(getpid(), 65));
	ret("kill(self, -1)", kill(getpid(), -1));
	ret("kill(1, 0)", kill(1, 0));
	ret("kill(-999, 0)", kill(-999, 0));
	ret("kill(-1, 0) alone", kill(-1, 0));

	/* a process group of two: c (leader) and its child g */
	if (pipe(p))
		return 2;
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		g = fork();
		if (g == 0) {
			close(p[0]);
			close(p[1]);	/* EOF tells init both are ready */
			for (;;)
				pause();
		}
		close(p[0]);
		close(p[1]);
		for (;;)
			pause();
	}
	setpgid(c, c);
	close(p[1]);
	while (read(p[0], &b, 1) > 0)
		;
	close(p[0]);
	ret("kill(-1, 0) with children", kill(-1, 0));
	ret("kill(-c, 0)", kill(-c, 0));
	ret("kill(-c, SIGUSR2)", kill(-c, SIGUSR2));
	reap("leader", c);
	reap("member (reparented to init)", -1);
	ret("kill(-c, 0) after", kill(-c, 0));

	/* init ignores SIGTERM and SIGKILL from its children (no handler) ... */
	c = fork();
	if (c == 0) {
		printf("child: kill(1, SIGTERM) %d\n", kill(1, SIGTERM));
		printf("child: kill(1, SIGKILL) %d\n", kill(getppid(), SIGKILL));
		printf("child: kill(-1, SIGTERM) %d\n", kill(-1, SIGTERM));
		_exit(0);
	}
	reap("signaller", c);
	usleep(100000);
	ret("init: kill(self, SIGTERM)", kill(getpid(), SIGTERM));
	ret("init: raise(SIGHUP)", raise(SIGHUP));
	usleep(100000);
	printf("init survived\n");

	/* ... but a signal it handles is delivered */
	signal(SIGUSR1, on_usr1);
	c = fork();
	if (c == 0)
		_exit(kill(1, SIGUSR1) ? 1 : 0);
	reap("usr1 sender", c);
	for (int i = 0; i < 1000 && !got_usr1; i++)
		usleep(1000);
	printf("init got SIGUSR1: %d\n", (int)got_usr1);

	/* kill(-1) from init reaches every other process but not itself */
	c = fork();
	if (c == 0)
		for (;;)
			pause();
	ret("init: kill(-1, SIGKILL)", kill(-1, SIGKILL));
	reap("killed by kill(-1)", c);
	printf("init exits\n");
	return 0;
}
