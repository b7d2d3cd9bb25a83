/*
 * The escape suite: a guest trying every way out of its file view (`..`
 * past the root, symlinks climbing out, loops, chroot tricks, rename races,
 * hard links, AF_UNIX paths, bind-mount edges, read-only mounts).
 *
 * Canaries live on the host outside the rootfs and outside the bind sources:
 * a fresh /tmp/umk-escape.XXXXXX holding canary/ (secret, canary-marker and
 * a listening AF_UNIX stream socket `sock`, all world-writable so host
 * permissions hide no escape) and src/, the bind source, a sibling of
 * canary/. During every umk run they are watched with inotify; afterwards
 * there must have been no event, their stat data and content are unchanged,
 * and nobody connected to the socket.
 *
 * The guest program (tests/guest/escape.c) prints one line per attempt.
 * Where Linux's semantics from the guest's root apply, its output under umk
 * (as the caller and, when root, as nobody) must equal a native run chrooted
 * into the rootfs; the mounts umk offers are rebuilt natively in a private
 * mount namespace (a bind, a read-only bind, a read-only root with tmpfs /tmp).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <check.h>
#include "harness.h"

#define ESCAPE "/usr/local/bin/escape"
#define RACE_ITERS "1500"
#define SECRET_SIZE 7777

static char top[PATH_MAX], cdir[PATH_MAX], src[PATH_MAX];
static int lsock = -1;

static void path_in(char *out, const char *dir, const char *name)
{
	if (snprintf(out, PATH_MAX, "%s%s%s", dir, *name ? "/" : "", name) >= PATH_MAX)
		abort();
}

static void write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		abort();
	}
	fchmod(fd, mode);
	close(fd);
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

/* The bind source, afresh: f ("bound"), sub/, and symlinks climbing out of
 * it (to the canary on the host; to nothing, or the guest's own files, in
 * the guest). */
static void make_src(void)
{
	char p[PATH_MAX];

	rm_rf(src);
	if (mkdir(src, 0777) < 0)
		abort();
	chmod(src, 0777);
	path_in(p, src, "f");
	write_file(p, "bound\n", 6, 0666);
	path_in(p, src, "sub");
	mkdir(p, 0777);
	chmod(p, 0777);
	path_in(p, src, "up");
	symlink("../canary/secret", p);
	path_in(p, src, "updir");
	symlink("../../canary", p);
	path_in(p, src, "pw");
	symlink("../etc/passwd", p);
}

/* Unchecked fixture (the runner's process): the canaries. */
static void canary_setup(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char secret[SECRET_SIZE], p[PATH_MAX];

	snprintf(top, sizeof(top), "/tmp/umk-escape.XXXXXX");
	if (!mkdtemp(top))
		abort();
	chmod(top, 0755);
	path_in(cdir, top, "canary");
	path_in(src, top, "src");
	if (mkdir(cdir, 0777) < 0)
		abort();
	chmod(cdir, 0777);
	memset(secret, 'x', sizeof(secret));
	memcpy(secret, "CANARY", 6);
	secret[sizeof(secret) - 1] = '\n';
	path_in(p, cdir, "secret");
	write_file(p, secret, sizeof(secret), 0666);
	path_in(p, cdir, "canary-marker");
	write_file(p, "marker\n", 7, 0666);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (snprintf(a.sun_path, sizeof(a.sun_path), "%s/sock", cdir) >= (int)sizeof(a.sun_path) ||
	    lsock < 0 || bind(lsock, (void *)&a, sizeof(a)) < 0 || listen(lsock, 64) < 0) {
		perror("canary socket");
		abort();
	}
	chmod(a.sun_path, 0777);
	make_src();
}

static void canary_teardown(void)
{
	if (lsock >= 0)
		close(lsock);
	lsock = -1;
	if (top[0])
		rm_rf(top);
	top[0] = '\0';
}

static const char *sorted_names(const char *dir)
{
	static char buf[1024];
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);

	buf[0] = '\0';
	if (n < 0)
		return strerror(errno);
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")) {
			if (buf[0])
				strcat(buf, ",");
			strncat(buf, list[i]->d_name, sizeof(buf) - strlen(buf) - 2);
		}
		free(list[i]);
	}
	free(list);
	return buf;
}

/* ---- watching the canaries ------------------------------------------------ */

