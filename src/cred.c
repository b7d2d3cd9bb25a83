/*
 * Guest credentials (Linux's kernel/cred.c, kernel/sys.c set*id, and the
 * capability rules of security/commoncap.c). The guest is root by default
 * whatever host user runs umk; these ids are umk's, the host never sees them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include "umk/cred.h"
#include "umk/handlers.h"
#include "umk/syscall.h"
#include "umk/uaccess.h"

#define CAP_FULL ((1ULL << (CAP_LAST_CAP + 1)) - 1)

void cred_init_root(struct cred *c, uid_t uid, gid_t gid)
{
	memset(c, 0, sizeof(*c));
	c->uid = c->euid = c->suid = c->fsuid = uid;
	c->gid = c->egid = c->sgid = c->fsgid = gid;
	c->cap_bset = CAP_FULL;
	if (uid == 0)
		c->cap_effective = c->cap_permitted = CAP_FULL;
}

int cred_capable(const struct cred *c, int cap)
{
	return (c->cap_effective >> cap) & 1;
}

bool cred_in_group(const struct cred *c, gid_t g)
{
	if (g == c->fsgid)
		return true;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

/*
 * generic_permission(): the owner's, the group's or the others' bits of
 * st, then the capabilities that override them (CAP_DAC_OVERRIDE: anything
 * but executing a file with no x bit; CAP_DAC_READ_SEARCH: reading, and
 * searching directories).
 */
int cred_permission(const struct cred *c, const struct stat *st, int mask)
{
	unsigned mode = st->st_mode;
	bool dir = S_ISDIR(mode);

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (c->fsuid == st->st_uid)
		mode >>= 6;
	else if (cred_in_group(c, st->st_gid))
		mode >>= 3;
	if ((mask & ~mode & 7) == 0)
		return 0;
	if (dir) {
		if (!(mask & MAY_WRITE) && cred_capable(c, CAP_DAC_READ_SEARCH))
			return 0;
		if (cred_capable(c, CAP_DAC_OVERRIDE))
			return 0;
		return -EACCES;
	}
	if (mask == MAY_READ && cred_capable(c, CAP_DAC_READ_SEARCH))
		return 0;
	if (cred_capable(c, CAP_DAC_OVERRIDE) &&
	    (!(mask & MAY_EXEC) || (st->st_mode & 0111)))
		return 0;
	return -EACCES;
}

/* inode_owner_or_capable() */
bool cred_owner_or_capable(const struct cred *c, const struct stat *st)
{
	return c->fsuid == st->st_uid || cred_capable(c, CAP_FOWNER);
}

/* cap_emulate_setxuid(): what a change of uids does to the capability sets. */
static void emulate_setxuid(struct cred *n, const struct cred *old)
{
	if ((old->uid == 0 || old->euid == 0 || old->suid == 0) &&
	    (n->uid != 0 && n->euid != 0 && n->suid != 0) &&
	    !(n->securebits & SECBIT_KEEP_CAPS)) {
		n->cap_permitted = 0;
		n->cap_effective = 0;
	}
	if (old->euid == 0 && n->euid != 0)
		n->cap_effective = 0;
	if (old->euid != 0 && n->euid == 0)
		n->cap_effective = n->cap_permitted;
	/* fsuid follows euid; fs capabilities follow fsuid. */
	if (old->fsuid == 0 && n->fsuid != 0)
		n->cap_effective &= ~((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) |
				      (1ULL << CAP_DAC_READ_SEARCH) | (1ULL << CAP_FOWNER) |
				      (1ULL << CAP_FSETID) | (1ULL << CAP_LINUX_IMMUTABLE) |
				      (1ULL << CAP_MKNOD) | (1ULL << CAP_MAC_OVERRIDE));
}

