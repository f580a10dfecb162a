/*
 * stack_session.h - one script played against a userspace stack plugin,
 * inside the runner process session.c forks: no namespace, no root, and
 * virtual time.
 */
#ifndef TCPCHECK_STACK_SESSION_H
#define TCPCHECK_STACK_SESSION_H

#include <stdbool.h>

#include "ast.h"
#include "core/error.h"
#include "run/run.h"

struct session_options;

/* True when opts names a stack other than the kernel. */
bool stack_session_wanted(const struct session_options *opts);

/* Load the stack, play script against it on a virtual clock, write the
 * capture the options ask for.  An enum outcome, err filled when not OK.
 */
int stack_session_run(const struct script *script,
		      const struct run_config *cfg,
		      const struct session_options *opts, struct error *err);

#endif /* TCPCHECK_STACK_SESSION_H */
