/*
 * tcp_out.c - outbound TCP packet lines (`+0 > S. 0:0(0) ack 1 <...>`):
 * wait for the stack's next segment, cut a TSO/GSO super-packet or
 * gather the pieces of one the line takes whole, map it to script
 * numbers and compare every field; and the TCP part of the stray and
 * --strict checks.
 */
#include "config.h"

#include <string.h>

#include "match/conn.h"
#include "match/matcher.h"
#include "match/segment_merge.h"
#include "match/stray.h"
#include "match/tcp_view.h"
#include "pkt/encap.h"
#include "pkt/packet.h"
#include "run/line.h"
#include "run/run_internal.h"

/* The oldest queued TCP segment (other traffic, such as IPv6 neighbour
 * discovery, and segments of retired connections are passed over);
 * false when there is none.
 */
static bool first_queued_segment(struct runner *r, struct tcp_segment *seg,
				 int64_t *at_us)
{
	for (int i = 0; i < r->q.count; i++) {
		const struct captured *c = outq_at(&r->q, i);

		if (c->kind == OUTQ_TCP &&
		    !conn_segment_retired(&r->conns, &c->seg)) {
			*seg = c->seg;
			*at_us = (c->at_ns - r->tl.start_ns) / 1000;
			return true;
		}
	}
	return false;
}

/* An outbound line with encapsulation layers: the captured datagram's
 * outer headers must be the script's; r->tcp.rx_inner is then what they
 * carry (else r->rx itself) and *len its length.  1: a layer differs
 * (r->err says how); 2: not encapsulated traffic at all (neighbour
 * discovery...), to skip; 0: go on with r->tcp.rx_inner.
 */
