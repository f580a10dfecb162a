/*
 * udp.c - UDP datagrams: parse, build, expect, match, stray (see udp.h).
 *
 * The IP layer is packet_parse()'s and packet_builder_build_udp()'s;
 * this file only knows the 8-byte UDP header and the line's meaning.
 */
#include "config.h"
#include "pkt/wire.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "match/matcher.h"
#include "match/stray.h"
#include "match/udp.h"

void udp_flow_init(struct udp_flow *flow, const struct net_plan *plan)
{
	flow->local_port = plan->bind_port;
	flow->local_learned = false;
	flow->remote_port = plan->connect_port;
}

void udp_flow_forget(struct udp_flow *flow, const struct net_plan *plan)
{
	udp_flow_init(flow, plan);
}

void udp_flow_bound(struct udp_flow *flow, const struct net_plan *plan)
{
	flow->local_port = plan->bind_port;
	flow->local_learned = true;
}

void udp_flow_learn(struct udp_flow *flow, const struct udp_datagram *d)
{
	if (flow->local_learned)
		return;
	flow->local_port = d->src_port;
	flow->local_learned = true;
}

int udp_parse(const uint8_t *buf, size_t len, struct udp_datagram *d,
	      struct error *err)
{
	struct tcp_segment ip;
	const uint8_t *udp;
	size_t udp_len;
	int rc = packet_parse(buf, len, &ip, err);

	memset(d, 0, sizeof(*d));
	if (rc < 0)
		return -1;
	if (rc != PACKET_OTHER || ip.protocol != IPPROTO_UDP)
		return 0;
	udp = ip.payload;
	udp_len = ip.payload_len;
	if (udp_len < UDP_HEADER_LEN)
		return error_set(err, "UDP header cut short: %zu bytes",
				 udp_len);
	d->ip_version = ip.ip_version;
	d->src = ip.src;
	d->dst = ip.dst;
	d->tos = ip.tos;
	d->ttl = ip.ttl;
	d->flow_label = ip.flow_label;
	d->src_port = wire_get16(udp);
	d->dst_port = wire_get16(udp + 2);
	d->length = wire_get16(udp + 4);
	if (d->length != udp_len)
		return error_set(err, "UDP length field %u disagrees with the "
				 "%zu bytes the IP header gives it",
				 d->length, udp_len);
	d->payload_len = (uint32_t)(udp_len - UDP_HEADER_LEN);
	/* Zero means "not computed", which only IPv4 allows (RFC 768,
	 * RFC 8200 8.1).
	 */
	if (wire_get16(udp + 6) == 0)
		d->checksum_ok = d->ip_version == 4;
	else
		d->checksum_ok = upper_checksum(&d->src, &d->dst, IPPROTO_UDP,
						udp, udp_len) == 0;
	return 1;
}

int udp_inbound(const struct udp_packet_spec *spec,
		const struct net_plan *plan, const struct udp_flow *flow,
		struct udp_datagram *d, struct error *err)
{
	memset(d, 0, sizeof(*d));
	d->ip_version = plan->local_ip.family == AF_INET6 ? 6 : 4;
	d->src = plan->remote_ip;
	d->dst = plan->local_ip;
	if (spec->src.has_addr && ip_addr_parse(spec->src.addr, &d->src) < 0)
		return error_set(err, "bad source address %s", spec->src.addr);
	if (spec->dst.has_addr && ip_addr_parse(spec->dst.addr, &d->dst) < 0)
		return error_set(err, "bad destination address %s",
				 spec->dst.addr);
	d->src_port = spec->src.has_port ? spec->src.port : flow->remote_port;
	d->dst_port = spec->dst.has_port ? spec->dst.port : flow->local_port;
	d->tos = spec->ip.has_tos ? spec->ip.tos : 0;
	d->ttl = spec->ip.has_ttl ? spec->ip.ttl : 64;
	if (spec->ip.has_flow_label && d->ip_version != 6)
		return error_set(err, "a flow label needs an IPv6 packet");
	d->flow_label = spec->ip.has_flow_label ? spec->ip.flow_label : 0;
	d->payload_len = spec->payload_len;
	return 0;
}

int udp_build(struct packet_builder *builder, const struct udp_datagram *d,
	      uint8_t *buf, size_t cap, size_t *len, struct error *err)
{
	struct tcp_segment ip;

	memset(&ip, 0, sizeof(ip));
	ip.ip_version = d->ip_version;
	ip.src = d->src;
	ip.dst = d->dst;
	ip.tos = d->tos;
	ip.ttl = d->ttl;
	ip.flow_label = d->flow_label;
	ip.src_port = d->src_port;
	ip.dst_port = d->dst_port;
	ip.payload_len = d->payload_len;
	return packet_builder_build_udp(builder, &ip, buf, cap, len, err);
}

void udp_expect(const struct udp_packet_spec *spec,
		const struct udp_flow *flow, struct udp_expected *want)
{
	memset(want, 0, sizeof(*want));
	if (spec->src.has_port)
		want->src_port = spec->src.port;
	else if (flow->local_learned)
		want->src_port = flow->local_port;
	want->dst_port = spec->dst.has_port ? spec->dst.port
					    : flow->remote_port;
	want->payload_len = spec->payload_len;
	want->ip = spec->ip;
}

