/*
 * wire.c - the packet path on a real interface (see wire.h).
 *
 * libnet writes whole Ethernet frames (LIBNET_LINK_ADV); libpcap reads the
 * frames that come in (PCAP_D_IN: not our own injections), filtered in
 * the kernel to the stack's packets for the remote address and to ARP
 * and neighbour discovery, stamped by the kernel as they arrived.
 * Neighbour traffic is answered here and never reaches the engine.
 */
#include "config.h"

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1	/* see pkt/packet_build.c */
#endif

#include <errno.h>
#include <libnet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "path/pcap_read.h"
#include "path/wire.h"
#include "path/wire_neigh.h"
#include "path/wire_reset.h"

#define RESOLVE_TRIES 5
#define RESOLVE_WAIT_NS 200000000	/* between two requests */
/* After the RSTs: until the stack is quiet this long, this long at most. */
#define QUIET_NS 20000000
#define DRAIN_MAX_NS 300000000

struct wire_path {
	struct packet_path base;	/* first: the engine sees only this */
	pcap_t *pcap;
	libnet_t *ln;
	struct neigh_view view;
	struct net_plan plan;
	struct wire_flows flows;	/* for the RSTs at the end */
	uint8_t peer_mac[6];
	bool peer_known;
	char device[IF_NAMESIZE];
	int64_t realtime_to_monotonic;
	bool nanoseconds;
	uint8_t frame[65536 + ETHER_LEN];
};

static int write_frame(struct wire_path *w, const uint8_t *frame, size_t len,
		       struct error *err)
{
	if (libnet_adv_write_link(w->ln, (uint8_t *)frame, (uint32_t)len) !=
	    (int)len)
		return error_set(err, "injecting a frame on %s: %s", w->device,
				 libnet_geterror(w->ln));
	return 0;
}

static int wire_send(struct packet_path *path, const uint8_t *packet,
		     size_t len, uint16_t gso_size, int64_t *sent_ns,
		     struct error *err)
{
	struct wire_path *w = (struct wire_path *)path;
	bool v6 = len && packet[0] >> 4 == 6;

	if (gso_size)
		return error_set(err, "a receive-offload super-packet (--mss) "
				 "can be injected only through tun0");
	if (len + ETHER_LEN > sizeof(w->frame))
		return error_set(err, "packet of %zu bytes is too large", len);
	memcpy(w->frame, w->peer_mac, 6);
	memcpy(w->frame + 6, w->view.own_mac, 6);
	w->frame[12] = v6 ? 0x86 : 0x08;
	w->frame[13] = v6 ? 0xdd : 0x00;
	memcpy(w->frame + ETHER_LEN, packet, len);
	*sent_ns = clock_now_ns();
	return write_frame(w, w->frame, len + ETHER_LEN, err);
}

/* One captured frame: answered here (neighbour traffic, 0) or an IP
 * datagram for the engine (1), or -1 with err.
 */
static int take_frame(struct wire_path *w, const uint8_t *frame, size_t len,
		      struct error *err)
{
	uint8_t reply[NEIGH_FRAME_MAX];
	size_t reply_len = 0;

	switch (neigh_handle(&w->view, frame, len, reply, &reply_len,
			     w->peer_mac)) {
	case NEIGH_ANSWER:
		return write_frame(w, reply, reply_len, err) < 0 ? -1 : 0;
	case NEIGH_LEARNED:
		w->peer_known = true;
		return 0;
	case NEIGH_IGNORED:
		return 0;
	case NEIGH_NONE:
		break;
	}
	if (len <= ETHER_LEN)
		return 0;
	if (!w->peer_known) {
		memcpy(w->peer_mac, frame + 6, 6);
		w->peer_known = true;
	}
	struct wire_segment seg;
	if (wire_segment_parse(frame + ETHER_LEN, len - ETHER_LEN, &seg) == 0)
		wire_flows_note(&w->flows, &seg);
	return 1;
}

static int wire_receive(struct packet_path *path, uint8_t *buf, size_t cap,
			size_t *len, int64_t *at_ns, int64_t deadline_ns,
			struct error *err)
{
	struct wire_path *w = (struct wire_path *)path;

