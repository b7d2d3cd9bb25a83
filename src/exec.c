/*
 * execve and execveat up to the point of no return (see include/umk/exec.h;
 * the loading itself is exec_load.c). The order of the checks is Linux's
 * do_execveat_common(), search_binary_handler(), load_script() and
 * load_elf_binary(), because the first one that fails decides the errno:
 *
 *   the path (EFAULT, ENAMETOOLONG, ENOENT...), the file (EACCES for one
 *   that is not regular or not executable), the argument and environment
 *   vectors (EFAULT, E2BIG), then the image: `#!` lines, each naming an
 *   interpreter that is opened as the program was (ELOOP past the fifth),
 *   the ELF headers (ENOEXEC), the PT_INTERP and its interpreter (ENOENT,
 *   EACCES, ELIBBAD, EIO).
 *
 * umk reads every image through its own descriptor of the file, opened in
 * the guest's view: nothing is loaded from outside it, and a FIFO or device
 * is refused before umk would ever read it (EACCES, as Linux).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "umk/binfmt.h"
#include "umk/exec.h"
#include "umk/signal.h"
#include "umk/exec_stack.h"
#include "umk/fork.h"
#include "umk/fs.h"
#include "umk/mount.h"
#include "umk/fakeroot.h"
#include "umk/handlers.h"
#include "umk/mm.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

#define BINPRM_BUF_SIZE 256
#define MAX_INTERP_DEPTH 5	/* as exec_binprm(): a sixth rewrite is ELOOP */

