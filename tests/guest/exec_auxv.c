/*
 * What a new image sees, run natively and under umk and compared line by
 * line: the initial stack (argc, argv, envp, auxv in Linux's order and
 * values, the strings' places, alignment), the registers the ABI defines,
 * and what exec keeps or resets (close-on-exec, signal dispositions, comm).
 * Randomised values are checked by their relations, not printed.
 *
 * exec_auxv            the driver: re-execs itself in each form below
 * exec_auxv dump ...   print what this image got
 * Built static, static-pie and dynamic (the Makefile's exec_auxv_*).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;

static const char *at_name(unsigned long t)
{
	switch (t) {
	case AT_SYSINFO_EHDR: return "SYSINFO_EHDR";
	case 51: return "MINSIGSTKSZ";
	case AT_HWCAP: return "HWCAP";
	case AT_PAGESZ: return "PAGESZ";
	case AT_CLKTCK: return "CLKTCK";
	case AT_PHDR: return "PHDR";
	case AT_PHENT: return "PHENT";
	case AT_PHNUM: return "PHNUM";
	case AT_BASE: return "BASE";
	case AT_FLAGS: return "FLAGS";
	case AT_ENTRY: return "ENTRY";
	case AT_UID: return "UID";
	case AT_EUID: return "EUID";
	case AT_GID: return "GID";
	case AT_EGID: return "EGID";
	case AT_SECURE: return "SECURE";
	case AT_RANDOM: return "RANDOM";
	case AT_HWCAP2: return "HWCAP2";
	case AT_EXECFN: return "EXECFN";
	case AT_PLATFORM: return "PLATFORM";
	case 27: return "RSEQ_FEATURE_SIZE";
	case 28: return "RSEQ_ALIGN";
	default: return "?";
	}
}

static int is_elf(unsigned long a)
{
	return a && !memcmp((const void *)a, ELFMAG, SELFMAG);
}

/* The image's load bias, from its program headers at AT_PHDR: PT_PHDR's
 * place, or (a static non-PIE has none) the headers at 64 bytes into the
 * segment that maps the file's start. */
static unsigned long load_bias(unsigned long phdr, unsigned long phnum)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr;

	for (unsigned long i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return phdr - ph[i].p_vaddr;
	for (unsigned long i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			return phdr - sizeof(Elf64_Ehdr) - ph[i].p_vaddr;
	return 0;
}

static int dump(int argc, char **argv)
{
	char **envp = environ, **p, comm[17] = "";
	unsigned long *av, phdr = 0, phnum = 0, entry = 0, rnd = 0, plat = 0, execfn = 0, base = 0;
	struct sigaction sa;
	int envc = 0;

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=\"%s\"\n", i, argv[i]);
	for (p = envp; *p; p++, envc++)
		printf("env[%d]=\"%s\"\n", envc, *p);
	av = (unsigned long *)(p + 1);
	printf("auxv:");
	for (unsigned long *a = av; a[0]; a += 2)
		printf(" %s", at_name(a[0]));
	printf("\n");
	for (unsigned long *a = av; a[0]; a += 2) {
		switch (a[0]) {
		case AT_PAGESZ: case AT_CLKTCK: case AT_PHENT: case AT_PHNUM: case AT_FLAGS:
		case AT_UID: case AT_EUID: case AT_GID: case AT_EGID: case AT_SECURE:
		case AT_HWCAP: case AT_HWCAP2: case 51: case 27: case 28:
			printf("AT_%s=%#lx\n", at_name(a[0]), a[1]);
			break;
		}
		if (a[0] == AT_PHDR) phdr = a[1];
		if (a[0] == AT_PHNUM) phnum = a[1];
		if (a[0] == AT_ENTRY) entry = a[1];
		if (a[0] == AT_RANDOM) rnd = a[1];
		if (a[0] == AT_PLATFORM) plat = a[1];
		if (a[0] == AT_EXECFN) execfn = a[1];
		if (a[0] == AT_BASE) base = a[1];
		if (a[0] == AT_SYSINFO_EHDR)
			printf("vdso is an ELF image: %d\n", is_elf(a[1]));
	}
	printf("AT_BASE: %s\n", base ? (is_elf(base) ? "the interpreter's ELF header" : "bad")
				   : "0");
	{
		unsigned long bias = load_bias(phdr, phnum);
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)bias;

		printf("AT_ENTRY - bias == e_entry: %d\n", is_elf(bias) && entry - bias == eh->e_entry);
		printf("AT_PHDR == bias + e_phoff: %d\n", is_elf(bias) && phdr == bias + eh->e_phoff);
		if (is_elf(bias) && eh->e_type == ET_EXEC)
			printf("ET_EXEC: AT_PHDR=%#lx AT_ENTRY=%#lx\n", phdr, entry);
	}
	printf("AT_EXECFN=\"%s\"\n", (char *)execfn);
	printf("AT_PLATFORM=\"%s\"\n", (char *)plat);
	/* The strings: argv, envp, the filename, each right after the other,
	 * the filename's NUL 8 bytes below the top of a page. */
	{
		int contiguous = 1;
		char *end = argv[0];

		for (int i = 0; i < argc; i++) {
			contiguous &= argv[i] == end;
			end = argv[i] + strlen(argv[i]) + 1;
		}
		for (int i = 0; i < envc; i++) {
			contiguous &= envp[i] == end;
			end = envp[i] + strlen(envp[i]) + 1;
		}
		contiguous &= (unsigned long)end == execfn;
		printf("strings contiguous: %d\n", contiguous);
		end = (char *)execfn + strlen((char *)execfn) + 1;
		printf("execfn ends 8 below a page: %d\n", ((unsigned long)end + 8) % 4096 == 0);
		printf("random 16 bytes below the platform string: %d\n", rnd + 16 == plat);
		end = (char *)plat + strlen((char *)plat) + 1;
		printf("strings above the platform, less than 8 KiB apart: %d\n",
		       end <= argv[0] && argv[0] - end < 8192 + 16);
	}
	printf("argc 16-aligned: %d\n", ((unsigned long)argv - 8) % 16 == 0);
	printf("auxv right after envp: %d\n", av == (unsigned long *)(envp + envc + 1));
	prctl(PR_GET_NAME, comm);
	printf("comm=\"%s\"\n", comm);
	/* What exec kept: descriptors 5 (kept) and 6 (close-on-exec), SIGUSR1
	 * (caught before: default now) and SIGUSR2 (ignored: still). */
	printf("fd 5 %s, fd 6 %s\n", fcntl(5, F_GETFD) >= 0 ? "open" : "closed",
	       fcntl(6, F_GETFD) >= 0 ? "open" : "closed");
	sigaction(SIGUSR1, NULL, &sa);
	printf("SIGUSR1 %s\n", sa.sa_handler == SIG_DFL ? "default" : "not default");
	sigaction(SIGUSR2, NULL, &sa);
	printf("SIGUSR2 %s\n", sa.sa_handler == SIG_IGN ? "ignored" : "not ignored");
	return 0;
}

