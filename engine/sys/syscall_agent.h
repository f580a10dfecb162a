/*
 * syscall_agent.h - the system-call backend of wire mode: tcpcheck-agent
 * on the machine under test makes the calls (agent/proto.h).
 *
 * One control connection a script: connected and authenticated before
 * the script starts, ended with BYE (the agent then closes whatever the
 * script left open) when the backend is destroyed.  If the connection is
 * lost mid-script, every call after fails with EIO and
 * syscall_agent_lost() says so, for the report.
 */
#ifndef TCPCHECK_SYSCALL_AGENT_H
#define TCPCHECK_SYSCALL_AGENT_H

#include <stdbool.h>

#include "core/error.h"
#include "core/plan.h"
#include "sys/syscall_backend.h"

/* Connect to plan->wire.agent with the secret of plan->wire.secret_file.
 * OUTCOME_OK with *out, or OUTCOME_ENVIRONMENT with err (no agent there,
 * the secret refused, a bad secret file).
 */
int syscall_agent_connect(const struct net_plan *plan,
			  struct syscall_backend **out, struct error *err);

/* Connect, authenticate and leave: whether a run can start.  0 or -1. */
int syscall_agent_probe(const struct net_plan *plan, struct error *err);

/* Whether b is an agent backend whose connection was lost; err then says
 * how and when.
 */
bool syscall_agent_lost(struct syscall_backend *b, struct error *err);

/* Whether the agent runs shell commands (--allow-commands). */
bool syscall_agent_runs_commands(struct syscall_backend *b);

#endif /* TCPCHECK_SYSCALL_AGENT_H */
