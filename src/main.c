/*
 * umk: a user-mode kernel for x86-64 Linux guests.
 *
 *   umk run [OPTIONS] [--] PROGRAM [ARGS...]
 *
 * Exit status: the guest init's (128+N when it died of signal N); 125 when
 * umk itself fails; 126 when PROGRAM cannot be executed; 127 when it is not
 * found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include "config.h"
#include "umk/exec.h"
#include "umk/oom.h"
#include "umk/pcache.h"
#include "umk/launch.h"
#include "umk/jobctl.h"
#include "umk/tty.h"
#include "umk/cow.h"
#include "umk/mm.h"
#include "umk/loop.h"
#include "umk/mount.h"
#include "umk/fakeroot.h"
#include "umk/namei.h"
#include "umk/syscall.h"
#include "umk/task.h"
#include "umk/umk.h"

#ifndef UMK_DEFAULT_ROOT
#define UMK_DEFAULT_ROOT "/usr/share/umk/rootfs"
#endif

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: umk run [OPTIONS] [--] PROGRAM [ARGS...]\n"
"       umk --help | --version | --syscall-table\n"
"\n"
"Run PROGRAM from a guest root filesystem under umk, a user-mode kernel: the\n"
"guest gets its own pids (it is pid 1), identity (root), hostname and file view;\n"
"umk traps the syscalls that touch kernel state and lets the rest run natively.\n"
"\n"
"Options for run:\n"
"  -r, --root DIR         guest root filesystem (default: $UMK_ROOT or\n"
"                         %s)\n"
"  -b, --bind HOST:GUEST[:ro]\n"
"                         show the host directory HOST at GUEST in the guest\n"
"                         (repeatable; ro: read-only)\n"
"      --ro               make the guest's root read-only (/tmp is then an empty\n"
"                         writable directory of umk's)\n"
"      --tmpfs GUEST      an empty writable directory at GUEST (repeatable)\n"
"  -u, --user UID:GID     run the guest as that user and group (default 0:0,\n"
"                         root); permission checks are the guest's, as Linux's\n"
"  -H, --hostname NAME    the guest's hostname (default: umk)\n"
"  -e, --env K=V          set a guest environment variable (repeatable); the\n"
"                         guest starts with PATH, HOME=/root and TERM only\n"
"  -t, --trace[=all]      print each syscall umk handles (all: every syscall)\n"
"                         as `[pid N] name(args) = result` on stderr\n"
"      --trace-file FILE  write the trace to FILE instead\n"
"      --stats            at exit, print `umk-stats: stops=N` (ptrace stops taken)\n"
"  -m, --memory SIZE      limit the guest's memory to SIZE (bytes, or K, M, G, T):\n"
"                         over it, umk's OOM killer kills the process with the\n"
"                         highest badness, as Linux's (default: no limit)\n"
"      --spin-us N        after serving a stop, poll N microseconds for the next\n"
"                         one before sleeping (default 10; 0: never; off when\n"
"                         umk may use only one CPU)\n"
"\n"
"PROGRAM without a slash is looked up in the guest's PATH inside the root.\n"
"Exit status: the guest's (128+N if it died of signal N); 125 if umk failed;\n"
"126 if PROGRAM cannot be executed; 127 if it was not found.\n"
"See umk(1) and docs/ for the design.\n",
		UMK_DEFAULT_ROOT);
}

static char **env_set(char **env, const char *kv)
{
	size_t klen = strcspn(kv, "="), n = 0;

	for (; env && env[n]; n++)
		if (!strncmp(env[n], kv, klen) && env[n][klen] == '=') {
			env[n] = (char *)kv;
			return env;
		}
	env = realloc(env, (n + 2) * sizeof(*env));
	if (!env)
		umk_die(UMK_EXIT_FAILURE, "out of memory");
	env[n] = (char *)kv;
	env[n + 1] = NULL;
	return env;
}

static const char *env_get(char **env, const char *key)
{
	size_t kl = strlen(key);

	for (; env && *env; env++)
		if (!strncmp(*env, key, kl) && (*env)[kl] == '=')
			return *env + kl + 1;
	return NULL;
}

/* Does the guest path name a regular file (and is it executable)? 0, -ENOENT
 * or -EACCES. */
static int probe_program(const char *path)
{
	struct nameidata nd;
	int r;

	nd_init(&nd, "/", "/", NULL, LOOKUP_FOLLOW | LOOKUP_MUST_EXIST);
	r = namei(&nd, path);
	if (r == 0 && !S_ISREG(nd.st.st_mode))
		r = -ENOENT;
	else if (r == 0 && !(nd.st.st_mode & 0111))
		r = -EACCES;
	nd_release(&nd);
	return r == 0 || r == -EACCES ? r : -ENOENT;
}

