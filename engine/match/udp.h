/*
 * udp.h - UDP datagrams on packet lines: `< udp (N)` and `> udp (N)`.
 *
 * A datagram is described by a struct udp_datagram (host byte order).
 * udp_parse() reads one from the bytes the stack sent, udp_build() makes
 * the bytes of one to inject (through the libnet builder of packet.h),
 * udp_expect() and udp_match() compare a captured datagram with a line,
 * field by field.  A struct udp_flow holds the ports a line leaves out.
 *
 * Default ports, as packetdrill's: the remote port is the script's
 * remote port, the one `...` means in connect() and sendto() (the
 * plan's connect_port, 8080); the local port is the one `...` means in
 * bind() (bind_port, 8080) once bind(fd, ..., ...) has run, else the one
 * the stack's first datagram shows (an ephemeral port after connect()
 * or sendto() alone; an inbound line before that goes to bind_port).
 * It holds until the script creates another socket.
 * Ports written on a line always win.
 */
#ifndef TCPCHECK_UDP_H
#define TCPCHECK_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"
#include "pkt/packet.h"
#include "core/plan.h"

#define UDP_HEADER_LEN 8

struct udp_datagram {		/* host byte order throughout */
	int ip_version;		/* 4 or 6 */
	struct ip_addr src, dst;
	uint8_t tos;		/* TOS / traffic class */
	uint8_t ttl;		/* TTL / hop limit */
	uint32_t flow_label;	/* IPv6 only */
	uint16_t src_port, dst_port;
	uint32_t payload_len;
	/* filled by udp_parse only: */
	uint16_t length;	/* the header's length field */
	bool checksum_ok;	/* a zero checksum counts as wrong on IPv6 */
};

/* The ports lines leave out (see the top of this file). */
struct udp_flow {
	uint16_t local_port;
	bool local_learned;	/* local_port seen on the wire */
	uint16_t remote_port;
};

void udp_flow_init(struct udp_flow *flow, const struct net_plan *plan);
/* The script made a new socket: its port is not known yet. */
void udp_flow_forget(struct udp_flow *flow, const struct net_plan *plan);
/* bind(fd, ..., ...) succeeded: the socket's port is the plan's
 * bind_port.  (A bind to an address written out is not followed.)
 */
void udp_flow_bound(struct udp_flow *flow, const struct net_plan *plan);
/* A datagram the stack sent and a line took: learn its local port. */
void udp_flow_learn(struct udp_flow *flow, const struct udp_datagram *d);

/* 1 with d filled when buf holds a UDP datagram, 0 when it holds
 * something else (well-formed), -1 with err when it is malformed (a
 * length field that disagrees with the IP length, a short header).
 */
int udp_parse(const uint8_t *buf, size_t len, struct udp_datagram *d,
	      struct error *err);

/* The datagram an inbound line stands for, from the plan's addresses
 * and the flow's ports; ip_info as written (TTL 64 when not).  0, or -1
 * with err (a flow label on an IPv4 run).
 */
int udp_inbound(const struct udp_packet_spec *spec,
		const struct net_plan *plan, const struct udp_flow *flow,
		struct udp_datagram *d, struct error *err);

/* Bytes of d with payload_len zero bytes of payload, checksum set. */
int udp_build(struct packet_builder *builder, const struct udp_datagram *d,
	      uint8_t *buf, size_t cap, size_t *len, struct error *err);

/* What an outbound line expects; a port of 0 is not checked (the local
 * port before the stack has shown it).
 */
struct udp_expected {
	uint16_t src_port, dst_port;
	uint32_t payload_len;
	struct ip_info ip;	/* the fields written */
};

void udp_expect(const struct udp_packet_spec *spec,
		const struct udp_flow *flow, struct udp_expected *want);

/* The number of fields that differ; each adds a line
 * "\n  FIELD: expected X, got Y" to err.  err must be initialised
 * (text[0] = '\0') by the caller.
 */
int udp_match(const struct udp_expected *want, const struct udp_datagram *got,
	      struct error *err);

/* `> [tos 0x00, ttl 64] udp 8080>40000 (10)` for reports and traces,
 * `<` first for an inbound one; size 160 always suffices.
 */
void udp_format(const struct udp_datagram *d, enum direction dir, char *buf,
		size_t size);
void udp_expected_format(const struct udp_expected *want, char *buf,
			 size_t size);

/* Stray datagrams (see stray.h for the TCP rules, which these follow):
 * d, sent at script time at_us, is waiting when line e is about to
 * inject or run something.  1 with the report in err when no outbound
 * line is due to take it (the next outbound UDP line would not match it;
 * with no outbound UDP line left, only with strict), else 0.
 */
int udp_stray_before(const struct script *script, const struct event *e,
		     const struct udp_flow *flow, const struct udp_datagram *d,
		     int64_t at_us, bool strict, struct error *err);

/* d came after the last line (--strict): the report, in err. */
void udp_stray_after_end(const struct udp_datagram *d, int64_t at_us,
			 struct error *err);

#endif /* TCPCHECK_UDP_H */
