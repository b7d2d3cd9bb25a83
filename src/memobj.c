/*
 * Memory objects: umk's "physical memory". Each is a memfd that umk maps
 * into itself (so copies to and from guest memory are a memcpy) and that
 * guests map with MAP_SHARED|MAP_FIXED at the addresses umk chose. The host
 * allocates a memfd's pages lazily, so an untouched range costs nothing and
 * reads as zeros: demand-zero paging for free. Freeing a range punches a
 * hole, which also takes its pages out of every mapping.
 *
 * Offsets are handed out by a first-fit allocator over a sorted list of free
 * ranges below a high-water mark.
 *
 * Punching a freed range and having the guest fault fresh pages into the
 * next allocation costs more than an anonymous mmap does natively (a shmem
 * page fault allocates into the page cache, one page per fault). So up to
 * MEMOBJ_KEEP freed bytes keep their pages ("stale"); an allocation that
 * lands on them has umk clear just the resident pages, and the guest's
 * mmap maps them at once (MAP_POPULATE) when all of it was resident.
 * This is the pages the kernel keeps on its per-CPU free lists, in spirit;
 * its price is that such pages count as resident (mincore, RSS) before the
 * guest touches them. Allocations larger than MEMOBJ_KEEP get holes.
 *
 * Each memfd is sealed against shrinking, so no guest that holds it can make
 * umk's mapping of it fault.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "umk/mm.h"
#include "umk/umk.h"

#define MEMOBJ_INITIAL (64ULL << 20)	/* sparse: costs address space only */

/*
 * Guests hold umk's memfds (and their guest_fd opens) and may call read()
 * and write() on them: those stay unguarded in the filter, so that the
 * kernel's seccomp cache lets the hottest syscalls skip the filter. Their
 * file position is parked far past anything umk maps, so a read() there is
 * at the end of the file and a write() lands where no guest memory is. The
 * calls that take an offset (pread, lseek, splice...) are guarded instead
 * (seccomp.c), so nothing moves it back.
 */
void memobj_park(int fd)
{
	lseek(fd, (off_t)(1ULL << 62), SEEK_SET);
}

/* Every memobj, for the memory limit (oom.c). */
static struct memobj *all_objs;

struct memobj *memobj_create(const char *name)
{
	struct memobj *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (o->fd < 0)
		goto fail;
	o->size = MEMOBJ_INITIAL;
	if (ftruncate(o->fd, (off_t)o->size) < 0 ||
	    fcntl(o->fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		goto fail;
	o->base = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		       o->fd, 0);
	if (o->base == MAP_FAILED)
		goto fail;
	/* umk's SEEK_DATA walks use an open of their own: the guests' file
	 * position (shared with o->fd) stays parked. */
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", o->fd);
		if ((o->qfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			goto fail;
	}
	memobj_park(o->fd);
	o->refcount = 1;
	o->all_next = all_objs;
	if (all_objs)
		all_objs->all_prev = o;
	all_objs = o;
	return o;
fail:
	if (o->base && o->base != MAP_FAILED)
		munmap(o->base, o->size);
	if (o->fd >= 0)
		close(o->fd);
	free(o);
	return NULL;
}

void memobj_get(struct memobj *o)
{
	o->refcount++;
}

void memobj_put(struct memobj *o)
{
	if (!o || --o->refcount > 0)
		return;
	if (o->all_prev)
		o->all_prev->all_next = o->all_next;
	else
		all_objs = o->all_next;
	if (o->all_next)
		o->all_next->all_prev = o->all_prev;
	munmap(o->base, o->size);
	close(o->qfd);
	close(o->fd);
	free(o->deps);
	free(o->free);
	free(o->stale);
	free(o);
}

/* Make the file (and umk's mapping) at least need bytes long. */
static int memobj_reserve(struct memobj *o, uint64_t need)
{
	uint64_t size = o->size;
	void *nb;

	if (need <= size)
		return 0;
	while (size < need)
		size *= 2;
	if (size > (1ULL << 46))
		return -ENOMEM;
	/* A guest write() at the parked position (memobj_park) may have made
	 * the file longer already: the seal forbids shrinking it back. */
	if (ftruncate(o->fd, (off_t)size) < 0) {
		struct stat st;

		if (fstat(o->fd, &st) < 0 || (uint64_t)st.st_size < size)
			return -ENOMEM;
	}
	nb = mremap(o->base, o->size, size, MREMAP_MAYMOVE);
	if (nb == MAP_FAILED)
		return -ENOMEM;
	o->base = nb;
	o->size = size;
	return 0;
}

/* The next run of resident pages [*ds, *de) at or after *pos and before
 * end (SEEK_DATA/SEEK_HOLE); false when there is none. *pos moves past it. */
static bool next_data(const struct memobj *o, uint64_t *pos, uint64_t end, uint64_t *ds,
		      uint64_t *de)
{
	off_t data, hole;

	if (*pos >= end)
		return false;
	data = lseek(o->qfd, (off_t)*pos, SEEK_DATA);
	if (data < 0 || (uint64_t)data >= end)
		return false;
	hole = lseek(o->qfd, data, SEEK_HOLE);
	if (hole < 0 || (uint64_t)hole > end)
		hole = (off_t)end;
	*ds = (uint64_t)data;
	*de = *pos = (uint64_t)hole;
	return true;
}

/* Clear the resident pages of [off, end) (holes read as zeros already), or
 * punch them (cold); returns the bytes that stay resident. */
static uint64_t clear_resident(struct memobj *o, uint64_t off, uint64_t end, bool cold)
{
	uint64_t n = 0, ds, de;

	if (cold) {
		fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
			  (off_t)(end - off));
		return 0;
	}
	while (next_data(o, &off, end, &ds, &de)) {
		memset(o->base + ds, 0, (size_t)(de - ds));
		n += de - ds;
	}
	return n;
}

/* [off, off+len) is being handed out: clear (or punch) whatever stale pages
 * it holds. Returns the bytes left resident (as zeros). */
static uint64_t take_stale(struct memobj *o, uint64_t off, uint64_t len, bool cold)
{
	uint64_t end = off + len, warm = 0;

	for (size_t i = 0; i < o->nstale;) {
		struct extent *e = &o->stale[i];
		uint64_t s = e->off > off ? e->off : off;
		uint64_t x = e->off + e->len < end ? e->off + e->len : end;

		if (e->off >= end)
			break;
		if (s >= x) {
			i++;
			continue;
		}
		warm += clear_resident(o, s, x, cold);
		o->stale_bytes -= x - s;
		if (s > e->off && x < e->off + e->len) {
			/* Split: the tail stays stale. */
			struct extent tail = { x, e->off + e->len - x };

			e->len = s - e->off;
			if (array_reserve(&o->stale, &o->capstale, o->nstale, sizeof(*o->stale))) {
				/* No room to remember it: give its pages back now. */
				o->stale_bytes -= tail.len;
				fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					  (off_t)tail.off, (off_t)tail.len);
				return warm;
			}
			memmove(&o->stale[i + 2], &o->stale[i + 1],
				(o->nstale - i - 1) * sizeof(*o->stale));
			o->stale[i + 1] = tail;
			o->nstale++;
			return warm;
		}
		if (s > e->off) {		/* keep the head */
			e->len = s - e->off;
			i++;
		} else if (x < e->off + e->len) {	/* keep the tail */
			e->len -= x - e->off;
			e->off = x;
			i++;
		} else {
			memmove(e, e + 1, (o->nstale - i - 1) * sizeof(*e));
			o->nstale--;
		}
	}
	return warm;
}

