/*
 * Syscall injection and descriptor installation (see include/umk/inject.h).
 *
 * The protocol, with the stub of src/arch/<arch>/stub.c mapped at the start
 * of the mm's scratch window:
 *  - At a syscall-entry (seccomp) stop, umk rewrites the syscall number and
 *    arguments and points the return address at the stub. The host re-runs
 *    the filter for the new call and, because the answer is "trace" and the
 *    tracer has already seen it, runs it without another stop. It returns
 *    into the stub, which keeps the result and makes the marker syscall,
 *    which traps: the next seccomp stop, with the result in hand. That stop
 *    is a syscall entry again, so the next injection starts the same way.
 *  - From any other stop (a fork child's first stop), umk first sends the
 *    thread straight to the marker, with orig_rax = -1 so the kernel's
 *    syscall-restart logic leaves the registers alone.
 *  - umk treats a marker stop as part of a sequence only when it has one
 *    under way for that thread; a guest that jumps into the stub on its own
 *    just makes a getpid, or a syscall with its own registers.
 * Injected syscalls are short, non-blocking ones (mmap, dup3, close...), so
 * umk waits for each one synchronously with waitpid on that thread alone.
 * Anything else that thread reports meanwhile is dealt with: host signals
 * are held back and re-sent at the end; its death is handed to the loop.
 *
 * Descriptors go into a guest by seccomp user notification: the filter sends
 * syscall UMK_NR_NOTIFY to umk's listener, and SECCOMP_IOCTL_NOTIF_ADDFD puts
 * the descriptor at the number umk asks for, atomically, in the thread's
 * own process, with one stop (the marker after it). The alternative, an
 * injected recvmsg of SCM_RIGHTS, takes a control socket in every process
 * that a guest could read from itself, a buffer in guest memory for the
 * control message, and a dup3 and a close to move the result to its number:
 * three stops where this takes one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/seccomp.h>
#include "umk/inject.h"
#include "umk/signal.h"
#include "umk/loop.h"
#include "umk/mm.h"
#include "umk/umk.h"

static int listener = -1;

void inject_set_listener(int fd)
{
	listener = fd;
}

int inject_listener(void)
{
	return listener;
}

static uint64_t stub_of(const struct task *t)
{
	return t->mm ? t->mm->window : 0;
}

void inject_begin(struct task *t)
{
	t->inj.active = true;
	t->inj.dead = false;
	t->inj.from_entry = t->inj.at_entry = (t->stop == STOP_SECCOMP);
	if (t->inj.from_entry)
		t->inj.saved = t->sys.regs;
	else if (arch_regs_fetch(t->host_tid, &t->inj.saved) < 0)
		t->inj.dead = true;
	t->inj.cur = t->inj.saved;
}

/*
 * Wait for t's marker stop. Returns 0 there (registers in t->inj.cur), or
 * -EFAULT if the thread faulted instead (the stub was not mapped), or
 * INJECT_DEAD.
 */
static long wait_marker(struct task *t)
{
	uint64_t marker = stub_of(t) + ARCH_STUB_MARKER_RET;

	for (;;) {
		struct rusage ru;
		int status, sig, event;
		pid_t r = loop_sync_wait(t->host_tid, &status, &ru);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			t->inj.dead = true;
			return INJECT_DEAD;
		}
		kernel.nr_stops++;
		t->nr_stops++;
		if (!WIFSTOPPED(status)) {
			loop_defer_status(t->host_tid, status, &ru);
			t->inj.dead = true;
			return INJECT_DEAD;
		}
		sig = WSTOPSIG(status);
		event = status >> 16;
		if (event == PTRACE_EVENT_SECCOMP) {
			if (arch_regs_fetch(t->host_tid, &t->inj.cur) < 0) {
				t->inj.dead = true;
				return INJECT_DEAD;
			}
			t->inj.at_entry = true;
			if (arch_instruction_pointer(&t->inj.cur) == marker &&
			    arch_syscall_nr(&t->inj.cur) == ARCH_STUB_MARKER_NR)
				return 0;
			/* Not ours (cannot happen: the thread only runs the stub). */
			return -EIO;
		}
		if (event == PTRACE_EVENT_EXIT) {
			/* Killed meanwhile (exit_group by another thread, SIGKILL). */
			t->exit_event_seen = true;
			ptrace(PTRACE_CONT, t->host_tid, 0, 0);
			continue;
		}
		if (event == 0 && sig != (SIGTRAP | 0x80)) {
			siginfo_t si;

			/* A fault inside the stub means it is not there. */
			if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGILL) &&
			    ptrace(PTRACE_GETSIGINFO, t->host_tid, 0, &si) == 0 && si.si_code > 0) {
				t->inj.at_entry = false;
				return -EFAULT;
			}
			/* A host signal meanwhile: queued as umk's own, delivered
			 * when the thread returns to guest code. */
			if (ptrace(PTRACE_GETSIGINFO, t->host_tid, 0, &si) == 0)
				signal_from_host(t, sig, &si);
		}
		ptrace(PTRACE_CONT, t->host_tid, 0, 0);
	}
}

