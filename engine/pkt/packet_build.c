/*
 * packet_build.c - struct tcp_segment (or an ICMP error about one) to a
 * raw IP datagram, with libnet (see packet.h).  This is the only file
 * that includes libnet.h.
 *
 * libnet 1.1.6 (Debian 12) is used in LIBNET_NONE mode, which builds
 * packets without opening a device or a socket and so needs no privilege.
 * libnet_adv_cull_packet() refuses that mode ("advanced link mode not
 * enabled": it insists on LIBNET_LINK_ADV, which needs a device and root),
 * so the bytes are taken with libnet_pblock_coalesce(), the exported
 * function cull uses itself.  Checked against independent computations
 * (tests/unit/test_packet.c): libnet fills the IPv4 header checksum and the
 * TCP checksum over IPv4 and IPv6 pseudo-headers correctly in this mode,
 * and copies the option bytes unchanged (we hand it whole 32-bit words, so
 * its zero padding never applies).  Two things it gets wrong are fixed up
 * after coalescing, see fix_ipv6_first_word() and set_ae_flag().
 */
#include "config.h"
#include "pkt/wire.h"

/* libnet-config --defines passes -D_BSD_SOURCE, which glibc 2.36 answers
 * with a deprecation #warning, an error under -Werror; defining the
 * modern name first silences it and selects the same features.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <libnet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt/packet.h"

#define IPV4_DF 0x4000

struct packet_builder {
	libnet_t *ln;
};

struct packet_builder *packet_builder_new(struct error *err)
{
	char errbuf[LIBNET_ERRBUF_SIZE];
	struct packet_builder *builder;

	builder = calloc(1, sizeof(*builder));
	if (!builder) {
		error_set_errno(err, "packet builder");
		return NULL;
	}
	errbuf[0] = '\0';
	builder->ln = libnet_init(LIBNET_NONE, NULL, errbuf);
	if (!builder->ln) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		error_set(err, "libnet_init(LIBNET_NONE): %s", errbuf);
		free(builder);
		return NULL;
	}
	return builder;
}

void packet_builder_free(struct packet_builder *builder)
{
	if (!builder)
		return;
	libnet_destroy(builder->ln);
	free(builder);
}

/* Report a failed libnet call with libnet's own message (minus its '\n'). */
static int libnet_failed(struct packet_builder *builder, const char *what,
			 struct error *err)
{
	char text[LIBNET_ERRBUF_SIZE];

	snprintf(text, sizeof(text), "%s", libnet_geterror(builder->ln));
	text[strcspn(text, "\n")] = '\0';
	return error_set(err, "%s: %s", what, text);
}

/* Everything libnet would silently truncate or misbuild is refused here. */
int packet_check_segment(const struct tcp_segment *seg, size_t *total,
			 struct error *err)
{
	int family = seg->ip_version == 4 ? AF_INET : AF_INET6;
	size_t tcp_len;

	if (seg->ip_version != 4 && seg->ip_version != 6)
		return error_set(err, "IP version %d is neither 4 nor 6",
				 seg->ip_version);
	if (seg->src.family != family || seg->dst.family != family)
		return error_set(err,
				 "IPv%d segment with an address of another family",
				 seg->ip_version);
	if (seg->options_len > TCP_OPTIONS_MAX || seg->options_len % 4)
		return error_set(err,
				 "TCP options length %u is not a multiple of 4 up to %d",
				 seg->options_len, TCP_OPTIONS_MAX);
	if (seg->flags & ~TCP_FLAGS_ALL)
		return error_set(err, "TCP flags 0x%x outside the 9 defined bits",
				 seg->flags);
	if (seg->ip_version == 6 && seg->flow_label > 0xfffff)
		return error_set(err, "IPv6 flow label 0x%x exceeds 20 bits",
				 seg->flow_label);

	tcp_len = (size_t)TCP_HEADER_MIN + seg->options_len + seg->payload_len;
	if (seg->ip_version == 4) {
		*total = IPV4_HEADER_MIN + tcp_len;
		if (*total > IP_PACKET_MAX)
			return error_set(err,
					 "IPv4 datagram of %zu bytes exceeds %d",
					 *total, IP_PACKET_MAX);
	} else {
		*total = IPV6_HEADER_LEN + tcp_len;
		if (tcp_len > IPV6_PAYLOAD_MAX)
			return error_set(err,
					 "IPv6 payload of %zu bytes exceeds %d",
					 tcp_len, IPV6_PAYLOAD_MAX);
	}
	return 0;
}

