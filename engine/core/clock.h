/*
 * clock.h - the engine's time base.
 *
 * All live times are CLOCK_MONOTONIC nanoseconds: immune to wall-clock
 * steps, and the clock the kernel's own packet timers follow.
 */
#ifndef TCPCHECK_CLOCK_H
#define TCPCHECK_CLOCK_H

#include <stdint.h>

int64_t clock_now_ns(void);

/* CLOCK_REALTIME minus CLOCK_MONOTONIC now, in ns: subtract it from a
 * kernel timestamp (packet sockets stamp in CLOCK_REALTIME) to get the
 * engine's time base.
 */
int64_t clock_realtime_offset_ns(void);

/* The CLOCK_REALTIME reading that corresponds to the monotonic time
 * mono_ns, for times the kernel reports in wall-clock time (socket
 * timestamps).
 */
int64_t clock_realtime_of(int64_t mono_ns);

/* Sleep until the absolute monotonic time deadline_ns (no drift: the
 * deadline is absolute).  Returns early with -1 if a signal arrives.
 */
int clock_sleep_until(int64_t deadline_ns);

#endif /* TCPCHECK_CLOCK_H */
