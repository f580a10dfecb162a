/*
 * calls.h - the system calls the agent makes for a script.
 *
 * A CALL frame's payload names an operation and its arguments (proto.h);
 * calls_run() makes the call and writes the RESULT payload: the return
 * value, errno (Linux's number), the agent's monotonic times around the
 * call in nanoseconds, and, when the call succeeded, its outputs.  Every
 * descriptor a call creates is remembered, so that the end of the script
 * closes what the script left open.
 */
#ifndef TCPCHECK_AGENT_CALLS_H
#define TCPCHECK_AGENT_CALLS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define CALLS_MAX_FDS 1024

/* The descriptors a script opened, shared by the agent's call threads. */
struct agent_fds {
	pthread_mutex_t lock;
	int count;
	int fds[CALLS_MAX_FDS];
};

void agent_fds_init(struct agent_fds *s);
/* Close every descriptor left, resetting connections (SO_LINGER 0) so no
 * state outlives the script; returns how many there were.
 */
int agent_fds_close_all(struct agent_fds *s);

void calls_run(struct agent_fds *fds, const uint8_t *payload, size_t len,
	       struct proto_buf *out);

/* The same, making no call: only the arguments are decoded (and the
 * RESULT says EINVAL).  For the fuzz target (tests/fuzz/).
 */
void calls_decode(const uint8_t *payload, size_t len, struct proto_buf *out);

#endif /* TCPCHECK_AGENT_CALLS_H */
