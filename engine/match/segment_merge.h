/*
 * segment_merge.h - one script line from several outbound segments.
 *
 * A script written for one TSO device may expect `> P. 1:10001(10000)`
 * where this stack, pacing more finely, sends the same bytes as several
 * smaller (GSO) segments back to back.  packetdrill accepts that: unless
 * --strict_segments is given it keeps taking outbound segments of the
 * connection while they continue one another, until the line's payload
 * length is reached, and compares the sum.  These rules say when a
 * segment continues the previous one and what the sum looks like.  They
 * work on live segments (before mapping to script numbers) and know
 * nothing of devices or time, so they are tested on their own.
 */
#ifndef TCPCHECK_SEGMENT_MERGE_H
#define TCPCHECK_SEGMENT_MERGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pkt/packet.h"

struct segment_merge {
	struct tcp_segment sum;	/* seq and CWR of the first, rest of the last */
	uint32_t want;		/* the script line's payload length */
	uint32_t last_len;	/* payload of the last piece taken */
	int pieces;
};

/* Start from the first segment seen for a line expecting want bytes. */
void segment_merge_start(struct segment_merge *m,
			 const struct tcp_segment *first, uint32_t want);

/* True while the pieces so far carry fewer bytes than the line wants. */
bool segment_merge_wants_more(const struct segment_merge *m);

enum merge_step {
	MERGE_TAKEN,	/* next was added whole */
	MERGE_SPLIT,	/* its first part was added; *rest holds the others */
	MERGE_REFUSED,	/* it does not continue the sum: why says how */
};

/* Offer the next outbound segment.  A piece that would overshoot the
 * line's length is cut when it is a super-packet whose GSO segments end
 * exactly there (gso: its segment size, 0 when unknown); otherwise it is
 * taken whole and the length mismatch is left for the matcher to report.
 */
enum merge_step segment_merge_add(struct segment_merge *m,
				  const struct tcp_segment *next, uint32_t gso,
				  struct tcp_segment *rest, struct error *why);

/* Cut seg after share payload bytes: seg keeps the head, *rest gets the
 * tail.  Flags follow how GSO cuts a super-packet: SYN and CWR stay on the
 * head, FIN and PSH go to the tail.
 */
void segment_split(struct tcp_segment *seg, uint32_t share,
		   struct tcp_segment *rest);

#endif /* TCPCHECK_SEGMENT_MERGE_H */
