/*
 * pcap_path.c - a packet path on an existing interface, through libpcap.
 *
 * Used where the packets of a test never cross tun0: a socket connected
 * to itself on loopback, for instance, talks only over lo.  libpcap sees
 * every datagram the stack sends there, with the kernel's own timestamp
 * of when it did, and can inject datagrams as if they had arrived.
 * libpcap on Linux already drops the second copy that loopback devices
 * show of each packet, so every datagram is seen once.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "path/pcap_path.h"
#include "pkt/packet.h"
#include "path/pcap_read.h"

#define ETHER_HEADER_LEN 14
#define SLL_HEADER_LEN 16

struct pcap_path {
	struct packet_path base;	/* first: the engine sees only this */
	pcap_t *pcap;
	int link_type;
	int64_t realtime_to_monotonic;	/* ns to subtract from pcap stamps */
	bool nanoseconds;
	uint8_t frame[65536 + ETHER_HEADER_LEN];
};

/* Whether a TCP datagram carries more than gso_size bytes of payload:
 * a super-packet, which needs the offload header only tun0 has.
 */
static bool pcap_super_packet(const uint8_t *packet, size_t len,
			      uint16_t gso_size)
{
	struct tcp_segment seg;
	struct error ignored;

	return packet_parse(packet, len, &seg, &ignored) == PACKET_TCP &&
		seg.payload_len > gso_size;
}

static int pcap_send(struct packet_path *path, const uint8_t *packet,
		     size_t len, uint16_t gso_size, int64_t *sent_ns,
		     struct error *err)
{
	struct pcap_path *p = (struct pcap_path *)path;
	size_t header = 0;

	if (gso_size && pcap_super_packet(packet, len, gso_size))
		return error_set(err, "a receive-offload super-packet (--mss) "
				 "can be injected only through tun0, not %s",
				 path->ops->name);

	if (p->link_type == DLT_EN10MB) {
		/* Loopback ignores the addresses; only the type matters. */
		memset(p->frame, 0, 12);
		p->frame[12] = (packet[0] >> 4) == 6 ? 0x86 : 0x08;
		p->frame[13] = (packet[0] >> 4) == 6 ? 0xdd : 0x00;
		header = ETHER_HEADER_LEN;
	}
	if (len + header > sizeof(p->frame))
		return error_set(err, "packet of %zu bytes is too large", len);
	memcpy(p->frame + header, packet, len);
	*sent_ns = clock_now_ns();
	if (pcap_inject(p->pcap, p->frame, len + header) < 0)
		return error_set(err, "injecting a packet: %s",
				 pcap_geterr(p->pcap));
	return 0;
}

/* Where the IP datagram starts in a captured frame, or -1 to skip it. */
static long ip_offset(const struct pcap_path *p, const uint8_t *frame,
		      size_t len)
{
	size_t at;
	uint16_t type;

	switch (p->link_type) {
	case DLT_EN10MB:
		at = ETHER_HEADER_LEN;
		break;
	case DLT_LINUX_SLL:
		at = SLL_HEADER_LEN;
		break;
	default:
		return 0;	/* DLT_RAW and friends: IP from the start */
	}
	if (len < at)
		return -1;
	type = (uint16_t)(frame[at - 2] << 8 | frame[at - 1]);
	return type == 0x0800 || type == 0x86dd ? (long)at : -1;
}

static int pcap_receive(struct packet_path *path, uint8_t *buf, size_t cap,
			size_t *len, int64_t *at_ns, int64_t deadline_ns,
			struct error *err)
{
	struct pcap_path *p = (struct pcap_path *)path;

	for (;;) {
		struct pcap_pkthdr *hdr;
		const u_char *data;
		int rc = pcap_read_until(p->pcap, &hdr, &data, deadline_ns,
					 "the interface", err);
		long at;

		if (rc != PATH_RECEIVED)
			return rc;
		at = ip_offset(p, data, hdr->caplen);
		if (at < 0)
			continue;
		*len = hdr->caplen - (size_t)at;
		if (*len > cap)
			*len = cap;
		memcpy(buf, data + at, *len);
		*at_ns = pcap_stamp_ns(hdr, p->nanoseconds,
				       p->realtime_to_monotonic);
		path->last_kernel_time = true;
		path->last_read_ns = clock_now_ns();
		return PATH_RECEIVED;
	}
}

static int pcap_wait_fd(struct packet_path *path)
{
	return pcap_get_selectable_fd(((struct pcap_path *)path)->pcap);
}

static void pcap_close_path(struct packet_path *path)
{
	struct pcap_path *p = (struct pcap_path *)path;

	if (p->pcap)
		pcap_close(p->pcap);
	free(p);
}

static const struct packet_path_ops pcap_ops = {
	.name = "pcap",
	.send = pcap_send,
	.receive = pcap_receive,
	.wait_fd = pcap_wait_fd,
	.close = pcap_close_path,
};

static int configure(struct pcap_path *p, const char *device,
		     struct error *err)
{
	int rc;

	pcap_set_snaplen(p->pcap, 65535);
	pcap_set_immediate_mode(p->pcap, 1);
	pcap_set_buffer_size(p->pcap, 4 << 20);
	p->nanoseconds = pcap_set_tstamp_precision(p->pcap,
			PCAP_TSTAMP_PRECISION_NANO) == 0;
	rc = pcap_activate(p->pcap);
	if (rc < 0)
		return error_set(err, "cannot capture on %s: %s", device,
				 pcap_geterr(p->pcap));
	p->nanoseconds = p->nanoseconds && pcap_get_tstamp_precision(p->pcap) ==
		PCAP_TSTAMP_PRECISION_NANO;
	p->link_type = pcap_datalink(p->pcap);
	return 0;
}

int pcap_path_open(const char *device, struct packet_path **out,
		   struct error *err)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_path *p;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	p->base.ops = &pcap_ops;
	p->base.checksums_offloaded = !strcmp(device, "lo");
	p->base.time_source = "the kernel's (libpcap's timestamps)";
	p->realtime_to_monotonic = clock_realtime_offset_ns();
	p->pcap = pcap_create(device, errbuf);
	if (!p->pcap) {
		error_set(err, "cannot capture on %s: %s", device, errbuf);
		free(p);
		return OUTCOME_ENVIRONMENT;
	}
	if (configure(p, device, err) < 0) {
		pcap_close_path(&p->base);
		return OUTCOME_ENVIRONMENT;
	}
	if (pcap_setnonblock(p->pcap, 1, errbuf) < 0) {
		error_set(err, "cannot capture on %s: %s", device, errbuf);
		pcap_close_path(&p->base);
		return OUTCOME_ENVIRONMENT;
	}
	*out = &p->base;
	return OUTCOME_OK;
}
