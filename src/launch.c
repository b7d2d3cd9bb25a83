/*
 * Starting the guest's first process.
 *
 * The child waits on a pipe until umk has seized it (a SECCOMP_RET_TRACE
 * with no tracer attached would fail the syscall with ENOSYS), then gives up
 * every host privilege it could have, sets no_new_privs, installs the filter,
 * and execs the guest program — an execve that traps to umk like any other.
 *
 * Before that it takes umk's reserved descriptors (mm.h): the scratch memfd
 * at UMK_FD_SCRATCH, which stays across every guest execve, and, for a
 * moment, the filter's user-notification listener at UMK_FD_LISTENER, which
 * umk takes over (pidfd_getfd) at the guest's first syscall. Its fd limit
 * goes above the reserved numbers; umk brings the soft limit back down to
 * what the guest may use once it has the listener.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/capability.h>
#include <linux/securebits.h>
#include "umk/exec.h"
#include "umk/inject.h"
#include "umk/jobctl.h"
#include "umk/pcache.h"
#include "umk/launch.h"
#include "umk/tty.h"
#include "umk/mm.h"
#include "umk/mount.h"
#include "umk/task.h"
#include "umk/seccomp.h"
#include "umk/umk.h"

#define PTRACE_OPTIONS (PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXIT | \
			PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
			PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD)

/*
 * Host capabilities: none, now or after any exec. As root that means locking
 * the securebits (no root magic on exec or setuid), emptying the bounding set
 * and every capability set; as any user, no_new_privs.
 */
static int drop_privileges(void)
{
	cap_t caps;

	if (prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0) == 1 &&
	    cap_get_bound(CAP_SETPCAP) == 1) {
		cap_value_t c;
		cap_flag_value_t have = CAP_CLEAR;
		cap_t cur = cap_get_proc();

		if (cur)
			cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &have);
		cap_free(cur);
		if (have == CAP_SET) {
			if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
				  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
				  SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0) < 0)
				return -errno;
			for (c = 0; c <= CAP_LAST_CAP; c++)
				if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
					return -errno;
		}
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	caps = cap_init();
	if (!caps)
		return -ENOMEM;
	if (cap_set_proc(caps) < 0) {
		cap_free(caps);
		return -errno;
	}
	cap_free(caps);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

#define UMK_FD_LISTENER (UMK_FD_BASE + 3)

/* The guest's own RLIMIT_NOFILE: umk's, capped below the reserved numbers. */
static struct rlimit guest_nofile;

static int reserve_fds(void)
{
	struct rlimit rl = { UMK_FD_BASE + UMK_FD_COUNT, UMK_FD_BASE + UMK_FD_COUNT };

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (dup2(mm_scratch_guest_fd(), UMK_FD_SCRATCH) < 0)
		return -errno;
	/* The exec stub stays open across every exec (exec.h). */
	if (dup2(exec_stub_fd(), UMK_FD_STUB) < 0)
		return -errno;
	/* And the page cache (pcache.h), read-only. */
	if (dup2(pcache_guest_fd(), UMK_FD_PCACHE) < 0)
		return -errno;
	/* And the directories of the guest's mounts (mount.h). */
	return mount_install_fds();
}

