/*
 * execve/execveat, foundation version: umk resolves the program in the guest's
 * view and the host loads it. Whatever the host would look up by path on its
 * own is decided here instead, so nothing is loaded from outside the view:
 *  - `#!` interpreters are resolved by umk (nested up to Linux's depth), and
 *    the host is handed the interpreter with the argv Linux's load_script
 *    builds: interp, [optional arg], filename, argv[1..];
 *  - an ELF PT_INTERP (ld.so) is taken from the rootfs: the host runs the
 *    rootfs's interpreter with `--argv0 ARGV0 FILE ARGS`.
 * umk's own ELF loader replaces this (exec issue).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include "umk/binfmt.h"
#include "umk/fs.h"
#include "umk/handlers.h"
#include "umk/mm.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#define BINPRM_BUF_SIZE 256
#define MAX_INTERP_DEPTH 5	/* as exec_binprm(): a sixth rewrite is ELOOP */
#define MAX_ARG_STRINGS 0x7FFFFFFF

struct exec_args {
	uint64_t *ptrs;		/* guest addresses of the argv strings to pass */
	size_t n, cap;
};

static int args_push(struct exec_args *a, uint64_t p)
{
	if (array_reserve(&a->ptrs, &a->cap, a->n, sizeof(*a->ptrs)))
		return -ENOMEM;
	a->ptrs[a->n++] = p;
	return 0;
}

/* argv := head[0..n) argv[1..], as an interpreter's argv replaces argv[0]. */
static int replace_argv0(struct exec_args *argv, const uint64_t *head, size_t n)
{
	struct exec_args a = { 0 };
	int r = 0;

	for (size_t i = 0; i < n && !r; i++)
		r = args_push(&a, head[i]);
	for (size_t i = 1; i < argv->n && !r; i++)
		r = args_push(&a, argv->ptrs[i]);
	if (r) {
		free(a.ptrs);
		return r;
	}
	free(argv->ptrs);
	*argv = a;
	return 0;
}

/* Read the guest's argv pointer array (NULL argv is an empty list). */
static int read_argv(struct task *t, uint64_t argv, struct exec_args *a)
{
	for (size_t i = 0; argv; i++) {
		uint64_t p;

		if (i >= MAX_ARG_STRINGS)
			return -E2BIG;
		if (copy_from_guest(t, &p, argv + i * 8, 8))
			return -EFAULT;
		if (!p)
			break;
		if (args_push(a, p))
			return -ENOMEM;
		if (a->n > 65536 * 4)
			return -E2BIG;
	}
	return 0;
}

/* Read up to BINPRM_BUF_SIZE bytes of a regular file; never blocks (no FIFOs). */
static ssize_t read_head(const char *host, char *buf, struct stat *st)
{
	ssize_t n;
	int fd;

	if (stat(host, st) < 0)
		return -errno;
	if (!S_ISREG(st->st_mode))
		return -EACCES;
	fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		/* umk cannot see what the host would load from it (a PT_INTERP
		 * from outside the view): an image umk cannot read does not run. */
		return -EACCES;
	n = read(fd, buf, BINPRM_BUF_SIZE);
	close(fd);
	return n < 0 ? 0 : n;
}

/* Parse "#!interp [arg]" as Linux's load_script. 0 = not a script. */
static int parse_shebang(char *buf, ssize_t n, char **interp, char **arg)
{
	char *end, *p;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[n < BINPRM_BUF_SIZE ? n : BINPRM_BUF_SIZE - 1] = '\0';
	end = strchr(buf, '\n');
	if (!end) {
		/* No newline: the whole buffer must hold the interpreter name. */
		if (n == BINPRM_BUF_SIZE && !memchr(buf + 2, ' ', n - 2) &&
		    !memchr(buf + 2, '\t', n - 2))
			return -ENOEXEC;
		end = buf + strlen(buf);
	}
	*end = '\0';
	while (end > buf + 2 && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	p = buf + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -ENOEXEC;
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*arg = NULL;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p)
			*arg = p;
	}
	return 1;
}

