/*
 * The terminal: when umk runs in the foreground of a terminal, the guests
 * get a pseudo-terminal of umk's, and umk relays it to the user's terminal,
 * which it puts in raw mode (and restores however umk exits, a crash
 * included; not after SIGKILL).
 *
 * The first guest is, on the host, the leader of a new session whose
 * controlling terminal is the pty's slave; the guests' process groups are
 * host ones there (jobctl.c). Keystrokes reach the pty's line discipline,
 * which signals the pty's foreground group: the guests' foreground job.
 * umk's own SIGWINCH copies the window size to the pty, whose line
 * discipline then signals the guests. Without the relay the guests share
 * umk's host group and terminal, and umk drops a keyboard signal for a
 * guest outside its session's foreground group (tty_signal_dropped).
 *
 * No keystroke reaches a host process outside the guests: in raw mode the
 * user's terminal sends umk bytes, not signals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>
#include "umk/fs.h"
#include "umk/inject.h"
#include "umk/jobctl.h"
#include "umk/mount.h"
#include "umk/loop.h"
#include "umk/signal.h"
#include "umk/tty.h"
#include "umk/umk.h"

static struct {
	bool active;
	int master;		/* umk's end of the guests' pty */
	int user;		/* umk's own descriptor of the user's terminal */
	dev_t user_rdev;	/* which of umk's fds 0-2 are that terminal */
	char slave[64];
	int slave_fd;		/* kept open: see tty_setup */
	struct termios saved;	/* the user's modes, restored at exit */
	bool saved_ok;
} tty = { .master = -1, .user = -1, .slave_fd = -1 };

static void restore(void)
{
	if (tty.saved_ok)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tty.saved);
}

/* umk itself crashed: the user's terminal first, then the default death. */
static void crash(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

bool tty_active(void)
{
	return tty.active;
}

int tty_setup(void)
{
	struct termios raw;
	struct winsize ws;
	struct stat st;
	const char *name;

	/* Only in the foreground of a terminal: a background umk must not
	 * take the terminal's modes (and would be stopped by SIGTTOU). */
	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return 0;
	if (fstat(STDIN_FILENO, &st) < 0 || !(name = ttyname(STDIN_FILENO)))
		return 0;
	if (tcgetattr(STDIN_FILENO, &tty.saved) < 0)
		return 0;
	tty.user_rdev = st.st_rdev;
	tty.user = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	tty.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty.user < 0 || tty.master < 0 || grantpt(tty.master) < 0 ||
	    unlockpt(tty.master) < 0 || ptsname_r(tty.master, tty.slave, sizeof(tty.slave))) {
		int e = errno;

		if (tty.user >= 0)
			close(tty.user);
		if (tty.master >= 0)
			close(tty.master);
		tty.user = tty.master = -1;
		return -e;
	}
	fcntl(tty.master, F_SETFL, O_NONBLOCK);
	/* The guests start with the user's modes and window size. umk keeps
	 * a slave open: with none, the master reads EIO (a hangup) until the
	 * first guest opens one. */
	tty.slave_fd = open(tty.slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty.slave_fd >= 0)
		tcsetattr(tty.slave_fd, TCSANOW, &tty.saved);
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(tty.master, TIOCSWINSZ, &ws);
	tty.saved_ok = true;
	atexit(restore);
	signal(SIGSEGV, crash);
	signal(SIGBUS, crash);
	signal(SIGFPE, crash);
	signal(SIGILL, crash);
	signal(SIGABRT, crash);
	raw = tty.saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
		return -errno;
	tty.active = true;
	return 0;
}

/* In the first guest, before its exec: a session of its own on the pty. */
int tty_child(void)
{
	int s;

	if (!tty.active)
		return 0;
	if (setsid() < 0)
		return -errno;
	s = open(tty.slave, O_RDWR);
	if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return -errno;
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == tty.user_rdev &&
		    dup2(s, fd) < 0)
			return -errno;
	}
	if (s > 2)
		close(s);
	close(tty.master);
	close(tty.user);
	close(tty.slave_fd);
	return 0;
}

/* Write all of buf to fd (nonblocking), waiting a little for room: a
 * terminal that takes nothing for a second loses the rest. */
static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w > 0) {
			buf += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			if (poll(&p, 1, 1000) > 0)
				continue;
		}
		return;
	}
}

