/* The syscall table: names, classes, and the never-native list. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <check.h>
#include "umk/syscall.h"

/* Every table entry is named as the uapi header names that number. */
START_TEST(test_names_match_uapi)
{
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_desc *d = &syscall_table[nr];

		if (!d->name)
			continue;
		ck_assert_msg(syscall_names[nr] && !strcmp(d->name, syscall_names[nr]),
			      "table entry %d is %s, uapi says %s", nr, d->name,
			      syscall_names[nr] ? syscall_names[nr] : "(none)");
	}
}
END_TEST

/* Handlers exist exactly for emulated and translated entries; denied have an errno. */
START_TEST(test_entry_shapes)
{
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_desc *d = &syscall_table[nr];

		switch (d->cls) {
		case SC_EMULATED:
		case SC_TRANSLATED:
			ck_assert_msg(d->handler != NULL, "%s has no handler", d->name);
			break;
		case SC_DENIED:
			ck_assert_msg(d->deny_errno > 0, "%s denied without errno", d->name);
			break;
		case SC_NATIVE:
			ck_assert_msg(d->handler == NULL, "%s native with a handler", d->name);
			break;
		default:
			break;
		}
		ck_assert_msg(!d->args || strlen(d->args) <= 6, "%s: too many args", d->name);
	}
}
END_TEST

/* The calls that reach past the guest never run natively. */
START_TEST(test_never_native)
{
	static const long never[] = {
		SYS_io_uring_setup, SYS_userfaultfd, SYS_bpf, SYS_perf_event_open, SYS_ptrace,
		SYS_process_vm_readv, SYS_process_vm_writev, SYS_pidfd_getfd,
		SYS_name_to_handle_at, SYS_open_by_handle_at, SYS_kexec_load,
		SYS_kexec_file_load, SYS_reboot, SYS_mount, SYS_umount2, SYS_pivot_root,
		SYS_setns, SYS_init_module, SYS_finit_module,
	};

	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		const struct syscall_desc *d = syscall_lookup(never[i]);

		ck_assert_msg(d && d->cls == SC_DENIED, "%s is not denied", syscall_name(never[i]));
	}
}
END_TEST

/* Pid-taking and lifecycle calls are never native: umk must translate them. */
START_TEST(test_pid_calls_trapped)
{
	static const long pidcalls[] = {
		SYS_getpid, SYS_getppid, SYS_gettid, SYS_kill, SYS_tkill, SYS_tgkill,
		SYS_wait4, SYS_waitid, SYS_clone, SYS_clone3, SYS_fork, SYS_vfork,
		SYS_setpgid, SYS_getpgid, SYS_getsid, SYS_setsid, SYS_prlimit64,
		SYS_setpriority, SYS_getpriority, SYS_sched_setaffinity, SYS_ioprio_set,
		SYS_pidfd_open, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo, SYS_execve,
		SYS_execveat, SYS_set_tid_address, SYS_kcmp, SYS_unshare, SYS_fcntl, SYS_ioctl,
	};

	for (size_t i = 0; i < sizeof(pidcalls) / sizeof(pidcalls[0]); i++) {
		const struct syscall_desc *d = syscall_lookup(pidcalls[i]);

		ck_assert_msg(d && (d->cls == SC_EMULATED || d->cls == SC_TRANSLATED),
			      "%s is not trapped", syscall_name(pidcalls[i]));
	}
}
END_TEST

/* Hot I/O runs natively; unknown and out-of-range numbers are unsupported. */
START_TEST(test_native_and_unknown)
{
	ck_assert_int_eq(syscall_lookup(SYS_read)->cls, SC_NATIVE);
	ck_assert_int_eq(syscall_lookup(SYS_write)->cls, SC_NATIVE);
	ck_assert_int_eq(syscall_lookup(SYS_futex)->cls, SC_NATIVE);
	ck_assert_ptr_null(syscall_lookup(-1));
	ck_assert_ptr_null(syscall_lookup(SYSCALL_MAX));
	ck_assert_ptr_null(syscall_lookup(0x40000000 | SYS_getpid));	/* x32 */
	ck_assert_str_eq(syscall_name(SYS_getppid), "getppid");
	ck_assert_str_eq(syscall_name(600), "syscall_600");
}
END_TEST

/* docs/syscalls.md is what the table generates (regenerate: make docs/syscalls.md). */
START_TEST(test_coverage_doc_current)
{
	char *gen = NULL, *cur = NULL;
	size_t glen = 0, clen = 0;
	FILE *f = open_memstream(&gen, &glen);

	syscall_table_doc(f);
	fclose(f);
	f = fopen(TOP_SRCDIR "/docs/syscalls.md", "r");
	ck_assert_ptr_nonnull(f);
	FILE *m = open_memstream(&cur, &clen);
	int c;

	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	ck_assert_msg(glen == clen && !memcmp(gen, cur, glen),
		      "docs/syscalls.md is stale: run make docs/syscalls.md");
	free(gen);
	free(cur);
}
END_TEST

Suite *suite_syscall(void)
{
	Suite *s = suite_create("syscall");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_names_match_uapi);
	tcase_add_test(tc, test_entry_shapes);
	tcase_add_test(tc, test_never_native);
	tcase_add_test(tc, test_pid_calls_trapped);
	tcase_add_test(tc, test_native_and_unknown);
	tcase_add_test(tc, test_coverage_doc_current);
	suite_add_tcase(s, tc);
	return s;
}
