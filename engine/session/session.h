/*
 * session.h - one script, one child process, one private namespace.
 *
 * The runner of each script is a child process that moves itself into a
 * new network namespace, creates tun0 there and plays the script.  When
 * the child exits, for whatever reason, the kernel destroys the namespace
 * and the device with it.  The sysctls a namespace shares with the host
 * (kernel.*, vm.*, ...) are recorded before the runner starts and put
 * back once it is gone (host_sysctl.h), so a script's shell command
 * cannot leave the host changed.  The child sends its failure back
 * through a pipe, as one record of its text, line and kind
 * (report_wire.h), and publishes the line it is playing in a page it
 * shares with the parent.
 *
 * A session is started, watched and finished in separate steps so that
 * the caller can keep several running at once and wait for all of them in
 * one poll().  Nothing here prints but the -v trace of a sysctl put
 * back, and nothing decides what a result means for the suite.
 */
#ifndef TCPCHECK_SESSION_H
#define TCPCHECK_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"
#include "run/run.h"

struct session_options {
	/* Record every packet that crosses the device into this pcap file
	 * (NULL: no recording).  The file is written only when the run
	 * fails, or always with keep_capture.
	 */
	const char *capture_path;
	bool keep_capture;
	/* Write the run's trace (event_log.h) to this file, NULL: none. */
	const char *events_path;
	/* Keep the runner (and its system-call thread) on this CPU, an
	 * index (modulo their number) into the CPUs the parent may use;
	 * -1: stay on whichever CPU the runner starts on.  Runners started
	 * side by side are given different CPUs, since two real-time
	 * runners sharing one delay each other by milliseconds.
	 */
	int cpu;
	/* The stack to play against: NULL or "kernel" for the running
	 * kernel in a namespace of its own, else a stack plugin's name or
	 * path (stack_session.h), with its --stack-flags (NULL: none).
	 */
	const char *stack;
	const char *stack_flags;
};

struct session_result {
	int outcome;		/* enum outcome */
	int signal;		/* the runner died of this signal, else 0 */
	int line;		/* the last script line the runner reached */
	bool capture_written;
	/* CLOCK_MONOTONIC ns: fork, script time 0 (before the init
	 * command), end of the last event, runner reaped.  The two in the
	 * middle are 0 when the run never got that far.
	 */
	int64_t started_ns, first_event_ns, last_event_ns, ended_ns;
	/* The runner's report when not OK: its text, line and kind
	 * (a report cut short or garbled gives a message saying so).
	 */
	struct error err;
};

struct session;

/* Fork the runner and return at once.  OUTCOME_OK with *out set, or
 * OUTCOME_ENVIRONMENT with err (no process could be started).
 */
int session_start(const struct script *script, const struct run_config *cfg,
		  const struct session_options *opts, struct session **out,
		  struct error *err);

/* Polls readable while the runner's report arrives and at its end. */
int session_fd(const struct session *s);

/* Read what the runner sent, without blocking.  True once the runner has
 * closed its end: it is exiting, and session_finish() will not wait long.
 */
bool session_read(struct session *s);

/* Send the runner a signal (SIGTERM asks it to unwind, SIGKILL ends it). */
void session_signal(struct session *s, int sig);

/* The script line the runner is playing now (0 before the first). */
int session_line(const struct session *s);

/* Wait for the runner to exit, fill res and free the session. */
void session_finish(struct session *s, struct session_result *res);

#endif /* TCPCHECK_SESSION_H */
