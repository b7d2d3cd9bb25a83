/*
 * Abstract AF_UNIX names are the guest's own: `unixabs NAME listen` binds
 * and listens on @NAME for 3 s; `unixabs NAME` connects to @NAME.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
int main(int argc, char **argv){
	struct sockaddr_un a = { AF_UNIX }; a.sun_path[0] = 0; strcpy(a.sun_path + 1, argv[1]);
	socklen_t l = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(argv[1]);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (argc > 2) { int r = bind(s, (void*)&a, l); listen(s, 1); printf("bind %s\n", r ? strerrorname_np(errno) : "ok"); fflush(stdout); sleep(3); return 0; }
	int r = connect(s, (void*)&a, l); printf("connect %s\n", r ? strerrorname_np(errno) : "ok"); return 0;
}
