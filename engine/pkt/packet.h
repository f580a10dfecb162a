/*
 * packet.h - the packet codec: TCP segments to and from raw IP datagrams.
 *
 * The engine describes every segment it injects or receives as a struct
 * tcp_segment (host byte order).  packet_build.c turns one into an IPv4 or
 * IPv6 datagram with libnet (the only file that sees libnet.h);
 * packet_parse.c turns a datagram read from the TUN device back into one,
 * checking every length against the bytes actually read.  tcp_options.c
 * converts between the raw option bytes carried in the segment and decoded
 * items that the script layer and the matcher work with.  Everything here
 * is reentrant: no global state, errors are values.
 */
#ifndef TCPCHECK_PACKET_H
#define TCPCHECK_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/plan.h"

/* TCP header flag bits.  The low eight are byte 13 of the header; AE
 * (Accurate ECN's flag, once RFC 3540's NS) is the lowest bit of byte 12,
 * the reserved bit next to CWR.  The other three reserved bits are neither
 * built nor reported.
 */
enum {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
	TCP_URG = 0x20,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,
	TCP_AE = 0x100,
};
#define TCP_FLAGS_ALL 0x1ff

#define TCP_OPTIONS_MAX 40		/* bytes: data offset 15 minus 5 */
#define TCP_HEADER_MIN 20
#define IPV4_HEADER_MIN 20
#define IPV6_HEADER_LEN 40
#define IP_PACKET_MAX 65535		/* IPv4 total length field */
#define IPV6_PAYLOAD_MAX 65535		/* IPv6 payload length field (no jumbograms) */
/* Largest datagram packet_build_tcp() can produce: an IPv6 header plus a
 * full 16-bit payload length.  A buffer of this size never fails for room.
 */
#define PACKET_BUF_MAX (IPV6_HEADER_LEN + IPV6_PAYLOAD_MAX)

struct tcp_segment {		/* host byte order throughout */
	int ip_version;		/* 4 or 6 */
	struct ip_addr src, dst;
	uint8_t tos;		/* IPv4 TOS / IPv6 traffic class, ECN in the low 2 bits */
	uint8_t ttl;		/* TTL / hop limit */
	uint32_t flow_label;	/* IPv6 only, 20 bits */
	uint16_t ip_id;		/* IPv4 only */
	bool dont_fragment;	/* IPv4 DF */
	uint8_t protocol;	/* IP protocol / last IPv6 next header (6 = TCP);
				 * ignored when building, always TCP, except
				 * in a quoted datagram where 17 means UDP */
	uint16_t src_port, dst_port;
	uint32_t seq, ack;
	uint16_t flags;		/* TCP_* bits above, incl. AE */
	uint16_t window, urg_ptr;
	uint8_t options[TCP_OPTIONS_MAX];	/* raw bytes as on the wire */
	uint8_t options_len;			/* a multiple of 4 when built */
	uint32_t payload_len;
	/* filled by packet_parse only: */
	bool ip_checksum_ok;	/* IPv4 header checksum; always true for IPv6 */
	bool tcp_checksum_ok;
	/* Points into the parsed buffer.  For PACKET_OTHER it is the upper
	 * layer's bytes (e.g. the ICMPv6 header) and payload_len their count.
	 */
	const uint8_t *payload;
};

/*
 * Building.  libnet runs in LIBNET_NONE mode: it only constructs packets,
 * needs no device and no privileges.  A packet_builder caches one libnet
 * context; it must be used by one thread at a time, so give each script
 * run (thread) its own.  packet_build_tcp() makes a builder for the one
 * call, which is simplest and costs one small allocation.
 */
struct packet_builder;

struct packet_builder *packet_builder_new(struct error *err);
void packet_builder_free(struct packet_builder *builder);

/* Whether seg can be built as it is: addresses of its IP version, TCP
 * options and length that the headers can say.  *total is the datagram's
 * length.  0, or -1 with err (packet_builder_build() refuses the same).
 */
int packet_check_segment(const struct tcp_segment *seg, size_t *total,
			 struct error *err);

