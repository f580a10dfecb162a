/*
 * icmp_line.c - inbound ICMP lines
 * (`< icmp unreachable frag_needed mtu 800 [0:1000(1000)]`): an ICMP
 * error from the peer about a segment of the current connection (or,
 * with `[udp (N)]`, about a datagram: see quote_udp()).  The quoted
 * sequence number is in the stack's script space (0 when not written: the
 * ISN, which is what a SYN_SENT socket accepts), mapped to the wire.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "match/conn.h"
#include "pkt/encap.h"
#include "pkt/icmp.h"
#include "pkt/packet.h"
#include "run/line.h"
#include "run/run_internal.h"

/* The datagram the message quotes: the connection's segment, or the
 * UDP flow's datagram.
 */
static void icmp_quote(const struct runner *r,
		       const struct icmp_packet_spec *spec,
		       const struct conn *conn, struct icmp_error *msg)
{
	msg->quoted.ip_version = msg->ip_version;
	msg->quoted.ttl = 64;
	if (!conn) {
		quote_udp(r, spec, &msg->quoted);
		return;
	}
	msg->quoted.src = conn->local_ip;
	msg->quoted.dst = conn->remote_ip;
	msg->quoted.src_port = conn->local_port;
	msg->quoted.dst_port = conn->remote_port;
	msg->quoted.seq = (spec->echoed == ICMP_ECHOED_TCP ?
			   spec->echoed_seq_start : 0) +
		conn_local_offset(conn, false);
	msg->quoted.payload_len = spec->echoed == ICMP_ECHOED_TCP ?
		spec->echoed_len : 0;
}

static int icmp_prepare(struct runner *r, const struct event *e,
			struct line_state *st)
{
	const struct icmp_packet_spec *spec = &e->u.icmp;
	struct conn *conn = conn_current(&r->conns);
	struct icmp_error *msg = &st->msg;
	/* About a datagram: no connection, the UDP flow's ports (udp.h). */
	bool udp = spec->echoed == ICMP_ECHOED_UDP;

	if (!conn && !udp)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "an ICMP line needs a connection to refer to: "
			    "no packet has been sent or expected before it");
	memset(msg, 0, sizeof(*msg));
	msg->ip_version = (udp ? r->cfg->plan.local_ip.family
			       : conn->local_ip.family) == AF_INET6 ? 6 : 4;
	/* Checked before time 0 (engine/run/check.c): a bug if it fails. */
	if (icmp_check_line(msg->ip_version, spec->type, spec->code,
			    spec->has_mtu, spec->mtu, &msg->type, &msg->code,
			    r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	msg->info = spec->has_mtu ? spec->mtu : 0;
	msg->src = udp ? r->cfg->plan.remote_ip : conn->remote_ip;
	msg->dst = udp ? r->cfg->plan.local_ip : conn->local_ip;
	if (spec->src.has_addr)
		ip_addr_parse(spec->src.addr, &msg->src);
	if (spec->dst.has_addr)
		ip_addr_parse(spec->dst.addr, &msg->dst);
	if (inbound_ip_fields(&spec->ip, msg->ip_version, &msg->tos, &msg->ttl,
			      NULL, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT, "%s", r->err->text);
	icmp_quote(r, spec, udp ? NULL : conn, msg);
	st->len = 0;
	if (packet_builder_build_icmp(r->builder, msg, r->tx, sizeof(r->tx),
				      &st->len, r->err) < 0 ||
	    encap_wrap(&spec->encaps, r->tx, sizeof(r->tx), &st->len,
		       r->err) < 0)
		return fail(r, &e->loc, OUTCOME_BAD_SCRIPT,
			    "cannot build this ICMP message: %s", r->err->text);
	return OUTCOME_OK;
}

static int icmp_play(struct runner *r, const struct event *e,
		     struct line_state *st, int64_t t, int64_t t_end,
		     int64_t block_end)
{
	const struct icmp_packet_spec *spec = &e->u.icmp;
	bool udp = spec->echoed == ICMP_ECHOED_UDP;
	int64_t sent_ns;
	int outcome;

	(void)t_end, (void)block_end;
	outcome = inject_at(r, e, "inbound ICMP message", t, st->len, 0,
			    &sent_ns);
	if (outcome != OUTCOME_OK)
		return outcome;
	trace(r, "< icmp %s%s%s (type %u code %u, quoting %s %u) (line %d)",
	      spec->type, spec->code ? " " : "", spec->code ? spec->code : "",
	      st->msg.type, st->msg.code, udp ? "udp port" : "seq",
	      udp ? st->msg.quoted.src_port : st->msg.quoted.seq, e->loc.line);
	return OUTCOME_OK;
}

const struct line_ops icmp_ops = {
	.what = "inbound ICMP message",
	.prepare = icmp_prepare,
	.play = icmp_play,
};
