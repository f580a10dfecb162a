/*
 * kernel_stamps.h - when the kernel itself sent or took in each datagram
 * on a device.
 *
 * A packet socket bound to the device sees every datagram as it crosses:
 * an outgoing one when the stack hands it to the device (the kernel's
 * transmit time, stamped in dev_queue_xmit_nit), an incoming one when the
 * stack takes it from the device.  These times do not depend on when the
 * runner got round to reading the TUN descriptor, so a loaded machine
 * does not make outbound packets look late.  The records are read from a
 * memory-mapped ring, without a system call per packet; the kernel stamps
 * every ring frame, so no global timestamping switch is needed.
 */
#ifndef TCPCHECK_KERNEL_STAMPS_H
#define TCPCHECK_KERNEL_STAMPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct kernel_stamps;

/* Watch device (in the calling thread's network namespace).  0 with *out
 * set, or -1 with err saying why (no CAP_NET_RAW, no packet sockets).
 */
int kernel_stamps_open(const char *device, struct kernel_stamps **out,
		       struct error *err);

/* The kernel's time (CLOCK_MONOTONIC) of the datagram (packet, len) just
 * read from the device, which the stack sent: true with *ns set, false
 * when the kernel's record of it is missing.
 */
bool kernel_stamps_outgoing(struct kernel_stamps *ks, const uint8_t *packet,
			    size_t len, int64_t *ns);

/* The same for a datagram just written to the device: when the stack
 * took it in.
 */
bool kernel_stamps_incoming(struct kernel_stamps *ks, const uint8_t *packet,
			    size_t len, int64_t *ns);

void kernel_stamps_close(struct kernel_stamps *ks);

#endif /* TCPCHECK_KERNEL_STAMPS_H */
