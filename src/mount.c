/*
 * The guest's mount table (see include/umk/mount.h).
 *
 * The synthetic file systems are host directories in umk's runtime directory
 * (umk.XXXXXX on a tmpfs, see runtime_parent(); removed at exit): /dev holds placeholders for the
 * devices (opening one opens the host device, see fs_open.c) and the
 * symlinks Linux's udev makes; /dev/shm and tmpfs mounts are empty
 * world-writable sticky directories; /sys holds the few files libc and
 * coreutils read (CPU online/possible, for sysconf and nproc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <sys/sysmacros.h>
#include "umk/mount.h"
#include "umk/namei.h"
#include "umk/umk.h"

static struct mount mounts[MNT_MAX];
static int nr_mounts;
static char runtime_dir[64];
static bool root_ro;

/* What the command line asked for, in order. */
struct mount_req {
	char *source;	/* host directory; NULL for a tmpfs */
	char *point;	/* guest path as given */
	bool ro;
};
static struct mount_req reqs[MNT_MAX];
static int nr_reqs;

int mount_add_bind(const char *spec)
{
	char *s = xstrdup(spec), *point, *opt;

	point = strchr(s, ':');
	if (!point || point == s || !point[1]) {
		fprintf(stderr, "umk: --bind wants HOST:GUEST[:ro], not '%s'\n", spec);
		free(s);
		return -1;
	}
	*point++ = '\0';
	opt = strchr(point, ':');
	if (opt) {
		*opt++ = '\0';
		if (strcmp(opt, "ro") && strcmp(opt, "rw")) {
			fprintf(stderr, "umk: --bind option must be ro or rw, not '%s'\n", opt);
			free(s);
			return -1;
		}
	}
	if (point[0] != '/') {
		fprintf(stderr, "umk: --bind: the guest path must be absolute: '%s'\n", point);
		free(s);
		return -1;
	}
	if (nr_reqs + 5 >= MNT_MAX) {
		fprintf(stderr, "umk: too many mounts (at most %d)\n", MNT_MAX - 5);
		free(s);
		return -1;
	}
	reqs[nr_reqs++] = (struct mount_req){ s, point, opt && !strcmp(opt, "ro") };
	return 0;
}

int mount_add_tmpfs(const char *guest)
{
	if (guest[0] != '/') {
		fprintf(stderr, "umk: --tmpfs: the guest path must be absolute: '%s'\n", guest);
		return -1;
	}
	if (nr_reqs + 5 >= MNT_MAX) {
		fprintf(stderr, "umk: too many mounts (at most %d)\n", MNT_MAX - 5);
		return -1;
	}
	reqs[nr_reqs++] = (struct mount_req){ NULL, xstrdup(guest), false };
	return 0;
}

void mount_set_root_ro(bool ro)
{
	root_ro = ro;
}

static struct mount *add(const char *point, const char *source, const char *devname,
			 const char *fstype, unsigned flags, enum mnt_kind kind)
{
	struct mount *m;
	struct stat st;
	int fd;

	if (nr_mounts >= MNT_MAX) {
		fprintf(stderr, "umk: too many mounts\n");
		return NULL;
	}
	fd = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "umk: cannot mount %s on %s: %s\n", source, point, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	m = &mounts[nr_mounts];
	*m = (struct mount){
		.id = 20 + nr_mounts,
		.parent_id = nr_mounts ? mount_of(point)->id : 20 + nr_mounts,
		.point = xstrdup(point),
		.point_len = strlen(point),
		.source = xstrdup(source),
		.devname = xstrdup(devname),
		.fstype = fstype,
		.flags = flags,
		.kind = kind,
		.fd = fd,
		.guest_fd = UMK_FD_MNT + nr_mounts,
		.dev = kind == MNT_DIR && strcmp(fstype, "tmpfs") && strcmp(fstype, "sysfs")
			? st.st_dev : makedev(0, 20 + nr_mounts),
	};
	nr_mounts++;
	return m;
}

