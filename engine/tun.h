/*
 * tun.h - the TUN implementation of the packet path.
 *
 * Creates the device the scripts know as tun0 inside the current (private)
 * network namespace, gives it the plan's local address, routes the plan's
 * remote address through it, and reads and writes raw IP datagrams on it.
 */
#ifndef TCPCHECK_TUN_H
#define TCPCHECK_TUN_H

#include "packet_path.h"
#include "plan.h"

/* Returns OUTCOME_OK with *out set, or OUTCOME_ENVIRONMENT with err
 * (no /dev/net/tun, no privilege, an ioctl refused).
 */
int tun_path_open(const struct net_plan *plan, struct packet_path **out,
		  struct error *err);

#endif /* TCPCHECK_TUN_H */