	for (;;) {
		struct pcap_pkthdr *hdr;
		const u_char *data;
		int rc = pcap_read_until(w->pcap, &hdr, &data, deadline_ns,
					 w->device, err);

		if (rc != PATH_RECEIVED)
			return rc;
		rc = take_frame(w, data, hdr->caplen, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		*len = hdr->caplen - ETHER_LEN;
		if (*len > cap)
			*len = cap;
		memcpy(buf, data + ETHER_LEN, *len);
		*at_ns = pcap_stamp_ns(hdr, w->nanoseconds,
				       w->realtime_to_monotonic);
		path->last_kernel_time = true;
		path->last_read_ns = clock_now_ns();
		return PATH_RECEIVED;
	}
}

static int wire_wait_fd(struct packet_path *path)
{
	return pcap_get_selectable_fd(((struct wire_path *)path)->pcap);
}

static void send_reset(struct wire_path *w, const struct wire_segment *seg)
{
	uint8_t rst[WIRE_RESET_LEN];
	size_t len = wire_reset_build(&w->plan, seg, rst);
	struct error ignored;
	int64_t at;

	if (len)
		wire_send(&w->base, rst, len, 0, &at, &ignored);
}

/* Reset every connection the script touched, then whatever the stack
 * still sends, until it is quiet (wire_reset.h).
 */
static void reset_flows(struct wire_path *w)
{
	int64_t give_up = clock_now_ns() + DRAIN_MAX_NS;
	struct wire_segment seg;
	struct error ignored;
	uint8_t buf[2048];
	size_t len;
	int64_t at;

	for (int i = 0; i < w->flows.count; i++)
		send_reset(w, &w->flows.last[i]);
	while (clock_now_ns() < give_up) {
		int64_t quiet = clock_now_ns() + QUIET_NS;

		if (wire_receive(&w->base, buf, sizeof(buf), &len, &at,
				 quiet < give_up ? quiet : give_up,
				 &ignored) != PATH_RECEIVED)
			break;
		if (wire_segment_parse(buf, len, &seg) == 0)
			send_reset(w, &seg);
	}
}

static void wire_close(struct packet_path *path)
{
	struct wire_path *w = (struct wire_path *)path;

	if (w->pcap && w->ln && w->peer_known && w->flows.count)
		reset_flows(w);
	if (w->pcap)
		pcap_close(w->pcap);
	if (w->ln)
		libnet_destroy(w->ln);
	free(w);
}

static const struct packet_path_ops wire_ops = {
	.name = "wire",
	.send = wire_send,
	.receive = wire_receive,
	.wait_fd = wire_wait_fd,
	.close = wire_close,
};

/* The kernel-side filter: the stack's packets to us, and neighbour
 * traffic (ICMPv6 types 135 and 136 right after the fixed header).
 */
static void filter_text(const struct net_plan *plan, char *out, size_t size)
{
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN];

	ip_addr_format(&plan->local_ip, local, sizeof(local));
	ip_addr_format(&plan->remote_ip, remote, sizeof(remote));
	if (plan->local_ip.family == AF_INET)
		snprintf(out, size, "arp or (ip and src host %s and dst host "
			 "%s)", local, remote);
	else
		snprintf(out, size, "(ip6 and src host %s and dst host %s) or "
			 "(icmp6 and (ip6[40] == 135 or ip6[40] == 136))",
			 local, remote);
}

void wire_capture_filter(const struct net_plan *plan, char *out, size_t size)
{
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN];

	ip_addr_format(&plan->local_ip, local, sizeof(local));
	ip_addr_format(&plan->remote_ip, remote, sizeof(remote));
	snprintf(out, size, "(host %s and host %s) or arp or (icmp6 and "
		 "(ip6[40] == 135 or ip6[40] == 136))", local, remote);
}

static int start_capture(struct wire_path *w, const struct net_plan *plan,
			 struct error *err)
{
	char errbuf[PCAP_ERRBUF_SIZE], text[256];
	struct bpf_program prog;

