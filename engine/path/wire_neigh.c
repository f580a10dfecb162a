/*
 * wire_neigh.c - ARP (RFC 826) and neighbour discovery (RFC 4861) frames
 * for wire mode (see wire_neigh.h).
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "path/wire_neigh.h"
#include "pkt/packet.h"

#define ETHERTYPE_IP4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IP6 0x86dd
#define ARP_LEN 28
#define IP6_LEN 40
#define ND_LEN 32		/* NS or NA with one link-layer option */
#define ND_SOLICIT 135
#define ND_ADVERT 136

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void ether_header(uint8_t *frame, const uint8_t dst[6],
			 const uint8_t src[6], uint16_t type)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	put16(frame + 12, type);
}

static size_t build_arp(const struct neigh_view *v, uint8_t *frame,
			uint16_t op, const uint8_t eth_dst[6],
			const uint8_t tha[6], const uint8_t tpa[4])
{
	uint8_t *a = frame + ETHER_LEN;

	ether_header(frame, eth_dst, v->own_mac, ETHERTYPE_ARP);
	put16(a, 1);			/* Ethernet */
	put16(a + 2, ETHERTYPE_IP4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, v->own_mac, 6);
	memcpy(a + 14, v->remote, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	return ETHER_LEN + ARP_LEN;
}

/* An NS or NA from remote to dst with the own MAC as its option. */
static size_t build_nd(const struct neigh_view *v, uint8_t *frame,
		       uint8_t type, const uint8_t eth_dst[6],
		       const uint8_t dst[16], const uint8_t target[16])
{
	uint8_t *ip = frame + ETHER_LEN, *nd = ip + IP6_LEN;
	uint8_t pseudo[8] = { 0, 0, 0, ND_LEN, 0, 0, 0, 58 };
	uint32_t sum;

	ether_header(frame, eth_dst, v->own_mac, ETHERTYPE_IP6);
	memset(ip, 0, IP6_LEN + ND_LEN);
	ip[0] = 0x60;
	put16(ip + 4, ND_LEN);
	ip[6] = 58;			/* ICMPv6 */
	ip[7] = 255;			/* RFC 4861 7.1.1 */
	memcpy(ip + 8, v->remote, 16);
	memcpy(ip + 24, dst, 16);
	nd[0] = type;
	if (type == ND_ADVERT)
		nd[4] = 0x60;		/* solicited, override */
	memcpy(nd + 8, target, 16);
	nd[24] = type == ND_ADVERT ? 2 : 1;	/* target / source lladdr */
	nd[25] = 1;
	memcpy(nd + 26, v->own_mac, 6);
	sum = checksum_add(0, ip + 8, 32);
	sum = checksum_add(sum, pseudo, sizeof(pseudo));
	sum = checksum_add(sum, nd, ND_LEN);
	put16(nd + 2, checksum_fold(sum));
	return ETHER_LEN + IP6_LEN + ND_LEN;
}

size_t neigh_build_request(const struct neigh_view *v, uint8_t *frame)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					      0xff };
	static const uint8_t unknown[6];
	uint8_t group[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	uint8_t mac[6] = { 0x33, 0x33, 0xff };

	if (v->family == AF_INET)
		return build_arp(v, frame, 1, broadcast, unknown, v->local);
	/* The solicited-node group of local (RFC 4291 2.7.1). */
	memcpy(group + 13, v->local + 13, 3);
	memcpy(mac + 3, v->local + 13, 3);
	return build_nd(v, frame, ND_SOLICIT, mac, group, v->local);
}

static enum neigh_kind handle_arp(const struct neigh_view *v,
				  const uint8_t *frame, size_t len,
				  uint8_t *reply, size_t *reply_len,
				  uint8_t peer_mac[6])
{
	const uint8_t *a = frame + ETHER_LEN;

	if (len < ETHER_LEN + ARP_LEN || get16(a) != 1 ||
	    get16(a + 2) != ETHERTYPE_IP4 || a[4] != 6 || a[5] != 4 ||
	    v->family != AF_INET)
		return NEIGH_IGNORED;
	if (get16(a + 6) == 1 && !memcmp(a + 24, v->remote, 4)) {
		*reply_len = build_arp(v, reply, 2, a + 8, a + 8, a + 14);
		return NEIGH_ANSWER;
	}
	if (get16(a + 6) == 2 && !memcmp(a + 14, v->local, 4)) {
		memcpy(peer_mac, a + 8, 6);
		return NEIGH_LEARNED;
	}
	return NEIGH_IGNORED;
}

static enum neigh_kind handle_nd(const struct neigh_view *v,
				 const uint8_t *frame, size_t len,
				 uint8_t *reply, size_t *reply_len,
				 uint8_t peer_mac[6])
{
	static const uint8_t unspecified[16];
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	const uint8_t *ip = frame + ETHER_LEN, *nd = ip + IP6_LEN;
	bool from_nowhere;

	if (len < ETHER_LEN + IP6_LEN + 24 || ip[6] != 58 ||
	    (nd[0] != ND_SOLICIT && nd[0] != ND_ADVERT))
		return NEIGH_NONE;
	if (v->family != AF_INET6)
		return NEIGH_IGNORED;
	if (nd[0] == ND_SOLICIT && !memcmp(nd + 8, v->remote, 16)) {
		from_nowhere = !memcmp(ip + 8, unspecified, 16);
		*reply_len = build_nd(v, reply, ND_ADVERT,
				      from_nowhere ? all_nodes_mac : frame + 6,
				      from_nowhere ? all_nodes : ip + 8,
				      v->remote);
		return NEIGH_ANSWER;
	}
	if (nd[0] == ND_ADVERT && !memcmp(nd + 8, v->local, 16)) {
		memcpy(peer_mac, frame + 6, 6);
		return NEIGH_LEARNED;
	}
	return NEIGH_IGNORED;
}

enum neigh_kind neigh_handle(const struct neigh_view *v, const uint8_t *frame,
			     size_t len, uint8_t *reply, size_t *reply_len,
			     uint8_t peer_mac[6])
{
	if (len < ETHER_LEN)
		return NEIGH_IGNORED;
	switch (get16(frame + 12)) {
	case ETHERTYPE_ARP:
		return handle_arp(v, frame, len, reply, reply_len, peer_mac);
	case ETHERTYPE_IP6:
		return handle_nd(v, frame, len, reply, reply_len, peer_mac);
	default:
		return NEIGH_NONE;
	}
}
