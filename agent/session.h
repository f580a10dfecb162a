/*
 * session.h - one script's control connection on the agent's side.
 *
 * After the handshake, the connection's reader hands each CALL or
 * COMMAND to a lane: a thread that makes the call and sends its RESULT,
 * so a blocking call (accept(), a read that waits) does not hold up the
 * calls tcpcheck makes meanwhile.  The session ends with BYE, end of
 * file or any error; then blocked calls are interrupted, every
 * descriptor the script left is closed (connections reset) and every
 * command still running is killed, before the next session is accepted.
 */
#ifndef TCPCHECK_AGENT_SESSION_H
#define TCPCHECK_AGENT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct agent_config {
	const uint8_t *secret;
	size_t secret_len;
	bool allow_commands;
	bool verbose;
};

/* Serve one connection, then close it.  Returns 0 when a script ran, -1
 * when the peer was refused or the handshake failed.
 */
int session_serve(int fd, const struct agent_config *cfg);

/* Run a shell command, its output (stdout and stderr, cut at size - 1)
 * into out; returns its wait status, or -1 if it could not start.  *pid
 * is set while it runs (for killing it), back to 0 after.
 */
int command_run(const char *command, char *out, size_t size,
		volatile long *pid);

#endif /* TCPCHECK_AGENT_SESSION_H */
