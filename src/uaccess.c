#define _GNU_SOURCE
/*
 * Guest memory access. Until umk's own memfd mappings back guest memory (the
 * platform issue), copies go through process_vm_readv/writev, which fail
 * cleanly (EFAULT) on unmapped or protected guest memory and never fault umk.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include "umk/uaccess.h"
#include "umk/arch.h"

int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t len)
{
	struct iovec local = { dst, len };
	struct iovec remote = { (void *)src, len };
	ssize_t n;

	if (len == 0)
		return 0;
	if (src + len < src)
		return -EFAULT;
	n = process_vm_readv(t->host_tid, &local, 1, &remote, 1, 0);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t len)
{
	struct iovec local = { (void *)src, len };
	struct iovec remote = { (void *)dst, len };
	ssize_t n;

	if (len == 0)
		return 0;
	if (dst + len < dst)
		return -EFAULT;
	n = process_vm_writev(t->host_tid, &local, 1, &remote, 1, 0);
	return n == (ssize_t)len ? 0 : -EFAULT;
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
		struct iovec local, remote;
		ssize_t n;
		char *nul;

		if (chunk > max - done)
			chunk = max - done;
		local.iov_base = dst + done;
		local.iov_len = chunk;
		remote.iov_base = (void *)(src + done);
		remote.iov_len = chunk;
		n = process_vm_readv(t->host_tid, &local, 1, &remote, 1, 0);
		if (n <= 0)
			return -EFAULT;
		nul = memchr(dst + done, 0, (size_t)n);
		if (nul)
			return nul - dst;
		done += (size_t)n;
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

int push_to_guest_stack(struct task *t, uint64_t *sp, const void *data, size_t len,
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
