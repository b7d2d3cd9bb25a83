/* `fstatids FILE`: the owner fstat(2) shows for an open FILE, by the raw
 * syscall and by glibc's (newfstatat with AT_EMPTY_PATH), and statx's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	struct stat st;
	struct statx sx;
	int fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;

	if (fd < 0)
		return 1;
	if (syscall(SYS_fstat, fd, &st) == 0)
		printf("fstat %u %u\n", st.st_uid, st.st_gid);
	if (fstat(fd, &st) == 0)
		printf("fstatat %u %u\n", st.st_uid, st.st_gid);
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0)
		printf("statx %u %u\n", sx.stx_uid, sx.stx_gid);
	return 0;
}