/* The PT_INTERP of an ELF64 image, if any: 1 (path in out), 0, or -errno. */
static int elf_interp(const char *host, char *out, size_t len)
{
	struct elf_image im;
	int r, fd;

	fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	r = elf_read(fd, &im, false);
	if (r == 0)
		r = elf_interp_path(fd, &im, out, len);
	else
		r = 0;	/* not an image of ours: the host says what is wrong with it */
	elf_free(&im);
	close(fd);
	return r;
}

/*
 * The execute permission the host no longer checks for a #! script (it execs
 * the interpreter): as Linux's may_open(MAY_EXEC) with the guest's
 * credentials, on a mount that allows exec.
 */
static int may_exec(struct task *t, const struct stat *st, const char *host)
{
	struct statvfs v;
	unsigned bit;

	if (statvfs(host, &v) == 0 && (v.f_flag & ST_NOEXEC))
		return -EACCES;
	if (cred_capable(&t->cred, CAP_DAC_OVERRIDE))
		return (st->st_mode & 0111) ? 0 : -EACCES;
	if (st->st_uid == t->cred.fsuid)
		bit = 0100;
	else if (st->st_gid == t->cred.fsgid)
		bit = 0010;
	else
		bit = 0001;
	return (st->st_mode & bit) ? 0 : -EACCES;
}

/*
 * open_exec() of a PT_INTERP and load_elf_binary()'s checks of it. The host
 * is handed the interpreter as the program, and would judge it by the rules
 * for programs (ENOEXEC where Linux says EIO or ELIBBAD).
 */