static void on_usr1(int s)
{
	(void)s;
}

/* Run one exec form in a child; its output goes to ours. */
static void run(const char *label, const char *path, int dirfd, int flags, char *const *argv,
		char *const *envp)
{
	pid_t pid;
	int status;

	printf("--- %s\n", label);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int r = dirfd == -200 ? execve(path, argv, envp)
				      : (int)syscall(SYS_execveat, dirfd, path, argv, envp, flags);

		printf("exec: %s\n", r < 0 ? strerrorname_np(errno) : "returned");
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		printf("status %#x\n", status);
}

static void put_file(const char *path, const char *text, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		perror(path);
	close(fd);
}

int main(int argc, char **argv)
{
	char self[256], script[512], *big;
	struct sigaction sa = { .sa_handler = on_usr1 };
	char *env[] = { "A=1", "B=", "EMPTY_NEXT=", "", NULL };
	int dir, fd;
	static volatile int vflag;

	if ((argc >= 2 && !strcmp(argv[1], "dump")) || (argc >= 1 && !argv[0][0]))
		return dump(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "dumpscript"))
		return dump(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(self, sizeof(self), "%s", argv[0]);

	/* fd 5 stays open across exec, fd 6 is close-on-exec. */
	dup2(1, 5);
	dup3(1, 6, O_CLOEXEC);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);

	run("plain", self, -200, 0, (char *[]){ self, "dump", "", "two words", NULL }, env);
	run("no argv, no envp", self, -200, 0, NULL, NULL);
	run("empty environment", self, -200, 0, (char *[]){ self, "dump", NULL },
	    (char *[]){ NULL });

	/* E2BIG: one string past MAX_ARG_STRLEN; a total past a quarter of
	 * RLIMIT_STACK. */
	big = malloc(32 * 4096 + 1);
	memset(big, 'x', 32 * 4096);
	big[32 * 4096] = 0;
	run("a string of 128 KiB", self, -200, 0, (char *[]){ self, "dump", big, NULL }, env);
	big[32 * 4096 - 1] = 0;
	run("a string of 128 KiB less one", self, -200, 0,
	    (char *[]){ self, "dump", big + 32 * 4096 - 20, NULL }, env);
	{
		struct rlimit rl = { 1 << 20, RLIM_INFINITY }, old;
		char *many[40];

		getrlimit(RLIMIT_STACK, &old);
		rl.rlim_max = old.rlim_max;
		setrlimit(RLIMIT_STACK, &rl);
		big[100000] = 0;
		many[0] = self;
		many[1] = "dump";
		for (int i = 2; i < 5; i++)
			many[i] = big;
		many[5] = NULL;
		run("300 KB with a 1 MiB stack limit", self, -200, 0, many, env);
		many[4] = NULL;
		run("200 KB with a 1 MiB stack limit", self, -200, 0, many, (char *[]){ NULL });
		setrlimit(RLIMIT_STACK, &old);
	}

	/* #! chains: interp [arg] filename argv[1..]; nested; looping. */
	snprintf(script, sizeof(script), "#!%s dumpscript\n", self);
	put_file("/tmp/exec_auxv.s1", script, 0755);
	put_file("/tmp/exec_auxv.s2", "#!/tmp/exec_auxv.s1   one  arg  \n", 0755);
	put_file("/tmp/exec_auxv.loop", "#!/tmp/exec_auxv.loop\n", 0755);
	put_file("/tmp/exec_auxv.noexec", script, 0644);
	run("script", "/tmp/exec_auxv.s1", -200, 0,
	    (char *[]){ "s1-argv0", "x", NULL }, env);
	run("script of a script", "/tmp/exec_auxv.s2", -200, 0,
	    (char *[]){ "s2-argv0", "y", NULL }, env);
	run("a script that runs itself", "/tmp/exec_auxv.loop", -200, 0,
	    (char *[]){ "loop", NULL }, env);
	run("a script without x", "/tmp/exec_auxv.noexec", -200, 0, (char *[]){ "n", NULL }, env);

	/* execveat: relative to a directory fd, by an fd (O_PATH too), a
	 * symlink with AT_SYMLINK_NOFOLLOW, bad flags. */
	dir = open("/usr/local/bin", O_RDONLY | O_DIRECTORY);
	fd = open(self, O_RDONLY);
	dup2(dir, 7);
	dup2(fd, 8);
	close(dir);
	close(fd);
	run("execveat(dirfd, name)", strrchr(self, '/') + 1, 7, 0,
	    (char *[]){ "at", "dump", NULL }, env);
	run("execveat(fd, \"\", AT_EMPTY_PATH)", "", 8, AT_EMPTY_PATH,
	    (char *[]){ "fd", "dump", NULL }, env);
	fd = open(self, O_PATH);
	dup2(fd, 9);
	close(fd);
	run("execveat(O_PATH fd, \"\", AT_EMPTY_PATH)", "", 9, AT_EMPTY_PATH,
	    (char *[]){ "opath", "dump", NULL }, env);
	symlink(self, "/tmp/exec_auxv.link");
	run("execveat(symlink, AT_SYMLINK_NOFOLLOW)", "/tmp/exec_auxv.link", AT_FDCWD,
	    AT_SYMLINK_NOFOLLOW, (char *[]){ "l", "dump", NULL }, env);
	run("execveat(symlink, 0)", "/tmp/exec_auxv.link", AT_FDCWD, 0,
	    (char *[]){ "l", "dump", NULL }, env);
	run("execveat(\"\" without AT_EMPTY_PATH)", "", 8, 0, (char *[]){ "e", NULL }, env);
	/* A script by a close-on-exec descriptor: its interpreter could not
	 * open /dev/fd/N, so Linux refuses it. */
	fd = open("/tmp/exec_auxv.s1", O_RDONLY | O_CLOEXEC);
	dup3(fd, 10, O_CLOEXEC);
	close(fd);
	run("execveat(close-on-exec script fd, \"\", AT_EMPTY_PATH)", "", 10, AT_EMPTY_PATH,
	    (char *[]){ "s", NULL }, env);
	run("execveat(bad flags)", self, AT_FDCWD, 0x4, (char *[]){ "b", NULL }, env);

	/* vfork: the parent resumes once the child has exec'd, and sees what
	 * the child wrote before. */
	{
		pid_t pid;
		int status;

		printf("--- vfork\n");
		pid = vfork();
		if (pid == 0) {
			vflag = 1;
			execve(self, (char *[]){ self, "dump", NULL }, (char *[]){ NULL });
			_exit(127);
		}
		/* Printed after the child's own output: natively the two race. */
		waitpid(pid, &status, 0);
		printf("parent resumed, child's write seen: %d\n", vflag);
		printf("child status %#x\n", status);
	}
	unlink("/tmp/exec_auxv.s1");
	unlink("/tmp/exec_auxv.s2");
	unlink("/tmp/exec_auxv.loop");
	unlink("/tmp/exec_auxv.noexec");
	unlink("/tmp/exec_auxv.link");
	printf("exec_auxv: done\n");
	return 0;
}
