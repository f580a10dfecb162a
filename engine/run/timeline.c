/*
 * timeline.c - scheduling and timing checks (timeline.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "run/timeline.h"

int timeline_init(struct timeline *tl, const struct run_config *cfg,
		  int event_count)
{
	memset(tl, 0, sizeof(*tl));
	tl->cfg = cfg;
	tl->capacity = event_count;
	tl->nominal_us = calloc((size_t)event_count + 1, sizeof(int64_t));
	tl->played_us = calloc((size_t)event_count + 1, sizeof(int64_t));
	if (!tl->nominal_us || !tl->played_us) {
		timeline_free(tl);
		return -1;
	}
	return 0;
}

void timeline_free(struct timeline *tl)
{
	free(tl->nominal_us);
	free(tl->played_us);
	tl->nominal_us = tl->played_us = NULL;
}

int64_t timeline_tolerance_us(const struct timeline *tl, int64_t from_us,
			      int64_t to_us)
{
	int64_t dynamic = (int64_t)(tl->cfg->tolerance_percent / 100.0 *
				    (double)(to_us - from_us));

	return dynamic > tl->cfg->tolerance_usecs ? dynamic :
		tl->cfg->tolerance_usecs;
}

int64_t timeline_event_tolerance_us(const struct timeline *tl, int64_t t)
{
	return timeline_tolerance_us(tl, tl->have_last ? tl->last_us : 0, t);
}

bool timeline_is_injection(const struct event *e)
{
	return (e->kind == EVENT_PACKET && e->u.packet.direction == DIR_INBOUND) ||
	       (e->kind == EVENT_ICMP && e->u.icmp.direction == DIR_INBOUND) ||
	       (e->kind == EVENT_UDP && e->u.udp.direction == DIR_INBOUND);
}

/* What a relative outbound line counts from.  The kernel's transmit time
 * is exact, so it is held against when the previous event really
 * happened, not against when the runner got round to the next line: a
 * runner woken late must not make a punctual stack look early.  What the
 * runner itself does next (inject, call) still counts from the runner's
 * now, as packetdrill's does.
 */
static int64_t outbound_anchor_us(const struct timeline *tl, int64_t now_us)
{
	if (tl->done_ns)
		return (tl->done_ns - tl->start_ns) / 1000;
	return now_us;
}

void timeline_schedule(const struct timeline *tl, const struct event *e,
		       int64_t now_us, int64_t *t, int64_t *t_end,
		       int64_t *block_end)
{
	const struct event_time *et = &e->time;
	bool inbound = timeline_is_injection(e);
	bool relative = false;
	int64_t offset = 0;

	switch (et->kind) {
	case TIME_ABSOLUTE:
	case TIME_ABSOLUTE_RANGE:
		break;
	case TIME_RELATIVE:
	case TIME_RELATIVE_RANGE:
	case TIME_ANY:
		relative = true;
		if (tl->have_last && tl->last_was_inbound && inbound)
			offset = tl->last_us;
		else if ((e->kind == EVENT_PACKET || e->kind == EVENT_UDP) &&
			 !inbound)
			offset = outbound_anchor_us(tl, now_us);
		else
			offset = now_us;
		break;
	}
	*t = offset + (et->kind == TIME_ANY ? 0 : et->usecs);
	*t_end = *t;
	if (et->kind == TIME_ABSOLUTE_RANGE || et->kind == TIME_RELATIVE_RANGE)
		*t_end = offset + et->end_usecs;
	*block_end = *t;
	if (et->has_block_end)
		*block_end = (relative ? offset : 0) + et->block_end_usecs;
}