/*
 * The user's terminal is gone: a hangup, as the kernel's __tty_hangup()
 * gives the session of a terminal that hangs up: SIGHUP and SIGCONT to its
 * foreground group and its leader (from outside the guests: it reaches the
 * leader, pid 1, even unhandled, so that the guests end with the terminal).
 */
static void hangup(void)
{
	struct process *init = kernel.init, *m, *n;
	struct pid *fg;

	loop_unwatch(tty.user);
	if (!init || init->state != PROC_ALIVE)
		return;
	fg = init->session->tty_pgrp;
	if (!fg || !pid_process(fg, PIDTYPE_PGID))
		fg = init->session;
	for (int sig = SIGHUP; sig; sig = sig == SIGHUP ? SIGCONT : 0) {
		list_for_each_entry_safe(m, n, &fg->tasks[PIDTYPE_PGID], pgrp_node) {
			siginfo_t si;

			if (m->state != PROC_ALIVE || m == init)
				continue;
			signal_info_user(&si, sig, SI_KERNEL, NULL, m->leader);
			send_signal(sig, &si, m->leader, true, SEND_FORCE | SEND_OUTSIDE);
		}
		if (init->state == PROC_ALIVE) {
			siginfo_t si;

			signal_info_user(&si, sig, SI_KERNEL, NULL, init->leader);
			send_signal(sig, &si, init->leader, true, SEND_FORCE | SEND_OUTSIDE);
		}
	}
	signal_run_wakeups();
}

static void from_user(void *arg)
{
	char buf[4096];
	ssize_t n;

	(void)arg;
	n = read(tty.user, buf, sizeof(buf));
	if (n > 0)
		write_all(tty.master, buf, (size_t)n);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		hangup();
}

static void from_guests(void *arg)
{
	char buf[4096];
	ssize_t n;

	(void)arg;
	n = read(tty.master, buf, sizeof(buf));
	if (n > 0)
		write_all(tty.user, buf, (size_t)n);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		loop_unwatch(tty.master);	/* every slave is closed (EIO) */
}

/* Host pty n gets its placeholder in the guest's /dev/pts (fs_open.c's
 * nd_is_device maps it to the host's /dev/pts/n). */
static void pts_name(unsigned n)
{
	struct mount *dev = mount_at("/dev");
	char name[32];
	int f;

	if (!dev || dev->kind != MNT_DEV)
		return;
	snprintf(name, sizeof(name), "pts/%u", n);
	f = openat(dev->fd, name, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0620);
	if (f >= 0)
		close(f);
}

void tty_start(void)
{
	unsigned n;

	if (!tty.active)
		return;
	/* The relay's slave has a name in the guest's /dev/pts (ttyname). */
	if (sscanf(tty.slave, "/dev/pts/%u", &n) == 1)
		pts_name(n);
	if (loop_watch(tty.user, from_user, NULL) < 0 ||
	    loop_watch(tty.master, from_guests, NULL) < 0)
		umk_log("cannot relay the terminal: %s", strerror(errno));
}

