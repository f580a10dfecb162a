/*
 * run.c - the interpreter loop (see run.h): each line is scheduled on the
 * timeline (timeline.h), prepared and played by the handler of its kind
 * (line.h); the waits are here, in one translation unit.
 *
 * `start...end` system calls run on the worker while later events
 * proceed, and must return at `end`.  The main thread never blocks anywhere but in runner_wait(), which
 * watches the abort pipe, the worker's completion and the packet path
 * together, so a completion or Ctrl-C is noticed at once whatever the
 * script is doing.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/abort.h"
#include "core/clock.h"
#include "match/conn.h"
#include "match/history.h"
#include "match/stray.h"
#include "match/tcp_view.h"
#include "pkt/packet.h"
#include "run/check.h"
#include "run/code.h"
#include "run/line.h"
#include "run/outq.h"
#include "run/run.h"
#include "run/run_clock.h"
#include "run/run_internal.h"
#include "run/timeline.h"
#include "run/worker.h"

void run_config_defaults(struct run_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	plan_set_defaults(&cfg->plan);
	cfg->tolerance_usecs = 4000;
	cfg->tolerance_percent = 12.5;
	cfg->any_time_wait_usecs = 10 * 1000000;
	cfg->script_dir = ".";
}

/* Relaxed stores: the watcher only needs each value eventually. */
static void note_line(const struct runner *r, int line)
{
	if (r->cfg->progress)
		__atomic_store_n(&r->cfg->progress->line, line, __ATOMIC_RELAXED);
}

/* Keep an arriving segment in the history, for reports. */
static void note_outbound(void *ctx, const struct captured *c)
{
	struct runner *r = ctx;
	struct tcp_view view;
	struct error ignored;

	if (c->kind == OUTQ_TCP &&
	    tcp_view_from_segment(&c->seg, DIR_OUTBOUND, &view, &ignored) == 0)
		history_add(&r->history, (c->at_ns - r->tl.start_ns) / 1000,
			    &view);
}

/* Move every datagram the device has ready into the queue.  0, or -1
 * with r->err (the device failed).
 */
static int drain_path(struct runner *r)
{
	return outq_drain(&r->q, r->path, note_outbound, r, r->err);
}

/* Take queued datagram i (0: the oldest) into r->rx. */
void queue_pop(struct runner *r, int i, struct captured *c)
{
	outq_take(&r->q, i, r->rx, c);
	r->popped_kernel_time = c->kernel_time;
	r->popped_read_ns = c->read_ns;
}

/* Line e is about to inject or run something: has the stack sent a
 * packet the script does not expect here (stray.h)?  Each kind that
 * watches the device says, UDP first.
 */
static int check_stray(struct runner *r, const struct event *e)
{
	for (int i = 0; i < LINE_OPS_WATCHING; i++) {
		int outcome = line_ops_watching[i]->stray(r, e);

		if (outcome != OUTCOME_OK)
			return outcome;
	}
	return OUTCOME_OK;
}

/* The end of a --strict run: watch the device for STRICT_SETTLE_USECS
 * more; any packet the stack sent and no line took fails the script.
 */
static int settle_strict(struct runner *r, const struct event *last)
{
	int64_t deadline_ns = run_clock_now(r->clock) +
			      STRICT_SETTLE_USECS * 1000LL;
	int outcome = OUTCOME_OK;
	struct error report;

	if (runner_wait(r, deadline_ns, 0, &outcome) == WAIT_STOP)
		return outcome;
	for (int i = 0; i < LINE_OPS_WATCHING; i++)
		if (line_ops_watching[i]->settle(r, &report))
			return fail(r, &last->loc, OUTCOME_MISMATCH, "%s",
				    report.text);
	return OUTCOME_OK;
}

/* The deadline has passed, but a runner that was held up (a command, a
 * busy machine) may not have taken off the device what the stack sent in
 * time: the kernel's timestamps say when it was sent, so look once more.
 */
static enum wait_result deadline_passed(struct runner *r, unsigned want,
					int *outcome)
{
	if (drain_path(r) < 0) {
		*outcome = OUTCOME_ENVIRONMENT;
		return WAIT_STOP;
	}
	return want && outq_has(&r->q, want) ? WAIT_PACKET : WAIT_DEADLINE;
}