/* The IP header; payload (the upper layer) is NULL when libnet already
 * holds it as a block of its own (TCP).
 */
static int build_ip(struct packet_builder *builder,
		    const struct tcp_segment *seg, size_t total,
		    uint8_t protocol, const uint8_t *payload,
		    size_t payload_len, struct error *err)
{
	struct libnet_in6_addr src6, dst6;
	libnet_ptag_t tag;

	if (seg->ip_version == 4) {
		tag = libnet_build_ipv4((uint16_t)total, seg->tos, seg->ip_id,
					seg->dont_fragment ? IPV4_DF : 0,
					seg->ttl, protocol, 0,
					seg->src.u.v4.s_addr,
					seg->dst.u.v4.s_addr, payload,
					(uint32_t)payload_len, builder->ln, 0);
		return tag == -1 ? libnet_failed(builder, "libnet_build_ipv4",
						 err) : 0;
	}
	memcpy(&src6, &seg->src.u.v6, sizeof(src6));
	memcpy(&dst6, &seg->dst.u.v6, sizeof(dst6));
	tag = libnet_build_ipv6(seg->tos, seg->flow_label,
				(uint16_t)(total - IPV6_HEADER_LEN),
				protocol, seg->ttl, src6, dst6, payload,
				(uint32_t)payload_len, builder->ln, 0);
	return tag == -1 ? libnet_failed(builder, "libnet_build_ipv6", err) : 0;
}

/* Build the protocol blocks, innermost first as libnet requires. */
static int build_blocks(struct packet_builder *builder,
			const struct tcp_segment *seg, const uint8_t *payload,
			size_t total, struct error *err)
{
	size_t tcp_len = TCP_HEADER_MIN + seg->options_len + seg->payload_len;
	libnet_ptag_t tag;

	if (seg->options_len) {
		tag = libnet_build_tcp_options(seg->options, seg->options_len,
					       builder->ln, 0);
		if (tag == -1)
			return libnet_failed(builder,
					     "libnet_build_tcp_options", err);
	}
	/* The flags argument is 8 bits wide: AE is added afterwards. */
	tag = libnet_build_tcp(seg->src_port, seg->dst_port, seg->seq,
			       seg->ack, (uint8_t)seg->flags, seg->window, 0,
			       seg->urg_ptr, (uint16_t)tcp_len, payload,
			       seg->payload_len, builder->ln, 0);
	if (tag == -1)
		return libnet_failed(builder, "libnet_build_tcp", err);
	return build_ip(builder, seg, total, IPPROTO_TCP, NULL, 0, err);
}

/* libnet 1.1.6 stores the middle byte of the flow label as
 * `fl & 0x0FF00 >> 8`, which C reads as fl & 0xFF, so every label above
 * 0xFF comes out wrong.  The first word is rewritten whole; the flow label
 * is not covered by any checksum.
 */
static void fix_ipv6_first_word(const struct tcp_segment *seg, uint8_t *ip)
{
	uint32_t word = 6u << 28 | (uint32_t)seg->tos << 20 | seg->flow_label;

	ip[0] = (uint8_t)(word >> 24);
	ip[1] = (uint8_t)(word >> 16);
	ip[2] = (uint8_t)(word >> 8);
	ip[3] = (uint8_t)word;
}

/* libnet_build_tcp() takes the flags as a uint8_t and zeroes the reserved
 * bits, so AE is set here and the TCP checksum recomputed over the final
 * bytes.
 */
static void set_ae_flag(const struct tcp_segment *seg, uint8_t *tcp,
			size_t tcp_len)
{
	uint16_t sum;

	tcp[12] |= 0x01;
	tcp[16] = tcp[17] = 0;
	sum = tcp_checksum(&seg->src, &seg->dst, tcp, tcp_len);
	tcp[16] = (uint8_t)(sum >> 8);
	tcp[17] = (uint8_t)sum;
}

/* Copy the blocks built into buf as one datagram of total bytes, then
 * clear them for the next packet (also after a failure).
 */
