/*
 * The platform (injection stub, scratch window, reserved descriptors) and
 * umk's ownership of guest memory, checked from inside a guest and from the
 * host's own view of the guest processes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <check.h>
#include "harness.h"
#include "umk/mm.h"

#define G(name) "/usr/local/bin/" name

/* A guest's view: registers, the stub, the scratch window, reserved fds. */
START_TEST(test_platform_guest)
{
	struct run_result r;
	int flags[] = { 0, H_UNPRIV };

	for (int i = 0; i < (harness_is_root() ? 2 : 1); i++) {
		int oks = 0;

		ck_assert_int_eq(h_umk(&r, flags[i], 60, NULL, ARGV(G("platform"))), 0);
		for (const char *s = r.out; (s = strstr(s, ": ok\n")); s++)
			oks++;
		ck_assert_msg(!r.timed_out && r.code == 0 && !strstr(r.out, "FAILED") && oks == 35,
			      "exit %d, %d checks ok\n%s\nstderr:\n%s", r.code, oks, r.out, r.err);
		h_free(&r);
	}
}
END_TEST

static bool allowed_host_mapping(const char *line, const char *image, bool *after_image)
{
	static const char *const ok_names[] = {
		"[stack]", "[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]",
		"/memfd:umk-scratch (deleted)",
	};
	const char *name = line;
	int fields = 0;

	/* The sixth field, if any, is the name. */
	while (*name && fields < 5) {
		while (*name && *name != ' ')
			name++;
		while (*name == ' ')
			name++;
		fields++;
	}
	if (!strncmp(name, "/memfd:umk-mem ", 15) || !strncmp(name, "/memfd:umk-shm ", 15) ||
	    !strncmp(name, "/memfd:umk-pcache ", 18))
		return *after_image = false, true;
	for (size_t i = 0; i < sizeof(ok_names) / sizeof(ok_names[0]); i++)
		if (!strcmp(name, ok_names[i]))
			return *after_image = false, true;
	/* Nothing else: not the program image (umk loads it), no anonymous
	 * memory of the host's. */
	(void)image;
	return false;
}

/* Start `umk run prog` with pipes on its stdin (*to) and stdout, and read
 * until both "ready parent" and "ready child" came (into buf). */
static pid_t start_holder(const char *prog, int *to, char *buf, size_t size)
{
	int in[2], out[2];
	size_t len = 0;
	pid_t umk;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	umk = fork();
	if (umk == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(harness_umk(), "umk", "run", "--root", harness_root(), "--", prog,
		      (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	buf[0] = 0;
	while (len < size - 1) {
		ssize_t n = read(out[0], buf + len, size - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = 0;
		if (strstr(buf, "ready parent") && strstr(buf, "ready child"))
			break;
	}
	close(out[0]);
	*to = in[1];
	return umk;
}

/* The host parent of process pid (0 if it is gone). */
/* The host process tracing pid (0 for none): umk, for every guest. */
static int host_tracer(int pid)
{
	char path[64], line[512];
	FILE *f;
	int tracer = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer;
}

/* Every host process under umk: all its memory but the stack, vDSO and vvar
 * is umk's memfds (its own memory, shared memory, the page cache, the scratch
 * window), and the host's exe of it is umk's exec stub. */
START_TEST(test_host_maps_memfd)
{
	int to, checked = 0;
	char buf[4096], line[1024];
	pid_t umk;
	DIR *d;
	struct dirent *de;

	umk = start_holder(G("mm_hold"), &to, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "ready parent") && strstr(buf, "ready child"), "guest said: %s", buf);
	d = opendir("/proc");
	while ((de = readdir(d))) {
		char path[300];
		FILE *f;
		int pid = atoi(de->d_name);
		bool after_image = false;

		if (pid <= 0 || host_tracer(pid) != umk)
			continue;
		/* Whatever the guest's own flag says, the host's no_new_privs is
		 * set and it holds no capability. */
		{
			char st[4096] = "";
			FILE *sf;

			snprintf(path, sizeof(path), "/proc/%d/status", pid);
			sf = fopen(path, "r");
			ck_assert_ptr_nonnull(sf);
			st[fread(st, 1, sizeof(st) - 1, sf)] = 0;
			fclose(sf);
			ck_assert_msg(strstr(st, "NoNewPrivs:\t1") && strstr(st, "CapEff:\t0000000000000000"),
				      "guest %d on the host: %s", pid, st);
		}
		/* What the host runs is umk's exec stub, never the guest's file. */
		{
			char exe[PATH_MAX] = "";

			snprintf(path, sizeof(path), "/proc/%d/exe", pid);
			ck_assert_int_gt(readlink(path, exe, sizeof(exe) - 1), 0);
			ck_assert_msg(strstr(exe, "memfd:umk-stub"), "guest %d's host exe is %s",
				      pid, exe);
		}
		snprintf(path, sizeof(path), "/proc/%d/maps", pid);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			ck_assert_msg(allowed_host_mapping(line, "/usr/local/bin/mm_hold", &after_image),
				      "guest %d has memory umk does not own: %s", pid, line);
		}
		fclose(f);
		checked++;
	}
	closedir(d);
	close(to);
	waitpid(umk, NULL, 0);
	ck_assert_int_eq(checked, 2);
}
END_TEST

/* umk's memfd of a fork family after a fork of a 64 MiB resident parent:
 * what neither side wrote is not copied (copy-on-write; needs
 * /dev/userfaultfd, which umk can open as root). */
START_TEST(test_fork_cow_resident)
{
	int to, checked = 0;
	char buf[512];
	pid_t umk;
	DIR *d;
	struct dirent *de;
	uint64_t blocks = 0;

	if (access("/dev/userfaultfd", R_OK | W_OK) != 0)
		return;	/* not root: forks copy, as documented */
	umk = start_holder(G("mm_cowhold"), &to, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "ready parent 7") && strstr(buf, "ready child 7"),
		      "guest said: %s", buf);
	d = opendir("/proc");
	while ((de = readdir(d))) {
		char path[300];
		struct stat st;
		int pid = atoi(de->d_name);

		if (pid <= 0 || host_tracer(pid) != umk)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/4096", pid);
		ck_assert_msg(stat(path, &st) == 0, "guest %d has no memfd at 4096", pid);
		if (blocks && (uint64_t)st.st_blocks != blocks)
			ck_abort_msg("parent and child do not share one memfd");
		blocks = (uint64_t)st.st_blocks;
		checked++;
	}
	closedir(d);
	close(to);
	waitpid(umk, NULL, 0);
	ck_assert_int_eq(checked, 2);
	/* 64 MiB of the parent's, a chunk or two of the child's, and freed
	 * pages kept for reuse (at most MEMOBJ_KEEP). */
	ck_assert_msg(blocks * 512 >= (64ULL << 20) &&
		      blocks * 512 < (64ULL << 20) + MEMOBJ_KEEP + (4ULL << 20),
		      "the family memfd holds %llu KiB", (unsigned long long)(blocks / 2));
}
END_TEST

Suite *suite_platform(void);
Suite *suite_platform(void)
{
	Suite *s = suite_create("platform");
	TCase *tc = tcase_create("platform");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_platform_guest);
	tcase_add_test(tc, test_host_maps_memfd);
	tcase_add_test(tc, test_fork_cow_resident);
	suite_add_tcase(s, tc);
	return s;
}
