/*
 * packet_parse.c - raw IP datagrams (as read from TUN, IFF_NO_PI) to
 * struct tcp_segment (see packet.h).
 *
 * The datagrams come from the stack under test, so nothing in them is
 * trusted: every length field is checked against the bytes actually read
 * before it is used, and a message says which field disagrees and by how
 * much, because that message may be the test's verdict.
 */
#include "config.h"
#include "pkt/wire.h"

#include <string.h>
#include <sys/socket.h>

#include "pkt/packet.h"

enum {
	PROTO_HOPOPTS = 0,
	PROTO_TCP = 6,
	PROTO_ROUTING = 43,
	PROTO_FRAGMENT = 44,
	PROTO_DSTOPTS = 60,
};

/* Where the upper-layer bytes of a datagram are, once the IP layer is
 * checked.
 */
struct l4_view {
	const uint8_t *data;
	size_t len;
	uint8_t protocol;
};

static int parse_ipv4(const uint8_t *buf, size_t len, struct tcp_segment *seg,
		      struct l4_view *l4, struct error *err)
{
	size_t hlen, total;
	uint16_t frag;

	if (len < IPV4_HEADER_MIN)
		return error_set(err, "truncated IPv4 header: %zu of %d bytes",
				 len, IPV4_HEADER_MIN);
	hlen = (size_t)(buf[0] & 0x0f) * 4;
	if (hlen < IPV4_HEADER_MIN)
		return error_set(err, "IPv4 header length (IHL) %u is below 5",
				 buf[0] & 0x0f);
	if (hlen > len)
		return error_set(err,
				 "truncated IPv4 header: %zu of %zu bytes (IHL %zu)",
				 len, hlen, hlen / 4);
	total = wire_get16(buf + 2);
	if (total < hlen)
		return error_set(err,
				 "IPv4 total length %zu is below the header length %zu",
				 total, hlen);
	if (total > len)
		return error_set(err,
				 "IPv4 total length %zu exceeds the %zu bytes read",
				 total, len);

	seg->ip_version = 4;
	seg->tos = buf[1];
	seg->ip_id = wire_get16(buf + 4);
	frag = wire_get16(buf + 6);
	seg->dont_fragment = frag & 0x4000;
	seg->ttl = buf[8];
	seg->protocol = buf[9];
	seg->ip_checksum_ok = checksum_fold(checksum_add(0, buf, hlen)) == 0;
	seg->src.family = AF_INET;
	memcpy(&seg->src.u.v4, buf + 12, 4);
	seg->dst.family = AF_INET;
	memcpy(&seg->dst.u.v4, buf + 16, 4);

	/* A fragment of TCP cannot be parsed without reassembly, and the
	 * stack should never send one: say so rather than misparse.
	 */
	if ((frag & 0x3fff) && seg->protocol == PROTO_TCP)
		return error_set(err,
				 "IPv4 fragment of a TCP segment (offset %u bytes%s) cannot be parsed",
				 (frag & 0x1fff) * 8u,
				 frag & 0x2000 ? ", more fragments" : "");
	l4->data = buf + hlen;
	l4->len = total - hlen;
	l4->protocol = seg->protocol;
	return 0;
}

/* Skip one IPv6 extension header at *off; update *next and *off. */
static int skip_ipv6_extension(const uint8_t *buf, size_t end, size_t *off,
			       uint8_t *next, struct error *err)
{
	size_t have = end - *off, need;
	uint16_t frag;

	if (have < 8)
		return error_set(err,
				 "truncated IPv6 extension header %u at offset %zu: %zu of 8 bytes",
				 *next, *off, have);
	if (*next == PROTO_FRAGMENT) {
		need = 8;
		frag = wire_get16(buf + *off + 2);
		/* Only an atomic fragment (RFC 6946) holds a whole segment. */
		if ((frag & 0xfff9) && buf[*off] == PROTO_TCP)
			return error_set(err,
					 "IPv6 fragment of a TCP segment (offset %u bytes%s) cannot be parsed",
					 (frag >> 3) * 8u,
					 frag & 1 ? ", more fragments" : "");
	} else {
		need = ((size_t)buf[*off + 1] + 1) * 8;
		if (have < need)
			return error_set(err,
					 "truncated IPv6 extension header %u at offset %zu: %zu of %zu bytes",
					 *next, *off, have, need);
	}
	*next = buf[*off];
	*off += need;
	return 0;
}