void timeline_note_played(struct timeline *tl, const struct event *e,
			  int64_t t, int64_t done_us)
{
	const struct event_time *et = &e->time;
	int64_t nominal = tl->last_nominal_us;

	if (et->kind == TIME_ABSOLUTE || et->kind == TIME_ABSOLUTE_RANGE)
		nominal = et->usecs;
	else if (et->kind != TIME_ANY)
		nominal += et->usecs;
	tl->last_nominal_us = nominal;
	if (tl->played < tl->capacity) {
		tl->nominal_us[tl->played] = nominal;
		tl->played_us[tl->played] = done_us;
		tl->played++;
	}
	tl->have_last = true;
	tl->last_us = t;
	tl->last_was_inbound = timeline_is_injection(e);
}

/* Where script time script_us fell on this run's timeline: relative
 * events start from when the previous one finished, so the run drifts
 * from the times as written, and the machine's load may delay any
 * event.  The latest time written at or before script_us anchors it: the
 * span from the first to the last event written at that time being done.
 */
void timeline_script_to_live(const void *timeline, int64_t script_us,
			     int64_t *lo, int64_t *hi)
{
	const struct timeline *tl = timeline;
	int64_t best = 0;
	bool found = false;
	int i;

	for (i = 0; i < tl->played; i++)
		if (tl->nominal_us[i] <= script_us &&
		    (!found || tl->nominal_us[i] > best)) {
			best = tl->nominal_us[i];
			found = true;
		}
	*lo = *hi = script_us;
	if (!found)
		return;
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (i = 0; i < tl->played; i++) {
		if (tl->nominal_us[i] != best)
			continue;
		if (tl->played_us[i] < *lo)
			*lo = tl->played_us[i];
		if (tl->played_us[i] > *hi)
			*hi = tl->played_us[i];
	}
	*lo += script_us - best;
	*hi += script_us - best;
}

static double secs(int64_t us)
{
	return (double)us / 1e6;
}

int timeline_check_time(const struct timeline *tl, const struct event *e,
			const char *what, int64_t actual, int64_t t,
			int64_t t_end, struct error *why)
{
	int64_t tol = timeline_event_tolerance_us(tl, t);
	char from[32], to[32], within[32];
	int64_t off;

	if (e->time.kind == TIME_ANY)
		return OUTCOME_OK;
	if (actual >= t - tol && actual <= t_end + tol)
		return OUTCOME_OK;
	off = actual < t ? t - actual : actual - t_end;
	usecs_format(t, from, sizeof(from));
	usecs_format(t_end, to, sizeof(to));
	usecs_format(tol, within, sizeof(within));
	if (t_end != t)
		error_set(why, "timing error: %s expected between %s s and %s s "
			  "(tolerance \u00b1%s s), seen at %.3f s: %.1f ms %s",
			  what, from, to, within, secs(actual),
			  (double)off / 1000.0, actual < t ? "early" : "late");
	else
		error_set(why, "timing error: %s expected at %s s (tolerance "
			  "\u00b1%s s), seen at %.3f s: %.1f ms %s", what, from,
			  within, secs(actual), (double)off / 1000.0,
			  actual < t ? "early" : "late");
	return OUTCOME_MISMATCH;
}

/* That says nothing of the stack, which then was not tested as scripted:
 * OUTCOME_LATE, not a mismatch.
 */
int timeline_check_own_time(const struct timeline *tl, const struct event *e,
			    const char *what, int64_t t, int64_t actual,
			    struct error *why)
{
	int64_t tol = timeline_event_tolerance_us(tl, t);
	char due[32], within[32];

	if (e->time.kind == TIME_ANY || actual <= t + tol)
		return OUTCOME_OK;
	usecs_format(t, due, sizeof(due));
	usecs_format(tol, within, sizeof(within));
	error_set(why, "tcpcheck was late: %s due at %s s (tolerance \u00b1%s "
		  "s), started at %.3f s: %.1f ms late (held up by the machine "
		  "or by what ran before); the stack was not tested as "
		  "scripted", what, due, within, secs(actual),
		  (double)(actual - t) / 1000.0);
	return OUTCOME_LATE;
}