/* Build an IPv4 or IPv6 datagram carrying seg (payload: payload_len bytes
 * from `payload`, or zeros when NULL) into buf.  Checksums computed.  The
 * receive-only fields of seg (protocol, *_checksum_ok, seg->payload) are
 * ignored.  0, or -1 with err.
 */
int packet_builder_build(struct packet_builder *builder,
			 const struct tcp_segment *seg, const uint8_t *payload,
			 uint8_t *buf, size_t cap, size_t *len,
			 struct error *err);
int packet_build_tcp(const struct tcp_segment *seg, const uint8_t *payload,
		     uint8_t *buf, size_t cap, size_t *len, struct error *err);

/* An ICMP or ICMPv6 error from the peer about a segment the stack sent
 * (RFC 792, RFC 4443).  The message quotes that segment's IP header, the
 * first 8 bytes of its TCP header (ports and sequence number: all the
 * stack needs to find the connection) and then quoted.payload_len zero
 * bytes; the quoted IP header claims the full segment, a 20-byte TCP
 * header plus that payload.  quoted goes from the stack to the peer.
 */
struct icmp_error {
	int ip_version;			/* 4 or 6 */
	struct ip_addr src, dst;	/* the peer, the stack */
	uint8_t tos, ttl;
	uint8_t type, code;
	uint32_t info;	/* header bytes 4-7: an MTU where the type has one */
	struct tcp_segment quoted;
};

int packet_builder_build_icmp(struct packet_builder *builder,
			      const struct icmp_error *msg, uint8_t *buf,
			      size_t cap, size_t *len, struct error *err);

/* A UDP datagram (udp.h) from seg's IP fields and ports, carrying
 * seg->payload_len zero bytes; the UDP checksum is computed (libnet,
 * checked in tests/unit/test_udp.c).  The TCP fields are ignored.
 */
int packet_builder_build_udp(struct packet_builder *builder,
			     const struct tcp_segment *seg, uint8_t *buf,
			     size_t cap, size_t *len, struct error *err);

/*
 * Parsing.  packet_parse() returns PACKET_TCP (seg filled), PACKET_OTHER
 * (well-formed but not TCP: seg->ip_version, protocol, addresses, tos, ttl
 * and payload/payload_len (the upper-layer bytes) are filled), or -1 with
 * err saying what is wrong.  It never reads outside buf[0..len).  Bytes
 * after the IP length (link-layer padding) are ignored.  IPv6 hop-by-hop,
 * routing and destination options headers, and atomic fragment headers,
 * are skipped to find TCP.  Bad checksums are reported in the _ok fields,
 * not as errors.
 */
enum packet_kind {
	PACKET_TCP,
	PACKET_OTHER,
};

int packet_parse(const uint8_t *buf, size_t len, struct tcp_segment *seg,
		 struct error *err);

/*
 * Internet checksum (RFC 1071) helpers, shared by the builder's fix-ups
 * and the parser.  checksum_add() accumulates big-endian 16-bit words;
 * only the last chunk of a sum may have an odd length.
 */
uint32_t checksum_add(uint32_t sum, const uint8_t *data, size_t len);
uint16_t checksum_fold(uint32_t sum);	/* ones' complement of the folded sum */
/* The checksum over the TCP pseudo-header (RFC 9293 / RFC 8200 8.1) and
 * the len bytes of segment at tcp, as it would be stored in the header
 * (the header's checksum field is included as it is, so a correct
 * segment yields 0).
 */
uint16_t tcp_checksum(const struct ip_addr *src, const struct ip_addr *dst,
		      const uint8_t *tcp, size_t len);
/* The same over any upper layer that uses the pseudo-header (ICMPv6). */
uint16_t upper_checksum(const struct ip_addr *src, const struct ip_addr *dst,
			uint8_t protocol, const uint8_t *data, size_t len);

/*
 * TCP options.  Kind numbers carry a KIND_ infix so they do not collide
 * with the TCPOPT_* macros of <netinet/tcp.h>.
 */
