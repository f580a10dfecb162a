/*
 * report.c - what a run says: every failure located at its line
 * ("path:line: ..."), the report of a missing packet with the history
 * of what did cross, the timing errors, and the -v trace.
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/abort.h"
#include "match/history.h"
#include "pkt/encap.h"
#include "run/run_internal.h"

/* Every report starts with the script's location, and carries its line
 * and kind as fields (error.h): fail() gives the kind that follows the
 * outcome, fail_as() a finer one (timing, missing packet).
 */
static int failv(struct runner *r, const struct src_loc *loc,
		 enum failure_kind kind, const char *fmt, va_list ap)
{
	char text[ERROR_TEXT_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	error_set(r->err, "%s:%d: %s", r->script->path, loc->line, text);
	error_locate(r->err, loc->line, kind);
	return failure_outcome(kind);
}

int fail_as(struct runner *r, const struct src_loc *loc,
	    enum failure_kind kind, const char *fmt, ...)
{
	va_list ap;
	int outcome;

	va_start(ap, fmt);
	outcome = failv(r, loc, kind, fmt, ap);
	va_end(ap);
	return outcome;
}

int fail(struct runner *r, const struct src_loc *loc, int outcome,
	 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	failv(r, loc, failure_kind_of(outcome), fmt, ap);
	va_end(ap);
	return outcome;
}

/* -v: "  0.100213 line 7: what happened", one line per event: the
 * callers start their text with the line.
 */
void trace(const struct runner *r, const char *fmt, ...)
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
void format_layers(const struct encap_list *layers, char *buf, size_t size)
{
	FILE *out = fmemopen(buf, size - 1, "w");

	buf[0] = '\0';
	if (out) {
		encap_list_dump(layers, out);
		fclose(out);
	}
}

/* A packet in script notation, its live numbers beside it. */
void trace_packet(const struct runner *r, const struct event *e,
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
 * deadline, the line, and (history) what did cross lately.
 */
int report_missing(struct runner *r, const struct event *e,
		   int64_t deadline_ns, const char *want, bool history)
{
	char by[32];

	usecs_format((deadline_ns - r->tl.start_ns) / 1000, by, sizeof(by));
	fail_as(r, &e->loc, FAILURE_MISSING_PACKET,
		"no outbound packet by %s s; expected %s", by, want);
	if (history)
		history_append(&r->history, &r->conns, r->err);
	return OUTCOME_MISMATCH;
}

/* Check that something happened within [t - tol, t_end + tol]. */
int check_time(struct runner *r, const struct event *e, const char *what,
	       int64_t actual, int64_t t, int64_t t_end)
{
	struct error why;
	int outcome = timeline_check_time(&r->tl, e, what, actual, t, t_end,
					  &why);

	if (outcome != OUTCOME_OK)
		return fail_as(r, &e->loc, FAILURE_TIMING, "%s", why.text);
	return OUTCOME_OK;
}

/* -v: how far from its script time an event happened, by the clock that
 * saw it happen (clock: "kernel" for the kernel's timestamp of a packet).
 * Anywhere inside a range is on time.  read_ns, when not 0, is when the
 * runner read an outbound packet: how late a time taken then would be.
 */
void trace_timing(const struct runner *r, const struct event *e,
		  const char *what, int64_t t, int64_t t_end,
		  int64_t actual_ns, const char *clock, int64_t read_ns)
{
	int64_t at = actual_ns - r->tl.start_ns;
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

int interrupted(struct runner *r)
{
	error_set(r->err, "%s: interrupted by %s", r->script->path,
		  strsignal(abort_signal()));
	return OUTCOME_ENVIRONMENT;
}
