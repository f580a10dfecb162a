/*
 * udp_line.c - UDP datagram lines (`+0 < udp (100)`, `+0 > udp (10)`):
 * built from the flow's ports (udp.h) and injected, or waited for and
 * compared; and the UDP part of the stray and --strict checks.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "match/udp.h"
#include "run/line.h"
#include "run/run_internal.h"

/* How much of a datagram line a report shows. */
#define UDP_TEXT_MAX 160

/* The oldest queued UDP datagram, parsed (1), or none (0), or -1 with
 * r->err for a malformed packet.  TCP segments stay queued for TCP
 * lines; other traffic (neighbour discovery, MLD, the stack's ICMP
 * errors) is dropped on the way, as next_segment() skips it.  With
 * take, the datagram leaves the queue.
 */
static int queued_udp(struct runner *r, bool take, struct udp_datagram *d,
		      int64_t *at_ns)
{
	int i = outq_first_for_udp(&r->q);
	struct captured *c;
	bool bad;

	if (i < 0)
		return 0;
	c = outq_at(&r->q, i);
	bad = c->kind == OUTQ_UDP_BAD;
	*at_ns = c->at_ns;
	r->popped_kernel_time = c->kernel_time;
	r->popped_read_ns = c->read_ns;
	if (bad)
		(void)udp_parse(c->bytes, c->len, d, r->err);
	else
		*d = c->dgram;
	if (take)
		outq_remove(&r->q, i);
	return bad ? -1 : 1;
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
		w = runner_wait(r, deadline_ns, OUTQ_FOR_UDP, &outcome);
		if (w == WAIT_STOP)
			return outcome;
		if (w == WAIT_DEADLINE) {
			*timed_out = true;
			return OUTCOME_OK;
		}
	}
}

static int udp_in_prepare(struct runner *r, const struct event *e,
			  struct line_state *st)
{
	st->len = 0;
	if (udp_inbound(&e->u.udp, &r->cfg->plan, &r->udp, &st->dgram,
			r->err) < 0 ||
	    udp_build(r->builder, &st->dgram, r->tx, sizeof(r->tx), &st->len,
		      r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "cannot build this datagram: %s", r->err->text);
	return OUTCOME_OK;
}

static int udp_in_play(struct runner *r, const struct event *e,
		       struct line_state *st, int64_t t, int64_t t_end,
		       int64_t block_end)
{
	int64_t sent_ns;
	int outcome;

	(void)t_end, (void)block_end;
	outcome = inject_at(r, e, "inbound packet", t, st->len, 0, &sent_ns);
	if (outcome != OUTCOME_OK)
		return outcome;
	udp_format(&st->dgram, DIR_INBOUND, st->text, UDP_TEXT_MAX);
	trace(r, "line %d: %s", e->loc.line, st->text);
	note_injected(r, e, t, sent_ns);
	return OUTCOME_OK;
}

static int udp_out_prepare(struct runner *r, const struct event *e,
			   struct line_state *st)
{
	udp_expect(&e->u.udp, &r->udp, &st->want);
	udp_expected_format(&st->want, st->text, UDP_TEXT_MAX);
	return OUTCOME_OK;
}

static int udp_out_play(struct runner *r, const struct event *e,
			struct line_state *st, int64_t t, int64_t t_end,
			int64_t block_end)
{
	struct udp_datagram d;
	char got[UDP_TEXT_MAX];
	struct error diffs;
	int64_t deadline_ns = outbound_deadline_ns(r, e, t, t_end), at_ns = 0;
	bool timed_out;
	int outcome;

	(void)block_end;
	outcome = next_udp(r, e, deadline_ns, &d, &at_ns, &timed_out);
	if (outcome != OUTCOME_OK)
		return outcome;
	/* Without the history of recent packets: it is TCP's. */
	if (timed_out)
		return report_missing(r, e, deadline_ns, st->text, false);
	if (!r->path->checksums_offloaded && !d.checksum_ok)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound datagram has a bad UDP checksum");
	udp_format(&d, DIR_OUTBOUND, got, sizeof(got));
	diffs.text[0] = '\0';
	if (udp_match(&st->want, &d, &diffs) > 0)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound datagram does not match the script\n"
			    "  expected: %s\n  actual:   %s%s", st->text,
			    got, diffs.text);
	udp_flow_learn(&r->udp, &d);
	trace(r, "line %d: %s", e->loc.line, got);
	r->tl.done_ns = at_ns;
	trace_timing(r, e, "outbound packet", t, t_end, at_ns,
		     r->popped_kernel_time ? "kernel" : "read",
		     r->popped_kernel_time ? r->popped_read_ns : 0);
	return check_time(r, e, "outbound packet",
			  (at_ns - r->tl.start_ns) / 1000, t, t_end);
}

/* A datagram the stack sent that no line is due to take (udp.h). */
static int udp_out_stray(struct runner *r, const struct event *e)
{
	struct udp_datagram d;
	struct error report;
	int64_t at_ns = 0;

	if (queued_udp(r, false, &d, &at_ns) != 1 ||
	    !udp_stray_before(r->script, e, &r->udp, &d,
			      (at_ns - r->tl.start_ns) / 1000, r->cfg->strict,
			      &report))
		return OUTCOME_OK;
	return fail(r, &e->loc, OUTCOME_MISMATCH, "%s", report.text);
}

/* The end of a --strict run: a datagram no line took. */
static bool udp_out_settle(struct runner *r, struct error *report)
{
	struct udp_datagram d;
	int64_t at_ns = 0;

	if (queued_udp(r, false, &d, &at_ns) != 1)
		return false;
	udp_stray_after_end(&d, (at_ns - r->tl.start_ns) / 1000, report);
	return true;
}

/* What an ICMP error about a datagram quotes: a datagram the socket
 * under test sent the peer, with the flow's ports (udp.h) and the
 * line's payload length.
 */
void quote_udp(const struct runner *r, const struct icmp_packet_spec *spec,
	       struct tcp_segment *quoted)
{
	quoted->protocol = IPPROTO_UDP;
	quoted->src = r->cfg->plan.local_ip;
	quoted->dst = r->cfg->plan.remote_ip;
	quoted->src_port = r->udp.local_port;
	quoted->dst_port = r->udp.remote_port;
	quoted->payload_len = spec->echoed_len;
}

const struct line_ops udp_in_ops = {
	.what = "inbound packet",
	.prepare = udp_in_prepare,
	.play = udp_in_play,
};

const struct line_ops udp_out_ops = {
	.what = "outbound packet",
	.prepare = udp_out_prepare,
	.play = udp_out_play,
	.stray = udp_out_stray,
	.settle = udp_out_settle,
};
