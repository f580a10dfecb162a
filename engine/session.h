/*
 * session.h - one script, one child process, one private namespace.
 *
 * The runner of each script is a child process that moves itself into a
 * new network namespace, creates tun0 there and plays the script.  When
 * the child exits, for whatever reason, the kernel destroys the namespace
 * and the device with it: the host is never touched and nothing needs
 * cleaning up.  The child sends its report back through a pipe.
 */
#ifndef TCPCHECK_SESSION_H
#define TCPCHECK_SESSION_H

#include "ast.h"
#include "error.h"
#include "run.h"

/* Returns an enum outcome; err holds the report when it is not OK.
 * *interrupted is set when the run ended because of SIGINT/SIGTERM.
 */
int session_run(const struct script *script, const struct run_config *cfg,
		struct error *err, bool *interrupted);

#endif /* TCPCHECK_SESSION_H */
