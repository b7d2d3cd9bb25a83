/* The test runner: every subsystem's suite, one Check run, fails on any failure. */
#include <stdlib.h>
#include <check.h>
#include "harness.h"

Suite *suite_pid(void);
Suite *suite_task(void);
Suite *suite_syscall(void);
Suite *suite_path(void);
Suite *suite_escape(void);
Suite *suite_fsops(void);
Suite *suite_signal(void);
Suite *suite_tty(void);
Suite *suite_proc(void);
Suite *suite_guest(void);
Suite *suite_isolation(void);
Suite *suite_vma(void);
Suite *suite_mm(void);
Suite *suite_platform(void);
Suite *suite_elf(void);

int main(void)
{
	SRunner *sr = srunner_create(suite_pid());
	int failed;

	srunner_add_suite(sr, suite_task());
	srunner_add_suite(sr, suite_syscall());
	srunner_add_suite(sr, suite_path());
	srunner_add_suite(sr, suite_escape());
	srunner_add_suite(sr, suite_fsops());
	srunner_add_suite(sr, suite_signal());
	srunner_add_suite(sr, suite_tty());
	srunner_add_suite(sr, suite_proc());
	srunner_add_suite(sr, suite_guest());
	srunner_add_suite(sr, suite_isolation());
	srunner_add_suite(sr, suite_vma());
	srunner_add_suite(sr, suite_mm());
	srunner_add_suite(sr, suite_platform());
	srunner_add_suite(sr, suite_elf());
	harness_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	harness_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