static int take_packet(struct packet_builder *builder, bool built,
		       uint8_t *buf, size_t total, struct error *err)
{
	uint8_t *packet = NULL;
	uint32_t size = 0;
	int rc = -1;

	if (!built)
		goto out;
	if (libnet_pblock_coalesce(builder->ln, &packet, &size) == -1) {
		libnet_failed(builder, "libnet_pblock_coalesce", err);
		goto out;
	}
	if (size != total) {
		error_set(err, "libnet built %u bytes, expected %zu", size,
			  total);
		goto out;
	}
	memcpy(buf, packet, total);
	rc = 0;
out:
	/* Unlike cull, this works in any mode: it undoes coalesce's
	 * link-layer alignment offset (none here) and frees.
	 */
	if (packet)
		libnet_adv_free_packet(builder->ln, packet);
	libnet_clear_packet(builder->ln);
	return rc;
}

int packet_builder_build(struct packet_builder *builder,
			 const struct tcp_segment *seg, const uint8_t *payload,
			 uint8_t *buf, size_t cap, size_t *len,
			 struct error *err)
{
	size_t total = 0, ip_len;
	bool built;

	if (packet_check_segment(seg, &total, err))
		return -1;
	if (total > cap)
		return error_set(err,
				 "packet of %zu bytes does not fit the %zu-byte buffer",
				 total, cap);
	/* libnet copies the payload into its own block while building, so
	 * the caller's buffer can serve as the source of zeros.
	 */
	if (!payload && seg->payload_len) {
		memset(buf, 0, seg->payload_len);
		payload = buf;
	}

	libnet_clear_packet(builder->ln);
	built = build_blocks(builder, seg, payload, total, err) == 0;
	if (take_packet(builder, built, buf, total, err) < 0)
		return -1;
	ip_len = seg->ip_version == 4 ? IPV4_HEADER_MIN : IPV6_HEADER_LEN;
	if (seg->ip_version == 6)
		fix_ipv6_first_word(seg, buf);
	if (seg->flags & TCP_AE)
		set_ae_flag(seg, buf + ip_len, total - ip_len);
	*len = total;
	return 0;
}

/* The quoted datagram: its IP header, then the first 8 bytes of TCP,
 * or the whole 8-byte UDP header when q->protocol is UDP (checksum 0:
 * the stack matches the socket by addresses and ports alone).
 */
static size_t write_quoted(const struct tcp_segment *q, uint8_t *p)
{
	bool udp = q->protocol == IPPROTO_UDP;
	uint8_t protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
	size_t ip_len = q->ip_version == 4 ? IPV4_HEADER_MIN : IPV6_HEADER_LEN;
	size_t l4_len = (udp ? 8 : TCP_HEADER_MIN) + q->payload_len;

	memset(p, 0, ip_len + 8);
	if (q->ip_version == 4) {
		p[0] = 0x45;
		wire_put16(p + 2, (uint32_t)(ip_len + l4_len));
		wire_put16(p + 6, IPV4_DF);
		p[8] = q->ttl;
		p[9] = protocol;
		memcpy(p + 12, &q->src.u.v4, 4);
		memcpy(p + 16, &q->dst.u.v4, 4);
		wire_put16(p + 10, checksum_fold(checksum_add(0, p, ip_len)));
	} else {
		p[0] = 0x60;
		wire_put16(p + 4, (uint32_t)l4_len);
		p[6] = protocol;
		p[7] = q->ttl;
		memcpy(p + 8, q->src.u.v6.s6_addr, 16);
		memcpy(p + 24, q->dst.u.v6.s6_addr, 16);
	}
	wire_put16(p + ip_len, q->src_port);
	wire_put16(p + ip_len + 2, q->dst_port);
	if (udp)
		wire_put16(p + ip_len + 4, (uint32_t)l4_len);
	else
		wire_put32(p + ip_len + 4, q->seq);
	return ip_len + 8;
}