	w->pcap = pcap_create(w->device, errbuf);
	if (!w->pcap)
		return error_set(err, "cannot capture on %s: %s", w->device,
				 errbuf);
	pcap_set_snaplen(w->pcap, 65535);
	pcap_set_promisc(w->pcap, 1);
	pcap_set_immediate_mode(w->pcap, 1);
	pcap_set_buffer_size(w->pcap, 4 << 20);
	w->nanoseconds = pcap_set_tstamp_precision(w->pcap,
			PCAP_TSTAMP_PRECISION_NANO) == 0;
	if (pcap_activate(w->pcap) < 0)
		return error_set(err, "cannot capture on %s: %s", w->device,
				 pcap_geterr(w->pcap));
	w->nanoseconds = w->nanoseconds &&
		pcap_get_tstamp_precision(w->pcap) == PCAP_TSTAMP_PRECISION_NANO;
	if (pcap_datalink(w->pcap) != DLT_EN10MB)
		return error_set(err, "%s is not an Ethernet interface",
				 w->device);
	filter_text(plan, text, sizeof(text));
	if (pcap_setdirection(w->pcap, PCAP_D_IN) < 0 ||
	    pcap_compile(w->pcap, &prog, text, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return error_set(err, "cannot filter on %s: %s", w->device,
				 pcap_geterr(w->pcap));
	if (pcap_setfilter(w->pcap, &prog) < 0) {
		pcap_freecode(&prog);
		return error_set(err, "cannot filter on %s: %s", w->device,
				 pcap_geterr(w->pcap));
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(w->pcap, 1, errbuf) < 0)
		return error_set(err, "cannot capture on %s: %s", w->device,
				 errbuf);
	return 0;
}

static int read_own_mac(struct wire_path *w, struct error *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return error_set_errno(err, "socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", w->device);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (rc < 0)
		return error_set_errno(err, "no interface %s", w->device);
	memcpy(w->view.own_mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* Ask for the stack's MAC until it answers; the question also gives the
 * stack our address's MAC, so its first packet to us needs no ARP.
 */
static int resolve_peer(struct wire_path *w, const struct net_plan *plan,
			struct error *err)
{
	uint8_t request[NEIGH_FRAME_MAX], scratch[64];
	size_t len = neigh_build_request(&w->view, request);
	bool given = plan->wire.peer_mac_given;

	for (int i = 0; i < RESOLVE_TRIES; i++) {
		int64_t until = clock_now_ns() + RESOLVE_WAIT_NS;
		size_t n;
		int64_t at;

		w->peer_known = false;
		if (write_frame(w, request, len, err) < 0)
			return -1;
		if (given)
			break;
		while (!w->peer_known) {
			int rc = wire_receive(&w->base, scratch,
					      sizeof(scratch), &n, &at, until,
					      err);
			if (rc < 0)
				return -1;
			if (rc != PATH_RECEIVED)
				break;
		}
		if (w->peer_known)
			break;
	}
	if (given) {
		memcpy(w->peer_mac, plan->wire.peer_mac, 6);
		w->peer_known = true;
	}
	if (!w->peer_known) {
		char local[INET6_ADDRSTRLEN];

		return error_set(err, "no answer from %s on %s to %s (give "
				 "its MAC with --wire-peer-mac)",
				 ip_addr_format(&plan->local_ip, local,
						sizeof(local)), w->device,
				 plan->local_ip.family == AF_INET ?
				 "ARP" : "neighbour solicitation");
	}
	return 0;
}

static void fill_view(struct neigh_view *v, const struct net_plan *plan)
{
	size_t n = plan->local_ip.family == AF_INET ? 4 : 16;

	v->family = plan->local_ip.family;
	memcpy(v->local, &plan->local_ip.u, n);
	memcpy(v->remote, &plan->remote_ip.u, n);
}

int wire_path_open(const struct net_plan *plan, struct packet_path **out,
		   struct error *err)
{
	char errbuf[LIBNET_ERRBUF_SIZE];
	struct wire_path *w;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	w->base.ops = &wire_ops;
	w->base.time_source = "the kernel's (libpcap's receive timestamps "
		"on the wire interface)";
	w->realtime_to_monotonic = clock_realtime_offset_ns();
	snprintf(w->device, sizeof(w->device), "%s", plan->device);
	w->plan = *plan;
	fill_view(&w->view, plan);
	if (plan->local_ip.family != plan->remote_ip.family) {
		error_set(err, "--local_ip and --remote_ip are of different "
			  "families");
		goto fail;
	}
	if (read_own_mac(w, err) < 0 || start_capture(w, plan, err) < 0)
		goto fail;
	w->ln = libnet_init(LIBNET_LINK_ADV, w->device, errbuf);
	if (!w->ln) {
		error_set(err, "libnet cannot inject on %s: %s", w->device,
			  errbuf);
		goto fail;
	}
	if (resolve_peer(w, plan, err) < 0)
		goto fail;
	*out = &w->base;
	return OUTCOME_OK;
fail:
	wire_close(&w->base);
	return OUTCOME_ENVIRONMENT;
}
