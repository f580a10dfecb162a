/*
 * stamps.h - the kernel's timestamps of datagrams, waiting for the
 * datagrams they belong to.
 *
 * A packet socket on the device sees each datagram the moment the kernel
 * hands it to the device (outgoing) or takes it from the device
 * (incoming), and stamps it then; the runner reads the same datagram
 * from the TUN descriptor later.  The two streams are in the same order,
 * but either may miss a datagram (a full TUN queue drops it after the
 * packet socket saw it; a full ring drops the record), so a datagram is
 * paired with its record by content: the same length and the same first
 * bytes.  Pure bookkeeping, no system calls: the tests drive it directly.
 */
#ifndef TCPCHECK_STAMPS_H
#define TCPCHECK_STAMPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Enough for an IPv6 header and a TCP header with every option, plus the
 * start of the payload: two datagrams of the same length that agree this
 * far are the same segment.
 */
#define STAMP_HEAD_BYTES 128
/* Records waiting at most: more than a TUN queue holds (500). */
#define STAMP_QUEUE_MAX 640

struct stamp {
	int64_t ns;		/* the kernel's time, CLOCK_MONOTONIC */
	uint32_t len;		/* the datagram's whole length */
	uint16_t kept;		/* how much of it head holds */
	uint8_t head[STAMP_HEAD_BYTES];
};

/* One direction's records, oldest first. */
struct stamp_queue {
	struct stamp items[STAMP_QUEUE_MAX];
	int first, count;
	unsigned long lost;	/* pushed out unmatched by newer records */
};

void stamp_queue_init(struct stamp_queue *q);

/* Record that the kernel saw a datagram of len bytes, whose first kept
 * bytes are data, at ns.  A full queue forgets its oldest record.
 */
void stamp_queue_push(struct stamp_queue *q, const uint8_t *data, size_t kept,
		      size_t len, int64_t ns);

/* Find the record of the datagram (packet, len): the oldest whose length
 * and kept bytes agree.  The records older than it are of datagrams that
 * never reached the reader and are dropped with it.  true with *ns set;
 * false, and the queue untouched, when no record matches (the datagram
 * was not seen, or its record was lost).
 */
bool stamp_queue_take(struct stamp_queue *q, const uint8_t *packet,
		      size_t len, int64_t *ns);

#endif /* TCPCHECK_STAMPS_H */
