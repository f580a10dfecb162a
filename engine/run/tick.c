/*
 * tick.c - jiffy boundaries from the coarse monotonic clock (tick.h).
 *
 * CLOCK_MONOTONIC_COARSE is the time the kernel's timekeeping recorded
 * at its last tick, and its resolution is the tick length.  Timekeeping
 * advances that value by whole ticks, so it always lies on the same grid:
 * its phase within a jiffy is fixed since boot, a constant offset from
 * the moment jiffies change, even when a tickless kernel lets it go
 * stale.  That names the grid without waiting for it, where packetdrill
 * spins on times(2) for 100 ms.
 */
#include "config.h"

#include <time.h>

#include "core/clock.h"
#include "run/tick.h"

int64_t tick_length_ns(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) < 0)
		return 0;
	return (int64_t)res.tv_sec * 1000000000 + res.tv_nsec;
}

int64_t tick_next_start(int64_t not_before_ns, int64_t last_tick_ns,
			int64_t tick_ns, int64_t offset_ns)
{
	int64_t start;

	if (tick_ns <= 0)
		return not_before_ns;
	start = last_tick_ns + offset_ns;
	if (start < not_before_ns)
		start += (not_before_ns - start + tick_ns - 1) / tick_ns * tick_ns;
	return start;
}

int64_t tick_aligned_start_ns(void)
{
	struct timespec coarse;
	int64_t tick = tick_length_ns();
	int64_t now = clock_now_ns();

	/* A tick much longer than a jiffy can be (HZ=100 gives 10 ms) means
	 * the clock is not tick-driven here: do not wait for it.
	 */
	if (tick <= 0 || tick > 10000000 ||
	    clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse) < 0)
		return now;
	return tick_next_start(now, (int64_t)coarse.tv_sec * 1000000000 +
			       coarse.tv_nsec, tick, TICK_START_OFFSET_NS);
}
