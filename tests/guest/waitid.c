/*
 * wait4 and waitid: errors, WNOHANG, P_PID/P_PGID/P_ALL/P_PIDFD, WNOWAIT,
 * exit and kill reports, stop/continue reports (waitid WSTOPPED/WCONTINUED
 * and wait4 WUNTRACED/WCONTINUED). Runs as init in a fresh pid namespace, so
 * every pid printed is deterministic.
 *   waitid        - everything but pidfds
 *   waitid pidfd  - waitid(P_PIDFD) with pidfd_open
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const char *en(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

static const char *cld(int code)
{
	static const char *names[] = { "0", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
				       "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
	return code >= 0 && code <= 6 ? names[code] : "?";
}

static void ret(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, en(errno));
	else
		printf("%s: %ld\n", what, r);
}

static void wid(const char *what, idtype_t type, id_t id, int opts)
{
	siginfo_t si;
	int r;

	memset(&si, 0x5a, sizeof(si));
	r = waitid(type, id, &si, opts);
	if (r < 0) {
		printf("%s: -1 %s\n", what, en(errno));
		return;
	}
	printf("%s: %d signo %d code %s pid %d uid %d status %d\n", what, r, si.si_signo,
	       cld(si.si_code), si.si_pid, (int)si.si_uid, si.si_status);
}

static void w4(const char *what, pid_t pid, int opts)
{
	int st = 0x5a5a;
	pid_t r = wait4(pid, &st, opts, NULL);

	if (r < 0) {
		printf("%s: -1 %s\n", what, en(errno));
		return;
	}
	if (r == 0) {
		printf("%s: 0\n", what);
		return;
	}
	printf("%s: %d", what, r);
	if (WIFEXITED(st))
		printf(" exited %d", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		printf(" signaled %d", WTERMSIG(st));
	if (WIFSTOPPED(st))
		printf(" stopped %d", WSTOPSIG(st));
	if (WIFCONTINUED(st))
		printf(" continued");
	printf("\n");
}

/* A child that waits for EOF on *gate (the parent closes the write end), then exits code. */
static pid_t gated(int gate[2], int code, int own_pgrp)
{
	pid_t c;
	char b;

	if (pipe(gate))
		_exit(2);
	c = fork();
	if (c == 0) {
		if (own_pgrp)
			setpgid(0, 0);
		close(gate[1]);
		while (read(gate[0], &b, 1) > 0)
			;
		_exit(code);
	}
	if (own_pgrp)
		setpgid(c, c);
	close(gate[0]);
	return c;
}

static pid_t child_exit(int code)
{
	pid_t c = fork();

	if (c == 0)
		_exit(code);
	return c;
}

static pid_t child_pause(void)
{
	pid_t c = fork();

	if (c == 0)
		for (;;)
			pause();
	return c;
}

/* waitid(P_PIDFD): the pidfd keeps naming the child after it exits and after it is reaped. */
static int pidfd(void)
{
	int gate[2], fd;
	pid_t c;

	c = gated(gate, 6, 0);
	fd = (int)syscall(SYS_pidfd_open, c, 0);
	printf("pidfd_open child: %s\n", fd >= 0 ? "ok" : en(errno));
	wid("waitid P_PIDFD WNOHANG", P_PIDFD, fd, WEXITED | WNOHANG);
	close(gate[1]);
	wid("waitid P_PIDFD (blocks until the exit)", P_PIDFD, fd, WEXITED);
	wid("waitid P_PIDFD reaped", P_PIDFD, fd, WEXITED);
	close(fd);

	/* The pidfd is opened while the child runs: umk reaps host processes at
	 * once, so it cannot open a pidfd for a guest zombie (see docs). */
	c = gated(gate, 8, 0);
	fd = (int)syscall(SYS_pidfd_open, c, 0);
	printf("pidfd_open child 2: %s\n", fd >= 0 ? "ok" : en(errno));
	close(gate[1]);
	wid("waitid P_PID WNOWAIT (child 2 is a zombie)", P_PID, c, WEXITED | WNOWAIT);
	wid("waitid P_PIDFD on a zombie", P_PIDFD, fd, WEXITED);
	close(fd);

	ret("pidfd_open 999", syscall(SYS_pidfd_open, 999, 0));
	wid("waitid P_PIDFD bad fd", P_PIDFD, 1000, WEXITED);
	wid("waitid P_PIDFD not a pidfd", P_PIDFD, 1, WEXITED);
	return 0;
}

