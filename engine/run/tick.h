/*
 * tick.h - where the kernel's jiffies change.
 *
 * TCP's timers (retransmission, delayed ACK, RACK's reordering window,
 * probes) expire on jiffy boundaries: with HZ=250 a timer armed 1 ms
 * before a boundary and one armed 1 ms after it fire 4 ms apart.  A
 * script whose time 0 falls at a random point of a jiffy therefore sees
 * its timers land a jiffy early or late from run to run.  Starting every
 * run just after a jiffy boundary, as packetdrill does, makes the phase
 * of every event within its jiffy the same each time.
 */
#ifndef TCPCHECK_TICK_H
#define TCPCHECK_TICK_H

#include <stdint.h>

/* How far past a boundary a script starts: far enough from the edge
 * that a little lateness does not cross it.
 */
#define TICK_START_OFFSET_NS 250000

/* The jiffy length in nanoseconds (the coarse monotonic clock's
 * resolution), or 0 when the kernel does not say.
 */
int64_t tick_length_ns(void);

/* The first time at or after not_before_ns that lies offset_ns past a
 * jiffy boundary, given the time of one boundary (last_tick_ns) and the
 * jiffy length.  Pure arithmetic, for tests.
 */
int64_t tick_next_start(int64_t not_before_ns, int64_t last_tick_ns,
			int64_t tick_ns, int64_t offset_ns);

/* The start time for a run that may begin now: the next such point on
 * this kernel (now itself when the jiffy is unknown).
 */
int64_t tick_aligned_start_ns(void);

#endif /* TCPCHECK_TICK_H */
