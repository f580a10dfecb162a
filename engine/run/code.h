/*
 * code.h - packetdrill's %{ python }% code blocks.
 *
 * At a code block's time the runner takes a snapshot of TCP_INFO of the
 * socket the script last created or accepted; when every other event has
 * passed, all blocks run in order, in one Python namespace, each seeing
 * its own snapshot as tcpi_* variables.  A failing assertion is reported
 * at the script line of the statement that failed.
 */
#ifndef TCPCHECK_CODE_H
#define TCPCHECK_CODE_H

#include <stddef.h>

#include "ast.h"
#include "core/error.h"

struct code_log;

struct code_log *code_log_new(void);
void code_log_free(struct code_log *log);

/* Record a block and its snapshot (info may be NULL when there was no
 * socket to ask).  0, or -1 with err.
 */
int code_log_add(struct code_log *log, const struct event *event,
		 const unsigned char *info, size_t info_len, struct error *err);

/* Run every recorded block with python3, in dir.  Returns an enum
 * outcome: OK, MISMATCH for a failed assertion (err: "path:line: ..."),
 * BAD_SCRIPT for a block Python cannot run, ENVIRONMENT without python3.
 */
int code_log_run(const struct code_log *log, const char *script_path,
		 struct error *err);

#endif /* TCPCHECK_CODE_H */
