/*
 * stray.h - outbound packets that no line of the script asked for.
 *
 * packetdrill reads what the stack sent only when an outbound line asks
 * for a packet, so a packet sent while the script expects none is seen,
 * if ever, as "the wrong packet" at some later line, and one sent after
 * the last outbound line is never seen.  tcpcheck watches the device all
 * the time, so it can tell sooner and say what happened, without
 * changing any script's verdict:
 *
 *  - before a line that injects a packet or runs something, a packet the
 *    stack has already sent must be one the next outbound line will take
 *    (its fields, timing aside); if it is not, that line would fail on it
 *    anyway, and the report says "unexpected outbound packet" now, with
 *    the packet and its time.  When no outbound line follows, packetdrill
 *    would never notice: only --strict fails the script.
 *  - with --strict, after the last line the runner waits STRICT_SETTLE
 *    and any packet the stack sends by then fails the script.
 *
 * When the packet cannot be judged yet (its connection has not shown its
 * ISN, or it may be a TSO super-packet the next line takes a part of, or
 * the first of several segments the next line takes as one), it is left
 * for the next outbound line, as packetdrill would.
 */
#ifndef TCPCHECK_STRAY_H
#define TCPCHECK_STRAY_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "match/conn.h"
#include "core/error.h"
#include "pkt/packet.h"

/* How long --strict watches for packets after the last line: longer than
 * the longest delayed ACK (200 ms), shorter than the shortest RTO.
 */
#define STRICT_SETTLE_USECS 250000

/* seg (sent at script time at_us) is waiting when line e of script is
 * about to inject or run something.  Returns 1 with the report (without
 * its location) in err when the script does not expect it, else 0.
 */
int stray_before(const struct script *script, const struct event *e,
		 const struct conn_table *conns, const struct tcp_segment *seg,
		 int64_t at_us, bool strict, struct error *err);

/* seg came after the last line (--strict): the report, in err. */
void stray_after_end(const struct conn_table *conns,
		     const struct tcp_segment *seg, int64_t at_us,
		     struct error *err);

#endif /* TCPCHECK_STRAY_H */
