/*
 * proto_addr.c - socket addresses on the control connection (see proto.h).
 */
#include <netinet/in.h>
#include <string.h>

#include "proto.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void proto_put_sockaddr(struct proto_buf *b, const struct sockaddr *addr,
			socklen_t len)
{
	uint8_t f[PROTO_SOCKADDR_LEN] = { 0 };

	if (!addr || len < (socklen_t)sizeof(sa_family_t)) {
		proto_put_bytes(b, f, 0);
		return;
	}
	if (addr->sa_family == AF_INET &&
	    len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)addr;

		put16(f, PROTO_AF_INET);
		memcpy(f + 2, &in->sin_port, 2);
		memcpy(f + 8, &in->sin_addr, 4);
	} else if (addr->sa_family == AF_INET6 &&
		   len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)addr;
		uint32_t scope = in6->sin6_scope_id;

		put16(f, PROTO_AF_INET6);
		memcpy(f + 2, &in6->sin6_port, 2);
		memcpy(f + 4, &in6->sin6_flowinfo, 4);
		memcpy(f + 8, &in6->sin6_addr, 16);
		for (int i = 0; i < 4; i++)
			f[24 + i] = (uint8_t)(scope >> (24 - 8 * i));
	} else {
		/* AF_UNSPEC (connect() to dissolve an association), or a
		 * family or length the stack is to refuse: said as such.
		 */
		put16(f, addr->sa_family == AF_UNSPEC ? PROTO_AF_UNSPEC :
		      0xffff);
	}
	proto_put_bytes(b, f, sizeof(f));
}

int proto_get_sockaddr(struct proto_reader *r, struct sockaddr_storage *addr,
		       socklen_t *len)
{
	const uint8_t *f;
	size_t n;
	unsigned family;

	memset(addr, 0, sizeof(*addr));
	*len = 0;
	if (proto_get_bytes(r, &f, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (n != PROTO_SOCKADDR_LEN) {
		r->bad = true;
		return -1;
	}
	family = (unsigned)f[0] << 8 | f[1];
	if (family == PROTO_AF_INET) {
		struct sockaddr_in *in = (void *)addr;

		in->sin_family = AF_INET;
		memcpy(&in->sin_port, f + 2, 2);
		memcpy(&in->sin_addr, f + 8, 4);
		*len = sizeof(*in);
	} else if (family == PROTO_AF_INET6) {
		struct sockaddr_in6 *in6 = (void *)addr;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_port, f + 2, 2);
		memcpy(&in6->sin6_flowinfo, f + 4, 4);
		memcpy(&in6->sin6_addr, f + 8, 16);
		in6->sin6_scope_id = (uint32_t)f[24] << 24 |
			(uint32_t)f[25] << 16 | (uint32_t)f[26] << 8 | f[27];
		*len = sizeof(*in6);
	} else if (family == PROTO_AF_UNSPEC) {
		addr->ss_family = AF_UNSPEC;
		*len = sizeof(struct sockaddr);
	} else {
		r->bad = true;
		return -1;
	}
	return 0;
}

int proto_split_hostport(const char *spec, char *host, size_t size,
			 const char **port)
{
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : 0;

	if (!colon || n >= size || !colon[1])
		return -1;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	*port = colon + 1;
	return 0;
}
