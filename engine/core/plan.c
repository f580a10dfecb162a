/*
 * plan.c - default addresses and address helpers (see plan.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/plan.h"

void plan_set_defaults(struct net_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->ip_version = IP_VERSION_4;
	ip_addr_parse("192.168.0.1", &plan->local_ip);
	ip_addr_parse("192.0.2.1", &plan->remote_ip);
	plan->prefix_len = 16;
	plan->bind_port = 8080;
	plan->connect_port = 8080;
	plan->mtu = 1500;
	strcpy(plan->device, "tun0");
}

int ip_addr_parse(const char *text, struct ip_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, text, &addr->u.v4) == 1) {
		addr->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &addr->u.v6) == 1) {
		addr->family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *ip_addr_format(const struct ip_addr *addr, char *buf,
			   unsigned long size)
{
	if (!inet_ntop(addr->family, &addr->u, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
}
