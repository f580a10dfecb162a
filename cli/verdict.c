/*
 * verdict.c - retry, fail, expected failure, error or skip (see
 * verdict.h).
 */
#include "config.h"

#include "verdict.h"

static enum result_status failed_status(const struct suite_options *opts,
					const struct attempt *a)
{
	switch (opts->xfail) {
	case XFAIL_ALL:
		return RESULT_XFAIL;
	case XFAIL_TIMING:
		return !a->timed_out && failure_is_timing(a->kind) ?
			RESULT_XFAIL : RESULT_FAIL;
	case XFAIL_NONE:
		break;
	}
	return RESULT_FAIL;
}

bool verdict_judge(const struct suite_options *opts, bool aborting,
		   const struct attempt *a, struct attempt_counts *counts,
		   enum result_status *status)
{
	if (a->timed_out) {
		*status = failed_status(opts, a);
		return false;
	}
	switch (a->outcome) {
	case OUTCOME_OK:
		*status = RESULT_PASS;
		return false;
	case OUTCOME_MISMATCH:
		if (failure_is_timing(a->kind) && !aborting &&
		    counts->attempts - counts->late <= opts->retries)
			return true;
		*status = failed_status(opts, a);
		return false;
	case OUTCOME_LATE:
		/* No verdict on the stack: try again on a machine that may
		 * be less busy, and in the end say it could not be run.
		 */
		if (!aborting && ++counts->late <= opts->late_retries)
			return true;
		*status = RESULT_SKIP;
		return false;
	case OUTCOME_BAD_SCRIPT:
		*status = RESULT_ERROR;
		return false;
	default:
		*status = RESULT_SKIP;
		return false;
	}
}
