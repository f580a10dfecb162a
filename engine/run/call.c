/*
 * call.c - system-call lines (`+0 connect(3, ..., ...) = 0`): arguments
 * evaluated before the deadline, the call handed to the worker at it,
 * its result and its return time checked when the worker gives it back
 * (runner_wait() notices, whatever the script is doing by then).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/symbols.h"
#include "match/conn.h"
#include "run/line.h"
#include "run/run_internal.h"
#include "run/worker.h"

/* A call written without `...end` is expected to return at once; if it
 * has not returned this long after its tolerance, it blocked.  The grace
 * keeps a loaded machine's scheduling delay from passing for blocking.
 */
#define BLOCK_DETECT_GRACE_USECS 100000

void free_call(struct runner *r)
{
	syscall_run_free(r->call.run);
	r->call.active = false;
	r->call.event = NULL;
	r->call.run = NULL;
	r->call.start_us = r->call.end_us = 0;
	r->call.blocking = false;
}

int64_t call_tolerance_us(const struct runner *r)
{
	return timeline_tolerance_us(&r->tl, r->call.start_us, r->call.end_us);
}

/* What the runner follows of what a call did (syscall_effects): the
 * socket code blocks look at, the connections of an earlier socket, the
 * UDP flow's local port, unknown for a new socket until a bind or its
 * first datagram shows it (udp.h).
 */
static void react_to_call(struct runner *r, const struct syscall_effects *fx)
{
	if (fx->new_socket)
		r->code.fd = fx->new_fd;
	if (fx->socket_created) {
		conn_new_socket(&r->conns, r->tcp.one_socket);
		udp_flow_forget(&r->udp, &r->cfg->plan);
	}
	if (fx->bound_to_plan)
		udp_flow_bound(&r->udp, &r->cfg->plan);
}

/* A blocking call returned at end_us: within the tolerance of its
 * scheduled return?
 */
static int check_return_time(struct runner *r, const struct event *e,
			     const char *call_text, int64_t end_us)
{
	int64_t tol = call_tolerance_us(r);
	int64_t off = end_us - r->call.end_us;
	char start[32], due[32], within[32];

	if (end_us >= r->call.end_us - tol && end_us <= r->call.end_us + tol)
		return OUTCOME_OK;
	usecs_format(r->call.start_us, start, sizeof(start));
	usecs_format(r->call.end_us, due, sizeof(due));
	usecs_format(tol, within, sizeof(within));
	return fail_as(r, &e->loc, FAILURE_TIMING,
		    "timing error: %s, started at %s s, expected to return at "
		    "%s s (tolerance \u00b1%s s), returned at %.3f s: %.1f ms "
		    "%s", call_text, start, due, within, secs(end_us),
		    (double)llabs(off) / 1000.0, off < 0 ? "early" : "late");
}

int finish_call(struct runner *r, int64_t end_ns)
{
	const struct event *e = r->call.event;
	char call_text[512];
	int64_t end_us = (end_ns - r->tl.start_ns) / 1000;
	int errnum = 0;
	long ret = syscall_run_result(r->call.run, &errnum);
	int outcome;

	r->call.returned_ns = end_ns;
	outcome = syscall_finish(&r->sys, &e->u.syscall, r->call.run, r->err);
	if (outcome != OUTCOME_OK) {
		char text[ERROR_TEXT_MAX];

		snprintf(text, sizeof(text), "%s", r->err->text);
		outcome = fail(r, &e->loc, outcome, "%s", text);
		free_call(r);
		return outcome;
	}
	syscall_format_call(&e->u.syscall, call_text, sizeof(call_text));
	react_to_call(r, syscall_run_effects(r->call.run));
	if (ret == -1)
		trace(r, "line %d: %s = -1 %s", e->loc.line, call_text,
		      errno_to_name(errnum) ? errno_to_name(errnum) : "?");
	else
		trace(r, "line %d: %s = %ld", e->loc.line, call_text, ret);
	if (r->call.blocking)
		outcome = check_return_time(r, e, call_text, end_us);
	free_call(r);
	return outcome;
}

/* Arguments are evaluated before the wait, as packets are built before
 * theirs: nothing the wait lets happen changes them (no call is pending),
 * and the call then starts on time.
 */
static int call_prepare(struct runner *r, const struct event *e,
			struct line_state *st)
{
	int outcome;

	st->run = NULL;
	if (r->call.active) {
		outcome = wait_for_call(r, r->call.end_us + call_tolerance_us(r),
					"when the next system call is due");
		if (outcome != OUTCOME_OK)
			return outcome;
	}
	outcome = syscall_prepare(&r->sys, &e->u.syscall, &st->run, r->err);
	if (outcome != OUTCOME_OK)
		return fail(r, &e->loc, outcome, "%s", r->err->text);
	syscall_format_call(&e->u.syscall, st->text, sizeof(st->text));
	return OUTCOME_OK;
}

static int call_play(struct runner *r, const struct event *e,
		     struct line_state *st, int64_t t, int64_t t_end,
		     int64_t block_end)
{
	bool blocking = e->u.syscall.is_blocking;
	int64_t started_ns;
	int outcome;

	(void)t_end;
	outcome = wait_for_event(r, e, "system call", t);
	if (outcome != OUTCOME_OK) {
		syscall_run_free(st->run);
		return outcome;
	}
	if (blocking)
		trace(r, "line %d: %s starts", e->loc.line, st->text);
	r->call.active = true;
	r->call.event = e;
	r->call.run = st->run;
	r->call.start_us = t;
	r->call.end_us = blocking ? block_end : t;
	r->call.blocking = blocking;
	started_ns = run_clock_now(r->clock);
	if (worker_submit(r->worker, st->run, r->err) < 0) {
		free_call(r);
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	}
	trace_timing(r, e, "system call", t, t, started_ns, "started", 0);
	if (blocking) {
		r->tl.done_ns = started_ns;
		return OUTCOME_OK;
	}
	outcome = wait_for_call(r, t + timeline_event_tolerance_us(&r->tl, t) +
				BLOCK_DETECT_GRACE_USECS,
				"but the script expects it to return at once "
				"(write `start...end` for a blocking call)");
	r->tl.done_ns = r->call.returned_ns;
	return outcome;
}

const struct line_ops call_ops = {
	.what = "system call",
	.prepare = call_prepare,
	.play = call_play,
};
