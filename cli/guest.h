/*
 * guest.h - tcpcheck as the guest of --kernel (the hidden --guest mode).
 *
 * The initramfs that vm/ builds starts `tcpcheck --guest` from its /init.
 * It finds the virtio-serial port named "tcpcheck", says hello, reads the
 * command line the host left in /tcpcheck/argv, plays the scripts with the
 * channel as its only report writer, and waits for the host to
 * acknowledge the last frame before the init powers the guest off.
 */
#ifndef TCPCHECK_GUEST_H
#define TCPCHECK_GUEST_H

#include "report.h"

/* Where the host leaves the guest's command line and working directory. */
#define GUEST_ARGV_FILE "/tcpcheck/argv"
#define GUEST_CWD_FILE "/tcpcheck/cwd"
#define GUEST_PORT_NAME "tcpcheck"

/* play runs tcpcheck's command line with rep as its only writer. */
typedef int (*guest_play_fn)(int argc, char **argv, struct reporter *rep);

int guest_main(guest_play_fn play);

#endif /* TCPCHECK_GUEST_H */
