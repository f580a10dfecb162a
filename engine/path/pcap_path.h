/*
 * pcap_path.h - the packet path on an existing interface (libpcap).
 *
 * Captures what the stack sends on the interface, with kernel timestamps,
 * and injects datagrams as if they had arrived there.  Today: loopback,
 * for tests whose packets never reach tun0 (a socket connected to itself).
 */
#ifndef TCPCHECK_PCAP_PATH_H
#define TCPCHECK_PCAP_PATH_H

#include "path/packet_path.h"

/* Returns OUTCOME_OK with *out set, or OUTCOME_ENVIRONMENT with err. */
int pcap_path_open(const char *device, struct packet_path **out,
		   struct error *err);

#endif /* TCPCHECK_PCAP_PATH_H */
