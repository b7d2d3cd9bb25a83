/*
 * execve: umk's own loader (Linux's fs/exec.c and fs/binfmt_elf.c).
 *
 * A guest execve is decided by umk at its syscall entry: the program is
 * looked up in the guest's view, `#!` lines are followed, the ELF image and
 * its interpreter are read and checked, and the argument and environment
 * strings are copied into umk (struct binprm). Everything that can fail
 * before Linux's point of no return fails there, with Linux's errno, and the
 * old image goes on.
 *
 * Then the host execs umk's exec stub instead (a host execveat of the stub
 * every guest holds at UMK_FD_STUB): the host gives the process a fresh
 * address space with its vDSO and a stack, closes close-on-exec descriptors,
 * ends the other threads and releases a vfork parent, by its own rules. At
 * the exec event umk loads the image into that process (exec_load.c): the
 * scratch window over the stub, the segments as private copies in the mm's
 * memfd, the initial stack on the host's stack, and the registers of the
 * first instruction. Failures from here on kill the process, as Linux's.
 */
#ifndef UMK_EXEC_H
#define UMK_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include "binfmt.h"

struct task;
struct mount;

/* An image file umk opened and checked. */
struct exec_file {
	int fd;			/* umk's descriptor, or -1 */
	struct stat st;
	struct elf_image im;
	char *guest;		/* its path in the guest's view */
	unsigned mnt_flags;	/* MNT_* of the guest mount it is on */
	const struct mount *mnt;	/* that mount, or NULL (a descriptor's file) */
};

/* Linux's linux_binprm: one execve between its entry and the exec event. */
struct binprm {
	struct exec_file prog;
	struct exec_file interp;	/* fd -1: a static program */
	char **argv, **envp;	/* the strings the new image gets (malloc'd) */
	size_t argc, envc;
	char *filename;		/* AT_EXECFN: the path as passed, or /dev/fd/N[/path] */
	char comm[16];
	unsigned long personality;
	bool path_inaccessible;	/* named through a close-on-exec descriptor */
	bool secure;		/* AT_SECURE */
	bool nosuid;		/* the program's mount ignores set-id bits */
};

/* One-time setup: the stub's sealed memfd. 0 or -errno. */
int exec_init(void);
/* The read-only descriptor of the stub, for the first guest. */
int exec_stub_fd(void);

void binprm_free(struct binprm *b);

/* At the exec event of t's host execveat of the stub: load b (exec_load.c).
 * 0, or -errno when the process could not be given its image (it is killed). */
int exec_load(struct task *t, struct binprm *b);

#endif
