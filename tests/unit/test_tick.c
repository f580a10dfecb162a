/*
 * test_tick.c - choosing a run's start just past a jiffy boundary
 * (engine/run/tick.c): the arithmetic, and that this kernel's start times
 * really share one phase within the jiffy.
 */
#include "config.h"

#include "core/clock.h"
#include "tap.h"
#include "run/tick.h"

#include <stdbool.h>
#include <time.h>

static void test_next_start(void)
{
	/* Boundaries at 1000 + 4000k, starting 250 past one. */
	tap_is_int(tick_next_start(1000, 1000, 4000, 250), 1250,
		   "right at a boundary: 250 past it");
	tap_is_int(tick_next_start(1251, 1000, 4000, 250), 5250,
		   "just after that point: the next jiffy's");
	tap_is_int(tick_next_start(5250, 1000, 4000, 250), 5250,
		   "exactly on a start point: that one");
	tap_is_int(tick_next_start(41000, 1000, 4000, 250), 41250,
		   "many jiffies later: still on the grid");
	tap_is_int(tick_next_start(777, 1000, 0, 250), 777,
		   "no known jiffy: start now");
}

static int64_t coarse_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* How far apart two phases within a tick are, either way round. */
static int64_t phase_distance(int64_t a, int64_t b, int64_t tick)
{
	int64_t d = (a - b) % tick;

	if (d < 0)
		d += tick;
	return d < tick - d ? d : tick - d;
}

/* A jiffy lasts a tick as the kernel's clock adjustment (NTP) makes it,
 * so in CLOCK_MONOTONIC nanoseconds the phase drifts by a nanosecond now
 * and then: "the same phase" is to within this.
 */
#define PHASE_SLACK_NS 2000

/* What tick_aligned_start_ns() relies on: the coarse clock moves in
 * whole ticks, so every value it shows has the same phase, whether the
 * CPU was busy or idle in between; and every start point shares it.
 */
static void test_kernel_phase(void)
{
	int64_t tick = tick_length_ns();
	int64_t phase = -1;
	bool same = true;

	if (tick <= 0 || tick > 10000000) {
		tap_ok(true, "# SKIP no tick-driven coarse clock here");
		return;
	}
	for (int i = 0; i < 8; i++) {
		int64_t c = coarse_ns(), start = tick_aligned_start_ns();

		if (phase < 0)
			phase = c % tick;
		if (phase_distance(c % tick, phase, tick) > PHASE_SLACK_NS ||
		    phase_distance((start - TICK_START_OFFSET_NS) % tick, phase,
				   tick) > PHASE_SLACK_NS)
			same = false;
		/* Pause a varying part of a jiffy, as scripts do. */
		clock_sleep_until(clock_now_ns() + tick / 7 * (i + 1));
	}
	tap_ok(same, "the coarse clock and every start point keep one phase "
	       "(%lld ns into each %lld ns tick, to %d ns)", (long long)phase,
	       (long long)tick, PHASE_SLACK_NS);
}

int main(void)
{
	test_next_start();
	test_kernel_phase();
	return tap_done();
}
