/*
 * run.c - the interpreter loop (see run.h).
 *
 * Timing model (packetdrill's, so existing scripts keep their meaning):
 * script time 0 is the moment after the init command; an absolute time
 * is measured from there; a relative time (+x) from the moment the
 * previous event finished, except that consecutive inbound packets are
 * anchored to each other's scheduled times so that processing overhead
 * does not accumulate; `start...end` system calls run on the worker
 * thread while later events proceed, and must return at `end`.  The
 * allowed error of each event is the larger of --tolerance_usecs and
 * --tolerance_percent of the interval since the previous event.
 *
 * The main thread never blocks anywhere but in runner_wait(), which
 * watches the abort pipe, the worker's completion and the packet path
 * together, so a completion or Ctrl-C is noticed at once whatever the
 * script is doing.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/abort.h"
#include "core/clock.h"
#include "run/code.h"
#include "match/conn.h"
#include "pkt/encap.h"
#include "match/history.h"
#include "pkt/icmp.h"
#include "match/matcher.h"
#include "pkt/packet.h"
#include "run/run.h"
#include "match/segment_merge.h"
#include "run/shell.h"
#include "run/unprivileged.h"
#include "path/netns.h"
#include "match/stray.h"
#include "core/symbols.h"
#include "sys/syscalls.h"
#include "run/tcp_info.h"
#include "match/tcp_view.h"
#include "run/tick.h"
#include "match/udp.h"
#include "run/wake_lead.h"
#include "run/worker.h"

/* A call written without `...end` is expected to return at once; if it
 * has not returned this long after its tolerance, it blocked.  The grace
 * keeps a loaded machine's scheduling delay from passing for blocking.
 */
#define BLOCK_DETECT_GRACE_USECS 100000

/* What the runner does itself at a deadline (inject, call) is prepared
 * this long before it: the device is read, then only the clock until the
 * deadline.  The first system call after a sleep costs 3-6 us on a virtual
 * machine, whose caches the host has taken meanwhile (bench/README.md);
 * spent at the deadline, it delayed every injection by that much.  A
 * packet the stack sends in this last stretch keeps its kernel time and
 * is read at the next wait.
 */
#ifndef QUIET_SPIN_NS
#define QUIET_SPIN_NS 30000
#endif

struct pending_call {
	bool active;
	const struct event *event;
	struct syscall_run *run;
	int64_t start_us;	/* scheduled start */
	int64_t end_us;		/* scheduled return (blocking calls) */
	bool blocking;
};

/* Packets the stack sent while the runner was waiting for something
 * else: taken off the device as they come, so each keeps the time it
 * arrived, not the time a later line asked for it.
 */
#define OUTBOUND_QUEUE_MAX 256

struct captured {
	uint8_t *bytes;		/* owned */
	size_t len;
	int64_t at_ns;
	uint16_t gso;
	bool kernel_time;	/* at_ns is the kernel's timestamp */
	int64_t read_ns;	/* when the runner read it */
};

struct runner {
	const struct script *script;
	const struct run_config *cfg;
	struct packet_path *path;
	struct syscall_ctx sys;
	struct worker *worker;
	struct conn_table conns;
	int64_t start_ns;
	struct pending_call call;
	/* The last stretch before a deadline is polled, not slept: how
	 * long it is follows how late this run's sleeps have woken up.
	 */
	struct wake_lead wake;
	bool have_last;
	int64_t last_us;	/* scheduled time of the previous event */
	bool last_was_inbound;
	/* When the previous event really happened, by the clock that saw
	 * it (the kernel's for a packet, the worker's for a call's return);
	 * 0: not known.  See outbound_anchor_us().
	 */
	int64_t done_ns;
	int64_t call_returned_ns;	/* the worker's, for the last call */
	struct error *err;
	/* The unmatched rest of a TSO/GSO super-packet. */
	bool have_rest;
	struct tcp_segment rest;
	int64_t rest_at_ns;
	uint32_t rest_gso;
	struct captured queue[OUTBOUND_QUEUE_MAX];
	int queue_head, queue_count;
	/* How the datagram last taken off the queue was timed (-v). */
	bool popped_kernel_time;
	int64_t popped_read_ns;
	struct packet_builder *builder;
	/* %{ }% blocks, and the socket whose TCP_INFO they see: the one the
	 * script last created or accepted (live fd, -1 before any).
	 */
	struct code_log *code;
	int code_fd;
	/* No packet line names its ports: one socket under test at a time
	 * (conn_retire_all()).
	 */
	bool one_socket;
	struct history history;	/* the last packets each way, for reports */
	/* UDP lines: the ports they leave out (udp.h).  queue_skip: while
	 * a line waits, how many queued packets are left for lines of the
	 * other protocol (TCP segments for a UDP line, datagrams for a TCP
	 * line), so that only a newer packet wakes it.
	 */
	struct udp_flow udp;
	int queue_skip;
	/* Each event's time as written (relative ones added up) and when
	 * the run played it, for times given inside call arguments
	 * (SCM_TIMESTAMPING), which are script times: see script_to_live().
	 */
	int64_t *nominal_us;
	int64_t *played_us;
	int played;
	int64_t last_nominal_us;
	uint8_t rx[PACKET_BUF_MAX];
	const uint8_t *rx_inner;	/* in rx: inside an outbound line's layers */
	uint8_t tx[PACKET_BUF_MAX];
};

enum wait_result {
	WAIT_DEADLINE,
	WAIT_PACKET,
	WAIT_CALL_DONE,	/* the pending call returned and checked out */
	WAIT_STOP,	/* failure or abort: r->err says which */
};

static enum wait_result runner_wait(struct runner *r, int64_t deadline_ns,
				    bool want_packet, int *outcome);

void run_config_defaults(struct run_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	plan_set_defaults(&cfg->plan);
	cfg->tolerance_usecs = 4000;
	cfg->tolerance_percent = 12.5;
	cfg->any_time_wait_usecs = 10 * 1000000;
	cfg->script_dir = ".";
}

static int64_t now_us(const struct runner *r)
{
	return (clock_now_ns() - r->start_ns) / 1000;
}

static int64_t script_to_ns(const struct runner *r, int64_t us)
{
	return r->start_ns + us * 1000;
}

static double secs(int64_t us)
{
	return (double)us / 1e6;
}

