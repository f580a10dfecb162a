/*
 * run_internal.h - the runner's core, shared by the loop (run.c) and the
 * handlers of each kind of line (line.h).
 *
 * The core holds what every kind uses: the script and its config, the
 * packet path and its outbound queue, the clock and the timeline, the
 * connection table, the packet builder, the report's history, the error
 * being written.  What only one kind needs it keeps in its own struct
 * (struct tcp_lines, struct call_lines, struct code_lines; UDP's flow).
 * The waits live in run.c only, so that the hot path stays in one
 * translation unit.
 */
#ifndef TCPCHECK_RUN_INTERNAL_H
#define TCPCHECK_RUN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"
#include "match/conn.h"
#include "match/history.h"
#include "match/udp.h"
#include "pkt/encap.h"
#include "pkt/packet.h"
#include "run/code.h"
#include "run/outq.h"
#include "run/run.h"
#include "run/run_clock.h"
#include "run/timeline.h"
#include "sys/syscalls.h"

struct worker;

/* TCP lines: the unmatched rest of a TSO/GSO super-packet, and whether
 * one socket is under test at a time (no packet line names its ports:
 * conn_new_socket() retires the earlier connections on each new socket).
 */
struct tcp_lines {
	bool have_rest;
	struct tcp_segment rest;
	int64_t rest_at_ns;
	uint32_t rest_gso;
	bool one_socket;
	const uint8_t *rx_inner;	/* in rx: inside an outbound line's layers */
};

/* System-call lines: the call handed to the worker and not yet back. */
struct call_lines {
	bool active;
	const struct event *event;
	struct syscall_run *run;
	int64_t start_us;	/* scheduled start */
	int64_t end_us;		/* scheduled return (blocking calls) */
	bool blocking;
	int64_t returned_ns;	/* the worker's, for the last call */
};

/* %{ }% blocks, and the socket whose TCP_INFO they see: the one the
 * script last created or accepted (live fd, -1 before any).
 */
struct code_lines {
	struct code_log *log;
	int fd;
};

struct runner {
	const struct script *script;
	const struct run_config *cfg;
	struct packet_path *path;
	struct syscall_ctx sys;
	struct worker *worker;
	struct conn_table conns;
	/* All of the run's time (run_clock.h); owned when the config gave
	 * none.
	 */
	struct run_clock *clock;
	bool own_clock;
	struct timeline tl;
	struct error *err;
	struct outq q;
	/* How the datagram last taken off the queue was timed (-v). */
	bool popped_kernel_time;
	int64_t popped_read_ns;
	struct packet_builder *builder;
	struct history history;	/* the last packets each way, for reports */
	/* Each kind's own. */
	struct tcp_lines tcp;
	struct udp_flow udp;	/* the ports UDP lines leave out (udp.h) */
	struct call_lines call;
	struct code_lines code;
	uint8_t rx[PACKET_BUF_MAX];
	uint8_t tx[PACKET_BUF_MAX];
};

enum wait_result {
	WAIT_DEADLINE,
	WAIT_PACKET,
	WAIT_CALL_DONE,	/* the pending call returned and checked out */
	WAIT_STOP,	/* failure or abort: r->err says which */
};

static inline int64_t now_us(const struct runner *r)
{
	return (run_clock_now(r->clock) - r->tl.start_ns) / 1000;
}

static inline int64_t script_to_ns(const struct runner *r, int64_t us)
{
	return r->tl.start_ns + us * 1000;
}

static inline double secs(int64_t us)
{
	return (double)us / 1e6;
}

/* ---- report.c: reports and traces ---- */

/* Every report starts with the script's location; returns outcome. */
int fail(struct runner *r, const struct src_loc *loc, int outcome,
	 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* ... with a finer kind than the outcome's (timing, missing packet). */
int fail_as(struct runner *r, const struct src_loc *loc,
	    enum failure_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int interrupted(struct runner *r);
/* -v: "  0.100213 line 7: what happened", one line per event. */
void trace(const struct runner *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void trace_packet(const struct runner *r, const struct event *e,
		  const char *text, const struct tcp_segment *live);
void trace_timing(const struct runner *r, const struct event *e,
		  const char *what, int64_t t, int64_t t_end,
		  int64_t actual_ns, const char *clock, int64_t read_ns);
void format_layers(const struct encap_list *layers, char *buf, size_t size);
int report_missing(struct runner *r, const struct event *e,
		   int64_t deadline_ns, const char *want, bool history);
int check_time(struct runner *r, const struct event *e, const char *what,
	       int64_t actual, int64_t t, int64_t t_end);

/* ---- run.c: the waits ---- */

/* Wait until deadline_ns (want: enum outq_kind bits, 0 for none). */
enum wait_result runner_wait(struct runner *r, int64_t deadline_ns,
			     unsigned want, int *outcome);
/* Sleep until script time t, check strays and that we are not late. */
int wait_for_event(struct runner *r, const struct event *e,
		   const char *what, int64_t t);
/* At script time t, send the len bytes built in r->tx (gso: their GRO
 * segment size) into the stack; *sent_ns when.
 */
int inject_at(struct runner *r, const struct event *e, const char *what,
	      int64_t t, size_t len, uint16_t gso, int64_t *sent_ns);
/* An injection due at t went in at sent_ns: the previous event's time
 * for the next outbound line (the stack's own where the path has it).
 */
void note_injected(struct runner *r, const struct event *e, int64_t t,
		   int64_t sent_ns);
/* Wait for the pending call to return, until deadline_us. */
int wait_for_call(struct runner *r, int64_t deadline_us, const char *why);
/* Take queued datagram i into r->rx. */
void queue_pop(struct runner *r, int i, struct captured *c);
/* The deadline of an outbound line due over [t, t_end]. */
int64_t outbound_deadline_ns(const struct runner *r, const struct event *e,
			     int64_t t, int64_t t_end);

/* ---- call.c, command.c: used by the loop ---- */

/* The worker returned from r->call: check result, then return time. */
int finish_call(struct runner *r, int64_t end_ns);
void free_call(struct runner *r);
/* A blocking call may return within the tolerance of its own duration. */
int64_t call_tolerance_us(const struct runner *r);
/* Run one shell command of the script; what says which kind ("" for a
 * timed one, "init " or "cleanup " for the untimed ones) in reports.
 */
int run_shell(struct runner *r, const char *command,
	      const struct src_loc *loc, const char *what);

#endif /* TCPCHECK_RUN_INTERNAL_H */
