/*
 * draft.h - a script drafted from a capture, and the connections of a
 * capture as the run reports draw them.
 *
 * A capture (pcap or pcapng, read by pkt/capture_read.h) holds one or
 * more TCP connections.  flows.c sorts its segments into connections and
 * decides which endpoint is the stack under test; write.c turns one
 * connection into a script: the peer's segments as `<` lines, the
 * stack's as `>` lines, sequence numbers relative to each side's initial
 * one, and the system calls the packets show (a listen or a connect,
 * writes, reads, a close), each marked as inferred.  Nothing here knows
 * the grammar: a draft is text for a person, and for tcpcheck to play.
 */
#ifndef TCPCHECK_DRAFT_H
#define TCPCHECK_DRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "pkt/packet.h"

/* One TCP segment of a capture; seg.payload points into the file. */
struct flow_packet {
	uint64_t time_ns;
	struct tcp_segment seg;
	bool from_stack;	/* once the stack side is chosen */
};

struct flow_endpoint {
	struct ip_addr addr;
	uint16_t port;
};

/* The packets of one connection, in capture order.  a is the endpoint
 * that sent its first packet.
 */
struct flow {
	struct flow_endpoint a, b;
	struct flow_packet *packets;
	int count, cap;
	uint32_t syn_seq;	/* a's SYN, to tell a reuse of the ports */
	bool has_syn;
	bool closed;		/* a FIN or RST was seen */
	int bad_checksums[2];	/* by a (0) and b (1) */
};

struct flow_set {
	struct flow *flows;
	int count, cap;
	unsigned long not_tcp;	/* IP datagrams that were not TCP */
	unsigned long frames;
};

/* Read every TCP segment of the capture in buf (kept by the caller for
 * as long as the set is used) into connections.  0, or -1 with err (a
 * malformed file or datagram, or no TCP at all).
 */
int flow_set_read(struct flow_set *set, const uint8_t *buf, size_t len,
		  struct error *err);
void flow_set_free(struct flow_set *set);

/* "192.168.0.1:8080 > 192.0.2.1:40000, 12 packets" (1-based index). */
void flow_describe(const struct flow *f, char *buf, size_t size);

/* Mark which packets are the stack's: the endpoint matching side ("IP",
 * "IP:PORT", "[IPv6]:PORT"), or when side is NULL the endpoint whose
 * TCP checksums alone are all wrong (a capture on the stack's own host,
 * before checksum offload), else the one that received the first SYN.
 * why says which rule chose.  0, or -1 with err when side matches
 * neither endpoint.
 */
int flow_choose_stack(struct flow *f, const char *side, const char **why,
		      struct error *err);

struct draft_request {
	const char *capture_name;	/* in the header comment */
	const char *stack_side;		/* NULL: flow_choose_stack's rules */
	int connection;			/* 1-based; 0: the first */
};

/* Write the draft of the chosen connection to out; when the capture
 * holds several, list them on notes.  0, or -1 with err.
 */
int draft_write(struct flow_set *set, const struct draft_request *req,
		FILE *out, FILE *notes, struct error *err);

#endif /* TCPCHECK_DRAFT_H */
