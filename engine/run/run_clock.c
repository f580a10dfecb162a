/*
 * run_clock.c - the real clock and the virtual clock (run_clock.h).
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/clock.h"
#include "run/run_clock.h"
#include "run/tick.h"
#include "run/wake_lead.h"

/* What the runner does itself at a deadline (inject, call) is prepared
 * this long before it: the device is read, then only the clock until the
 * deadline.  The first system call after a sleep costs 3-6 us on a virtual
 * machine, whose caches the host has taken meanwhile (bench/README.md);
 * spent at the deadline, it delayed every injection by that much.  A
 * packet the stack sends in this last stretch keeps its kernel time and
 * is read at the next wait.
 */
#ifndef QUIET_SPIN_NS
#define QUIET_SPIN_NS 30000
#endif

/* ---- the real clock ---- */

struct real_clock {
	struct run_clock base;
	/* The last stretch before a deadline is polled, not slept: how
	 * long it is follows how late this run's sleeps have woken up.
	 */
	struct wake_lead wake;
};

static int64_t real_now(struct run_clock *c)
{
	(void)c;
	return clock_now_ns();
}

static int real_wait(struct run_clock *c, struct pollfd *fds, nfds_t nfds,
		     int64_t deadline_ns)
{
	struct real_clock *rc = (struct real_clock *)c;
	int64_t left = deadline_ns - clock_now_ns();
	int64_t lead = wake_lead_ns(&rc->wake);
	struct timespec ts;
	int ready;

	left = left > lead ? left - lead : 0;
	/* Polling, let the worker have the CPU they may share. */
	if (!left)
		sched_yield();
	ts.tv_sec = left / 1000000000;
	ts.tv_nsec = left % 1000000000;
	ready = ppoll(fds, nfds, &ts, NULL);
	if (ready == 0 && left)
		wake_lead_record(&rc->wake, clock_now_ns() -
					    (deadline_ns - lead));
	return ready;
}

/* Time 0 just past a jiffy boundary (tick.h), up to a jiffy from now. */
static int64_t real_start(struct run_clock *c)
{
	(void)c;
	return tick_aligned_start_ns();
}

static int64_t real_realtime_of(struct run_clock *c, int64_t ns)
{
	(void)c;
	return clock_realtime_of(ns);
}

static void real_summary(struct run_clock *c, char *buf, size_t size)
{
	struct real_clock *rc = (struct real_clock *)c;

	snprintf(buf, size, "timing: %lu timed sleeps, woken up to %.1f us "
		 "late; the last %.1f us before a deadline polled",
		 rc->wake.total, (double)rc->wake.worst_ns / 1e3,
		 (double)wake_lead_ns(&rc->wake) / 1e3);
}

static void real_free(struct run_clock *c)
{
	free(c);
}

static const struct run_clock_ops real_clock_ops = {
	.name = "real",
	.now = real_now,
	.wait = real_wait,
	.start = real_start,
	.realtime_of = real_realtime_of,
	.summary = real_summary,
	.free = real_free,
};

struct run_clock *run_clock_real_new(void)
{
	struct real_clock *rc = calloc(1, sizeof(*rc));

	if (!rc)
		return NULL;
	rc->base.ops = &real_clock_ops;
	rc->base.quiet_spin_ns = QUIET_SPIN_NS;
	rc->base.inline_calls = false;
	wake_lead_init(&rc->wake);
	/* Wake-ups at the requested nanosecond, not 50 us later. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	return &rc->base;
}

/* ---- the virtual clock ---- */

/* CLOCK_REALTIME at virtual time 0: a fixed date, so runs repeat. */
#define VIRTUAL_REALTIME_EPOCH_NS (1700000000LL * 1000000000LL)

struct virtual_clock {
	struct run_clock base;
	int64_t now_ns;
	struct run_clock_timers timers[RUN_CLOCK_TIMERS_MAX];
	int timer_count;
};

static int64_t virtual_now(struct run_clock *c)
{
	return ((struct virtual_clock *)c)->now_ns;
}

static void virtual_run_due(struct virtual_clock *vc)
{
	for (int i = 0; i < vc->timer_count; i++) {
		const struct run_clock_timers *t = &vc->timers[i];

		if (t->next(t->ctx) <= vc->now_ns)
			t->run_due(t->ctx, vc->now_ns);
	}
}

static int virtual_wait(struct run_clock *c, struct pollfd *fds, nfds_t nfds,
			int64_t deadline_ns)
{
	struct virtual_clock *vc = (struct virtual_clock *)c;
	int64_t target = deadline_ns;
	int ready;

	virtual_run_due(vc);
	ready = poll(fds, nfds, 0);
	if (ready != 0)
		return ready;
	for (int i = 0; i < vc->timer_count; i++) {
		int64_t next = vc->timers[i].next(vc->timers[i].ctx);

		if (next < target)
			target = next;
	}
	if (target > vc->now_ns)
		vc->now_ns = target;
	virtual_run_due(vc);
	return poll(fds, nfds, 0);
}

static int64_t virtual_start(struct run_clock *c)
{
	return ((struct virtual_clock *)c)->now_ns;
}

static int64_t virtual_realtime_of(struct run_clock *c, int64_t ns)
{
	(void)c;
	return ns + VIRTUAL_REALTIME_EPOCH_NS;
}

static void virtual_free(struct run_clock *c)
{
	free(c);
}

static const struct run_clock_ops virtual_clock_ops = {
	.name = "virtual",
	.now = virtual_now,
	.wait = virtual_wait,
	.start = virtual_start,
	.realtime_of = virtual_realtime_of,
	.summary = NULL,
	.free = virtual_free,
};

struct run_clock *run_clock_virtual_new(int64_t start_ns)
{
	struct virtual_clock *vc = calloc(1, sizeof(*vc));

	if (!vc)
		return NULL;
	vc->base.ops = &virtual_clock_ops;
	vc->base.quiet_spin_ns = 0;
	vc->base.inline_calls = true;
	vc->now_ns = start_ns;
	return &vc->base;
}

int run_clock_add_timers(struct run_clock *c,
			 const struct run_clock_timers *timers)
{
	struct virtual_clock *vc = (struct virtual_clock *)c;

	if (c->ops != &virtual_clock_ops ||
	    vc->timer_count == RUN_CLOCK_TIMERS_MAX)
		return -1;
	vc->timers[vc->timer_count++] = *timers;
	return 0;
}

void run_clock_remove_timers(struct run_clock *c, void *ctx)
{
	struct virtual_clock *vc = (struct virtual_clock *)c;

	if (c->ops != &virtual_clock_ops)
		return;
	for (int i = 0; i < vc->timer_count; i++)
		if (vc->timers[i].ctx == ctx) {
			vc->timers[i] = vc->timers[--vc->timer_count];
			return;
		}
}
