/*
 * A new image's initial stack, laid out as Linux lays it out (fs/exec.c's
 * copy_strings() and fs/binfmt_elf.c's create_elf_tables()), from the top:
 *
 *   a NULL word; the exec filename (AT_EXECFN); the environment strings;
 *   the argument strings; a random gap of up to 8 KiB (arch_align_stack),
 *   16-aligned; the platform string; 16 random bytes (AT_RANDOM); then,
 *   16-aligned at the new stack pointer: argc, argv[], NULL, envp[], NULL,
 *   the auxiliary vector, AT_NULL.
 *
 * The builder works on strings in umk's memory and produces the bytes of
 * [sp, top) for the loader to write into the stack's memory.
 */
#ifndef UMK_EXEC_STACK_H
#define UMK_EXEC_STACK_H

#include <stddef.h>
#include <stdint.h>

#define MAX_ARG_STRLEN (32 * 4096UL)	/* one string, with its NUL */
#define MAX_ARG_STRINGS 0x7FFFFFFFUL

struct exec_stack_in {
	const char *const *argv;	/* argc strings; none becomes { "" }, as Linux */
	size_t argc;
	const char *const *envp;
	size_t envc;
	const char *execfn;		/* the path as the caller passed it */
	const char *platform;		/* AT_PLATFORM's string, or NULL for none */
	uint8_t random[16];		/* AT_RANDOM's bytes */
	uint64_t align_gap;		/* arch_align_stack()'s gap (< 8192; 0 without ASLR) */
	/* The auxiliary vector in Linux's order, without AT_NULL. The values
	 * of AT_RANDOM, AT_EXECFN and AT_PLATFORM are filled in here. */
	const uint64_t (*auxv)[2];
	size_t nauxv;
};

struct exec_stack {
	uint8_t *buf;			/* the bytes of [sp, top) (malloc'd) */
	uint64_t sp;			/* the new stack pointer: argc is there */
	uint64_t arg_start, arg_end, env_start, env_end;	/* /proc cmdline, environ */
	uint64_t execfn, random, platform;
};

/*
 * E2BIG as execve finds it before it destroys anything: a string longer
 * than MAX_ARG_STRLEN, too many strings, or more than the stack limit
 * allows: a quarter of RLIMIT_STACK, at most 6 MiB, at least 128 KiB, less
 * the pointers. rlim_stack is RLIMIT_STACK's soft value (RLIM_INFINITY ok).
 */
int exec_stack_check(const struct exec_stack_in *in, uint64_t rlim_stack);

/* Lay the stack out below top (page-aligned). 0, or -ENOMEM. */
int exec_stack_build(const struct exec_stack_in *in, uint64_t top, struct exec_stack *out);

#endif
