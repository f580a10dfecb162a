/*
 * pcap_read.h - waiting for the next captured frame, shared by the paths
 * that capture with libpcap (pcap_path.c, wire.c).
 */
#ifndef TCPCHECK_PCAP_READ_H
#define TCPCHECK_PCAP_READ_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

/* The next frame of a non-blocking pcap, waiting until deadline_ns:
 * PATH_RECEIVED with *hdr and *data, PATH_TIMEOUT, PATH_INTERRUPTED, or
 * -1 with err (what says which interface).
 */
int pcap_read_until(pcap_t *pcap, struct pcap_pkthdr **hdr,
		    const u_char **data, int64_t deadline_ns, const char *what,
		    struct error *err);

/* A frame's kernel timestamp as CLOCK_MONOTONIC nanoseconds. */
int64_t pcap_stamp_ns(const struct pcap_pkthdr *hdr, bool nanoseconds,
		      int64_t realtime_to_monotonic);

#endif /* TCPCHECK_PCAP_READ_H */
