/*
 * Host isolation: a guest can name no host process, and the calls that reach
 * past the guest never run. A host sentinel process of the same user as umk
 * is the target; it must survive everything the guest tries.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <check.h>
#include "harness.h"

static const char expected[] =
	"kill0 ESRCH\nkill9 ESRCH\ntkill ESRCH\ntgkill ESRCH\nsigqueueinfo ESRCH\n"
	"pidfd_open ESRCH\nprlimit ESRCH\nsetpriority_process ESRCH\n"
	"setpriority_pgrp ESRCH\nsetpriority_user ESRCH\nsched_setaffinity ESRCH\n"
	"sched_getscheduler ESRCH\nioprio_set ESRCH\nf_setown ESRCH\ngetpgid ESRCH\n"
	"getsid ESRCH\nsetpgid ESRCH\nkill_pgrp ESRCH\nkill_all ESRCH\n"
	"ptrace EPERM\nprocess_vm_readv EPERM\nprocess_vm_writev EPERM\n"
	"pidfd_getfd EPERM\nio_uring_setup ENOSYS\nuserfaultfd EPERM\nbpf EPERM\n"
	"perf_event_open EACCES\nname_to_handle_at EOPNOTSUPP\nopen_by_handle_at EPERM\n"
	"kexec_load EPERM\nreboot EPERM\nmount EPERM\nunshare_user EPERM\n"
	"x32_getpid ENOSYS\nint80 refused\nraise_hard_limit EPERM\nno_new_privs 0\n";

static pid_t start_sentinel(int flags)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if ((flags & H_UNPRIV) && (setgid(65534) || setuid(65534)))
			_exit(1);
		for (;;)
			pause();
	}
	usleep(20000);
	return pid;
}

static void run_probe(int flags)
{
	struct run_result r;
	pid_t sentinel = start_sentinel(flags);
	char pidstr[16];
	int status;

	snprintf(pidstr, sizeof(pidstr), "%d", sentinel);
	ck_assert_int_eq(h_umk(&r, flags, 30, NULL, ARGV("/usr/local/bin/isolation", pidstr)), 0);
	ck_assert_msg(r.code == 0 && !strcmp(r.out, expected),
		      "exit %d\n--- got:\n%s--- want:\n%s--- stderr:\n%s", r.code, r.out,
		      expected, r.err);
	/* The sentinel is untouched. */
	ck_assert_int_eq(waitpid(sentinel, &status, WNOHANG), 0);
	ck_assert_int_eq(kill(sentinel, 0), 0);
	kill(sentinel, SIGKILL);
	waitpid(sentinel, &status, 0);
	h_free(&r);
}

/* As the user running the tests (root in CI). */
START_TEST(test_isolation_self)
{
	run_probe(0);
}
END_TEST

/* As an unprivileged user, whose sentinel a native kill could reach. */
START_TEST(test_isolation_nobody)
{
	if (!harness_is_root())
		return;	/* the first test already ran unprivileged */
	run_probe(H_UNPRIV);
}
END_TEST

/* kill(-1, SIGKILL) from a guest child kills guest processes only. */
START_TEST(test_kill_all_spares_host)
{
	struct run_result r;
	pid_t sentinel = start_sentinel(harness_is_root() ? H_UNPRIV : 0);
	int status;

	ck_assert_int_eq(h_umk(&r, harness_is_root() ? H_UNPRIV : 0, 30, NULL,
			       ARGV("/bin/sh", "-c",
				    "sleep 30 & sh -c 'kill -9 -1'; wait; echo init-alive")),
			 0);
	ck_assert_msg(r.code == 0 && !strcmp(r.out, "init-alive\n"), "exit %d out %s err %s",
		      r.code, r.out, r.err);
	ck_assert_int_eq(waitpid(sentinel, &status, WNOHANG), 0);
	kill(sentinel, SIGKILL);
	waitpid(sentinel, &status, 0);
	h_free(&r);
}
END_TEST

Suite *suite_isolation(void)
{
	Suite *s = suite_create("isolation");
	TCase *tc = tcase_create("host");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_isolation_self);
	tcase_add_test(tc, test_isolation_nobody);
	tcase_add_test(tc, test_kill_all_spares_host);
	suite_add_tcase(s, tc);
	return s;
}
