/*
 * wire_guard.h - keeping this host's own stack out of a wire-mode test.
 *
 * In wire mode tcpcheck plays the remote address itself, on a real
 * interface of its host.  The host's stack sees the stack under test's
 * packets too and must never answer them (a RST from it would end every
 * connection), nor forward them.  The guard is one nftables table,
 * "tcpcheck_wire_PID", with a netdev ingress chain on the interface that
 * drops IP packets from the stack under test to the remote address: the
 * drop comes after the packet taps, so libpcap still sees every packet.
 * It is added once per tcpcheck run and removed however the run ends.
 */
#ifndef TCPCHECK_WIRE_GUARD_H
#define TCPCHECK_WIRE_GUARD_H

#include "core/error.h"
#include "core/plan.h"

struct wire_guard;

/* Add the table for plan's device and addresses.  OUTCOME_OK with *out,
 * or OUTCOME_ENVIRONMENT with err (no nft, no privilege).
 */
int wire_guard_add(const struct net_plan *plan, struct wire_guard **out,
		   struct error *err);

/* Remove the table and free the guard; NULL is allowed. */
void wire_guard_remove(struct wire_guard *guard);

#endif /* TCPCHECK_WIRE_GUARD_H */
