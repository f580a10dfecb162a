/*
 * tcp_in.c - inbound TCP packet lines (`+0 < S. 0:0(0) ack 1 win 5000`):
 * the segment is built in the connection's live numbers before the
 * deadline and injected at it.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "match/conn.h"
#include "match/history.h"
#include "match/tcp_view.h"
#include "pkt/encap.h"
#include "pkt/packet.h"
#include "run/line.h"
#include "run/run_internal.h"

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

/* The IP header fields an injected packet gets: what the line wrote of
 * them (ip_info), else TTL 64, TOS 0 with the written ECN codepoint, and
 * no flow label.  A flow label on an IPv4 packet is a script error.
 */
int inbound_ip_fields(const struct ip_info *ip, int ip_version,
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

static void fill_segment_addresses(const struct conn *conn,
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
}

static int tcp_in_prepare(struct runner *r, const struct event *e,
			  struct line_state *st)
{
	const struct tcp_packet_spec *spec = &e->u.packet;
	struct tcp_segment *seg = &st->seg;
	struct tcp_view view;
	struct conn *conn;
	size_t opt_len = 0;

	if (tcp_view_from_spec(spec, &view, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	tcp_view_format(&view, st->text, sizeof(st->text));
	st->view = view;
	conn = conn_for_inbound(&r->conns, &r->cfg->plan, spec);
	if (!conn)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "too many connections in one script (at most %d)",
			    CONN_MAX);
	conn_inbound_to_live(conn, &view);

	memset(seg, 0, sizeof(*seg));
	fill_segment_addresses(conn, spec, seg);
	if (inbound_ip_fields(&spec->ip, seg->ip_version, &seg->tos, &seg->ttl,
			      &seg->flow_label, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	seg->seq = view.seq;
	seg->ack = view.has_ack ? view.ack : 0;
	seg->flags = view.flags;
	/* An inbound line without `win` gets an open window, not zero. */
	seg->window = view.has_win ? (uint16_t)view.win : 65535;
	seg->urg_ptr = view.has_urg ? (uint16_t)view.urg : 0;
	seg->payload_len = view.len;
	/* --mss: every segment goes with the offload header, as
	 * packetdrill's do; the stack takes a longer one as a GRO packet.
	 */
	st->gso = (uint16_t)r->cfg->plan.gso_mss;
	if (tcp_options_encode(view.options, view.option_count, seg->options,
			       sizeof(seg->options), &opt_len, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	seg->options_len = (uint8_t)opt_len;
	st->len = 0;
	if (packet_builder_build(r->builder, seg, NULL, r->tx, sizeof(r->tx),
				 &st->len, r->err) < 0 ||
	    encap_wrap(&spec->encaps, r->tx, sizeof(r->tx), &st->len,
		       r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "cannot build this packet: %s", r->err->text);
	/* A GRO super-packet is TCP to the TUN device's offload header;
	 * an encapsulated one goes as the one datagram it is.
	 */
	if (spec->encaps.count)
		st->gso = 0;
	return OUTCOME_OK;
}

static int tcp_in_play(struct runner *r, const struct event *e,
		       struct line_state *st, int64_t t, int64_t t_end,
		       int64_t block_end)
{
	int64_t sent_ns;
	int outcome;

	(void)t_end, (void)block_end;
	outcome = inject_at(r, e, "inbound packet", t, st->len, st->gso,
			    &sent_ns);
	if (outcome != OUTCOME_OK)
		return outcome;
	history_add(&r->history, (sent_ns - r->tl.start_ns) / 1000, &st->view);
	trace_packet(r, e, st->text, &st->seg);
	note_injected(r, e, t, sent_ns);
	return OUTCOME_OK;
}

const struct line_ops tcp_in_ops = {
	.what = "inbound packet",
	.prepare = tcp_in_prepare,
	.play = tcp_in_play,
};
