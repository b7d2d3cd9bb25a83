/*
 * Guest path walk (see include/umk/path.h). Linux's fs/namei.c is the model:
 * components are looked up one at a time; a symlink's target replaces it and
 * the walk continues with the rest; at most MAXSYMLINKS links; `..` at the
 * task's root stays there; a trailing slash demands a directory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "umk/path.h"
#include "umk/umk.h"

/* Device nodes the minimal /dev passes through from the host. */
static const char *const dev_passthrough[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

int path_guest_to_host(const char *guest, char *host, size_t len)
{
	size_t i;
	int n;

	for (i = 0; i < sizeof(dev_passthrough) / sizeof(dev_passthrough[0]); i++)
		if (!strcmp(guest, dev_passthrough[i])) {
			n = snprintf(host, len, "%s", guest);
			return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
		}
	n = snprintf(host, len, "%s%s", config.root, guest);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int path_host_to_guest(const char *host, char *guest, size_t len)
{
	size_t i;
	int n;

	for (i = 0; i < sizeof(dev_passthrough) / sizeof(dev_passthrough[0]); i++)
		if (!strcmp(host, dev_passthrough[i]))
			goto copy;
	if (strncmp(host, config.root, config.root_len) != 0 ||
	    (host[config.root_len] != '/' && host[config.root_len] != '\0'))
		return -ENOENT;
	host += config.root_len;
	if (!*host)
		host = "/";
copy:
	n = snprintf(guest, len, "%s", host);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int is_below(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return 1;
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == '\0');
}

/*
 * `..`: drop the last component, never above the task's root. A walk that is
 * already outside the root (cwd left outside by chroot) climbs freely up to
 * the guest's real root, as on Linux.
 */
static void pop_component(char *cur, const char *root)
{
	int below = is_below(cur, root);
	char *slash;

	if (!strcmp(cur, root) || !strcmp(cur, "/"))
		return;
	slash = strrchr(cur, '/');
	if (slash == cur)
		cur[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (below && !is_below(cur, root))
		strcpy(cur, root);
}

int path_lookup(const struct path_ctx *ctx, const char *path, unsigned flags,
		struct resolved *out)
{
	char rest[PATH_MAX * 2];	/* what is left to walk */
	char cand[PATH_MAX];
	char host[HOST_PATH_MAX];
	char target[PATH_MAX];
	const char *root = ctx->root;
	char *cur = out->guest;
	size_t plen = strlen(path);
	int links = 0, trailing_slash;
	size_t pos = 0;

	if (plen == 0)
		return -ENOENT;
	if (plen >= PATH_MAX)
		return -ENAMETOOLONG;
	if (flags & LOOKUP_IN_ROOT)
		root = ctx->base;
	if ((flags & LOOKUP_BENEATH) && path[0] == '/')
		return -EXDEV;
	trailing_slash = path[plen - 1] == '/';
	memcpy(rest, path, plen + 1);
	snprintf(cur, PATH_MAX, "%s", path[0] == '/' ? root : ctx->base);

	for (;;) {
		const char *comp;
		size_t clen, n;
		struct stat st;
		int last;

		while (rest[pos] == '/')
			pos++;
		if (!rest[pos])
			break;
		comp = rest + pos;
		clen = strcspn(comp, "/");
		pos += clen;
		{
			size_t q = pos;

			while (rest[q] == '/')
				q++;
			last = rest[q] == '\0';
		}
		if (clen == 1 && comp[0] == '.')
			continue;
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			if ((flags & LOOKUP_BENEATH) && !strcmp(cur, ctx->base))
				return -EXDEV;
			pop_component(cur, root);
			continue;
		}
		if (clen > NAME_MAX)
			return -ENAMETOOLONG;
		n = strlen(cur);
		if (n + 1 + clen >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(cand, cur, n);
		if (n > 1)
			cand[n++] = '/';
		memcpy(cand + n, comp, clen);
		cand[n + clen] = '\0';

		if (path_guest_to_host(cand, host, sizeof(host)) < 0)
			return -ENAMETOOLONG;
		if (lstat(host, &st) < 0) {
			if (errno == ENOENT && last && !(flags & LOOKUP_MUST_EXIST)) {
				strcpy(cur, cand);
				break;
			}
			return -errno;
		}
		if (S_ISLNK(st.st_mode) && (!last || (flags & LOOKUP_FOLLOW) || trailing_slash)) {
			ssize_t tl;
			size_t rl = strlen(rest + pos);

			if (flags & LOOKUP_NO_SYMLINKS)
				return -ELOOP;
			if (++links > MAXSYMLINKS)
				return -ELOOP;
			tl = readlink(host, target, sizeof(target) - 1);
			if (tl < 0)
				return -errno;
			if (tl == 0)
				return -ENOENT;
			target[tl] = '\0';
			if (target[0] == '/') {
				if (flags & LOOKUP_BENEATH)
					return -EXDEV;
				strcpy(cur, root);
			}
			/* rest := target + what was left after this component */
			if ((size_t)tl + 1 + rl >= sizeof(rest))
				return -ENAMETOOLONG;
			memmove(rest + tl + 1, rest + pos, rl + 1);
			memcpy(rest, target, (size_t)tl);
			rest[tl] = '/';
			if (rl == 0)
				rest[tl] = trailing_slash ? '/' : '\0';
			pos = 0;
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
		strcpy(cur, cand);
	}

	if (path_guest_to_host(cur, out->host, sizeof(out->host)) < 0)
		return -ENAMETOOLONG;
	/* Keep a trailing slash so the host still demands a directory. */
	if (trailing_slash && strcmp(cur, "/")) {
		size_t hl = strlen(out->host);

		if (hl + 2 > sizeof(out->host))
			return -ENAMETOOLONG;
		out->host[hl] = '/';
		out->host[hl + 1] = '\0';
	}
	return 0;
}
