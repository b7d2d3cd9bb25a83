/*
 * The terminal relay (src/tty.c): the guests' pty, relayed to the user's
 * terminal in raw mode when umk runs in its foreground.
 */
#ifndef UMK_TTY_H
#define UMK_TTY_H

#include <stdbool.h>
#include <signal.h>
#include "task.h"

/* In umk, before the first guest: 0 (relay on or not needed) or -errno. */
int tty_setup(void);
/* In the first guest's launch child: its session on the pty. */
int tty_child(void);
/* In the loop: start relaying; umk got SIGWINCH; umk is about to exit. */
void tty_start(void);
void tty_winch(void);
void tty_drain(void);
bool tty_active(void);
/* The host path that is t's /dev/tty, or NULL (no controlling terminal). */
const char *tty_of(struct task *t);
/* A guest opened /dev/ptmx (its guest_fd): its slave appears in /dev/pts. */
void tty_pts_made(struct task *t, int guest_fd);
/* A guest opened a pty slave (its guest_fd) without O_NOCTTY. */
void tty_open_acquire(struct task *t, int guest_fd);
/* May a guest open this host /dev/pts/N (a guest holds its master)? */
bool tty_pts_guests(struct task *t, const char *host);
/* A keyboard signal for a guest outside the foreground group: drop it. */
bool tty_signal_dropped(struct task *t, int sig, const siginfo_t *si);

#endif
