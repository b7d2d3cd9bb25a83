/*
 * Running guests for the integration tests.
 *
 * When the suite runs as root (CI), umk and the rootfs are staged into a fresh
 * world-readable directory under /tmp, so the same tests also run umk as the
 * unprivileged user nobody (umk must work without root). Native runs use the
 * same rootfs inside `unshare -pf --mount-proc chroot`, so a guest that kills
 * by pid or calls kill(-1) natively only reaches its own pid namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "harness.h"

static char stage[PATH_MAX];
static char root_path[PATH_MAX + 8];
static char umk_path[PATH_MAX + 8];

bool harness_is_root(void)
{
	return geteuid() == 0;
}

const char *harness_root(void)
{
	return root_path;
}

const char *harness_umk(void)
{
	return umk_path;
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "harness: failed: %s\n", cmd);
		exit(2);
	}
}

void harness_init(void)
{
	char cmd[PATH_MAX * 6];

	if (!harness_is_root()) {
		snprintf(root_path, sizeof(root_path), "%s", GUEST_ROOT);
		snprintf(umk_path, sizeof(umk_path), "%s", UMK_BIN);
		return;
	}
	snprintf(stage, sizeof(stage), "/tmp/umk-test.XXXXXX");
	if (!mkdtemp(stage)) {
		perror("mkdtemp");
		exit(2);
	}
	chmod(stage, 0755);
	snprintf(root_path, sizeof(root_path), "%s/root", stage);
	snprintf(umk_path, sizeof(umk_path), "%s/umk", stage);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s' && cp '%s' '%s' && chmod 755 '%s'",
		 GUEST_ROOT, root_path, UMK_BIN, umk_path, umk_path);
	sh(cmd);
}

void harness_cleanup(void)
{
	char cmd[PATH_MAX + 32];

	if (stage[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", stage);
		if (system(cmd) != 0)
			fprintf(stderr, "harness: could not remove %s\n", stage);
	}
}

static void append(char **buf, size_t *len, const char *data, size_t n)
{
	char *p = realloc(*buf, *len + n + 1);

	if (!p)
		abort();
	memcpy(p + *len, data, n);
	*len += n;
	p[*len] = '\0';
	*buf = p;
}

int h_run(struct run_result *r, int flags, int timeout_s, const char *in,
	  const char *const argv[])
{
	int outp[2], errp[2], inp[2];
	struct timespec start, now;
	pid_t pid;
	bool out_open = true, err_open = true;

	memset(r, 0, sizeof(*r));
	append(&r->out, &r->out_len, "", 0);
	append(&r->err, &r->err_len, "", 0);
	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(inp, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		dup2(inp[0], 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		if (flags & H_UNPRIV) {
			if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
				perror("harness: drop to nobody");
				_exit(124);
			}
		}
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "harness: exec %s: %s\n", argv[0], strerror(errno));
		_exit(124);
	}
	close(outp[1]);
	close(errp[1]);
	close(inp[0]);
	if (in) {
		size_t left = strlen(in);

		while (left) {
			ssize_t w = write(inp[1], in, left);

			if (w <= 0)
				break;
			in += w;
			left -= (size_t)w;
		}
	}
	close(inp[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (out_open || err_open) {
		struct pollfd p[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
		char buf[4096];
		int n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= timeout_s) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		n = poll(p, 2, 200);
		if (n <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			ssize_t got = read(p[i].fd, buf, sizeof(buf));

			if (got <= 0) {
				if (i == 0)
					out_open = false;
				else
					err_open = false;
				p[i].fd = -1;
				continue;
			}
			if (i == 0)
				append(&r->out, &r->out_len, buf, (size_t)got);
			else
				append(&r->err, &r->err_len, buf, (size_t)got);
		}
		/* Do not wait on p[i] once closed. */
		if (!out_open)
			outp[0] = -1;
		if (!err_open)
			errp[0] = -1;
	}
	if (outp[0] >= 0)
		close(outp[0]);
	if (errp[0] >= 0)
		close(errp[0]);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->code = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : 128 + WTERMSIG(r->status);
	return 0;
}

