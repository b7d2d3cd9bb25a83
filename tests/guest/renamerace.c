/*
 * A directory and a symlink to another directory are swapped
 * (RENAME_EXCHANGE) by one thread while another opens and stats a file
 * through the name: either way the name leads to a file, so every open
 * succeeds on Linux. Under umk the host refuses an open whose path changed
 * into a symlink after umk's walk (ELOOP), and umk walks again: the guest
 * never sees it. Prints the failures (none expected).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static volatile int stop;

static void *swapper(void *arg)
{
	(void)arg;
	while (!stop)
		syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "l", 2 /* RENAME_EXCHANGE */);
	return NULL;
}

int main(int argc, char **argv)
{
	char dir[64];
	int n = argc > 1 ? atoi(argv[1]) : 20000, open_fail = 0, stat_fail = 0, eloop = 0;
	pthread_t th;
	struct stat st;

	snprintf(dir, sizeof(dir), "/tmp/renamerace.%d", getpid());
	if (mkdir(dir, 0755) < 0 || chdir(dir) < 0)
		return 1;
	mkdir("d", 0755);
	mkdir("e", 0755);
	close(creat("d/f", 0644));
	close(creat("e/f", 0644));
	if (symlink("e", "l") < 0)
		return 1;
	pthread_create(&th, NULL, swapper, NULL);
	for (int i = 0; i < n; i++) {
		int fd = open("d/f", O_RDONLY);

		if (fd < 0) {
			open_fail++;
			eloop += errno == ELOOP;
		} else {
			close(fd);
		}
		if (stat("d/f", &st) < 0)
			stat_fail++;
	}
	stop = 1;
	pthread_join(th, NULL);
	printf("open failures: %d (ELOOP %d), stat failures: %d\n", open_fail, eloop, stat_fail);
	if (lstat("d", &st) == 0 && S_ISLNK(st.st_mode))	/* swap back */
		syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "l", 2);
	unlink("d/f");
	unlink("e/f");
	rmdir("d");
	rmdir("e");
	unlink("l");
	if (chdir("/") == 0)
		rmdir(dir);
	return 0;
}
