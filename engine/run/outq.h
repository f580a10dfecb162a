/*
 * outq.h - the outbound queue: what the stack sent, in order, each
 * datagram classified once, when it was taken off the device.
 *
 * Packets the stack sends while the runner waits for something else are
 * taken off the device as they come, so each keeps the time it arrived,
 * not the time a later line asked for it.  Each is parsed once on the way
 * in (a UDP datagram, a TCP segment, or other traffic such as IPv6
 * neighbour discovery) and keeps its parsed form beside its bytes; lines
 * ask for the oldest of the kind they take.
 */
#ifndef TCPCHECK_OUTQ_H
#define TCPCHECK_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "match/udp.h"
#include "path/packet_path.h"
#include "pkt/packet.h"

#define OUTQ_MAX 256

enum outq_kind {
	OUTQ_TCP = 1,		/* a well-formed TCP segment: seg */
	OUTQ_UDP = 2,		/* a well-formed UDP datagram: dgram */
	OUTQ_UDP_BAD = 4,	/* a malformed UDP datagram */
	OUTQ_OTHER = 8,		/* anything else, malformed TCP included */
};

/* What each kind of line takes: a TCP line all but good datagrams (it
 * skips other traffic, and reports malformed packets), a UDP line
 * datagrams, good or not.
 */
#define OUTQ_FOR_TCP (OUTQ_TCP | OUTQ_UDP_BAD | OUTQ_OTHER)
#define OUTQ_FOR_UDP (OUTQ_UDP | OUTQ_UDP_BAD)

struct captured {
	uint8_t *bytes;		/* owned */
	size_t len;
	int64_t at_ns;
	uint16_t gso;
	bool kernel_time;	/* at_ns is the kernel's timestamp */
	int64_t read_ns;	/* when the runner read it */
	enum outq_kind kind;
	struct tcp_segment seg;	/* payload points into bytes */
	struct udp_datagram dgram;
};

struct outq {
	struct captured item[OUTQ_MAX];
	int head, count;
	uint8_t scratch[PACKET_BUF_MAX];
};

/* Move every datagram the path has ready into the queue, calling
 * arrived(ctx, c) for each.  0, or -1 with err (the path failed).
 */
int outq_drain(struct outq *q, struct packet_path *path,
	       void (*arrived)(void *ctx, const struct captured *c),
	       void *ctx, struct error *err);

/* Queued datagram i, 0 the oldest; i < q->count. */
static inline struct captured *outq_at(struct outq *q, int i)
{
	return &q->item[(q->head + i) % OUTQ_MAX];
}

/* The first entry a TCP line takes (OUTQ_FOR_TCP), or q->count. */
int outq_first_for_tcp(struct outq *q);

/* The oldest entry a UDP line takes (OUTQ_FOR_UDP), or -1.  Other
 * traffic before it is dropped on the way (TCP segments stay for TCP
 * lines).
 */
int outq_first_for_udp(struct outq *q);

/* Whether the queue holds something of a kind in kinds (OUTQ_FOR_UDP:
 * as outq_first_for_udp(), dropping other traffic).
 */
bool outq_has(struct outq *q, unsigned kinds);

/* Take entry i into buf (PACKET_BUF_MAX bytes); *out is a copy of it
 * whose seg.payload points into buf and whose bytes are no longer valid.
 */
void outq_take(struct outq *q, int i, uint8_t *buf, struct captured *out);

/* Drop entry i, keeping the order of the rest. */
void outq_remove(struct outq *q, int i);

void outq_free(struct outq *q);

#endif /* TCPCHECK_OUTQ_H */
