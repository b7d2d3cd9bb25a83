/*
 * The guest's /proc under umk: its pids only, its own process's files as
 * Linux writes them, writable oom_score_adj and comm, fd links (a pipe's
 * reopens the pipe), mounts, and no trace of the host (host paths, umk's
 * memfds). Run as pid 1 of the guest: prints what a test compares with the
 * expected text.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n, len = 0;

	if (fd < 0) {
		snprintf(buf, sizeof(buf), "%s", strerrorname_np(errno));
		return buf;
	}
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		printf("write %s: %s\n", path, strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
}

static const char *field(const char *text, const char *key)
{
	static char v[256];
	const char *p = strstr(text, key);

	if (!p)
		return "(none)";
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	snprintf(v, sizeof(v), "%.*s", (int)strcspn(p, "\n"), p);
	return v;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* The numeric entries of /proc, sorted, as text. */
static void list_pids(char *out, size_t len)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long v[64];
	int n = 0;
	size_t o = 0;

	while (d && (e = readdir(d)) && n < 64)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			v[n++] = strtol(e->d_name, NULL, 10);
	if (d)
		closedir(d);
	qsort(v, n, sizeof(v[0]), cmp_long);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		o += snprintf(out + o, len - o, "%s%ld", i ? " " : "", v[i]);
}

