/*
 * umk's reserved descriptors and the guest's RLIMIT_NOFILE.
 *
 * Every guest process holds umk's descriptors at UMK_FD_BASE and up (see
 * mm.h). The guest's fd limits stay at or below UMK_FD_BASE: its soft limit
 * is the host's own (so the host fails the guest's allocations with EMFILE
 * exactly where Linux would, and dup2/dup3/F_DUPFD onto a reserved number
 * with EBADF/EINVAL), while its hard limit is kept by umk, because the host's
 * must stay above the reserved numbers for umk's own installs. The calls
 * that could close or alter a reserved descriptor (close, close_range, dup*,
 * fcntl) trap only when they name one (the filter checks the number), and
 * get EBADF as for a descriptor that is not open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/resource.h>
#include <linux/close_range.h>
#include <linux/capability.h>
#include "umk/handlers.h"
#include "umk/mm.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

/* close, dup, dup2, dup3: trapped only for a reserved descriptor. */
long sys_fd_guard(struct task *t, struct sysc *sc)
{
	(void)t;
	if ((uint32_t)sc->args[0] >= UMK_FD_BASE)
		return -EBADF;
	return SYSC_NATIVE;	/* trapped only under --trace=all */
}

long sys_close_range(struct task *t, struct sysc *sc)
{
	uint32_t first = (uint32_t)sc->args[0], last = (uint32_t)sc->args[1];

	(void)t;
	if (sc->args[2] & ~(uint64_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if (last < UMK_FD_BASE)
		return SYSC_NATIVE;
	if (first >= UMK_FD_BASE)
		return 0;	/* nothing of the guest's is there */
	sc->args[1] = UMK_FD_BASE - 1;
	sc->args_dirty = true;
	sc->tramp_ok = true;
	return SYSC_NATIVE;
}

/* The guest's view: the host's soft limit, umk's hard limit. */
static int nofile_get(struct process *p, struct rlimit *rl)
{
	if (prlimit(p->host_tgid, RLIMIT_NOFILE, NULL, rl) < 0)
		return -errno;
	rl->rlim_max = p->nofile_max;
	if (rl->rlim_cur > rl->rlim_max)
		rl->rlim_cur = rl->rlim_max;
	return 0;
}

static int nofile_set(struct task *t, struct process *p, const struct rlimit *n)
{
	struct rlimit host;

	if (n->rlim_cur > n->rlim_max)
		return -EINVAL;
	/* Raising the hard limit takes CAP_SYS_RESOURCE, and never goes past
	 * the reserved descriptors here (Linux would allow up to nr_open). */
	if (n->rlim_max > p->nofile_max &&
	    (!cred_capable(&t->cred, CAP_SYS_RESOURCE) || n->rlim_max > UMK_NOFILE_MAX))
		return -EPERM;
	if (prlimit(p->host_tgid, RLIMIT_NOFILE, NULL, &host) < 0)
		return -errno;
	host.rlim_cur = n->rlim_cur;
	if (prlimit(p->host_tgid, RLIMIT_NOFILE, &host, NULL) < 0)
		return -errno;
	p->nofile_max = n->rlim_max;
	return 0;
}

long sys_getrlimit(struct task *t, struct sysc *sc)
{
	struct rlimit rl;
	int r;

	if ((uint32_t)sc->args[0] != RLIMIT_NOFILE)
		return SYSC_NATIVE;
	if ((r = nofile_get(t->proc, &rl)) < 0)
		return r;
	return copy_to_guest(t, sc->args[1], &rl, sizeof(rl)) ? -EFAULT : 0;
}

long sys_setrlimit(struct task *t, struct sysc *sc)
{
	struct rlimit rl;

	if ((uint32_t)sc->args[0] != RLIMIT_NOFILE)
		return SYSC_NATIVE;
	if (copy_from_guest(t, &rl, sc->args[1], sizeof(rl)))
		return -EFAULT;
	return nofile_set(t, t->proc, &rl);
}

/* prlimit64 for RLIMIT_NOFILE (other resources: pidarg.c). */
long prlimit_nofile(struct task *t, struct sysc *sc, struct process *p)
{
	struct rlimit old, n;
	int r;

	if (sc->args[2] && copy_from_guest(t, &n, sc->args[2], sizeof(n)))
		return -EFAULT;
	if ((r = nofile_get(p, &old)) < 0)
		return r;
	if (sc->args[2] && (r = nofile_set(t, p, &n)) < 0)
		return r;
	if (sc->args[3] && copy_to_guest(t, sc->args[3], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
