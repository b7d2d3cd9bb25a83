/*
 * POSIX timers: SIGEV_THREAD (glibc runs the callback on a helper thread it
 * names with SIGEV_THREAD_ID), SIGEV_SIGNAL and a bad SIGEV_THREAD_ID tid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int fired;
static volatile sig_atomic_t got;

static void cb(union sigval v)
{
	pthread_mutex_lock(&mu);
	fired = v.sival_int;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static void on_alrm(int s)
{
	got = s;
}

int main(void)
{
	struct sigevent ev;
	struct itimerspec its = { .it_value = { 0, 20 * 1000 * 1000 } };
	timer_t tm;
	int r;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = cb;
	ev.sigev_value.sival_int = 42;
	r = timer_create(CLOCK_MONOTONIC, &ev, &tm);
	printf("SIGEV_THREAD create: %s\n", r ? strerrorname_np(errno) : "ok");
	if (!r) {
		timer_settime(tm, 0, &its, NULL);
		pthread_mutex_lock(&mu);
		while (!fired)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
		printf("callback value: %d\n", fired);
		timer_delete(tm);
	}

	signal(SIGALRM, on_alrm);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	r = timer_create(CLOCK_MONOTONIC, &ev, &tm);
	printf("SIGEV_SIGNAL create: %s\n", r ? strerrorname_np(errno) : "ok");
	timer_settime(tm, 0, &its, NULL);
	while (!got)
		pause();
	printf("signal: %d\n", got);

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGALRM;
	ev._sigev_un._tid = 4242;
	r = (int)syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &tm);
	printf("SIGEV_THREAD_ID bad tid: %s\n", r ? strerrorname_np(errno) : "ok");
	ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	r = (int)syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &tm);
	printf("SIGEV_THREAD_ID own tid: %s\n", r ? strerrorname_np(errno) : "ok");
	return 0;
}
