/*
 * check.h - the semantic pass between parsing and running.
 *
 * Everything that can be known wrong about a script without running it
 * is found here, all at once, with locations: unknown flags or system
 * calls, inconsistent sequence ranges, time going backwards.  A script
 * that passes this check can still fail at run time, but never for a
 * reason this pass could have reported.
 */
#ifndef TCPCHECK_CHECK_H
#define TCPCHECK_CHECK_H

#include "ast.h"
#include "diag.h"

/* Returns 0 if the script is fine, else -1 with diagnostics appended. */
int script_check(const struct script *script, struct diag_list *diags);

#endif /* TCPCHECK_CHECK_H */
