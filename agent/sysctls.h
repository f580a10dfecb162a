/*
 * sysctls.h - putting back the network settings a script's commands
 * changed (Linux's /proc/sys/net; elsewhere there is nothing to read and
 * nothing is done).
 *
 * Under TUN every script has a namespace of its own, with the defaults;
 * the agent's stack keeps what a script's `sysctl` set.  So before the
 * first command of a script the agent reads every setting under
 * /proc/sys/net, and when the script is over writes back the ones that
 * changed.
 */
#ifndef TCPCHECK_AGENT_SYSCTLS_H
#define TCPCHECK_AGENT_SYSCTLS_H

struct sysctl_snapshot;

/* NULL when there is nothing to record (or no memory). */
struct sysctl_snapshot *sysctls_record(void);

/* Write back what changed, free the snapshot; returns how many settings
 * were restored.  NULL is allowed.
 */
int sysctls_restore(struct sysctl_snapshot *s);

#endif /* TCPCHECK_AGENT_SYSCTLS_H */
