/*
 * closed_port.c - the smallest useful stack: a host with every TCP port
 * closed (IPv4).  It answers each segment that is not a RST with a RST,
 * as RFC 9293 section 3.10.7.1 says a CLOSED port must: a segment with
 * ACK gets <SEQ=SEG.ACK><CTL=RST>, one without gets
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.  It has no sockets and no
 * timers.  docs/stack-plugin.md walks through it; make check plays
 * tests/stacks/closed-port.pkt against it.
 */
#include <stdlib.h>
#include <string.h>

#include "tcpcheck/stack.h"

struct closed_port {
	struct tcpcheck_stack_host host;
};

static void *cp_create(const struct tcpcheck_stack_host *host,
		       const struct tcpcheck_stack_config *cfg, char *why,
		       size_t why_len)
{
	struct closed_port *cp;

	if (cfg->family != AF_INET) {
		strncpy(why, "closed_port: IPv4 only", why_len);
		return NULL;
	}
	cp = calloc(1, sizeof(*cp));
	if (cp)
		cp->host = *host;
	return cp;
}

static void cp_destroy(void *stack)
{
	free(stack);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 1071's sum over len bytes, added to sum. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void cp_input(void *stack, const void *datagram, size_t len)
{
	struct closed_port *cp = stack;
	const uint8_t *in = datagram;
	uint8_t out[40] = { 0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6 };
	uint8_t *tcp = out + 20;
	size_t ihl, thl, payload;
	uint32_t seq, ack, sum;
	uint16_t c;

	if (len < 20 || (in[0] >> 4) != 4 || in[9] != 6)
		return;
	ihl = (size_t)(in[0] & 15) * 4;
	if (len < ihl + 20)
		return;
	thl = (size_t)(in[ihl + 12] >> 4) * 4;
	if (in[ihl + 13] & 0x04 || len < ihl + thl)
		return;				/* never answer a RST */
	payload = len - ihl - thl;
	seq = get32(in + ihl + 4);
	ack = get32(in + ihl + 8);
	memcpy(out + 12, in + 16, 4);		/* back to the sender */
	memcpy(out + 16, in + 12, 4);
	memcpy(tcp, in + ihl + 2, 2);		/* ports swapped */
	memcpy(tcp + 2, in + ihl, 2);
	tcp[12] = 5 << 4;
	if (in[ihl + 13] & 0x10) {		/* ACK: <SEQ=SEG.ACK><RST> */
		put32(tcp + 4, ack);
		tcp[13] = 0x04;
	} else {			/* <SEQ=0><ACK=SEG.SEQ+LEN><RST,ACK> */
		uint32_t seg_len = (uint32_t)payload +
			((in[ihl + 13] & 0x02) != 0) +
			((in[ihl + 13] & 0x01) != 0);

		put32(tcp + 8, seq + seg_len);
		tcp[13] = 0x14;
	}
	c = fold(sum16(0, out, 20));
	out[10] = (uint8_t)(c >> 8);
	out[11] = (uint8_t)c;
	sum = sum16(0, out + 12, 8) + 6 + 20;	/* pseudo-header */
	c = fold(sum16(sum, tcp, 20));
	tcp[16] = (uint8_t)(c >> 8);
	tcp[17] = (uint8_t)c;
	cp->host.output(cp->host.ctx, out, sizeof(out));
}

static void cp_run_timers(void *stack)
{
	(void)stack;
}

static int64_t cp_next_timer(void *stack)
{
	(void)stack;
	return -1;
}

static const struct tcpcheck_stack closed_port = {
	.abi_version = TCPCHECK_STACK_ABI_VERSION,
	.size = sizeof(struct tcpcheck_stack),
	.name = "closed_port",
	.wscale = -1,
	.create = cp_create,
	.destroy = cp_destroy,
	.input = cp_input,
	.run_timers = cp_run_timers,
	.next_timer = cp_next_timer,
};

#ifndef CLOSED_PORT_NO_ENTRY	/* pd_closed_port.c reuses the stack */
const struct tcpcheck_stack *tcpcheck_stack_entry(void)
{
	return &closed_port;
}
#endif
