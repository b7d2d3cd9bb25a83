/*
 * Bad pointers, flags, lengths and ids to the calls umk emulates or
 * translates: each must fail as on Linux, and umk must survive all of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define BAD ((void *)16)		/* never mapped */
#define KERNEL ((void *)0xffff800000000000UL)

static void show(const char *what, long r)
{
	printf("%-28s %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

int main(void)
{
	char big[5000];
	int st;
	pid_t c;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* Paths */
	show("open bad ptr", syscall(SYS_open, BAD, O_RDONLY));
	show("open kernel ptr", syscall(SYS_open, KERNEL, O_RDONLY));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	show("open too long", syscall(SYS_open, big, O_RDONLY));
	show("openat bad dirfd", syscall(SYS_openat, 999, "x", O_RDONLY));
	show("openat file as dirfd", syscall(SYS_openat, 1, "x", O_RDONLY));
	show("openat2 bad size", syscall(SYS_openat2, AT_FDCWD, "/", BAD, 3));
	show("openat2 bad how", syscall(SYS_openat2, AT_FDCWD, "/", BAD, 24));
	show("stat bad buf", syscall(SYS_stat, "/", BAD));
	show("rename bad new", syscall(SYS_rename, "/tmp/nothing", BAD));
	show("chdir bad", syscall(SYS_chdir, BAD));
	show("chdir to file", syscall(SYS_chdir, "/bin/busybox"));
	show("getcwd bad buf", syscall(SYS_getcwd, BAD, 100));
	show("getcwd size 1", syscall(SYS_getcwd, big, 1));
	show("execve bad path", syscall(SYS_execve, BAD, NULL, NULL));
	show("execve bad argv", syscall(SYS_execve, "/bin/true", BAD, NULL));
	show("execveat bad flags", syscall(SYS_execveat, AT_FDCWD, "/bin/true", NULL, NULL, 0x4));
	/* Ids and identity */
	show("uname bad", syscall(SYS_uname, BAD));
	show("getresuid bad", syscall(SYS_getresuid, BAD, BAD, BAD));
	show("getgroups negative", syscall(SYS_getgroups, -1, big));
	show("getgroups bad", syscall(SYS_getgroups, 1, BAD));
	show("setgroups bad", syscall(SYS_setgroups, 1, BAD));
	show("sethostname too long", syscall(SYS_sethostname, "x", 65));
	show("sethostname negative", syscall(SYS_sethostname, "x", -1));
	show("sethostname bad", syscall(SYS_sethostname, BAD, 5));
	show("capget bad", syscall(SYS_capget, BAD, BAD));
	show("setuid -1", syscall(SYS_setuid, -1));
	/* Processes */
	show("wait4 bad options", syscall(SYS_wait4, -1, NULL, 0x00100000, NULL));
	show("waitid bad idtype", syscall(SYS_waitid, 42, 0, NULL, WEXITED, NULL));
	show("waitid no options", syscall(SYS_waitid, P_ALL, 0, NULL, 0, NULL));
	show("waitid P_PID 0", syscall(SYS_waitid, P_PID, 0, NULL, WEXITED, NULL));
	c = fork();
	if (c == 0)
		_exit(3);
	/* Linux reaps the child, then fails the status copy. */
	show("wait4 bad status", syscall(SYS_wait4, c, BAD, 0, NULL));
	show("wait4 after", syscall(SYS_wait4, c, &st, WNOHANG, NULL));
	c = fork();
	if (c == 0)
		_exit(4);
	show("waitid bad infop", syscall(SYS_waitid, P_PID, c, BAD, WEXITED, NULL));
	show("clone3 bad ptr", syscall(SYS_clone3, BAD, sizeof(struct clone_args)));
	show("clone3 huge size", syscall(SYS_clone3, big, 8192));
	show("clone bad exit signal", syscall(SYS_clone, CLONE_THREAD, NULL, NULL, NULL, 0));
	show("kill bad signal", syscall(SYS_kill, 1, 65));
	show("kill negative signal", syscall(SYS_kill, 1, -1));
	show("tgkill bad tid", syscall(SYS_tgkill, 1, 0, SIGUSR1));
	show("tgkill wrong tgid", syscall(SYS_tgkill, 2, 1, 0));
	show("sigqueueinfo bad info", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, BAD));
	show("setpgid negative", syscall(SYS_setpgid, 0, -5));
	show("getpgid missing", syscall(SYS_getpgid, 77777));
	show("prlimit missing", syscall(SYS_prlimit64, 77777, RLIMIT_NOFILE, NULL, big));
	show("pidfd_open 0", syscall(SYS_pidfd_open, 0, 0));
	show("pidfd_open negative", syscall(SYS_pidfd_open, -3, 0));
	show("set_tid_address bad", syscall(SYS_set_tid_address, BAD) > 0 ? 0 : -1);
	show("prctl pdeathsig 99", syscall(SYS_prctl, PR_SET_PDEATHSIG, 99, 0, 0, 0));
	show("prctl get subreaper bad", syscall(SYS_prctl, PR_GET_CHILD_SUBREAPER, BAD, 0, 0, 0));
	show("unshare bad flag", syscall(SYS_unshare, 0x1));
	printf("still alive: pid %d\n", getpid());
	return 0;
}
