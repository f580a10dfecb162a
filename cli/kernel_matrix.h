/*
 * kernel_matrix.h - --kernel=A,B,...: every script on every kernel.
 *
 * Each kernel of the list (an image, or "host" for the running kernel)
 * plays the whole suite in turn; its results reach the writers as those
 * of one more family would, labelled "FAMILY@KERNEL", a script's kernels
 * side by side.  At the end come the scripts whose verdicts differ
 * between kernels, each with the first line of every report that is not
 * a pass.
 */
#ifndef TCPCHECK_KERNEL_MATRIX_H
#define TCPCHECK_KERNEL_MATRIX_H

#include "jobs.h"
#include "report.h"
#include "suite.h"
#include "vm_suite.h"

/* Plays the suite on this machine's kernel (preflight, then suite_run). */
typedef int (*host_suite_fn)(const struct job_list *jobs,
			     const struct suite_options *opts,
			     struct reporter **reps, int nrep,
			     struct suite_summary *sum);

/* Whether --kernel's value names more than one kernel, or "host". */
bool kernel_matrix_wanted(const char *list);

int kernel_matrix_run(const struct vm_settings *vs, const struct job_list *jobs,
		      const struct suite_options *opts, struct reporter **reps,
		      int nrep, struct suite_summary *sum, host_suite_fn host);

#endif /* TCPCHECK_KERNEL_MATRIX_H */
