/*
 * /proc/PID/exe under umk names the guest's image, never umk's stub: the
 * program itself (static or dynamic, not its ld.so), a script's
 * interpreter, the file a symlink led to, another process's by pid.
 * (umk answers readlink of it; the rest of /proc is the file view's.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static void show(const char *what, const char *link, size_t len)
{
	char b[256];
	ssize_t n = readlink(link, b, len);

	if (n < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %.*s\n", what, (int)n, b);
}

static void run(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1) {	/* exec'd again, in some form */
		show(argv[1], "/proc/self/exe", 256);
		return 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	show("self", "/proc/self/exe", 256);
	show("thread-self", "/proc/thread-self/exe", 256);
	show("pid 1, 8 bytes", "/proc/1/exe", 8);
	show("no such pid", "/proc/99999/exe", 256);
	show("bufsiz 0", "/proc/self/exe", 0);
	symlink(argv[0], "/tmp/procexe.link");
	run((char *[]){ "/tmp/procexe.link", "through a symlink", NULL });
	unlink("/tmp/procexe.link");
	run((char *[]){ "/usr/local/bin/procexe_dyn", "dynamic", NULL });
	{
		int fd = open("/tmp/procexe.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
		char line[300];

		snprintf(line, sizeof(line), "#!%s\n", argv[0]);
		write(fd, line, strlen(line));
		close(fd);
		/* argv[1] of the interpreter is the script's path */
		run((char *[]){ "/tmp/procexe.sh", NULL });
		unlink("/tmp/procexe.sh");
	}
	return 0;
}
