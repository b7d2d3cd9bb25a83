/*
 * execve errors, and #! scripts (written to a fresh directory under /tmp).
 *   execerr            - errors, and scripts that run
 *   execerr noxscript  - a #! script without any x bit: EACCES
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;
static char dir[64];

static const char *en(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

/* In a child (should the exec succeed, the rest still runs): print the error. */
static void try_exec(const char *what, const char *path, char *const argv[])
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		int r = execve(path, argv, environ);

		printf("%s: %d %s\n", what, r, en(errno));
		_exit(100);
	}
	waitpid(c, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 100)
		printf("%s: exec succeeded (status 0x%x)\n", what, st);
}

static void put(const char *name, const char *text, mode_t mode)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		printf("write %s: %s\n", name, en(errno));
		exit(1);
	}
	close(fd);
	chmod(path, mode);
}

/* Fork; the child execs ./name (cwd is dir) with argv; print how it ended. */
static void run(const char *what, const char *name, char *const argv[])
{
	char path[128];
	int st;
	pid_t c;

	snprintf(path, sizeof(path), "./%s", name);	/* relative: $0 is deterministic */
	c = fork();
	if (c == 0) {
		execve(path, argv, environ);
		printf("%s: exec failed: %s\n", what, en(errno));
		_exit(127);
	}
	waitpid(c, &st, 0);
	printf("%s: %s %d\n", what, WIFEXITED(st) ? "exited" : "signaled",
	       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int main(int argc, char **argv_main)
{
	int noxscript = argc > 1 && !strcmp(argv_main[1], "noxscript");
	char *argv[] = { "prog", NULL };
	char path[128];

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(dir, sizeof(dir), "/tmp/execerr.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("mkdtemp: %s\n", en(errno));
		return 1;
	}
	chmod(dir, 0755);
	if (chdir(dir)) {
		printf("chdir: %s\n", en(errno));
		return 1;
	}
	put("noexec", "#!/bin/sh\necho should not run\n", 0644);
	put("garbage", "\x01\x02\x03 this is not a program\n", 0755);
	put("script", "#!/bin/sh\necho \"0=$0 n=$# 1=$1 2=$2\"\nexit 7\n", 0755);
	put("script-arg", "#! /bin/echo  one arg \n", 0755);
	put("elf-noexec", "\x7f" "ELF\x02\x01\x01", 0644);
	put("badinterp", "#!/no/such/interpreter\n", 0755);

	try_exec("nonexistent", "/no/such/file", argv);
	try_exec("nonexistent dir component", "/no/such/dir/file", argv);
	try_exec("empty path", "", argv);
	try_exec("directory", "/tmp", argv);
	try_exec("file as directory", "/bin/busybox/x", argv);
	if (noxscript) {
		snprintf(path, sizeof(path), "%s/noexec", dir);
		try_exec("script without x bit", path, argv);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/elf-noexec", dir);
	try_exec("ELF without x bit", path, argv);
	snprintf(path, sizeof(path), "%s/garbage", dir);
	try_exec("not an executable format", path, argv);
	snprintf(path, sizeof(path), "%s/badinterp", dir);
	try_exec("missing interpreter", path, argv);
	errno = 0;
	try_exec("NULL path", NULL, argv);

	run("script", "script", (char *[]){ "myname", "a", "b c", NULL });
	run("script no args", "script", (char *[]){ "x", NULL });
	run("script with interpreter argument", "script-arg", (char *[]){ "y", "z", NULL });

out:
	/* clean up so the next run (maybe another user) starts afresh */
	for (const char *n = "noexec\0garbage\0script\0script-arg\0badinterp\0elf-noexec\0"; *n;
	     n += strlen(n) + 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		unlink(path);
	}
	if (chdir("/") || rmdir(dir))
		printf("rmdir: %s\n", en(errno));
	return 0;
}