int packet_builder_build_icmp(struct packet_builder *builder,
			      const struct icmp_error *msg, uint8_t *buf,
			      size_t cap, size_t *len, struct error *err)
{
	struct tcp_segment outer;
	size_t ip_len = msg->ip_version == 4 ? IPV4_HEADER_MIN : IPV6_HEADER_LEN;
	size_t icmp_len = 8 + ip_len + 8 + msg->quoted.payload_len;
	size_t total = ip_len + icmp_len;
	uint8_t *icmp = buf + ip_len;
	bool built;

	if (msg->quoted.ip_version != msg->ip_version)
		return error_set(err, "an ICMPv%d message cannot quote an "
				 "IPv%d datagram", msg->ip_version == 4 ? 4 : 6,
				 msg->quoted.ip_version);
	/* The outer header is checked like a TCP segment's. */
	memset(&outer, 0, sizeof(outer));
	outer.ip_version = msg->ip_version;
	outer.src = msg->src;
	outer.dst = msg->dst;
	outer.tos = msg->tos;
	outer.ttl = msg->ttl;
	if (packet_check_segment(&outer, &(size_t){ 0 }, err) ||
	    packet_check_segment(&msg->quoted, &(size_t){ 0 }, err))
		return -1;
	if (total > cap || total > (msg->ip_version == 4 ? IP_PACKET_MAX :
				    IPV6_HEADER_LEN + IPV6_PAYLOAD_MAX))
		return error_set(err, "ICMP message of %zu bytes is too large",
				 total);

	icmp[0] = msg->type;
	icmp[1] = msg->code;
	wire_put16(icmp + 2, 0);
	wire_put32(icmp + 4, msg->info);
	memset(icmp + 8 + write_quoted(&msg->quoted, icmp + 8), 0,
	       msg->quoted.payload_len);
	if (msg->ip_version == 4)
		wire_put16(icmp + 2, checksum_fold(checksum_add(0, icmp, icmp_len)));
	else
		wire_put16(icmp + 2, upper_checksum(&msg->src, &msg->dst,
					       IPPROTO_ICMPV6, icmp, icmp_len));

	libnet_clear_packet(builder->ln);
	built = build_ip(builder, &outer, total,
			 msg->ip_version == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6,
			 icmp, icmp_len, err) == 0;
	if (take_packet(builder, built, buf, total, err) < 0)
		return -1;
	if (msg->ip_version == 6)
		fix_ipv6_first_word(&outer, buf);
	*len = total;
	return 0;
}

/* ---- UDP (begin) ---- */

int packet_builder_build_udp(struct packet_builder *builder,
			     const struct tcp_segment *seg, uint8_t *buf,
			     size_t cap, size_t *len, struct error *err)
{
	struct tcp_segment ip = *seg;
	size_t udp_len = 8 + (size_t)seg->payload_len;
	size_t ip_len = seg->ip_version == 4 ? IPV4_HEADER_MIN : IPV6_HEADER_LEN;
	size_t total = ip_len + udp_len;
	const uint8_t *payload;
	libnet_ptag_t tag;
	bool built;

	/* The IP header is checked like a TCP segment's, without TCP. */
	ip.options_len = 0;
	ip.flags = 0;
	ip.payload_len = 0;
	if (packet_check_segment(&ip, &(size_t){ 0 }, err))
		return -1;
	if (udp_len > 0xffff)
		return error_set(err, "UDP datagram of %zu bytes exceeds the "
				 "16-bit length field", udp_len);
	if (total > cap || (seg->ip_version == 4 && total > IP_PACKET_MAX))
		return error_set(err, "UDP datagram of %zu bytes is too large",
				 total);
	/* The payload is zeros; buf is their source, as for TCP. */
	memset(buf, 0, seg->payload_len);
	payload = seg->payload_len ? buf : NULL;
	libnet_clear_packet(builder->ln);
	tag = libnet_build_udp(seg->src_port, seg->dst_port, (uint16_t)udp_len,
			       0, payload, seg->payload_len, builder->ln, 0);
	built = tag != -1 || libnet_failed(builder, "libnet_build_udp", err) == 0;
	built = built && build_ip(builder, seg, total, IPPROTO_UDP, NULL, 0,
				  err) == 0;
	if (take_packet(builder, built, buf, total, err) < 0)
		return -1;
	if (seg->ip_version == 6)
		fix_ipv6_first_word(seg, buf);
	*len = total;
	return 0;
}

/* ---- UDP (end) ---- */

int packet_build_tcp(const struct tcp_segment *seg, const uint8_t *payload,
		     uint8_t *buf, size_t cap, size_t *len, struct error *err)
{
	struct packet_builder *builder = packet_builder_new(err);
	int rc;

	if (!builder)
		return -1;
	rc = packet_builder_build(builder, seg, payload, buf, cap, len, err);
	packet_builder_free(builder);
	return rc;
}
