/*
 * Fake root's records (see include/umk/fakeroot.h): a hash of inode ->
 * {uid, gid, type, rdev} for the root mount, logged to ROOTFS/.umk-fakeroot
 * as text lines `ino uid gid type rdev` (a uid of -1: unchanged; type 0: the
 * host's) or `ino -` (gone). Loading replays the log; the file is then
 * rewritten compacted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "umk/fakeroot.h"
#include "umk/mount.h"
#include "umk/umk.h"

#define DB_NAME ".umk-fakeroot"

struct rec {
	ino_t ino;		/* 0: a free slot */
	uid_t uid;		/* (uid_t)-1: the host's */
	gid_t gid;
	mode_t type;		/* S_IFMT bits, or 0: the host's */
	dev_t rdev;
};

static struct {
	struct rec *tab;
	size_t cap, n;
	FILE *log;
	dev_t dev;
	ino_t db_ino;
	bool ready, writable;
	bool mapped;		/* umk is not root: its uid and gid show as 0 */
	uid_t host_uid;
	gid_t host_gid;
} db;

static struct rec *slot(ino_t ino, bool make)
{
	size_t i;

	if (!db.cap)
		return NULL;
	for (i = (size_t)ino * 11400714819323198485ULL % db.cap; db.tab[i].ino; i = (i + 1) % db.cap)
		if (db.tab[i].ino == ino)
			return &db.tab[i];
	if (!make)
		return NULL;
	db.tab[i] = (struct rec){ ino, (uid_t)-1, (gid_t)-1, 0, 0 };
	db.n++;
	return &db.tab[i];
}

static int grow(void)
{
	struct rec *old = db.tab;
	size_t oc = db.cap;

	if (db.n * 2 < db.cap)
		return 0;
	db.cap = oc ? oc * 2 : 1024;
	db.tab = calloc(db.cap, sizeof(*db.tab));
	if (!db.tab) {
		db.tab = old;
		db.cap = oc;
		return -ENOMEM;
	}
	db.n = 0;
	for (size_t i = 0; i < oc; i++)
		if (old[i].ino)
			*slot(old[i].ino, true) = old[i];
	free(old);
	return 0;
}

/* Open addressing: removing re-inserts the rest of the cluster. */
static void drop(ino_t ino)
{
	struct rec *r = slot(ino, false);
	size_t i;

	if (!r)
		return;
	i = (size_t)(r - db.tab);
	db.tab[i].ino = 0;
	db.n--;
	for (i = (i + 1) % db.cap; db.tab[i].ino; i = (i + 1) % db.cap) {
		struct rec moved = db.tab[i];

		db.tab[i].ino = 0;
		db.n--;
		*slot(moved.ino, true) = moved;
	}
}

static void open_log(void);

static void log_rec(const struct rec *r)
{
	if (!db.log && db.writable) {
		open_log();	/* writes r with the rest */
		return;
	}
	if (!db.log)
		return;
	fprintf(db.log, "%llu %lld %lld %o %llu\n", (unsigned long long)r->ino,
		r->uid == (uid_t)-1 ? -1LL : (long long)r->uid,
		r->gid == (gid_t)-1 ? -1LL : (long long)r->gid, (unsigned)r->type,
		(unsigned long long)r->rdev);
	fflush(db.log);
}

int fakeroot_init(void)
{
	char path[PATH_MAX], line[128];
	struct mount *root = mount_root();
	struct stat st;
	FILE *f;

	if (!root || fstat(root->fd, &st) < 0)
		return -ENOENT;
	db.dev = st.st_dev;
	db.ready = true;
	db.host_uid = geteuid();
	db.host_gid = getegid();
	db.mapped = db.host_uid != 0;
	snprintf(path, sizeof(path), "%s/" DB_NAME, *config.root ? config.root : "");
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f)) {
			unsigned long long ino, rdev;
			long long uid, gid;
			unsigned type;

			if (sscanf(line, "%llu %lld %lld %o %llu", &ino, &uid, &gid, &type,
				   &rdev) == 5 && ino && grow() == 0) {
				struct rec *r = slot((ino_t)ino, true);

				r->uid = uid < 0 ? (uid_t)-1 : (uid_t)uid;
				r->gid = gid < 0 ? (gid_t)-1 : (gid_t)gid;
				r->type = (mode_t)type & S_IFMT;
				r->rdev = (dev_t)rdev;
			} else if (sscanf(line, "%llu -", &ino) == 1) {
				drop((ino_t)ino);
			}
		}
		fclose(f);
	}
	if (stat(path, &st) == 0)
		db.db_ino = st.st_ino;
	db.writable = !(root->flags & MNT_RDONLY);
	return 0;
}

