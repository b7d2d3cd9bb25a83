/*
 * The task tree: creation, reparenting, subreapers, zombies and reaping, with
 * fake host tids (above any host pid_max, so nothing on the host is touched).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <check.h>
#include "umk/exit.h"
#include "umk/handlers.h"
#include "umk/task.h"
#include "umk/umk.h"

#define FAKE_TID 5000000	/* > PID_MAX_LIMIT (4194304): never a host pid */

static int next_tid = FAKE_TID;

static struct task *mk_init(void)
{
	struct cred c;

	config.hostname = "umk";
	kernel.init_pid_ns = pid_ns_create(NULL, 1000);
	cred_init_root(&c, 0, 0);
	return task_create_init(++next_tid, &c, "init");
}

static struct task *mk_child(struct task *parent, unsigned long flags)
{
	struct task *t = task_create(parent, ++next_tid, flags, SIGCHLD, 0);

	ck_assert_ptr_nonnull(t);
	t->state = TASK_RUNNING;
	return t;
}

static long call(long (*fn)(struct task *, struct sysc *), struct task *t, uint64_t a0,
		 uint64_t a1, uint64_t a2)
{
	struct sysc *sc = &t->sys;

	memset(sc->args, 0, sizeof(sc->args));
	sc->args[0] = a0;
	sc->args[1] = a1;
	sc->args[2] = a2;
	return fn(t, sc);
}

static pid_t vpid(struct task *t)
{
	return task_tgid_vnr(t);
}

/* Guest pids are 1, 2, 3 in creation order; getppid follows the tree. */
START_TEST(test_tree_pids)
{
	struct task *init = mk_init(), *a = mk_child(init, 0), *b = mk_child(a, 0);

	ck_assert_int_eq(vpid(init), 1);
	ck_assert_int_eq(vpid(a), 2);
	ck_assert_int_eq(vpid(b), 3);
	ck_assert_int_eq(call(sys_getppid, b, 0, 0, 0), 2);
	ck_assert_int_eq(call(sys_getppid, init, 0, 0, 0), 0);
	ck_assert_ptr_eq(task_by_host(b->host_tid), b);
}
END_TEST

/* An orphan goes to pid 1; the dead parent stays a zombie until reaped. */
START_TEST(test_orphan_to_init)
{
	struct task *init = mk_init(), *a = mk_child(init, 0), *b = mk_child(a, 0);
	struct process *ap = a->proc;

	task_reaped(a, W_EXITCODE(0, 0), NULL);
	ck_assert_ptr_eq(b->proc->parent, init->proc);
	ck_assert_int_eq(call(sys_getppid, b, 0, 0, 0), 1);
	ck_assert_int_eq(ap->state, PROC_ZOMBIE);
	ck_assert_int_eq(call(sys_wait4, init, (uint64_t)-1, 0, WNOHANG), 2);
	/* b is alive: nothing more to reap now. */
	ck_assert_int_eq(call(sys_wait4, init, (uint64_t)-1, 0, WNOHANG), 0);
	/* pid 2 is free again only after the reap. */
	ck_assert_ptr_null(find_process_ns(2, kernel.init_pid_ns));
}
END_TEST

/* With a child subreaper between, orphans go to it instead of pid 1. */
START_TEST(test_subreaper)
{
	struct task *init = mk_init(), *s = mk_child(init, 0), *a, *b;

	s->proc->is_child_subreaper = true;
	a = mk_child(s, 0);
	b = mk_child(a, 0);
	task_reaped(a, 0, NULL);
	ck_assert_ptr_eq(b->proc->parent, s->proc);
	/* When the subreaper itself dies, they go on to init. */
	task_reaped(s, 0, NULL);
	ck_assert_ptr_eq(b->proc->parent, init->proc);
}
END_TEST

/* A zombie's status is reported once, with its guest pid; then ECHILD. */
START_TEST(test_zombie_reaped_once)
{
	struct task *init = mk_init(), *a = mk_child(init, 0);

	task_reaped(a, W_EXITCODE(7, 0), NULL);
	ck_assert_int_eq(call(sys_wait4, init, 2, 0, WNOHANG), 2);
	ck_assert_int_eq(call(sys_wait4, init, 2, 0, WNOHANG), -ECHILD);
	ck_assert_int_eq(call(sys_wait4, init, (uint64_t)-1, 0, WNOHANG), -ECHILD);
}
END_TEST

/* wait4 checks: bad options EINVAL, INT_MIN ESRCH, a non-child ECHILD. */
START_TEST(test_wait4_errors)
{
	struct task *init = mk_init(), *a = mk_child(init, 0), *b = mk_child(a, 0);

	ck_assert_int_eq(call(sys_wait4, init, (uint64_t)-1, 0, 0x100000), -EINVAL);
	ck_assert_int_eq(call(sys_wait4, init, (uint64_t)(uint32_t)INT32_MIN, 0, 0), -ESRCH);
	ck_assert_int_eq(call(sys_wait4, init, (uint64_t)vpid(b), 0, WNOHANG), -ECHILD);
	ck_assert_int_eq(call(sys_wait4, b, (uint64_t)-1, 0, WNOHANG), -ECHILD);
}
END_TEST