static void exec_file_close(struct exec_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	elf_free(&f->im);
	free(f->guest);
	f->guest = NULL;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void binprm_free(struct binprm *b)
{
	if (!b)
		return;
	exec_file_close(&b->prog);
	exec_file_close(&b->interp);
	strv_free(b->argv, b->argc);
	strv_free(b->envp, b->envc);
	free(b->filename);
	free(b);
}

/*
 * The execute permission of open_exec(): may_open(MAY_EXEC) with the
 * guest's credentials, on a mount that allows exec.
 */
static int may_exec(struct task *t, const struct stat *st, int fd, unsigned mnt_flags)
{
	struct statvfs v;
	unsigned bit;

	if ((mnt_flags & MNT_NOEXEC) || (fstatvfs(fd, &v) == 0 && (v.f_flag & ST_NOEXEC)))
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
 * do_open_execat(): umk's descriptor of a file the lookup found. Never
 * blocking and without a controlling tty: the type is checked on the
 * descriptor before anything is read, so a FIFO never holds umk up. The
 * lookup resolved every symlink already; O_NOFOLLOW makes a final one that
 * was not to be followed (AT_SYMLINK_NOFOLLOW) ELOOP, as Linux.
 */
static int open_exec(const struct nameidata *nd, struct exec_file *f)
{
	int fd;

	/* Never open a device or a FIFO at all (may_open() refuses MAY_EXEC
	 * on them first); the descriptor is checked again below. */
	if (S_ISLNK(nd->st.st_mode))
		return -ELOOP;	/* AT_SYMLINK_NOFOLLOW: do_open_execat() */
	if (!S_ISREG(nd->st.st_mode) || !nd->last[0])
		return -EACCES;
	fd = openat(nd->dfd, nd->last, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0) {
		int e = errno;

		/* What the host will not let umk read (an exec-only file umk
		 * does not own) cannot be loaded: EACCES. */
		return e == ENOENT || e == ENOTDIR || e == ELOOP || e == ENAMETOOLONG ? -e
										      : -EACCES;
	}
	f->fd = fd;
	f->mnt_flags = nd->mnt->flags;
	f->mnt = nd->mnt;
	return 0;
}

/* Fill f from fd umk opened: the type and permission checks, then f->st. */
static int exec_file_check(struct task *t, struct exec_file *f)
{
	int r;

	if (fstat(f->fd, &f->st) < 0)
		return -errno;
	fakeroot_apply(f->mnt, &f->st);	/* the guest's owner and mode count */
	if (!S_ISREG(f->st.st_mode))
		return -EACCES;
	if ((r = may_exec(t, &f->st, f->fd, f->mnt_flags)))
		return r;
	/* deny_write_access(): not while a guest has it open for writing. */
	if (fs_open_for_write(f->st.st_dev, f->st.st_ino))
		return -ETXTBSY;
	return 0;
}

/* Look up, open and check an image by guest path, relative to dirfd. */
static int exec_file_open(struct task *t, int dirfd, const char *path, unsigned lookup,
			  struct exec_file *f)
{
	struct nameidata *nd = malloc(sizeof(*nd));
	int r;

	if (!nd)
		return -ENOMEM;
	r = task_namei_path(t, dirfd, path, lookup | LOOKUP_MUST_EXIST, nd);
	if (r == 0)
		r = open_exec(nd, f);
	if (r == 0 && !(f->guest = strdup(nd->guest)))
		r = -ENOMEM;
	nd_release(nd);
	free(nd);
	return r ? r : exec_file_check(t, f);
}

/* The file a guest descriptor names (execveat with AT_EMPTY_PATH): the same
 * file, even one outside the view or deleted (a memfd), opened again for
 * reading (the guest's descriptor may be O_PATH). */
static int exec_file_fd(struct task *t, int gfd, struct exec_file *f)
{
	char proc[64], path[PATH_MAX];
	int dup = guest_fd_get(t, gfd);

	if (dup < 0)
		return dup;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dup);
	{
		struct stat st;

		/* Not a regular file (a directory, a FIFO, a socket): EACCES,
		 * without opening it again. */
		if (fstat(dup, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(dup);
			return -EACCES;
		}
	}
	f->fd = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	close(dup);
	if (f->fd < 0) {
		f->fd = -1;
		return -EACCES;
	}
	f->guest = strdup(fd_guest_path(t, gfd, path, sizeof(path)) == 0 ? path : "");
	if (!f->guest)
		return -ENOMEM;
	return exec_file_check(t, f);
}

/* ---- argument and environment strings --------------------------------- */

/* count(): the number of pointers before the NULL (a NULL vector is empty). */
static long count_strings(struct task *t, uint64_t vec, uint64_t max)
{
	uint64_t p;
	long n = 0;

	if (!vec)
		return 0;
	for (;;) {
		if (copy_from_guest(t, &p, vec + (uint64_t)n * 8, 8))
			return -EFAULT;
		if (!p)
			return n;
		if ((uint64_t)++n > max)
			return -E2BIG;
	}
}

/* copy_strings(): each string into umk; EFAULT, or E2BIG past *room. */
static int copy_strings(struct task *t, uint64_t vec, size_t n, char ***out, uint64_t *room)
{
	char *buf = malloc(MAX_ARG_STRLEN);
	char **v = calloc(n ? n : 1, sizeof(*v));
	int r = 0;

	*out = v;
	if (!buf || !v) {
		free(buf);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t p;
		long len;

		if (copy_from_guest(t, &p, vec + i * 8, 8)) {
			r = -EFAULT;
			break;
		}
		len = strncpy_from_guest(t, buf, p, MAX_ARG_STRLEN);
		if (len == -ENAMETOOLONG || (len >= 0 && (uint64_t)len + 1 > *room)) {
			r = -E2BIG;
			break;
		}
		if (len < 0) {
			r = -EFAULT;
			break;
		}
		*room -= (uint64_t)len + 1;
		if (!(v[i] = strdup(buf))) {
			r = -ENOMEM;
			break;
		}
	}
	free(buf);
	return r;
}

/* bprm_stack_limits(): room for the strings, or -E2BIG. */
static int64_t strings_room(struct task *t, size_t argc, size_t envc)
{
	struct rlimit rl;
	uint64_t limit = (8ULL << 20) / 4 * 3, ptrs = ((argc ? argc : 1) + envc) * 8;

	if (prlimit(t->host_tid, RLIMIT_STACK, NULL, &rl) == 0 && rl.rlim_cur / 4 < limit)
		limit = rl.rlim_cur / 4;
	if (limit < 32 * 4096)
		limit = 32 * 4096;
	if (limit <= ptrs)
		return -E2BIG;
	return (int64_t)(limit - ptrs);
}

/* argv := head[0..n) argv[1..] (load_script(): the interpreter's argv). */
static int argv_replace0(struct binprm *b, char **head, size_t n)
{
	size_t rest = b->argc ? b->argc - 1 : 0;
	char **v = calloc(n + rest + 1, sizeof(*v));

	if (!v) {
		for (size_t i = 0; i < n; i++)
			free(head[i]);
		return -ENOMEM;
	}
	memcpy(v, head, n * sizeof(*v));
	if (b->argc) {
		free(b->argv[0]);
		memcpy(v + n, b->argv + 1, rest * sizeof(*v));
	}
	free(b->argv);
	b->argv = v;
	b->argc = n + rest;
	return 0;
}

/* ---- #! ------------------------------------------------------------------ */

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

/* ---- the image ------------------------------------------------------------ */

/*
 * search_binary_handler() over the scripts and ELF: follows `#!` lines
 * (the argv rewrite of load_script()) until an ELF image, then reads its
 * headers and opens and checks its interpreter. iname: what a script's
 * interpreter gets as the file to run (bprm->interp).
 */
static int load_image(struct task *t, struct binprm *b, uint64_t room)
{
	char head[BINPRM_BUF_SIZE + 1], *iname = xstrdup(b->filename);
	int r = 0;

	for (int depth = 0;; depth++) {
		char *interp, *iarg;
		ssize_t n = pread(b->prog.fd, head, BINPRM_BUF_SIZE, 0);
		int s;

		if (n < 0)
			n = 0;
		s = parse_shebang(head, n, &interp, &iarg);
		if (s < 0) {
			r = s;
			break;
		}
		if (s == 0) {
			r = elf_read(b->prog.fd, &b->prog.im, false);
			break;
		}
		if (depth >= MAX_INTERP_DEPTH) {
			r = -ELOOP;
			break;
		}
		/* A script named by a close-on-exec descriptor: its interpreter
		 * could not open /dev/fd/N (BINPRM_FLAGS_PATH_INACCESSIBLE). */
		if (depth == 0 && b->path_inaccessible) {
			r = -ENOENT;
			break;
		}
		/* argv := interp [arg] filename argv[1..] */
		{
			char *h[3];
			size_t k = 0;
			uint64_t need = strlen(interp) + 1 + (iarg ? strlen(iarg) + 1 : 0) +
					strlen(iname) + 1;

			if (b->argc)
				room += strlen(b->argv[0]) + 1;
			if (need > room) {
				r = -E2BIG;
				break;
			}
			room -= need;
			h[k++] = xstrdup(interp);
			if (iarg)
				h[k++] = xstrdup(iarg);
			h[k++] = iname;
			iname = xstrdup(interp);
			if ((r = argv_replace0(b, h, k)))
				break;
		}
		exec_file_close(&b->prog);
		/* The interpreter is looked up relative to the cwd, as Linux. */
		r = exec_file_open(t, AT_FDCWD, iname, LOOKUP_FOLLOW, &b->prog);
		if (r)
			break;
	}
	free(iname);
	if (r)
		return r;

	/* The ELF interpreter: open_exec() and the checks before the point of
	 * no return. */
	if (b->prog.im.interp) {
		char ipath[PATH_MAX];

		r = elf_interp_path(b->prog.fd, &b->prog.im, ipath, sizeof(ipath));
		if (r < 0)
			return r;
		r = exec_file_open(t, AT_FDCWD, ipath, LOOKUP_FOLLOW, &b->interp);
		if (r)
			return r;
		r = elf_read(b->interp.fd, &b->interp.im, true);
	}
	return r;
}

/* Whether the guest's descriptor fd is close-on-exec (its fdinfo's flags). */
static bool guest_fd_cloexec(struct task *t, int fd)
{
	char path[64], line[128];
	bool r = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", t->proc->host_tgid, fd);
	if (!(f = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags:", 6)) {
			r = (strtoul(line + 6, NULL, 8) & O_CLOEXEC) != 0;
			break;
		}
	fclose(f);
	return r;
}

/* bprm->filename: the path, or /dev/fd/N[/path] for a descriptor's. */
static char *exec_filename(int dirfd, const char *path)
{
	char *s;

	if (dirfd == AT_FDCWD || path[0] == '/')
		return xstrdup(path);
	if (asprintf(&s, path[0] ? "/dev/fd/%d/%s" : "/dev/fd/%d", dirfd, path) < 0)
		return NULL;
	return s;
}

static void exec_exit(struct task *t, struct sysc *sc)
{
	/* The host could not exec the stub (a racing thread unmapped the
	 * vectors, out of memory): the guest sees that, and goes on. */
	(void)sc;
	binprm_free(t->bprm);
	t->bprm = NULL;
}

static long do_exec(struct task *t, struct sysc *sc, int dirfd, uint64_t upath, uint64_t uargv,
		    uint64_t uenvp, int atflags)
{
	struct binprm *b = calloc(1, sizeof(*b));
	char path[PATH_MAX];
	uint64_t sp = arch_stack_pointer(&sc->regs) - ARCH_RED_ZONE, addr;
	int64_t room;
	long n, argc, envc;
	int r;

	if (!b)
		return -ENOMEM;
	b->prog.fd = b->interp.fd = -1;
	n = strncpy_from_guest(t, path, upath, sizeof(path));
	if (n < 0) {
		r = (int)n;
		goto fail;
	}
	if (n == 0 && !(atflags & AT_EMPTY_PATH)) {
		r = -ENOENT;
		goto fail;
	}
	if (!(b->filename = exec_filename(dirfd, path))) {
		r = -ENOMEM;
		goto fail;
	}
	b->path_inaccessible = dirfd != AT_FDCWD && path[0] != '/' && dirfd >= 0 &&
			       guest_fd_cloexec(t, dirfd);

	/* do_open_execat() */
	if (n == 0) {
		r = exec_file_fd(t, dirfd, &b->prog);
	} else {
		r = exec_file_open(t, dirfd, path,
				   (atflags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &b->prog);
	}
	if (r)
		goto fail;

	/* count() both vectors, then the strings: filename, envp, argv. */
	if ((argc = count_strings(t, uargv, MAX_ARG_STRINGS)) < 0 ||
	    (envc = count_strings(t, uenvp, MAX_ARG_STRINGS)) < 0) {
		r = argc < 0 ? (int)argc : (int)envc;
		goto fail;
	}
	if ((room = strings_room(t, (size_t)argc, (size_t)envc)) < 0) {
		r = (int)room;
		goto fail;
	}
	{
		uint64_t left = (uint64_t)room, flen = strlen(b->filename) + 1;

		if (flen > MAX_ARG_STRLEN || flen > left) {
			r = -E2BIG;
			goto fail;
		}
		left -= flen;
		b->envc = (size_t)envc;
		if ((r = copy_strings(t, uenvp, b->envc, &b->envp, &left)))
			goto fail;
		b->argc = (size_t)argc;
		if ((r = copy_strings(t, uargv, b->argc, &b->argv, &left)))
			goto fail;
		if ((r = load_image(t, b, left)))
			goto fail;
	}

	/* comm: the name the program was run by (the descriptor's file for
	 * an fd's /dev/fd/N name, as Linux 6.14 on). */
	{
		const char *name = b->filename, *base;

		if (strncmp(name, "/dev/fd/", 8) == 0 && path[0] != '/')
			name = b->prog.guest && b->prog.guest[0] ? b->prog.guest : name;
		base = strrchr(name, '/');
		snprintf(b->comm, sizeof(b->comm), "%s", base ? base + 1 : name);
	}
	b->personality = t->proc->personality;
	{
		struct statvfs v;

		b->nosuid = (b->prog.mnt_flags & MNT_NOSUID) ||
			    (fstatvfs(b->prog.fd, &v) == 0 && (v.f_flag & ST_NOSUID));
	}

	/* The host execs the stub; umk loads the image at the exec event.
	 * The host gets the guest's own vectors, so its new stack has room
	 * for what umk writes there. */
	r = push_to_guest_stack(t, &sp, "", 1, &addr);
	if (r)
		goto fail;
	binprm_free(t->bprm);
	t->bprm = b;
	sc->nr = SYS_execveat;
	sc->args[0] = UMK_FD_STUB;
	sc->args[1] = addr;
	sc->args[2] = uargv;
	sc->args[3] = uenvp;
	sc->args[4] = AT_EMPTY_PATH;
	sc->args[5] = 0;
	sc->args_dirty = true;
	sc->on_exit = exec_exit;
	return SYSC_NATIVE;
fail:
	binprm_free(b);
	return r;
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

/* personality(2): the host's, so that the stub's stack follows
 * ADDR_NO_RANDOMIZE; umk keeps a copy for its own layout. */
long sys_personality(struct task *t, struct sysc *sc)
{
	if ((uint32_t)sc->args[0] != 0xffffffffU)
		t->proc->personality = (uint32_t)sc->args[0];
	return SYSC_NATIVE;
}

/* PTRACE_EVENT_EXEC: the host runs the stub; umk loads the image into it. */
void exec_event(struct task *t)
{
	struct process *p = t->proc;
	struct binprm *b = t->bprm;
	int r;

	t->sys.exec_done = true;
	t->bprm = NULL;
	/* A new host mm: a new guest mm (the old one goes with its last user).
	 * Its memory comes from the same memfd, which the host kept open
	 * across the exec: one stop less than installing another. */
	{
		struct mm *old = t->mm, *mm = mm_create();

		if (old && old->mem && old->mem_installed) {
			mm->mem = old->mem;
			memobj_get(mm->mem);
			mm->mem_installed = true;
		}
		mm_detach_task(t);
		mm_attach_task(t, mm);
	}
	t->sys.args_dirty = false;
	t->sys.on_exit = NULL;
	p->did_exec = true;
	signal_exec(t);
	if (!b) {
		/* Not an exec umk prepared (cannot happen: every execve traps). */
		umk_log("process %d exec'd behind umk's back: killed", task_pid_vnr(t));
		kill(p->host_tgid, SIGKILL);
		return;
	}
	memcpy(p->comm, b->comm, sizeof(p->comm));
	memcpy(t->comm, b->comm, sizeof(t->comm));
	b->secure = cred_exec(&t->cred, &b->prog.st, b->nosuid, t->no_new_privs);
	/* /proc/PID/exe: the image loaded (a script's is its interpreter). */
	free(p->exe);
	p->exe = b->prog.guest ? xstrdup(b->prog.guest) : NULL;
	p->exe_dev = b->prog.st.st_dev;
	p->exe_ino = b->prog.st.st_ino;
	/* A broken image dies of SIGSEGV, as on Linux: a guest's business, so
	 * said only under --trace. */
	if ((r = exec_load(t, b)) < 0 && !t->inj.dead && config.trace)
		umk_log("exec of %s in process %d failed after the point of no return (%s): SIGSEGV",
			b->filename, task_pid_vnr(t), strerror(-r));
	binprm_free(b);
}