static int interp_check(struct task *t, const char *host)
{
	struct elf_image im;
	struct stat st;
	int fd, r;

	if (stat(host, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if ((r = may_exec(t, &st, host)))
		return r;
	fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -EACCES;
	r = elf_read(fd, &im, true);
	elf_free(&im);
	close(fd);
	return r;
}

static int push_string(struct task *t, uint64_t *sp, const char *s, uint64_t *addr)
{
	return push_to_guest_stack(t, sp, s, strlen(s) + 1, addr);
}

static void exec_exit(struct task *t, struct sysc *sc)
{
	(void)t;
	(void)sc;	/* failure: registers were restored by syscall_exit */
}

static long do_exec(struct task *t, struct sysc *sc, int dirfd, uint64_t upath, uint64_t uargv,
		    uint64_t uenvp, int atflags)
{
	struct exec_args tail = { 0 };
	struct resolved *res = malloc(sizeof(*res));
	char path[PATH_MAX], head[BINPRM_BUF_SIZE + 1], interp_buf[PATH_MAX];
	uint64_t sp = arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE, addr, filename_addr = 0;
	bool rewritten_argv = false;
	struct stat st;
	long n;
	int r, depth;

	if (!res)
		return -ENOMEM;
	n = strncpy_from_guest(t, path, upath, sizeof(path));
	if (n < 0) {
		r = (int)n;
		goto out;
	}
	if (n == 0 && (atflags & AT_EMPTY_PATH)) {
		r = fd_guest_path(t, dirfd, path, sizeof(path));
		if (r)
			goto out;
		dirfd = AT_FDCWD;
	}
	r = task_lookup(t, dirfd, path,
			(atflags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_MUST_EXIST
							: LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, res);
	if (r)
		goto out;
	if ((atflags & AT_SYMLINK_NOFOLLOW) && lstat(res->host, &st) == 0 && S_ISLNK(st.st_mode)) {
		r = -ELOOP;
		goto out;
	}
	r = read_argv(t, uargv, &tail);
	if (r)
		goto out;
	free(sc->path);
	sc->path = xstrdup(path);	/* comm comes from the name as passed, as Linux */

	/* The filename the script sees is the path as the guest passed it. */
	for (depth = 0;; depth++) {
		ssize_t hn = read_head(res->host, head, &st);
		char *interp, *iarg;
		int s;

		if (hn < 0) {
			r = (int)hn;
			goto out;
		}
		s = parse_shebang(head, hn, &interp, &iarg);
		if (s < 0) {
			r = s;
			goto out;
		}
		if (s > 0 && (r = may_exec(t, &st, res->host)))
			goto out;
		if (s == 0) {
			s = elf_interp(res->host, interp_buf, sizeof(interp_buf));
			if (s < 0) {
				r = s;
				goto out;
			}
			if (s == 0)
				break;
			/* ld.so --argv0 ARGV0 FILE ARGS: the program keeps its argv[0].
			 * FILE is the image being loaded: the guest's path, or the
			 * (guest path of the) interpreter a #! line named. */
			uint64_t i0, flag, file;
			if ((r = push_string(t, &sp, interp_buf, &i0)) ||
			    (r = push_string(t, &sp, "--argv0", &flag)))
				goto out;
			if (depth == 0) {
				if (!filename_addr &&
				    (r = push_string(t, &sp, path, &filename_addr)))
					goto out;
				file = filename_addr;
			} else if ((r = push_string(t, &sp, res->guest, &file))) {
				goto out;
			}
			uint64_t head[] = { i0, flag, tail.n ? tail.ptrs[0] : file, file };

			if ((r = replace_argv0(&tail, head, 4)))
				goto out;
			rewritten_argv = true;
			r = task_lookup(t, AT_FDCWD, interp_buf, LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, res);
			if (r || (r = interp_check(t, res->host)))
				goto out;
			break;
		}
		if (depth >= MAX_INTERP_DEPTH) {
			r = -ELOOP;
			goto out;
		}
		/* argv := interp [arg] filename argv[1..] */
		uint64_t ia, aa = 0;
		if ((r = push_string(t, &sp, interp, &ia)) ||
		    (iarg && (r = push_string(t, &sp, iarg, &aa))))
			goto out;
		if (!filename_addr && (r = push_string(t, &sp, path, &filename_addr)))
			goto out;
		uint64_t head[] = { ia, aa ? aa : filename_addr, filename_addr };

		if ((r = replace_argv0(&tail, head, aa ? 3 : 2)))
			goto out;
		rewritten_argv = true;
		/* The interpreter is itself looked up (relative to cwd, as Linux). */
		snprintf(interp_buf, sizeof(interp_buf), "%s", interp);
		r = task_lookup(t, AT_FDCWD, interp_buf, LOOKUP_FOLLOW | LOOKUP_MUST_EXIST, res);
		if (r)
			goto out;
	}

	if (rewritten_argv) {
		if ((r = args_push(&tail, 0)))
			goto out;
		r = push_to_guest_stack(t, &sp, tail.ptrs, tail.n * 8, &addr);
		if (r)
			goto out;
		uargv = addr;
	}
	r = push_string(t, &sp, res->host, &addr);
	if (r)
		goto out;
	sc->nr = SYS_execve;
	sc->args[0] = addr;
	sc->args[1] = uargv;
	sc->args[2] = uenvp;
	sc->args_dirty = true;
	sc->on_exit = exec_exit;
out:
	free(tail.ptrs);
	free(res);
	return r ? r : SYSC_NATIVE;
}

long sys_execve(struct task *t, struct sysc *sc)
{
	return do_exec(t, sc, AT_FDCWD, sc->args[0], sc->args[1], sc->args[2], 0);
}

long sys_execveat(struct task *t, struct sysc *sc)
{
	int flags = (int)sc->args[4];

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return do_exec(t, sc, (int)sc->args[0], sc->args[1], sc->args[2], sc->args[3], flags);
}

/* PTRACE_EVENT_EXEC: the new image runs; the registers are its own now. */
void exec_event(struct task *t)
{
	struct process *p = t->proc;
	const char *base;

	t->sys.exec_done = true;
	/* A new host mm: a new guest mm (the old one goes with its last user). */
	mm_detach_task(t);
	mm_attach_task(t, mm_create());
	t->sys.args_dirty = false;
	t->sys.on_exit = NULL;
	p->did_exec = true;
	if (t->sys.path) {
		base = strrchr(t->sys.path, '/');
		snprintf(p->comm, sizeof(p->comm), "%s", base ? base + 1 : t->sys.path);
	}
}
