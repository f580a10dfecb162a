/*
 * suite.h - running many scripts: the scheduler.
 *
 * Keeps up to N runners going at once (each script in its own process and
 * namespace, so they cannot disturb each other), ends a run that exceeds
 * its time limit, reruns a run that failed only on timing, keeps the
 * captures of failed runs, and hands every result to the report writers
 * as it comes.  SIGINT/SIGTERM stop every runner and end the suite.
 */
#ifndef TCPCHECK_SUITE_H
#define TCPCHECK_SUITE_H

#include <stdbool.h>

#include "jobs.h"
#include "report.h"

enum xfail_mode {
	XFAIL_NONE,
	XFAIL_TIMING,		/* failures that are timing errors */
	XFAIL_ALL,		/* every deviation (not malformed scripts) */
};

struct suite_options {
	int jobs;		/* runners at once, at least 1 */
	int timeout;		/* seconds a run may take; 0: no limit */
	int retries;		/* reruns of a run that failed on timing */
	/* Reruns of a run in which tcpcheck itself was late (OUTCOME_LATE);
	 * after the last, the run is skipped: the machine cannot run it.
	 */
	int late_retries;
	const char *pcap_dir;	/* keep captures here, or NULL */
	bool pcap_all;		/* keep those of passing runs too */
	/* Each run's trace goes to a file here, handed to the writers as
	 * script_result.events and removed after (NULL: no traces).
	 */
	const char *events_dir;
	enum xfail_mode xfail;
};

/* Run every job, report each result and the summary (also filled in
 * *sum).  Returns 0, or -1 when a report could not be written.
 */
int suite_run(const struct job_list *jobs, const struct suite_options *opts,
	      struct reporter **reps, int nrep, struct suite_summary *sum);

#endif /* TCPCHECK_SUITE_H */
