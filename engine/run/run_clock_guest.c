/*
 * run_clock_guest.c - the clock of a run inside a guest that qemu runs in
 * virtual time (tcpcheck --kernel, -icount): run_clock_guest_new().
 *
 * There the guest's CLOCK_MONOTONIC follows the instructions it executes,
 * not the host: an idle wait costs nothing and no wake-up is late because
 * the host was busy.  What is left to cause lateness is the guest
 * kernel's own doing, and the real clock's remedies make it worse:
 *   - polling the last stretch before a deadline (the wake lead, the
 *     quiet spin) burns guest instructions, hence guest time, and on the
 *     guest's one vCPU it starves the worker thread whose blocking call
 *     should be sending a SYN meanwhile;
 *   - a poll timeout carries the thread's timer slack.
 * So this clock never polls (quiet_spin_ns is 0, no lead) and each wait
 * is a ppoll without timeout on the run's descriptors plus a timerfd
 * armed at the absolute deadline: an hrtimer, which fires without slack.
 * Time 0 is still put just past a jiffy boundary (tick.h), as packetdrill
 * does: the kernel's TCP timers run on jiffies in a guest too.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/clock.h"
#include "run/run_clock.h"
#include "run/tick.h"

#define GUEST_FDS_MAX 16

struct guest_clock {
	struct run_clock base;
	int timer_fd;		/* made by the process that waits first */
	pid_t owner;
	unsigned long waits;
	int64_t worst_late_ns;	/* after a deadline the timer ended */
};

static int64_t guest_now(struct run_clock *c)
{
	(void)c;
	return clock_now_ns();
}

/* The timerfd of this process: a clock made before a fork is not shared
 * with the runner that inherits it.
 */
static int timer_of(struct guest_clock *gc)
{
	if (gc->timer_fd >= 0 && gc->owner == getpid())
		return gc->timer_fd;
	gc->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	gc->owner = getpid();
	return gc->timer_fd;
}

static int guest_wait(struct run_clock *c, struct pollfd *fds, nfds_t nfds,
		      int64_t deadline_ns)
{
	struct guest_clock *gc = (struct guest_clock *)c;
	struct pollfd all[GUEST_FDS_MAX + 1];
	struct itimerspec at = { .it_value = {
		.tv_sec = deadline_ns / 1000000000,
		.tv_nsec = deadline_ns % 1000000000 } };
	int tfd = timer_of(gc), ready;
	uint64_t ticks;

	if (tfd < 0 || nfds > GUEST_FDS_MAX) {
		errno = tfd < 0 ? errno : EINVAL;
		return -1;
	}
	/* Already due: a look at the descriptors, after letting the worker
	 * (on the same CPU, at the same priority) run first.
	 */
	if (deadline_ns <= clock_now_ns()) {
		sched_yield();
		return poll(fds, nfds, 0);
	}
	for (nfds_t i = 0; i < nfds; i++)
		all[i] = fds[i];
	all[nfds] = (struct pollfd){ .fd = tfd, .events = POLLIN };
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &at, NULL) < 0)
		return -1;
	ready = ppoll(all, nfds + 1, NULL, NULL);
	for (nfds_t i = 0; i < nfds && ready >= 0; i++)
		fds[i].revents = all[i].revents;
	if (ready > 0 && all[nfds].revents) {
		int64_t late = clock_now_ns() - deadline_ns;

		(void)!read(tfd, &ticks, sizeof(ticks));
		ready--;
		gc->waits++;
		if (late > gc->worst_late_ns)
			gc->worst_late_ns = late;
	}
	/* Disarmed, so a deadline not reached does not wake a later wait. */
	timerfd_settime(tfd, 0, &(struct itimerspec){ 0 }, NULL);
	return ready;
}

static int64_t guest_start(struct run_clock *c)
{
	(void)c;
	return tick_aligned_start_ns();
}

static int64_t guest_realtime_of(struct run_clock *c, int64_t ns)
{
	(void)c;
	return clock_realtime_of(ns);
}

static void guest_summary(struct run_clock *c, char *buf, size_t size)
{
	struct guest_clock *gc = (struct guest_clock *)c;

	snprintf(buf, size, "timing: guest clock, %lu timed waits, woken up "
		 "to %.1f us after the deadline, nothing polled",
		 gc->waits, (double)gc->worst_late_ns / 1e3);
}

static void guest_free(struct run_clock *c)
{
	struct guest_clock *gc = (struct guest_clock *)c;

	if (gc->timer_fd >= 0 && gc->owner == getpid())
		close(gc->timer_fd);
	free(gc);
}

static const struct run_clock_ops guest_clock_ops = {
	.name = "guest",
	.now = guest_now,
	.wait = guest_wait,
	.start = guest_start,
	.realtime_of = guest_realtime_of,
	.summary = guest_summary,
	.free = guest_free,
};

struct run_clock *run_clock_guest_new(void)
{
	struct guest_clock *gc = calloc(1, sizeof(*gc));

	if (!gc)
		return NULL;
	gc->base.ops = &guest_clock_ops;
	gc->base.quiet_spin_ns = 0;
	gc->base.inline_calls = false;
	gc->timer_fd = -1;
	return &gc->base;
}