#define NWATCH 4
static const char *const watched[NWATCH] = {
	"", "canary", "canary/secret", "canary/canary-marker",
};

/* Rootfs directories no run may add to (only /tmp is the guests'). */
#define NROOTDIRS 3
static const char *const rootdirs[NROOTDIRS] = { "", "etc", "usr" };

struct watch {
	int fd;
	int wd[NWATCH];
	struct stat st[NWATCH];
	char rootnames[NROOTDIRS][1024];
};

static void stat_all(struct stat st[NWATCH])
{
	char p[PATH_MAX];

	for (int i = 0; i < NWATCH; i++) {
		path_in(p, top, watched[i]);
		ck_assert_msg(lstat(p, &st[i]) == 0, "canary %s: %s", p, strerror(errno));
	}
}

/* Remove what an escape left in the canary directories (so that one
 * test's failure does not fail the next): anything but what setup made. */
static void canary_restore(void)
{
	static const char *const keep[][2] = {
		{ "canary", "canary-marker" }, { "canary", "secret" }, { "canary", "sock" },
		{ "", "canary" }, { "", "src" },
	};
	const char *dirs[2] = { cdir, top };

	for (int d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;

		while (dir && (de = readdir(dir))) {
			bool ok = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
			char p[PATH_MAX];

			for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
				ok |= !strcmp(keep[i][0], d ? "" : "canary") &&
				      !strcmp(keep[i][1], de->d_name);
			if (!ok) {
				path_in(p, dirs[d], de->d_name);
				rm_rf(p);
			}
		}
		if (dir)
			closedir(dir);
	}
}

