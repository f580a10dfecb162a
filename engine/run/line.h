/*
 * line.h - what each kind of script line does, as one contract.
 *
 * Every kind of line (a TCP packet in or out, a UDP datagram in or out,
 * an ICMP message, a system call, a shell command, a code block) goes
 * through the same steps, as the system-call layer's do:
 *
 *   prepare   before the deadline: build the bytes, evaluate the
 *             arguments, into the line's state; no I/O on the path;
 *   play      at the deadline (t; t_end for a range; block_end for a
 *             `start...end` call): send, or wait and match, or hand the
 *             call to the worker;
 *   stray     optional: before a line that injects or runs something,
 *             outbound traffic of this kind that no line is due to take;
 *   settle    optional: at the end of a --strict run, traffic of this
 *             kind no line took (true with report filled).
 *
 * The static check of each kind is the check pass's (check.h).  To add a
 * kind of line: an event kind in the grammar, a file here with its
 * line_ops, a case in line_ops_for() (the compiler asks for it: the
 * switch has no default).
 */
#ifndef TCPCHECK_LINE_H
#define TCPCHECK_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"
#include "match/tcp_view.h"
#include "match/udp.h"
#include "pkt/packet.h"
#include "sys/syscalls.h"

struct runner;

/* What prepare() leaves for play(): each kind uses its part. */
struct line_state {
	size_t len;		/* bytes built in r->tx */
	uint16_t gso;		/* their GRO segment size, 0: none */
	char text[1024];	/* the line as written, for traces, reports */
	struct tcp_view view;	/* TCP: as written (in), expected (out) */
	struct tcp_segment seg;	/* TCP in: the segment built */
	struct icmp_error msg;	/* ICMP in */
	struct udp_datagram dgram;	/* UDP in */
	struct udp_expected want;	/* UDP out */
	struct syscall_run *run;	/* a call: prepared, not yet handed over */
};

struct line_ops {
	const char *what;	/* "inbound packet": for reports */
	int (*prepare)(struct runner *r, const struct event *e,
		       struct line_state *st);
	int (*play)(struct runner *r, const struct event *e,
		    struct line_state *st, int64_t t, int64_t t_end,
		    int64_t block_end);
	int (*stray)(struct runner *r, const struct event *e);
	bool (*settle)(struct runner *r, struct error *report);
};

extern const struct line_ops tcp_in_ops, tcp_out_ops, udp_in_ops,
	udp_out_ops, icmp_ops, call_ops, command_ops, code_ops;

const struct line_ops *line_ops_for(const struct event *e);

/* The kinds with stray and settle, in the order they are asked. */
extern const struct line_ops *const line_ops_watching[];
#define LINE_OPS_WATCHING 2

/* Shared by the injecting kinds (tcp_in.c): the IP header fields an
 * injected packet gets; a flow label on an IPv4 packet is a script error.
 */
int inbound_ip_fields(const struct ip_info *ip, int ip_version,
		      uint8_t *tos, uint8_t *ttl, uint32_t *flow_label,
		      struct error *err);
/* What an ICMP error about a datagram quotes (udp_line.c). */
void quote_udp(const struct runner *r, const struct icmp_packet_spec *spec,
	       struct tcp_segment *quoted);

#endif /* TCPCHECK_LINE_H */