/* Every report starts with the script's location. */
static int fail(struct runner *r, const struct src_loc *loc, int outcome,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(struct runner *r, const struct src_loc *loc, int outcome,
		const char *fmt, ...)
{
	char text[ERROR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	error_set(r->err, "%s:%d: %s", r->script->path, loc->line, text);
	return outcome;
}

/* Relaxed stores: the watcher only needs each value eventually. */
static void note_line(const struct runner *r, int line)
{
	if (r->cfg->progress)
		__atomic_store_n(&r->cfg->progress->line, line, __ATOMIC_RELAXED);
}

static int64_t tolerance_us(const struct runner *r, int64_t t)
{
	int64_t base = r->have_last ? r->last_us : 0;
	int64_t dynamic = (int64_t)(r->cfg->tolerance_percent / 100.0 *
				    (double)(t - base));

	return dynamic > r->cfg->tolerance_usecs ? dynamic :
		r->cfg->tolerance_usecs;
}

/* -v: "  0.100213 line 7: what happened", one line per event: the
 * callers start their text with the line.
 */
static void trace(const struct runner *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void trace(const struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->cfg->trace)
		return;
	fprintf(r->cfg->trace, "%10.6f ", secs(now_us(r)));
	va_start(ap, fmt);
	vfprintf(r->cfg->trace, fmt, ap);
	va_end(ap);
	fputc('\n', r->cfg->trace);
	fflush(r->cfg->trace);
}

/* Encapsulation layers as the line writes them (" ipv4 A > B: gre:"). */
static void format_layers(const struct encap_list *layers, char *buf,
			  size_t size)
{
	FILE *out = fmemopen(buf, size - 1, "w");

	buf[0] = '\0';
	if (out) {
		encap_list_dump(layers, out);
		fclose(out);
	}
}

/* A packet in script notation, its live numbers beside it. */
static void trace_packet(const struct runner *r, const struct event *e,
			 const char *text, const struct tcp_segment *live)
{
	trace(r, "line %d: %s   [live: seq %u ack %u, ports %u>%u]",
	      e->loc.line, text, live->seq, live->ack, live->src_port,
	      live->dst_port);
	if (r->cfg->trace && e->kind == EVENT_PACKET &&
	    e->u.packet.encaps.count) {
		char layers[512];

		format_layers(&e->u.packet.encaps, layers, sizeof(layers));
		trace(r, "  inside:%s", layers);
	}
}

/* What the runner says when an expected packet has not come: the
 * deadline, the line, and what did cross lately.
 */
static int report_missing(struct runner *r, const struct event *e,
			  int64_t deadline_ns, const char *want)
{
	char by[32];

	usecs_format((deadline_ns - r->start_ns) / 1000, by, sizeof(by));
	fail(r, &e->loc, OUTCOME_MISMATCH,
	     "no outbound packet by %s s; expected %s", by, want);
	history_append(&r->history, &r->conns, r->err);
	return OUTCOME_MISMATCH;
}

/* Check that something happened within [t - tol, t_end + tol]. */
static int check_time(struct runner *r, const struct event *e,
		      const char *what, int64_t actual, int64_t t,
		      int64_t t_end)
{
	int64_t tol = tolerance_us(r, t);
	char from[32], to[32], within[32];
	int64_t off;

	if (e->time.kind == TIME_ANY)
		return OUTCOME_OK;
	if (actual >= t - tol && actual <= t_end + tol)
		return OUTCOME_OK;
	off = actual < t ? t - actual : actual - t_end;
	usecs_format(t, from, sizeof(from));
	usecs_format(t_end, to, sizeof(to));
	usecs_format(tol, within, sizeof(within));
	if (t_end != t)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "timing error: %s expected between %s s and %s s "
			    "(tolerance \u00b1%s s), seen at %.3f s: %.1f ms %s",
			    what, from, to, within, secs(actual),
			    (double)off / 1000.0, actual < t ? "early" : "late");
	return fail(r, &e->loc, OUTCOME_MISMATCH,
		    "timing error: %s expected at %s s (tolerance \u00b1%s s), "
		    "seen at %.3f s: %.1f ms %s", what, from, within,
		    secs(actual), (double)off / 1000.0,
		    actual < t ? "early" : "late");
}

/* -v: how far from its script time an event happened, by the clock that
 * saw it happen (clock: "kernel" for the kernel's timestamp of a packet).
 * Anywhere inside a range is on time.  read_ns, when not 0, is when the
 * runner read an outbound packet: how late a time taken then would be.
 */
static void trace_timing(const struct runner *r, const struct event *e,
			 const char *what, int64_t t, int64_t t_end,
			 int64_t actual_ns, const char *clock, int64_t read_ns)
{
	int64_t at = actual_ns - r->start_ns;
	int64_t off = 0;

	if (!r->cfg->trace || e->time.kind == TIME_ANY)
		return;
	if (at < t * 1000)
		off = at - t * 1000;
	else if (at > t_end * 1000)
		off = at - t_end * 1000;
	if (read_ns)
		trace(r, "timing: line %d %s: script %.6f s, %s %.9f s: "
		      "%+.1f us; read %.1f us later", e->loc.line, what,
		      secs(t), clock, (double)at / 1e9, (double)off / 1e3,
		      (double)(read_ns - actual_ns) / 1e3);
	else
		trace(r, "timing: line %d %s: script %.6f s, %s %.9f s: "
		      "%+.1f us", e->loc.line, what, secs(t), clock,
		      (double)at / 1e9, (double)off / 1e3);
}

static void free_call(struct runner *r)
{
	syscall_run_free(r->call.run);
	memset(&r->call, 0, sizeof(r->call));
}

/* A blocking call may return within the tolerance of its own duration,
 * the larger of --tolerance_usecs and --tolerance_percent of it.
 */
static int64_t call_tolerance_us(const struct runner *r)
{
	int64_t tol = r->cfg->tolerance_usecs;
	int64_t dynamic = (int64_t)(r->cfg->tolerance_percent / 100.0 *
				    (double)(r->call.end_us - r->call.start_us));

	return dynamic > tol ? dynamic : tol;
}

/* The worker returned from r->call: check result, then return time. */
static int finish_call(struct runner *r, int64_t end_ns)
{
	const struct event *e = r->call.event;
	char call_text[512];
	int64_t end_us = (end_ns - r->start_ns) / 1000;
	int errnum = 0;
	long ret = syscall_run_result(r->call.run, &errnum);
	int outcome;

	r->call_returned_ns = end_ns;
	outcome = syscall_finish(&r->sys, &e->u.syscall, r->call.run, r->err);
	if (outcome != OUTCOME_OK) {
		char text[ERROR_TEXT_MAX];

		snprintf(text, sizeof(text), "%s", r->err->text);
		outcome = fail(r, &e->loc, outcome, "%s", text);
		free_call(r);
		return outcome;
	}
	syscall_format_call(&e->u.syscall, call_text, sizeof(call_text));
	if (ret >= 0 && (!strcmp(e->u.syscall.name, "socket") ||
			 !strcmp(e->u.syscall.name, "accept") ||
			 !strcmp(e->u.syscall.name, "accept4")))
		r->code_fd = (int)ret;
	if (ret >= 0 && r->one_socket && !strcmp(e->u.syscall.name, "socket"))
		conn_retire_all(&r->conns);
	if (ret == -1)
		trace(r, "line %d: %s = -1 %s", e->loc.line, call_text,
		      errno_to_name(errnum) ? errno_to_name(errnum) : "?");
	else
		trace(r, "line %d: %s = %ld", e->loc.line, call_text, ret);
	if (r->call.blocking) {
		int64_t tol = call_tolerance_us(r);

		if (end_us < r->call.end_us - tol || end_us > r->call.end_us + tol) {
			int64_t off = end_us - r->call.end_us;
			char start[32], due[32], within[32];

			usecs_format(r->call.start_us, start, sizeof(start));
			usecs_format(r->call.end_us, due, sizeof(due));
			usecs_format(tol, within, sizeof(within));
			outcome = fail(r, &e->loc, OUTCOME_MISMATCH,
				       "timing error: %s, started at %s s, "
				       "expected to return at %s s (tolerance "
				       "\u00b1%s s), returned at %.3f s: %.1f ms "
				       "%s", call_text, start, due, within,
				       secs(end_us), (double)llabs(off) / 1000.0,
				       off < 0 ? "early" : "late");
			free_call(r);
			return outcome;
		}
	}
	free_call(r);
	return OUTCOME_OK;
}

static int interrupted(struct runner *r)
{
	error_set(r->err, "%s: interrupted by %s", r->script->path,
		  strsignal(abort_signal()));
	return OUTCOME_ENVIRONMENT;
}

/* Keep an arriving segment in the history, for reports. */
static void note_outbound(struct runner *r, const struct captured *c)
{
	struct tcp_segment seg;
	struct tcp_view view;
	struct error ignored;

	if (packet_parse(c->bytes, c->len, &seg, &ignored) == PACKET_TCP &&
	    tcp_view_from_segment(&seg, DIR_OUTBOUND, &view, &ignored) == 0)
		history_add(&r->history, (c->at_ns - r->start_ns) / 1000, &view);
}

/* Move every datagram the device has ready into the queue.  0, or -1
 * with r->err (the device failed).
 */
static int drain_path(struct runner *r)
{
	while (r->queue_count < OUTBOUND_QUEUE_MAX) {
		struct captured *c;
		size_t len = 0;
		int64_t at_ns = 0;
		int rc = r->path->ops->receive(r->path, r->rx, sizeof(r->rx),
					       &len, &at_ns, 0, r->err);

		if (rc < 0)
			return -1;
		if (rc != PATH_RECEIVED)
			return 0;
		c = &r->queue[(r->queue_head + r->queue_count) %
			      OUTBOUND_QUEUE_MAX];
		c->bytes = malloc(len ? len : 1);
		if (!c->bytes)
			return error_set(r->err, "out of memory");
		memcpy(c->bytes, r->rx, len);
		c->len = len;
		c->at_ns = at_ns;
		c->gso = r->path->last_gso_size;
		c->kernel_time = r->path->last_kernel_time;
		c->read_ns = r->path->last_read_ns;
		r->queue_count++;
		note_outbound(r, c);
	}
	return 0;
}

static void queue_remove(struct runner *r, int i);

/* Take queued datagram i (0: the oldest) into r->rx. */
static void queue_pop(struct runner *r, int i, size_t *len, int64_t *at_ns,
		      uint32_t *gso)
{
	struct captured *c = &r->queue[(r->queue_head + i) % OUTBOUND_QUEUE_MAX];

	memcpy(r->rx, c->bytes, c->len);
	*len = c->len;
	*at_ns = c->at_ns;
	*gso = c->gso;
	r->popped_kernel_time = c->kernel_time;
	r->popped_read_ns = c->read_ns;
	if (i > 0) {
		queue_remove(r, i);
		return;
	}
	free(c->bytes);
	c->bytes = NULL;
	r->queue_head = (r->queue_head + 1) % OUTBOUND_QUEUE_MAX;
	r->queue_count--;
}

static void queue_free(struct runner *r)
{
	while (r->queue_count) {
		free(r->queue[r->queue_head].bytes);
		r->queue_head = (r->queue_head + 1) % OUTBOUND_QUEUE_MAX;
		r->queue_count--;
	}
}

/* The oldest queued TCP segment (other traffic, such as IPv6 neighbour
 * discovery, and segments of retired connections are passed over),
 * parsed; false when there is none.
 */
static bool first_queued_segment(const struct runner *r,
				 struct tcp_segment *seg, int64_t *at_us)
{
	struct error ignored;

	for (int i = 0; i < r->queue_count; i++) {
		const struct captured *c =
			&r->queue[(r->queue_head + i) % OUTBOUND_QUEUE_MAX];

		if (packet_parse(c->bytes, c->len, seg, &ignored) == PACKET_TCP &&
		    !conn_segment_retired(&r->conns, seg)) {
			*at_us = (c->at_ns - r->start_ns) / 1000;
			return true;
		}
	}
	return false;
}

/* UDP's part of the two checks below (UDP packet lines, further down). */
static int check_stray_udp(struct runner *r, const struct event *e);
static bool settle_strict_udp(struct runner *r, struct error *report);

/* Line e is about to inject or run something: has the stack sent a
 * packet the script does not expect here (stray.h)?  The unmatched rest
 * of a super-packet is left to the next outbound line.
 */
static int check_stray(struct runner *r, const struct event *e)
{
	struct tcp_segment seg;
	struct error report;
	int64_t at_us;

	if (check_stray_udp(r, e) != OUTCOME_OK)
		return OUTCOME_MISMATCH;
	/* What came while the runner waited is queued already: runner_wait()
	 * drains the device as packets come.
	 */
	if (r->have_rest)
		return OUTCOME_OK;
	if (!first_queued_segment(r, &seg, &at_us) ||
	    !stray_before(r->script, e, &r->conns, &seg, at_us, r->cfg->strict,
			  &report))
		return OUTCOME_OK;
	return fail(r, &e->loc, OUTCOME_MISMATCH, "%s", report.text);
}

/* The end of a --strict run: watch the device for STRICT_SETTLE_USECS
 * more; any segment the stack sent and no line took fails the script.
 */
static int settle_strict(struct runner *r, const struct event *last)
{
	int64_t deadline_ns = clock_now_ns() + STRICT_SETTLE_USECS * 1000LL;
	int outcome = OUTCOME_OK;
	struct tcp_segment seg;
	struct error report;
	int64_t at_us;

	if (runner_wait(r, deadline_ns, false, &outcome) == WAIT_STOP)
		return outcome;
	if (settle_strict_udp(r, &report))
		return fail(r, &last->loc, OUTCOME_MISMATCH, "%s", report.text);
	if (r->have_rest) {
		seg = r->rest;
		at_us = (r->rest_at_ns - r->start_ns) / 1000;
	} else if (!first_queued_segment(r, &seg, &at_us)) {
		return OUTCOME_OK;
	}
	stray_after_end(&r->conns, &seg, at_us, &report);
	return fail(r, &last->loc, OUTCOME_MISMATCH, "%s", report.text);
}

/* The deadline has passed, but a runner that was held up (a command, a
 * busy machine) may not have taken off the device what the stack sent in
 * time: the kernel's timestamps say when it was sent, so look once more.
 */
static enum wait_result deadline_passed(struct runner *r, bool want_packet,
					int *outcome)
{
	if (drain_path(r) < 0) {
		*outcome = OUTCOME_ENVIRONMENT;
		return WAIT_STOP;
	}
	return want_packet && r->queue_count > r->queue_skip ? WAIT_PACKET
							      : WAIT_DEADLINE;
}

static enum wait_result spin_to_deadline(struct runner *r,
					 int64_t deadline_ns, int *outcome)
{
	if (drain_path(r) < 0) {
		*outcome = OUTCOME_ENVIRONMENT;
		return WAIT_STOP;
	}
	while (clock_now_ns() < deadline_ns)
		;
	return WAIT_DEADLINE;
}

/* Wait until deadline_ns.  Returns early when the pending call returns
 * (it is checked first) and, with want_packet, when the packet path has a
 * packet.  On WAIT_STOP, *outcome says why.
 */
static enum wait_result runner_wait(struct runner *r, int64_t deadline_ns,
				    bool want_packet, int *outcome)
{
	for (;;) {
		struct pollfd fds[3];
		struct timespec ts;
		int64_t end_ns, left, lead;
		int ready;

		if (abort_requested()) {
			*outcome = interrupted(r);
			return WAIT_STOP;
		}
		if (r->call.active && worker_collect(r->worker, &end_ns)) {
			*outcome = finish_call(r, end_ns);
			return *outcome == OUTCOME_OK ? WAIT_CALL_DONE : WAIT_STOP;
		}
		if (want_packet && r->queue_count > r->queue_skip)
			return WAIT_PACKET;
		left = deadline_ns - clock_now_ns();
		if (left <= 0)
			return deadline_passed(r, want_packet, outcome);
		/* Not while a call is pending: the worker may share the CPU
		 * and need it to return.
		 */
		if (!want_packet && !r->call.active && left <= QUIET_SPIN_NS)
			return spin_to_deadline(r, deadline_ns, outcome);
		/* The device is always watched, so that what the stack
		 * sends is timed when it comes, whatever the script waits for.
		 */
		fds[0] = (struct pollfd){ .fd = abort_fd(), .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = worker_event_fd(r->worker),
					  .events = POLLIN };
		fds[2] = (struct pollfd){ .fd = r->path->ops->wait_fd(r->path),
					  .events = POLLIN };
		lead = wake_lead_ns(&r->wake);
		left = left > lead ? left - lead : 0;
		/* Polling, let the worker have the CPU they may share. */
		if (!left)
			sched_yield();
		ts.tv_sec = left / 1000000000;
		ts.tv_nsec = left % 1000000000;
		ready = ppoll(fds, 3, &ts, NULL);
		if (ready < 0 && errno != EINTR) {
			*outcome = OUTCOME_ENVIRONMENT;
			error_set_errno(r->err, "ppoll");
			return WAIT_STOP;
		}
		if (ready == 0 && left)
			wake_lead_record(&r->wake, clock_now_ns() -
						   (deadline_ns - lead));
		if ((fds[2].revents & POLLIN) && drain_path(r) < 0) {
			*outcome = OUTCOME_ENVIRONMENT;
			return WAIT_STOP;
		}
	}
}

/* The runner's own action (an injection, a call, a command) is late when
 * the machine did not run it in time: it never starts early, since it
 * waits for its time.  That says nothing of the stack, which then was not
 * tested as scripted: OUTCOME_LATE, not a mismatch.
 */
static int check_own_time(struct runner *r, const struct event *e,
			  const char *what, int64_t t)
{
	int64_t tol = tolerance_us(r, t), actual = now_us(r);
	char due[32], within[32];

	if (e->time.kind == TIME_ANY || actual <= t + tol)
		return OUTCOME_OK;
	usecs_format(t, due, sizeof(due));
	usecs_format(tol, within, sizeof(within));
	return fail(r, &e->loc, OUTCOME_LATE,
		    "tcpcheck was late: %s due at %s s (tolerance \u00b1%s s), "
		    "started at %.3f s: %.1f ms late (held up by the machine "
		    "or by what ran before); the stack was not tested as "
		    "scripted",
		    what, due, within, secs(actual),
		    (double)(actual - t) / 1000.0);
}

/* Sleep until script time t, then check we are not too late for it. */
static int wait_for_event(struct runner *r, const struct event *e,
			  const char *what, int64_t t)
{
	int outcome = OUTCOME_OK;
	enum wait_result w;

	do {
		w = runner_wait(r, script_to_ns(r, t), false, &outcome);
		if (w == WAIT_STOP)
			return outcome;
	} while (w != WAIT_DEADLINE);
	outcome = check_stray(r, e);
	if (outcome != OUTCOME_OK)
		return outcome;
	return check_own_time(r, e, what, t);
}

/* Wait for the pending call to return, until deadline_us. */
static int wait_for_call(struct runner *r, int64_t deadline_us,
			 const char *why)
{
	int outcome = OUTCOME_OK;
	char call_text[512], by[32];

	while (r->call.active) {
		if (runner_wait(r, script_to_ns(r, deadline_us), false,
				&outcome) == WAIT_STOP)
			return outcome;
		if (!r->call.active)
			break;
		if (clock_now_ns() < script_to_ns(r, deadline_us))
			continue;
		syscall_format_call(&r->call.event->u.syscall, call_text,
				    sizeof(call_text));
		usecs_format(deadline_us, by, sizeof(by));
		return fail(r, &r->call.event->loc, OUTCOME_MISMATCH,
			    "%s had not returned by %s s, %s", call_text, by,
			    why);
	}
	return OUTCOME_OK;
}

/* The first packet a run builds runs libnet's code and fills its buffers
 * for the first time, 100-200 us on a virtual machine (page faults), and
 * that came between a `+0` line's time and its injection.  One packet
 * built and thrown away before time 0 pays for it.
 */
static void warm_packet_builder(struct runner *r)
{
	struct tcp_segment seg;
	struct error ignored;
	size_t len;

	memset(&seg, 0, sizeof(seg));
	seg.ip_version = r->cfg->plan.local_ip.family == AF_INET6 ? 6 : 4;
	seg.src = r->cfg->plan.remote_ip;
	seg.dst = r->cfg->plan.local_ip;
	seg.flags = TCP_SYN;
	seg.window = 65535;
	(void)packet_builder_build(r->builder, &seg, NULL, r->tx, sizeof(r->tx),
				   &len, &ignored);
}

/* A packet the runner injects: TCP or ICMP. */
static bool is_injection(const struct event *e)
{
	return (e->kind == EVENT_PACKET && e->u.packet.direction == DIR_INBOUND) ||
	       (e->kind == EVENT_ICMP && e->u.icmp.direction == DIR_INBOUND) ||
	       (e->kind == EVENT_UDP && e->u.udp.direction == DIR_INBOUND);
}

/* What a relative outbound line counts from.  The kernel's transmit time
 * is exact, so it is held against when the previous event really
 * happened, not against when the runner got round to the next line: a
 * runner woken late must not make a punctual stack look early.  What the
 * runner itself does next (inject, call) still counts from the runner's
 * now, as packetdrill's does.
 */
static int64_t outbound_anchor_us(const struct runner *r)
{
	if (r->done_ns)
		return (r->done_ns - r->start_ns) / 1000;
	return now_us(r);
}

static void schedule(const struct runner *r, const struct event *e,
		     int64_t *t, int64_t *t_end, int64_t *block_end)
{
	const struct event_time *et = &e->time;
	bool inbound = is_injection(e);
	bool relative = false;
	int64_t offset = 0;

	switch (et->kind) {
	case TIME_ABSOLUTE:
	case TIME_ABSOLUTE_RANGE:
		break;
	case TIME_RELATIVE:
	case TIME_RELATIVE_RANGE:
	case TIME_ANY:
		relative = true;
		if (r->have_last && r->last_was_inbound && inbound)
			offset = r->last_us;
		else if ((e->kind == EVENT_PACKET || e->kind == EVENT_UDP) &&
			 !inbound)
			offset = outbound_anchor_us(r);
		else
			offset = now_us(r);
		break;
	}
	*t = offset + (et->kind == TIME_ANY ? 0 : et->usecs);
	*t_end = *t;
	if (et->kind == TIME_ABSOLUTE_RANGE || et->kind == TIME_RELATIVE_RANGE)
		*t_end = offset + et->end_usecs;
	*block_end = *t;
	if (et->has_block_end)
		*block_end = (relative ? offset : 0) + et->block_end_usecs;
}

static void fill_segment_addresses(struct runner *r, const struct conn *conn,
				   const struct tcp_packet_spec *spec,
				   struct tcp_segment *seg)
{
	seg->ip_version = conn->local_ip.family == AF_INET6 ? 6 : 4;
	seg->src = conn->remote_ip;
	seg->dst = conn->local_ip;
	if (spec->src.has_addr)
		ip_addr_parse(spec->src.addr, &seg->src);
	if (spec->dst.has_addr)
		ip_addr_parse(spec->dst.addr, &seg->dst);
	seg->src_port = conn->remote_port;
	seg->dst_port = conn->local_port;
	(void)r;
}

static uint8_t ecn_bits(enum ip_ecn ecn);

/* The IP header fields an injected packet gets: what the line wrote of
 * them (ip_info), else TTL 64, TOS 0 with the written ECN codepoint, and
 * no flow label.  A flow label on an IPv4 packet is a script error.
 */
static int inbound_ip_fields(const struct ip_info *ip, int ip_version,
			     uint8_t *tos, uint8_t *ttl, uint32_t *flow_label,
			     struct error *err)
{
	*tos = ip->has_tos ? ip->tos : ecn_bits(ip->ecn);
	*ttl = ip->has_ttl ? ip->ttl : 64;
	if (flow_label)
		*flow_label = ip->has_flow_label ? ip->flow_label : 0;
	if (ip->has_flow_label && (ip_version != 6 || !flow_label))
		return error_set(err, "a flow label needs an IPv6 packet");
	return 0;
}

static uint8_t ecn_bits(enum ip_ecn ecn)
{
	switch (ecn) {
	case ECN_UNSPECIFIED:
	case ECN_NOECN:
		return 0;
	case ECN_ECT1:
		return 1;
	case ECN_ECT0:
	case ECN_ECT01:
		return 2;
	case ECN_CE:
		return 3;
	}
	return 0;
}

static int run_inbound(struct runner *r, const struct event *e, int64_t t)
{
	const struct tcp_packet_spec *spec = &e->u.packet;
	struct tcp_segment seg;
	struct tcp_view view, written;
	char text[1024];
	struct conn *conn;
	size_t opt_len = 0, len = 0;
	uint16_t gso_size;
	int64_t sent_ns;
	int outcome;

	if (tcp_view_from_spec(spec, &view, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	tcp_view_format(&view, text, sizeof(text));
	written = view;
	conn = conn_for_inbound(&r->conns, &r->cfg->plan, spec, &view);
	if (!conn)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "too many connections in one script (at most %d)",
			    CONN_MAX);
	conn_inbound_to_live(conn, &view);

	memset(&seg, 0, sizeof(seg));
	fill_segment_addresses(r, conn, spec, &seg);
	if (inbound_ip_fields(&spec->ip, seg.ip_version, &seg.tos, &seg.ttl,
			      &seg.flow_label, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	seg.seq = view.seq;
	seg.ack = view.has_ack ? view.ack : 0;
	seg.flags = view.flags;
	/* An inbound line without `win` gets an open window, not zero. */
	seg.window = view.has_win ? (uint16_t)view.win : 65535;
	seg.urg_ptr = view.has_urg ? (uint16_t)view.urg : 0;
	seg.payload_len = view.len;
	/* --mss: more than one segment's worth arrives as a GRO packet. */
	gso_size = 0;
	if (r->cfg->plan.gso_mss > 0 &&
	    view.len > (uint32_t)r->cfg->plan.gso_mss)
		gso_size = (uint16_t)r->cfg->plan.gso_mss;
	if (tcp_options_encode(view.options, view.option_count, seg.options,
			       sizeof(seg.options), &opt_len, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	seg.options_len = (uint8_t)opt_len;
	if (packet_builder_build(r->builder, &seg, NULL, r->tx, sizeof(r->tx),
				 &len, r->err) < 0 ||
	    encap_wrap(&spec->encaps, r->tx, sizeof(r->tx), &len, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "cannot build this packet: %s", r->err->text);
	/* A GRO super-packet is TCP to the TUN device's offload header;
	 * an encapsulated one goes as the one datagram it is.
	 */
	if (spec->encaps.count)
		gso_size = 0;

	outcome = wait_for_event(r, e, "inbound packet", t);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (r->path->ops->send(r->path, r->tx, len, gso_size, &sent_ns,
			       r->err) < 0)
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	history_add(&r->history, (sent_ns - r->start_ns) / 1000, &written);
	trace_packet(r, e, text, &seg);
	r->done_ns = r->path->last_taken_ns ? r->path->last_taken_ns : sent_ns;
	if (r->path->last_taken_ns)
		trace_timing(r, e, "inbound packet", t, t,
			     r->path->last_taken_ns, "kernel", 0);
	else
		trace_timing(r, e, "inbound packet", t, t, sent_ns, "written",
			     0);
	return OUTCOME_OK;
}

static void quote_udp(const struct runner *r, const struct icmp_packet_spec *spec,
		      struct tcp_segment *quoted);

/* `< icmp unreachable frag_needed mtu 800 [0:1000(1000)]`: an ICMP error
 * from the peer about a segment of the current connection (or, with
 * `[udp (N)]`, about a datagram: see quote_udp()).  The quoted
 * sequence number is in the stack's script space (0 when not written: the
 * ISN, which is what a SYN_SENT socket accepts), mapped to the wire.
 */
static int run_icmp(struct runner *r, const struct event *e, int64_t t)
{
	const struct icmp_packet_spec *spec = &e->u.icmp;
	struct conn *conn = conn_current(&r->conns);
	struct icmp_error msg;
	size_t len = 0;
	int64_t sent_ns;
	int outcome;
	/* About a datagram: no connection, the UDP flow's ports (udp.h). */
	bool udp = spec->echoed == ICMP_ECHOED_UDP;

	if (!conn && !udp)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "an ICMP line needs a connection to refer to: "
			    "no packet has been sent or expected before it");
	memset(&msg, 0, sizeof(msg));
	msg.ip_version = (udp ? r->cfg->plan.local_ip.family
			      : conn->local_ip.family) == AF_INET6 ? 6 : 4;
	if (icmp_resolve(msg.ip_version, spec->type, spec->code, &msg.type,
			 &msg.code, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	if (spec->has_mtu && !icmp_has_mtu(msg.ip_version, msg.type, msg.code))
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "this ICMP%s message carries no MTU",
			    msg.ip_version == 6 ? "v6" : "");
	if (spec->has_mtu && msg.ip_version == 4 && spec->mtu > 0xffff)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "an ICMP MTU is 16 bits, %u is too large", spec->mtu);
	msg.info = spec->has_mtu ? spec->mtu : 0;
	msg.src = udp ? r->cfg->plan.remote_ip : conn->remote_ip;
	msg.dst = udp ? r->cfg->plan.local_ip : conn->local_ip;
	if (spec->src.has_addr)
		ip_addr_parse(spec->src.addr, &msg.src);
	if (spec->dst.has_addr)
		ip_addr_parse(spec->dst.addr, &msg.dst);
	if (inbound_ip_fields(&spec->ip, msg.ip_version, &msg.tos, &msg.ttl,
			      NULL, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	msg.quoted.ip_version = msg.ip_version;
	msg.quoted.ttl = 64;
	if (udp) {
		quote_udp(r, spec, &msg.quoted);
	} else {
		msg.quoted.src = conn->local_ip;
		msg.quoted.dst = conn->remote_ip;
		msg.quoted.src_port = conn->local_port;
		msg.quoted.dst_port = conn->remote_port;
		msg.quoted.seq = (spec->echoed == ICMP_ECHOED_TCP ?
				  spec->echoed_seq_start : 0) +
			conn_local_offset(conn, false);
		msg.quoted.payload_len = spec->echoed == ICMP_ECHOED_TCP ?
			spec->echoed_len : 0;
	}
	if (packet_builder_build_icmp(r->builder, &msg, r->tx, sizeof(r->tx),
				      &len, r->err) < 0 ||
	    encap_wrap(&spec->encaps, r->tx, sizeof(r->tx), &len, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "cannot build this ICMP message: %s", r->err->text);

	outcome = wait_for_event(r, e, "inbound ICMP message", t);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (r->path->ops->send(r->path, r->tx, len, 0, &sent_ns, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	trace(r, "< icmp %s%s%s (type %u code %u, quoting %s %u) (line %d)",
	      spec->type, spec->code ? " " : "", spec->code ? spec->code : "",
	      msg.type, msg.code, udp ? "udp port" : "seq",
	      udp ? msg.quoted.src_port : msg.quoted.seq, e->loc.line);
	return OUTCOME_OK;
}

/* An outbound line with encapsulation layers: the captured datagram's
 * outer headers must be the script's; r->rx_inner is then what they
 * carry (else r->rx itself) and *len its length.  1: a layer differs
 * (r->err says how); 2: not encapsulated traffic at all (neighbour
 * discovery...), to skip; 0: go on with r->rx_inner.
 */
static int outbound_layers(struct runner *r, const struct event *e,
			   size_t *len, struct tcp_segment *seg)
{
	const struct encap_list *layers = &e->u.packet.encaps;
	const uint8_t *inner;
	size_t inner_len;
	struct error ignored;

	r->rx_inner = r->rx;
	if (e->kind != EVENT_PACKET || !layers->count)
		return 0;
	if (encap_match(layers, r->rx, *len, &inner, &inner_len, r->err)) {
		int rc = packet_parse(r->rx, *len, seg, &ignored);

		/* TCP without the layers is a difference; ICMPv6 and the
		 * like are not what the line is about.
		 */
		if (rc == PACKET_OTHER && seg->protocol != ENCAP_PROTO_GRE &&
		    seg->protocol != ENCAP_PROTO_IPIP &&
		    seg->protocol != ENCAP_PROTO_IPV6 &&
		    seg->protocol != ENCAP_PROTO_MPLS)
			return 2;
		return 1;
	}
	r->rx_inner = inner;
	*len = inner_len;
	return 0;
}

/* The first queued packet that is not a UDP datagram (those are left
 * for UDP lines), or r->queue_count when there is none.
 */
static int first_not_udp(struct runner *r)
{
	struct udp_datagram d;
	struct error ignored;
	int i = 0;

	while (i < r->queue_count) {
		const struct captured *c =
			&r->queue[(r->queue_head + i) % OUTBOUND_QUEUE_MAX];

		if (udp_parse(c->bytes, c->len, &d, &ignored) != 1)
			break;
		i++;
	}
	return i;
}

/* Wait for the next TCP segment from the stack; other traffic (IPv6
 * neighbour discovery, MLD) is skipped, UDP datagrams left queued.
 */
static int next_segment(struct runner *r, const struct event *e,
			int64_t deadline_ns, struct tcp_segment *seg,
			int64_t *at_ns, uint32_t *gso, bool *timed_out)
{
	int outcome = OUTCOME_OK;

	*timed_out = false;
	if (r->have_rest) {
		*seg = r->rest;
		*at_ns = r->rest_at_ns;
		*gso = r->rest_gso;
		r->have_rest = false;
		return OUTCOME_OK;
	}
	for (;;) {
		enum wait_result w = runner_wait(r, deadline_ns, true, &outcome);
		size_t len = 0;
		int i, rc;

		r->queue_skip = 0;
		switch (w) {
		case WAIT_STOP:
			return outcome;
		case WAIT_DEADLINE:
			*timed_out = true;
			return OUTCOME_OK;
		case WAIT_CALL_DONE:
			continue;
		case WAIT_PACKET:
			break;
		}
		/* Only datagrams queued: wait for something newer. */
		i = first_not_udp(r);
		if (i == r->queue_count) {
			r->queue_skip = i;
			continue;
		}
		queue_pop(r, i, &len, at_ns, gso);
		switch (outbound_layers(r, e, &len, seg)) {
		case 1:
			return fail(r, &e->loc, OUTCOME_MISMATCH, "%s",
				    r->err->text);
		case 2:
			trace(r, "(skipped a packet of %zu bytes that is not "
			      "encapsulated)", len);
			continue;
		default:
			break;
		}
		rc = packet_parse(r->rx_inner, len, seg, r->err);
		if (rc < 0)
			return fail(r, &e->loc, OUTCOME_MISMATCH,
				    "the stack sent a malformed packet: %s",
				    r->err->text);
		if (rc == PACKET_TCP && conn_segment_retired(&r->conns, seg)) {
			trace(r, "(ignored a segment of an earlier socket's "
			      "connection: %u>%u seq %u)", seg->src_port,
			      seg->dst_port, seg->seq);
			continue;
		}
		if (rc == PACKET_TCP)
			return OUTCOME_OK;
		trace(r, "(skipped a non-TCP packet of %zu bytes)", len);
	}
}

/* A TSO/GSO super-packet stands for the segments a NIC would cut it
 * into, gso bytes each.  The expected line may take several of them at
 * once (packetdrill's `> P. 1:10001(10000)`), or, with --strict_segments,
 * exactly one; the rest is left for the next outbound line.  The flags
 * follow how GSO splits: FIN and PSH on the last piece, CWR on the first.
 * Without a known segment size (a capture on lo) the line's own length
 * decides.  Returns the length the expected line gets, or 0 to match the
 * packet as it is (which then reports the difference).
 */
static uint32_t super_packet_share(const struct runner *r,
				   const struct tcp_view *expected,
				   const struct tcp_view *actual, uint32_t gso)
{
	if (actual->seq != expected->seq || actual->len <= (gso ? gso : 1))
		return 0;
	if (r->cfg->strict_segments)
		return gso;
	if (expected->len == 0 || expected->len >= actual->len)
		return 0;
	if (gso && expected->len % gso)
		return 0;
	return expected->len;
}

static void split_super_packet(struct runner *r, struct tcp_segment *seg,
			       struct tcp_view *actual, uint32_t share,
			       uint32_t gso, int64_t at_ns)
{
	segment_split(seg, share, &r->rest);
	r->rest_at_ns = at_ns;
	r->rest_gso = gso;
	r->have_rest = true;
	actual->len = share;
	actual->flags &= (uint16_t)~(TCP_FIN | TCP_PSH);
}

static int check_checksums(struct runner *r, const struct event *e,
			   const struct tcp_segment *seg)
{
	if (r->path->checksums_offloaded)
		return OUTCOME_OK;
	if (seg->ip_version == 4 && !seg->ip_checksum_ok)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet has a bad IPv4 header checksum");
	if (!seg->tcp_checksum_ok)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet has a bad TCP checksum");
	return OUTCOME_OK;
}

static int check_ports(struct runner *r, const struct event *e,
		       const struct tcp_packet_spec *spec,
		       const struct tcp_segment *seg)
{
	if (spec->src.has_port && spec->src.port != seg->src_port)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet from port %u, expected %u",
			    seg->src_port, spec->src.port);
	if (spec->dst.has_port && spec->dst.port != seg->dst_port)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet to port %u, expected %u",
			    seg->dst_port, spec->dst.port);
	return OUTCOME_OK;
}

/* Hand a segment back: the next outbound line sees it first. */
static void put_back(struct runner *r, const struct tcp_segment *seg,
		     int64_t at_ns, uint32_t gso)
{
	r->rest = *seg;
	r->rest_at_ns = at_ns;
	r->rest_gso = gso;
	r->have_rest = true;
}

/* The line expects more payload than *seg carries: take the segments
 * that continue it (segment_merge.h), as packetdrill does unless
 * --strict_segments.  The sum keeps the time of its last piece; a
 * segment that does not continue it is left for the next line, and any
 * shortfall is reported by the matcher as a length difference.
 */
static int gather_pieces(struct runner *r, const struct event *e,
			 int64_t deadline_ns, uint32_t want,
			 struct tcp_segment *seg, int64_t *at_ns,
			 uint32_t *gso)
{
	struct segment_merge merge;
	struct tcp_segment next, rest;
	struct error why;
	int64_t next_at = 0;
	uint32_t next_gso = 0;
	bool timed_out;
	int outcome;

	segment_merge_start(&merge, seg, want);
	while (segment_merge_wants_more(&merge)) {
		outcome = next_segment(r, e, deadline_ns, &next, &next_at,
				       &next_gso, &timed_out);
		if (outcome != OUTCOME_OK)
			return outcome;
		if (timed_out)
			break;
		outcome = check_checksums(r, e, &next);
		if (outcome != OUTCOME_OK)
			return outcome;
		switch (segment_merge_add(&merge, &next, next_gso, &rest, &why)) {
		case MERGE_REFUSED:
			trace(r, "(segment not merged into line %d: %s)",
			      e->loc.line, why.text);
			put_back(r, &next, next_at, next_gso);
			goto done;
		case MERGE_SPLIT:
			put_back(r, &rest, next_at, next_gso);
			break;
		case MERGE_TAKEN:
			break;
		}
		*at_ns = next_at;
		*gso = next_gso;
	}
done:
	if (merge.pieces > 1)
		trace(r, "(line %d: %d packets taken as one of %u bytes)",
		      e->loc.line, merge.pieces, merge.sum.payload_len);
	*seg = merge.sum;
	return OUTCOME_OK;
}

static int run_outbound(struct runner *r, const struct event *e, int64_t t,
			int64_t t_end)
{
	const struct tcp_packet_spec *spec = &e->u.packet;
	struct tcp_view expected, actual;
	char want[1024], got[1024];
	struct tcp_segment seg;
	struct error diffs;
	struct conn *conn;
	int64_t deadline_ns, at_ns = 0;
	uint32_t gso = 0, share;
	bool timed_out;
	int outcome;

	if (tcp_view_from_spec(spec, &expected, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	tcp_view_format(&expected, want, sizeof(want));
	if (e->time.kind == TIME_ANY)
		deadline_ns = clock_now_ns() + r->cfg->any_time_wait_usecs * 1000;
	else
		deadline_ns = script_to_ns(r, t_end + tolerance_us(r, t));

	outcome = next_segment(r, e, deadline_ns, &seg, &at_ns, &gso, &timed_out);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (timed_out && spec->encaps.count) {
		char layers[512], both[1536];

		format_layers(&spec->encaps, layers, sizeof(layers));
		snprintf(both, sizeof(both), "%s inside%s", want, layers);
		return report_missing(r, e, deadline_ns, both);
	}
	if (timed_out)
		return report_missing(r, e, deadline_ns, want);
	outcome = check_checksums(r, e, &seg);
	if (outcome != OUTCOME_OK)
		return outcome;
	outcome = check_ports(r, e, spec, &seg);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (!r->cfg->strict_segments && seg.payload_len &&
	    seg.payload_len < expected.len) {
		outcome = gather_pieces(r, e, deadline_ns, expected.len, &seg,
					&at_ns, &gso);
		if (outcome != OUTCOME_OK)
			return outcome;
	}

	conn = conn_for_outbound(&r->conns, &r->cfg->plan, &seg);
	if (tcp_view_from_segment(&seg, DIR_OUTBOUND, &actual, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet has malformed TCP options: %s",
			    r->err->text);
	if (conn) {
		conn_learn_outbound(conn, &actual, &expected);
		conn_outbound_to_script(conn, &actual);
	}
	share = super_packet_share(r, &expected, &actual, gso);
	if (share)
		split_super_packet(r, &seg, &actual, share, gso, at_ns);

	actual.show_ports = expected.show_ports;
	tcp_view_format(&actual, got, sizeof(got));
	diffs.text[0] = '\0';
	if (match_tcp(&expected, &actual, &diffs) > 0)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet does not match the script\n"
			    "  expected: %s\n  actual:   %s%s", want, got,
			    diffs.text);
	trace_packet(r, e, got, &seg);
	r->done_ns = at_ns;
	if (r->popped_kernel_time)
		trace_timing(r, e, "outbound packet", t, t_end, at_ns, "kernel",
			     r->popped_read_ns);
	else
		trace_timing(r, e, "outbound packet", t, t_end, at_ns, "read",
			     0);
	return check_time(r, e, "outbound packet",
			  (at_ns - r->start_ns) / 1000, t, t_end);
}

/* ---- UDP packet lines (begin) ---- */

/* Drop queued entry i (0: the oldest), keeping the order of the rest. */
static void queue_remove(struct runner *r, int i)
{
	free(r->queue[(r->queue_head + i) % OUTBOUND_QUEUE_MAX].bytes);
	for (; i + 1 < r->queue_count; i++)
		r->queue[(r->queue_head + i) % OUTBOUND_QUEUE_MAX] =
			r->queue[(r->queue_head + i + 1) % OUTBOUND_QUEUE_MAX];
	r->queue_count--;
}

/* The oldest queued UDP datagram, parsed (1), or none (0), or -1 with
 * r->err for a malformed packet.  TCP segments stay queued for TCP
 * lines; other traffic (neighbour discovery, MLD, the stack's ICMP
 * errors) is dropped on the way, as next_segment() skips it.  With
 * take, the datagram leaves the queue.
 */
static int queued_udp(struct runner *r, bool take, struct udp_datagram *d,
		      int64_t *at_ns)
{
	struct tcp_segment seg;
	struct error ignored;

	for (int i = 0; i < r->queue_count;) {
		const struct captured *c =
			&r->queue[(r->queue_head + i) % OUTBOUND_QUEUE_MAX];
		int rc = udp_parse(c->bytes, c->len, d, r->err);

		if (rc != 0) {
			*at_ns = c->at_ns;
			r->popped_kernel_time = c->kernel_time;
			r->popped_read_ns = c->read_ns;
			if (take)
				queue_remove(r, i);
			return rc;
		}
		if (packet_parse(c->bytes, c->len, &seg, &ignored) == PACKET_TCP)
			i++;
		else
			queue_remove(r, i);
	}
	return 0;
}

/* A datagram the stack sent that no line is due to take (udp.h). */
static int check_stray_udp(struct runner *r, const struct event *e)
{
	struct udp_datagram d;
	struct error report;
	int64_t at_ns = 0;

	if (queued_udp(r, false, &d, &at_ns) != 1 ||
	    !udp_stray_before(r->script, e, &r->udp, &d,
			      (at_ns - r->start_ns) / 1000, r->cfg->strict,
			      &report))
		return OUTCOME_OK;
	return fail(r, &e->loc, OUTCOME_MISMATCH, "%s", report.text);
}

/* The end of a --strict run: a datagram no line took (settle_strict()). */
static bool settle_strict_udp(struct runner *r, struct error *report)
{
	struct udp_datagram d;
	int64_t at_ns = 0;

	if (queued_udp(r, false, &d, &at_ns) != 1)
		return false;
	udp_stray_after_end(&d, (at_ns - r->start_ns) / 1000, report);
	return true;
}

/* Wait until deadline_ns for the next UDP datagram from the stack. */
static int next_udp(struct runner *r, const struct event *e,
		    int64_t deadline_ns, struct udp_datagram *d,
		    int64_t *at_ns, bool *timed_out)
{
	int outcome = OUTCOME_OK;
	enum wait_result w;

	*timed_out = false;
	for (;;) {
		int rc = queued_udp(r, true, d, at_ns);

		if (rc < 0)
			return fail(r, &e->loc, OUTCOME_MISMATCH,
				    "the stack sent a malformed packet: %s",
				    r->err->text);
		if (rc == 1)
			return OUTCOME_OK;
		/* Only a packet newer than the TCP segments left wakes us. */
		r->queue_skip = r->queue_count;
		w = runner_wait(r, deadline_ns, true, &outcome);
		r->queue_skip = 0;
		if (w == WAIT_STOP)
			return outcome;
		if (w == WAIT_DEADLINE) {
			*timed_out = true;
			return OUTCOME_OK;
		}
	}
}

static int run_udp_inbound(struct runner *r, const struct event *e, int64_t t)
{
	struct udp_datagram d;
	char text[160];
	size_t len = 0;
	int64_t sent_ns;
	int outcome;

	if (udp_inbound(&e->u.udp, &r->cfg->plan, &r->udp, &d, r->err) < 0 ||
	    udp_build(r->builder, &d, r->tx, sizeof(r->tx), &len, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "cannot build this datagram: %s", r->err->text);
	outcome = wait_for_event(r, e, "inbound packet", t);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (r->path->ops->send(r->path, r->tx, len, 0, &sent_ns, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	udp_format(&d, DIR_INBOUND, text, sizeof(text));
	trace(r, "line %d: %s", e->loc.line, text);
	r->done_ns = r->path->last_taken_ns ? r->path->last_taken_ns : sent_ns;
	trace_timing(r, e, "inbound packet", t, t, r->done_ns,
		     r->path->last_taken_ns ? "kernel" : "written", 0);
	return OUTCOME_OK;
}

static int run_udp_outbound(struct runner *r, const struct event *e,
			    int64_t t, int64_t t_end)
{
	struct udp_expected want;
	struct udp_datagram d;
	char want_text[160], got_text[160], by[32];
	struct error diffs;
	int64_t deadline_ns, at_ns = 0;
	bool timed_out;
	int outcome;

	udp_expect(&e->u.udp, &r->udp, &want);
	udp_expected_format(&want, want_text, sizeof(want_text));
	if (e->time.kind == TIME_ANY)
		deadline_ns = clock_now_ns() + r->cfg->any_time_wait_usecs * 1000;
	else
		deadline_ns = script_to_ns(r, t_end + tolerance_us(r, t));
	outcome = next_udp(r, e, deadline_ns, &d, &at_ns, &timed_out);
	if (outcome != OUTCOME_OK)
		return outcome;
	/* Not report_missing(): its history of recent packets is TCP's. */
	if (timed_out) {
		usecs_format((deadline_ns - r->start_ns) / 1000, by, sizeof(by));
		return fail(r, &e->loc, OUTCOME_MISMATCH, "no outbound packet "
			    "by %s s; expected %s", by, want_text);
	}
	if (!r->path->checksums_offloaded && !d.checksum_ok)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound datagram has a bad UDP checksum");
	udp_format(&d, DIR_OUTBOUND, got_text, sizeof(got_text));
	diffs.text[0] = '\0';
	if (udp_match(&want, &d, &diffs) > 0)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound datagram does not match the script\n"
			    "  expected: %s\n  actual:   %s%s", want_text,
			    got_text, diffs.text);
	udp_flow_learn(&r->udp, &d);
	trace(r, "line %d: %s", e->loc.line, got_text);
	r->done_ns = at_ns;
	trace_timing(r, e, "outbound packet", t, t_end, at_ns,
		     r->popped_kernel_time ? "kernel" : "read",
		     r->popped_kernel_time ? r->popped_read_ns : 0);
	return check_time(r, e, "outbound packet",
			  (at_ns - r->start_ns) / 1000, t, t_end);
}

/* What an ICMP error about a datagram quotes: a datagram the socket
 * under test sent the peer, with the flow's ports (udp.h) and the
 * line's payload length.
 */
static void quote_udp(const struct runner *r, const struct icmp_packet_spec *spec,
		      struct tcp_segment *quoted)
{
	quoted->protocol = IPPROTO_UDP;
	quoted->src = r->cfg->plan.local_ip;
	quoted->dst = r->cfg->plan.remote_ip;
	quoted->src_port = r->udp.local_port;
	quoted->dst_port = r->udp.remote_port;
	quoted->payload_len = spec->echoed_len;
}

/* ---- UDP packet lines (end) ---- */

static int run_syscall(struct runner *r, const struct event *e, int64_t t,
		       int64_t block_end)
{
	struct syscall_run *run = NULL;
	char call_text[512];
	int64_t started_ns;
	int outcome;

	if (r->call.active) {
		outcome = wait_for_call(r, r->call.end_us + call_tolerance_us(r),
					"when the next system call is due");
		if (outcome != OUTCOME_OK)
			return outcome;
	}
	/* Arguments are evaluated before the wait, as packets are built
	 * before theirs: nothing the wait lets happen changes them (no
	 * call is pending), and the call then starts on time.
	 */
	outcome = syscall_prepare(&r->sys, &e->u.syscall, &run, r->err);
	if (outcome != OUTCOME_OK)
		return fail(r, &e->loc, outcome, "%s", r->err->text);
	syscall_format_call(&e->u.syscall, call_text, sizeof(call_text));
	outcome = wait_for_event(r, e, "system call", t);
	if (outcome != OUTCOME_OK) {
		syscall_run_free(run);
		return outcome;
	}
	if (e->u.syscall.is_blocking)
		trace(r, "line %d: %s starts", e->loc.line, call_text);

	r->call = (struct pending_call){
		.active = true,
		.event = e,
		.run = run,
		.start_us = t,
		.end_us = e->u.syscall.is_blocking ? block_end : t,
		.blocking = e->u.syscall.is_blocking,
	};
	started_ns = clock_now_ns();
	if (worker_submit(r->worker, run, r->err) < 0) {
		free_call(r);
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	}
	trace_timing(r, e, "system call", t, t, started_ns, "started", 0);
	if (r->call.blocking) {
		r->done_ns = started_ns;
		return OUTCOME_OK;
	}
	outcome = wait_for_call(r, t + tolerance_us(r, t) +
				BLOCK_DETECT_GRACE_USECS,
				"but the script expects it to return at once "
				"(write `start...end` for a blocking call)");
	r->done_ns = r->call_returned_ns;
	return outcome;
}

/* Run one shell command of the script; what says which kind ("" for a
 * timed one, "init " or "cleanup " for the untimed ones) in reports.
 */
static int run_shell(struct runner *r, const char *command,
		     const struct src_loc *loc, const char *what)
{
	char key[256];
	int rc;

	trace(r, "line %d: `%s` (%scommand)", loc->line, command, what);
	rc = shell_run(command, r->cfg->script_dir, r->err);
	switch (rc) {
	case SHELL_OK:
		return OUTCOME_OK;
	case SHELL_INTERRUPTED:
		return interrupted(r);
	case SHELL_FAILED:
		if (netns_in_user_namespace() &&
		    command_writes_host_setting(command, key, sizeof(key)))
			return fail(r, loc, OUTCOME_ENVIRONMENT, "%scommand `%s` "
				    "%s: it writes %s, a host-wide setting that "
				    "a run without root (in a user namespace) "
				    "cannot change; run this script as root",
				    what, command, r->err->text, key);
		return fail(r, loc, OUTCOME_MISMATCH, "%scommand `%s` %s",
			    what, command, r->err->text);
	default:
		return fail(r, loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	}
}

static int run_command(struct runner *r, const struct event *e, int64_t t)
{
	int outcome = wait_for_event(r, e, "command", t);

	if (outcome != OUTCOME_OK)
		return outcome;
	return run_shell(r, e->u.command, &e->loc, "");
}

/* Snapshot TCP_INFO now; the block itself runs when the script is over. */
static int run_code(struct runner *r, const struct event *e, int64_t t)
{
	unsigned char info[TCP_INFO_MAX];
	socklen_t len = sizeof(info);
	size_t have = 0;
	int errnum = 0;
	int outcome = wait_for_event(r, e, "code block", t);

	if (outcome != OUTCOME_OK)
		return outcome;
	if (r->code_fd >= 0 && r->sys.backend->ops->getsockopt &&
	    r->sys.backend->ops->getsockopt(r->sys.backend, r->code_fd,
					    IPPROTO_TCP, TCP_INFO, info, &len,
					    &errnum) == 0)
		have = len;
	trace(r, "line %d: %%{ TCP_INFO snapshot of %zu bytes }%%",
	      e->loc.line, have);
	if (code_log_add(r->code, e, have ? info : NULL, have, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	return OUTCOME_OK;
}

/* Where script time script_us fell on this run's timeline: relative
 * events start from when the previous one finished, so the run drifts
 * from the times as written, and the machine's load may delay any
 * event.  The latest time written at or before script_us anchors it: the
 * span from the first to the last event written at that time being done.
 */
static void script_to_live(const void *timeline, int64_t script_us,
			   int64_t *lo, int64_t *hi)
{
	const struct runner *r = timeline;
	int64_t best = 0;
	bool found = false;
	int i;

	for (i = 0; i < r->played; i++)
		if (r->nominal_us[i] <= script_us &&
		    (!found || r->nominal_us[i] > best)) {
			best = r->nominal_us[i];
			found = true;
		}
	*lo = *hi = script_us;
	if (!found)
		return;
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (i = 0; i < r->played; i++) {
		if (r->nominal_us[i] != best)
			continue;
		if (r->played_us[i] < *lo)
			*lo = r->played_us[i];
		if (r->played_us[i] > *hi)
			*hi = r->played_us[i];
	}
	*lo += script_us - best;
	*hi += script_us - best;
}

static void note_played(struct runner *r, const struct event *e,
			int64_t done_us)
{
	const struct event_time *et = &e->time;
	int64_t nominal = r->last_nominal_us;

	if (et->kind == TIME_ABSOLUTE || et->kind == TIME_ABSOLUTE_RANGE)
		nominal = et->usecs;
	else if (et->kind != TIME_ANY)
		nominal += et->usecs;
	r->last_nominal_us = nominal;
	if (r->played < r->script->event_count) {
		r->nominal_us[r->played] = nominal;
		r->played_us[r->played] = done_us;
		r->played++;
	}
}

static int run_event(struct runner *r, const struct event *e)
{
	int64_t t, t_end, block_end;
	int outcome = OUTCOME_OK;

	note_line(r, e->loc.line);
	schedule(r, e, &t, &t_end, &block_end);
	r->done_ns = 0;
	switch (e->kind) {
	case EVENT_PACKET:
		if (e->u.packet.direction == DIR_INBOUND)
			outcome = run_inbound(r, e, t);
		else
			outcome = run_outbound(r, e, t, t_end);
		break;
	case EVENT_SYSCALL:
		outcome = run_syscall(r, e, t, block_end);
		break;
	case EVENT_COMMAND:
		outcome = run_command(r, e, t);
		break;
	case EVENT_CODE:
		outcome = run_code(r, e, t);
		break;
	case EVENT_ICMP:
		outcome = run_icmp(r, e, t);
		break;
	case EVENT_UDP:
		if (e->u.udp.direction == DIR_INBOUND)
			outcome = run_udp_inbound(r, e, t);
		else
			outcome = run_udp_outbound(r, e, t, t_end);
		break;
	}
	/* A new socket's port is unknown until bind(fd, ..., ...) or its
	 * first datagram shows it (udp.h).
	 */
	if (e->kind == EVENT_SYSCALL && !strcmp(e->u.syscall.name, "socket"))
		udp_flow_forget(&r->udp, &r->cfg->plan);
	if (outcome == OUTCOME_OK && e->kind == EVENT_SYSCALL &&
	    !strcmp(e->u.syscall.name, "bind") &&
	    e->u.syscall.args.count >= 2 &&
	    e->u.syscall.args.items[1]->kind == EXPR_ELLIPSIS)
		udp_flow_bound(&r->udp, &r->cfg->plan);
	note_played(r, e, now_us(r));
	r->have_last = true;
	r->last_us = t;
	r->last_was_inbound = is_injection(e);
	return outcome;
}

/* The untimed commands before the first and after the last event. */
static int run_untimed_command(struct runner *r, const char *command,
			       const struct src_loc *loc, const char *what)
{
	if (!command)
		return OUTCOME_OK;
	note_line(r, loc->line);
	return run_shell(r, command, loc, what);
}

static bool script_names_ports(const struct script *script)
{
	for (int i = 0; i < script->event_count; i++) {
		const struct event *e = &script->events[i];

		if (e->kind == EVENT_PACKET &&
		    (e->u.packet.src.has_port || e->u.packet.dst.has_port))
			return true;
	}
	return false;
}

int run_script(const struct script *script, const struct run_config *cfg,
	       struct packet_path *path, struct syscall_backend *backend,
	       struct error *err)
{
	struct runner *r = calloc(1, sizeof(*r));
	int outcome;

	if (!r)
		return error_set(err, "out of memory"), OUTCOME_ENVIRONMENT;
	r->script = script;
	r->cfg = cfg;
	r->path = path;
	r->err = err;
	r->sys.plan = &cfg->plan;
	r->sys.backend = backend;
	r->sys.fds = fd_map_new();
	r->sys.script_dir = cfg->script_dir;
	r->sys.tolerance_usecs = cfg->tolerance_usecs;
	r->sys.script_to_live = script_to_live;
	r->sys.timeline = r;
	r->nominal_us = calloc((size_t)script->event_count + 1,
			       sizeof(*r->nominal_us));
	r->played_us = calloc((size_t)script->event_count + 1,
			      sizeof(*r->played_us));
	conn_table_init(&r->conns);
	udp_flow_init(&r->udp, &cfg->plan);
	wake_lead_init(&r->wake);
	r->conns.ts_clock.tick_usecs = cfg->tcp_ts_tick_usecs;
	r->conns.ts_clock.tolerance_usecs = cfg->tolerance_usecs;
	/* Wake-ups at the requested nanosecond, not 50 us later. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	if (!r->sys.fds || !r->nominal_us || !r->played_us) {
		fd_map_free(r->sys.fds);
		free(r->nominal_us);
		free(r->played_us);
		free(r);
		return error_set(err, "out of memory"), OUTCOME_ENVIRONMENT;
	}
	r->code_fd = -1;
	r->one_socket = !script_names_ports(script);
	r->code = code_log_new();
	r->builder = r->code ? packet_builder_new(err) : NULL;
	if (!r->builder || worker_start(&r->worker, err) < 0) {
		packet_builder_free(r->builder);
		code_log_free(r->code);
		fd_map_free(r->sys.fds);
		free(r->nominal_us);
		free(r->played_us);
		free(r);
		return OUTCOME_ENVIRONMENT;
	}

	warm_packet_builder(r);
	r->start_ns = clock_now_ns();
	if (cfg->progress)
		cfg->progress->first_event_ns = r->start_ns;
	if (path->time_source)
		trace(r, "packet times: %s", path->time_source);
	outcome = run_untimed_command(r, script->init_command, &script->init_loc,
				      "init ");
	/* Time 0 just past a jiffy boundary (tick.h), up to a jiffy from
	 * now.  No separate wait for it: the first event waits for its
	 * time as every event does, after building its packet or
	 * evaluating its arguments, and then polls out the last stretch
	 * (a timer alone wakes the runner ~80 us late here).
	 */
	r->start_ns = tick_aligned_start_ns();
	r->sys.start_realtime_ns = clock_realtime_of(r->start_ns);
	for (int i = 0; outcome == OUTCOME_OK && i < script->event_count; i++)
		outcome = run_event(r, &script->events[i]);
	if (outcome == OUTCOME_OK && r->call.active)
		outcome = wait_for_call(r, r->call.end_us + call_tolerance_us(r),
					"at the end of the script");
	if (outcome == OUTCOME_OK && cfg->strict && script->event_count)
		outcome = settle_strict(r, &script->events[script->event_count - 1]);
	if (outcome == OUTCOME_OK)
		outcome = code_log_run(r->code, script->path, err);
	trace(r, "timing: %lu timed sleeps, woken up to %.1f us late; the "
	      "last %.1f us before a deadline polled", r->wake.total,
	      (double)r->wake.worst_ns / 1e3,
	      (double)wake_lead_ns(&r->wake) / 1e3);

	/* The cleanup command runs whatever the verdict (it typically
	 * restores settings), but not when the user asked us to stop.
	 */
	if (script->cleanup_command && !abort_requested()) {
		struct error cleanup_err;
		struct error *saved = r->err;
		int rc;

		r->err = &cleanup_err;
		rc = run_untimed_command(r, script->cleanup_command,
					 &script->cleanup_loc, "cleanup ");
		r->err = saved;
		if (outcome == OUTCOME_OK && rc != OUTCOME_OK) {
			outcome = rc;
			memcpy(err, &cleanup_err, sizeof(*err));
		}
	}

	if (cfg->progress)
		cfg->progress->last_event_ns = clock_now_ns();
	/* The worker may still be inside a blocked call using the run. */
	worker_stop(r->worker);
	queue_free(r);
	if (r->call.active)
		free_call(r);
	fd_map_close_all(r->sys.fds, backend);
	fd_map_free(r->sys.fds);
	packet_builder_free(r->builder);
	code_log_free(r->code);
	free(r->nominal_us);
	free(r->played_us);
	free(r);
	return outcome;
}