static void watch_start(struct watch *w)
{
	char p[PATH_MAX];

	canary_restore();
	stat_all(w->st);
	for (int i = 0; i < NROOTDIRS; i++) {
		path_in(p, harness_root(), rootdirs[i]);
		snprintf(w->rootnames[i], sizeof(w->rootnames[i]), "%s", sorted_names(p));
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ck_assert_int_ge(w->fd, 0);
	for (int i = 0; i < NWATCH; i++) {
		path_in(p, top, watched[i]);
		w->wd[i] = inotify_add_watch(w->fd, p, IN_OPEN | IN_ACCESS | IN_MODIFY | IN_ATTRIB |
					     IN_CREATE | IN_DELETE | IN_MOVED_FROM |
					     IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
					     IN_CLOSE_WRITE);
		ck_assert_msg(w->wd[i] >= 0, "inotify_add_watch %s: %s", p, strerror(errno));
	}
}

static void __attribute__((format(printf, 3, 4))) note(char *msg, size_t size, const char *fmt, ...)
{
	size_t o = strlen(msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg + o, size - o, fmt, ap);
	va_end(ap);
}

/* What a run touched outside the view: "" when nothing. */
static const char *watch_check(struct watch *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	static char msg[2048];
	struct stat now[NWATCH];
	char p[PATH_MAX], content[SECRET_SIZE + 16];
	const char *names;
	ssize_t n;
	int nev = 0, fd, c;

#define NOTE(...) note(msg, sizeof(msg), __VA_ARGS__)
	msg[0] = '\0';
	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *q = buf; q < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)q;
			int i;

			q += sizeof(*ev) + ev->len;
			for (i = 0; i < NWATCH && w->wd[i] != ev->wd; i++)
				;
			/* The bind source is the guest's to use. */
			if (i == 0 && ev->len && !strcmp(ev->name, "src"))
				continue;
			if (ev->mask & IN_IGNORED)
				continue;
			if (nev++ < 8)
				NOTE("\n  inotify: %s%s%s mask 0x%x", i < NWATCH ? watched[i] : "?",
				     ev->len ? "/" : "", ev->len ? ev->name : "", ev->mask);
		}
	}
	close(w->fd);
	if (nev > 8)
		NOTE("\n  inotify: %d events in all", nev);

	stat_all(now);
	for (int i = 0; i < NWATCH; i++) {
		const struct stat *a = &w->st[i], *b = &now[i];

		if (a->st_ino != b->st_ino || a->st_mode != b->st_mode ||
		    a->st_size != b->st_size || a->st_nlink != b->st_nlink ||
		    a->st_uid != b->st_uid || a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
		    a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
		    a->st_ctim.tv_sec != b->st_ctim.tv_sec ||
		    a->st_ctim.tv_nsec != b->st_ctim.tv_nsec)
			NOTE("\n  canary %s changed (mode %o->%o size %ld->%ld nlink %ld->%ld, or times)",
			     *watched[i] ? watched[i] : top, a->st_mode, b->st_mode,
			     (long)a->st_size, (long)b->st_size, (long)a->st_nlink,
			     (long)b->st_nlink);
	}
	path_in(p, cdir, "secret");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, content, sizeof(content));
	if (fd >= 0)
		close(fd);
	if (n != SECRET_SIZE || memcmp(content, "CANARY", 6) || content[SECRET_SIZE - 2] != 'x')
		NOTE("\n  canary secret's content changed");
	if (strcmp((names = sorted_names(cdir)), "canary-marker,secret,sock"))
		NOTE("\n  %s now holds %s", cdir, names);
	if (strcmp((names = sorted_names(top)), "canary,src"))
		NOTE("\n  %s now holds %s", top, names);
	/* Nothing new in the rootfs outside /tmp (removed, so that a failure
	 * leaves the rootfs clean). */
	for (int i = 0; i < NROOTDIRS; i++) {
		char dir[PATH_MAX], was[1030];
		DIR *d;
		struct dirent *de;

		path_in(dir, harness_root(), rootdirs[i]);
		snprintf(was, sizeof(was), ",%s,", w->rootnames[i]);
		for (d = opendir(dir); d && (de = readdir(d));) {
			char name[NAME_MAX + 3];

			snprintf(name, sizeof(name), ",%s,", de->d_name);
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			    strstr(was, name))
				continue;
			NOTE("\n  /%s%s%s appeared in the rootfs", rootdirs[i], *rootdirs[i] ? "/" : "",
			     de->d_name);
			path_in(p, dir, de->d_name);
			rm_rf(p);
		}
		if (d)
			closedir(d);
	}
	/* No connection ever reached the host's socket. */
	for (int i = 0; (c = accept4(lsock, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0; i++) {
		close(c);
		if (!i)
			NOTE("\n  a guest connected to the host's socket %s/sock", cdir);
	}
#undef NOTE
	return msg;
}

/* ---- runs ------------------------------------------------------------------ */

/* Natively, chrooted into the rootfs after the shell commands setup (run in
 * a private mount namespace; %R in setup stands for the rootfs path). */
static void native_in(struct run_result *r, const char *setup, const char *const argv[])
{
	char mount_proc[PATH_MAX + 32], script[4 * PATH_MAX];
	const char *av[64];
	size_t o = 0;
	int n = 0;

	for (const char *s = setup ? setup : "true"; *s && o < sizeof(script) - PATH_MAX - 64; s++) {
		if (s[0] == '%' && s[1] == 'R') {
			o += (size_t)snprintf(script + o, sizeof(script) - o, "'%s'", harness_root());
			s++;
		} else {
			script[o++] = *s;
		}
	}
	snprintf(script + o, sizeof(script) - o, " && exec /usr/sbin/chroot '%s' \"$@\"",
		 harness_root());
	snprintf(mount_proc, sizeof(mount_proc), "--mount-proc=%s/proc", harness_root());
	av[n++] = "/usr/bin/unshare";
	if (!harness_is_root())
		av[n++] = "-r";
	av[n++] = "-m";
	av[n++] = "-pf";
	av[n++] = mount_proc;
	av[n++] = "/bin/sh";
	av[n++] = "-c";
	av[n++] = script;
	av[n++] = "sh";
	for (int i = 0; argv[i] && n < 63; i++)
		av[n++] = argv[i];
	av[n] = NULL;
	ck_assert_int_eq(h_run(r, 0, 60, NULL, av), 0);
	ck_assert_msg(!r->timed_out, "native run timed out");
	ck_assert_msg(!strstr(r->err, "unshare:") && !strstr(r->err, "chroot:") &&
		      !strstr(r->err, "mount:"), "native run failed to start: %s", r->err);
}

/* The lines where got and want differ (check's messages are short). */
static const char *line_diff(const char *got, const char *want)
{
	static char buf[3000];
	size_t o = 0;
	int shown = 0;

	buf[0] = '\0';
	for (int line = 1; (*got || *want) && shown < 12; line++) {
		size_t gl = strcspn(got, "\n"), wl = strcspn(want, "\n");

		if (gl != wl || memcmp(got, want, gl)) {
			int n = snprintf(buf + o, sizeof(buf) - o, "\n  line %d: got '%.*s', want '%.*s'",
					 line, (int)(gl > 150 ? 150 : gl), got,
					 (int)(wl > 150 ? 150 : wl), want);

			if (n < 0 || (size_t)n >= sizeof(buf) - o)
				break;
			o += (size_t)n;
			shown++;
		}
		got += gl + (got[gl] == '\n');
		want += wl + (want[wl] == '\n');
	}
	return buf;
}

/* Under umk (flags: 0 or H_UNPRIV) with the canaries watched: stdout must be
 * expect and the exit code 0. */
static void umk_watched(int flags, const char *const extra[], const char *const argv[],
			const char *expect)
{
	struct run_result r;
	struct watch w;
	const char *touched;
	char what[64];

	snprintf(what, sizeof(what), "umk%s", flags & H_UNPRIV ? " as nobody" : "");
	watch_start(&w);
	ck_assert_int_eq(h_umk(&r, flags, 60, extra, argv), 0);
	touched = watch_check(&w);
	ck_assert_msg(!r.timed_out, "%s: timed out; stderr:\n%.800s", what, r.err);
	ck_assert_msg(r.code == 0 && !strcmp(r.out, expect) && !*touched,
		      "%s: exit %d%s%s%s%s\n--- stderr:\n%.800s", what, r.code,
		      *touched ? "; outside the view:" : "", touched,
		      strcmp(r.out, expect) ? "\n  stdout differs from the reference:" : "",
		      line_diff(r.out, expect), r.err);
	h_free(&r);
}

/* The scratch directory of the guest is gone from the rootfs. */
static void rootfs_clean(void)
{
	char p[PATH_MAX];

	path_in(p, harness_root(), "tmp/escape.1");
	ck_assert_msg(access(p, F_OK) < 0, "%s left behind", p);
}

/* Native reference, then umk as the caller and (when root) as nobody: all
 * the same, nothing outside touched. */
static void expect_same_watched(const char *native_setup, const char *const extra[],
				const char *const argv[])
{
	struct run_result nat;

	native_in(&nat, native_setup, argv);
	ck_assert_msg(nat.code == 0 && strstr(nat.out, "escape: done\n"),
		      "native run: exit %d\n%s\n%s", nat.code, nat.out, nat.err);
	rootfs_clean();
	umk_watched(0, extra, argv, nat.out);
	rootfs_clean();
	if (harness_is_root()) {
		umk_watched(H_UNPRIV, extra, argv, nat.out);
		rootfs_clean();
	}
	h_free(&nat);
}

/* ---- tests ----------------------------------------------------------------- */

/* `..` past the root (absolute, relative, from the cwd and from a dirfd,
 * openat2's RESOLVE_BENEATH/IN_ROOT), symlinks climbing out (absolute and
 * relative, to files and directories, through every path call), symlink
 * loops and the 40-link limit, a chroot jail inside the view, hard links
 * through climbing symlinks, AF_UNIX paths to the host's canary socket,
 * /proc: all as Linux shows them from the guest's root. */
START_TEST(test_escape_view)
{
	expect_same_watched(NULL, NULL, ARGV(ESCAPE, "view", cdir));
}
END_TEST

/* A chroot inside the guest left by climbing (cwd outside the new root,
 * nested chroots, fchdir to a descriptor opened before the chroot): Linux
 * lets it climb to the real root, which for a guest is its own root, never
 * beyond. (Natively this leaves the test's chroot, so no comparison.) */
static const char chroot_expect[] =
	"classic chroot: ok\n"
	"classic cwd: ENOENT\n"	/* glibc turns "(unreachable)/..." into ENOENT */
	"classic after climbing: root\n"
	"classic ls: bin,dev,etc,home,lib,lib64,linuxrc,mnt,proc,root,sbin,sys,tmp,usr,var\n"
	"classic climb canary: ENOENT\n"
	"classic abs canary: ENOENT\n"
	"classic chroot .: ok\n"
	"classic / is: root\n"
	"classic /.. is: root\n"
	"classic child: 0\n"
	"nested chroot jail: ok\n"
	"nested chdir /: ok\n"
	"nested chroot inner: ok\n"
	"nested after climbing: root\n"
	"nested climb canary: ENOENT\n"
	"nested child: 0\n"
	"fchdir chroot: ok\n"
	"fchdir chdir /: ok\n"
	"fchdir to old root: ok\n"
	"fchdir getcwd: ENOENT\n"
	"fchdir after climbing: root\n"
	"fchdir ls: bin,dev,etc,home,lib,lib64,linuxrc,mnt,proc,root,sbin,sys,tmp,usr,var\n"
	"fchdir climb canary: ENOENT\n"
	"fchdir to old work: ok\n"
	"fchdir climbing relative: root\n"
	"fchdir openat climbing: root\n"
	"fchdir openat canary: ENOENT\n"
	"fchdir openat root fd ..: root\n"
	"fchdir child: 0\n"
	"escape: done\n";

START_TEST(test_escape_chroot)
{
	const char *const *argv = ARGV(ESCAPE, "chroot", cdir);

	umk_watched(0, NULL, argv, chroot_expect);
	rootfs_clean();
	if (harness_is_root()) {
		umk_watched(H_UNPRIV, NULL, argv, chroot_expect);
		rootfs_clean();
	}
}
END_TEST

/* A directory d swapped (RENAME_EXCHANGE) with a symlink climbing out to the
 * canary directory while another thread opens, stats, lists, creates,
 * removes, chmods, truncates, links, renames, binds and connects under d. */
START_TEST(test_escape_race_threads)
{
	expect_same_watched(NULL, NULL, ARGV(ESCAPE, "race-threads", cdir, RACE_ITERS));
}
END_TEST

/* The same with the swapper in another process. */
START_TEST(test_escape_race_procs)
{
	expect_same_watched(NULL, NULL, ARGV(ESCAPE, "race-procs", cdir, RACE_ITERS));
}
END_TEST

/* The bind source after a read-only run: exactly what make_src() made. */
static void src_unchanged(void)
{
	char p[PATH_MAX], buf[16] = "";
	int fd;

	ck_assert_str_eq(sorted_names(src), "f,pw,sub,up,updir");
	path_in(p, src, "sub");
	ck_assert_str_eq(sorted_names(p), "");
	path_in(p, src, "f");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 6);
	close(fd);
	ck_assert_str_eq(buf, "bound\n");
}

