/* What proc.c and proc_files.c share. */
#ifndef UMK_PROC_INTERNAL_H
#define UMK_PROC_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

struct task;
struct process;

/* A positive decimal number (a pid, a descriptor but 0). */
bool proc_is_number(const char *s, long *out);
/* The process a /proc path (without the namespace's directory) starts
 * with, in the reader's namespace; *rest: what follows it. */
struct process *proc_path_process(struct task *reader, const char *rel, const char **rest);
/* The content of the /proc file rel for reader into f; -ENOENT if none. */
int proc_generate(FILE *f, struct task *reader, const char *rel);

#endif
