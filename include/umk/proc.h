/*
 * The guest's /proc, made by umk from its own state (proc.c).
 *
 * Its directories are a mirror umk keeps in the runtime directory, one per
 * pid namespace: a directory per process the namespace sees, with the
 * entries Linux's /proc/PID has, brought up to date whenever the walk looks
 * into it (the pid list, fd/, fdinfo/, task/). Listing them is then a native
 * getdents. The files are empty placeholders: opening one makes its content
 * from umk's state into a memfd the guest gets read-only (oom_score_adj and
 * comm take writes through a pipe umk reads back). Its symlinks (self,
 * thread-self, exe, cwd, root, fd/N) are answered by umk for the reader.
 */
#ifndef UMK_PROC_H
#define UMK_PROC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct task;
struct mount;

/* proc_readlink()'s answer for a link to an object with no path. */
#define PROC_MAGIC INT_MAX

/* The mirror of the reader's pid namespace, brought up to date: umk's O_PATH
 * descriptor of it, or -errno. */
int proc_root(struct task *reader, const struct mount *m);
/* Its directory's name under the mount's root. */
const char *proc_ns_dir(struct task *reader);
/* Before the walk looks up name in the mirror directory dirfd, whose path
 * in /proc is rel ("12/fd", "" for the root): bring that entry up to date;
 * with name NULL (the directory is opened, to be listed), all of it. */
void proc_revalidate(struct task *reader, int dirfd, const char *rel, const char *name);
/* A symlink of /proc (rel as above): its target's length (in buf, not
 * terminated), PROC_MAGIC with umk's descriptor of the object in *fd, or
 * -errno. */
int proc_readlink(struct task *reader, const char *rel, char *buf, size_t len, int *fd);
/* Open the /proc file rel for t: the guest's new descriptor, or -errno. */
long proc_open(struct task *t, const char *rel, uint64_t flags);
/* What stat shows for rel: the process's owner, as Linux's /proc/PID. */
void proc_fix_stat(struct task *reader, const char *rel, struct stat *st);

/* Guests hold write ends for oom_score_adj or comm: apply what they wrote
 * (at every syscall entry while any is open, so a write is in effect before
 * the writer's next call, as Linux's is). */
extern int proc_writes_open;
void proc_flush_writes(void);

#endif
