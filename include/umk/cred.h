/* Guest credentials: what the guest believes its ids and capabilities are. */
#ifndef UMK_CRED_H
#define UMK_CRED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define UMK_NGROUPS_MAX 65536
#define UMK_CRED_GROUPS 32	/* inline; more are refused with EINVAL */

struct cred {
	uid_t uid, euid, suid, fsuid;
	gid_t gid, egid, sgid, fsgid;
	int ngroups;
	gid_t groups[UMK_CRED_GROUPS];
	uint64_t cap_effective, cap_permitted, cap_inheritable, cap_bset;
	unsigned securebits;
};

void cred_init_root(struct cred *c, uid_t uid, gid_t gid);
struct stat;
/* What exec of the file st does to c (bprm_fill_uid() and commoncap's
 * cap_bprm_creds_from_file(), with no file capabilities): set-id bits unless
 * nosuid or no_new_privs, capabilities recomputed. True for a secure exec
 * (AT_SECURE). */
bool cred_exec(struct cred *c, const struct stat *st, bool nosuid, bool nnp);
/* The guest's CAP_* check, as Linux's capable(). */
int cred_capable(const struct cred *c, int cap);

/* Permission masks, as Linux's MAY_*. */
#define MAY_EXEC	0x01
#define MAY_WRITE	0x02
#define MAY_READ	0x04
/* generic_permission() of c on a file with the metadata st: 0 or -EACCES. */
int cred_permission(const struct cred *c, const struct stat *st, int mask);
/* in_group_p(): g is c's fsgid or a supplementary group. */
bool cred_in_group(const struct cred *c, gid_t g);
/* inode_owner_or_capable(): c owns st or has CAP_FOWNER. */
bool cred_owner_or_capable(const struct cred *c, const struct stat *st);

#endif
