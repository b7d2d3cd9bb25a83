/*
 * --trace: one strace-style line per syscall, with guest pids, decoded from
 * the syscall table's argument kinds. Arguments are decoded at entry (the
 * guest may change its memory afterwards); the line is printed with the result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "umk/syscall.h"
#include "umk/trace.h"
#include "umk/uaccess.h"
#include "umk/umk.h"

static int put_str(struct task *t, char *out, size_t len, uint64_t addr)
{
	char s[64];
	long n;
	size_t o = 0;

	if (!addr)
		return snprintf(out, len, "NULL");
	n = strncpy_from_guest(t, s, addr, sizeof(s));
	if (n == -EFAULT)
		return snprintf(out, len, "%#lx", (unsigned long)addr);
	o += snprintf(out + o, len - o, "\"");
	for (long i = 0; i < (n < 0 ? (long)sizeof(s) - 1 : n) && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			o += snprintf(out + o, len - o, "\\%c", c);
		else if (c >= 32 && c < 127)
			out[o++] = (char)c;
		else
			o += snprintf(out + o, len - o, "\\x%02x", c);
	}
	if (o < len)
		o += snprintf(out + o, len - o, n < 0 ? "\"..." : "\"");
	return (int)o;
}

void trace_enter(struct task *t)
{
	struct sysc *sc = &t->sys;
	const struct syscall_desc *d = sc->desc;
	const char *kinds = d && d->args ? d->args : "xxxxxx";
	char *out = sc->trace;
	size_t len = sizeof(sc->trace), o = 0;

	o += snprintf(out, len, "%s(", syscall_name(sc->nr));
	for (int i = 0; kinds[i] && i < 6 && o < len; i++) {
		uint64_t a = sc->orig_args[i];

		if (i)
			o += snprintf(out + o, len - o, ", ");
		if (o >= len)
			break;
		switch (kinds[i]) {
		case 'd': case 'i':
			o += snprintf(out + o, len - o, "%d", (int)a);
			break;
		case 'f':
			if ((int)a == AT_FDCWD)
				o += snprintf(out + o, len - o, "AT_FDCWD");
			else
				o += snprintf(out + o, len - o, "%d", (int)a);
			break;
		case 'u':
			o += snprintf(out + o, len - o, "%lu", (unsigned long)a);
			break;
		case 'o':
			o += snprintf(out + o, len - o, "0%lo", (unsigned long)a);
			break;
		case 's':
			o += put_str(t, out + o, len - o, a);
			break;
		case 'S': {
			const char *n = (int)a > 0 && (int)a < 32 ? sigabbrev_np((int)a) : NULL;

			if (n)
				o += snprintf(out + o, len - o, "SIG%s", n);
			else
				o += snprintf(out + o, len - o, "%d", (int)a);
			break;
		}
		case 'p':
			o += a ? snprintf(out + o, len - o, "%#lx", (unsigned long)a)
			       : snprintf(out + o, len - o, "NULL");
			break;
		default:
			o += snprintf(out + o, len - o, "%#lx", (unsigned long)a);
			break;
		}
	}
	if (o < len)
		snprintf(out + o, len - o, ")");
}

void trace_exit(struct task *t, long ret)
{
	FILE *f = config.trace_file ? config.trace_file : stderr;
	pid_t pid = task_pid_vnr(t);

	if (ret == -512) {
		fprintf(f, "[pid %5d] %s = ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n",
			pid, t->sys.trace);
	} else if (ret < 0 && ret >= -4095) {
		const char *name = strerrorname_np((int)-ret);

		fprintf(f, "[pid %5d] %s = -1 %s (%s)\n", pid, t->sys.trace,
			name ? name : "E?", strerror((int)-ret));
	} else if (ret > 0xffff || ret < -4095) {
		fprintf(f, "[pid %5d] %s = %#lx\n", pid, t->sys.trace, (unsigned long)ret);
	} else {
		fprintf(f, "[pid %5d] %s = %ld\n", pid, t->sys.trace, ret);
	}
	fflush(f);
}
