/*
 * The page cache: read-only file content shared by every guest process.
 *
 * Program text, read-only data and the libraries ld.so maps are private file
 * mappings no process ever writes. Copying them into each process's memfd
 * (what a private file mapping otherwise costs here) made every exec copy
 * its whole image. Instead umk keeps one copy of such a file in the page
 * cache memfd, keyed by the file's identity (device, inode, size, mtime,
 * ctime: a file changed in place is a new entry), and maps the pages of a
 * read-only private mapping straight from it, MAP_SHARED from the read-only
 * descriptor every guest holds at UMK_FD_PCACHE (so the host refuses any
 * write, and mprotect(PROT_WRITE) there fails).
 *
 * Copy on write: before a guest's mprotect adds PROT_WRITE to such a
 * mapping, or its mremap moves or grows one, umk gives the VMA a private
 * copy in the mm's memfd (pcache_privatize()), so a write (a gdb breakpoint,
 * text relocations) never changes another process's view. MADV_DONTNEED
 * drops nothing (the pages are the file's), as on Linux.
 *
 * Fork: a private range that has become read-only (glibc's RELRO, after
 * relocation) is moved into the cache too, "frozen", when its mprotect
 * makes it so (the mprotect becomes an mmap of the cache: no extra stop).
 * A fork child then shares it as it shares file text, with no remap, and
 * the same copy on write keeps the two apart. MADV_DONTNEED on frozen pages
 * first makes them private again (they must read as the file, or zeros).
 *
 * Entries are whole files, held by the vfiles of the VMAs that map them;
 * unused ones stay cached up to PCACHE_KEEP bytes, least recently used out
 * first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "umk/inject.h"
#include "umk/mm.h"
#include "umk/pcache.h"
#include "umk/task.h"
#include "umk/umk.h"
#include "mm_internal.h"

#define PCACHE_MAX_FILE (256ULL << 20)	/* bigger files are copied per mapping */
#define PCACHE_KEEP (256ULL << 20)	/* unused entries kept, in bytes */

struct pcache_entry {
	uint64_t dev, ino, size;
	struct timespec mtime, ctime;
	uint64_t off, len;	/* its extent of the cache memfd */
	int refs;
	uint64_t used;		/* LRU clock */
	bool frozen;		/* a process's pages, not a file's (pcache_freeze) */
	struct pcache_entry *next;
};

static struct {
	struct memobj *obj;
	int guest_fd;		/* read-only */
	struct pcache_entry *entries;
	uint64_t clock, unused_bytes;
	uint64_t hits, misses;
} pc = { .guest_fd = -1 };

int pcache_init(void)
{
	char path[64];

	pc.obj = memobj_create("umk-pcache");
	if (!pc.obj)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", pc.obj->fd);
	pc.guest_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pc.guest_fd < 0)
		return -errno;
	memobj_park(pc.guest_fd);
	return 0;
}

int pcache_guest_fd(void)
{
	return pc.guest_fd;
}

struct memobj *pcache_obj(void)
{
	return pc.obj;
}

bool pcache_backed(const struct vma *v)
{
	return v->obj && v->obj == pc.obj;
}

