/*
 * plan.h - the addresses and ports a script runs with.
 *
 * packetdrill's default plan: the stack under test is 192.168.0.1/16 on
 * tun0, the simulated remote peer is 192.0.2.1, and `...` in bind() and
 * connect() means port 8080.  Options (--local_ip, --remote_ip,
 * --bind_port, --connect_port, --ip_version) change it.  Everything that
 * needs an address takes it from here, so no layer hard-codes one.
 */
#ifndef TCPCHECK_PLAN_H
#define TCPCHECK_PLAN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct ip_addr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

enum ip_version {
	IP_VERSION_4,		/* AF_INET sockets, IPv4 on the wire */
	IP_VERSION_4_MAPPED_6,	/* AF_INET6 sockets, IPv4 on the wire */
	IP_VERSION_6,		/* AF_INET6 sockets, IPv6 on the wire */
};

/* Where the script's packets cross, and so which packet path runs it. */
enum path_kind {
	PATH_KIND_TUN,		/* tun0, created in a private namespace */
	PATH_KIND_LOOPBACK,	/* lo of a private namespace, via libpcap */
	PATH_KIND_WIRE,		/* a real interface of this host (--wire-dev),
				 * the stack on another machine (--agent) */
};

/* Wire mode: how to reach the agent and the stack's link-layer address. */
struct wire_plan {
	char agent[256];		/* HOST:PORT of tcpcheck-agent */
	char secret_file[256];		/* the shared secret */
	bool peer_mac_given;		/* --wire-peer-mac, else ARP/ND */
	uint8_t peer_mac[6];
};

struct net_plan {
	enum path_kind path_kind;
	enum ip_version ip_version;
	struct ip_addr local_ip;	/* the stack under test */
	struct ip_addr remote_ip;	/* the simulated peer */
	int prefix_len;			/* of local_ip on the device */
	uint16_t bind_port;		/* `...` in bind() */
	uint16_t connect_port;		/* `...` in connect() */
	int mtu;
	/* --mss: an inbound segment with more payload than this is injected
	 * as one receive-offload super-packet of segments this long, as a
	 * NIC doing GRO/LRO hands it up; 0: every segment as it is.
	 */
	int gso_mss;
	char device[16];		/* "tun0": scripts refer to it */
	/* The remote port of the first passive open without one in the
	 * script; 0: the default (conn.c).  Wire mode moves it for each run:
	 * the stack there outlives a script, and a connection in TIME_WAIT
	 * must not meet the next script's SYN.
	 */
	uint16_t first_remote_port;
	struct wire_plan wire;
};

/* Fill plan with packetdrill's IPv4 defaults. */
void plan_set_defaults(struct net_plan *plan);

/* Parse a textual address into *addr; 0 on success, -1 if invalid. */
int ip_addr_parse(const char *text, struct ip_addr *addr);

/* Format addr into buf (at least INET6_ADDRSTRLEN bytes). */
const char *ip_addr_format(const struct ip_addr *addr, char *buf,
			   unsigned long size);

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b);

#endif /* TCPCHECK_PLAN_H */
