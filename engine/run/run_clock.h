/*
 * run_clock.h - the run loop's time: one small interface, several clocks.
 *
 * Every time the runner reads (now, a run's time 0, a deadline) and every
 * wait it makes goes through a struct run_clock.  Times are nanoseconds
 * on the clock's own base; the packet path and the system-call worker of
 * a run must stamp in the same base (the real clock's is CLOCK_MONOTONIC).
 *
 * The contract, for whoever writes a clock or a path/backend for one:
 *
 *   now()        the clock's time.  Never goes back.
 *   wait()       until deadline_ns or until a descriptor of fds polls
 *                readable, as ppoll(): >0 ready, 0 nothing ready (the
 *                deadline came, or an earlier instant of the clock's own:
 *                the runner checks the time and waits again), -1 errno.
 *                Descriptors < 0 are ignored.
 *   start()      time 0 of a run that may begin now (not before now).
 *   realtime_of  the CLOCK_REALTIME reading a stack would give for time
 *                ns, for times calls report (SCM_TIMESTAMPING).
 *
 * And policy, as data the runner reads (not hard-wired in the loop):
 *   quiet_spin_ns  the last stretch before the runner's own action is
 *                  spun on now(), not waited (0: never; a clock whose
 *                  now() moves only in wait() must say 0);
 *   inline_calls   system calls run on the runner's own thread, not on a
 *                  worker thread (worker.h: worker_start_inline()).
 *
 * The real clock (run_clock_real_new): CLOCK_MONOTONIC, absolute
 * deadlines, the last stretch before each deadline polled with a lead
 * learnt from its own wake-ups (wake_lead.h), the quiet spin, time 0 just
 * past a jiffy boundary (tick.h).
 *
 * The virtual clock (run_clock_virtual_new): time moves only in wait(),
 * and nothing sleeps.  wait() first runs what is due, then returns at
 * once if a descriptor is ready; otherwise it moves now to the earliest
 * of the deadline and the next instant a registered timer source needs
 * (a userspace stack's timers), runs what is due there, and returns what
 * is ready then.  So:
 *   - a packet path in virtual time stamps its packets with
 *     run_clock_now(), and its wait_fd must poll readable (a real
 *     descriptor: a pipe, an eventfd) whenever receive() has a datagram;
 *   - a path or stack with timers exposes them with
 *     packet_path_ops.next_instant/run_due (packet_path.h), which the
 *     runner registers with its clock (run_clock_add_timers);
 *   - system calls run inline (inline_calls): a backend call that would
 *     block returns -1 with *err = SYSCALL_BACKEND_PENDING
 *     (syscall_backend.h) and the runner performs it again each time it
 *     wakes (after each instant and each packet) until it returns
 *     anything else, which is when the call returned, by this clock.
 *
 * A third clock (a guest's: monotonic, no lead polling, timerfd wake-ups)
 * is another set of ops with its own policy fields.
 */
#ifndef TCPCHECK_RUN_CLOCK_H
#define TCPCHECK_RUN_CLOCK_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run_clock;

struct run_clock_ops {
	const char *name;	/* "real", "virtual": for -v */
	int64_t (*now)(struct run_clock *c);
	int (*wait)(struct run_clock *c, struct pollfd *fds, nfds_t nfds,
		    int64_t deadline_ns);
	int64_t (*start)(struct run_clock *c);
	int64_t (*realtime_of)(struct run_clock *c, int64_t ns);
	/* -v: what the clock has to say at the end of a run ("" or NULL:
	 * nothing).
	 */
	void (*summary)(struct run_clock *c, char *buf, size_t size);
	void (*free)(struct run_clock *c);
};

struct run_clock {
	const struct run_clock_ops *ops;
	int64_t quiet_spin_ns;
	bool inline_calls;
};

/* A source of instants on a virtual clock: next() is the earliest time
 * it needs the clock to stop at (INT64_MAX: none), run_due(now) runs
 * whatever is due at now.
 */
struct run_clock_timers {
	int64_t (*next)(void *ctx);
	void (*run_due)(void *ctx, int64_t now_ns);
	void *ctx;
};

/* NULL when out of memory. */
struct run_clock *run_clock_real_new(void);
/* A virtual clock whose time starts at start_ns (> 0). */
struct run_clock *run_clock_virtual_new(int64_t start_ns);

/* Register a timer source with a virtual clock (at most
 * RUN_CLOCK_TIMERS_MAX); -1 if full or c is not virtual.
 */
#define RUN_CLOCK_TIMERS_MAX 4
int run_clock_add_timers(struct run_clock *c,
			 const struct run_clock_timers *timers);
/* Forget a source (by ctx); no-op if it is not registered. */
void run_clock_remove_timers(struct run_clock *c, void *ctx);

static inline int64_t run_clock_now(struct run_clock *c)
{
	return c->ops->now(c);
}

/* NULL is allowed. */
static inline void run_clock_free(struct run_clock *c)
{
	if (c)
		c->ops->free(c);
}

#endif /* TCPCHECK_RUN_CLOCK_H */
