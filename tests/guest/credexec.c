/*
 * What exec does to credentials, natively and under umk: the saved and fs
 * ids follow the effective ones, capabilities are recomputed (root's from
 * the bounding and inheritable sets, nobody else's kept; SECBIT_NOROOT
 * turns root's off), AT_SECURE for a non-root caller that gains some.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/securebits.h>

static uint32_t full[2];	/* the permitted set before anything changed */

/* A set, relative to where we began: the environment decides the latter. */
static const char *caps(uint32_t lo, uint32_t hi)
{
	static char buf[4][32];
	static int k;
	char *b = buf[k++ % 4];

	if (lo == full[0] && hi == full[1])
		return "all";
	if (!lo && !hi)
		return "none";
	if (lo == (full[0] & ~(1u << CAP_NET_RAW)) && hi == full[1])
		return "all but NET_RAW";
	snprintf(b, 32, "%08x%08x", hi, lo);
	return b;
}

static void show(const char *what)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	syscall(SYS_capget, &h, d);
	if (!full[0] && !full[1]) {
		full[0] = d[0].permitted;
		full[1] = d[1].permitted;
	}
	printf("%s: uid %u %u %u gid %u %u %u eff %s perm %s secure %lu nnp %d\n", what, r, e, s,
	       gr, ge, gs, caps(d[0].effective, d[1].effective), caps(d[0].permitted, d[1].permitted),
	       getauxval(AT_SECURE), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

static void exec_as(const char *self, const char *what, void (*setup)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		char f[32];

		snprintf(f, sizeof(f), "%x:%x", full[0], full[1]);
		setup();
		execl(self, self, "show", what, f, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

static void as_root(void) { }
static void ruid_root_euid_user(void) { setresgid(0, 100, 0); setresuid(0, 1000, 0); }
static void all_user(void) { setresgid(100, 100, 100); setresuid(1000, 1000, 1000); }
static void euid_root_only(void) { setresuid(1000, 0, 1000); }
static void noroot(void) { prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0); }
static void bset_dropped(void) { prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0); }
static void nnp_euid_user(void)
{
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	setresuid(0, 1000, 0);
}
static void setuid_file(void) { }
static void nnp_only(void) { prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }
static void keepcaps_user(void)
{
	prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	setresuid(1000, 1000, 1000);
}

int main(int argc, char **argv)
{
	if (argc > 3 && !strcmp(argv[1], "show")) {
		sscanf(argv[3], "%x:%x", &full[0], &full[1]);
		show(argv[2]);
		return 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	show("before");
	exec_as(argv[0], "root", as_root);
	exec_as(argv[0], "real root, effective 1000", ruid_root_euid_user);
	exec_as(argv[0], "all 1000", all_user);
	exec_as(argv[0], "effective root only", euid_root_only);
	exec_as(argv[0], "root with SECBIT_NOROOT", noroot);
	exec_as(argv[0], "root without CAP_NET_RAW in the bounding set", bset_dropped);
	exec_as(argv[0], "1000 with KEEPCAPS", keepcaps_user);
	exec_as(argv[0], "no_new_privs, real root, effective 1000", nnp_euid_user);
	/* A set-user-ID copy owned by 1000 (build.sh makes it when it can
	 * chown: umk's guests cannot yet), run by root: euid 1000; under
	 * no_new_privs it is ignored. */
	{
		const char *suid = "/usr/local/bin/credexec_suid";
		struct stat st;

		if (stat(suid, &st) == 0 && st.st_uid == 1000 && (st.st_mode & S_ISUID)) {
			exec_as(suid, "set-user-ID 1000 file", setuid_file);
			exec_as(suid, "set-user-ID 1000 file, no_new_privs", nnp_only);
		} else {
			printf("no set-user-ID file\n");
		}
	}
	return 0;
}
