/*
 * conn.h - connections and the mapping between script and live numbers.
 *
 * A script writes sequence numbers relative to each side's initial
 * sequence number (ISN): the kernel's SYN is `0:0(0)` whatever ISN it
 * picked.  Each connection learns the kernel's ISN from its first SYN and
 * keeps the offsets that translate every seq, ack, SACK block and TCP
 * timestamp between the script's space and the wire.  The peer's side is
 * ours to choose; we keep its numbers as written (offset 0), so traces
 * show the script's own values on the wire: the peer's ISN is the one
 * written on its SYN (usually 0).
 *
 * All arithmetic is modulo 2^32, as TCP's is.
 */
#ifndef TCPCHECK_CONN_H
#define TCPCHECK_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/plan.h"
#include "match/tcp_view.h"

/* How the kernel's TCP timestamps are checked: with tick_usecs set
 * (--tcp_ts_tick_usecs), an outbound TS val may differ from the script's
 * by as many ticks as fit in tolerance_usecs; with 0 it is not compared.
 */
struct ts_clock {
	int64_t tick_usecs;
	int64_t tolerance_usecs;
};

/* Outbound TS vals remembered per connection, script value -> live, so
 * that an inbound ecr echoes exactly what the kernel sent.
 */
#define CONN_TS_VALS 64

struct ts_val_pair {
	uint32_t script;
	uint32_t live;
};

struct conn {
	struct ip_addr local_ip;	/* the stack under test */
	struct ip_addr remote_ip;	/* the simulated peer */
	uint16_t local_port;
	uint16_t remote_port;
	/* packetdrill numbers like tcpdump: in a segment with SYN set, seq
	 * and ack are absolute (the kernel's own side shifted by its ISN
	 * against the ISN the script wrote); in every other segment both
	 * count from the side's ISN.
	 */
	bool local_isn_known;
	uint32_t local_isn;		/* the kernel's ISN, live */
	uint32_t local_seq_offset;	/* SYN segments: live = script + offset */
	bool remote_isn_known;		/* the peer's SYN was injected */
	uint32_t remote_seq_offset;	/* the peer's ISN: other segments'
					 * live = script + offset */
	uint32_t remote_syn_offset;	/* its SYN segments: 0, the peer's
					 * numbers go out as written (but
					 * a socket connected to itself) */
	bool ts_offset_known;
	uint32_t ts_val_offset;		/* kernel TS val: live = script + offset */
	bool saw_local_syn;		/* the kernel sent a SYN (active open) */
	bool retired;			/* its socket is no longer under test */
	struct ts_clock ts_clock;
	struct ts_val_pair ts_vals[CONN_TS_VALS];	/* a ring */
	int ts_val_count;
	int ts_val_next;
};

#define CONN_MAX 64

struct conn_table {
	struct conn items[CONN_MAX];
	int count;
	int current;			/* index of the last used, -1 if none */
	uint16_t next_remote_port;	/* for passive opens without a port */
	struct ts_clock ts_clock;	/* given to each new connection */
};

void conn_table_init(struct conn_table *table);
/* Start the remote ports of passive opens at port (0: the default). */
void conn_table_set_first_remote_port(struct conn_table *table,
				      uint16_t port);

/* packetdrill tests one socket at a time: once the script creates a new
 * socket, segments of the earlier connections are ignored (say a FIN an
 * earlier close() sent), not matched against the new one's lines.
 * Scripts that name ports on their packet lines test several
 * connections at once and never retire any.
 */
void conn_retire_all(struct conn_table *table);

/* The script created a socket: no connection is current any more, so its
 * next inbound line without ports opens a new one; with retire, the
 * earlier connections are retired too (conn_retire_all()).
 */
void conn_new_socket(struct conn_table *table, bool retire);

/* Whether seg belongs to a retired connection. */
bool conn_segment_retired(const struct conn_table *table,
			  const struct tcp_segment *seg);

/* The connection the script used last, or NULL before any. */
struct conn *conn_current(struct conn_table *table);

/* The connection an inbound script packet belongs to, created if needed.
 * Ports written on the line name it (a new pair opens a new connection);
 * a line without ports belongs to the current connection whatever its
 * flags, so a later SYN reuses the 4-tuple (RFC 5961 section 4.2, a SYN
 * in TIME_WAIT, simultaneous open), and only when there is none (the
 * script's first packet, or the first after a new socket()) does it open
 * a passive connection from the next free remote port.  Returns NULL
 * when the table is full.
 */
struct conn *conn_for_inbound(struct conn_table *table,
			      const struct net_plan *plan,
			      const struct tcp_packet_spec *spec);

/* The connection a live outbound segment belongs to, by its ports; a SYN
 * on new ports starts a new active connection.  Falls back to the
 * current connection so that a packet on unexpected ports is still
 * reported against what the script expected.
 */
struct conn *conn_for_outbound(struct conn_table *table,
			       const struct net_plan *plan,
			       const struct tcp_segment *seg);

/* What the kernel's script sequence numbers add on the wire: in a
 * segment with SYN set, or in any other.
 */
uint32_t conn_local_offset(const struct conn *conn, bool syn);

/* Learn the kernel's ISN and timestamp clock from an outbound segment,
 * given what the script expected of it, and say in expected how closely
 * its TS val must match (the connection's ts_clock).
 */
void conn_learn_outbound(struct conn *conn, const struct tcp_view *live,
			 struct tcp_view *expected);

/* Translate an inbound view from script to live numbers, in place.  A
 * SYN sets the peer's ISN, which later numbers on its side count from.
 * A TS ecr that is a TS val the kernel sent (as the script wrote it)
 * becomes that packet's live value; any other is mapped through the
 * clock offset learned from the first one (packetdrill's
 * --tcp_ts_ecr_scaled, which tcpcheck always does).
 */
void conn_inbound_to_live(struct conn *conn, struct tcp_view *view);

/* Translate an outbound view from live to script numbers, in place. */
void conn_outbound_to_script(const struct conn *conn, struct tcp_view *view);

/* For reports about a live outbound view that no line has matched yet:
 * translate it in place when its connection (by its ports, else the
 * current one) knows the kernel's ISN, changing nothing in the table.
 * Returns false, leaving live numbers, when it cannot be translated.
 */
bool conn_outbound_peek(const struct conn_table *table,
			struct tcp_view *view);

#endif /* TCPCHECK_CONN_H */
