/*
 * wire.h - the packet path on a real interface (wire mode).
 *
 * The stack under test is on another machine, reached over plan->device.
 * tcpcheck plays plan->remote_ip there itself: it injects the script's
 * inbound packets as Ethernet frames (libnet, link layer) addressed to the
 * stack's MAC, captures the stack's packets to the remote address with
 * libpcap (a BPF filter on the test's addresses, the kernel's receive
 * timestamps), and answers the ARP requests and neighbour solicitations
 * the stack sends for the remote address.  The interface is put in
 * promiscuous mode while the path is open (neighbour solicitations go to
 * a multicast group this host has not joined).
 */
#ifndef TCPCHECK_WIRE_H
#define TCPCHECK_WIRE_H

#include "core/plan.h"
#include "path/packet_path.h"

/* Open the path and learn the stack's MAC (unless the plan gives it) by
 * asking for local_ip from remote_ip, which also puts the remote address
 * in the stack's neighbour table.  OUTCOME_OK with *out set, or
 * OUTCOME_ENVIRONMENT with err.
 */
int wire_path_open(const struct net_plan *plan, struct packet_path **out,
		   struct error *err);

/* The BPF text for recording a wire-mode run (--pcap-dir): the test's
 * packets both ways and the neighbour traffic, not the control
 * connection or anything else on the link.
 */
void wire_capture_filter(const struct net_plan *plan, char *out, size_t size);

#endif /* TCPCHECK_WIRE_H */
