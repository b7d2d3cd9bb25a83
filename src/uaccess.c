#define _GNU_SOURCE
/*
 * Guest memory access. Where the guest's memory is umk's (a memfd-backed
 * VMA), a copy is a memcpy through umk's own mapping of the memfd, after the
 * VMA's protection says the guest could make the same access (Linux's
 * copy_from_user fails with EFAULT on PROT_NONE, copy_to_user on memory that
 * is not writable). Memory the host mapped itself (the program image and
 * stack until umk loads programs, shared file mappings) goes through
 * process_vm_readv/writev, which also fail cleanly (EFAULT) and never fault
 * umk. An address outside every VMA is EFAULT without asking the host.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include "umk/uaccess.h"
#include "umk/arch.h"
#include "umk/mm.h"

/* The part of [addr, addr+len) that one VMA holds, and how to reach it. */
static size_t piece(struct task *t, uint64_t addr, size_t len, bool write, void **p, int *err)
{
	struct mm *mm = t->mm;
	struct vma *v;
	size_t n = len;

	*p = NULL;
	*err = 0;
	if (!mm || !mm->populated)
		return len;	/* not known yet: the host decides */
	v = vma_lookup(&mm->vmas, addr);
	if (!v) {
		*err = -EFAULT;
		return 0;
	}
	if (v->end - addr < n)
		n = (size_t)(v->end - addr);
	*p = mm_guest_ptr(mm, addr, n, write, err);
	return n;
}

static int host_copy(struct task *t, void *local_buf, uint64_t remote_addr, size_t len, bool write)
{
	struct iovec local = { local_buf, len };
	struct iovec remote = { (void *)remote_addr, len };
	ssize_t n = write ? process_vm_writev(t->host_tid, &local, 1, &remote, 1, 0)
			  : process_vm_readv(t->host_tid, &local, 1, &remote, 1, 0);

	return n == (ssize_t)len ? 0 : -EFAULT;
}

static int guest_copy(struct task *t, void *buf, uint64_t addr, size_t len, bool write)
{
	if (addr + len < addr)
		return -EFAULT;
	while (len) {
		void *p;
		int err;
		size_t n = piece(t, addr, len, write, &p, &err);

		if (err)
			return err;
		if (p) {
			if (write)
				memcpy(p, buf, n);
			else
				memcpy(buf, p, n);
		} else if (host_copy(t, buf, addr, n, write)) {
			return -EFAULT;
		}
		buf = (char *)buf + n;
		addr += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t len)
{
	return guest_copy(t, dst, src, len, false);
}

int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t len)
{
	return guest_copy(t, (void *)src, dst, len, true);
}

/*
 * Read page by page: a string may end just before an unmapped page, and a
 * read that crosses into it must not fail the whole copy.
 */
long strncpy_from_guest(struct task *t, char *dst, uint64_t src, size_t max)
{
	size_t done = 0;

	while (done < max) {
		size_t chunk = 4096 - ((src + done) & 4095);
		char *nul;

		if (chunk > max - done)
			chunk = max - done;
		if (src + done < src || guest_copy(t, dst + done, src + done, chunk, false))
			return -EFAULT;
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	return -ENAMETOOLONG;
}

int copy_struct_from_guest(struct task *t, void *dst, size_t ksize, uint64_t src, size_t usize)
{
	char tail[256];
	size_t done;

	memset(dst, 0, ksize);
	if (copy_from_guest(t, dst, src, usize < ksize ? usize : ksize))
		return -EFAULT;
	/* Fields this umk does not know must be zero, as check_zeroed_user(). */
	for (done = ksize; done < usize;) {
		size_t n = usize - done < sizeof(tail) ? usize - done : sizeof(tail);

		if (copy_from_guest(t, tail, src + done, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (tail[i])
				return -E2BIG;
		done += n;
	}
	return 0;
}

/*
 * Arguments umk rewrote go to the thread's scratch area, which the guest can
 * read (so the host can) but not write: no other guest thread can change
 * them between umk's checks and the host's use. When they do not fit, or the
 * process has no scratch window, they go below the red zone of the stack.
 */
int push_to_guest_stack(struct task *t, uint64_t *sp, const void *data, size_t len,
			uint64_t *addr)
{
	if (t->mm && t->slot >= 0 && t->stop == STOP_SECCOMP &&
	    SCRATCH_ARGS + t->sys.scratch_used + len <= SCRATCH_SLOT_SIZE &&
	    mm_prepare(t) == 0 && mm_ensure_platform(t, false) == 0) {
		uint64_t at = SCRATCH_ARGS + ((t->sys.scratch_used + 15) & ~15U);

		if (at + len <= SCRATCH_SLOT_SIZE) {
			memcpy((char *)mm_scratch_ptr(t) + at, data, len);
			*addr = mm_scratch_addr(t) + at;
			t->sys.scratch_used = (uint32_t)(at + len - SCRATCH_ARGS);
			return 0;
		}
	}
	return push_to_guest_stack_writable(t, sp, data, len, addr);
}

int push_to_guest_stack_writable(struct task *t, uint64_t *sp, const void *data, size_t len,
				 uint64_t *addr)
{
	uint64_t a = (*sp - len) & ~15ULL;
	int r = copy_to_guest(t, a, data, len);

	if (r)
		return r;
	*sp = a;
	*addr = a;
	return 0;
}
