/*
 * Bounded fuzzing of the syscalls umk emulates or translates: random and
 * hostile arguments (0, -1, INT_MIN, huge, unmapped and kernel pointers,
 * pointers to random bytes) from throwaway child processes, each killed if it
 * hangs. umk must survive, and the run ends with "fuzz done".
 * Usage: fuzz SEED ROUNDS
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const long calls[] = {
	SYS_clone3, SYS_wait4, SYS_waitid, SYS_set_tid_address, SYS_unshare, SYS_getpid,
	SYS_getppid, SYS_gettid, SYS_getpgid, SYS_setpgid, SYS_getpgrp, SYS_getsid, SYS_setsid,
	SYS_getuid, SYS_geteuid, SYS_getresuid, SYS_getgroups, SYS_setgroups, SYS_setuid,
	SYS_setgid, SYS_setreuid, SYS_setregid, SYS_setresuid, SYS_setresgid, SYS_setfsuid,
	SYS_setfsgid, SYS_capget, SYS_capset, SYS_uname, SYS_sethostname, SYS_setdomainname,
	SYS_prctl, SYS_sysinfo, SYS_getpriority, SYS_setpriority, SYS_kill, SYS_tkill,
	SYS_tgkill, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo, SYS_prlimit64,
	SYS_sched_setaffinity, SYS_sched_getaffinity, SYS_sched_getparam,
	SYS_sched_getscheduler, SYS_get_robust_list, SYS_ioprio_set, SYS_ioprio_get,
	SYS_kcmp, SYS_pidfd_open, SYS_fcntl, SYS_ioctl, SYS_open, SYS_openat, SYS_openat2,
	SYS_creat, SYS_stat, SYS_lstat, SYS_newfstatat, SYS_statx, SYS_access, SYS_faccessat2,
	SYS_readlink, SYS_readlinkat, SYS_chdir, SYS_fchdir, SYS_getcwd, SYS_chroot,
	SYS_mkdir, SYS_mkdirat, SYS_rmdir, SYS_unlink, SYS_unlinkat, SYS_rename,
	SYS_renameat2, SYS_link, SYS_linkat, SYS_symlink, SYS_symlinkat, SYS_chmod,
	SYS_fchmodat, SYS_utimensat, SYS_truncate, SYS_statfs, SYS_getxattr,
	SYS_inotify_add_watch, SYS_fanotify_mark, SYS_execve, SYS_execveat, SYS_bind,
	SYS_connect, SYS_ptrace, SYS_mount, SYS_bpf, SYS_process_vm_readv,
};

static char junk[4096];
static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t arg(void)
{
	switch (next() % 12) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: return 0x80000000ULL;
	case 3: return next();
	case 4: return next() % 64;
	case 5: return 16;			/* unmapped */
	case 6: return 0xffff800000000000ULL;	/* kernel */
	case 7: return (uint64_t)(junk + next() % sizeof(junk));	/* random bytes */
	case 8: return (uint64_t)"/tmp/fuzz/f";
	case 9: return (uint64_t)(junk + sizeof(junk) - 1);	/* edge of a buffer */
	case 10: return (uint64_t)-100;		/* AT_FDCWD */
	default: return next() % 4096;
	}
}

static void batch(int n)
{
	for (int i = 0; i < n; i++) {
		long nr = calls[next() % (sizeof(calls) / sizeof(calls[0]))];
		uint64_t a[6];

		for (int k = 0; k < 6; k++)
			a[k] = arg();
		/* Keep the fuzzer itself alive long enough to matter. */
		if ((nr == SYS_kill || nr == SYS_tkill || nr == SYS_tgkill) && a[1] == 9)
			a[1] = 0;
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned seed = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
	int rounds = argc > 2 ? atoi(argv[2]) : 50;

	rng = 0x9e3779b97f4a7c15ULL ^ seed;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)next();
	mkdir("/tmp/fuzz", 0777);
	if (chdir("/tmp/fuzz"))
		return 1;
	for (int r = 0; r < rounds; r++) {
		pid_t c = fork();
		int st;

		if (c == 0)
			batch(200);
		for (int waited = 0; waited < 100; waited++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			if (waitpid(c, &st, WNOHANG) == c)
				goto next_round;
			nanosleep(&ts, NULL);
		}
		kill(c, SIGKILL);	/* it hung (a blocking wait, say): kill it */
		waitpid(c, &st, 0);
	next_round:
		next();
	}
	/* Reap whatever the batches forked and left (no hang: WNOHANG). */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	printf("fuzz done\n");
	return 0;
}
