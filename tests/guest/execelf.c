/*
 * Malformed executables: each is written to /tmp, exec'd by a child, and
 * reported as the errno execve returned, or as the signal that killed the
 * child when the kernel gave up after its point of no return. Run natively
 * and under umk; the output must be the same (tests/test_guest.c holds it).
 *
 * The images are built here: a tiny static program at 0x400000 whose code
 * exits with 42 (so the well-formed one proves the builder right), and a
 * copy with a PT_INTERP, then one defect at a time.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct img {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[6];
	char pad[0x1000 - sizeof(Elf64_Ehdr) - 6 * sizeof(Elf64_Phdr)];
	unsigned char text[0x1000];	/* file offset 0x1000 */
};

/* mov edi, 42; mov eax, 60 (exit); syscall */
static const unsigned char exit42[] = { 0xbf, 42, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05 };

static void img_static(struct img *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
	m->eh.e_ident[EI_CLASS] = ELFCLASS64;
	m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh.e_ident[EI_VERSION] = EV_CURRENT;
	m->eh.e_type = ET_EXEC;
	m->eh.e_machine = EM_X86_64;
	m->eh.e_version = EV_CURRENT;
	m->eh.e_entry = 0x401000;
	m->eh.e_phoff = offsetof(struct img, ph);
	m->eh.e_ehsize = sizeof(Elf64_Ehdr);
	m->eh.e_phentsize = sizeof(Elf64_Phdr);
	m->eh.e_phnum = 3;
	m->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0,
				 .p_vaddr = 0x400000, .p_filesz = 0x1000, .p_memsz = 0x1000,
				 .p_align = 0x1000 };
	m->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
				 .p_vaddr = 0x401000, .p_filesz = sizeof(exit42),
				 .p_memsz = 0x2000, .p_align = 0x1000 };
	m->ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
	memcpy(m->text, exit42, sizeof(exit42));
}

/* With a PT_INTERP naming path (kept in the padding after the headers). */
static void img_interp(struct img *m, const char *path)
{
	size_t len = strlen(path) + 1;

	img_static(m);
	memcpy(m->pad, path, len);
	m->ph[3] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R,
				 .p_offset = offsetof(struct img, pad), .p_filesz = len,
				 .p_memsz = len, .p_align = 1 };
	m->eh.e_phnum = 4;
}

static int seq;

/* Write len bytes of data to a fresh /tmp file with the given mode. */
static void put(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		printf("write %s: %s\n", path, strerrorname_np(errno));
		exit(1);
	}
	close(fd);
	chmod(path, mode);
}

/* Exec path in a child; print what happened. */
static void run(const char *name, const char *path)
{
	char *argv[] = { (char *)path, NULL }, *envp[] = { NULL };
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(100 + (errno < 150 ? errno : 0));
	}
	if (waitpid(pid, &st, 0) != pid) {
		printf("%s: waitpid %s\n", name, strerrorname_np(errno));
		return;
	}
	if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", name, sigabbrev_np(WTERMSIG(st)));
	else if (WEXITSTATUS(st) >= 100)
		printf("%s: %s\n", name, strerrorname_np(WEXITSTATUS(st) - 100));
	else
		printf("%s: exit %d\n", name, WEXITSTATUS(st));
}

/* Write m (len bytes) and exec it. */
static void try(const char *name, const struct img *m, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/execelf.%d", seq++);
	put(path, m, len, 0755);
	run(name, path);
	unlink(path);
}

/*
 * execelf fuzz N SEED: N random mutations of the well-formed image (a few
 * bytes of its headers and program headers changed, sometimes cut short),
 * each exec'd in a child that SIGALRM ends after a second. What each one
 * does is its own business; the kernel under it must survive every one, and
 * still run the well-formed image afterwards.
 */
static int fuzz(long n, unsigned seed)
{
	static struct img m;
	long outcomes[4] = { 0 };
	char path[] = "/tmp/execelf.fuzz";

	srandom(seed);
	for (long i = 0; i < n; i++) {
		unsigned char *b = (unsigned char *)&m;
		size_t len = sizeof(m);
		pid_t pid;
		int st;

		img_static(&m);
		for (int k = 1 + random() % 4; k > 0; k--) {
			size_t at = (size_t)random() % (sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr));

			b[at] = random() % 3 ? (unsigned char)random() : b[at] ^ (1u << (random() % 8));
		}
		if (random() % 8 == 0)
			len = (size_t)random() % sizeof(m);
		put(path, &m, len, 0755);
		pid = fork();
		if (pid == 0) {
			char *argv[] = { path, NULL }, *envp[] = { NULL };

			alarm(1);
			execve(path, argv, envp);
			_exit(100);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			printf("fuzz: lost child %ld\n", i);
			return 1;
		}
		outcomes[WIFSIGNALED(st) ? 0 : WEXITSTATUS(st) == 100 ? 1 : WEXITSTATUS(st) == 42 ? 2 : 3]++;
	}
	unlink(path);
	fprintf(stderr, "fuzz: %ld images: %ld killed, %ld refused, %ld ran, %ld other exits\n", n,
		outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
	img_static(&m);
	try("fuzz: then the well-formed image", &m, sizeof(m));
	return 0;
}

