/* Syscall handlers, by subsystem. Each returns a result, -errno or SYSC_*. */
#ifndef UMK_HANDLERS_H
#define UMK_HANDLERS_H

#include "task.h"

#define H(name) long sys_##name(struct task *t, struct sysc *sc)

/* fork.c */
H(fork); H(vfork); H(clone); H(clone3); H(set_tid_address); H(unshare);
/* exit.c */
H(wait4); H(waitid);
/* sys.c */
H(getpid); H(getppid); H(gettid); H(getpgid); H(setpgid); H(getpgrp); H(getsid);
H(setsid); H(uname); H(sethostname); H(setdomainname); H(prctl); H(sysinfo);
H(getpriority); H(setpriority);
/* cred.c */
H(getuid); H(geteuid); H(getgid); H(getegid); H(getresuid); H(getresgid);
H(getgroups); H(setgroups); H(setuid); H(setgid); H(setreuid); H(setregid);
H(setresuid); H(setresgid); H(setfsuid); H(setfsgid); H(capget); H(capset);
/* signal.c */
H(kill); H(tkill); H(tgkill); H(rt_sigqueueinfo); H(rt_tgsigqueueinfo);
H(rt_sigaction); H(rt_sigprocmask); H(rt_sigpending); H(sigaltstack);
H(rt_sigreturn); H(pause); H(rt_sigsuspend); H(rt_sigtimedwait);
H(ppoll); H(pselect6); H(epoll_pwait); H(io_pgetevents); H(arch_prctl); H(pidfd_send_signal); H(timer_getoverrun); H(timer_settime); H(timer_delete); H(signalfd); H(signalfd4);
/* pidarg.c: pid-taking calls the host runs once the pid is translated */
H(pid_arg0); H(prlimit64); H(ioprio_set); H(ioprio_get); H(kcmp); H(pidfd_open);
H(fcntl); H(ioctl); H(timer_create);
/* fs_open.c, fs_stat.c, fs_dir.c, fs_attr.c, fs.c: paths */
H(open); H(openat); H(openat2); H(creat); H(access); H(chdir); H(fchdir);
H(getcwd); H(chroot); H(umask);
H(stat); H(fstat); H(statx); H(readlink); H(statfs);
H(mkdir); H(mknod); H(rmdir); H(unlink); H(rename2); H(link2); H(symlink);
H(chmod); H(chown); H(utimensat); H(truncate); H(xattr);
H(fanotify_mark); H(inotify_add_watch); H(sockaddr); H(sendto); H(sendmsg);
H(sendmmsg);
/* fdtable.c */
H(fd_guard); H(close_range); H(getrlimit); H(setrlimit);
long prlimit_nofile(struct task *t, struct sysc *sc, struct process *p);
/* mmap.c, mremap.c, madvise.c */
H(mmap); H(munmap); H(mprotect); H(pkey_mprotect); H(brk); H(mremap); H(madvise);
H(shmat); H(shmdt);
/* mlock.c */
H(mlock); H(mlock2); H(munlock); H(mlockall); H(munlockall);
/* exec.c */
H(execve); H(execveat); H(personality);

#undef H
#endif
