/*
 * verdict.h - what the suite makes of an attempt that did not pass.
 *
 * Decided on the runner's fields alone (its outcome and the kind of its
 * failure, engine/core/error.h), never on the words of its report: a
 * timing failure or a packet missing at its deadline is played again
 * (--retries), as is a run in which tcpcheck itself was late
 * (--late-retries); a mismatch is final.  --xfail turns failures into
 * expected ones.
 */
#ifndef TCPCHECK_VERDICT_H
#define TCPCHECK_VERDICT_H

#include <stdbool.h>

#include "core/error.h"
#include "report.h"
#include "suite.h"

struct attempt {
	int outcome;			/* the runner's enum outcome */
	enum failure_kind kind;		/* what its failure was */
	bool timed_out;			/* stopped by --timeout */
};

/* The job's counts: attempts so far, this one included, and of them
 * those in which tcpcheck was late (counted here).
 */
struct attempt_counts {
	int attempts;
	int late;
};

/* True: play the job again.  False: *status is its result.  No retry
 * while the suite is being stopped (aborting).
 */
bool verdict_judge(const struct suite_options *opts, bool aborting,
		   const struct attempt *a, struct attempt_counts *counts,
		   enum result_status *status);

#endif /* TCPCHECK_VERDICT_H */
