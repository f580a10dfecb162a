/*
 * code.h - packetdrill's %{ python }% code blocks.
 *
 * At a code block's time the runner takes a snapshot of TCP_INFO and
 * SO_MEMINFO of the socket the script last created or accepted; when
 * every other event has passed, all blocks run in order, in one Python
 * namespace, each seeing its own snapshot as tcpi_* and SK_MEMINFO_*
 * variables.  A failing assertion is reported at the script line of the
 * statement that failed.
 */
#ifndef TCPCHECK_CODE_H
#define TCPCHECK_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"
#include "run/sk_meminfo.h"
#include "run/tcp_info.h"

struct code_log;
struct syscall_backend;

/* What one block sees, as the kernel returned it (a length of 0: the
 * socket could not be asked).
 */
struct code_snapshot {
	unsigned char info[TCP_INFO_MAX];
	size_t info_len;
	uint32_t meminfo[SK_MEMINFO_COUNT];
	size_t meminfo_len;		/* bytes */
};

/* Ask fd (-1: no socket yet) for TCP_INFO and SO_MEMINFO now, through
 * the backend the script's calls go through.
 */
void code_snapshot_take(struct code_snapshot *snap,
			struct syscall_backend *backend, int fd);

struct code_log *code_log_new(void);
void code_log_free(struct code_log *log);

/* Record a block and its snapshot.  0, or -1 with err. */
int code_log_add(struct code_log *log, const struct event *event,
		 const struct code_snapshot *snap, struct error *err);

/* Run every recorded block with python3, in dir.  Returns an enum
 * outcome: OK, MISMATCH for a failed assertion (err: "path:line: ..."),
 * BAD_SCRIPT for a block Python cannot run, ENVIRONMENT without python3.
 */
int code_log_run(const struct code_log *log, const char *script_path,
		 struct error *err);

#endif /* TCPCHECK_CODE_H */