void tty_winch(void)
{
	struct winsize ws;

	if (tty.active && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(tty.master, TIOCSWINSZ, &ws);
}

/* Before umk exits: what the guests wrote last reaches the user. */
void tty_drain(void)
{
	if (!tty.active)
		return;
	for (int i = 0; i < 64; i++) {
		char buf[4096];
		ssize_t n = read(tty.master, buf, sizeof(buf));

		if (n <= 0)
			break;
		write_all(tty.user, buf, (size_t)n);
	}
}

/*
 * A keyboard signal a terminal sent to umk's host process group, which the
 * guests of umk's own session share: the guest session's foreground process
 * group takes it, the others drop it. True: drop. (A session on the host
 * has real groups: the terminal chose the right one.)
 */
bool tty_signal_dropped(struct task *t, int sig, const siginfo_t *si)
{
	struct process *p = t->proc;
	struct pid *fg;

	if (si->si_code != SI_KERNEL || jobctl_on_host(p))
		return false;	/* the host's terminal signalled the right group */
	if (sig != SIGINT && sig != SIGQUIT && sig != SIGTSTP && sig != SIGWINCH)
		return false;
	/* The terminal signalled the host group: the guest session's
	 * foreground group (as TIOCSPGRP recorded it) takes it. */
	fg = p->session->tty_pgrp;
	if (!fg || !pid_process(fg, PIDTYPE_PGID))
		fg = p->session;	/* the leader's group has the terminal */
	return p->pgrp != fg;
}

/*
 * The host path of t's controlling terminal, or NULL when it has none. A
 * session on the host has the host's (the relay's slave, or a guest pty it
 * took with TIOCSCTTY); umk's own session, umk's terminal.
 */
const char *tty_of(struct task *t)
{
	static char path[32];
	char stat[64], buf[512], *s;
	unsigned long long nr;
	unsigned maj, min;
	FILE *f;

	if (!jobctl_on_host(t->proc))
		return tty.active ? NULL : "/dev/tty";
	snprintf(stat, sizeof(stat), "/proc/%d/stat", t->host_tid);
	if (!(f = fopen(stat, "re")))
		return NULL;
	s = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* After the comm: state ppid pgrp session tty_nr. */
	if (!s || !(s = strrchr(buf, ')')) || sscanf(s + 2, "%*c %*d %*d %*d %llu", &nr) != 1)
		return NULL;
	maj = (unsigned)((nr >> 8) & 0xfff);
	min = (unsigned)((nr & 0xff) | ((nr >> 12) & 0xfff00));
	if (maj < 136 || maj > 143)	/* UNIX98_PTY_SLAVE_MAJOR...: only ptys */
		return NULL;
	snprintf(path, sizeof(path), "/dev/pts/%u", (maj - 136) * 256 + min);
	return path;
}

/*
 * Guest ptys. A guest that opens /dev/ptmx gets the host's; its slave
 * appears in the guest's /dev/pts as a placeholder that opens the host's
 * /dev/pts/N. A number comes back to the host once the master is closed,
 * and may then be another user's pty: a slave opens only while a guest
 * still holds its master (or it is the relay's own).
 */
void tty_pts_made(struct task *t, int guest_fd)
{
	int fd = guest_fd_get(t, guest_fd);
	unsigned n;

	if (fd < 0)
		return;
	if (ioctl(fd, TIOCGPTN, &n) == 0)
		pts_name(n);
	close(fd);
}

/*
 * A pty slave the guest opened without O_NOCTTY becomes the controlling
 * terminal of a session leader that has none, if no session has it (Linux's
 * tty_open). umk opened it, so the guest takes it itself: TIOCSCTTY, which
 * makes exactly those checks (EPERM otherwise, ignored here).
 */
void tty_open_acquire(struct task *t, int guest_fd)
{
	struct process *p = t->proc;

	if (!jobctl_on_host(p) || p->session != p->tgid || tty_of(t))
		return;
	inject_syscall(t, SYS_ioctl, (uint64_t)guest_fd, TIOCSCTTY, 0, 0, 0, 0);
}

static bool holds_master(pid_t host_pid, unsigned want)
{
	char dir[64], link[352], target[64];
	bool found = false;
	struct dirent *e;
	int pidfd;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", host_pid);
	if (!(d = opendir(dir)))
		return false;
	pidfd = (int)syscall(SYS_pidfd_open, host_pid, 0);
	while (!found && pidfd >= 0 && (e = readdir(d))) {
		ssize_t k;
		int fd;
		unsigned n;

		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		k = readlink(link, target, sizeof(target) - 1);
		if (k <= 0)
			continue;
		target[k] = '\0';
		if (strcmp(target, "/dev/ptmx") && strcmp(target, "/dev/pts/ptmx"))
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(e->d_name), 0);
		if (fd < 0)
			continue;
		found = ioctl(fd, TIOCGPTN, &n) == 0 && n == want;
		close(fd);
	}
	if (pidfd >= 0)
		close(pidfd);
	closedir(d);
	return found;
}

static int holds_master_fn(struct task *t, void *arg)
{
	unsigned *want = arg;

	return t->proc->leader == t && t->state != TASK_DEAD &&
	       holds_master(t->proc->host_tgid, *want);
}

bool tty_pts_guests(struct task *t, const char *host)
{
	unsigned n;

	(void)t;
	if (tty.active && !strcmp(host, tty.slave))
		return true;
	if (sscanf(host, "/dev/pts/%u", &n) != 1)
		return false;
	return for_each_task(holds_master_fn, &n) != 0;
}