/* --bind SRC:/mnt:ro: every write is EROFS (EXDEV across mounts), reading
 * works, `..` from /mnt is the guest's /, symlinks in SRC climbing out
 * resolve in the guest's terms. Natively: a read-only bind mount. */
START_TEST(test_escape_bind_ro)
{
	char bind[PATH_MAX + 8], setup[3 * PATH_MAX];
	const char *const *argv = ARGV(ESCAPE, "mnt", "ro", cdir);
	const char *const *extra;
	struct run_result nat;

	snprintf(bind, sizeof(bind), "%s:/mnt:ro", src);
	extra = ARGV("--bind", bind);
	snprintf(setup, sizeof(setup), "mount --bind '%s' %%R/mnt && "
		 "mount -o remount,bind,ro %%R/mnt", src);
	make_src();
	native_in(&nat, setup, argv);
	ck_assert_msg(nat.code == 0 && strstr(nat.out, "mnt open wronly: EROFS\n"),
		      "native run: exit %d\n%s\n%s", nat.code, nat.out, nat.err);
	src_unchanged();
	rootfs_clean();
	umk_watched(0, extra, argv, nat.out);
	src_unchanged();
	rootfs_clean();
	if (harness_is_root()) {
		make_src();
		umk_watched(H_UNPRIV, extra, argv, nat.out);
		src_unchanged();
		rootfs_clean();
	}
	h_free(&nat);
}
END_TEST

