/*
 * Threads and clone3.
 *   threads      - 4 pthreads (glibc creates them with clone3): each records
 *                  gettid(), getpid() and adds to a shared counter; main
 *                  joins them and prints in order
 *   threads bad  - raw clone3/clone argument errors, and a clone3 fork
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define NT 4
#define ITER 10000

static atomic_int counter;
static struct {
	pid_t tid, pid;
} rec[NT];

static void *worker(void *arg)
{
	int i = (int)(intptr_t)arg;

	rec[i].tid = gettid();
	rec[i].pid = getpid();
	for (int k = 0; k < ITER; k++)
		atomic_fetch_add(&counter, 1);
	return (void *)(intptr_t)(i + 100);
}

static const char *en(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

static void ret(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, en(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int bad(void)
{
	struct clone_args ca;
	char big[sizeof(ca) + 16];
	pid_t c;
	int st;

	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	ret("clone3 size 8", syscall(SYS_clone3, &ca, 8));
	ret("clone3 size 0", syscall(SYS_clone3, &ca, 0));
	memset(big, 0, sizeof(big));
	memcpy(big, &ca, sizeof(ca));
	big[sizeof(ca) + 3] = 1;
	ret("clone3 oversized, nonzero tail", syscall(SYS_clone3, big, sizeof(big)));
	ca.flags = CLONE_THREAD;
	ca.exit_signal = 0;
	ret("clone3 CLONE_THREAD without CLONE_SIGHAND", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = CLONE_SIGHAND;
	ret("clone3 CLONE_SIGHAND without CLONE_VM", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = 0;
	ca.exit_signal = 0x100;
	ret("clone3 bad exit_signal", syscall(SYS_clone3, &ca, sizeof(ca)));
	ret("clone CLONE_THREAD without CLONE_SIGHAND",
	    syscall(SYS_clone, CLONE_THREAD, 0, 0, 0, 0));
	ret("clone CLONE_SIGHAND without CLONE_VM",
	    syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0));

	/* clone3 as a plain fork */
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	fflush(stdout);
	c = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (c == 0) {
		printf("clone3 child: pid %d ppid %d\n", getpid(), getppid());
		_exit(9);
	}
	if (c < 0) {
		printf("clone3 fork: %s\n", en(errno));
		return 1;
	}
	printf("clone3 fork: waitpid %d", waitpid(c, &st, 0) == c);
	printf(" exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t th[NT];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "bad"))
		return bad();
	printf("main: pid %d tid==pid %d\n", getpid(), gettid() == getpid());
	for (int i = 0; i < NT; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i)) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < NT; i++) {
		void *r;

		pthread_join(th[i], &r);
		printf("thread %d: returned %d tid!=pid %d pid==main %d tid %d\n", i,
		       (int)(intptr_t)r, rec[i].tid != rec[i].pid, rec[i].pid == getpid(),
		       rec[i].tid);
	}
	for (int i = 0; i < NT; i++)
		for (int j = i + 1; j < NT; j++)
			if (rec[i].tid == rec[j].tid)
				printf("threads %d and %d share tid %d\n", i, j, rec[i].tid);
	printf("counter %d\n", atomic_load(&counter));
	printf("main: tid==pid %d\n", gettid() == getpid());
	return 0;
}