enum {
	TCPOPT_KIND_EOL = 0,
	TCPOPT_KIND_NOP = 1,
	TCPOPT_KIND_MSS = 2,
	TCPOPT_KIND_WSCALE = 3,
	TCPOPT_KIND_SACK_PERMITTED = 4,
	TCPOPT_KIND_SACK = 5,
	TCPOPT_KIND_TIMESTAMP = 8,
	TCPOPT_KIND_MD5 = 19,
	TCPOPT_KIND_FAST_OPEN = 34,
	TCPOPT_KIND_ACCECN0 = 172,	/* RFC 9768: e0b, ceb, e1b */
	TCPOPT_KIND_ACCECN1 = 174,	/* RFC 9768: e1b, ceb, e0b */
	TCPOPT_KIND_EXP = 254,
};
#define TCPOPT_EXP_MAGIC_TFO 0xF989	/* RFC 7413's ExID for the pre-RFC cookie */
#define TCPOPT_SACK_BLOCKS_MAX 4	/* 2 + 8 * 4 = 34 bytes */
#define TCPOPT_DATA_MAX 38		/* 40 bytes minus kind and length */
#define TCP_MD5_DIGEST_BYTES 16		/* RFC 2385 */

struct tcp_opt_item {
	uint8_t kind;
	uint8_t length;		/* wire length incl. kind+len; 1 for EOL/NOP.
				 * Set by decode; encode computes it. */
	/* Expected items only (`wscale *`): the option must be present but
	 * its value is not compared.  Decode leaves it false; encode refuses
	 * it, since there is no value to put on the wire.
	 */
	bool any_value;
	union {
		uint16_t mss;
		uint8_t wscale;
		struct {
			uint32_t val, ecr;
		} ts;
		struct {
			struct {
				uint32_t left, right;
			} blocks[TCPOPT_SACK_BLOCKS_MAX];
			int count;	/* 1..4 */
		} sack;
		/* FAST_OPEN (cookie), MD5 (digest), unknown kinds: bytes after
		 * kind and length.  EXP: magic is the 16-bit ExID and bytes
		 * what follows it (at most 36).
		 */
		struct {
			uint8_t bytes[TCPOPT_DATA_MAX];
			uint8_t len;
			uint16_t magic;
		} data;
		/* EOL: the bytes that followed it up to the end of the
		 * options (decode stops at EOL), and whether any was not 0.
		 */
		struct {
			uint8_t padding;
			bool padding_nonzero;
		} eol;
	} u;
};

/* Encode items; pads to a multiple of 4 with EOL (0) bytes.  Error if the
 * result exceeds TCP_OPTIONS_MAX or cap, or an item is out of range.
 */
int tcp_options_encode(const struct tcp_opt_item *items, int count,
		       uint8_t *out, size_t cap, size_t *len,
		       struct error *err);
/* Decode len raw bytes into at most max items.  Stops after an EOL, which
 * records the padding that followed.  Errors: a length byte below 2 or
 * missing, an option running past the end, a wrong length for MSS (4),
 * WSCALE (3), SACK_PERMITTED (2), TIMESTAMP (10), SACK (2+8n, n=1..4) or
 * EXP (at least 4), more than max items.
 */
int tcp_options_decode(const uint8_t *in, size_t len,
		       struct tcp_opt_item *items, int max, int *count,
		       struct error *err);
/* Short name used in messages: "MSS", "WSCALE", "SACKOK", "TS", ... or
 * NULL for a kind without one.
 */
const char *tcp_option_name(uint8_t kind);

/* Flags in script notation, packetdrill's (tcpdump's) order:
 * F S R P . U E W A -- e.g. "S.", "F.", "P.", ".", "R", "SEW".  AE is 'A'
 * as packetdrill prints it.  No flags gives "".  packetdrill's AccECN
 * digit notation for the ACE field needs connection state and belongs to
 * the matcher.  buf of TCP_FLAGS_STR_MAX bytes always suffices; a smaller
 * one gets a truncated, terminated string.
 */
#define TCP_FLAGS_STR_MAX 10
const char *tcp_flags_format(uint16_t flags, char *buf, size_t size);

#endif /* TCPCHECK_PACKET_H */