/* --bind SRC:/mnt (read-write): writes work inside, renames and links
 * across the mount are EXDEV, `..` and climbing symlinks stay in the guest.
 * As root only: as nobody umk's own calls have nobody's rights in SRC. */
START_TEST(test_escape_bind_rw)
{
	char bind[PATH_MAX + 8], setup[3 * PATH_MAX];
	const char *const *argv = ARGV(ESCAPE, "mnt", "rw", cdir);
	struct run_result nat;

	snprintf(bind, sizeof(bind), "%s:/mnt", src);
	snprintf(setup, sizeof(setup), "mount --bind '%s' %%R/mnt", src);
	make_src();
	native_in(&nat, setup, argv);
	ck_assert_msg(nat.code == 0 && strstr(nat.out, "mnt open wronly: ok\n"),
		      "native run: exit %d\n%s\n%s", nat.code, nat.out, nat.err);
	rootfs_clean();
	make_src();
	umk_watched(0, ARGV("--bind", bind), argv, nat.out);
	rootfs_clean();
	make_src();
	h_free(&nat);
}
END_TEST

/* umk --ro: writes anywhere but /tmp and /dev/shm are EROFS. Natively: the
 * rootfs bound read-only onto itself, tmpfs on /tmp and /dev. */
START_TEST(test_escape_ro_root)
{
	const char *const *argv = ARGV(ESCAPE, "roroot");
	char before[1024];
	struct run_result nat;

	snprintf(before, sizeof(before), "%s", sorted_names(harness_root()));
	native_in(&nat, "mount --rbind %R %R && mount -o remount,bind,ro %R && "
		  "mount -t tmpfs tmpfs %R/tmp && mount -t tmpfs tmpfs %R/dev && "
		  "mkdir %R/dev/shm", argv);
	ck_assert_msg(nat.code == 0 && strstr(nat.out, "ro mkdir: EROFS\n"),
		      "native run: exit %d\n%s\n%s", nat.code, nat.out, nat.err);
	for (int unpriv = 0; unpriv <= (harness_is_root() ? 1 : 0); unpriv++) {
		/* (umk_watched also checks that / and /etc gained nothing.) */
		umk_watched(unpriv ? H_UNPRIV : 0, ARGV("--ro"), argv, nat.out);
		ck_assert_str_eq(sorted_names(harness_root()), before);
	}
	h_free(&nat);
}
END_TEST