static enum wait_result spin_to_deadline(struct runner *r,
					 int64_t deadline_ns, int *outcome)
{
	if (drain_path(r) < 0) {
		*outcome = OUTCOME_ENVIRONMENT;
		return WAIT_STOP;
	}
	while (run_clock_now(r->clock) < deadline_ns)
		;
	return WAIT_DEADLINE;
}

/* Wait until deadline_ns.  Returns early when the pending call returns
 * (it is checked first) and, with want (enum outq_kind bits), when the
 * queue holds a packet of a kind wanted.  On WAIT_STOP, *outcome says why.
 */
enum wait_result runner_wait(struct runner *r, int64_t deadline_ns,
			     unsigned want, int *outcome)
{
	for (;;) {
		struct pollfd fds[3];
		int64_t end_ns, left;
		int ready;

		if (abort_requested()) {
			*outcome = interrupted(r);
			return WAIT_STOP;
		}
		if (r->call.active && worker_collect(r->worker, &end_ns)) {
			*outcome = finish_call(r, end_ns);
			return *outcome == OUTCOME_OK ? WAIT_CALL_DONE : WAIT_STOP;
		}
		if (want && outq_has(&r->q, want))
			return WAIT_PACKET;
		left = deadline_ns - run_clock_now(r->clock);
		if (left <= 0)
			return deadline_passed(r, want, outcome);
		/* Not while a call is pending: the worker may share the CPU
		 * and need it to return.
		 */
		if (!want && !r->call.active &&
		    left <= r->clock->quiet_spin_ns)
			return spin_to_deadline(r, deadline_ns, outcome);
		/* The device is always watched, so that what the stack
		 * sends is timed when it comes, whatever the script waits for.
		 */
		fds[0] = (struct pollfd){ .fd = abort_fd(), .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = worker_event_fd(r->worker),
					  .events = POLLIN };
		fds[2] = (struct pollfd){ .fd = r->path->ops->wait_fd(r->path),
					  .events = POLLIN };
		ready = r->clock->ops->wait(r->clock, fds, 3, deadline_ns);
		if (ready < 0 && errno != EINTR) {
			*outcome = OUTCOME_ENVIRONMENT;
			error_set_errno(r->err, "ppoll");
			return WAIT_STOP;
		}
		if ((fds[2].revents & POLLIN) && drain_path(r) < 0) {
			*outcome = OUTCOME_ENVIRONMENT;
			return WAIT_STOP;
		}
	}
}

/* The runner's own action (an injection, a call, a command) is late when
 * the machine did not run it in time (timeline.h).
 */
static int check_own_time(struct runner *r, const struct event *e,
			  const char *what, int64_t t)
{
	struct error why;
	int outcome = timeline_check_own_time(&r->tl, e, what, t, now_us(r),
					      &why);

	if (outcome != OUTCOME_OK)
		return fail(r, &e->loc, outcome, "%s", why.text);
	return OUTCOME_OK;
}

/* Sleep until script time t, then check we are not too late for it. */
int wait_for_event(struct runner *r, const struct event *e,
		   const char *what, int64_t t)
{
	int outcome = OUTCOME_OK;
	enum wait_result w;

	do {
		w = runner_wait(r, script_to_ns(r, t), 0, &outcome);
		if (w == WAIT_STOP)
			return outcome;
	} while (w != WAIT_DEADLINE);
	outcome = check_stray(r, e);
	if (outcome != OUTCOME_OK)
		return outcome;
	return check_own_time(r, e, what, t);
}

