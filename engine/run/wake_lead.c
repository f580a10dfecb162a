/*
 * wake_lead.c - the runner's lead before a deadline, from the lateness
 * of its own timed sleeps (wake_lead.h).
 *
 * The lead is twice the largest lateness of the last WAKE_LEAD_WINDOW: the
 * largest of 64 samples sits near their 98th percentile, and a timer's
 * tail is long, so the margin is as large as what was seen.  An outlier
 * raises the lead for the next 64 wake-ups and is then forgotten.
 */
#include "config.h"

#include "run/wake_lead.h"

#include <string.h>

void wake_lead_init(struct wake_lead *w)
{
	memset(w, 0, sizeof(*w));
}

void wake_lead_record(struct wake_lead *w, int64_t late_ns)
{
	if (late_ns < 0)
		late_ns = 0;
	w->total++;
	if (late_ns > w->worst_ns)
		w->worst_ns = late_ns;
	if (late_ns > WAKE_LEAD_MAX_NS)
		late_ns = WAKE_LEAD_MAX_NS;
	w->late_ns[w->next] = late_ns;
	w->next = (w->next + 1) % WAKE_LEAD_WINDOW;
	if (w->seen < WAKE_LEAD_WINDOW)
		w->seen++;
}

int64_t wake_lead_ns(const struct wake_lead *w)
{
	int64_t largest = 0, lead;

	for (unsigned i = 0; i < w->seen; i++)
		if (w->late_ns[i] > largest)
			largest = w->late_ns[i];
	lead = 2 * largest;
	if (w->seen < WAKE_LEAD_SETTLE && lead < WAKE_LEAD_START_NS)
		lead = WAKE_LEAD_START_NS;
	if (lead < WAKE_LEAD_MIN_NS)
		lead = WAKE_LEAD_MIN_NS;
	if (lead > WAKE_LEAD_MAX_NS)
		lead = WAKE_LEAD_MAX_NS;
	return lead;
}