/* The done-when check:
 * umk run --bind "$DIR:/mnt:ro" /bin/sh -c 'ls /mnt; touch /mnt/x' */
START_TEST(test_escape_done_when)
{
	char bind[PATH_MAX + 8];
	struct run_result r;

	make_src();
	snprintf(bind, sizeof(bind), "%s:/mnt:ro", src);
	for (int unpriv = 0; unpriv <= (harness_is_root() ? 1 : 0); unpriv++) {
		struct watch w;

		watch_start(&w);
		ck_assert_int_eq(h_umk(&r, unpriv ? H_UNPRIV : 0, 30, ARGV("--bind", bind),
				       ARGV("/bin/sh", "-c", "ls /mnt; touch /mnt/x")), 0);
		const char *touched = watch_check(&w);

		ck_assert_msg(!r.timed_out, "timed out");
		ck_assert_msg(!*touched, "outside the view:%s", touched);
		ck_assert_msg(r.code == 1 && !strcmp(r.out, "f\npw\nsub\nup\nupdir\n") &&
			      strstr(r.err, "/mnt/x") && strstr(r.err, "Read-only file system"),
			      "exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.out, r.err);
		src_unchanged();
		h_free(&r);
	}
}
END_TEST

/* An open racing a rename that swaps a directory for a symlink never fails
 * (the host refuses the changed path, umk walks again), as on Linux. */
START_TEST(test_rename_race_retry)
{
	h_expect_same(ARGV("/usr/local/bin/renamerace", "20000"));
}
END_TEST

Suite *suite_escape(void)
{
	Suite *s = suite_create("escape");
	TCase *tc;

	tc = tcase_create("view");
	tcase_add_unchecked_fixture(tc, canary_setup, canary_teardown);
	tcase_add_test(tc, test_escape_view);
	tcase_add_test(tc, test_escape_chroot);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("races");
	tcase_add_unchecked_fixture(tc, canary_setup, canary_teardown);
	tcase_add_test(tc, test_escape_race_threads);
	tcase_add_test(tc, test_escape_race_procs);
	tcase_add_test(tc, test_rename_race_retry);
	tcase_set_timeout(tc, 90);
	suite_add_tcase(s, tc);

	tc = tcase_create("mounts");
	tcase_add_unchecked_fixture(tc, canary_setup, canary_teardown);
	tcase_add_test(tc, test_escape_bind_ro);
	tcase_add_test(tc, test_escape_bind_rw);
	tcase_add_test(tc, test_escape_ro_root);
	tcase_add_test(tc, test_escape_done_when);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
