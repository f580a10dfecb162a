/*
 * flows.c - the TCP connections of a capture (see draft.h).
 *
 * Segments are grouped by their pair of endpoints, in either direction;
 * a SYN with a new sequence number on a pair whose connection has ended
 * starts a new connection, as a script that reconnects from the same
 * port does.  Only TCP is kept; other IP traffic is counted.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "draft/draft.h"
#include "pkt/capture_read.h"

#define FLOWS_MAX 4096
#define FLOW_PACKETS_MAX (1 << 22)

static bool endpoint_is(const struct flow_endpoint *e,
			const struct ip_addr *addr, uint16_t port)
{
	return e->port == port && ip_addr_equal(&e->addr, addr);
}

/* The connection seg belongs to, or NULL; *from_a says its direction. */
static struct flow *find_flow(struct flow_set *set,
			      const struct tcp_segment *seg, bool *from_a)
{
	for (int i = set->count - 1; i >= 0; i--) {
		struct flow *f = &set->flows[i];

		if (endpoint_is(&f->a, &seg->src, seg->src_port) &&
		    endpoint_is(&f->b, &seg->dst, seg->dst_port))
			*from_a = true;
		else if (endpoint_is(&f->b, &seg->src, seg->src_port) &&
			 endpoint_is(&f->a, &seg->dst, seg->dst_port))
			*from_a = false;
		else
			continue;
		return f;
	}
	return NULL;
}

static bool is_new_syn(const struct flow *f, const struct tcp_segment *seg)
{
	return (seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && f->closed &&
	       (!f->has_syn || seg->seq != f->syn_seq);
}

static struct flow *new_flow(struct flow_set *set,
			     const struct tcp_segment *seg, struct error *err)
{
	struct flow *f;

	if (set->count == FLOWS_MAX) {
		error_set(err, "the capture holds more than %d TCP "
			  "connections", FLOWS_MAX);
		return NULL;
	}
	if (set->count == set->cap) {
		int cap = set->cap ? set->cap * 2 : 8;
		struct flow *grown = realloc(set->flows,
					     (size_t)cap * sizeof(*grown));

		if (!grown) {
			error_set(err, "out of memory");
			return NULL;
		}
		set->flows = grown;
		set->cap = cap;
	}
	f = &set->flows[set->count++];
	memset(f, 0, sizeof(*f));
	f->a = (struct flow_endpoint){ seg->src, seg->src_port };
	f->b = (struct flow_endpoint){ seg->dst, seg->dst_port };
	return f;
}

static int flow_add(struct flow *f, uint64_t time_ns,
		    const struct tcp_segment *seg, bool from_a,
		    struct error *err)
{
	if (f->count == FLOW_PACKETS_MAX)
		return error_set(err, "a connection of the capture has more "
				 "than %d packets", FLOW_PACKETS_MAX);
	if (f->count == f->cap) {
		int cap = f->cap ? f->cap * 2 : 32;
		struct flow_packet *grown =
			realloc(f->packets, (size_t)cap * sizeof(*grown));

		if (!grown)
			return error_set(err, "out of memory");
		f->packets = grown;
		f->cap = cap;
	}
	f->packets[f->count++] = (struct flow_packet){
		.time_ns = time_ns, .seg = *seg, .from_stack = false,
	};
	if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && from_a &&
	    !f->has_syn) {
		f->has_syn = true;
		f->syn_seq = seg->seq;
	}
	if (seg->flags & (TCP_FIN | TCP_RST))
		f->closed = true;
	if (!seg->tcp_checksum_ok)
		f->bad_checksums[from_a ? 0 : 1]++;
	return 0;
}

static int add_segment(struct flow_set *set, uint64_t time_ns,
		       const struct tcp_segment *seg, struct error *err)
{
	bool from_a = true;
	struct flow *f = find_flow(set, seg, &from_a);

	if (!f || is_new_syn(f, seg)) {
		f = new_flow(set, seg, err);
		from_a = true;
		if (!f)
			return -1;
	}
	return flow_add(f, time_ns, seg, from_a, err);
}

int flow_set_read(struct flow_set *set, const uint8_t *buf, size_t len,
		  struct error *err)
{
	struct capture_reader r;
	struct capture_packet p;
	struct tcp_segment seg;
	struct error why;
	int rc;

