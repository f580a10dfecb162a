/*
 * timeline.h - when each line is due, and whether it happened in time.
 *
 * Timing model (packetdrill's, so existing scripts keep their meaning):
 * script time 0 is the moment after the init command; an absolute time
 * is measured from there; a relative time (+x) from the moment the
 * previous event finished, except that consecutive inbound packets are
 * anchored to each other's scheduled times so that processing overhead
 * does not accumulate, and an outbound packet is anchored to when the
 * previous event really happened (done_ns).  The allowed error of each
 * event is the larger of --tolerance_usecs and --tolerance_percent of
 * the interval since the previous event.  All in microseconds of script
 * time unless named _ns (the run's clock).
 */
#ifndef TCPCHECK_TIMELINE_H
#define TCPCHECK_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"
#include "run/run.h"

struct timeline {
	const struct run_config *cfg;
	int64_t start_ns;	/* script time 0 on the run's clock */
	bool have_last;
	int64_t last_us;	/* scheduled time of the previous event */
	bool last_was_inbound;
	/* When the previous event really happened, by the clock that saw
	 * it (the kernel's for a packet, the worker's for a call's return);
	 * 0: not known.
	 */
	int64_t done_ns;
	/* Each event's time as written (relative ones added up) and when
	 * the run played it, for times given inside call arguments
	 * (SCM_TIMESTAMPING), which are script times: see
	 * timeline_script_to_live().
	 */
	int64_t *nominal_us;
	int64_t *played_us;
	int played, capacity;
	int64_t last_nominal_us;
};

/* 0, or -1 when out of memory. */
int timeline_init(struct timeline *tl, const struct run_config *cfg,
		  int event_count);
void timeline_free(struct timeline *tl);

/* The allowed error of something due over [from_us, to_us]: the larger
 * of --tolerance_usecs and --tolerance_percent of the span.
 */
int64_t timeline_tolerance_us(const struct timeline *tl, int64_t from_us,
			      int64_t to_us);
/* ... of an event due at t, counted from the previous event. */
int64_t timeline_event_tolerance_us(const struct timeline *tl, int64_t t);

/* A packet the runner injects: TCP, UDP or ICMP. */
bool timeline_is_injection(const struct event *e);

/* When e is due (t; t_end for a range; block_end for `start...end`
 * calls), now_us being the run's time now.
 */
void timeline_schedule(const struct timeline *tl, const struct event *e,
		       int64_t now_us, int64_t *t, int64_t *t_end,
		       int64_t *block_end);

/* e, due at t, is over at done_us. */
void timeline_note_played(struct timeline *tl, const struct event *e,
			  int64_t t, int64_t done_us);

/* struct syscall_ctx's script_to_live, timeline being a struct timeline. */
void timeline_script_to_live(const void *timeline, int64_t script_us,
			     int64_t *lo, int64_t *hi);

/* Did something happen within [t - tol, t_end + tol]?  OUTCOME_OK, or
 * OUTCOME_MISMATCH with the timing error in why (no location).
 */
int timeline_check_time(const struct timeline *tl, const struct event *e,
			const char *what, int64_t actual, int64_t t,
			int64_t t_end, struct error *why);

/* The runner's own action started at actual, due at t: OUTCOME_OK, or
 * OUTCOME_LATE with why (it never starts early: it waits for its time).
 */
int timeline_check_own_time(const struct timeline *tl, const struct event *e,
			    const char *what, int64_t t, int64_t actual,
			    struct error *why);

#endif /* TCPCHECK_TIMELINE_H */
