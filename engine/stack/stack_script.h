/*
 * stack_script.h - whether a script can be played against a userspace
 * stack at all, decided before anything runs.
 */
#ifndef TCPCHECK_STACK_SCRIPT_H
#define TCPCHECK_STACK_SCRIPT_H

#include "ast.h"
#include "core/error.h"
#include "tcpcheck/stack.h"

/* OUTCOME_OK, or OUTCOME_ENVIRONMENT with the reason and its line: a
 * shell command (it would run on the host: a stack run has no namespace
 * of its own), an outbound option the stack does not send (SACK,
 * timestamps, a window scale other than its own, Fast Open, MD5,
 * AccECN), or an encapsulated packet.
 */
/* A table's wscale that takes any shift count (a stack that does not
 * say, such as one written for packetdrill's interface).
 */
#define STACK_SCRIPT_ANY_WSCALE 0x7fffffff

int stack_script_runnable(const struct script *script,
			  const struct tcpcheck_stack *stack,
			  struct error *err);

#endif /* TCPCHECK_STACK_SCRIPT_H */
