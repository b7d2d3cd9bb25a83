/*
 * Host isolation probe: given a host pid the guest cannot see, every call that
 * names a process must fail with ESRCH; the never-native syscalls are refused;
 * the guest holds no host capability. Prints one line per probe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

static void probe(const char *name, long r)
{
	printf("%s %s\n", name, r < 0 ? strerrorname_np(errno) : "ok");
}

int main(int argc, char **argv)
{
	pid_t host = argc > 1 ? atoi(argv[1]) : 999999;
	struct rlimit rl;
	cpu_set_t set;
	siginfo_t si;
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	long r;
	int fd = open("/dev/null", O_RDONLY);

	/* Everything that names a process: the host pid is not the guest's. */
	probe("kill0", kill(host, 0));
	probe("kill9", kill(host, SIGKILL));
	probe("tkill", syscall(SYS_tkill, host, SIGKILL));
	probe("tgkill", syscall(SYS_tgkill, host, host, SIGKILL));
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	probe("sigqueueinfo", syscall(SYS_rt_sigqueueinfo, host, SIGKILL, &si));
	probe("pidfd_open", syscall(SYS_pidfd_open, host, 0));
	probe("prlimit", prlimit(host, RLIMIT_NOFILE, NULL, &rl));
	probe("setpriority_process", setpriority(PRIO_PROCESS, host, 10));
	probe("setpriority_pgrp", setpriority(PRIO_PGRP, host, 10));
	probe("setpriority_user", setpriority(PRIO_USER, 4242, 10));
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	probe("sched_setaffinity", sched_setaffinity(host, sizeof(set), &set));
	probe("sched_getscheduler", sched_getscheduler(host));
	probe("ioprio_set", syscall(SYS_ioprio_set, 1, host, (2 << 13) | 4));
	probe("f_setown", fcntl(fd, F_SETOWN, host));
	probe("getpgid", getpgid(host));
	probe("getsid", getsid(host));
	probe("setpgid", setpgid(host, 0));
	probe("kill_pgrp", kill(-host, SIGKILL));
	/* kill(-1) reaches every guest process but init and the caller: none here. */
	probe("kill_all", kill(-1, SIGKILL));

	/* Never native. */
	probe("ptrace", syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, host, 0, 0));
	probe("process_vm_readv", syscall(SYS_process_vm_readv, host, &iov, 1, &iov, 1, 0));
	probe("process_vm_writev", syscall(SYS_process_vm_writev, host, &iov, 1, &iov, 1, 0));
	probe("pidfd_getfd", syscall(SYS_pidfd_getfd, 3, 0, 0));
	probe("io_uring_setup", syscall(SYS_io_uring_setup, 8, buf));
	probe("userfaultfd", syscall(SYS_userfaultfd, 0));
	probe("bpf", syscall(SYS_bpf, 0, buf, 16));
	probe("perf_event_open", syscall(SYS_perf_event_open, buf, 0, -1, -1, 0));
	probe("name_to_handle_at", syscall(SYS_name_to_handle_at, AT_FDCWD, "/", buf, buf, 0));
	probe("open_by_handle_at", syscall(SYS_open_by_handle_at, fd, buf, 0));
	probe("kexec_load", syscall(SYS_kexec_load, 0, 0, 0, 0));
	probe("reboot", syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0));
	probe("mount", syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, 0));
	probe("unshare_user", syscall(SYS_unshare, CLONE_NEWUSER));
	probe("x32_getpid", syscall(0x40000000 | SYS_getpid));
	/* int 0x80 (i386 getpid = 20): not this ABI. A host without IA32
	 * emulation faults it (SIGSEGV); otherwise umk's filter fails it. */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		_exit(r == -ENOSYS ? 0 : 1);
	}
	int st;
	waitpid(c, &st, 0);
	printf("int80 %s\n", (WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
				     (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) ? "refused" : "RAN");

	/* No host capability: raising a hard limit needs CAP_SYS_RESOURCE. */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_max += 1;
	probe("raise_hard_limit", setrlimit(RLIMIT_NOFILE, &rl));
	/* The guest's own flag, as on a fresh Linux system (0); the host's,
	 * always set, is checked from the host (test_platform.c). */
	printf("no_new_privs %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	return 0;
}
