/*
 * packet_path.h - the seam between the engine and the wire.
 *
 * The engine injects the script's inbound packets and receives the stack's
 * outbound ones through this interface only.  Two implementations: a TUN
 * device in a private network namespace (tun.c), and an existing device
 * such as lo watched through libpcap (pcap_path.c); the fake in
 * tests/unit/test_run.c is a third.  Packets are raw IP datagrams (no
 * link-layer header).  Times are nanoseconds on the run's clock
 * (run/run_clock.h): CLOCK_MONOTONIC for the real one.
 */
#ifndef TCPCHECK_PACKET_PATH_H
#define TCPCHECK_PACKET_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct packet_path;

enum path_receive_status {
	PATH_RECEIVED = 0,	/* a packet was stored */
	PATH_TIMEOUT = 1,	/* the deadline passed first */
	PATH_INTERRUPTED = 2,	/* the run is being aborted (signal) */
};

struct packet_path_ops {
	const char *name;
	/* Inject one IP datagram into the stack; *sent_ns is the time it
	 * was handed over (and last_taken_ns, where the path can tell, when
	 * the stack took it in).  With gso_size (--mss), the datagram is
	 * a TCP segment that goes with a receive-offload header of that
	 * segment size, as packetdrill's do: one whose payload is longer
	 * is a super-packet the stack takes as segments of that size (as
	 * from a NIC's receive offload); 0: an ordinary packet.  0 or -1
	 * with err filled.
	 */
	int (*send)(struct packet_path *path, const uint8_t *packet,
		    size_t len, uint16_t gso_size, int64_t *sent_ns,
		    struct error *err);
	/* Wait until deadline_ns for one datagram from the stack.  Returns
	 * a path_receive_status, or -1 with err filled.  *at_ns is when the
	 * stack emitted it, as exactly as the implementation can tell: the
	 * kernel's own timestamp where it has one (last_kernel_time), else
	 * the moment it was read (last_read_ns).
	 */
	int (*receive)(struct packet_path *path, uint8_t *buf, size_t cap,
		       size_t *len, int64_t *at_ns, int64_t deadline_ns,
		       struct error *err);
	/* A descriptor that polls readable when receive() has a packet, so
	 * the engine can wait for packets and other events in one poll().
	 */
	int (*wait_fd)(struct packet_path *path);
	/* Release everything the path owns; the path is freed. */
	void (*close)(struct packet_path *path);
	/* Optional (NULL: none), for a path whose stack keeps timers and runs
	 * in virtual time (run/run_clock.h): the earliest time it needs the
	 * clock to stop at (INT64_MAX: none), and run what is due at now_ns
	 * (after which next_instant() is later than now_ns).  The runner
	 * registers them with its clock.
	 */
	int64_t (*next_instant)(struct packet_path *path);
	void (*run_due)(struct packet_path *path, int64_t now_ns);
};

struct packet_path {
	const struct packet_path_ops *ops;
	/* The stack leaves checksums to the device (loopback does), so
	 * captured packets carry partial ones that must not be checked.
	 */
	bool checksums_offloaded;
	/* Set by receive(): the segment size of the TSO/GSO super-packet
	 * just received, 0 for an ordinary packet.  A NIC would cut the
	 * super-packet into segments of this size on the wire.
	 */
	uint16_t last_gso_size;
	/* Set by receive(): whether *at_ns is the kernel's timestamp, and
	 * when user space read the datagram (the difference is what a
	 * timestamp taken on reading would have been off by).
	 */
	bool last_kernel_time;
	int64_t last_read_ns;
	/* Set by send(): when the stack took the datagram in, by the
	 * kernel's clock; 0 when the path cannot tell.
	 */
	int64_t last_taken_ns;
	/* Where packet times come from, for -v; NULL: not said. */
	const char *time_source;
};

#endif /* TCPCHECK_PACKET_PATH_H */
