/*
 * The page cache (src/pcache.c): read-only file content shared by every
 * guest process, mapped from one memfd and copied on write.
 */
#ifndef UMK_PCACHE_H
#define UMK_PCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include "mm.h"

struct task;
struct vma;
struct memobj;
struct pcache_entry;

/* The cache memfd, guests' read-only descriptor of it at UMK_FD_PCACHE. */
#define UMK_FD_PCACHE	(UMK_FD_BASE + 6)

int pcache_init(void);
int pcache_guest_fd(void);
struct memobj *pcache_obj(void);
/* Whether v maps the cache. */
bool pcache_backed(const struct vma *v);

/* The cached content of the file fd umk holds (read now if it is not
 * cached): a referenced entry, or NULL when the file is not cached (too
 * big, unreadable). */
struct pcache_entry *pcache_get(int fd, const struct stat *st);
void pcache_put(struct pcache_entry *e);
/* The cache offset of the file's [foff, foff+len), if the entry holds it. */
bool pcache_range(const struct pcache_entry *e, uint64_t foff, uint64_t len, uint64_t *off);
/* A frozen copy of len bytes of a process's private memory (a referenced
 * entry no lookup finds), or NULL. */
struct pcache_entry *pcache_freeze(const void *src, uint64_t len);
uint64_t pcache_offset(const struct pcache_entry *e);
/* Whether v maps frozen pages. */
bool pcache_frozen(const struct vma *v);
/* Drop every cached file no mapping uses (memory pressure). */
void pcache_reclaim(void);
void pcache_stats(uint64_t *hits, uint64_t *misses);

/* Give the cache-backed VMAs of t's mm in [start, end) private copies (t at
 * a syscall entry, injecting): before a write could reach them. */
int pcache_privatize(struct task *t, uint64_t start, uint64_t end);

#endif