static long resume_and_wait(struct task *t)
{
	if (arch_regs_store(t->host_tid, &t->inj.cur) < 0 ||
	    ptrace(PTRACE_CONT, t->host_tid, 0, 0) < 0) {
		t->inj.dead = true;
		return INJECT_DEAD;
	}
	return wait_marker(t);
}

/* Bring the thread to a syscall-entry stop of the marker. */
static long to_entry(struct task *t)
{
	if (t->inj.dead)
		return INJECT_DEAD;
	if (t->inj.at_entry)
		return 0;
	if (!stub_of(t))
		return -ENOEXEC;
	arch_inject_from_stop(&t->inj.cur, stub_of(t));
	return resume_and_wait(t);
}

long inject_syscall(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	long r;

	if (!stub_of(t))
		return -ENOEXEC;
	if ((r = to_entry(t)) < 0)
		return r;
	arch_inject_at_entry(&t->inj.cur, stub_of(t), nr, a);
	if ((r = resume_and_wait(t)) < 0)
		return r;
	return (long)arch_inject_result(&t->inj.cur);
}

/*
 * The first mapping of a process's stub: from a syscall-entry stop, the
 * rewritten call is the mmap and it returns straight to the marker in the
 * page it just mapped. If the mapping failed, the thread faults there.
 */
long inject_map_window(struct task *t, uint64_t addr, uint64_t len, uint64_t off, bool replace)
{
	uint64_t a[6] = { addr, len, PROT_READ | PROT_EXEC,
			  MAP_SHARED | (replace ? MAP_FIXED : MAP_FIXED_NOREPLACE),
			  UMK_FD_SCRATCH, off };
	long r;

	if (!t->inj.at_entry && stub_of(t)) {
		if ((r = to_entry(t)) < 0)
			return r;
	}
	if (!t->inj.at_entry)
		return -EINVAL;
	arch_inject_at_entry(&t->inj.cur, addr, SYS_mmap, a);
	arch_set_instruction_pointer(&t->inj.cur, addr + ARCH_STUB_MARKER);
	t->mm->window = addr;	/* wait_marker() looks for the marker there */
	r = resume_and_wait(t);
	if (r < 0)
		t->mm->window = 0;
	return r;
}

/* Raise the process's fd limit for a moment so a number above it can be
 * filled (the host checks the target's own RLIMIT_NOFILE). */
static int nofile_raise(struct task *t, int target, struct rlimit *old)
{
	struct rlimit n;

	if (prlimit(t->host_tid, RLIMIT_NOFILE, NULL, old) < 0)
		return -errno;
	if (target < 0 || (rlim_t)target < old->rlim_cur)
		return 0;
	n = *old;
	n.rlim_cur = (rlim_t)target + 1;
	if (n.rlim_max < n.rlim_cur)
		return -EMFILE;
	return prlimit(t->host_tid, RLIMIT_NOFILE, &n, NULL) < 0 ? -errno : 1;
}

static int notif_sizes_ok(void)
{
	static int ok = -1;
	struct seccomp_notif_sizes sz;

	if (ok < 0)
		ok = syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0 &&
		     sz.seccomp_notif <= sizeof(struct seccomp_notif) &&
		     sz.seccomp_notif_resp <= sizeof(struct seccomp_notif_resp);
	return ok;
}

static void notif_refuse(const struct seccomp_notif *n)
{
	struct seccomp_notif_resp resp = { .id = n->id, .error = -ENOSYS };

	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* Receive notifications until t's; answer the others with ENOSYS. */
static int notif_wait(struct task *t, struct seccomp_notif *n)
{
	for (int tries = 0; tries < 1000; tries++) {
		int r = 0;

		/* Serving userfaultfds meanwhile: the thread may fault on its way. */
		for (int ms = 0; ms < 2000 && !r; ms += 100)
			r = loop_poll_watchers(listener, 100);
		if (!r)
			return -ETIMEDOUT;
		memset(n, 0, sizeof(*n));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, n) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return -errno;
		}
		if ((pid_t)n->pid == t->host_tid && n->data.nr == UMK_NR_NOTIFY)
			return 0;
		notif_refuse(n);
	}
	return -EIO;
}