bool cred_exec(struct cred *c, const struct stat *st, bool nosuid, bool nnp)
{
	const struct cred old = *c;
	bool effective = false, is_setid, secure;

	/* bprm_fill_uid(): set-user-ID and set-group-ID files, unless the
	 * mount is nosuid or the task has no_new_privs. */
	if (!nosuid && !nnp) {
		if (st->st_mode & S_ISUID)
			c->euid = st->st_uid;
		if ((st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			c->egid = st->st_gid;
	}
	/* cap_bprm_creds_from_file(), with no file capabilities: pP' is the
	 * ambient set (umk models none), unless root's rules apply. */
	c->cap_permitted = 0;
	if (!(c->securebits & SECBIT_NOROOT) && (c->uid == 0 || c->euid == 0)) {
		c->cap_permitted = old.cap_bset | old.cap_inheritable;
		effective = c->euid == 0;
	}
	is_setid = c->euid != old.uid || c->egid != old.gid;
	/* A privilege gain under no_new_privs: the ids fall back (unless no
	 * set-id file changed them: differing real and effective ids are
	 * kept, as Linux 6.15 on), the capabilities are capped. */
	if ((is_setid || (c->cap_permitted & ~old.cap_permitted)) && nnp) {
		if (c->euid != old.euid || c->egid != old.egid) {
			c->euid = c->uid;
			c->egid = c->gid;
		}
		c->cap_permitted &= old.cap_permitted;
	}
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
	c->cap_effective = effective ? c->cap_permitted : 0;
	/* secureexec: a set-id exec, or a non-root caller that gains. */
	secure = is_setid || (c->uid != 0 && (effective || c->cap_permitted));
	return secure;
}

static void commit_uids(struct task *t, struct cred *n)
{
	if (!(n->securebits & SECBIT_NO_SETUID_FIXUP))
		emulate_setxuid(n, &t->cred);
	t->cred = *n;
}

long sys_getuid(struct task *t, struct sysc *sc) { (void)sc; return t->cred.uid; }
long sys_geteuid(struct task *t, struct sysc *sc) { (void)sc; return t->cred.euid; }
long sys_getgid(struct task *t, struct sysc *sc) { (void)sc; return t->cred.gid; }
long sys_getegid(struct task *t, struct sysc *sc) { (void)sc; return t->cred.egid; }

static long put3(struct task *t, struct sysc *sc, unsigned a, unsigned b, unsigned c)
{
	if (copy_to_guest(t, sc->args[0], &a, 4) || copy_to_guest(t, sc->args[1], &b, 4) ||
	    copy_to_guest(t, sc->args[2], &c, 4))
		return -EFAULT;
	return 0;
}

long sys_getresuid(struct task *t, struct sysc *sc)
{
	return put3(t, sc, t->cred.uid, t->cred.euid, t->cred.suid);
}

long sys_getresgid(struct task *t, struct sysc *sc)
{
	return put3(t, sc, t->cred.gid, t->cred.egid, t->cred.sgid);
}

long sys_getgroups(struct task *t, struct sysc *sc)
{
	int size = (int)sc->args[0];

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return t->cred.ngroups;
	if (size < t->cred.ngroups)
		return -EINVAL;
	if (copy_to_guest(t, sc->args[1], t->cred.groups, t->cred.ngroups * sizeof(gid_t)))
		return -EFAULT;
	return t->cred.ngroups;
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

long sys_setgroups(struct task *t, struct sysc *sc)
{
	int n = (int)sc->args[0];
	gid_t g[UMK_CRED_GROUPS];

	if (!cred_capable(&t->cred, CAP_SETGID))
		return -EPERM;
	if (n < 0 || n > UMK_NGROUPS_MAX)
		return -EINVAL;
	if (n > UMK_CRED_GROUPS)
		return -ENOMEM;	/* umk keeps a small inline group list */
	if (copy_from_guest(t, g, sc->args[1], n * sizeof(gid_t)))
		return -EFAULT;
	qsort(g, n, sizeof(gid_t), cmp_gid);	/* Linux sorts group lists */
	memcpy(t->cred.groups, g, n * sizeof(gid_t));
	t->cred.ngroups = n;
	return 0;
}

/* setuid: with CAP_SETUID all three ids; otherwise euid to uid or suid only. */
long sys_setuid(struct task *t, struct sysc *sc)
{
	uid_t uid = (uid_t)sc->args[0];
	struct cred n = t->cred;

	if (uid == (uid_t)-1)
		return -EINVAL;
	if (cred_capable(&t->cred, CAP_SETUID)) {
		n.uid = n.suid = uid;
	} else if (uid != t->cred.uid && uid != t->cred.suid) {
		return -EPERM;
	}
	n.euid = n.fsuid = uid;
	commit_uids(t, &n);
	return 0;
}

long sys_setgid(struct task *t, struct sysc *sc)
{
	gid_t gid = (gid_t)sc->args[0];

	if (gid == (gid_t)-1)
		return -EINVAL;
	if (cred_capable(&t->cred, CAP_SETGID)) {
		t->cred.gid = t->cred.sgid = gid;
	} else if (gid != t->cred.gid && gid != t->cred.sgid) {
		return -EPERM;
	}
	t->cred.egid = t->cred.fsgid = gid;
	return 0;
}

/* setreuid(ruid, euid), as Linux: suid follows a changed euid or a set ruid. */
long sys_setreuid(struct task *t, struct sysc *sc)
{
	uid_t r = (uid_t)sc->args[0], e = (uid_t)sc->args[1];
	const struct cred *o = &t->cred;
	struct cred n = *o;
	bool cap = cred_capable(o, CAP_SETUID);

	if (r != (uid_t)-1) {
		if (r != o->uid && r != o->euid && !cap)
			return -EPERM;
		n.uid = r;
	}
	if (e != (uid_t)-1) {
		if (e != o->uid && e != o->euid && e != o->suid && !cap)
			return -EPERM;
		n.euid = e;
	}
	if (r != (uid_t)-1 || (e != (uid_t)-1 && e != o->uid))
		n.suid = n.euid;
	n.fsuid = n.euid;
	commit_uids(t, &n);
	return 0;
}

long sys_setregid(struct task *t, struct sysc *sc)
{
	gid_t r = (gid_t)sc->args[0], e = (gid_t)sc->args[1];
	struct cred *o = &t->cred, n = *o;
	bool cap = cred_capable(o, CAP_SETGID);

	if (r != (gid_t)-1) {
		if (r != o->gid && r != o->egid && !cap)
			return -EPERM;
		n.gid = r;
	}
	if (e != (gid_t)-1) {
		if (e != o->gid && e != o->egid && e != o->sgid && !cap)
			return -EPERM;
		n.egid = e;
	}
	if (r != (gid_t)-1 || (e != (gid_t)-1 && e != o->gid))
		n.sgid = n.egid;
	n.fsgid = n.egid;
	*o = n;
	return 0;
}

static bool one_of3(unsigned v, unsigned a, unsigned b, unsigned c)
{
	return v == a || v == b || v == c;
}

long sys_setresuid(struct task *t, struct sysc *sc)
{
	uid_t r = (uid_t)sc->args[0], e = (uid_t)sc->args[1], s = (uid_t)sc->args[2];
	const struct cred *o = &t->cred;
	struct cred n = *o;

	if (!cred_capable(o, CAP_SETUID)) {
		if ((r != (uid_t)-1 && !one_of3(r, o->uid, o->euid, o->suid)) ||
		    (e != (uid_t)-1 && !one_of3(e, o->uid, o->euid, o->suid)) ||
		    (s != (uid_t)-1 && !one_of3(s, o->uid, o->euid, o->suid)))
			return -EPERM;
	}
	if (r != (uid_t)-1)
		n.uid = r;
	if (e != (uid_t)-1)
		n.euid = e;
	if (s != (uid_t)-1)
		n.suid = s;
	n.fsuid = n.euid;
	commit_uids(t, &n);
	return 0;
}

long sys_setresgid(struct task *t, struct sysc *sc)
{
	gid_t r = (gid_t)sc->args[0], e = (gid_t)sc->args[1], s = (gid_t)sc->args[2];
	struct cred *o = &t->cred;

	if (!cred_capable(o, CAP_SETGID)) {
		if ((r != (gid_t)-1 && !one_of3(r, o->gid, o->egid, o->sgid)) ||
		    (e != (gid_t)-1 && !one_of3(e, o->gid, o->egid, o->sgid)) ||
		    (s != (gid_t)-1 && !one_of3(s, o->gid, o->egid, o->sgid)))
			return -EPERM;
	}
	if (r != (gid_t)-1)
		o->gid = r;
	if (e != (gid_t)-1)
		o->egid = e;
	if (s != (gid_t)-1)
		o->sgid = s;
	o->fsgid = o->egid;
	return 0;
}

/* setfsuid/setfsgid return the old value, successful or not. */
long sys_setfsuid(struct task *t, struct sysc *sc)
{
	uid_t u = (uid_t)sc->args[0], old = t->cred.fsuid;
	struct cred n = t->cred;

	if (one_of3(u, n.uid, n.euid, n.suid) || u == n.fsuid || cred_capable(&n, CAP_SETUID)) {
		if (u != old) {
			n.fsuid = u;
			commit_uids(t, &n);
		}
	}
	return old;
}

long sys_setfsgid(struct task *t, struct sysc *sc)
{
	gid_t g = (gid_t)sc->args[0], old = t->cred.fsgid;
	struct cred *c = &t->cred;

	if (one_of3(g, c->gid, c->egid, c->sgid) || g == c->fsgid || cred_capable(c, CAP_SETGID))
		c->fsgid = g;
	return old;
}

/* capget/capset (v1 one word; v2/v3 two words per set). */
long sys_capget(struct task *t, struct sysc *sc)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	const struct cred *c = &t->cred;
	int words;

	if (copy_from_guest(t, &h, sc->args[0], sizeof(h)))
		return -EFAULT;
	if (h.version == _LINUX_CAPABILITY_VERSION_1)
		words = 1;
	else if (h.version == _LINUX_CAPABILITY_VERSION_2 ||
		 h.version == _LINUX_CAPABILITY_VERSION_3)
		words = 2;
	else {
		h.version = _LINUX_CAPABILITY_VERSION_3;
		if (copy_to_guest(t, sc->args[0], &h, sizeof(h)))
			return -EFAULT;
		return sc->args[1] ? -EINVAL : 0;
	}
	if (h.pid < 0)
		return -EINVAL;
	if (h.pid && h.pid != task_pid_vnr(t)) {
		struct task *o = find_task_ns(h.pid, task_active_pid_ns(t));

		if (!o)
			return -ESRCH;
		c = &o->cred;
	}
	if (!sc->args[1])
		return 0;
	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c->cap_effective >> (32 * i));
		d[i].permitted = (uint32_t)(c->cap_permitted >> (32 * i));
		d[i].inheritable = (uint32_t)(c->cap_inheritable >> (32 * i));
	}
	return copy_to_guest(t, sc->args[1], d, words * sizeof(d[0]));
}