/* A thread group is a zombie only when its last thread is gone. */
START_TEST(test_threads)
{
	struct task *init = mk_init(), *a = mk_child(init, 0);
	struct task *th = mk_child(a, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_FS);

	ck_assert_ptr_eq(th->proc, a->proc);
	ck_assert_int_eq(call(sys_getpid, th, 0, 0, 0), 2);
	ck_assert_int_eq(call(sys_gettid, th, 0, 0, 0), 3);
	ck_assert_ptr_eq(th->fs, a->fs);
	task_reaped(a, W_EXITCODE(3, 0), NULL);
	ck_assert_int_eq(a->proc->state, PROC_ALIVE);
	task_reaped(th, W_EXITCODE(3, 0), NULL);
	ck_assert_int_eq(a->proc->state, PROC_ZOMBIE);
	ck_assert_int_eq(call(sys_wait4, init, (uint64_t)-1, 0, WNOHANG), 2);
}
END_TEST

/* setpgid/setsid follow Linux's rules. */
START_TEST(test_pgrp_session)
{
	struct task *init = mk_init(), *a = mk_child(init, 0), *b = mk_child(a, 0);

	/* init leads its session: it cannot setsid or move. */
	ck_assert_int_eq(call(sys_setsid, init, 0, 0, 0), -EPERM);
	ck_assert_int_eq(call(sys_setpgid, init, 0, 0, 0), -EPERM);
	/* a child's group can be set by its parent before it execs. */
	ck_assert_int_eq(call(sys_setpgid, a, 3, 3, 0), 0);
	ck_assert_int_eq(call(sys_getpgid, a, 3, 0, 0), 3);
	ck_assert_int_eq(call(sys_setpgid, a, 3, 0, 0), 0);
	/* not a child: ESRCH; negative pgid: EINVAL. */
	ck_assert_int_eq(call(sys_setpgid, b, 1, 0, 0), -ESRCH);
	ck_assert_int_eq(call(sys_setpgid, a, 0, (uint64_t)-1, 0), -EINVAL);
	/* a process that is no group leader can setsid (the host does too,
	 * and the guest sees its own session id at the call's exit). */
	ck_assert_int_eq(call(sys_setsid, a, 0, 0, 0), SYSC_NATIVE);
	ck_assert_ptr_nonnull(a->sys.on_exit);
	a->sys.on_exit(a, &a->sys);
	ck_assert_int_eq(a->sys.ret, 2);
	ck_assert_int_eq(call(sys_getsid, b, 0, 0, 0), 1);
	ck_assert_int_eq(call(sys_getsid, a, 0, 0, 0), 2);
	/* b is now in another session than its parent: EPERM. */
	ck_assert_int_eq(call(sys_setpgid, a, 3, 0, 0), -EPERM);
	/* once exec'd, a child cannot be moved. */
	b->proc->did_exec = true;
	ck_assert_int_eq(call(sys_getpgid, b, 0, 0, 0), 3);
}
END_TEST

/* A process group outlives its leader: the number is not reused meanwhile. */
START_TEST(test_pgrp_outlives_leader)
{
	struct task *init = mk_init(), *a = mk_child(init, 0), *b;

	ck_assert_int_eq(call(sys_setpgid, a, 0, 0, 0), 0);
	b = mk_child(a, 0);	/* in group 2 */
	task_reaped(a, 0, NULL);
	ck_assert_int_eq(call(sys_wait4, init, 2, 0, WNOHANG), 2);
	ck_assert_int_eq(call(sys_getpgid, b, 0, 0, 0), 2);
	ck_assert_ptr_null(find_process_ns(2, kernel.init_pid_ns));
	ck_assert_ptr_nonnull(find_pid_ns(2, kernel.init_pid_ns));
}
END_TEST

/* A new pid namespace: the child is pid 1 inside and has a number outside. */
START_TEST(test_newpid)
{
	struct task *init = mk_init(), *a = mk_child(init, 0);
	struct task *n = mk_child(a, CLONE_NEWPID), *m = mk_child(n, 0);

	ck_assert_int_eq(call(sys_getpid, n, 0, 0, 0), 1);
	ck_assert_int_eq(call(sys_getppid, n, 0, 0, 0), 0);
	ck_assert_int_eq(task_tgid_nr_ns(n, kernel.init_pid_ns), 3);
	ck_assert_int_eq(call(sys_getpid, m, 0, 0, 0), 2);
	ck_assert_int_eq(call(sys_getppid, m, 0, 0, 0), 1);
	ck_assert_int_eq(task_tgid_nr_ns(m, kernel.init_pid_ns), 4);
	/* The inner init's death takes its namespace down: no more pids there. */
	task_reaped(n, 0, NULL);
	ck_assert(task_active_pid_ns(m)->dying);
}
END_TEST

/* When the guest's init dies, umk records its status. */
START_TEST(test_init_exit)
{
	struct task *init = mk_init();

	mk_child(init, 0);
	task_reaped(init, W_EXITCODE(0, SIGSEGV), NULL);
	ck_assert(kernel.init_exited);
	ck_assert(WIFSIGNALED(kernel.init_status));
	ck_assert_int_eq(WTERMSIG(kernel.init_status), SIGSEGV);
}
END_TEST

Suite *suite_task(void)
{
	Suite *s = suite_create("task");
	TCase *tc = tcase_create("tree");

	tcase_add_test(tc, test_tree_pids);
	tcase_add_test(tc, test_orphan_to_init);
	tcase_add_test(tc, test_subreaper);
	tcase_add_test(tc, test_zombie_reaped_once);
	tcase_add_test(tc, test_wait4_errors);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_pgrp_session);
	tcase_add_test(tc, test_pgrp_outlives_leader);
	tcase_add_test(tc, test_newpid);
	tcase_add_test(tc, test_init_exit);
	suite_add_tcase(s, tc);
	return s;
}