/* 0 found (guest path in out), -ENOENT, or -EACCES (found, not executable). */
static int find_program(const char *prog, char **env, char *out, size_t len)
{
	const char *path = env_get(env, "PATH");
	int best = -ENOENT;
	char cand[PATH_MAX];

	if (strchr(prog, '/')) {
		snprintf(out, len, "%s", prog);
		/* The guest's execve decides about EACCES and the rest. */
		return probe_program(prog) == -ENOENT ? -ENOENT : 0;
	}
	for (const char *p = path ? path : DEFAULT_PATH; ; ) {
		size_t dl = strcspn(p, ":");
		int r;

		snprintf(cand, sizeof(cand), "%.*s/%s", (int)dl, dl ? p : ".", prog);
		r = probe_program(cand);
		if (r == 0) {
			snprintf(out, len, "%s", cand);
			return 0;
		}
		if (r == -EACCES)
			best = -EACCES;
		if (!p[dl])
			break;
		p += dl + 1;
	}
	return best;
}

/* SIZE: a number of bytes, or with a K, M, G or T suffix (powers of 1024);
 * at least 1 MiB. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || s[0] == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v > (~0ULL >> shift) || (v << shift) < (1ULL << 20))
		return -1;
	*out = v << shift;
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "bind", required_argument, NULL, 'b' },
		{ "user", required_argument, NULL, 'u' },
		{ "ro", no_argument, NULL, 'R' },
		{ "tmpfs", required_argument, NULL, 'F' },
		{ "env", required_argument, NULL, 'e' },
		{ "trace", optional_argument, NULL, 't' },
		{ "trace-file", required_argument, NULL, 'T' },
		{ "stats", no_argument, NULL, 'S' },
		{ "spin-us", required_argument, NULL, 'P' },
		{ "memory", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = getenv("UMK_ROOT");
	uid_t user_uid = 0;
	gid_t user_gid = 0;
	char rootbuf[PATH_MAX], prog[PATH_MAX];
	char **env = NULL;
	const char *term = getenv("TERM");
	sigset_t mask, orig;
	struct cred cred;
	int c, sfd, err_fd, status, e;
	pid_t pid;
	char *termkv;

	config.hostname = "umk";
	config.spin_us = 10;
	env = env_set(env, "PATH=" DEFAULT_PATH);
	env = env_set(env, "HOME=/root");
	if (asprintf(&termkv, "TERM=%s", term && *term ? term : "dumb") < 0)
		umk_die(UMK_EXIT_FAILURE, "out of memory");
	env = env_set(env, termkv);

	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:H:e:t::m:b:u:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'b':
			if (mount_add_bind(optarg) < 0)
				return UMK_EXIT_FAILURE;
			break;
		case 'R':
			mount_set_root_ro(true);
			break;
		case 'u': {
			unsigned long u, g;
			char *end;

			errno = 0;
			u = strtoul(optarg, &end, 10);
			if (end == optarg || *end != ':' || errno || u > 0xfffffffeUL)
				umk_die(UMK_EXIT_FAILURE, "--user wants UID:GID, not '%s'", optarg);
			g = strtoul(end + 1, &end, 10);
			if (*end || errno || g > 0xfffffffeUL || !optarg[strcspn(optarg, ":") + 1])
				umk_die(UMK_EXIT_FAILURE, "--user wants UID:GID, not '%s'", optarg);
			user_uid = (uid_t)u;
			user_gid = (gid_t)g;
			break;
		}
		case 'F':
			if (mount_add_tmpfs(optarg) < 0)
				return UMK_EXIT_FAILURE;
			break;
		case 'H':
			if (strlen(optarg) > 64)
				umk_die(UMK_EXIT_FAILURE, "hostname longer than 64 bytes: %s", optarg);
			config.hostname = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				umk_die(UMK_EXIT_FAILURE, "--env wants K=V, not '%s'", optarg);
			env = env_set(env, optarg);
			break;
		case 't':
			if (!optarg)
				config.trace = 1;
			else if (!strcmp(optarg, "all"))
				config.trace = 2;
			else
				umk_die(UMK_EXIT_FAILURE, "--trace takes no value or 'all', not '%s'", optarg);
			break;
		case 'T':
			config.trace_file = fopen(optarg, "we");
			if (!config.trace_file)
				umk_die(UMK_EXIT_FAILURE, "cannot open trace file %s: %s", optarg,
					strerror(errno));
			if (!config.trace)
				config.trace = 1;
			break;
		case 'S':
			config.stats = true;
			break;
		case 'P': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || end == optarg || v > 100000)
				umk_die(UMK_EXIT_FAILURE, "--spin-us wants 0..100000, not '%s'", optarg);
			config.spin_us = (unsigned)v;
			break;
		}
		case 'm':
			if (parse_size(optarg, &config.memory_limit) < 0)
				umk_die(UMK_EXIT_FAILURE,
					"--memory wants a size of at least 1M (bytes, or with K, M, G or T), not '%s'",
					optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'umk --help'.\n");
			return UMK_EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "umk: run: no PROGRAM given\nTry 'umk --help'.\n");
		return UMK_EXIT_FAILURE;
	}
	if (!root)
		root = UMK_DEFAULT_ROOT;
	if (!realpath(root, rootbuf))
		umk_die(UMK_EXIT_FAILURE, "guest root %s: %s", root, strerror(errno));
	{
		struct stat st;

		if (stat(rootbuf, &st) < 0 || !S_ISDIR(st.st_mode))
			umk_die(UMK_EXIT_FAILURE, "guest root %s is not a directory", root);
	}
	if (!strcmp(rootbuf, "/"))
		rootbuf[0] = '\0';	/* a host root: guest paths are host paths */
	config.root = rootbuf;
	config.root_len = strlen(rootbuf);
	/* umk applies each guest's umask to what it creates for it. */
	kernel.init_umask = umask(0);
	if (mount_setup() < 0) {
		mount_cleanup();
		return UMK_EXIT_FAILURE;
	}
	atexit(mount_cleanup);
	if ((e = fakeroot_init()) < 0)
		umk_die(UMK_EXIT_FAILURE, "cannot read the guest root's ownership records: %s",
			strerror(-e));

	e = find_program(argv[optind], env, prog, sizeof(prog));
	if (e == -ENOENT)
		umk_die(UMK_EXIT_NOT_FOUND, "%s: not found in the guest", argv[optind]);
	if (e == -EACCES)
		umk_die(UMK_EXIT_CANNOT_EXEC, "%s: permission denied", argv[optind]);

	/* umk takes its children's events (and its own signals) through a signalfd. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &orig);
	/* The first guest inherits umk's mask and ignored signals, as a child
	 * of umk's parent would (nohup, a shell's background job). Raw calls:
	 * glibc hides its own signals 32 and 33, which a parent may block. */
	{
		/* orig is the kernel's old mask, 32 and 33 included. */
		memcpy(&kernel.init_blocked, &orig, sizeof(kernel.init_blocked));
		for (int s = 1; s <= 64; s++) {
			struct {
				uint64_t handler, flags, restorer, mask;
			} ka;

			if (syscall(SYS_rt_sigaction, s, NULL, &ka, 8) == 0 && ka.handler == 1)
				kernel.init_ignored |= 1ULL << (s - 1);
		}
	}
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		umk_die(UMK_EXIT_FAILURE, "signalfd: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	/* Anything orphaned below umk comes back to it to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	kernel.init_pid_ns = pid_ns_create(NULL, config.pid_max);
	if (!kernel.init_pid_ns)
		umk_die(UMK_EXIT_FAILURE, "out of memory");
	cred_init_root(&cred, user_uid, user_gid);

	cow_init();	/* without it (umk not root), forks copy eagerly */
	if ((e = mm_global_init()) < 0)
		umk_die(UMK_EXIT_FAILURE, "cannot set up guest memory: %s", strerror(-e));
	if ((e = exec_init()) < 0)
		umk_die(UMK_EXIT_FAILURE, "cannot create the exec stub: %s", strerror(-e));
	if ((e = pcache_init()) < 0)
		umk_die(UMK_EXIT_FAILURE, "cannot create the page cache: %s", strerror(-e));
	if ((e = oom_init()) < 0)
		umk_die(UMK_EXIT_FAILURE, "cannot start the memory limit's timer: %s", strerror(-e));
	if ((e = tty_setup()) < 0)
		umk_log("cannot give the guests a terminal (%s): running without one", strerror(-e));
	pid = launch_init(prog, argv + optind, env, &orig, &err_fd);
	if (pid < 0)
		umk_die(UMK_EXIT_FAILURE, "cannot start the guest: %s", strerror(errno));
	{
		const char *base = strrchr(prog, '/');
		struct task *t = task_create_init(pid, &cred, base ? base + 1 : prog);

		if (!t)
			umk_die(UMK_EXIT_FAILURE, "cannot allocate the guest's pid 1");
		t->state = TASK_RUNNING;
		/* As the launch child left the host (launch.c): on the relay, the
		 * first guest's session is a host session of its own. */
		t->host_blocked = jobctl_initial_mask(kernel.init_blocked, kernel.init_ignored);
		t->proc->session->host_session = tty_active();
	}
	tty_start();
	status = loop_run(sfd);
	tty_drain();
	if (config.stats)
		fprintf(stderr, "umk-stats: stops=%llu\n", (unsigned long long)kernel.nr_stops);

	/* Did the first execve fail? The child reports errno on a pipe. */
	if (read(err_fd, &e, sizeof(e)) == sizeof(e)) {
		if (e == ENOENT)
			umk_die(UMK_EXIT_NOT_FOUND, "%s: %s", argv[optind], strerror(e));
		umk_die(UMK_EXIT_CANNOT_EXEC, "%s: %s", argv[optind], strerror(e));
	}
	free(env);
	free(termkv);
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("umk %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--syscall-table")) {
		syscall_table_doc(stdout);
		return 0;
	}
	usage(stderr);
	return UMK_EXIT_FAILURE;
}
