/*
 * kernel_stamps.c - a packet socket ring on the device (see
 * kernel_stamps.h).
 *
 * TPACKET_V2 frames of 256 bytes keep the first 176 bytes of each
 * datagram, more than stamps.c compares.  The ring is drained into two
 * stamp queues, one per direction, whenever a datagram is read from or
 * written to the device, so it only has to hold what arrives between two
 * of those.  The frames carry CLOCK_REALTIME; each drain converts with
 * the offset between the clocks measured at that moment, so a step of
 * the wall clock cannot skew more than the records it overlaps.
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "path/kernel_stamps.h"
#include "path/stamps.h"

#define FRAME_SIZE 256
#define BLOCK_SIZE 4096
#define BLOCKS 16
#define FRAMES (BLOCKS * (BLOCK_SIZE / FRAME_SIZE))

struct kernel_stamps {
	int fd;
	uint8_t *ring;		/* BLOCKS * BLOCK_SIZE, mapped */
	unsigned int next;	/* the frame the kernel fills next */
	struct stamp_queue outgoing, incoming;
};

static struct tpacket2_hdr *frame(struct kernel_stamps *ks, unsigned int i)
{
	return (struct tpacket2_hdr *)(ks->ring + (size_t)i * FRAME_SIZE);
}

/* Move every record the kernel has finished into the queues. */
static void drain(struct kernel_stamps *ks)
{
	int64_t offset = clock_realtime_offset_ns();

	for (;;) {
		struct tpacket2_hdr *h = frame(ks, ks->next);
		const struct sockaddr_ll *from;
		int64_t real_ns;

		if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			return;
		from = (const struct sockaddr_ll *)((uint8_t *)h +
			TPACKET_ALIGN(sizeof(*h)));
		real_ns = (int64_t)h->tp_sec * 1000000000 + h->tp_nsec;
		stamp_queue_push(from->sll_pkttype == PACKET_OUTGOING ?
				 &ks->outgoing : &ks->incoming,
				 (uint8_t *)h + h->tp_net, h->tp_snaplen,
				 h->tp_len, real_ns - offset);
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		ks->next = (ks->next + 1) % FRAMES;
	}
}

bool kernel_stamps_outgoing(struct kernel_stamps *ks, const uint8_t *packet,
			    size_t len, int64_t *ns)
{
	drain(ks);
	return stamp_queue_take(&ks->outgoing, packet, len, ns);
}

bool kernel_stamps_incoming(struct kernel_stamps *ks, const uint8_t *packet,
			    size_t len, int64_t *ns)
{
	drain(ks);
	return stamp_queue_take(&ks->incoming, packet, len, ns);
}

int kernel_stamps_open(const char *device, struct kernel_stamps **out,
		       struct error *err)
{
	struct tpacket_req req = {
		.tp_block_size = BLOCK_SIZE,
		.tp_block_nr = BLOCKS,
		.tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = FRAMES,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int version = TPACKET_V2;
	struct kernel_stamps *ks;

	*out = NULL;
	sll.sll_ifindex = (int)if_nametoindex(device);
	if (!sll.sll_ifindex)
		return error_set_errno(err, "no device %s", device);
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return error_set(err, "out of memory");
	ks->ring = MAP_FAILED;
	stamp_queue_init(&ks->outgoing);
	stamp_queue_init(&ks->incoming);
	/* Protocol 0: nothing arrives before the ring is in place. */
	ks->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ks->fd < 0) {
		error_set_errno(err, "socket(AF_PACKET)");
		goto fail;
	}
	if (setsockopt(ks->fd, SOL_PACKET, PACKET_VERSION, &version,
		       sizeof(version)) < 0 ||
	    setsockopt(ks->fd, SOL_PACKET, PACKET_RX_RING, &req,
		       sizeof(req)) < 0) {
		error_set_errno(err, "setting up a packet ring");
		goto fail;
	}
	ks->ring = mmap(NULL, (size_t)BLOCKS * BLOCK_SIZE,
			PROT_READ | PROT_WRITE, MAP_SHARED, ks->fd, 0);
	if (ks->ring == MAP_FAILED) {
		error_set_errno(err, "mapping the packet ring");
		goto fail;
	}
	if (bind(ks->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		error_set_errno(err, "binding a packet socket to %s", device);
		goto fail;
	}
	*out = ks;
	return 0;
fail:
	kernel_stamps_close(ks);
	return -1;
}

void kernel_stamps_close(struct kernel_stamps *ks)
{
	if (!ks)
		return;
	if (ks->ring != MAP_FAILED)
		munmap(ks->ring, (size_t)BLOCKS * BLOCK_SIZE);
	if (ks->fd >= 0)
		close(ks->fd);
	free(ks);
}
