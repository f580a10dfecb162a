/*
 * wire_neigh.h - ARP and IPv6 neighbour discovery for wire mode.
 *
 * Builds the few link-layer frames tcpcheck needs to play the remote
 * address on a real Ethernet (a request for the stack's address, an
 * answer for its own) and reads the ones the stack sends.  Pure functions
 * of bytes: the path (wire.c) sends what they build.
 */
#ifndef TCPCHECK_WIRE_NEIGH_H
#define TCPCHECK_WIRE_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETHER_LEN 14
#define NEIGH_FRAME_MAX 128

/* Who is who on the wire: addresses are 4 (IPv4) or 16 bytes. */
struct neigh_view {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t local[16];		/* the stack under test */
	uint8_t remote[16];		/* tcpcheck */
	uint8_t own_mac[6];
};

/* A frame asking for local's MAC from remote (ARP request or neighbour
 * solicitation), into frame (NEIGH_FRAME_MAX); returns its length.
 */
size_t neigh_build_request(const struct neigh_view *v, uint8_t *frame);

enum neigh_kind {
	NEIGH_NONE,		/* not ARP/ND: an ordinary packet */
	NEIGH_IGNORED,		/* ARP/ND, nothing to do */
	NEIGH_ANSWER,		/* a question for remote: *reply is built */
	NEIGH_LEARNED,		/* the stack said its MAC: *peer_mac is set */
};

/* Look at one captured frame: an ARP request or a neighbour solicitation
 * for remote gets its answer built into reply (NEIGH_FRAME_MAX bytes,
 * *reply_len), an answer from local gives the stack's MAC.
 */
enum neigh_kind neigh_handle(const struct neigh_view *v, const uint8_t *frame,
			     size_t len, uint8_t *reply, size_t *reply_len,
			     uint8_t peer_mac[6]);

#endif /* TCPCHECK_WIRE_NEIGH_H */
