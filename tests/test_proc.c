/*
 * The guest's /proc and the file view's everyday uses: a guest program's
 * own /proc files, busybox ps/top/ls/find/mount on them, and a FIFO whose
 * open blocks one guest while the others go on.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <check.h>
#include "harness.h"

#define G(name) "/usr/local/bin/" name

/* /proc as pid 1 of the guest sees it (see tests/guest/procfs.c). */
START_TEST(test_proc_self)
{
	h_expect_umk(ARGV(G("procfs"), "a1", "b 2"),
		     "self: ok\n"
		     "thread-self: ok\n"
		     "pids: 1 2 3 4\n"
		     "kid 0: ppid 1\n"
		     "kid 1: ppid 1\n"
		     "kid 2: ppid 1\n"
		     "kid 0 cwd: /tmp\n"
		     "Name: procfs\n"
		     "State: R (running)\n"
		     "Pid: 1\n"
		     "PPid: 0\n"
		     "Uid: 0\t0\t0\t0\n"
		     "Threads: 1\n"
		     "VmRSS: present\n"
		     "cmdline: [/usr/local/bin/procfs] [a1] [b 2]\n"
		     "statm fields: 7\n"
		     "comm: renamed\n"
		     "PR_GET_NAME: renamed\n"
		     "oom_score_adj: 0\n"
		     "oom_score_adj: 500\n"
		     "child oom_score_adj: 500\n"
		     "oom_score_adj: -1000\n"
		     "oom_score: ok\n"
		     "fd link: /tmp/procfs.file\n"
		     "pipe link: pipe:[\n"
		     "pipe reopen: hello\n"
		     "fd dir lists it: yes\n"
		     "auxv: 5 of 5 as getauxval\n"
		     "limits: ok\n"
		     "smaps_rollup Rss > 0: yes\n"
		     "fdinfo 0: ok\n"
		     "maps: stack yes, host names no\n"
		     "mount: / rootfs\n"
		     "mount: /dev devtmpfs\n"
		     "mount: /dev/shm tmpfs\n"
		     "mount: /proc proc\n"
		     "mount: /sys sysfs\n"
		     "mountinfo lines match: yes\n"
		     "uptime: ok\n"
		     "loadavg tasks >= 4: yes\n"
		     "meminfo: ok\n"
		     "hostname: ok\n"
		     "/proc/1: dir 1 mode 555 uid 0\n"
		     "create in /proc: ENOENT\n"
		     "mkdir in /proc: ENOENT\n"
		     "unlink in /proc: EPERM\n"
		     "pids after: 1\n"
		     "gone: ENOENT\n", 0);
}
END_TEST

/* /proc in a nested pid namespace shows that namespace's pids only. */
START_TEST(test_proc_pidns)
{
	h_expect_umk(ARGV("/bin/sh", "-c", "sleep 3 & unshare -pf sh -c 'echo in ns: $$; "
			  "f=/tmp/pidns-test.ls; sleep 1 & sleep 1 & ls /proc > $f; "
			  "grep -E \"^[0-9]+$\" $f | tr \"\\n\" \" \"; echo; rm $f; wait; "
			  "cut -d\" \" -f1,4 /proc/self/stat'; kill %1"),
		     "in ns: 1\n1 2 3 4 \n1 0\n", 0);
}
END_TEST

/* Each line of out after the header: its first number is a guest pid (at
 * most max), in ascending order; returns the number of rows. */
static int pid_rows(const char *out, int skip, int max)
{
	const char *line = out;
	int rows = 0;

	for (int i = 0; i < skip && line; i++)
		line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
	int prev = 0;

	while (line && *line) {
		int pid = atoi(line);

		ck_assert_msg(pid >= 1 && pid <= max, "pid %d in: %s", pid, out);
		ck_assert_msg(pid > prev, "not in ascending order, as Linux lists them: %s", out);
		prev = pid;
		rows++;
		line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
	}
	return rows;
}