long inject_install_fd(struct task *t, int fd, int target, bool cloexec)
{
	struct seccomp_notif n;
	struct seccomp_notif_addfd add = {
		.flags = SECCOMP_ADDFD_FLAG_SEND | (target >= 0 ? SECCOMP_ADDFD_FLAG_SETFD : 0),
		.srcfd = (uint32_t)fd,
		.newfd = target >= 0 ? (uint32_t)target : 0,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	uint64_t a[6] = { 0 };
	struct rlimit old;
	long r, got;
	int raised;

	if (listener < 0 || !notif_sizes_ok())
		return -ENOSYS;
	if ((r = to_entry(t)) < 0)
		return r;
	if ((raised = nofile_raise(t, target, &old)) < 0)
		return raised;
	arch_inject_at_entry(&t->inj.cur, stub_of(t), UMK_NR_NOTIFY, a);
	if (arch_regs_store(t->host_tid, &t->inj.cur) < 0 ||
	    ptrace(PTRACE_CONT, t->host_tid, 0, 0) < 0) {
		t->inj.dead = true;
		r = INJECT_DEAD;
		goto out;
	}
	r = notif_wait(t, &n);
	if (r == 0) {
		add.id = n.id;
		got = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
		if (got < 0) {
			struct seccomp_notif_resp resp = { .id = n.id, .error = -errno };

			r = -errno;
			ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		} else {
			r = got;
		}
	}
	/* Whatever happened, the thread comes back to the marker (or is gone). */
	{
		long w = wait_marker(t);

		if (w < 0)
			r = w;
	}
out:
	if (raised > 0)
		prlimit(t->host_tid, RLIMIT_NOFILE, &old, NULL);
	return r;
}

long inject_syscall_tail(struct task *t, long nr, const uint64_t a[6], uint64_t expect)
{
	struct arch_tramp_slot *slot = mm_scratch_ptr(t);
	uint64_t addr = mm_scratch_addr(t);
	long r;

	if (!slot || !addr || t->inj.from_entry)
		return -ENOSPC;
	if ((r = to_entry(t)) < 0)
		return r;
	arch_inject_at_entry(&t->inj.cur, stub_of(t), nr, a);
	arch_tramp_prepare_tail(&t->inj.cur, slot, &t->inj.saved, stub_of(t), addr);
	arch_tramp_check(slot, expect, (uint64_t)arch_return_value(&t->inj.saved));
	if (arch_regs_store(t->host_tid, &t->inj.cur) < 0) {
		t->inj.dead = true;
		return INJECT_DEAD;
	}
	/* The sequence is over: the caller resumes the thread. */
	t->inj.active = false;
	return 0;
}

void inject_end(struct task *t)
{
	if (!t->inj.active)
		return;
	t->inj.active = false;
	if (t->inj.dead)
		return;
	if (t->inj.from_entry) {
		/* The caller finishes the guest's syscall from this marker stop as
		 * from the original one: t->sys.regs are still the guest's. */
		t->stop = t->inj.at_entry ? STOP_SECCOMP : STOP_SIGNAL;
	} else {
		struct arch_regs r = t->inj.saved;

		if (t->inj.at_entry)
			arch_skip_syscall(&r, arch_return_value(&t->inj.saved));
		arch_regs_store(t->host_tid, &r);
	}
}

void inject_handle_notifications(void)
{
	struct seccomp_notif n;

	if (listener < 0 || !notif_sizes_ok())
		return;
	for (;;) {
		struct pollfd p = { .fd = listener, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0)
			return;
		memset(&n, 0, sizeof(n));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0)
			return;
		notif_refuse(&n);
	}
}

bool inject_tramp_prepare(struct task *t)
{
	struct arch_tramp_slot *slot = mm_scratch_ptr(t);
	uint64_t addr = mm_scratch_addr(t);

	if (!slot || !addr)
		return false;
	arch_tramp_prepare(&t->sys.regs, slot, t->sys.orig_args, stub_of(t), addr);
	return true;
}

bool inject_tramp_prepare_retry(struct task *t, uint64_t match)
{
	struct arch_tramp_slot *slot = mm_scratch_ptr(t);
	uint64_t addr = mm_scratch_addr(t);

	if (!slot || !addr)
		return false;
	arch_tramp_prepare_retry(&t->sys.regs, slot, t->sys.orig_args, t->sys.orig_nr, match,
				 stub_of(t), addr);
	return true;
}

bool inject_tramp_event(struct task *t, uint64_t match, uint64_t result)
{
	struct arch_tramp_slot *slot = mm_scratch_ptr(t);
	uint64_t addr = mm_scratch_addr(t);
	struct arch_regs r;

	if (!slot || !addr || arch_regs_fetch(t->host_tid, &r) < 0)
		return false;
	arch_tramp_prepare(&r, slot, t->sys.orig_args, stub_of(t), addr);
	arch_tramp_override(slot, match, result, result);
	return arch_regs_store(t->host_tid, &r) == 0;
}

/* The same on registers already fetched (r is updated, not stored). */
bool inject_tramp_fixup_regs(struct task *t, struct arch_regs *r)
{
	struct arch_tramp_slot *slot = mm_scratch_ptr(t);
	uint64_t stub = stub_of(t), ip;

	if (!slot || !stub)
		return true;
	ip = arch_instruction_pointer(r);
	if (ip == stub + ARCH_STUB_TAIL_FAIL)
		return false;
	if (ip < stub + ARCH_STUB_TRAMP || ip >= stub + ARCH_STUB_END)
		return true;
	return arch_tramp_complete(r, slot, stub);
}

bool inject_tramp_fixup(struct task *t)
{
	struct arch_regs r;
	uint64_t ip;

	if (!mm_scratch_ptr(t) || !stub_of(t) || arch_regs_fetch(t->host_tid, &r) < 0)
		return true;
	ip = arch_instruction_pointer(&r);
	if (!inject_tramp_fixup_regs(t, &r))
		return false;
	if (arch_instruction_pointer(&r) != ip)
		arch_regs_store(t->host_tid, &r);
	return true;
}
