/*
 * check.h - the semantic pass between parsing and running.
 *
 * Everything that can be known wrong about a script without running it
 * is found here, all at once, with locations: unknown flags or system
 * calls, inconsistent sequence ranges, time going backwards; then, once
 * for each address family the script runs in, what depends on the family
 * (an ICMP type of that version, a flow label only on IPv6, a segment
 * whose addresses and length the family's headers can carry).  A script
 * that passes both can still fail at run time, but never for a reason
 * these passes could have reported: a run that finds the script bad
 * (OUTCOME_BAD_SCRIPT) is a bug in tcpcheck.
 */
#ifndef TCPCHECK_CHECK_H
#define TCPCHECK_CHECK_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"
#include "core/plan.h"

/* Returns 0 if the script is fine, else -1 with diagnostics appended. */
int script_check(const struct script *script, struct diag_list *diags);

/* Whether a TCP line names its ports: the runner then keeps every
 * connection, else a new socket() retires the ones before it.
 */
bool script_names_ports(const struct script *script);

/* The checks that depend on the family, for the plan a job runs with;
 * after script_check() passed.  0, or -1 with diagnostics appended.
 */
int script_check_family(const struct script *script,
			const struct net_plan *plan, struct diag_list *diags);

#endif /* TCPCHECK_CHECK_H */
