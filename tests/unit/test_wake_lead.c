/*
 * test_wake_lead.c - the runner's lead before a deadline
 * (engine/run/wake_lead.c): where it starts, how it follows the lateness of
 * the run's wake-ups, its bounds, that an outlier is forgotten, and the
 * run's totals that -v prints.
 */
#include "config.h"

#include "tap.h"
#include "run/wake_lead.h"

static void record_n(struct wake_lead *w, int n, int64_t late_ns)
{
	for (int i = 0; i < n; i++)
		wake_lead_record(w, late_ns);
}

static void test_start(void)
{
	struct wake_lead w;

	wake_lead_init(&w);
	tap_is_int(wake_lead_ns(&w), WAKE_LEAD_START_NS,
		   "no wake-up seen yet: the starting lead");
	record_n(&w, WAKE_LEAD_SETTLE - 1, 5000);
	tap_is_int(wake_lead_ns(&w), WAKE_LEAD_START_NS,
		   "a few punctual wake-ups do not shorten it yet");
	wake_lead_record(&w, 5000);
	tap_is_int(wake_lead_ns(&w), WAKE_LEAD_MIN_NS,
		   "enough punctual wake-ups: down to the minimum");

	wake_lead_init(&w);
	wake_lead_record(&w, 400000);
	tap_is_int(wake_lead_ns(&w), 800000,
		   "one very late wake-up raises it at once, before settling");
}

static void test_follows_lateness(void)
{
	struct wake_lead w;

	wake_lead_init(&w);
	record_n(&w, WAKE_LEAD_WINDOW, 120000);
	tap_is_int(wake_lead_ns(&w), 240000,
		   "twice the lateness seen (VM timers, 120 us late)");
	wake_lead_record(&w, 180000);
	tap_is_int(wake_lead_ns(&w), 360000,
		   "the largest recent lateness decides");
	record_n(&w, WAKE_LEAD_WINDOW - 1, 120000);
	tap_is_int(wake_lead_ns(&w), 360000,
		   "still remembered one wake-up before it leaves the window");
	wake_lead_record(&w, 120000);
	tap_is_int(wake_lead_ns(&w), 240000,
		   "forgotten after WAKE_LEAD_WINDOW later wake-ups");
}

static void test_bounds(void)
{
	struct wake_lead w;

	wake_lead_init(&w);
	record_n(&w, WAKE_LEAD_SETTLE, 3000000000LL);
	tap_is_int(wake_lead_ns(&w), WAKE_LEAD_MAX_NS,
		   "a host that took the CPU for seconds: capped");
	tap_is_int(w.worst_ns, 3000000000LL,
		   "the run's worst lateness is kept as it was, for -v");
	tap_is_int(w.total, WAKE_LEAD_SETTLE, "every wake-up is counted");
	wake_lead_init(&w);
	record_n(&w, WAKE_LEAD_SETTLE, -7000);
	tap_is_int(wake_lead_ns(&w), WAKE_LEAD_MIN_NS,
		   "an early wake-up counts as punctual");
}

int main(void)
{
	test_start();
	test_follows_lateness();
	test_bounds();
	return tap_done();
}