static bool same_file(const struct pcache_entry *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino && e->size == (uint64_t)st->st_size &&
	       e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       e->ctime.tv_sec == st->st_ctim.tv_sec && e->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static void entry_free(struct pcache_entry *e)
{
	struct pcache_entry **pp;

	for (pp = &pc.entries; *pp && *pp != e; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = e->next;
	if (e->len)
		memobj_free(pc.obj, e->off, e->len);
	free(e);
}

/* Drop unused entries, oldest first, until at most PCACHE_KEEP bytes are. */
static void shrink(void)
{
	while (pc.unused_bytes > PCACHE_KEEP) {
		struct pcache_entry *old = NULL;

		for (struct pcache_entry *e = pc.entries; e; e = e->next)
			if (!e->refs && (!old || e->used < old->used))
				old = e;
		if (!old)
			return;
		pc.unused_bytes -= old->len;
		entry_free(old);
	}
}

struct pcache_entry *pcache_get(int fd, const struct stat *st)
{
	struct pcache_entry *e;
	int64_t off;

	if (!pc.obj || !S_ISREG(st->st_mode) || (uint64_t)st->st_size > PCACHE_MAX_FILE)
		return NULL;
	for (e = pc.entries; e; e = e->next)
		if (!e->frozen && same_file(e, st)) {
			if (!e->refs++)
				pc.unused_bytes -= e->len;
			e->used = ++pc.clock;
			pc.hits++;
			return e;
		}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = (uint64_t)st->st_size;
	e->mtime = st->st_mtim;
	e->ctime = st->st_ctim;
	e->len = PAGE_ALIGN(e->size);
	if (e->len) {
		off = memobj_alloc(pc.obj, e->len, NULL);
		if (off < 0) {
			free(e);
			return NULL;
		}
		e->off = (uint64_t)off;
		if (mm_fill_file(pc.obj, e->off, fd, 0, e->size) < 0) {
			memobj_free(pc.obj, e->off, e->len);
			free(e);
			return NULL;
		}
	}
	e->refs = 1;
	e->used = ++pc.clock;
	e->next = pc.entries;
	pc.entries = e;
	pc.misses++;
	return e;
}

void pcache_put(struct pcache_entry *e)
{
	if (!e || --e->refs > 0)
		return;
	if (e->frozen) {	/* nobody else can ever find it */
		entry_free(e);
		return;
	}
	pc.unused_bytes += e->len;
	shrink();
}

struct pcache_entry *pcache_freeze(const void *src, uint64_t len)
{
	struct pcache_entry *e = calloc(1, sizeof(*e));
	int64_t off;

	if (!e)
		return NULL;
	off = memobj_alloc(pc.obj, len, NULL);
	if (off < 0) {
		free(e);
		return NULL;
	}
	memcpy(pc.obj->base + off, src, len);
	e->off = (uint64_t)off;
	e->len = len;
	e->refs = 1;
	e->frozen = true;
	e->next = pc.entries;
	pc.entries = e;
	return e;
}

uint64_t pcache_offset(const struct pcache_entry *e)
{
	return e->off;
}

bool pcache_frozen(const struct vma *v)
{
	const struct vfile *f = v->file;

	return pcache_backed(v) && f && f->pc && f->pc->frozen;
}

bool pcache_range(const struct pcache_entry *e, uint64_t foff, uint64_t len, uint64_t *off)
{
	if (!e || foff > e->len || len > e->len - foff)
		return false;
	*off = e->off + foff;
	return true;
}

void pcache_reclaim(void)
{
	struct pcache_entry *e, *next;

	for (e = pc.entries; e; e = next) {
		next = e->next;
		if (!e->refs && !e->frozen) {
			pc.unused_bytes -= e->len;
			entry_free(e);
		}
	}
}

void pcache_stats(uint64_t *hits, uint64_t *misses)
{
	*hits = pc.hits;
	*misses = pc.misses;
}

int pcache_privatize(struct task *t, uint64_t start, uint64_t end)
{
	struct mm *mm = t->mm;
	struct vma *v;
	int r;

	for (v = vma_find(&mm->vmas, start); v && v->start < end; v = vma_next(v)) {
		uint64_t len = v->end - v->start;
		int64_t off;
		long m;

		if (!pcache_backed(v))
			continue;
		if ((r = mm_ensure_platform(t, true)) < 0)
			return r;
		off = memobj_alloc(mm->mem, len, NULL);
		if (off < 0)
			return (int)off;
		memcpy(mm->mem->base + off, pc.obj->base + v->off, len);
		m = inject_syscall(t, SYS_mmap, v->start, len, (uint64_t)v->prot,
				   MAP_SHARED | MAP_FIXED, UMK_FD_MEM, (uint64_t)off);
		if (m < 0 || (uint64_t)m != v->start) {
			memobj_free(mm->mem, (uint64_t)off, len);
			return m < 0 ? (int)m : -ENOMEM;
		}
		memobj_put(v->obj);
		v->obj = mm->mem;
		memobj_get(mm->mem);
		v->off = (uint64_t)off;
	}
	return 0;
}