int main(int argc, char **argv)
{
	int gate[2], gate2[2];
	pid_t c, c2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "pidfd"))
		return pidfd();
	printf("pid %d\n", getpid());

	/* errors */
	w4("wait4 -1 no children", -1, 0);
	w4("wait4 999 not a child", 999, 0);
	w4("wait4 INT_MIN", INT_MIN, 0);
	w4("wait4 WEXITED is not a wait4 option", -1, WEXITED);
	wid("waitid P_PID 999", P_PID, 999, WEXITED);
	wid("waitid no options", P_ALL, 0, 0);
	wid("waitid bad type", (idtype_t)42, 0, WEXITED);
	c = child_exit(0);
	wid("waitid parent of nobody", P_PID, 1, WEXITED);
	w4("wait4 reap", c, 0);

	/* WNOHANG with a running child */
	c = gated(gate, 4, 0);
	w4("wait4 WNOHANG running", -1, WNOHANG);
	wid("waitid WNOHANG running", P_ALL, 0, WEXITED | WNOHANG);
	close(gate[1]);
	w4("wait4 after release", -1, 0);

	/* exit and kill reports */
	c = child_exit(7);
	wid("waitid P_PID exit 7", P_PID, c, WEXITED);
	c = child_pause();
	kill(c, SIGKILL);
	wid("waitid SIGKILL", P_PID, c, WEXITED);
	c = child_pause();
	kill(c, SIGTERM);
	wid("waitid SIGTERM", P_ALL, 0, WEXITED);
	c = child_pause();
	kill(c, SIGUSR1);
	w4("wait4 SIGUSR1", c, 0);

	/* WNOWAIT leaves the zombie */
	c = child_exit(5);
	wid("waitid WNOWAIT", P_PID, c, WEXITED | WNOWAIT);
	wid("waitid WNOWAIT again", P_ALL, 0, WEXITED | WNOWAIT);
	w4("wait4 reaps it", c, WNOHANG);
	wid("waitid after reap", P_PID, c, WEXITED | WNOHANG);

	/* P_PGID: c in its own group, c2 in ours (exits first) */
	c = gated(gate, 11, 1);
	c2 = child_exit(12);
	wid("waitid c2 dead (WNOWAIT)", P_PID, c2, WEXITED | WNOWAIT);
	printf("getpgid(c) == c: %d\n", getpgid(c) == c);
	wid("waitid P_PGID c WNOHANG", P_PGID, c, WEXITED | WNOHANG);
	close(gate[1]);
	wid("waitid P_PGID c", P_PGID, c, WEXITED);
	wid("waitid P_PGID 0 (own group)", P_PGID, 0, WEXITED);
	c = gated(gate, 13, 1);
	c2 = gated(gate2, 14, 0);
	close(gate2[1]);
	w4("wait4 -pgid skips c2", -c, WNOHANG);
	close(gate[1]);
	w4("wait4 -pgid", -c, 0);
	w4("wait4 0 (own group)", 0, 0);
	wid("waitid P_ALL none left", P_ALL, 0, WEXITED);

	/* stop and continue */
	c = child_pause();
	kill(c, SIGSTOP);
	wid("waitid WSTOPPED", P_PID, c, WSTOPPED);
	wid("waitid WEXITED|WNOHANG while stopped", P_PID, c, WEXITED | WNOHANG);
	wid("waitid WSTOPPED|WNOHANG again", P_PID, c, WSTOPPED | WNOHANG);
	kill(c, SIGCONT);
	wid("waitid WCONTINUED", P_PID, c, WCONTINUED);
	kill(c, SIGSTOP);
	w4("wait4 WUNTRACED", c, WUNTRACED);
	w4("wait4 WUNTRACED|WNOHANG again", c, WUNTRACED | WNOHANG);
	kill(c, SIGCONT);
	w4("wait4 WCONTINUED", c, WCONTINUED);
	kill(c, SIGSTOP);
	wid("waitid WSTOPPED|WNOWAIT", P_PID, c, WSTOPPED | WNOWAIT);
	w4("wait4 WUNTRACED after WNOWAIT", c, WUNTRACED);
	kill(c, SIGKILL);
	w4("wait4 killed while stopped", c, 0);

	return 0;
}
