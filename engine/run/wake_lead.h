/*
 * wake_lead.h - how long before a deadline the runner stops sleeping.
 *
 * A thread asleep until a deadline wakes up late by the timer's latency:
 * microseconds on bare metal, 100-250 us (and now and then far more) on a
 * virtual machine, whose halted vCPU the host must schedule again.  The
 * runner sleeps until a lead before each deadline and polls the rest.
 * The lead follows the lateness of this run's own wake-ups: long enough
 * that a late wake-up still comes before the deadline, no longer than
 * the machine needs, since polling costs a CPU.
 */
#ifndef TCPCHECK_WAKE_LEAD_H
#define TCPCHECK_WAKE_LEAD_H

#include <stdint.h>

/* The lead before a run has seen enough wake-ups to know its machine:
 * covers this project's VMs (bench/README.md), whose timers are late by
 * 100 us at the median and 250 us at the 99th percentile.
 */
#define WAKE_LEAD_START_NS 500000
/* Never shorter: on a fast machine a deadline still gets a polled
 * stretch in which the runner's code and data come back into the cache.
 */
#define WAKE_LEAD_MIN_NS 200000
/* Never longer: a wake-up held up for milliseconds is the host taking
 * the CPU away, which polling longer would not prevent.
 */
#define WAKE_LEAD_MAX_NS 2000000
/* Wake-ups remembered, and how many are needed before the lead may
 * shrink below WAKE_LEAD_START_NS.
 */
#define WAKE_LEAD_WINDOW 64
#define WAKE_LEAD_SETTLE 8

struct wake_lead {
	int64_t late_ns[WAKE_LEAD_WINDOW];	/* a ring, newest at next-1 */
	unsigned next;
	unsigned seen;
	/* The whole run's, for -v. */
	unsigned long total;
	int64_t worst_ns;
};

void wake_lead_init(struct wake_lead *w);

/* A timed sleep ended late_ns after the time it asked for. */
void wake_lead_record(struct wake_lead *w, int64_t late_ns);

/* How long before a deadline to stop sleeping, in ns. */
int64_t wake_lead_ns(const struct wake_lead *w);

#endif /* TCPCHECK_WAKE_LEAD_H */
