/*
 * signalfd and signalfd4: a descriptor whose reads take the guest's pending
 * signals, which are umk's.
 *
 * The guest gets the read end of a pipe umk holds the write end of. When a
 * signal in a signalfd's mask is pending and no thread would take it (every
 * thread that could blocks it, which is how signalfd is used), umk dequeues
 * it and writes its struct signalfd_siginfo into the pipe: the guest's
 * read() and poll() are native (no stop), and the record is what Linux's
 * signalfd_read() would have returned. The differences, in
 * docs/architecture.md: a signal moves into the pipe once it is blocked,
 * not when read (sigpending() no longer shows it); the descriptor is a pipe
 * (fstat, /proc/PID/fd); a fork child reading an inherited signalfd reads
 * its parent's signals; a read shorter than a record is not EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include "umk/handlers.h"
#include "umk/inject.h"
#include "umk/signal.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

struct sfd {
	struct process *proc;
	int wfd;		/* umk's write end */
	dev_t dev;		/* the pipe, to find it from the guest's descriptor */
	ino_t ino;
	uint64_t mask;
	struct sfd *next;
};
static struct sfd *sfds;

/* signalfd_copyinfo(): the fields the siginfo's kind carries. */
static void to_ssi(struct signalfd_siginfo *o, const siginfo_t *si)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)si->si_signo;
	o->ssi_errno = si->si_errno;
	o->ssi_code = si->si_code;
	if (si->si_code == SI_TIMER) {
		o->ssi_tid = (uint32_t)si->si_timerid;
		o->ssi_overrun = (uint32_t)si->si_overrun;
		o->ssi_int = si->si_value.sival_int;
		o->ssi_ptr = (uint64_t)si->si_value.sival_ptr;
	} else if (si->si_code <= 0 || si->si_code == SI_KERNEL) {
		o->ssi_pid = (uint32_t)si->si_pid;
		o->ssi_uid = si->si_uid;
		o->ssi_int = si->si_value.sival_int;
		o->ssi_ptr = (uint64_t)si->si_value.sival_ptr;
	} else if (si->si_signo == SIGCHLD) {
		o->ssi_pid = (uint32_t)si->si_pid;
		o->ssi_uid = si->si_uid;
		o->ssi_status = si->si_status;
		o->ssi_utime = (uint64_t)si->si_utime;
		o->ssi_stime = (uint64_t)si->si_stime;
	} else if (si->si_signo == SIGIO || si->si_signo == SIGPOLL) {
		o->ssi_band = (uint32_t)si->si_band;
		o->ssi_fd = si->si_fd;
	} else if (SYNCHRONOUS_MASK & sigbit(si->si_signo)) {
		o->ssi_addr = (uint64_t)si->si_addr;
	}
}

/* Signals of set that no thread of p would take now. */
static uint64_t blocked_by_all(struct process *p, uint64_t set)
{
	struct task *t;

	list_for_each_entry(t, &p->threads, thread_node)
		if (t->state != TASK_DEAD)
			set &= t->blocked;
	return set;
}

static bool move_one(struct sfd *s, struct sigpending *pend, uint64_t allowed)
{
	struct signalfd_siginfo o;
	siginfo_t info;
	bool outside;
	int sig;

	if (!(pend->signal & allowed))
		return false;
	/* Room for a whole record, or it stays pending. */
	{
		int used = 0, size = fcntl(s->wfd, F_GETPIPE_SZ);

		if (size < 0 || ioctl(s->wfd, FIONREAD, &used) < 0 ||
		    size - used < (int)sizeof(o))
			return false;
	}
	sig = dequeue_from(pend, ~allowed, &info, &outside);
	if (!sig)
		return false;
	if (info.si_code == SI_TIMER)
		signal_timer_delivered(s->proc, &info);
	to_ssi(&o, &info);
	if (write(s->wfd, &o, sizeof(o)) != (ssize_t)sizeof(o))
		return false;
	return true;
}

void signalfd_flush(struct process *p)
{
	for (struct sfd *s = sfds; s; s = s->next) {
		struct task *t;

		if (s->proc != p)
			continue;
		while (move_one(s, &p->shared_pending, blocked_by_all(p, s->mask)))
			;
		list_for_each_entry(t, &p->threads, thread_node)
			while (move_one(s, &t->pending, s->mask & t->blocked))
				;
	}
}

void signalfd_process_gone(struct process *p)
{
	for (struct sfd **pp = &sfds; *pp;) {
		struct sfd *s = *pp;

		if (s->proc == p) {
			*pp = s->next;
			close(s->wfd);
			free(s);
		} else {
			pp = &s->next;
		}
	}
}

bool signalfd_any(const struct process *p)
{
	for (struct sfd *s = sfds; s; s = s->next)
		if (s->proc == p)
			return true;
	return false;
}

static long do_signalfd(struct task *t, int fd, uint64_t umask, uint64_t size, int flags)
{
	uint64_t mask;
	struct sfd *s;
	struct stat st;
	int p[2];
	long r;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	if (size != 8)
		return -EINVAL;
	if (copy_from_guest(t, &mask, umask, 8))
		return -EFAULT;
	mask &= ~SIG_KERNEL_ONLY_MASK;
	if (fd != -1) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", t->host_tid, fd);
		if (fd < 0 || stat(path, &st) < 0)
			return -EBADF;
		for (s = sfds; s; s = s->next)
			if (s->proc == t->proc && s->dev == st.st_dev && s->ino == st.st_ino)
				break;
		if (!s)
			return -EINVAL;	/* not a signalfd */
		s->mask = mask;
		signalfd_flush(t->proc);
		return fd;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	if (!(flags & SFD_NONBLOCK))
		fcntl(p[0], F_SETFL, 0);
	fcntl(p[1], F_SETPIPE_SZ, 64 * 1024);
	if (fstat(p[0], &st) < 0) {
		r = -errno;
		goto fail;
	}
	r = inject_install_fd(t, p[0], -1, flags & SFD_CLOEXEC);
	if (r < 0)
		goto fail;
	close(p[0]);
	s = xcalloc(1, sizeof(*s));
	s->proc = t->proc;
	s->wfd = p[1];
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->mask = mask;
	s->next = sfds;
	sfds = s;
	signalfd_flush(t->proc);
	return r;
fail:
	close(p[0]);
	close(p[1]);
	return r;
}

long sys_signalfd(struct task *t, struct sysc *sc)
{
	return do_signalfd(t, (int)sc->args[0], sc->args[1], sc->args[2], 0);
}

long sys_signalfd4(struct task *t, struct sysc *sc)
{
	return do_signalfd(t, (int)sc->args[0], sc->args[1], sc->args[2], (int)sc->args[3]);
}