static int diff_port(struct error *err, const char *field, uint16_t want,
		     uint16_t got)
{
	if (!want || want == got)
		return 0;
	error_append(err, "\n  %s: expected %u, got %u", field, want, got);
	return 1;
}

int udp_match(const struct udp_expected *want, const struct udp_datagram *got,
	      struct error *err)
{
	struct ip_info actual = {
		.has_tos = true,
		.tos = got->tos,
		.has_ttl = true,
		.ttl = got->ttl,
		.has_flow_label = got->ip_version == 6,
		.flow_label = got->flow_label,
	};
	int diffs = 0;

	diffs += diff_port(err, "source port", want->src_port, got->src_port);
	diffs += diff_port(err, "destination port", want->dst_port,
			   got->dst_port);
	if (want->payload_len != got->payload_len) {
		error_append(err, "\n  payload length: expected %" PRIu32
			     ", got %" PRIu32, want->payload_len,
			     got->payload_len);
		diffs++;
	}
	return diffs + match_ip_fields(&want->ip, &actual, err);
}

void udp_format(const struct udp_datagram *d, enum direction dir, char *buf,
		size_t size)
{
	int n = snprintf(buf, size, "%c [tos 0x%02x, ttl %u",
			 dir == DIR_INBOUND ? '<' : '>', d->tos, d->ttl);

	if (d->ip_version == 6 && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ", flowlabel 0x%05x",
			      d->flow_label);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "] udp %u>%u (%" PRIu32 ")",
			 d->src_port, d->dst_port, d->payload_len);
}

void udp_expected_format(const struct udp_expected *want, char *buf,
			 size_t size)
{
	char src[8] = "*";
	int n = snprintf(buf, size, ">");
	const char *sep = " [";

	if (want->ip.has_tos && n > 0 && (size_t)n < size) {
		n += snprintf(buf + n, size - (size_t)n, "%stos 0x%02x", sep,
			      want->ip.tos);
		sep = ", ";
	}
	if (want->ip.has_ttl && n > 0 && (size_t)n < size) {
		n += snprintf(buf + n, size - (size_t)n, "%sttl %u", sep,
			      want->ip.ttl);
		sep = ", ";
	}
	if (want->ip.has_flow_label && n > 0 && (size_t)n < size) {
		n += snprintf(buf + n, size - (size_t)n, "%sflowlabel 0x%05x",
			      sep, want->ip.flow_label);
		sep = ", ";
	}
	if (sep[0] == ',' && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "]");
	if (want->src_port)
		snprintf(src, sizeof(src), "%u", want->src_port);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " udp %s>%u (%" PRIu32 ")",
			 src, want->dst_port, want->payload_len);
}

/* The next line after e that expects a datagram from the stack, or
 * NULL; *new_socket when a socket() comes first (e included): the new
 * socket's port is unknown, so the datagram cannot be judged.  TCP
 * lines do not count: they leave datagrams queued (run.c), as UDP lines
 * leave segments, so each protocol's lines are judged apart.
 */
static const struct event *next_outbound(const struct script *script,
					 const struct event *e,
					 bool *new_socket)
{
	const struct event *end = script->events + script->event_count;

	*new_socket = false;
	for (const struct event *n = e; n < end; n++) {
		if (n->kind == EVENT_SYSCALL &&
		    !strcmp(n->u.syscall.name, "socket"))
			*new_socket = true;
		if (n == e)
			continue;
		if (n->kind == EVENT_UDP && n->u.udp.direction == DIR_OUTBOUND)
			return n;
	}
	return NULL;
}

int udp_stray_before(const struct script *script, const struct event *e,
		     const struct udp_flow *flow, const struct udp_datagram *d,
		     int64_t at_us, bool strict, struct error *err)
{
	bool new_socket;
	const struct event *next = next_outbound(script, e, &new_socket);
	struct udp_expected want;
	struct error diffs;
	char got[160], wanted[160];

	if (new_socket)
		return 0;
	if (!next) {
		/* No line left to take it: packetdrill would not notice. */
		if (!strict)
			return 0;
		udp_format(d, DIR_OUTBOUND, got, sizeof(got));
		error_set(err, "unexpected outbound UDP datagram at %.3f s, "
			  "before this line ran; no outbound UDP line follows "
			  "(--strict)\n  packet:   %s", (double)at_us / 1e6,
			  got);
		return 1;
	}
	diffs.text[0] = '\0';
	udp_expect(&next->u.udp, flow, &want);
	if (udp_match(&want, d, &diffs) == 0)
		return 0;
	udp_format(d, DIR_OUTBOUND, got, sizeof(got));
	udp_expected_format(&want, wanted, sizeof(wanted));
	error_set(err, "unexpected outbound UDP datagram at %.3f s, before "
		  "this line ran\n  packet:   %s\n  the next outbound UDP "
		  "line, %d, expects %s%s", (double)at_us / 1e6, got,
		  next->loc.line, wanted, diffs.text);
	return 1;
}

void udp_stray_after_end(const struct udp_datagram *d, int64_t at_us,
			 struct error *err)
{
	char got[160], settle[32];

	udp_format(d, DIR_OUTBOUND, got, sizeof(got));
	usecs_format(STRICT_SETTLE_USECS, settle, sizeof(settle));
	error_set(err, "unexpected outbound UDP datagram at %.3f s, after the "
		  "last line (--strict watches %s s for any)\n  packet:   %s",
		  (double)at_us / 1e6, settle, got);
}