uint64_t memobj_total_allocated(void)
{
	uint64_t n = 0;
	struct stat st;

	/* st_blocks: the pages the host has allocated to the file. */
	for (struct memobj *o = all_objs; o; o = o->all_next)
		if (fstat(o->fd, &st) == 0)
			n += (uint64_t)st.st_blocks * 512;
	return n;
}

void memobj_drop_stale_all(void)
{
	for (struct memobj *o = all_objs; o; o = o->all_next) {
		for (size_t i = 0; i < o->nstale; i++)
			fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				  (off_t)o->stale[i].off, (off_t)o->stale[i].len);
		o->nstale = 0;
		o->stale_bytes = 0;
	}
}

/* Keep a freed range's pages if the budget allows; else punch them. */
static void put_stale(struct memobj *o, uint64_t off, uint64_t len)
{
	size_t i;

	if (o->stale_bytes + len > MEMOBJ_KEEP ||
	    array_reserve(&o->stale, &o->capstale, o->nstale, sizeof(*o->stale))) {
		fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len);
		return;
	}
	for (i = 0; i < o->nstale && o->stale[i].off < off; i++)
		;
	memmove(&o->stale[i + 1], &o->stale[i], (o->nstale - i) * sizeof(*o->stale));
	o->stale[i].off = off;
	o->stale[i].len = len;
	o->nstale++;
	o->stale_bytes += len;
}

static int64_t alloc_range(struct memobj *o, uint64_t len);

int64_t memobj_alloc(struct memobj *o, uint64_t len, uint64_t *warm)
{
	int64_t off = alloc_range(o, len);
	uint64_t w = 0;

	/* A large mapping is mostly left untouched: clearing pages for it
	 * would cost time and make them resident for nothing. */
	if (off >= 0 && o->nstale)
		w = take_stale(o, (uint64_t)off, len, len > MEMOBJ_KEEP);
	if (warm)
		*warm = w;
	return off;
}

int64_t memobj_alloc_cold(struct memobj *o, uint64_t len)
{
	int64_t off = alloc_range(o, len);

	if (off >= 0 && o->nstale)
		take_stale(o, (uint64_t)off, len, true);
	return off;
}

