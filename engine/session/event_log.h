/*
 * event_log.h - what happened in a run, in a file the parent reads.
 *
 * The run's trace (run.h: every packet in script notation with its line
 * and time, every system call with its result, the timing of each) is
 * the record the ladder and the HTML report draw.  The runner writes it
 * to a file in the suite's temporary directory, and to the -v output as
 * well when that is on; the parent reads the file once the runner is
 * gone (cli/run_events.c).
 */
#ifndef TCPCHECK_EVENT_LOG_H
#define TCPCHECK_EVENT_LOG_H

#include <stdio.h>

#include "core/error.h"

/* A stream that writes to a new file at path and to also (NULL: only
 * the file).  fclose() it.  NULL with err when the file cannot be made.
 */
FILE *event_log_open(const char *path, FILE *also, struct error *err);

#endif /* TCPCHECK_EVENT_LOG_H */