int main(int argc, char **argv)
{
	static struct img m;
	const size_t full = sizeof(m);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "fuzz"))
		return fuzz(argc > 2 ? atol(argv[2]) : 200, argc > 3 ? (unsigned)atol(argv[3]) : 1);
	img_static(&m);
	try("well-formed", &m, full);
	try("empty file", &m, 0);
	try("truncated header", &m, 40);
	m.eh.e_ident[1] = 'L';
	try("bad magic", &m, full);
	img_static(&m);
	m.eh.e_type = ET_REL;
	try("ET_REL", &m, full);
	img_static(&m);
	m.eh.e_machine = EM_AARCH64;
	try("wrong machine", &m, full);
	img_static(&m);
	m.eh.e_phentsize = 32;
	try("wrong e_phentsize", &m, full);
	img_static(&m);
	m.eh.e_phnum = 0;
	try("zero e_phnum", &m, full);
	img_static(&m);
	m.eh.e_phnum = 74;
	try("e_phnum past a page", &m, full);
	img_static(&m);
	try("truncated program headers", &m, 100);
	img_static(&m);
	m.eh.e_phoff = ~0ULL - 10;
	try("e_phoff past any file", &m, full);

	/* After the point of no return: the child dies. */
	img_static(&m);
	m.ph[1].p_filesz = 0x3000;
	try("p_filesz > p_memsz", &m, full);
	img_static(&m);
	m.ph[1].p_vaddr = 0x7ffffffff000;
	m.ph[1].p_offset = 0x1000;
	try("segment past the top", &m, full);
	img_static(&m);
	m.ph[1].p_memsz = ~0ULL - 0x10000;
	try("wrapping segment", &m, full);
	img_static(&m);
	m.eh.e_entry = 0x7ffffffff000 + 8;
	try("entry past the top", &m, full);

	/* The interpreter. */
	put("/tmp/execelf.text", "just text\n", 10, 0755);
	put("/tmp/execelf.long", "#!/bin/sh\n# a script long enough to hold an ELF header, but no ELF\n"
	    "exit 3\n", 74, 0755);
	put("/tmp/execelf.short", "\177ELF", 4, 0755);
	put("/tmp/execelf.noexec", "\177ELF", 4, 0644);
	img_static(&m);
	m.eh.e_machine = EM_386;
	put("/tmp/execelf.i386", &m, full, 0755);
	img_interp(&m, "/tmp/execelf.nonexistent");
	try("interpreter missing", &m, full);
	img_interp(&m, "/tmp");
	try("interpreter is a directory", &m, full);
	img_interp(&m, "/tmp/execelf.text");
	try("interpreter shorter than a header, text", &m, full);
	img_interp(&m, "/tmp/execelf.long");
	try("interpreter not ELF", &m, full);
	img_interp(&m, "/tmp/execelf.short");
	try("interpreter shorter than a header", &m, full);
	img_interp(&m, "/tmp/execelf.noexec");
	try("interpreter not executable", &m, full);
	img_interp(&m, "/tmp/execelf.i386");
	try("interpreter of another machine", &m, full);
	img_interp(&m, "/tmp/execelf.text");
	m.ph[3].p_filesz = 1;
	try("PT_INTERP of 1 byte", &m, full);
	img_interp(&m, "/tmp/execelf.text");
	m.ph[3].p_filesz = 4097;
	try("PT_INTERP past PATH_MAX", &m, full);
	img_interp(&m, "/tmp/execelf.text");
	m.ph[3].p_filesz -= 1;	/* no NUL */
	try("PT_INTERP without NUL", &m, full);
	img_interp(&m, "/tmp/execelf.text");
	m.ph[3].p_offset = full - 4;
	try("PT_INTERP past the end", &m, full);
	unlink("/tmp/execelf.text");
	unlink("/tmp/execelf.long");
	unlink("/tmp/execelf.short");
	unlink("/tmp/execelf.noexec");
	unlink("/tmp/execelf.i386");

	/* What is not a regular executable file. */
	run("a directory", "/tmp");
	unlink("/tmp/execelf.fifo");
	if (mkfifo("/tmp/execelf.fifo", 0755) == 0) {
		run("a FIFO", "/tmp/execelf.fifo");
		unlink("/tmp/execelf.fifo");
	}
	img_static(&m);
	put("/tmp/execelf.plain", &m, full, 0644);
	run("no execute bit", "/tmp/execelf.plain");
	unlink("/tmp/execelf.plain");
	printf("execelf: done\n");
	return 0;
}