	memset(set, 0, sizeof(*set));
	if (capture_reader_open(&r, buf, len, err) < 0)
		return -1;
	while ((rc = capture_reader_next(&r, &p, err)) == 1) {
		int kind = packet_parse(p.ip, p.len, &seg, &why);

		if (kind < 0) {
			error_set(err, "packet %lu of the capture: %s%s",
				  r.frames, why.text, p.truncated ?
				  " (the capture cut it: snap length too "
				  "short)" : "");
			goto fail;
		}
		if (kind != PACKET_TCP) {
			set->not_tcp++;
			continue;
		}
		if (add_segment(set, p.time_ns, &seg, err) < 0)
			goto fail;
	}
	if (rc < 0)
		goto fail;
	set->frames = r.frames;
	if (set->count == 0) {
		error_set(err, "the capture holds no TCP segment (%lu frames, "
			  "%lu IP datagrams of other protocols)", r.frames,
			  set->not_tcp);
		goto fail;
	}
	return 0;
fail:
	flow_set_free(set);
	return -1;
}

void flow_set_free(struct flow_set *set)
{
	for (int i = 0; i < set->count; i++)
		free(set->flows[i].packets);
	free(set->flows);
	memset(set, 0, sizeof(*set));
}

static void endpoint_format(const struct flow_endpoint *e, char *buf,
			    size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	ip_addr_format(&e->addr, addr, sizeof(addr));
	snprintf(buf, size, e->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 addr, e->port);
}

void flow_describe(const struct flow *f, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];

	endpoint_format(&f->a, a, sizeof(a));
	endpoint_format(&f->b, b, sizeof(b));
	snprintf(buf, size, "%s > %s, %d packet%s%s", a, b, f->count,
		 f->count == 1 ? "" : "s", f->has_syn ? "" : ", no SYN");
}

/* "IP", "IP:PORT", "[IPv6]:PORT" or "[IPv6]"; port 0 when none. */
static int parse_side(const char *side, struct ip_addr *addr,
		      uint16_t *port, struct error *err)
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *colon = strrchr(side, ':');
	char *end = NULL;
	long n = 0;
	size_t alen = strlen(side);

	if (side[0] == '[') {
		const char *close = strchr(side, ']');

		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		alen = (size_t)(close - side - 1);
		colon = close[1] ? close + 1 : NULL;
		side++;
	} else if (colon && strchr(side, ':') == colon) {
		alen = (size_t)(colon - side);	/* IPv4:PORT */
	} else {
		colon = NULL;			/* IPv4, or bare IPv6 */
	}
	if (alen >= sizeof(text))
		goto bad;
	memcpy(text, side, alen);
	text[alen] = '\0';
	if (colon) {
		n = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || n < 1 || n > 65535)
			goto bad;
	}
	if (ip_addr_parse(text, addr) < 0)
		goto bad;
	*port = (uint16_t)n;
	return 0;
bad:
	return error_set(err, "--stack-side takes IP, IP:PORT or [IPv6]:PORT, "
			 "not '%s'", side);
}

static bool side_is(const struct flow_endpoint *e, const struct ip_addr *addr,
		    uint16_t port)
{
	return ip_addr_equal(&e->addr, addr) && (!port || port == e->port);
}

/* Which endpoint (0: a, 1: b) is the stack, by the rules of draft.h. */
static int pick_side(const struct flow *f, const char *side, const char **why,
		     struct error *err)
{
	struct ip_addr addr;
	uint16_t port = 0;

	if (side) {
		if (parse_side(side, &addr, &port, err) < 0)
			return -1;
		*why = "chosen with --stack-side";
		if (side_is(&f->a, &addr, port) && !side_is(&f->b, &addr, port))
			return 0;
		if (side_is(&f->b, &addr, port) && !side_is(&f->a, &addr, port))
			return 1;
		return error_set(err, "--stack-side=%s names %s endpoint of "
				 "the connection", side,
				 side_is(&f->a, &addr, port) ? "both ends of"
				 : "no");
	}
	*why = "its checksums are left to the NIC: captured on its host";
	if (f->bad_checksums[0] && !f->bad_checksums[1])
		return 0;
	if (f->bad_checksums[1] && !f->bad_checksums[0])
		return 1;
	*why = "it received the first SYN (a server); --stack-side picks the "
		"other";
	if (f->has_syn)
		return 1;
	*why = "it received the first packet; --stack-side picks the other";
	return 1;
}

int flow_choose_stack(struct flow *f, const char *side, const char **why,
		      struct error *err)
{
	int stack = pick_side(f, side, why, err);

	if (stack < 0)
		return -1;
	for (int i = 0; i < f->count; i++) {
		const struct tcp_segment *s = &f->packets[i].seg;
		bool from_a = endpoint_is(&f->a, &s->src, s->src_port);

		f->packets[i].from_stack = from_a == (stack == 0);
	}
	return 0;
}
