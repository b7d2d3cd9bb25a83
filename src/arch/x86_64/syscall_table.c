/*
 * The x86-64 syscall table: how umk treats every syscall number.
 *
 * N native (seccomp ALLOW)      E emulated by umk
 * T translated, then native     D denied with an errno, never reaches the host
 * Numbers missing here are SC_UNKNOWN: trapped, ENOSYS, logged once by name.
 *
 * Path-taking syscalls share sys_path_at, which finds the path and dirfd
 * positions from the argument kinds ('f' dirfd, 's' path) in this table.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include "umk/syscall.h"
#include "umk/handlers.h"

#define N(nm, a)	[SYS_##nm] = { #nm, SC_NATIVE, NULL, a, 0, NULL }
#define NN(nm, a, n)	[SYS_##nm] = { #nm, SC_NATIVE, NULL, a, 0, n }
#define E(nm, fn, a)	[SYS_##nm] = { #nm, SC_EMULATED, sys_##fn, a, 0, NULL }
#define EN(nm, fn, a, n) [SYS_##nm] = { #nm, SC_EMULATED, sys_##fn, a, 0, n }
#define T(nm, fn, a)	[SYS_##nm] = { #nm, SC_TRANSLATED, sys_##fn, a, 0, NULL }
#define TN(nm, fn, a, n) [SYS_##nm] = { #nm, SC_TRANSLATED, sys_##fn, a, 0, n }
#define D(nm, err, a, n) [SYS_##nm] = { #nm, SC_DENIED, NULL, a, err, n }

const struct syscall_desc syscall_table[SYSCALL_MAX] = {
	/* I/O on open descriptors: native, never trapped. */
	N(read, "ipu"), N(write, "ipu"), T(close, fd_guard, "i"), T(fstat, fstat, "ip"), N(poll, "pud"),
	N(lseek, "idd"), N(pread64, "ipud"), N(pwrite64, "ipud"), N(readv, "ipd"),
	N(writev, "ipd"), N(preadv, "ipdd"), N(pwritev, "ipdd"), N(preadv2, "ipddx"),
	N(pwritev2, "ipddx"), N(pipe, "p"), N(pipe2, "px"), N(select, "dpppp"),
	TN(pselect6, pselect6, "dppppp", "native without a signal mask"), TN(ppoll, ppoll, "pupp", "native without a signal mask"), T(dup, fd_guard, "i"), T(dup2, fd_guard, "ii"),
	T(dup3, fd_guard, "iix"), N(sendfile, "iipu"), N(flock, "ix"), N(fsync, "i"),
	N(fdatasync, "i"), N(ftruncate, "id"), N(getdents, "ipu"), N(getdents64, "ipu"),
	N(fchmod, "io"), N(fchown, "idd"), T(umask, umask, "o"), N(fstatfs, "ip"),
	N(readahead, "idu"), N(fsetxattr, "ispux"), N(fgetxattr, "ispu"),
	N(flistxattr, "ipu"), N(fremovexattr, "is"), N(fadvise64, "iddd"),
	N(sync, ""), N(syncfs, "i"), N(sync_file_range, "iddx"), N(fallocate, "ixdd"),
	N(splice, "ipipux"), N(tee, "iiux"), N(vmsplice, "ipux"),
	N(copy_file_range, "ipipux"), T(close_range, close_range, "uux"), N(epoll_create, "d"),
	N(epoll_create1, "x"), N(epoll_ctl, "ixip"), N(epoll_wait, "ipdd"),
	TN(epoll_pwait, epoll_pwait, "ipddp", "native without a signal mask"), TN(epoll_pwait2, epoll_pwait, "ipdpp", "native without a signal mask"), N(eventfd, "u"),
	N(eventfd2, "ux"), N(timerfd_create, "dx"), N(timerfd_settime, "ixpp"),
	N(timerfd_gettime, "ip"), EN(signalfd, signalfd, "ipu", "a pipe umk writes the records into"), EN(signalfd4, signalfd4, "ipux", "a pipe umk writes the records into"),
	N(inotify_init, ""), N(inotify_init1, "x"), N(inotify_rm_watch, "id"),
	N(memfd_create, "sx"), N(io_setup, "up"), N(io_destroy, "x"),
	N(io_getevents, "xddpp"), N(io_submit, "xdp"), N(io_cancel, "xpp"),
	TN(io_pgetevents, io_pgetevents, "xddppp", "native without a signal mask"), N(fanotify_init, "xx"), N(getrandom, "pux"),

	/* Sockets. bind/connect name AF_UNIX paths: translated. */
	N(socket, "ddd"), N(socketpair, "dddp"), N(accept, "ipp"), N(accept4, "ippx"),
	N(listen, "id"), N(shutdown, "id"), N(getsockname, "ipp"), N(getpeername, "ipp"),
	N(setsockopt, "iddpu"), N(getsockopt, "iddpp"),
	TN(sendto, sendto, "ipuxpu", "trapped only with a destination; AF_UNIX paths resolved"),
	TN(sendmsg, sendmsg, "ipx", "AF_UNIX msg_name paths resolved in the guest's root"),
	TN(sendmmsg, sendmmsg, "ipux", "AF_UNIX msg_name paths resolved in the guest's root"),
	N(recvfrom, "ipuxpp"), N(recvmsg, "ipx"),
	N(recvmmsg, "ipuxp"),
	TN(bind, sockaddr, "ipu", "AF_UNIX paths resolved in the guest's root"),
	TN(connect, sockaddr, "ipu", "AF_UNIX paths resolved in the guest's root"),

	/* Memory: umk owns every address space (mmap.c); these change mappings. */
	E(mmap, mmap, "pxxxid"), E(mprotect, mprotect, "pux"), E(munmap, munmap, "pu"),
	E(brk, brk, "p"), E(mremap, mremap, "puuxp"), E(madvise, madvise, "pud"),
	E(pkey_mprotect, pkey_mprotect, "puxd"), T(shmat, shmat, "dpx"), T(shmdt, shmdt, "p"),
	N(msync, "pux"), N(mincore, "pup"),
	E(mlock, mlock, "pu"), E(munlock, munlock, "pu"), E(mlockall, mlockall, "x"),
	E(munlockall, munlockall, ""),
	E(mlock2, mlock2, "pux"), N(remap_file_pages, "puddx"),
	N(pkey_alloc, "xx"), N(pkey_free, "d"), N(mbind, "puxpux"),
	N(set_mempolicy, "dpu"), N(get_mempolicy, "ppupx"), N(membarrier, "dxd"),
	N(memfd_secret, "x"), N(set_mempolicy_home_node, "puux"),
	NN(process_madvise, "ipudx", "only through a pidfd the guest holds"),
	NN(process_mrelease, "ix", "only through a pidfd the guest holds"),

	/* Signals: umk's own state and frames (signal*.c). Timers run on the
	 * host; their signals are caught at delivery stops and queued by umk. */
	E(rt_sigaction, rt_sigaction, "Sppu"), E(rt_sigprocmask, rt_sigprocmask, "dppu"),
	E(rt_sigreturn, rt_sigreturn, ""),
	E(rt_sigpending, rt_sigpending, "pu"), E(rt_sigtimedwait, rt_sigtimedwait, "pppu"),
	E(rt_sigsuspend, rt_sigsuspend, "pu"),
	E(sigaltstack, sigaltstack, "pp"), E(pause, pause, ""), N(alarm, "u"), N(getitimer, "dp"),
	N(setitimer, "dpp"),
	TN(timer_create, timer_create, "dpp", "a SIGEV_THREAD_ID tid is translated"), TN(timer_settime, timer_settime, "dxpp", "drops the timer's pending signal, as Linux 6.13+"),
	N(timer_gettime, "dp"), TN(timer_getoverrun, timer_getoverrun, "d", "the overrun of the signal umk delivered"), TN(timer_delete, timer_delete, "d", "drops the timer's pending signal"),
	E(pidfd_send_signal, pidfd_send_signal, "iSpx"),
	E(kill, kill, "dS"), E(tkill, tkill, "dS"), E(tgkill, tgkill, "ddS"),
	E(rt_sigqueueinfo, rt_sigqueueinfo, "dSp"),
	E(rt_tgsigqueueinfo, rt_tgsigqueueinfo, "ddSp"),
	N(restart_syscall, ""),

	/* Time, scheduling of self, misc process-local state. */
	N(nanosleep, "pp"), N(clock_nanosleep, "dxpp"), N(gettimeofday, "pp"),
	N(time, "p"), N(clock_gettime, "dp"), N(clock_getres, "dp"),
	N(settimeofday, "pp"), N(clock_settime, "dp"), N(adjtimex, "p"),
	N(clock_adjtime, "dp"), N(sched_yield, ""), N(sched_get_priority_max, "d"),
	N(sched_get_priority_min, "d"), N(getcpu, "ppp"), T(getrlimit, getrlimit, "dp"),
	T(setrlimit, setrlimit, "dp"), N(getrusage, "dp"), N(times, "p"), T(personality, personality, "x"),
	TN(arch_prctl, arch_prctl, "xx", "ARCH_REQ_XCOMP_PERM is seen by umk (signal frame size)"), N(set_thread_area, "p"), N(get_thread_area, "p"),
	N(modify_ldt, "dpu"), N(futex, "pdupd"), N(futex_waitv, "pudpd"),
	N(set_robust_list, "pu"), N(rseq, "puxx"), N(seccomp, "dxp"),
	N(exit, "d"), N(exit_group, "d"), N(ustat, "xp"), N(sysfs, "dxx"),
	N(vhangup, ""), N(_sysctl, "p"), N(quotactl_fd, "ixdp"),
	N(landlock_create_ruleset, "pux"), N(landlock_add_rule, "idpx"),
	N(landlock_restrict_self, "ix"),

	/* SysV and POSIX IPC: native until the ipc namespace. */
	N(shmget, "dux"), N(shmctl, "ddp"),
	N(semget, "ddx"), N(semop, "dpu"), N(semtimedop, "dpup"), N(semctl, "dddx"),
	N(msgget, "dx"), N(msgsnd, "dpux"), N(msgrcv, "dpudx"), N(msgctl, "ddp"),
	N(mq_open, "sxop"), N(mq_unlink, "s"), N(mq_timedsend, "ipuup"),
	N(mq_timedreceive, "ipupp"), N(mq_notify, "ip"), N(mq_getsetattr, "ipp"),

	/* Process lifecycle and ids: emulated over virtual pids. */
	E(fork, fork, ""), E(vfork, vfork, ""), E(clone, clone, "cpppp"),
	E(clone3, clone3, "pu"), E(wait4, wait4, "dpwp"), E(waitid, waitid, "ddpwp"),
	T(set_tid_address, set_tid_address, "p"), T(unshare, unshare, "c"),
	E(getpid, getpid, ""), E(getppid, getppid, ""), E(gettid, gettid, ""),
	E(getpgid, getpgid, "d"),
	EN(setpgid, setpgid, "dd", "umk's tree; also on the host in a session there (jobctl.c)"),
	E(getpgrp, getpgrp, ""), E(getsid, getsid, "d"),
	EN(setsid, setsid, "", "umk's tree; also on the host, whose session then mirrors it"),
	E(getuid, getuid, ""), E(geteuid, geteuid, ""), E(getgid, getgid, ""),
	E(getegid, getegid, ""), E(getresuid, getresuid, "ppp"),
	E(getresgid, getresgid, "ppp"), E(getgroups, getgroups, "dp"),
	E(setgroups, setgroups, "dp"), E(setuid, setuid, "d"), E(setgid, setgid, "d"),
	E(setreuid, setreuid, "dd"), E(setregid, setregid, "dd"),
	E(setresuid, setresuid, "ddd"), E(setresgid, setresgid, "ddd"),
	E(setfsuid, setfsuid, "d"), E(setfsgid, setfsgid, "d"),
	E(capget, capget, "pp"), E(capset, capset, "pp"),
	E(uname, uname, "p"), E(sethostname, sethostname, "pd"),
	E(setdomainname, setdomainname, "pd"), TN(prctl, prctl, "dxxxx", "subreaper, pdeathsig, dumpable, capbset, securebits, name emulated; other options native"),
	TN(sysinfo, sysinfo, "p", "procs counts guest tasks"),
	T(getpriority, getpriority, "dd"), T(setpriority, setpriority, "ddd"),

	/* Pid-taking calls the host runs once the pid is translated. */
	T(prlimit64, prlimit64, "ddpp"), T(sched_setaffinity, pid_arg0, "dup"),
	T(sched_getaffinity, pid_arg0, "dup"), T(sched_setparam, pid_arg0, "dp"),
	T(sched_getparam, pid_arg0, "dp"), T(sched_setscheduler, pid_arg0, "ddp"),
	T(sched_getscheduler, pid_arg0, "d"), T(sched_rr_get_interval, pid_arg0, "dp"),
	T(sched_setattr, pid_arg0, "dpx"), T(sched_getattr, pid_arg0, "dpux"),
	T(get_robust_list, pid_arg0, "dpp"), T(migrate_pages, pid_arg0, "dupp"),
	T(move_pages, pid_arg0, "dupppx"), T(ioprio_set, ioprio_set, "ddx"),
	T(ioprio_get, ioprio_get, "dd"), T(kcmp, kcmp, "ddduu"),
	T(pidfd_open, pidfd_open, "dx"),
	TN(fcntl, fcntl, "idx", "F_SETOWN/F_GETOWN(_EX) owners (pids, mirrored groups) translated; others native"),
	TN(ioctl, ioctl, "ixp", "TIOC[GS]PGRP, TIOCGSID, FIO/SIOC owners translated; others native"),

	/* Paths: walked by umk on the guest's mount table (namei.c). Opens run
	 * natively beneath the mount's descriptor; the rest umk runs itself on
	 * the directory its walk holds. */
	T(open, open, "sxo"), T(openat, openat, "fsxo"), T(openat2, openat2, "fspu"),
	T(creat, creat, "so"), E(stat, stat, "sp"), E(lstat, stat, "sp"),
	T(newfstatat, stat, "fspx"), T(statx, statx, "fsxxp"),
	E(access, access, "so"), E(faccessat, access, "fso"),
	E(faccessat2, access, "fsox"), E(readlink, readlink, "spu"),
	T(readlinkat, readlink, "fspu"), E(chdir, chdir, "s"), E(fchdir, fchdir, "i"),
	E(getcwd, getcwd, "pu"), E(chroot, chroot, "s"), E(mkdir, mkdir, "so"),
	E(mkdirat, mkdir, "fso"), E(mknod, mknod, "sox"), E(mknodat, mknod, "fsox"),
	E(rmdir, rmdir, "s"), E(unlink, unlink, "s"), E(unlinkat, unlink, "fsx"),
	E(rename, rename2, "ss"), E(renameat, rename2, "fsfs"),
	E(renameat2, rename2, "fsfsx"), E(link, link2, "ss"), E(linkat, link2, "fsfsx"),
	E(symlink, symlink, "ps"), E(symlinkat, symlink, "pfs"), E(chmod, chmod, "so"),
	E(fchmodat, chmod, "fso"), E(chown, chown, "sdd"), E(lchown, chown, "sdd"),
	T(fchownat, chown, "fsddx"), E(utime, utimensat, "sp"), E(utimes, utimensat, "sp"),
	T(futimesat, utimensat, "fsp"), T(utimensat, utimensat, "fspx"),
	E(truncate, truncate, "sd"), E(statfs, statfs, "sp"),
	E(setxattr, xattr, "sspux"), E(lsetxattr, xattr, "sspux"),
	E(getxattr, xattr, "sspu"), E(lgetxattr, xattr, "sspu"),
	E(listxattr, xattr, "spu"), E(llistxattr, xattr, "spu"),
	E(removexattr, xattr, "ss"), E(lremovexattr, xattr, "ss"),
	T(inotify_add_watch, inotify_add_watch, "isx"),
	T(fanotify_mark, fanotify_mark, "ixxfs"),
	T(execve, execve, "spp"), T(execveat, execveat, "fsppx"),

	/* Never native: they reach past the guest's own processes or the host. */
	D(ptrace, EPERM, "dddp", "tracing by guests comes with the gdb work"),
	D(process_vm_readv, EPERM, "dpupux", NULL), D(process_vm_writev, EPERM, "dpupux", NULL),
	D(pidfd_getfd, EPERM, "iix", NULL), D(io_uring_setup, ENOSYS, "up", NULL),
	D(io_uring_enter, ENOSYS, "iuuxp", NULL), D(io_uring_register, ENOSYS, "iupu", NULL),
	D(userfaultfd, EPERM, "x", NULL), D(bpf, EPERM, "dpu", NULL),
	D(perf_event_open, EACCES, "pddix", NULL), D(kexec_load, EPERM, "upux", NULL),
	D(kexec_file_load, EPERM, "iiups", NULL), D(reboot, EPERM, "xxxp", NULL),
	D(mount, EPERM, "sssxp", "the mount table is set at start-up (--bind, --ro, --tmpfs)"),
	D(umount2, EPERM, "sx", NULL), D(pivot_root, EPERM, "ss", NULL),
	D(name_to_handle_at, EOPNOTSUPP, "fsppx", NULL),
	D(open_by_handle_at, EPERM, "ipx", NULL), D(swapon, EPERM, "sx", NULL),
	D(swapoff, EPERM, "s", NULL), D(init_module, EPERM, "pus", NULL),
	D(finit_module, EPERM, "isx", NULL), D(delete_module, EPERM, "sx", NULL),
	D(iopl, EPERM, "d", NULL), D(ioperm, EPERM, "uud", NULL), D(acct, EPERM, "s", NULL),
	D(syslog, EPERM, "dpd", "the host's kernel log is not the guest's"),
	D(setns, EPERM, "id", NULL), D(open_tree, EPERM, "fsx", NULL),
	D(move_mount, EPERM, "fsfsx", NULL), D(fsopen, EPERM, "sx", NULL),
	D(fsconfig, EPERM, "ixspd", NULL), D(fsmount, EPERM, "ixx", NULL),
	D(fspick, EPERM, "fsx", NULL), D(mount_setattr, EPERM, "fsxpu", NULL),
	D(quotactl, EPERM, "xsdp", NULL), D(lookup_dcookie, EPERM, "xpu", NULL),
	D(add_key, ENOSYS, "sspui", "host keyrings are shared with the host user"),
	D(request_key, ENOSYS, "sssi", NULL), D(keyctl, ENOSYS, "dxxxx", NULL),
	D(uselib, ENOSYS, "s", NULL), D(nfsservctl, ENOSYS, "", NULL),
	D(create_module, ENOSYS, "", NULL), D(get_kernel_syms, ENOSYS, "", NULL),
	D(query_module, ENOSYS, "", NULL), D(getpmsg, ENOSYS, "", NULL),
	D(putpmsg, ENOSYS, "", NULL), D(afs_syscall, ENOSYS, "", NULL),
	D(tuxcall, ENOSYS, "", NULL), D(security, ENOSYS, "", NULL),
	D(vserver, ENOSYS, "", NULL), D(epoll_ctl_old, ENOSYS, "", NULL),
	D(epoll_wait_old, ENOSYS, "", NULL),
};

const struct syscall_desc *syscall_lookup(long nr)
{
	if (nr < 0 || nr >= SYSCALL_MAX)
		return NULL;
	return &syscall_table[nr];
}

const char *syscall_name(long nr)
{
	static char buf[32];

	if (nr >= 0 && nr < SYSCALL_MAX && syscall_names[nr])
		return syscall_names[nr];
	snprintf(buf, sizeof(buf), "syscall_%ld", nr);
	return buf;
}
