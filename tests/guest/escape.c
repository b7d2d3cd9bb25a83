/*
 * Escape attempts: a guest trying to leave its file view. One line per
 * attempt with what it observed; the same lines natively (chrooted into the
 * rootfs) and under umk wherever Linux's semantics from the guest's root
 * apply.
 *
 *   escape view CANARY        `..`, symlinks, loops, a jail, hard links,
 *                             AF_UNIX paths, /proc (compared with native)
 *   escape chroot CANARY      leaving a chroot inside the guest (umk only:
 *                             natively this leaves the test's chroot)
 *   escape race-threads CANARY N / race-procs CANARY N
 *                             a directory d swapped with a symlink climbing
 *                             out to CANARY by one thread/process until the
 *                             other has made N rounds of path calls under
 *                             d; prints leak counters (all 0 on Linux)
 *   escape mnt ro|rw CANARY   a bind mount at /mnt (see test_escape.c for
 *                             what its source holds)
 *   escape roroot             a read-only root (umk --ro)
 *
 * CANARY is a host directory outside the rootfs: a path meaningless to the
 * guest except as the target of an escape. It holds `secret` (7777 bytes
 * starting "CANARY"), `canary-marker` and a listening stream socket `sock`.
 * Scratch files live in /tmp/escape.<pid>, removed at the end.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/openat2.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static const char *canary = "/nonexistent-canary";
static char up[64];		/* "../" x 16: far above any host depth */
static char work[64];		/* /tmp/escape.<pid> */
static char work_rel[64];	/* the same without the leading slash */
static struct stat root_st;	/* "/" at start */

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* "ok" or the errno's name. */
static const char *e(long r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

static char *cat3(const char *a, const char *b, const char *c)
{
	static char bufs[8][512];
	static int n;
	char *b0 = bufs[n++ % 8];

	snprintf(b0, 512, "%s%s%s", a, b, c);
	return b0;
}

/* The canary (a host path) climbed to from here: up + canary + rest. */
static char *out(const char *rest)
{
	return cat3(up, canary + 1, rest);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of a directory (a descriptor it takes over), or errno. */
static const char *ls_dir(DIR *d)
{
	static char buf[4096];
	char *names[256];
	struct dirent *de;
	int n = 0;

	if (!d)
		return strerrorname_np(errno);
	while ((de = readdir(d)) && n < 256)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strncat(buf, names[i], sizeof(buf) - strlen(buf) - 2);
		free(names[i]);
	}
	return buf;
}

static const char *ls(const char *path)
{
	return ls_dir(opendir(path));
}

static const char *lsat(int dfd, const char *path)
{
	int fd = openat(dfd, path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return strerrorname_np(errno);
	return ls_dir(fdopendir(fd));
}

/* What a path names: "root" (the guest's /), "work", "other", or errno. */
static const char *what_st(int r, const struct stat *st)
{
	struct stat w;

	if (r < 0)
		return strerrorname_np(errno);
	if (st->st_dev == root_st.st_dev && st->st_ino == root_st.st_ino)
		return "root";
	if (stat(work, &w) == 0 && st->st_dev == w.st_dev && st->st_ino == w.st_ino)
		return "work";
	return "other";
}

static const char *what(const char *path)
{
	struct stat st;

	return what_st(stat(path, &st), &st);
}

static const char *whatat(int dfd, const char *path)
{
	struct stat st;

	return what_st(fstatat(dfd, path, &st, 0), &st);
}

/* The first line of a file, or errno; "CANARY!" flags the canary. */
static const char *readf_at(int dfd, const char *path)
{
	static char buf[256];
	int fd = openat(dfd, path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return strerrorname_np(errno);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return strerrorname_np(errno);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!strncmp(buf, "CANARY", 6))
		return "CANARY!";
	return buf;
}

static const char *readf(const char *path)
{
	return readf_at(AT_FDCWD, path);
}

static long openclose(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd >= 0)
		close(fd);
	return fd;
}

static long xopenat2(int dfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };

	return syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st; (void)ftw;
	if (type == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

static void rm_rf(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_work(void)
{
	snprintf(work, sizeof(work), "/tmp/escape.%d", getpid());
	snprintf(work_rel, sizeof(work_rel), "%s", work + 1);
	rm_rf(work);
	if (mkdir(work, 0755) < 0 || chdir(work) < 0) {
		printf("setup: %s: %s\n", work, strerrorname_np(errno));
		exit(1);
	}
}

static void end(void)
{
	if (chdir("/") < 0)
		say("cleanup chdir: %s", strerrorname_np(errno));
	rm_rf(work);
	say("escape: done");
}

static long sock_at(int type, const char *path, int how)	/* 0 bind, 1 connect */
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	long r;

	if (s < 0)
		return -1;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	r = how ? connect(s, (void *)&a, sizeof(a)) : bind(s, (void *)&a, sizeof(a));
	int saved = errno;

	close(s);
	errno = saved;
	return r;
}

static long sendto_at(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	long r;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	r = sendto(s, "x", 1, 0, (void *)&a, sizeof(a));
	int saved = errno;

	close(s);
	errno = saved;
	return r;
}

static const char *ftype(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return strerrorname_np(errno);
	return S_ISLNK(st.st_mode) ? "symlink" : S_ISDIR(st.st_mode) ? "dir" :
	       S_ISSOCK(st.st_mode) ? "socket" : S_ISREG(st.st_mode) ? "file" :
	       S_ISFIFO(st.st_mode) ? "fifo" : "other";
}

/* ---- view: compared with native ------------------------------------------ */

static void dotdot(void)
{
	char cwd[256];
	int fd;

	say("dotdot /..: %s", what("/.."));
	say("dotdot /../../..: %s", what("/../../.."));
	say("dotdot ls /../..: %s", ls("/../.."));
	say("dotdot relative: %s", what(up));
	say("dotdot ls relative: %s", ls(up));
	say("dotdot relative then back: %s", what(cat3(up, work_rel, "")));
	say("dotdot /dev/..: %s", what("/dev/.."));
	say("dotdot /sys/../../..: %s", what("/sys/../../.."));
	say("dotdot /tmp/../..: %s", what("/tmp/../.."));
	say("dotdot climb to canary: %s", readf(out("/secret")));
	say("dotdot absolute canary: %s", readf(cat3(canary, "/secret", "")));
	say("dotdot stat canary dir: %s", what(canary));
	say("dotdot ls canary: %s", ls(out("")));
	say("dotdot mkdir at canary: %s", e(mkdir(out("/made"), 0755)));
	say("dotdot create at canary: %s", e(openclose(out("/made"), O_CREAT | O_WRONLY)));

	fd = open("/usr/local", O_RDONLY | O_DIRECTORY);
	say("dirfd ../../../../..: %s", whatat(fd, "../../../../.."));
	say("dirfd ls ../../../../../..: %s", lsat(fd, "../../../../../.."));
	say("dirfd climb to canary: %s", readf_at(fd, out("/secret")));
	say("dirfd climb to work: %s", whatat(fd, cat3(up, work_rel, "")));
	say("openat2 beneath ..: %s", e(xopenat2(fd, "..", O_PATH, RESOLVE_BENEATH)));
	say("openat2 beneath abs: %s", e(xopenat2(fd, "/etc", O_PATH, RESOLVE_BENEATH)));
	say("openat2 beneath climb: %s", e(xopenat2(fd, out("/secret"), O_RDONLY,
						   RESOLVE_BENEATH)));
	long r = xopenat2(fd, "../../../..", O_PATH, RESOLVE_IN_ROOT);
	struct stat a, b;

	say("openat2 in_root ..: %s", r < 0 ? strerrorname_np(errno) :
	    (fstat((int)r, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino) ? "base" :
	    "moved");
	if (r >= 0)
		close((int)r);
	say("openat2 in_root /bin: %s", ({
		long q = xopenat2(fd, "/bin", O_PATH, RESOLVE_IN_ROOT);
		struct stat s1, s2;
		const char *res = q < 0 ? strerrorname_np(errno) :
			(fstat((int)q, &s1) == 0 && stat("/usr/local/bin", &s2) == 0 &&
			 s1.st_ino == s2.st_ino) ? "base/bin" : "other";
		if (q >= 0)
			close((int)q);
		res;
	}));
	say("openat2 in_root .. directory: %s", e(xopenat2(fd, "..", O_RDONLY | O_DIRECTORY,
							    RESOLVE_IN_ROOT)));
	say("openat2 in_root climb: %s", e(xopenat2(fd, out("/secret"), O_RDONLY,
						   RESOLVE_IN_ROOT)));
	close(fd);

	say("chdir /../../..: %s", e(chdir("/../../..")));
	say("getcwd: %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerrorname_np(errno));
	say("chdir climbing: %s", e(chdir(up)));
	say("getcwd: %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerrorname_np(errno));
	if (chdir(work) < 0)
		exit(1);
}

static void symlinks(void)
{
	char buf[512];
	ssize_t n;

	symlink(cat3(canary, "/secret", ""), "abs");
	symlink(out("/secret"), "rel");
	symlink(out(""), "reldir");
	symlink(canary, "absdir");
	symlink(up, "upl");
	symlink("/", "slash");
	symlink("/..", "rootdotdot");
	symlink(cat3(up, "etc/passwd", ""), "pw");

	say("symlink abs open: %s", readf("abs"));
	say("symlink abs stat: %s", what("abs"));
	say("symlink abs lstat: %s", ftype("abs"));
	n = readlink("abs", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	say("symlink abs readlink: %s", n < 0 ? strerrorname_np(errno) :
	    !strcmp(buf, cat3(canary, "/secret", "")) ? "target" : buf);
	say("symlink rel open: %s", readf("rel"));
	say("symlink rel stat: %s", what("rel"));
	say("symlink rel create: %s", e(openclose("rel", O_CREAT | O_WRONLY)));
	say("symlink reldir ls: %s", ls("reldir"));
	say("symlink reldir open: %s", readf("reldir/secret"));
	say("symlink reldir marker: %s", what("reldir/canary-marker"));
	say("symlink reldir mkdir: %s", e(mkdir("reldir/x", 0755)));
	say("symlink reldir create: %s", e(openclose("reldir/new", O_CREAT | O_WRONLY)));
	say("symlink reldir unlink: %s", e(unlink("reldir/secret")));
	say("symlink reldir rename: %s", e(rename("reldir/secret", "stolen")));
	say("symlink reldir chmod: %s", e(chmod("reldir/secret", 0600)));
	say("symlink reldir chown: %s", e(chown("reldir/secret", 1, 1)));
	say("symlink reldir utimes: %s", e(utimensat(AT_FDCWD, "reldir/secret", NULL, 0)));
	say("symlink reldir truncate: %s", e(truncate("reldir/secret", 0)));
	say("symlink reldir access: %s", e(access("reldir/secret", F_OK)));
	say("symlink reldir chdir: %s", e(chdir("reldir")));
	say("symlink reldir symlink: %s", e(symlink("x", "reldir/s")));
	say("symlink reldir getxattr: %s", e(getxattr("reldir/secret", "user.x", buf, 8)));
	say("symlink rel chmod: %s", e(chmod("rel", 0600)));
	say("symlink rel truncate: %s", e(truncate("rel", 0)));
	say("symlink absdir open: %s", readf("absdir/secret"));
	say("symlink absdir mkdir: %s", e(mkdir("absdir/x", 0755)));
	say("symlink upl: %s", what("upl"));
	say("symlink upl/..: %s", what("upl/.."));
	say("symlink upl to work: %s", what(cat3("upl/", work_rel, "")));
	say("symlink slash/../..: %s", what("slash/../.."));
	say("symlink rootdotdot/..: %s", what("rootdotdot/.."));
	say("symlink pw: %s", readf("pw"));
	say("symlink chdir upl: %s", e(chdir("upl")));
	say("symlink cwd is: %s", what("."));
	if (chdir(work) < 0)
		exit(1);
}

static void loops(void)
{
	char a[16], b[16];

	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	symlink("self", "self");
	symlink("dl/x", "dl");
	symlink(out("/loopback"), "outloop");	/* would loop back only outside */
	say("loop open: %s", e(openclose("loop1", O_RDONLY)));
	say("loop stat: %s", what("loop1"));
	say("loop lstat: %s", ftype("loop1"));
	say("loop create: %s", e(openclose("loop1", O_CREAT | O_WRONLY)));
	say("loop self: %s", e(openclose("self", O_RDONLY)));
	say("loop through dir: %s", e(openclose("dl", O_RDONLY)));
	say("loop mkdir under: %s", e(mkdir("loop1/x", 0755)));
	say("loop chdir: %s", e(chdir("loop1")));
	say("loop outside: %s", e(openclose("outloop", O_RDONLY)));

	/* c40 -> target, c39 -> c40, ..., c0 -> c1: opening c1 follows 40 links. */
	close(open("target", O_CREAT | O_WRONLY, 0644));
	symlink("target", "c40");
	for (int i = 39; i >= 0; i--) {
		snprintf(a, sizeof(a), "c%d", i);
		snprintf(b, sizeof(b), "c%d", i + 1);
		symlink(b, a);
	}
	say("chain 40 links: %s", e(openclose("c1", O_RDONLY)));
	say("chain 41 links: %s", e(openclose("c0", O_RDONLY)));
	say("chain 41 stat: %s", what("c0"));
}

/* A chroot into a directory of the view: `..` stops at its root. */
static void jail(void)
{
	pid_t pid;
	int st;

	mkdir("jail", 0755);
	mkdir("jail/inner", 0755);
	close(open("jail/marker", O_CREAT | O_WRONLY, 0644));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char cwd[256];

		if (chroot("jail") < 0 || chdir("/") < 0) {
			say("jail: %s", strerrorname_np(errno));
			_exit(1);
		}
		say("jail ls /..: %s", ls("/.."));
		say("jail ls climbing: %s", ls(up));
		say("jail ls inner/../../..: %s", ls("inner/../../.."));
		say("jail passwd: %s", readf("/etc/passwd"));
		say("jail climb passwd: %s", readf(cat3(up, "etc/passwd", "")));
		say("jail climb canary: %s", readf(out("/secret")));
		say("jail chdir climbing: %s", e(chdir(up)));
		say("jail getcwd: %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerrorname_np(errno));
		symlink("/../../..", "/inner/ln");
		say("jail symlink out: %s", ls("/inner/ln"));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	say("jail child: %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void hardlinks(void)
{
	char cl[512];

	close(open("own", O_CREAT | O_WRONLY, 0644));
	say("link symlink itself: %s", e(link("rel", "hl")));
	say("link hl lstat: %s", ftype("hl"));
	say("link hl open: %s", readf("hl"));
	say("link follow symlink: %s", e(linkat(AT_FDCWD, "rel", AT_FDCWD, "hl2",
						AT_SYMLINK_FOLLOW)));
	say("link follow absdir: %s", e(linkat(AT_FDCWD, "abs", AT_FDCWD, "hl3",
					       AT_SYMLINK_FOLLOW)));
	say("link through reldir: %s", e(link("reldir/secret", "hl4")));
	say("link absolute canary: %s", e(link(cat3(canary, "/secret", ""), "hl5")));
	say("link climbing canary: %s", e(link(out("/secret"), "hl6")));
	say("link into canary: %s", e(link("own", out("/planted"))));
	say("link into reldir: %s", e(link("own", "reldir/planted")));
	snprintf(cl, sizeof(cl), "%s%s/own", up, work_rel);
	say("link climbing inside: %s", e(link(cl, "hl7")));
	say("link hl7: %s", ftype("hl7"));
}

static void sockets(void)
{
	char p[200];

	say("unix connect abs: %s", e(sock_at(SOCK_STREAM, cat3(canary, "/sock", ""), 1)));
	say("unix connect climbing: %s", e(sock_at(SOCK_STREAM, out("/sock"), 1)));
	symlink(cat3(canary, "/sock", ""), "sockabs");
	symlink(out("/sock"), "sockrel");
	say("unix connect via abs symlink: %s", e(sock_at(SOCK_STREAM, "sockabs", 1)));
	say("unix connect via rel symlink: %s", e(sock_at(SOCK_STREAM, "sockrel", 1)));
	say("unix connect via reldir: %s", e(sock_at(SOCK_STREAM, "reldir/sock", 1)));
	say("unix connect via upl: %s", e(sock_at(SOCK_STREAM, cat3("upl/", canary + 1, "/sock"),
						  1)));
	say("unix sendto abs: %s", e(sendto_at(cat3(canary, "/sock", ""))));
	say("unix sendto climbing: %s", e(sendto_at(out("/sock"))));
	say("unix bind climbing out: %s", e(sock_at(SOCK_STREAM, out("/bound"), 0)));
	say("unix bind via reldir: %s", e(sock_at(SOCK_STREAM, "reldir/bound", 0)));
	say("unix bind via dangling symlink: %s", e(sock_at(SOCK_STREAM, "rel", 0)));
	snprintf(p, sizeof(p), "%s%s/bound", up, work_rel);
	say("unix bind climbing inside: %s", e(sock_at(SOCK_DGRAM, p, 0)));
	say("unix bound is: %s", ftype("bound"));
	say("unix sendto bound: %s", e(sendto_at("bound")));
}

static void proc(void)
{
	say("proc root: %s", readf(cat3("/proc/self/root", canary, "/secret")));
	say("proc cwd: %s", readf(cat3("/proc/self/cwd/", out("/secret"), "")));
	say("proc 1 root: %s", readf(cat3("/proc/1/root", canary, "/secret")));
}

/* ---- chroot: umk only ----------------------------------------------------- */

static void chroot_escapes(void)
{
	int rootfd = open("/", O_RDONLY | O_DIRECTORY);
	int workfd = open(".", O_RDONLY | O_DIRECTORY);
	pid_t pid;
	int st;

	mkdir("jail", 0755);
	mkdir("jail/inner", 0755);
	fflush(stdout);

	/* The classic: chroot with the cwd outside the new root, then climb. */
	pid = fork();
	if (pid == 0) {
		char cwd[256];

		say("classic chroot: %s", e(chroot("jail")));
		say("classic cwd: %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerrorname_np(errno));
		for (int i = 0; i < 20; i++)
			chdir("..");
		say("classic after climbing: %s", what("."));
		say("classic ls: %s", ls("."));
		say("classic climb canary: %s", readf(out("/secret")));
		say("classic abs canary: %s", readf(cat3(canary, "/secret", "")));
		say("classic chroot .: %s", e(chroot(".")));
		say("classic / is: %s", what("/"));
		say("classic /.. is: %s", what("/.."));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	say("classic child: %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	/* Twice nested, cwd in the inner jail's parent. */
	pid = fork();
	if (pid == 0) {
		say("nested chroot jail: %s", e(chroot("jail")));
		say("nested chdir /: %s", e(chdir("/")));
		say("nested chroot inner: %s", e(chroot("inner")));
		for (int i = 0; i < 20; i++)
			chdir("..");
		say("nested after climbing: %s", what("."));
		say("nested climb canary: %s", readf(out("/secret")));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	say("nested child: %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	/* fchdir to a descriptor opened before the chroot. */
	pid = fork();
	if (pid == 0) {
		char cwd[256];

		say("fchdir chroot: %s", e(chroot("jail")));
		say("fchdir chdir /: %s", e(chdir("/")));
		say("fchdir to old root: %s", e(fchdir(rootfd)));
		say("fchdir getcwd: %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerrorname_np(errno));
		for (int i = 0; i < 20; i++)
			chdir("..");
		say("fchdir after climbing: %s", what("."));
		say("fchdir ls: %s", ls("."));
		say("fchdir climb canary: %s", readf(out("/secret")));
		say("fchdir to old work: %s", e(fchdir(workfd)));
		say("fchdir climbing relative: %s", what(up));
		say("fchdir openat climbing: %s", whatat(workfd, up));
		say("fchdir openat canary: %s", readf_at(workfd, out("/secret")));
		say("fchdir openat root fd ..: %s", whatat(rootfd, "../.."));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	say("fchdir child: %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	close(rootfd);
	close(workfd);
}

/* ---- races ---------------------------------------------------------------- */

static int iters = 2000;

struct counters {
	long read, stat, dir, conn, link, cwd, odd;
};

static void odd(struct counters *c, const char *op, int err)
{
	c->odd++;
	if (c->odd <= 5)
		fprintf(stderr, "race: %s: unexpected %s\n", op, strerrorname_np(err));
}

/* An outcome that only the swap explains (the name is a climbing symlink
 * then): ENOENT, plus what is listed. */
static bool fine(int err, int ok1, int ok2)
{
	return err == ENOENT || err == ok1 || err == ok2;
}

static void probe(struct counters *c)
{
	struct stat st;
	char buf[16];
	int fd;

	for (int i = 0; i < iters; i++) {
		fd = open("d/secret", O_RDONLY);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n >= 6 && !strncmp(buf, "CANARY", 6))
				c->read++;
			close(fd);
		} else if (!fine(errno, 0, 0)) {
			odd(c, "open", errno);
		}
		if (stat("d/secret", &st) == 0) {
			if (st.st_size != 7)
				c->stat++;
		} else if (!fine(errno, 0, 0)) {
			odd(c, "stat", errno);
		}
		DIR *d = opendir("d");

		if (d) {
			struct dirent *de;

			while ((de = readdir(d)))
				if (!strcmp(de->d_name, "canary-marker") || !strcmp(de->d_name, "sock"))
					c->dir++;
			closedir(d);
		} else if (!fine(errno, 0, 0)) {
			odd(c, "opendir", errno);
		}
		if (mkdir("d/m", 0755) < 0 && !fine(errno, EEXIST, 0))
			odd(c, "mkdir", errno);
		if (rmdir("d/m") < 0 && !fine(errno, 0, 0))
			odd(c, "rmdir", errno);
		fd = open("d/c", O_CREAT | O_WRONLY, 0644);
		if (fd >= 0)
			close(fd);
		else if (!fine(errno, 0, 0))
			odd(c, "create", errno);
		if (unlink("d/c") < 0 && !fine(errno, 0, 0))
			odd(c, "unlink", errno);
		if (chmod("d/secret", 0640) < 0 && !fine(errno, 0, 0))
			odd(c, "chmod", errno);
		if (utimensat(AT_FDCWD, "d/secret", NULL, 0) < 0 && !fine(errno, 0, 0))
			odd(c, "utimens", errno);
		if (truncate("d/secret", 7) < 0 && !fine(errno, 0, 0))
			odd(c, "truncate", errno);
		if (link("d/secret", "hl") == 0) {
			const char *r = readf("hl");

			if (!strcmp(r, "CANARY!"))
				c->link++;
			unlink("hl");
		} else if (!fine(errno, 0, 0)) {
			odd(c, "link", errno);
		}
		if (rename("d/secret", "d/secret2") == 0) {
			if (rename("d/secret2", "d/secret") < 0 && !fine(errno, 0, 0))
				odd(c, "rename back", errno);
		} else if (!fine(errno, 0, 0)) {
			odd(c, "rename", errno);
		}
		if (sock_at(SOCK_STREAM, "d/s", 0) < 0 && !fine(errno, EADDRINUSE, 0))
			odd(c, "bind", errno);
		if (unlink("d/s") < 0 && !fine(errno, 0, 0))
			odd(c, "unlink sock", errno);
		/* No d/sock is ever inside: anything but ENOENT reached one outside. */
		if (sock_at(SOCK_STREAM, "d/sock", 1) == 0 || errno != ENOENT)
			c->conn++;
		if (sendto_at("d/sock") == 0 || errno != ENOENT)
			c->conn++;
	}
}

/* Set by the prober when it is done (shared with a swapper process). */
static volatile int *probe_done;

/* Swap until the prober is done (it makes many calls per swap). */
static void swap(void)
{
	for (int i = 0; !__atomic_load_n(probe_done, __ATOMIC_ACQUIRE) && i < 1000000; i++)
		syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "l", RENAME_EXCHANGE);
}

static void *swap_thread(void *arg)
{
	(void)arg;
	swap();
	return NULL;
}

static void race(bool threads)
{
	struct counters c = { 0 };
	struct stat st;
	int fd;

	mkdir("d", 0755);
	fd = open("d/secret", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "inside\n", 7) != 7) {
		say("race setup: %s", strerrorname_np(errno));
		exit(1);
	}
	close(fd);
	symlink(out(""), "l");
	probe_done = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (probe_done == MAP_FAILED) {
		say("race mmap: %s", strerrorname_np(errno));
		exit(1);
	}
	fflush(stdout);
	if (threads) {
		pthread_t th;

		pthread_create(&th, NULL, swap_thread, NULL);
		probe(&c);
		__atomic_store_n(probe_done, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
	} else {
		pid_t pid = fork();
		int ws;

		if (pid == 0) {
			swap();
			_exit(0);
		}
		probe(&c);
		__atomic_store_n(probe_done, 1, __ATOMIC_RELEASE);
		waitpid(pid, &ws, 0);
	}
	/* The directory is back at d, its secret at d/secret. */
	if (lstat("d", &st) == 0 && S_ISLNK(st.st_mode))
		syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "l", RENAME_EXCHANGE);
	rename("d/secret2", "d/secret");
	say("race %s: canary read %ld, canary stat %ld, canary listed %ld, canary connect %ld, "
	    "canary linked %ld", threads ? "threads" : "processes", c.read, c.stat, c.dir,
	    c.conn, c.link);
	say("race %s: unexpected errors %ld", threads ? "threads" : "processes", c.odd);
	say("race %s: d is %s, l is %s, secret %s", threads ? "threads" : "processes",
	    ftype("d"), ftype("l"), readf("d/secret"));
}

/* ---- mounts ---------------------------------------------------------------- */

/*
 * /mnt is a bind mount of a host directory holding f ("bound"), sub/,
 * up -> ../canary/secret, updir -> ../../canary, pw -> ../etc/passwd.
 */
static void mnt(bool rw)
{
	char buf[8];

	say("mnt ls: %s", ls("/mnt"));
	say("mnt read: %s", readf("/mnt/f"));
	say("mnt ..: %s", what("/mnt/.."));
	say("mnt ../../..: %s", what("/mnt/../../.."));
	say("mnt sub/../../..: %s", what("/mnt/sub/../../.."));
	say("mnt symlink up: %s", readf("/mnt/up"));
	say("mnt symlink updir: %s", ls("/mnt/updir"));
	say("mnt symlink pw: %s", readf("/mnt/pw"));
	say("mnt ../canary: %s", readf("/mnt/../canary/secret"));
	say("mnt chdir: %s", e(chdir("/mnt/sub")));
	say("mnt climbing: %s", what(up));
	say("mnt climbing to canary: %s", readf(out("/secret")));
	if (chdir(work) < 0)
		exit(1);
	/* Writes. */
	say("mnt open wronly: %s", e(openclose("/mnt/f", O_WRONLY)));
	say("mnt open rdwr: %s", e(openclose("/mnt/f", O_RDWR)));
	say("mnt open append: %s", e(openclose("/mnt/f", O_WRONLY | O_APPEND)));
	say("mnt open trunc: %s", e(openclose("/mnt/f", O_RDONLY | O_TRUNC)));
	say("mnt open creat: %s", e(openclose("/mnt/new", O_CREAT | O_WRONLY)));
	say("mnt open creat excl: %s", e(openclose("/mnt/new2", O_CREAT | O_EXCL | O_RDWR)));
	say("mnt open dir rdonly: %s", e(openclose("/mnt/sub", O_RDONLY | O_DIRECTORY)));
	say("mnt access w: %s", e(access("/mnt/f", W_OK)));
	say("mnt access r: %s", e(access("/mnt/f", R_OK)));
	say("mnt mkdir: %s", e(mkdir("/mnt/newdir", 0755)));
	say("mnt rmdir: %s", e(rmdir(rw ? "/mnt/newdir" : "/mnt/sub")));
	say("mnt symlink: %s", e(symlink("x", "/mnt/sl")));
	say("mnt unlink symlink: %s", e(unlink("/mnt/sl")));
	say("mnt mkfifo: %s", e(mkfifo("/mnt/fifo", 0644)));
	say("mnt unlink fifo: %s", e(unlink("/mnt/fifo")));
	say("mnt link: %s", e(link("/mnt/f", "/mnt/g")));
	say("mnt rename within: %s", e(rename(rw ? "/mnt/g" : "/mnt/f", "/mnt/h")));
	say("mnt unlink: %s", e(unlink(rw ? "/mnt/h" : "/mnt/f")));
	say("mnt chmod: %s", e(chmod("/mnt/f", 0600)));
	say("mnt chmod back: %s", e(chmod("/mnt/f", 0666)));
	say("mnt chown: %s", e(chown("/mnt/f", -1, -1)));
	say("mnt utimes: %s", e(utimensat(AT_FDCWD, "/mnt/f", NULL, 0)));
	say("mnt truncate: %s", e(truncate("/mnt/f", 6)));
	say("mnt setxattr: %s", e(setxattr("/mnt/f", "user.x", "1", 1, 0)));
	say("mnt removexattr: %s", e(removexattr("/mnt/f", "user.x")));
	say("mnt getxattr: %s", e(getxattr("/mnt/f", "user.none", buf, sizeof(buf))));
	close(open("own", O_CREAT | O_WRONLY, 0644));
	say("mnt rename out: %s", e(rename("/mnt/f", "own2")));
	say("mnt rename in: %s", e(rename("own", "/mnt/own")));
	say("mnt link out: %s", e(link("/mnt/f", "own3")));
	say("mnt link in: %s", e(link("own", "/mnt/own")));
	say("mnt unix bind: %s", e(sock_at(SOCK_DGRAM, "/mnt/sock", 0)));
	unlink("/mnt/sock");
	unlink("/mnt/new");
	unlink("/mnt/new2");
	say("mnt read again: %s", readf("/mnt/f"));
	say("mnt ls again: %s", ls("/mnt"));
}

/* umk --ro: the root is read-only, /tmp and /dev/shm are writable. */
static void roroot(void)
{
	int fd;

	say("ro read: %s", readf("/etc/passwd"));
	say("ro open wronly: %s", e(openclose("/etc/passwd", O_WRONLY)));
	say("ro open trunc: %s", e(openclose("/etc/passwd", O_RDONLY | O_TRUNC)));
	say("ro create /: %s", e(openclose("/newfile", O_CREAT | O_WRONLY)));
	say("ro create /usr: %s", e(openclose("/usr/newfile", O_CREAT | O_WRONLY)));
	say("ro mkdir: %s", e(mkdir("/newdir", 0755)));
	say("ro rmdir: %s", e(rmdir("/mnt")));
	say("ro unlink: %s", e(unlink("/etc/passwd")));
	say("ro rename: %s", e(rename("/etc/passwd", "/etc/pw")));
	say("ro link: %s", e(link("/etc/passwd", "/etc/pw")));
	say("ro symlink: %s", e(symlink("x", "/etc/sl")));
	say("ro mkfifo: %s", e(mkfifo("/fifo", 0644)));
	say("ro chmod: %s", e(chmod("/etc/passwd", 0600)));
	say("ro chown: %s", e(chown("/etc/passwd", 1, 1)));
	say("ro utimes: %s", e(utimensat(AT_FDCWD, "/etc/passwd", NULL, 0)));
	say("ro truncate: %s", e(truncate("/etc/passwd", 0)));
	say("ro access w: %s", e(access("/etc/passwd", W_OK)));
	say("ro unix bind: %s", e(sock_at(SOCK_DGRAM, "/etc/sock", 0)));
	say("ro tmp ls: %s", ls("/tmp"));
	say("ro tmp unix bind: %s", e(sock_at(SOCK_DGRAM, "/tmp/sock", 0)));
	say("ro tmp unlink sock: %s", e(unlink("/tmp/sock")));
	fd = open("/tmp/x", O_CREAT | O_RDWR, 0644);
	say("ro tmp create: %s", e(fd));
	say("ro tmp write: %s", e(write(fd, "tmpdata\n", 8)));
	close(fd);
	say("ro tmp read: %s", readf("/tmp/x"));
	say("ro tmp mkdir: %s", e(mkdir("/tmp/d", 0755)));
	say("ro tmp rename out: %s", e(rename("/tmp/x", "/x")));
	say("ro tmp link out: %s", e(link("/tmp/x", "/etc/x")));
	say("ro tmp rename within: %s", e(rename("/tmp/x", "/tmp/d/x")));
	say("ro tmp unlink: %s", e(unlink("/tmp/d/x")));
	say("ro tmp rmdir: %s", e(rmdir("/tmp/d")));
	say("ro tmp ..: %s", what("/tmp/.."));
	fd = open("/dev/shm/y", O_CREAT | O_RDWR, 0644);
	say("ro shm create: %s", e(fd));
	close(fd);
	say("ro shm unlink: %s", e(unlink("/dev/shm/y")));
	say("ro shm ../..: %s", what("/dev/shm/../.."));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 2; i < argc; i++) {
		if (argv[i][0] == '/')
			canary = argv[i];
		else if (argv[i][0] >= '0' && argv[i][0] <= '9')
			iters = atoi(argv[i]);
	}
	for (int i = 0; i < 16; i++)
		strcat(up, "../");
	if (stat("/", &root_st) < 0)
		return 1;
	umask(022);

	if (!strcmp(mode, "roroot")) {
		roroot();
		say("escape: done");
		return 0;
	}
	make_work();
	if (!strcmp(mode, "view")) {
		dotdot();
		symlinks();
		loops();
		jail();
		hardlinks();
		sockets();
		proc();
	} else if (!strcmp(mode, "chroot")) {
		chroot_escapes();
	} else if (!strcmp(mode, "race-threads") || !strcmp(mode, "race-procs")) {
		race(!strcmp(mode, "race-threads"));
	} else if (!strcmp(mode, "mnt") && argc > 2) {
		mnt(!strcmp(argv[2], "rw"));
	} else {
		fprintf(stderr, "usage: escape view|chroot|race-threads|race-procs CANARY [N] | "
			"mnt ro|rw CANARY | roroot\n");
		return 2;
	}
	end();
	return 0;
}
