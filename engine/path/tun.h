/*
 * tun.h - the TUN implementation of the packet path.
 *
 * Creates the device the scripts know as tun0 inside the current (private)
 * network namespace, gives it the plan's local address, routes the plan's
 * remote address through it, and reads and writes raw IP datagrams on it.
 */
#ifndef TCPCHECK_TUN_H
#define TCPCHECK_TUN_H

#include "path/packet_path.h"
#include "core/plan.h"

/* Returns OUTCOME_OK with *out set, or OUTCOME_ENVIRONMENT with err
 * (no /dev/net/tun, no privilege, an ioctl refused).  With kernel_times,
 * packets are timed by the kernel's timestamps where it can give them;
 * a run without packet lines does without (the packet socket costs a
 * few hundred microseconds to open and close).
 */
int tun_path_open(const struct net_plan *plan, bool kernel_times,
		  struct packet_path **out, struct error *err);

/* Whether this machine can create TUN devices at all: /dev/net/tun opens
 * and answers as the TUN driver.  Creates nothing, so it is safe to call
 * in the host's namespace before any run.  0, or -1 with err saying why.
 */
int tun_probe(struct error *err);

#endif /* TCPCHECK_TUN_H */
