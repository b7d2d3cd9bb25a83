/*
 * The initial stack of a new image (see include/umk/exec_stack.h). The
 * places are Linux's to the byte, because programs find their auxv, argv and
 * environment by walking up from argc, and tools compare the dumps.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "umk/exec_stack.h"

#define STK_LIM (8ULL << 20)	/* _STK_LIM */
#define ARG_MAX_BYTES 131072ULL	/* ARG_MAX: 32 pages of strings at least */

static const char *const empty_argv[] = { "" };

/* A missing argv becomes { "" } (do_execveat_common(), since Linux 5.18). */
static void argv_of(const struct exec_stack_in *in, const char *const **argv, size_t *argc)
{
	*argv = in->argc ? in->argv : empty_argv;
	*argc = in->argc ? in->argc : 1;
}

int exec_stack_check(const struct exec_stack_in *in, uint64_t rlim_stack)
{
	const char *const *argv;
	uint64_t limit, ptrs, total;
	size_t argc;

	if (in->argc > MAX_ARG_STRINGS || in->envc > MAX_ARG_STRINGS)
		return -E2BIG;
	argv_of(in, &argv, &argc);
	/* bprm_stack_limits() */
	limit = STK_LIM / 4 * 3;
	if (rlim_stack / 4 < limit)
		limit = rlim_stack / 4;
	if (limit < ARG_MAX_BYTES)
		limit = ARG_MAX_BYTES;
	ptrs = ((in->argc ? in->argc : 1) + in->envc) * sizeof(void *);
	if (limit <= ptrs)
		return -E2BIG;
	limit -= ptrs;
	/* copy_string_kernel() and copy_strings(): each string, and all of
	 * them, the filename first. */
	total = strlen(in->execfn) + 1;
	if (total > MAX_ARG_STRLEN)
		return -E2BIG;
	for (size_t i = 0; i < in->envc + argc; i++) {
		const char *s = i < in->envc ? in->envp[i] : argv[i - in->envc];
		uint64_t len = strnlen(s, MAX_ARG_STRLEN) + 1;

		if (len > MAX_ARG_STRLEN)
			return -E2BIG;
		total += len;
		if (total > limit)
			return -E2BIG;
	}
	return total > limit ? -E2BIG : 0;
}

int exec_stack_build(const struct exec_stack_in *in, uint64_t top, struct exec_stack *out)
{
	const char *const *argv;
	uint64_t p = top - sizeof(uint64_t), *addr, sp, words, *w;
	size_t argc, n, len;

	memset(out, 0, sizeof(*out));
	argv_of(in, &argv, &argc);
	n = argc + in->envc;
	addr = calloc(n ? n : 1, sizeof(*addr));
	if (!addr)
		return -ENOMEM;
	/* The strings, top down: filename, environment last to first, then the
	 * arguments last to first (copy_strings() walks backwards). */
	p -= strlen(in->execfn) + 1;
	out->execfn = p;
	for (size_t i = n; i-- > 0;) {
		const char *s = i < argc ? argv[i] : in->envp[i - argc];

		p -= strlen(s) + 1;
		addr[i] = p;
	}
	out->arg_start = p;
	out->arg_end = out->env_start = in->envc ? addr[argc] : out->execfn;
	out->env_end = out->execfn;
	/* create_elf_tables() */
	p = (p - in->align_gap) & ~15ULL;
	if (in->platform) {
		p -= strlen(in->platform) + 1;
		out->platform = p;
	}
	p -= sizeof(in->random);
	out->random = p;
	words = (in->nauxv + 1) * 2 + (argc + 1) + (in->envc + 1) + 1;
	sp = (p - words * sizeof(uint64_t)) & ~15ULL;
	out->sp = sp;
	out->buf = calloc(1, top - sp);
	if (!out->buf) {
		free(addr);
		return -ENOMEM;
	}
#define AT(a) (out->buf + ((a) - sp))
	memcpy(AT(out->execfn), in->execfn, strlen(in->execfn) + 1);
	for (size_t i = 0; i < n; i++) {
		const char *s = i < argc ? argv[i] : in->envp[i - argc];

		len = strlen(s) + 1;
		memcpy(AT(addr[i]), s, len);
	}
	if (in->platform)
		memcpy(AT(out->platform), in->platform, strlen(in->platform) + 1);
	memcpy(AT(out->random), in->random, sizeof(in->random));
	w = (uint64_t *)AT(sp);
	*w++ = argc;
	for (size_t i = 0; i < argc; i++)
		*w++ = addr[i];
	*w++ = 0;
	for (size_t i = 0; i < in->envc; i++)
		*w++ = addr[argc + i];
	*w++ = 0;
	for (size_t i = 0; i < in->nauxv; i++) {
		uint64_t type = in->auxv[i][0], val = in->auxv[i][1];

		if (type == AT_RANDOM)
			val = out->random;
		else if (type == AT_EXECFN)
			val = out->execfn;
		else if (type == AT_PLATFORM)
			val = out->platform;
		*w++ = type;
		*w++ = val;
	}
	*w++ = AT_NULL;
	*w = 0;
#undef AT
	free(addr);
	return 0;
}
