/*
 * capture_read.h - the IP datagrams of a capture file, in order.
 *
 * Reads the classic pcap format (either byte order, microsecond or
 * nanosecond timestamps) and pcapng (section header, interface
 * description, enhanced and simple packet blocks; any other block is
 * skipped), from a buffer that holds the whole file.  Link layers:
 * raw IP, IPv4, IPv6, Ethernet (with 802.1Q tags), Linux cooked (SLL and
 * SLL2), BSD loopback.  Frames that carry no IP datagram (ARP, LLDP) are
 * skipped and counted.  The file comes from outside: every length is
 * checked against the bytes that are there, and a message names the
 * offset of what is wrong.  Nothing is allocated.
 */
#ifndef TCPCHECK_CAPTURE_READ_H
#define TCPCHECK_CAPTURE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define CAPTURE_INTERFACES_MAX 32

struct capture_reader {
	const uint8_t *buf;
	size_t len, off;
	bool pcapng;
	bool swapped;		/* the file's byte order is not ours */
	/* classic pcap: one link type, one timestamp unit */
	uint32_t link_type;
	uint64_t ns_per_unit;
	/* pcapng: the interfaces of the current section */
	int interface_count;
	struct {
		uint16_t link_type;
		uint64_t units_per_s;	/* if_tsresol; 10^6 by default */
	} interfaces[CAPTURE_INTERFACES_MAX];
	unsigned long skipped;	/* frames without an IP datagram */
	unsigned long frames;	/* every packet record read */
};

struct capture_packet {
	uint64_t time_ns;	/* from the capture's epoch */
	const uint8_t *ip;	/* the datagram, inside the buffer */
	size_t len;		/* as captured (may be cut by the snap length) */
	bool truncated;		/* shorter than it was on the wire */
};

/* Check the file header.  0, or -1 with err ("not a pcap or pcapng
 * file", an unknown version or link type).
 */
int capture_reader_open(struct capture_reader *r, const uint8_t *buf,
			size_t len, struct error *err);

/* The next IP datagram: 1 with *p filled, 0 at the end of the file, -1
 * with err when a record is malformed or truncated.
 */
int capture_reader_next(struct capture_reader *r, struct capture_packet *p,
			struct error *err);

#endif /* TCPCHECK_CAPTURE_READ_H */