/* Wait for the pending call to return, until deadline_us. */
int wait_for_call(struct runner *r, int64_t deadline_us, const char *why)
{
	int outcome = OUTCOME_OK;
	char call_text[512], by[32];

	while (r->call.active) {
		if (runner_wait(r, script_to_ns(r, deadline_us), 0,
				&outcome) == WAIT_STOP)
			return outcome;
		if (!r->call.active)
			break;
		if (run_clock_now(r->clock) < script_to_ns(r, deadline_us))
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

int inject_at(struct runner *r, const struct event *e, const char *what,
	      int64_t t, size_t len, uint16_t gso, int64_t *sent_ns)
{
	int outcome = wait_for_event(r, e, what, t);

	if (outcome != OUTCOME_OK)
		return outcome;
	if (r->path->ops->send(r->path, r->tx, len, gso, sent_ns, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	return OUTCOME_OK;
}

void note_injected(struct runner *r, const struct event *e, int64_t t,
		   int64_t sent_ns)
{
	int64_t taken_ns = r->path->last_taken_ns;

	r->tl.done_ns = taken_ns ? taken_ns : sent_ns;
	trace_timing(r, e, "inbound packet", t, t, r->tl.done_ns,
		     taken_ns ? "kernel" : "written", 0);
}

int64_t outbound_deadline_ns(const struct runner *r, const struct event *e,
			     int64_t t, int64_t t_end)
{
	if (e->time.kind == TIME_ANY)
		return run_clock_now(r->clock) +
		       r->cfg->any_time_wait_usecs * 1000;
	return script_to_ns(r, t_end + timeline_event_tolerance_us(&r->tl, t));
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

const struct line_ops *line_ops_for(const struct event *e)
{
	switch (e->kind) {
	case EVENT_PACKET:
		return e->u.packet.direction == DIR_INBOUND ? &tcp_in_ops
							    : &tcp_out_ops;
	case EVENT_UDP:
		return e->u.udp.direction == DIR_INBOUND ? &udp_in_ops
							 : &udp_out_ops;
	case EVENT_ICMP:
		return &icmp_ops;
	case EVENT_SYSCALL:
		return &call_ops;
	case EVENT_COMMAND:
		return &command_ops;
	case EVENT_CODE:
		return &code_ops;
	}
	return NULL;
}

const struct line_ops *const line_ops_watching[LINE_OPS_WATCHING] = {
	&udp_out_ops, &tcp_out_ops,
};

static int run_event(struct runner *r, const struct event *e)
{
	const struct line_ops *ops = line_ops_for(e);
	struct line_state st;
	int64_t t, t_end, block_end;
	int outcome = OUTCOME_OK;

	note_line(r, e->loc.line);
	timeline_schedule(&r->tl, e, now_us(r), &t, &t_end, &block_end);
	r->tl.done_ns = 0;
	if (ops->prepare)
		outcome = ops->prepare(r, e, &st);
	if (outcome == OUTCOME_OK)
		outcome = ops->play(r, e, &st, t, t_end, block_end);
	timeline_note_played(&r->tl, e, t, now_us(r));
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

/* A path's timers, as a source of instants of a virtual clock. */
static int64_t path_next_instant(void *ctx)
{
	struct packet_path *path = ctx;

	return path->ops->next_instant(path);
}

static void path_run_due(void *ctx, int64_t now_ns)
{
	struct packet_path *path = ctx;

	path->ops->run_due(path, now_ns);
}

/* Everything a run needs before time 0.  OUTCOME_OK, or
 * OUTCOME_ENVIRONMENT with r->err; runner_release() undoes it either way.
 */
static int runner_setup(struct runner *r, struct syscall_backend *backend)
{
	const struct run_config *cfg = r->cfg;

	r->sys.plan = &cfg->plan;
	r->sys.backend = backend;
	r->sys.fds = fd_map_new();
	r->sys.script_dir = cfg->script_dir;
	r->sys.tolerance_usecs = cfg->tolerance_usecs;
	r->sys.script_to_live = timeline_script_to_live;
	r->sys.timeline = &r->tl;
	conn_table_init(&r->conns);
	conn_table_set_first_remote_port(&r->conns, cfg->plan.first_remote_port);
	udp_flow_init(&r->udp, &cfg->plan);
	r->conns.ts_clock.tick_usecs = cfg->tcp_ts_tick_usecs;
	r->conns.ts_clock.tolerance_usecs = cfg->tolerance_usecs;
	r->code.fd = -1;
	r->tcp.one_socket = !script_names_ports(r->script);
	r->clock = cfg->clock;
	if (!r->clock) {
		r->clock = run_clock_real_new();
		r->own_clock = true;
	}
	if (timeline_init(&r->tl, cfg, r->script->event_count) < 0 ||
	    !r->sys.fds || !r->clock || !(r->code.log = code_log_new()))
		return error_set(r->err, "out of memory"), OUTCOME_ENVIRONMENT;
	r->builder = packet_builder_new(r->err);
	if (!r->builder || (r->clock->inline_calls ?
			    worker_start_inline(&r->worker, r->clock, r->err) :
			    worker_start(&r->worker, r->err)) < 0)
		return OUTCOME_ENVIRONMENT;
	if (r->path->ops->next_instant && r->path->ops->run_due)
		run_clock_add_timers(r->clock, &(struct run_clock_timers){
			.next = path_next_instant, .run_due = path_run_due,
			.ctx = r->path });
	return OUTCOME_OK;
}

/* The one release sequence, whatever stage the run reached. */
static void runner_release(struct runner *r)
{
	/* The worker may still be inside a blocked call using the run. */
	worker_stop(r->worker);
	outq_free(&r->q);
	if (r->call.active)
		free_call(r);
	if (r->sys.fds) {
		fd_map_close_all(r->sys.fds, r->sys.backend);
		fd_map_free(r->sys.fds);
	}
	if (r->clock)
		run_clock_remove_timers(r->clock, r->path);
	if (r->own_clock)
		run_clock_free(r->clock);
	packet_builder_free(r->builder);
	code_log_free(r->code.log);
	timeline_free(&r->tl);
	free(r);
}

/* The events from time 0, the call left pending, the --strict settle and
 * the code blocks.
 */
static int run_events(struct runner *r)
{
	const struct script *script = r->script;
	int outcome = OUTCOME_OK;

	for (int i = 0; outcome == OUTCOME_OK && i < script->event_count; i++)
		outcome = run_event(r, &script->events[i]);
	if (outcome == OUTCOME_OK && r->call.active)
		outcome = wait_for_call(r, r->call.end_us + call_tolerance_us(r),
					"at the end of the script");
	if (outcome == OUTCOME_OK && r->cfg->strict && script->event_count)
		outcome = settle_strict(r, &script->events[script->event_count - 1]);
	if (outcome == OUTCOME_OK)
		outcome = code_log_run(r->code.log, script->path, r->err);
	return outcome;
}

/* -v: what the clock says of the run's waits. */
static void trace_clock_summary(struct runner *r)
{
	char summary[256];

	if (!r->clock->ops->summary)
		return;
	r->clock->ops->summary(r->clock, summary, sizeof(summary));
	if (summary[0])
		trace(r, "%s", summary);
}

/* The cleanup command runs whatever the verdict (it typically restores
 * settings), but not when the user asked us to stop.
 */
static int run_cleanup(struct runner *r, int outcome)
{
	const struct script *script = r->script;
	struct error cleanup_err;
	struct error *saved = r->err;
	int rc;

	if (!script->cleanup_command || abort_requested())
		return outcome;
	r->err = &cleanup_err;
	rc = run_untimed_command(r, script->cleanup_command,
				 &script->cleanup_loc, "cleanup ");
	r->err = saved;
	if (outcome == OUTCOME_OK && rc != OUTCOME_OK) {
		outcome = rc;
		memcpy(r->err, &cleanup_err, sizeof(*r->err));
	}
	return outcome;
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
	outcome = runner_setup(r, backend);
	if (outcome != OUTCOME_OK)
		goto out;

	warm_packet_builder(r);
	r->tl.start_ns = run_clock_now(r->clock);
	if (cfg->progress)
		cfg->progress->first_event_ns = clock_now_ns();
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
	r->tl.start_ns = r->clock->ops->start(r->clock);
	r->sys.start_realtime_ns = r->clock->ops->realtime_of(r->clock,
							       r->tl.start_ns);
	if (outcome == OUTCOME_OK)
		outcome = run_events(r);
	trace_clock_summary(r);
	outcome = run_cleanup(r, outcome);
	if (cfg->progress)
		cfg->progress->last_event_ns = clock_now_ns();
out:
	runner_release(r);
	return outcome;
}