long sys_capset(struct task *t, struct sysc *sc)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2] = { 0 };
	struct cred *c = &t->cred;
	uint64_t eff, perm, inh;
	int words;

	if (copy_from_guest(t, &h, sc->args[0], sizeof(h)))
		return -EFAULT;
	if (h.version == _LINUX_CAPABILITY_VERSION_1)
		words = 1;
	else if (h.version == _LINUX_CAPABILITY_VERSION_2 ||
		 h.version == _LINUX_CAPABILITY_VERSION_3)
		words = 2;
	else {
		h.version = _LINUX_CAPABILITY_VERSION_3;
		copy_to_guest(t, sc->args[0], &h, sizeof(h));
		return -EINVAL;
	}
	if (h.pid != 0 && h.pid != task_pid_vnr(t))
		return -EPERM;
	if (copy_from_guest(t, d, sc->args[1], words * sizeof(d[0])))
		return -EFAULT;
	eff = d[0].effective | ((uint64_t)d[1].effective << 32);
	perm = d[0].permitted | ((uint64_t)d[1].permitted << 32);
	inh = d[0].inheritable | ((uint64_t)d[1].inheritable << 32);
	/* cap_capset(): no new permitted bits, effective within permitted,
	 * inheritable within old inheritable+permitted and the bounding set. */
	if (perm & ~c->cap_permitted)
		return -EPERM;
	if (eff & ~perm)
		return -EPERM;
	if (inh & ~(c->cap_inheritable | c->cap_permitted) && !cred_capable(c, CAP_SETPCAP))
		return -EPERM;
	if (inh & ~(c->cap_inheritable | c->cap_bset))
		return -EPERM;
	c->cap_effective = eff;
	c->cap_permitted = perm;
	c->cap_inheritable = inh;
	return 0;
}