static bool is_skippable(uint8_t next)
{
	return next == PROTO_HOPOPTS || next == PROTO_ROUTING ||
	       next == PROTO_DSTOPTS || next == PROTO_FRAGMENT;
}

static int parse_ipv6(const uint8_t *buf, size_t len, struct tcp_segment *seg,
		      struct l4_view *l4, struct error *err)
{
	size_t plen, end, off = IPV6_HEADER_LEN;
	uint32_t word;
	uint8_t next;

	if (len < IPV6_HEADER_LEN)
		return error_set(err, "truncated IPv6 header: %zu of %d bytes",
				 len, IPV6_HEADER_LEN);
	plen = wire_get16(buf + 4);
	if (IPV6_HEADER_LEN + plen > len)
		return error_set(err,
				 "IPv6 payload length %zu exceeds the %zu bytes read after the header",
				 plen, len - IPV6_HEADER_LEN);

	word = wire_get32(buf);
	seg->ip_version = 6;
	seg->tos = (uint8_t)(word >> 20);
	seg->flow_label = word & 0xfffff;
	seg->ttl = buf[7];
	seg->ip_checksum_ok = true;	/* IPv6 has no header checksum */
	seg->src.family = AF_INET6;
	memcpy(&seg->src.u.v6, buf + 8, 16);
	seg->dst.family = AF_INET6;
	memcpy(&seg->dst.u.v6, buf + 24, 16);

	end = IPV6_HEADER_LEN + plen;
	next = buf[6];
	/* Each header advances off by at least 8 bytes, so this ends. */
	while (is_skippable(next))
		if (skip_ipv6_extension(buf, end, &off, &next, err))
			return -1;
	seg->protocol = next;
	l4->data = buf + off;
	l4->len = end - off;
	l4->protocol = next;
	return 0;
}

static int parse_tcp(const struct l4_view *l4, struct tcp_segment *seg,
		     struct error *err)
{
	const uint8_t *tcp = l4->data;
	size_t hlen;

	if (l4->len < TCP_HEADER_MIN)
		return error_set(err, "truncated TCP header: %zu of %d bytes",
				 l4->len, TCP_HEADER_MIN);
	hlen = (size_t)(tcp[12] >> 4) * 4;
	if (hlen < TCP_HEADER_MIN)
		return error_set(err, "TCP data offset %u is below 5",
				 tcp[12] >> 4);
	if (hlen > l4->len)
		return error_set(err,
				 "TCP data offset %zu (%zu bytes) exceeds the %zu-byte segment",
				 hlen / 4, hlen, l4->len);

	seg->src_port = wire_get16(tcp);
	seg->dst_port = wire_get16(tcp + 2);
	seg->seq = wire_get32(tcp + 4);
	seg->ack = wire_get32(tcp + 8);
	seg->flags = (uint16_t)((tcp[12] & 0x01) << 8 | tcp[13]);
	seg->window = wire_get16(tcp + 14);
	seg->urg_ptr = wire_get16(tcp + 18);
	seg->options_len = (uint8_t)(hlen - TCP_HEADER_MIN);
	memcpy(seg->options, tcp + TCP_HEADER_MIN, seg->options_len);
	seg->payload = tcp + hlen;
	seg->payload_len = (uint32_t)(l4->len - hlen);
	seg->tcp_checksum_ok =
		tcp_checksum(&seg->src, &seg->dst, tcp, l4->len) == 0;
	return 0;
}

int packet_parse(const uint8_t *buf, size_t len, struct tcp_segment *seg,
		 struct error *err)
{
	struct l4_view l4 = { NULL, 0, 0 };
	int version, rc;

	memset(seg, 0, sizeof(*seg));
	if (len == 0)
		return error_set(err, "empty datagram: 0 bytes");
	version = buf[0] >> 4;
	if (version == 4)
		rc = parse_ipv4(buf, len, seg, &l4, err);
	else if (version == 6)
		rc = parse_ipv6(buf, len, seg, &l4, err);
	else
		return error_set(err, "IP version %d is neither 4 nor 6",
				 version);
	if (rc)
		return -1;
	if (l4.protocol != PROTO_TCP) {
		seg->payload = l4.data;
		seg->payload_len = (uint32_t)l4.len;
		return PACKET_OTHER;
	}
	if (parse_tcp(&l4, seg, err))
		return -1;
	return PACKET_TCP;
}
