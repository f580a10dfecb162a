/*
 * wire_reset.h - ending what a wire-mode script leaves on the stack.
 *
 * Under TUN a script's namespace, and every connection in it, vanishes
 * with the script.  The stack of wire mode stays: a connection the script
 * closed may still be retransmitting its FIN, or sit in TIME_WAIT, when
 * the next script starts, and its packets would cross that script.  So the
 * path remembers the last segment of each connection it saw, and at the
 * end answers each with the RST a host without that connection would send
 * (RFC 9293 3.10.7.1: seq = the segment's ack, or ACK of its sequence
 * space when it has none), and so every segment still coming in the few
 * milliseconds after.
 */
#ifndef TCPCHECK_WIRE_RESET_H
#define TCPCHECK_WIRE_RESET_H

#include <stddef.h>
#include <stdint.h>

#include "core/plan.h"

#define WIRE_FLOWS_MAX 64
#define WIRE_RESET_LEN 60	/* the largest RST built: IPv6 + TCP */

struct wire_segment {
	uint16_t local_port, remote_port;
	uint32_t seq, ack;
	uint8_t flags;
	uint32_t payload_len;
};

struct wire_flows {
	int count;
	struct wire_segment last[WIRE_FLOWS_MAX];
};

/* Read the TCP header of a datagram from the stack; 0, or -1 when it is
 * not TCP (or too short).
 */
int wire_segment_parse(const uint8_t *ip, size_t len, struct wire_segment *s);

/* Remember s as its connection's last segment. */
void wire_flows_note(struct wire_flows *f, const struct wire_segment *s);

/* The RST answering s, from plan->remote_ip to plan->local_ip, into out
 * (WIRE_RESET_LEN bytes); returns its length, 0 when s is a RST itself.
 */
size_t wire_reset_build(const struct net_plan *plan,
			const struct wire_segment *s, uint8_t *out);

#endif /* TCPCHECK_WIRE_RESET_H */