int h_umk(struct run_result *r, int flags, int timeout_s, const char *const extra[],
	  const char *const guest_argv[])
{
	const char *argv[64];
	int n = 0;

	argv[n++] = umk_path;
	argv[n++] = "run";
	argv[n++] = "--root";
	argv[n++] = root_path;
	for (int i = 0; extra && extra[i] && n < 40; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	for (int i = 0; guest_argv[i] && n < 63; i++)
		argv[n++] = guest_argv[i];
	argv[n] = NULL;
	return h_run(r, flags, timeout_s, NULL, argv);
}

int h_native(struct run_result *r, int timeout_s, const char *const guest_argv[])
{
	char mount_proc[PATH_MAX + 32];
	const char *argv[64];
	int n = 0;

	snprintf(mount_proc, sizeof(mount_proc), "--mount-proc=%s/proc", root_path);
	argv[n++] = "/usr/bin/unshare";
	if (!harness_is_root())
		argv[n++] = "-r";	/* a user namespace lets an ordinary user chroot */
	argv[n++] = "-pf";
	argv[n++] = mount_proc;
	argv[n++] = "/usr/sbin/chroot";
	argv[n++] = root_path;
	for (int i = 0; guest_argv[i] && n < 63; i++)
		argv[n++] = guest_argv[i];
	argv[n] = NULL;
	return h_run(r, 0, timeout_s, NULL, argv);
}

void h_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

static void expect_result(const char *what, struct run_result *r, const char *expect_out,
			  int expect_code)
{
	ck_assert_msg(!r->timed_out, "%s: timed out; stderr:\n%s", what, r->err);
	ck_assert_msg(r->code == expect_code && !strcmp(r->out, expect_out),
		      "%s: exit %d (want %d)\n--- stdout:\n%s--- want:\n%s--- stderr:\n%s",
		      what, r->code, expect_code, r->out, expect_out, r->err);
}

void h_expect_umk(const char *const guest_argv[], const char *expect, int code)
{
	struct run_result r;

	ck_assert_int_eq(h_umk(&r, 0, 30, NULL, guest_argv), 0);
	expect_result("umk", &r, expect, code);
	h_free(&r);
	if (harness_is_root()) {
		ck_assert_int_eq(h_umk(&r, H_UNPRIV, 30, NULL, guest_argv), 0);
		expect_result("umk as nobody", &r, expect, code);
		h_free(&r);
	}
}

void h_expect_same(const char *const guest_argv[])
{
	struct run_result nat;

	ck_assert_int_eq(h_native(&nat, 30, guest_argv), 0);
	ck_assert_msg(!nat.timed_out, "native run timed out");
	ck_assert_msg(!strstr(nat.err, "unshare:") && !strstr(nat.err, "chroot:"),
		      "native run failed to start: %s", nat.err);
	h_expect_umk(guest_argv, nat.out, nat.code);
	h_free(&nat);
}

#define MSG_MAX 3000	/* of the diff in a failure message */

/* A unified diff of a and b (diff(1) on two temporary files), or NULL. */
static char *udiff(const char *a, const char *b)
{
	char fa[] = "/tmp/umk-native.XXXXXX", fb[] = "/tmp/umk-umk.XXXXXX";
	int da = mkstemp(fa), db = mkstemp(fb);
	struct run_result r;
	char *out = NULL;

	if (da < 0 || db < 0)
		goto out;
	if (write(da, a, strlen(a)) != (ssize_t)strlen(a) ||
	    write(db, b, strlen(b)) != (ssize_t)strlen(b))
		goto out;
	if (h_run(&r, 0, 10, NULL, ARGV("/usr/bin/diff", "-u", "--label", "native", "--label",
					"umk", fa, fb)) == 0) {
		out = r.out;
		r.out = NULL;
		h_free(&r);
	}
out:
	if (da >= 0) {
		close(da);
		unlink(fa);
	}
	if (db >= 0) {
		close(db);
		unlink(fb);
	}
	return out;
}

void h_check_same_output(const char *what, const struct run_result *nat,
			 const struct run_result *umk)
{
	char *d;

	ck_assert_msg(!umk->timed_out, "%s: umk timed out\n--- stdout:\n%s--- stderr:\n%s", what,
		      umk->out, umk->err);
	if (umk->code == nat->code && !strcmp(umk->out, nat->out))
		return;
	/* Both outputs in full on stderr; the diff (Check limits a message
	 * to a few KiB) in the failure. */
	d = udiff(nat->out, umk->out);
	fprintf(stderr, "==== %s: native stdout (exit %d)\n%s==== %s: umk stdout (exit %d)\n%s"
		"==== umk stderr\n%s", what, nat->code, nat->out, what, umk->code, umk->out,
		umk->err);
	if (d && strlen(d) > MSG_MAX)
		strcpy(d + MSG_MAX - 16, "\n[...]\n");
	ck_abort_msg("%s: umk differs from Linux (exit %d, native %d; both outputs on stderr)\n%s",
		     what, umk->code, nat->code, d ? d : "(no diff)\n");
	free(d);
}
