/*
 * history.h - the last packets that crossed the packet path, for reports.
 *
 * When an expected packet never comes, the most useful thing to show is
 * what did come: the last few packets in each direction, in script
 * notation with their script times.  The runner records every packet it
 * injects (as the script wrote it) and every TCP segment the stack sends
 * (live, as it arrives); outbound ones are translated to script numbers
 * only when a report is written, when the connection has learned the
 * kernel's ISN from its SYN.  A fixed ring: recording never allocates.
 */
#ifndef TCPCHECK_HISTORY_H
#define TCPCHECK_HISTORY_H

#include <stdint.h>

#include "match/conn.h"
#include "core/error.h"
#include "match/tcp_view.h"

/* Kept per direction, so a burst one way does not push the other out. */
#define HISTORY_KEEP 3

struct history_entry {
	int64_t at_us;		/* script time */
	struct tcp_view view;	/* inbound: script numbers; outbound: live */
};

struct history_ring {
	struct history_entry items[HISTORY_KEEP];
	int next, count;
};

struct history {
	struct history_ring dir[2];	/* indexed by enum direction */
};

void history_add(struct history *h, int64_t at_us,
		 const struct tcp_view *view);

/* Append "\n  last packets (script time):" and one line per packet,
 * oldest first, both directions merged: "\n    0.012 > S. 0:0(0) ..." (measured
 * times, to the millisecond);
 * "\n  no packets have crossed yet" when there were none.
 */
void history_append(const struct history *h, const struct conn_table *conns,
		    struct error *err);

#endif /* TCPCHECK_HISTORY_H */