static _Noreturn void child(int sync_fd, int err_fd, const char *path, char *const argv[],
			    char *const envp[], const sigset_t *mask)
{
	char c;
	int r, e, listener = -1;

	while (read(sync_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(sync_fd);
	/* The host's view of every guest thread: default dispositions and an
	 * empty mask, so that every host signal reaches a delivery stop. The
	 * guest's own mask and dispositions are umk's (signal.c). Except:
	 *  - SIGCHLD is ignored, so that a guest, host parent of its guest
	 *    children, releases each at once when umk has reaped it (fork.c);
	 *  - SIGTTIN and SIGTTOU are blocked where the guest ignores or blocks
	 *    them, for the terminal's verdicts (jobctl.c).
	 * The first guest is a host child subreaper: orphans come back to it,
	 * as to pid 1, and their groups keep a parent in the session. */
	(void)mask;
	for (int s = 1; s <= 64; s++) {
		/* Raw: glibc's sigaction refuses its own 32 and 33. */
		uint64_t ka[4] = { 0, 0, 0, 0 };	/* SIG_DFL */

		if (s == SIGCHLD)
			ka[0] = 1;	/* SIG_IGN */
		if (s != SIGKILL && s != SIGSTOP)
			syscall(SYS_rt_sigaction, s, ka, NULL, 8);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	{
		uint64_t tt = jobctl_initial_mask(kernel.init_blocked, kernel.init_ignored);

		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &tt, NULL, 8);
	}
	if ((r = tty_child()) < 0) {
		errno = -r;
		goto fail;
	}
	if (chdir(config.root[0] ? config.root : "/") < 0)
		goto fail;
	umask(kernel.init_umask);
	if ((r = reserve_fds()) < 0) {
		errno = -r;
		goto fail;
	}
	if ((r = drop_privileges()) < 0) {
		errno = -r;
		goto fail;
	}
	if ((r = seccomp_load_built(&listener)) < 0) {
		errno = -r;
		goto fail;
	}
	/* Close-on-exec: it is gone from the guest once its execve succeeds. */
	if (listener < 0 || dup3(listener, UMK_FD_LISTENER, O_CLOEXEC) < 0)
		goto fail;
	close(listener);
	execve(path, argv, envp);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(UMK_EXIT_FAILURE);
	_exit(UMK_EXIT_CANNOT_EXEC);
}

pid_t launch_init(const char *guest_path, char *const argv[], char *const envp[],
		  const sigset_t *orig_mask, int *err_fd)
{
	int sync[2], err[2];
	pid_t pid;

	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &guest_nofile) < 0)
		return -1;
	if (guest_nofile.rlim_max > UMK_NOFILE_MAX)
		guest_nofile.rlim_max = UMK_NOFILE_MAX;
	if (guest_nofile.rlim_cur > guest_nofile.rlim_max)
		guest_nofile.rlim_cur = guest_nofile.rlim_max;
	/* The filter is compiled here, in umk, before the fork: the child
	 * only loads it. */
	{
		int r = seccomp_build(config.trace >= 2);

		if (r < 0) {
			errno = -r;
			return -1;
		}
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(sync[1]);
		close(err[0]);
		child(sync[0], err[1], guest_path, argv, envp, orig_mask);
	}
	close(sync[0]);
	close(err[1]);
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_OPTIONS) < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		close(sync[1]);
		close(err[0]);
		errno = e;
		return -1;
	}
	if (write(sync[1], "g", 1) != 1) {
		kill(pid, SIGKILL);
		return -1;
	}
	close(sync[1]);
	*err_fd = err[0];
	return pid;
}

/*
 * At the first guest's first syscall: take the listener out of it, and give
 * it the fd limits a guest has.
 */
void launch_adopt(struct task *t)
{
	struct rlimit rl = guest_nofile;
	int pfd = (int)syscall(SYS_pidfd_open, t->host_tid, 0), l = -1;

	if (pfd >= 0) {
		l = (int)syscall(SYS_pidfd_getfd, pfd, UMK_FD_LISTENER, 0);
		close(pfd);
	}
	if (l < 0)
		umk_die(UMK_EXIT_FAILURE, "cannot take the seccomp listener from the guest: %s",
			strerror(errno));
	fcntl(l, F_SETFD, FD_CLOEXEC);
	inject_set_listener(l);
	rl.rlim_max = UMK_FD_BASE + UMK_FD_COUNT;
	prlimit(t->host_tid, RLIMIT_NOFILE, &rl, NULL);
	t->proc->nofile_max = guest_nofile.rlim_max;
}