static int outbound_layers(struct runner *r, const struct event *e,
			   size_t *len, struct tcp_segment *seg)
{
	const struct encap_list *layers = &e->u.packet.encaps;
	const uint8_t *inner;
	size_t inner_len;
	struct error ignored;

	r->tcp.rx_inner = r->rx;
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
	r->tcp.rx_inner = inner;
	*len = inner_len;
	return 0;
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
	if (r->tcp.have_rest) {
		*seg = r->tcp.rest;
		*at_ns = r->tcp.rest_at_ns;
		*gso = r->tcp.rest_gso;
		r->tcp.have_rest = false;
		return OUTCOME_OK;
	}
	for (;;) {
		enum wait_result w = runner_wait(r, deadline_ns, OUTQ_FOR_TCP,
						 &outcome);
		struct captured c;
		size_t len;
		int rc;

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
		queue_pop(r, outq_first_for_tcp(&r->q), &c);
		len = c.len;
		*at_ns = c.at_ns;
		*gso = c.gso;
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
		/* Parsed once when it came, unless inside layers. */
		if (c.kind == OUTQ_TCP && r->tcp.rx_inner == r->rx) {
			*seg = c.seg;
			rc = PACKET_TCP;
		} else {
			rc = packet_parse(r->tcp.rx_inner, len, seg, r->err);
		}
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
	segment_split(seg, share, &r->tcp.rest);
	r->tcp.rest_at_ns = at_ns;
	r->tcp.rest_gso = gso;
	r->tcp.have_rest = true;
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
	r->tcp.rest = *seg;
	r->tcp.rest_at_ns = at_ns;
	r->tcp.rest_gso = gso;
	r->tcp.have_rest = true;
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

static int tcp_out_prepare(struct runner *r, const struct event *e,
			   struct line_state *st)
{
	if (tcp_view_from_spec(&e->u.packet, &st->view, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	tcp_view_format(&st->view, st->text, sizeof(st->text));
	return OUTCOME_OK;
}

/* Nothing came by deadline_ns: say what was expected, in its layers. */
static int tcp_out_missing(struct runner *r, const struct event *e,
			   const struct line_state *st, int64_t deadline_ns)
{
	const struct encap_list *layers = &e->u.packet.encaps;
	char inside[512], both[1544];

	if (!layers->count)
		return report_missing(r, e, deadline_ns, st->text, true);
	format_layers(layers, inside, sizeof(inside));
	snprintf(both, sizeof(both), "%s inside%s", st->text, inside);
	return report_missing(r, e, deadline_ns, both, true);
}

/* The segment seg, taken at at_ns with segment size gso, against the
 * line.
 */
static int tcp_out_match(struct runner *r, const struct event *e,
			 struct line_state *st, struct tcp_segment *seg,
			 int64_t at_ns, uint32_t gso)
{
	struct tcp_view *expected = &st->view;
	struct tcp_view actual;
	char got[1024];
	struct error diffs;
	struct conn *conn;
	uint32_t share;

	conn = conn_for_outbound(&r->conns, &r->cfg->plan, seg);
	if (tcp_view_from_segment(seg, DIR_OUTBOUND, &actual, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet has malformed TCP options: %s",
			    r->err->text);
	if (conn) {
		conn_learn_outbound(conn, &actual, expected);
		conn_outbound_to_script(conn, &actual);
	}
	share = super_packet_share(r, expected, &actual, gso);
	if (share)
		split_super_packet(r, seg, &actual, share, gso, at_ns);

	actual.show_ports = expected->show_ports;
	tcp_view_format(&actual, got, sizeof(got));
	diffs.text[0] = '\0';
	if (match_tcp(expected, &actual, &diffs) > 0)
		return fail(r, &e->loc, OUTCOME_MISMATCH,
			    "outbound packet does not match the script\n"
			    "  expected: %s\n  actual:   %s%s", st->text, got,
			    diffs.text);
	trace_packet(r, e, got, seg);
	return OUTCOME_OK;
}

static int tcp_out_play(struct runner *r, const struct event *e,
			struct line_state *st, int64_t t, int64_t t_end,
			int64_t block_end)
{
	struct tcp_segment seg;
	int64_t deadline_ns = outbound_deadline_ns(r, e, t, t_end), at_ns = 0;
	uint32_t gso = 0;
	bool timed_out;
	int outcome;

	(void)block_end;
	outcome = next_segment(r, e, deadline_ns, &seg, &at_ns, &gso, &timed_out);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (timed_out)
		return tcp_out_missing(r, e, st, deadline_ns);
	outcome = check_checksums(r, e, &seg);
	if (outcome != OUTCOME_OK)
		return outcome;
	outcome = check_ports(r, e, &e->u.packet, &seg);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (!r->cfg->strict_segments && seg.payload_len &&
	    seg.payload_len < st->view.len) {
		outcome = gather_pieces(r, e, deadline_ns, st->view.len, &seg,
					&at_ns, &gso);
		if (outcome != OUTCOME_OK)
			return outcome;
	}
	outcome = tcp_out_match(r, e, st, &seg, at_ns, gso);
	if (outcome != OUTCOME_OK)
		return outcome;
	r->tl.done_ns = at_ns;
	if (r->popped_kernel_time)
		trace_timing(r, e, "outbound packet", t, t_end, at_ns, "kernel",
			     r->popped_read_ns);
	else
		trace_timing(r, e, "outbound packet", t, t_end, at_ns, "read",
			     0);
	return check_time(r, e, "outbound packet",
			  (at_ns - r->tl.start_ns) / 1000, t, t_end);
}

/* Line e is about to inject or run something: has the stack sent a
 * segment the script does not expect here (stray.h)?  The unmatched rest
 * of a super-packet is left to the next outbound line.  What came while
 * the runner waited is queued already: runner_wait() drains the device
 * as packets come.
 */
static int tcp_out_stray(struct runner *r, const struct event *e)
{
	struct tcp_segment seg;
	struct error report;
	int64_t at_us;

	if (r->tcp.have_rest)
		return OUTCOME_OK;
	if (!first_queued_segment(r, &seg, &at_us) ||
	    !stray_before(r->script, e, &r->conns, &seg, at_us, r->cfg->strict,
			  &report))
		return OUTCOME_OK;
	return fail(r, &e->loc, OUTCOME_MISMATCH, "%s", report.text);
}

/* The end of a --strict run: a segment the stack sent and no line took. */
static bool tcp_out_settle(struct runner *r, struct error *report)
{
	struct tcp_segment seg;
	int64_t at_us;

	if (r->tcp.have_rest) {
		seg = r->tcp.rest;
		at_us = (r->tcp.rest_at_ns - r->tl.start_ns) / 1000;
	} else if (!first_queued_segment(r, &seg, &at_us)) {
		return false;
	}
	stray_after_end(&r->conns, &seg, at_us, report);
	return true;
}

const struct line_ops tcp_out_ops = {
	.what = "outbound packet",
	.prepare = tcp_out_prepare,
	.play = tcp_out_play,
	.stray = tcp_out_stray,
	.settle = tcp_out_settle,
};
