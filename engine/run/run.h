/*
 * run.h - the interpreter: plays a parsed script against a stack.
 *
 * The runner owns the timeline.  It sleeps until each event's time,
 * injects inbound packets through the packet path, hands system calls to
 * the worker thread, waits for each expected outbound packet and checks
 * it, and checks every event's timing against the tolerance.  It stops at
 * the first deviation and reports it as an error value.
 */
#ifndef TCPCHECK_RUN_H
#define TCPCHECK_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"
#include "core/error.h"
#include "path/packet_path.h"
#include "core/plan.h"
#include "sys/syscall_backend.h"

/* Where a run stands, for whoever watches it from outside (the parent of
 * a runner process reads it from shared memory to say at which line a
 * script hung, and how long set-up and teardown took around the events).
 */
struct run_progress {
	int line;			/* line of the event being played */
	int64_t first_event_ns;		/* CLOCK_MONOTONIC: the timeline began */
	int64_t last_event_ns;		/* the last event (and cleanup) ended */
};

struct run_clock;

struct run_config {
	struct net_plan plan;
	int64_t tolerance_usecs;	/* packetdrill's default: 4000 */
	double tolerance_percent;	/* of the interval: 12.5 */
	bool strict_segments;		/* no TSO/GSO super-packet splitting */
	bool strict;			/* an outbound packet no line expects
					 * fails the script, also after the
					 * last line (stray.h) */
	int64_t tcp_ts_tick_usecs;	/* 0: outbound TS val not compared */
	int64_t any_time_wait_usecs;	/* how long `*` waits for a packet */
	FILE *trace;			/* -v: every event as it runs, or NULL */
	const char *script_dir;		/* working directory of commands */
	struct run_progress *progress;	/* updated as the run goes, or NULL */
	/* The run's time (run_clock.h), owned by the caller; NULL: a real
	 * clock of the run's own.
	 */
	struct run_clock *clock;
};

void run_config_defaults(struct run_config *cfg);

/* Run script through path and backend.  Returns an enum outcome; on
 * anything but OUTCOME_OK, err holds the report, starting "path:line: ".
 * An abort request (SIGINT/SIGTERM) ends the run with OUTCOME_ENVIRONMENT
 * and the message "interrupted".
 */
int run_script(const struct script *script, const struct run_config *cfg,
	       struct packet_path *path, struct syscall_backend *backend,
	       struct error *err);

#endif /* TCPCHECK_RUN_H */
