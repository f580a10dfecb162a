/*
 * host_sysctl.h - the host's global sysctls, put back after each run.
 *
 * A runner's network namespace has its own copy of the net.* sysctls,
 * but not of the others (kernel.*, vm.*, fs.*, user.*, ...): those are
 * the host's, and so is the one net.* value the kernel keeps once for
 * every namespace although each shows it
 * (net.ipv4.tcp_allowed_congestion_control).  A script's shell command
 * that writes one of them changes the machine for everything after it.
 * So the session records their values before its runner starts and, once
 * the runner is gone (however it ended), writes back each one that
 * changed.
 */
#ifndef TCPCHECK_HOST_SYSCTL_H
#define TCPCHECK_HOST_SYSCTL_H

#include <stdio.h>

#include "core/error.h"

struct host_sysctls;

/* Record the values under root (normally "/proc/sys"; tests give a
 * directory of their own).  0 with *out set, or -1 with err (out of
 * memory; a file that cannot be read is left out, not an error).
 */
int host_sysctls_record(const char *root, struct host_sysctls **out,
			struct error *err);

/* Write back every recorded value that differs now.  Each sysctl put
 * back, or that could not be, is said on trace (when not NULL) in one
 * line.  Returns the number of sysctls that had changed.
 */
int host_sysctls_restore(const struct host_sysctls *rec, FILE *trace);

void host_sysctls_free(struct host_sysctls *rec);

#endif /* TCPCHECK_HOST_SYSCTL_H */
