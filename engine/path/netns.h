/*
 * netns.h - the private network namespace a script runs in.
 *
 * The calling process (the per-script runner child) leaves the host's
 * network namespace for a new, empty one; the namespace disappears with the
 * last process in it, so nothing can be left behind on the host, even if
 * the runner is killed.  A private mount namespace with its own /sys keeps
 * tools such as `ip`, `ethtool` and `sysctl` looking at the right devices.
 */
#ifndef TCPCHECK_NETNS_H
#define TCPCHECK_NETNS_H

#include <stdbool.h>

#include "core/error.h"

/* Move the calling process into a fresh network namespace and bring the
 * loopback device up; with private_sysfs, into a fresh mount namespace
 * too, with this namespace's /sys (it costs about a millisecond, in
 * setting up and in tearing down, so only runs that start programs ask
 * for it).  Returns OUTCOME_OK or OUTCOME_ENVIRONMENT with err saying
 * which step failed and why (e.g. no CAP_SYS_ADMIN).  Call before
 * creating any thread: only the calling thread moves.
 */
int netns_enter_private(bool private_sysfs, struct error *err);

/* Without root, the calling process first enters a user namespace of its
 * own, where it is root over the new network namespace: the uid and gid
 * it had map to 0.  What it can do there is what the namespace owns -
 * its devices, its net.* sysctls - and nothing host-wide.
 */

/* Whether an ordinary user can make that user and network namespace on
 * this machine (tried in a short-lived child).  0, or -1 with err saying
 * what is missing and how to grant it.
 */
int netns_userns_probe(struct error *err);

/* Whether the calling process runs in a user namespace that is not the
 * host's (as an unprivileged run does).
 */
bool netns_in_user_namespace(void);

/* Set an interface's flags up/down by name (ioctl; no external tools). */
int netif_set_up(const char *name, struct error *err);

#endif /* TCPCHECK_NETNS_H */
