/*
 * Sessions and process groups: setsid, setpgid, getpgid, getsid, getpgrp.
 * Runs as init of a fresh pid namespace.
 *   pgrp       - the checks (deterministic output)
 *   pgrp ids   - print init's pid, pgid and sid as it starts
 *   pgrp exec [N] - setpgid() on a child that has exec'd, N times
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static const char *en(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

static void ret(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, en(errno));
	else
		printf("%s: %ld\n", what, r);
}

static void reap(pid_t c)
{
	int st;

	if (waitpid(c, &st, 0) != c)
		printf("waitpid: %s\n", en(errno));
	else if (WIFEXITED(st))
		printf("child %d exited %d\n", c, WEXITSTATUS(st));
	else
		printf("child %d signaled %d\n", c, WTERMSIG(st));
}

/*
 * setpgid() on a child that has exec'd fails with EACCES. The child execs a
 * shell that writes a line to a pipe, so the parent knows the exec happened
 * (after vfork() returns the child may not be quite done: even Linux can still
 * let setpgid() through then). Tried n times.
 */
static int after_exec(int n)
{
	int eacces = 0, same_group = 0;

	for (int i = 0; i < n; i++) {
		int p[2];
		char b;
		pid_t g;

		if (pipe(p))
			return 2;
		g = fork();
		if (g == 0) {
			dup2(p[1], 1);
			close(p[0]);
			close(p[1]);
			execl("/bin/sh", "sh", "-c", "echo x; exec sleep 10", (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		if (read(p[0], &b, 1) != 1)
			printf("no line from the child\n");
		close(p[0]);
		if (setpgid(g, 0) < 0 && errno == EACCES)
			eacces++;
		if (getpgid(g) == getpgrp())
			same_group++;
		kill(g, SIGKILL);
		waitpid(g, NULL, 0);
	}
	printf("setpgid after exec: EACCES %d/%d, still in our group %d/%d\n", eacces, n,
	       same_group, n);
	return 0;
}

int main(int argc, char **argv)
{
	int p[2], q[2];
	pid_t c, g;
	char b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return after_exec(argc > 2 ? atoi(argv[2]) : 20);
	if (argc > 1 && !strcmp(argv[1], "ids")) {
		printf("pid %d pgid %d sid %d\n", getpid(), getpgid(0), getsid(0));
		return 0;
	}
	/*
	 * Natively our group and session are outside the namespace (they read
	 * as 0) and setsid() succeeds; umk starts its init as a session and
	 * group leader (setsid() fails with EPERM). Either way, from here on
	 * init leads session 1 and group 1.
	 */
	setsid();
	ret("init setsid() again", setsid());
	ret("init getpgid(0)", getpgid(0));
	ret("init getpgid(1)", getpgid(1));
	ret("init getsid(0)", getsid(0));
	ret("getpgid(999)", getpgid(999));
	ret("getsid(999)", getsid(999));
	ret("setpgid(999, 0)", setpgid(999, 0));
	ret("setpgid(0, -1)", setpgid(0, -1));
	ret("init setpgid(0, 0) as session leader", setpgid(0, 0));

	/* a child: its own group, then a new session for a grandchild */
	c = fork();
	if (c == 0) {
		ret("child getpgid(0)", getpgid(0));
		ret("child getsid(0)", getsid(0));
		ret("child setpgid(0, 0)", setpgid(0, 0));
		ret("child getpgrp()", getpgrp());
		ret("child setsid() as group leader", setsid());
		ret("child setpgid(0, 1) back to init's group", setpgid(0, 1));
		ret("child getpgrp()", getpgrp());
		ret("child setpgid(1, 1) not own child", setpgid(1, 1));
		g = fork();
		if (g == 0) {
			ret("grandchild setsid()", setsid());
			ret("grandchild getsid(0)", getsid(0));
			ret("grandchild getpgid(0)", getpgid(0));
			ret("grandchild setpgid(0, 1) other session", setpgid(0, 1));
			ret("grandchild getsid(1)", getsid(1));
			_exit(0);
		}
		reap(g);
		ret("child getsid(g) reaped", getsid(g));
		g = fork();
		if (g == 0) {
			setsid();
			pause();
			_exit(0);
		}
		/* wait until g is in its own session */
		for (int i = 0; i < 5000 && getsid(g) != g; i++)
			usleep(1000);
		ret("child getsid(g) live", getsid(g));
		ret("child setpgid(g, g) other session", setpgid(g, g));
		kill(g, SIGKILL);
		reap(g);
		_exit(0);
	}
	reap(c);

	/* setpgid on a child: fine before it execs, EACCES after */
	if (pipe(p) || pipe(q))
		return 2;
	c = fork();
	if (c == 0) {
		close(p[1]);
		close(q[1]);
		while (read(p[0], &b, 1) > 0)
			;
		if (dup2(q[0], 0) < 0)
			_exit(3);
		execl("/bin/cat", "cat", (char *)NULL);	/* reads q: blocks */
		_exit(127);
	}
	close(p[0]);
	close(q[0]);
	ret("setpgid(c, c) before exec", setpgid(c, c));
	ret("getpgid(c)", getpgid(c));
	close(p[1]);
	close(q[1]);	/* cat sees EOF */
	reap(c);
	return 0;
}
