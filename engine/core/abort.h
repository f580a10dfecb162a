/*
 * abort.h - turning SIGINT/SIGTERM into an event the engine can poll.
 *
 * A signal handler may only do async-signal-safe things, so it writes a
 * byte to a pipe; every wait in the engine polls the read end and unwinds
 * through its normal cleanup path.  The pipe is process-wide state, as
 * signal dispositions are; the engine's only other piece is libpcap's
 * table of functions, loaded once on first use (path/pcap_dl.c).
 */
#ifndef TCPCHECK_ABORT_H
#define TCPCHECK_ABORT_H

#include <stdbool.h>

#include "core/error.h"

/* Install the handlers for SIGINT and SIGTERM.  0 or -1 with err. */
int abort_install(struct error *err);

/* The fd that polls readable once an abort was requested (-1 before
 * abort_install()).
 */
int abort_fd(void);

bool abort_requested(void);

/* The signal that asked for the abort (0 if none). */
int abort_signal(void);

#endif /* TCPCHECK_ABORT_H */
