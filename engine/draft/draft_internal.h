/*
 * draft_internal.h - what write.c and infer.c share: the state of one
 * draft, and what the packets say about the application.
 */
#ifndef TCPCHECK_DRAFT_INTERNAL_H
#define TCPCHECK_DRAFT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "draft/draft.h"
#include "match/tcp_view.h"

/* Segments of one write leave back to back; a gap this long ends it. */
#define BURST_GAP_NS 1000000u

/* One draft being written: what the walk through the packets knows. */
struct draft {
	FILE *out;
	const struct flow *f;
	uint32_t stack_isn, peer_isn;
	bool has_stack_isn, has_peer_isn;
	bool passive;
	bool listening;		/* passive, and the stack answered */
	int fd;			/* the connection's; 0 before it exists */
	uint64_t t0, last_ns;
	uint32_t stack_next;	/* relative end of what the stack sent */
	uint32_t peer_read;	/* relative end of the peer's data read */
	uint32_t peer_fin_end;	/* relative end of the peer's FIN, or 0 */
	int write_left;		/* bytes of the current burst to come */
	/* A zero window from the peer (packet index, or -1) that the stack
	 * probed: the data it sent once the window opened was written
	 * when the window closed, held_bytes of it.
	 */
	int held_at;
	uint32_t held_bytes;
	/* Keepalive probes seen: the idle time before the first and the
	 * interval between probes (s), and how many went unanswered before
	 * a reset (0: none did); idle 0: no probe.
	 */
	unsigned keep_idle, keep_intvl, keep_cnt;
	int keep_reset_at;	/* the reset that ended the probes, or -1 */
	bool nodelay;		/* a small segment went out behind another */
	bool closed;		/* close(): no more reads */
	bool fin_sent;
	unsigned maxseg;	/* TCP_MAXSEG to set, or 0 */
	int abort_at;		/* packet index of an aborting reset, or -1 */
	bool peer_sent_data;
	int inferred;
};

/* The options of the stack's first SYN (or SYN-ACK) and of the peer's;
 * count -1 when that side sent none.
 */
struct syn_options {
	struct tcp_opt_item items[TCP_VIEW_MAX_OPTIONS];
	int count;
	uint16_t flags;
};

/* infer.c: each reads the whole connection before a line is written. */
uint32_t data_end(const struct draft *d, uint32_t ack);
uint32_t burst_bytes(const struct draft *d, int i);
bool still_reads_after(const struct draft *d, int i);
int find_abort(const struct draft *d);
void find_held_data(struct draft *d);
void find_keepalive(struct draft *d);
void find_nodelay(struct draft *d, unsigned peer_mss);
void find_syn_options(const struct draft *d, bool stack,
		      struct syn_options *o);
const struct tcp_opt_item *find_option(const struct syn_options *o,
				       uint8_t kind);
unsigned peer_mss(const struct draft *d);
unsigned stack_mss(const struct draft *d);

#endif /* TCPCHECK_DRAFT_INTERNAL_H */