static int64_t alloc_range(struct memobj *o, uint64_t len)
{
	uint64_t off;
	int r;

	for (size_t i = 0; i < o->nfree; i++) {
		struct extent *e = &o->free[i];

		if (e->len < len)
			continue;
		off = e->off;
		e->off += len;
		e->len -= len;
		if (!e->len)
			memmove(e, e + 1, (o->nfree - i - 1) * sizeof(*e)), o->nfree--;
		return (int64_t)off;
	}
	if ((r = memobj_reserve(o, o->top + len)) < 0)
		return r;
	off = o->top;
	o->top += len;
	return (int64_t)off;
}

static int grow_range(struct memobj *o, uint64_t off, uint64_t len, uint64_t newlen);

int memobj_grow(struct memobj *o, uint64_t off, uint64_t len, uint64_t newlen)
{
	int r = grow_range(o, off, len, newlen);

	if (!r && newlen > len && o->nstale)
		take_stale(o, off + len, newlen - len, newlen - len > MEMOBJ_KEEP);
	return r;
}

static int grow_range(struct memobj *o, uint64_t off, uint64_t len, uint64_t newlen)
{
	uint64_t end = off + len, more = newlen - len;

	if (newlen <= len)
		return 0;
	if (end == o->top) {
		if (memobj_reserve(o, o->top + more) < 0)
			return -ENOMEM;
		o->top += more;
		return 0;
	}
	for (size_t i = 0; i < o->nfree; i++) {
		struct extent *e = &o->free[i];

		if (e->off != end)
			continue;
		if (e->len < more) {
			/* The free range runs up to top: take it and the rest from top. */
			if (e->off + e->len != o->top)
				return -ENOMEM;
			if (memobj_reserve(o, end + more) < 0)
				return -ENOMEM;
			o->top = end + more;
			memmove(e, e + 1, (o->nfree - i - 1) * sizeof(*e));
			o->nfree--;
			return 0;
		}
		e->off += more;
		e->len -= more;
		if (!e->len)
			memmove(e, e + 1, (o->nfree - i - 1) * sizeof(*e)), o->nfree--;
		return 0;
	}
	return -ENOMEM;
}

void memobj_zero(struct memobj *o, uint64_t off, uint64_t len)
{
	cow_forget(o, off, len);	/* a fork child may still need the pages */
	if (len)
		fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len);
}

void memobj_free(struct memobj *o, uint64_t off, uint64_t len)
{
	size_t i;

	if (!len)
		return;
	cow_forget(o, off, len);	/* a fork child may still need the pages */
	put_stale(o, off, len);
	if (off + len == o->top) {
		o->top = off;
		/* A free range that now ends at top folds into it. */
		if (o->nfree && o->free[o->nfree - 1].off + o->free[o->nfree - 1].len == o->top) {
			o->top = o->free[o->nfree - 1].off;
			o->nfree--;
		}
		return;
	}
	for (i = 0; i < o->nfree && o->free[i].off < off; i++)
		;
	/* Coalesce with the neighbours. */
	if (i > 0 && o->free[i - 1].off + o->free[i - 1].len == off) {
		o->free[i - 1].len += len;
		if (i < o->nfree && off + len == o->free[i].off) {
			o->free[i - 1].len += o->free[i].len;
			memmove(&o->free[i], &o->free[i + 1], (o->nfree - i - 1) * sizeof(o->free[0]));
			o->nfree--;
		}
		return;
	}
	if (i < o->nfree && off + len == o->free[i].off) {
		o->free[i].off = off;
		o->free[i].len += len;
		return;
	}
	if (array_reserve(&o->free, &o->capfree, o->nfree, sizeof(*o->free)))
		return;	/* the range stays allocated: a leak, not a fault */
	memmove(&o->free[i + 1], &o->free[i], (o->nfree - i) * sizeof(o->free[0]));
	o->free[i].off = off;
	o->free[i].len = len;
	o->nfree++;
}

/* Copy only what is resident (SEEK_DATA/SEEK_HOLE): holes stay holes. */
int memobj_copy(struct memobj *d, uint64_t doff, struct memobj *s, uint64_t soff, uint64_t len)
{
	uint64_t pos = soff, end = soff + len, ds, de;

	if (memobj_reserve(d, doff + len) < 0)
		return -ENOMEM;
	while (next_data(s, &pos, end, &ds, &de))
		memcpy(d->base + doff + (ds - soff), s->base + ds, (size_t)(de - ds));
	return 0;
}

uint64_t memobj_resident_range(const struct memobj *o, uint64_t off, uint64_t len)
{
	uint64_t pos = off, end = off + len, n = 0, ds, de;

	while (o && next_data(o, &pos, end, &ds, &de))
		n += de - ds;
	return n;
}

uint64_t memobj_resident(const struct memobj *o)
{
	struct stat st;

	if (!o || fstat(o->fd, &st) < 0)
		return 0;
	return (uint64_t)st.st_blocks * 512;
}