static int mkfile(const char *dir, const char *name, const char *content, mode_t mode)
{
	char p[PATH_MAX];
	int fd;
	size_t len = content ? strlen(content) : 0;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (len && write(fd, content, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	fchmod(fd, mode);
	close(fd);
	return 0;
}

static int mkdirs(const char *base, const char *rel, mode_t mode)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s/%s", base, rel);

	for (char *s = p + strlen(base) + 1; n > 0; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return -errno;
			chmod(p, mode);
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

/* The devices the guest's /dev offers: opened on the host when the guest
 * opens them (fs_open.c), listed here as placeholders. */
const char *const dev_names[] = { "null", "zero", "full", "random", "urandom", "tty", "ptmx",
				  NULL };

static int make_dev(const char *dir)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	char p[PATH_MAX];
	int r;

	if (mkdir(dir, 0755) < 0)
		return -errno;
	for (int i = 0; dev_names[i]; i++)
		if ((r = mkfile(dir, dev_names[i], NULL, 0666)) < 0)
			return r;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (snprintf(p, sizeof(p), "%s/%s", dir, links[i][0]) >= (int)sizeof(p))
			return -ENAMETOOLONG;
		if (symlink(links[i][1], p) < 0)
			return -errno;
	}
	if ((r = mkdirs(dir, "pts", 0755)) < 0 || (r = mkdirs(dir, "shm", 01777)) < 0)
		return r;
	return 0;
}

/* Copy a host file's content (short: sysfs values) into dir/rel. */
static int copy_small(const char *host, const char *dir, const char *rel, const char *dflt)
{
	char buf[256];
	int fd = open(host, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		snprintf(buf, sizeof(buf), "%s", dflt);
	else
		buf[n] = '\0';
	return mkfile(dir, rel, buf, 0444);
}

static int make_sys(const char *dir)
{
	int r;

	if (mkdir(dir, 0755) < 0)
		return -errno;
	if ((r = mkdirs(dir, "devices/system/cpu", 0755)) < 0)
		return r;
	mkdirs(dir, "fs/cgroup", 0755);
	mkdirs(dir, "kernel", 0755);
	mkdirs(dir, "class", 0755);
	if ((r = copy_small("/sys/devices/system/cpu/online", dir,
			    "devices/system/cpu/online", "0\n")) < 0 ||
	    (r = copy_small("/sys/devices/system/cpu/possible", dir,
			    "devices/system/cpu/possible", "0\n")) < 0 ||
	    (r = copy_small("/sys/devices/system/cpu/present", dir,
			    "devices/system/cpu/present", "0\n")) < 0)
		return r;
	return 0;
}

/* A canonical guest mountpoint for a command-line mount: the path resolved
 * in the table built so far; it must be a directory. */
static int resolve_point(const char *given, char *out, size_t len)
{
	struct nameidata nd;
	int r;

	nd_init(&nd, "/", "/", NULL, LOOKUP_FOLLOW | LOOKUP_MUST_EXIST);
	r = namei(&nd, given);
	if (r == 0 && !S_ISDIR(nd.st.st_mode))
		r = -ENOTDIR;
	if (r == 0)
		snprintf(out, len, "%s", nd.guest);
	nd_release(&nd);
	return r;
}

/*
 * Where the runtime directory goes: a tmpfs if one is at hand (the /proc
 * mirror makes and removes directories as processes come and go, which a
 * disk file system's journal makes slow: ~300 µs a mkdir on this VM's ext4
 * against a few on tmpfs), writable and not noexec (the guest execs from
 * --tmpfs mounts); else $TMPDIR or /tmp.
 */
static const char *runtime_parent(void)
{
	const char *cand[] = { getenv("XDG_RUNTIME_DIR"), "/dev/shm", getenv("TMPDIR"), "/tmp" };
	const char *tmp = getenv("TMPDIR");

	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		struct statfs sf;
		struct statvfs sv;

		if (!cand[i] || !*cand[i] || strlen(cand[i]) >= 40 || access(cand[i], W_OK | X_OK) ||
		    statfs(cand[i], &sf) < 0 || sf.f_type != TMPFS_MAGIC ||
		    statvfs(cand[i], &sv) < 0 || (sv.f_flag & ST_NOEXEC))
			continue;
		return cand[i];
	}
	return tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp";
}

int mount_setup(void)
{
	const char *tmp = runtime_parent();
	char p[PATH_MAX], point[PATH_MAX];
	unsigned nosuid_nodev = MNT_NOSUID | MNT_NODEV;
	int r;

	snprintf(runtime_dir, sizeof(runtime_dir), "%s/umk.XXXXXX", tmp);
	if (!mkdtemp(runtime_dir)) {
		fprintf(stderr, "umk: cannot make a runtime directory in %s: %s\n", tmp,
			strerror(errno));
		runtime_dir[0] = '\0';
		return -1;
	}
	snprintf(p, sizeof(p), "%s/dev", runtime_dir);
	if ((r = make_dev(p)) < 0)
		goto fail;
	snprintf(p, sizeof(p), "%s/sys", runtime_dir);
	if ((r = make_sys(p)) < 0)
		goto fail;

	if (!add("/", *config.root ? config.root : "/", "/dev/root", "rootfs",
		 root_ro ? MNT_RDONLY : 0, MNT_DIR))
		return -1;
	snprintf(p, sizeof(p), "%s/dev", runtime_dir);
	if (!add("/dev", p, "devtmpfs", "devtmpfs", MNT_NOSUID, MNT_DEV))
		return -1;
	snprintf(p, sizeof(p), "%s/shm", runtime_dir);
	if ((r = mkdirs(runtime_dir, "shm", 01777)) < 0)
		goto fail;
	if (!add("/dev/shm", p, "tmpfs", "tmpfs", nosuid_nodev, MNT_DIR))
		return -1;
	snprintf(p, sizeof(p), "%s/proc", runtime_dir);
	if (mkdir(p, 0755) < 0) {
		r = -errno;
		goto fail;
	}
	if (!add("/proc", p, "proc", "proc", nosuid_nodev | MNT_NOEXEC, MNT_PROC))
		return -1;
	snprintf(p, sizeof(p), "%s/sys", runtime_dir);
	if (!add("/sys", p, "sysfs", "sysfs", MNT_RDONLY | nosuid_nodev | MNT_NOEXEC, MNT_DIR))
		return -1;
	if (root_ro) {
		snprintf(p, sizeof(p), "%s/tmp", runtime_dir);
		if ((r = mkdirs(runtime_dir, "tmp", 01777)) < 0)
			goto fail;
		if (!add("/tmp", p, "tmpfs", "tmpfs", nosuid_nodev, MNT_DIR))
			return -1;
	}
	for (int i = 0; i < nr_reqs; i++) {
		struct mount_req *q = &reqs[i];
		char src[PATH_MAX];

		if ((r = resolve_point(q->point, point, sizeof(point))) < 0) {
			fprintf(stderr, "umk: cannot mount on %s in the guest: %s\n", q->point,
				strerror(-r));
			return -1;
		}
		if (q->source) {
			if (!realpath(q->source, src)) {
				fprintf(stderr, "umk: --bind %s: %s\n", q->source, strerror(errno));
				return -1;
			}
			if (!add(point, src, src, "bind", q->ro ? MNT_RDONLY : 0, MNT_DIR))
				return -1;
		} else {
			snprintf(p, sizeof(p), "%s/tmpfs%d", runtime_dir, i);
			if ((r = mkdirs(runtime_dir, p + strlen(runtime_dir) + 1, 01777)) < 0)
				goto fail;
			if (!add(point, p, "tmpfs", "tmpfs", nosuid_nodev, MNT_DIR))
				return -1;
		}
	}
	return 0;
fail:
	fprintf(stderr, "umk: cannot build the guest's file systems in %s: %s\n", runtime_dir,
		strerror(-r));
	return -1;
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

void mount_cleanup(void)
{
	if (runtime_dir[0])
		nftw(runtime_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	runtime_dir[0] = '\0';
}

int mount_install_fds(void)
{
	for (int i = 0; i < nr_mounts; i++)
		if (dup2(mounts[i].fd, mounts[i].guest_fd) < 0)
			return -errno;
	return 0;
}

void mount_reset(void)
{
	for (int i = 0; i < nr_mounts; i++) {
		close(mounts[i].fd);
		free(mounts[i].point);
		free(mounts[i].source);
		free(mounts[i].devname);
	}
	nr_mounts = 0;
	for (int i = 0; i < nr_reqs; i++) {
		free(reqs[i].source ? reqs[i].source : reqs[i].point);
	}
	nr_reqs = 0;
	root_ro = false;
	mount_cleanup();
}

struct mount *mount_root(void)
{
	return nr_mounts ? &mounts[0] : NULL;
}

struct mount *mount_at(const char *p)
{
	for (int i = nr_mounts - 1; i >= 0; i--)
		if (!strcmp(mounts[i].point, p))
			return &mounts[i];
	return NULL;
}

static bool is_under(const char *p, const char *dir, size_t dl)
{
	if (dl == 1)
		return p[0] == '/';
	return !strncmp(p, dir, dl) && (p[dl] == '/' || p[dl] == '\0');
}

struct mount *mount_of(const char *p)
{
	struct mount *best = NULL;

	for (int i = 0; i < nr_mounts; i++)
		if (is_under(p, mounts[i].point, mounts[i].point_len) &&
		    (!best || mounts[i].point_len >= best->point_len))
			best = &mounts[i];
	return best;
}

int mount_host_to_guest(const char *host, char *guest, size_t len)
{
	struct mount *best = NULL;
	size_t bl = 0;
	int n;

	/* The mount with the longest source above host (a bind of a directory
	 * inside the rootfs shows it where it is mounted, as Linux's d_path
	 * shows the path through the mount the descriptor was opened on; umk
	 * cannot tell which, so the deeper mount wins). */
	for (int i = 0; i < nr_mounts; i++) {
		size_t sl = strlen(mounts[i].source);

		if (sl == 1 && mounts[i].source[0] == '/')
			sl = 0;
		if (!strncmp(host, mounts[i].source, sl) && (host[sl] == '/' || !host[sl]) &&
		    (!best || sl > bl)) {
			best = &mounts[i];
			bl = sl;
		}
	}
	if (!best)
		return -ENOENT;
	host += bl;
	if (best->kind == MNT_PROC && *host) {
		/* /proc's mirrors are one per pid namespace: drop its name. */
		host = strchr(host + 1, '/');
		if (!host)
			host = "";
	}
	if (best->point_len == 1)
		n = snprintf(guest, len, "%s", *host ? host : "/");
	else
		n = snprintf(guest, len, "%s%s", best->point, host);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int mount_guest_to_host(const char *guest, char *host, size_t len)
{
	struct mount *m = mount_of(guest);
	const char *rest;
	int n;

	if (!m)
		return -ENOENT;
	rest = guest + (m->point_len == 1 ? 0 : m->point_len);
	n = snprintf(host, len, "%s%s", strcmp(m->source, "/") ? m->source : "",
		     *rest ? rest : (strcmp(m->source, "/") ? "" : "/"));
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void show_opts(FILE *f, const struct mount *m, bool super)
{
	fputs(m->flags & MNT_RDONLY ? "ro" : "rw", f);
	if (super)
		return;
	if (m->flags & MNT_NOSUID)
		fputs(",nosuid", f);
	if (m->flags & MNT_NODEV)
		fputs(",nodev", f);
	if (m->flags & MNT_NOEXEC)
		fputs(",noexec", f);
	fputs(",relatime", f);
}

void mount_show(FILE *f, const char *root, bool mountinfo)
{
	size_t rl = strlen(root);

	for (int i = 0; i < nr_mounts; i++) {
		const struct mount *m = &mounts[i];
		const char *point = m->point;

		/* Only mounts at or below the reader's root, named from it. */
		if (!is_under(point, root, rl))
			continue;
		if (rl > 1)
			point = point[rl] ? point + rl : "/";
		if (mountinfo) {
			fprintf(f, "%d %d %u:%u / %s ", m->id, m->parent_id, major(m->dev),
				minor(m->dev), point);
			show_opts(f, m, false);
			fprintf(f, " - %s %s ", m->fstype, m->devname);
			show_opts(f, m, true);
			fputc('\n', f);
		} else {
			fprintf(f, "%s %s %s ", m->devname, point, m->fstype);
			show_opts(f, m, false);
			fputs(" 0 0\n", f);
		}
	}
}