/* The first change of a run: rewrite the log compacted, then append. (No
 * file at all until a guest makes a record.) */
static void open_log(void)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	FILE *f;

	db.writable = false;	/* one try */
	snprintf(path, sizeof(path), "%s/" DB_NAME, *config.root ? config.root : "");
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	if (!(f = fopen(tmp, "we")))
		return;		/* records in memory only */
	fchmod(fileno(f), 0600);
	db.log = f;
	for (size_t i = 0; i < db.cap; i++)
		if (db.tab[i].ino)
			log_rec(&db.tab[i]);
	if (rename(tmp, path) < 0) {
		fclose(f);
		unlink(tmp);
		db.log = NULL;
		return;
	}
	if (fstat(fileno(f), &st) == 0)
		db.db_ino = st.st_ino;
}

static bool ours(const struct mount *m, const struct stat *st)
{
	return db.ready && m == mount_root() && st->st_dev == db.dev;
}

void fakeroot_apply(const struct mount *m, struct stat *st)
{
	struct rec *r;

	/* A non-root umk's own files are root's in the guest (as a rootless
	 * container maps its user), unless a record says otherwise. */
	if (db.mapped && m && m->kind != MNT_PROC) {
		if (st->st_uid == db.host_uid)
			st->st_uid = 0;
		if (st->st_gid == db.host_gid)
			st->st_gid = 0;
	}
	if (!db.n || !ours(m, st) || !(r = slot(st->st_ino, false)))
		return;
	if (r->uid != (uid_t)-1)
		st->st_uid = r->uid;
	if (r->gid != (gid_t)-1)
		st->st_gid = r->gid;
	if (r->type && S_ISREG(st->st_mode)) {
		st->st_mode = (st->st_mode & ~(mode_t)S_IFMT) | r->type;
		st->st_rdev = r->rdev;
	}
}

int fakeroot_chown(const struct mount *m, const struct stat *st, uid_t uid, gid_t gid)
{
	struct rec *r;

	if (!ours(m, st))
		return -EPERM;
	if (grow() < 0 || !(r = slot(st->st_ino, true)))
		return -ENOMEM;
	if (uid != (uid_t)-1)
		r->uid = uid;
	if (gid != (gid_t)-1)
		r->gid = gid;
	log_rec(r);
	return 0;
}

int fakeroot_mknod(const struct mount *m, const struct stat *st, mode_t mode, dev_t rdev)
{
	struct rec *r;

	if (!ours(m, st))
		return -EPERM;
	if (grow() < 0 || !(r = slot(st->st_ino, true)))
		return -ENOMEM;
	r->type = mode & S_IFMT;
	r->rdev = rdev;
	log_rec(r);
	return 0;
}

void fakeroot_unlink(const struct mount *m, const struct stat *st)
{
	bool last = S_ISDIR(st->st_mode) || st->st_nlink <= 1;

	if (!last || !ours(m, st) || !slot(st->st_ino, false))
		return;
	drop(st->st_ino);
	if (!db.log && db.writable)
		open_log();
	else if (db.log) {
		fprintf(db.log, "%llu -\n", (unsigned long long)st->st_ino);
		fflush(db.log);
	}
}

bool fakeroot_active(void)
{
	return db.mapped || db.n;
}

bool fakeroot_has(const struct mount *m, const struct stat *st)
{
	return db.n && ours(m, st) && slot(st->st_ino, false);
}

bool fakeroot_is_db(const struct mount *m, const struct stat *st)
{
	return db.db_ino && ours(m, st) && st->st_ino == db.db_ino;
}
