/*
 * segment_merge.c - continuity rules for summing outbound segments.
 *
 * A segment continues the sum when it belongs to the same connection,
 * starts where the sum ends, and repeats its acknowledgment, window and
 * flags; only FIN, PSH (which TCP sets on the last piece of a write) and
 * CWR (set on the first) may differ.  Pieces before the last must all
 * have the same size, as a NIC's segments of one super-packet would.
 * Every piece carries data: packetdrill would also fold a pure ACK into
 * the data segment after it, which lets a script miss an ACK it never
 * wrote; here that ACK is reported instead.
 */
#include "match/segment_merge.h"

/* Flags that may legitimately differ between GSO pieces. */
#define PIECE_FLAGS (TCP_FIN | TCP_PSH | TCP_CWR)

void segment_merge_start(struct segment_merge *m,
			 const struct tcp_segment *first, uint32_t want)
{
	m->sum = *first;
	m->sum.payload = NULL;
	m->want = want;
	m->last_len = first->payload_len;
	m->pieces = 1;
}

bool segment_merge_wants_more(const struct segment_merge *m)
{
	return m->sum.payload_len < m->want;
}

static bool same_flow(const struct tcp_segment *a, const struct tcp_segment *b)
{
	return a->ip_version == b->ip_version &&
	       ip_addr_equal(&a->src, &b->src) &&
	       ip_addr_equal(&a->dst, &b->dst) &&
	       a->src_port == b->src_port && a->dst_port == b->dst_port;
}

static enum merge_step refuse(struct error *why, const char *fmt,
			      unsigned long expected, unsigned long got)
{
	error_set(why, fmt, expected, got);
	return MERGE_REFUSED;
}

enum merge_step segment_merge_add(struct segment_merge *m,
				  const struct tcp_segment *next, uint32_t gso,
				  struct tcp_segment *rest, struct error *why)
{
	const struct tcp_segment *sum = &m->sum;
	uint32_t end = sum->seq + sum->payload_len;
	uint32_t missing = m->want - sum->payload_len;
	uint16_t cwr = sum->flags & TCP_CWR;
	uint32_t seq = sum->seq, total;
	enum merge_step step = MERGE_TAKEN;
	struct tcp_segment piece = *next;

	/* A pure ACK or FIN is no piece of a burst, whatever follows it. */
	if (!next->payload_len) {
		error_set(why, "the next segment carries no data");
		return MERGE_REFUSED;
	}
	if (!same_flow(sum, next)) {
		error_set(why, "the next segment belongs to another connection");
		return MERGE_REFUSED;
	}
	if (next->seq != end)
		return refuse(why, "the next segment starts at %lu, not at %lu",
			      next->seq, end);
	if (next->ack != sum->ack)
		return refuse(why, "the next segment acknowledges %lu, not %lu",
			      next->ack, sum->ack);
	if (next->window != sum->window)
		return refuse(why, "the next segment offers window %lu, not %lu",
			      next->window, sum->window);
	if ((next->flags & ~PIECE_FLAGS) != (sum->flags & ~PIECE_FLAGS))
		return refuse(why, "the next segment has flags %#lx, not %#lx",
			      next->flags, sum->flags);
	/* Pieces before the last have the size of the one before them. */
	if (next->payload_len < missing && next->payload_len != m->last_len)
		return refuse(why, "the next segment carries %lu bytes, not %lu",
			      next->payload_len, m->last_len);
	if (next->payload_len > missing && gso && missing % gso == 0) {
		segment_split(&piece, missing, rest);
		step = MERGE_SPLIT;
	}
	total = sum->payload_len + piece.payload_len;
	m->sum = piece;
	m->sum.payload = NULL;
	m->sum.seq = seq;
	m->sum.payload_len = total;
	m->sum.flags = (uint16_t)((piece.flags & ~TCP_CWR) | cwr);
	m->last_len = piece.payload_len;
	m->pieces++;
	return step;
}

void segment_split(struct tcp_segment *seg, uint32_t share,
		   struct tcp_segment *rest)
{
	*rest = *seg;
	rest->seq = seg->seq + share;
	rest->payload_len = seg->payload_len - share;
	rest->flags &= (uint16_t)~(TCP_SYN | TCP_CWR);
	rest->payload = NULL;
	seg->payload_len = share;
	seg->flags &= (uint16_t)~(TCP_FIN | TCP_PSH);
}