/* busybox ps and top show the guest's processes, and only them. */
START_TEST(test_proc_ps_top)
{
	struct run_result r;

	ck_assert_int_eq(h_umk(&r, 0, 30, NULL, ARGV("/bin/sh", "-c", "sleep 3 & ps; kill $!")), 0);
	ck_assert_msg(r.code == 0 && strstr(r.out, "PID") && strstr(r.out, "sleep 3"), "%s", r.out);
	ck_assert_int_eq(pid_rows(r.out, 1, 10), 3);
	h_free(&r);
	ck_assert_int_eq(h_umk(&r, 0, 30, NULL,
			       ARGV("/bin/sh", "-c", "top -b -n 1 | grep -E '^ *[0-9]+ '")), 0);
	ck_assert_msg(r.code == 0, "%s", r.err);
	ck_assert_int_eq(pid_rows(r.out, 0, 10), 3);
	h_free(&r);
}
END_TEST

/* ls -l /proc/1, cat /proc/self/status, free, uptime, mount, pidof. */
START_TEST(test_proc_tools)
{
	struct run_result r;

	ck_assert_int_eq(h_umk(&r, 0, 30, NULL, ARGV("/bin/sh", "-c",
		"ls -l /proc/1; cat /proc/self/status; free; uptime; mount; sleep 5 & sleep 0.3; "
		"pidof sleep; kill $!")), 0);
	ck_assert_msg(r.code == 0, "%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.out, "exe -> /bin/busybox"), "%s", r.out);
	ck_assert_msg(strstr(r.out, " status\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "Name:\tcat\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "Mem:"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "load average"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "proc on /proc type proc (rw,nosuid,nodev,noexec"), "%s", r.out);
	{	/* pidof sleep: the last line, a guest pid */
		const char *last = r.out + r.out_len - 1;

		while (last > r.out && last[-1] != '\n')
			last--;
		ck_assert_msg(atoi(last) >= 2 && atoi(last) <= 10, "%s", r.out);
	}
	h_free(&r);
}
END_TEST

/* find / -xdev stays on the root's file system: the same count natively. */
START_TEST(test_find_xdev)
{
	h_expect_same(ARGV("/bin/sh", "-c", "find / -xdev | wc -l"));
}
END_TEST

/* A guest blocked opening a FIFO holds up nobody: the shell goes on, the
 * writer's open meets it, cat prints what came through. (Natively the
 * chrooted rootfs has no /dev/null for the background job's stdin.) */
START_TEST(test_fifo_open_blocks_one)
{
	h_expect_umk(ARGV("/bin/sh", "-c",
		"f=/tmp/fifo.proc-test; rm -f $f; mkfifo $f && { cat $f & sleep 0.2; echo tick; "
		"echo hi > $f; wait; rm $f; }"), "tick\nhi\n", 0);
}
END_TEST

/* --user: the guest runs as that user; permission checks are its own, and
 * what it creates is its own (when umk, as root, can make it so). */
START_TEST(test_user)
{
	struct run_result r;

	ck_assert_int_eq(h_umk(&r, 0, 30, ARGV("--user", "1000:1000"), ARGV("/bin/sh", "-c",
		"id; cat /etc/passwd >/dev/null && echo passwd readable; ls /root; touch /etc/x; "
		"f=/tmp/user-test.$$; touch $f && ls -ln $f | awk '{print $3, $4}'; rm $f && "
		"echo removed own file")), 0);
	ck_assert_msg(strstr(r.out, "uid=1000 gid=1000\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "passwd readable\n"), "%s", r.out);
	ck_assert_msg(strstr(r.err, "/root': Permission denied"), "%s", r.err);
	ck_assert_msg(strstr(r.err, "/etc/x: Permission denied"), "%s", r.err);
	if (harness_is_root()) {
		ck_assert_msg(strstr(r.out, "1000 1000\n"), "%s", r.out);
		ck_assert_msg(strstr(r.out, "removed own file\n"), "%s", r.out);
	}
	h_free(&r);
	ck_assert_int_eq(h_umk(&r, 0, 30, ARGV("--user", "1000"), ARGV("/bin/true")), 0);
	ck_assert_int_eq(r.code, 125);
	ck_assert_msg(strstr(r.err, "--user wants UID:GID"), "%s", r.err);
	h_free(&r);
}
END_TEST

/* Abstract socket names are scoped to the guest: a host listener's name is
 * not reachable, the guest's own are. */
START_TEST(test_abstract_sockets_scoped)
{
	struct sockaddr_un a = { AF_UNIX };
	struct run_result r;
	char name[64], cmd[160];
	socklen_t l;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(name, sizeof(name), "umk-test-host.%d", getpid());
	memcpy(a.sun_path + 1, name, strlen(name));
	l = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, l), 0);
	ck_assert_int_eq(listen(s, 1), 0);
	ck_assert_int_eq(h_umk(&r, 0, 30, NULL, ARGV(G("unixabs"), name)), 0);
	ck_assert_msg(!strcmp(r.out, "connect ECONNREFUSED\n"), "%s", r.out);
	h_free(&r);
	close(s);
	snprintf(cmd, sizeof(cmd), "%s g listen & sleep 0.5; %s g; wait", G("unixabs"),
		 G("unixabs"));
	ck_assert_int_eq(h_umk(&r, 0, 30, NULL, ARGV("/bin/sh", "-c", cmd)), 0);
	ck_assert_msg(!strcmp(r.out, "bind ok\nconnect ok\n"), "%s", r.out);
	h_free(&r);
}
END_TEST

/* A root of its own for the fake-root test: busybox and a few links, owned
 * by the user umk runs as (nobody when the tests run as root). */
static void mini_root(char *dir, size_t len)
{
	char cmd[1024];

	snprintf(dir, len, "/tmp/umk-fakeroot.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p bin tmp etc; chmod 755 .; chmod 1777 tmp; "
		 "cp %s/bin/busybox bin/; for a in sh ls ln mv touch chown cat mknod rm awk; do "
		 "ln -s busybox bin/$a; done; cp %s/usr/local/bin/fstatids bin/; "
		 "cp %s/etc/passwd %s/etc/group etc/; %s",
		 dir, harness_root(), harness_root(), harness_root(), harness_root(),
		 harness_is_root() ? "chown -R nobody:nogroup ." : "true");
	ck_assert_int_eq(system(cmd), 0);
}

/*
 * Fake root: umk not root (nobody here) on a root it owns. The guest root's
 * chown to another user and its device nodes hold, in this run and the
 * next, through ln and mv, by path and by descriptor (fstat); its own files
 * are root's; a node opens only /dev's devices; the records' file is out of
 * the guest's reach.
 */
START_TEST(test_fakeroot)
{
	struct run_result r;
	char dir[64], cmd[160];
	int flags = harness_is_root() ? H_UNPRIV : 0;

	mini_root(dir, sizeof(dir));
	ck_assert_int_eq(h_umk(&r, flags, 30, ARGV("--root", dir), ARGV("/bin/sh", "-c",
		"cd /tmp; touch f; ls -ln f | awk '{print \"new\", $3, $4}'; chown 123:456 f; "
		"ln f g; mv f h; ls -ln g h | awk '{print $9, $3, $4}'; mknod null c 1 3; "
		"echo x > null && echo null ok; mknod sda b 8 0; cat sda")), 0);
	ck_assert_msg(r.code == 1 && !strcmp(r.out, "new 0 0\ng 123 456\nh 123 456\nnull ok\n") &&
		      strstr(r.err, "sda': No such device or address"), "%d\n%s\n%s", r.code,
		      r.out, r.err);
	h_free(&r);
	ck_assert_int_eq(h_umk(&r, flags, 30, ARGV("--root", dir), ARGV("/bin/sh", "-c",
		"ls -ln /tmp/g /tmp/h /tmp/null | awk '{print $1, $3, $4}'; cat /.umk-fakeroot; "
		"fstatids /tmp/g; "
		"rm /tmp/g /tmp/h; touch /tmp/n; ls -ln /tmp/n | awk '{print $3, $4}'")), 0);
	ck_assert_msg(!strcmp(r.out, "-rw-r--r-- 123 456\n-rw-r--r-- 123 456\n"
				     "crw-r--r-- 0 0\nfstat 123 456\nfstatat 123 456\n"
				     "statx 123 456\n0 0\n") &&
		      strstr(r.err, "umk-fakeroot': Permission denied"), "%s\n%s", r.out, r.err);
	h_free(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *suite_proc(void)
{
	Suite *s = suite_create("proc");
	TCase *tc = tcase_create("proc");

	tcase_add_test(tc, test_proc_self);
	tcase_add_test(tc, test_proc_ps_top);
	tcase_add_test(tc, test_proc_pidns);
	tcase_add_test(tc, test_proc_tools);
	tcase_add_test(tc, test_find_xdev);
	tcase_add_test(tc, test_fifo_open_blocks_one);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_abstract_sockets_scoped);
	tcase_add_test(tc, test_fakeroot);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
