/*
 * shell.h - the shell commands a script runs (`...` lines).
 *
 * Commands run with /bin/sh inside the script's namespace, in the script's
 * directory (upstream scripts call `../common/defaults.sh`), with
 * PACKETDRILL_PID set to the runner's pid: helpers name restore files
 * after it, and the scripts find them again through their $PPID.
 * NSTAT_HISTORY points nstat(8) at a history file of the runner's own.
 */
#ifndef TCPCHECK_SHELL_H
#define TCPCHECK_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

enum shell_status {
	SHELL_OK = 0,
	SHELL_FAILED = 1,	/* exited non-zero or was killed; err says how */
	SHELL_INTERRUPTED = 2,	/* tcpcheck was asked to stop */
};

/* Run command and wait for it.  Returns a shell_status, or -1 with err if
 * it could not be started.  Whatever the command left running in its
 * process group is killed when it returns.
 */
int shell_run(const char *command, const char *dir, struct error *err);

/* When command is a `sysctl` that sets a key this kernel does not have
 * (no /proc/sys file), that key in buf: the script cannot be played
 * here (125), which is not a failure of the stack.
 */
bool shell_missing_sysctl(const char *command, char *buf, size_t size);

/* Remove what the commands of this runner left for it (nstat's history). */
void shell_cleanup(void);
/* The same for a runner that could not do it itself (killed outright),
 * from its parent.
 */
void shell_cleanup_of(pid_t runner);

/* In a child just forked by the runner, before exec: a process group of
 * its own (Ctrl-C reaches the runner, which stops the child), death with
 * the runner, default signals.  Exits (127) if the runner is already
 * gone.  Shared by the shell commands and the code blocks' Python.
 */
void shell_child_prepare(pid_t runner);

#endif /* TCPCHECK_SHELL_H */
