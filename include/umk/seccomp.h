#ifndef UMK_SECCOMP_H
#define UMK_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>

/* Build the filter's BPF program from the syscall table, once, in umk
 * (libseccomp takes milliseconds over it). trap_all (--trace=all): every
 * syscall traps. Returns 0 or -errno. */
int seccomp_build(bool trap_all);
/* The program built (len instructions), or NULL. */
struct sock_filter;
const struct sock_filter *seccomp_built(unsigned *len);
/* Install the program built on the calling thread (the first guest, after
 * no_new_privs): 0 or -errno; *listener gets the user-notification
 * descriptor (see inject.h). */
int seccomp_load_built(int *listener);
/* For ioctl/fcntl/prctl: would this command have run natively (no trap)? */
bool seccomp_native_cmd(long nr, uint64_t cmd);

/* Whether the filter keeps nr (a native syscall) off umk's descriptors. */
bool seccomp_fd_guarded(long nr);

#endif
