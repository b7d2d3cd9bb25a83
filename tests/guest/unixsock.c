/*
 * AF_UNIX pathname sockets name files in the guest's view: bind, connect,
 * sendto and sendmsg with a destination, and sendmmsg, all inside the root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static void show(const char *what, long r)
{
	printf("%-24s %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

int main(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct iovec iov;
	struct msghdr m;
	struct mmsghdr mm[2];
	char buf[32];
	struct stat st;
	int srv, cli;

	setvbuf(stdout, NULL, _IONBF, 0);
	unlink("/tmp/u.sock");
	strcpy(a.sun_path, "/tmp/u.sock");
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("bind", bind(srv, (void *)&a, sizeof(a)));
	show("socket file in view", stat("/tmp/u.sock", &st) == 0 && S_ISSOCK(st.st_mode) ? 0 : -1);
	cli = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("sendto", sendto(cli, "one", 3, 0, (void *)&a, sizeof(a)));
	memset(buf, 0, sizeof(buf));
	show("recv one", recv(srv, buf, sizeof(buf), 0) == 3 && !strcmp(buf, "one") ? 0 : -1);
	iov.iov_base = "two";
	iov.iov_len = 3;
	memset(&m, 0, sizeof(m));
	m.msg_name = &a;
	m.msg_namelen = sizeof(a);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	show("sendmsg", sendmsg(cli, &m, 0));
	memset(buf, 0, sizeof(buf));
	show("recv two", recv(srv, buf, sizeof(buf), 0) == 3 && !strcmp(buf, "two") ? 0 : -1);
	memset(mm, 0, sizeof(mm));
	mm[0].msg_hdr = m;
	mm[1].msg_hdr = m;
	int sent = sendmmsg(cli, mm, 2, 0);

	printf("sendmmsg sent %d, lens %u %u\n", sent, mm[0].msg_len, mm[1].msg_len);
	show("recv three", recv(srv, buf, sizeof(buf), 0));
	show("recv four", recv(srv, buf, sizeof(buf), 0));
	/* A path that is not there, inside the view. */
	strcpy(a.sun_path, "/tmp/nope.sock");
	show("sendto missing", sendto(cli, "x", 1, 0, (void *)&a, sizeof(a)));
	show("connect missing", connect(cli, (void *)&a, sizeof(a)));
	/* A host-only socket path must not be reachable. */
	strcpy(a.sun_path, "/run/systemd/notify");
	show("host path", sendto(cli, "x", 1, 0, (void *)&a, sizeof(a)));
	unlink("/tmp/u.sock");
	return 0;
}