int main(int argc, char **argv)
{
	char buf[4096], want[256], link[256];
	int pfd[2], gate[2];
	pid_t kids[3];
	ssize_t n;
	struct stat st;
	struct utsname u;

	(void)argc;
	/* self and thread-self */
	n = readlink("/proc/self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%d", getpid());
	printf("self: %s\n", strcmp(link, want) ? link : "ok");
	n = readlink("/proc/thread-self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%d/task/%d", getpid(), gettid());
	printf("thread-self: %s\n", strcmp(link, want) ? link : "ok");

	/* The pids: ours and our children's, nothing else. */
	if (pipe(gate) < 0)
		return 1;
	fflush(stdout);
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			char c;

			if (i == 0 && chdir("/tmp") < 0)
				_exit(2);
			close(gate[1]);
			if (read(gate[0], &c, 1) < 0)
				_exit(3);
			_exit(0);
		}
	}
	list_pids(buf, sizeof(buf));
	printf("pids: %s\n", buf);
	for (int i = 0; i < 3; i++) {
		char path[64], *s;
		int ppid = -1;

		snprintf(path, sizeof(path), "/proc/%d/stat", kids[i]);
		s = slurp(path);
		s = strrchr(s, ')');
		if (s)
			sscanf(s + 2, "%*c %d", &ppid);
		printf("kid %d: ppid %d\n", i, ppid);
	}
	snprintf(link, sizeof(link), "/proc/%d/cwd", kids[0]);
	n = readlink(link, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("kid 0 cwd: %s\n", buf);

	/* status, cmdline, stat's own fields */
	{
		char *s = slurp("/proc/self/status");

		printf("Name: %s\n", field(s, "Name:"));
		printf("State: %s\n", field(s, "State:"));
		printf("Pid: %s\n", field(s, "\nPid:"));
		printf("PPid: %s\n", field(s, "PPid:"));
		printf("Uid: %s\n", field(s, "Uid:"));
		printf("Threads: %s\n", field(s, "Threads:"));
		printf("VmRSS: %s\n", strcmp(field(s, "VmRSS:"), "(none)") ? "present" : "missing");
	}
	{
		int fd = open("/proc/self/cmdline", O_RDONLY);
		size_t off = 0;

		n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
		printf("cmdline:");
		while (n > 0 && off < (size_t)n) {
			printf(" [%s]", buf + off);
			off += strlen(buf + off) + 1;
		}
		printf("\n");
		if (fd >= 0)
			close(fd);
	}
	printf("statm fields: %d\n", sscanf(slurp("/proc/self/statm"), "%*d %*d %*d %*d %*d %*d %*d") == 0 ? 7 : -1);

	/* comm and oom_score_adj are writable; a child inherits the latter */
	put("/proc/self/comm", "renamed\n");
	prctl(PR_GET_NAME, link);
	printf("comm: %s", slurp("/proc/self/comm"));
	printf("PR_GET_NAME: %s\n", link);
	printf("oom_score_adj: %s", slurp("/proc/self/oom_score_adj"));
	put("/proc/self/oom_score_adj", "500");
	printf("oom_score_adj: %s", slurp("/proc/self/oom_score_adj"));
	fflush(stdout);
	{
		pid_t c = fork();

		if (c == 0) {
			printf("child oom_score_adj: %s", slurp("/proc/self/oom_score_adj"));
			fflush(stdout);
			_exit(0);
		}
		waitpid(c, NULL, 0);
	}
	put("/proc/self/oom_score_adj", "-1000");
	printf("oom_score_adj: %s", slurp("/proc/self/oom_score_adj"));
	printf("oom_score: %s", atoi(slurp("/proc/self/oom_score")) >= 0 ? "ok\n" : "bad\n");

	/* fd links: a file's is its guest path; a pipe's reopens the pipe */
	{
		int fd = open("/tmp/procfs.file", O_CREAT | O_RDWR, 0600);
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		printf("fd link: %s\n", buf);
		close(fd);
		unlink("/tmp/procfs.file");
		if (pipe(pfd) < 0)
			return 1;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd[0]);
		n = readlink(path, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		printf("pipe link: %.6s\n", buf);
		if (write(pfd[1], "hello", 5) != 5)
			return 1;
		fd = open(path, O_RDONLY);
		n = fd >= 0 ? read(fd, buf, 5) : -1;
		printf("pipe reopen: %.*s\n", n > 0 ? (int)n : 0, buf);
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd[1]);
		printf("fd dir lists it: %s\n", access(path, F_OK) == 0 ? "yes" : "no");
	}

	/* auxv: what the process started with */
	{
		unsigned long av[128];
		int fd = open("/proc/self/auxv", O_RDONLY), ok = 0, seen = 0;

		n = fd >= 0 ? read(fd, av, sizeof(av)) : -1;
		for (int i = 0; n > 0 && i + 1 < n / (long)sizeof(long) && av[i]; i += 2) {
			if (av[i] == AT_PAGESZ || av[i] == AT_ENTRY || av[i] == AT_RANDOM ||
			    av[i] == AT_EXECFN || av[i] == AT_PHDR) {
				seen++;
				ok += av[i + 1] == getauxval(av[i]);
			}
		}
		printf("auxv: %d of %d as getauxval\n", ok, seen);
		if (fd >= 0)
			close(fd);
	}
	printf("limits: %s\n", strstr(slurp("/proc/self/limits"), "Max open files") ? "ok" : "bad");
	{
		long rss = -1;
		char *p = strstr(slurp("/proc/self/smaps_rollup"), "\nRss:");

		if (p)
			sscanf(p + 5, "%ld", &rss);
		printf("smaps_rollup Rss > 0: %s\n", rss > 0 ? "yes" : "no");
	}
	printf("fdinfo 0: %s\n", strstr(slurp("/proc/self/fdinfo/0"), "flags:") ? "ok" : "bad");

	/* maps: the guest's memory, no host names */
	{
		char *s = slurp("/proc/self/maps");

		printf("maps: stack %s, host names %s\n", strstr(s, "[stack]") ? "yes" : "no",
		       strstr(s, "memfd") || strstr(s, "umk") || strstr(s, "/tmp/") ? "yes" : "no");
	}

	/* mounts */
	{
		char *s = slurp("/proc/mounts"), *line;
		int lines = 0;

		for (line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
			char dev[64], point[64], type[64];

			if (sscanf(line, "%63s %63s %63s", dev, point, type) == 3)
				printf("mount: %s %s\n", point, type);
			lines++;
		}
		s = slurp("/proc/self/mountinfo");
		for (line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
			lines--;
		printf("mountinfo lines match: %s\n", lines == 0 ? "yes" : "no");
	}

	/* machine-wide files */
	{
		double a, b;
		int r, t;

		printf("uptime: %s\n", sscanf(slurp("/proc/uptime"), "%lf %lf", &a, &b) == 2 ? "ok" : "bad");
		printf("loadavg tasks >= 4: %s\n",
		       sscanf(slurp("/proc/loadavg"), "%*f %*f %*f %d/%d", &r, &t) == 2 && t >= 4
			       ? "yes" : "no");
		printf("meminfo: %s\n", strstr(slurp("/proc/meminfo"), "MemTotal:") ? "ok" : "bad");
		uname(&u);
		snprintf(want, sizeof(want), "%s\n", u.nodename);
		printf("hostname: %s\n", strcmp(slurp("/proc/sys/kernel/hostname"), want) ? "bad" : "ok");
	}

	/* /proc/1 is ours, read-only */
	if (stat("/proc/1", &st) == 0)
		printf("/proc/1: dir %d mode %o uid %d\n", S_ISDIR(st.st_mode), st.st_mode & 07777,
		       st.st_uid);
	printf("create in /proc: %s\n",
	       open("/proc/newfile", O_CREAT | O_WRONLY, 0600) < 0 ? strerrorname_np(errno) : "ok");
	printf("mkdir in /proc: %s\n", mkdir("/proc/x", 0755) < 0 ? strerrorname_np(errno) : "ok");
	printf("unlink in /proc: %s\n",
	       unlink("/proc/self/stat") < 0 ? strerrorname_np(errno) : "ok");

	/* The children go; their directories with them. */
	close(gate[1]);
	for (int i = 0; i < 3; i++)
		waitpid(kids[i], NULL, 0);
	list_pids(buf, sizeof(buf));
	printf("pids after: %s\n", buf);
	snprintf(link, sizeof(link), "/proc/%d/stat", kids[1]);
	printf("gone: %s\n", access(link, F_OK) < 0 ? strerrorname_np(errno) : "still there");
	(void)argv;
	return 0;
}
