/*
 * wire_reset.c - the RSTs that end a wire-mode script's connections (see
 * wire_reset.h).
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "path/wire_reset.h"
#include "pkt/packet.h"
#include "pkt/wire.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

int wire_segment_parse(const uint8_t *ip, size_t len, struct wire_segment *s)
{
	size_t header, total;
	const uint8_t *tcp;

	if (len >= 20 && ip[0] >> 4 == 4 && ip[9] == 6) {
		header = (size_t)(ip[0] & 0x0f) * 4;
		total = (size_t)(ip[2] << 8 | ip[3]);
	} else if (len >= 40 && ip[0] >> 4 == 6 && ip[6] == 6) {
		header = 40;
		total = 40 + (size_t)(ip[4] << 8 | ip[5]);
	} else {
		return -1;
	}
	if (total > len)
		total = len;
	if (header < 20 || total < header + 20)
		return -1;
	tcp = ip + header;
	if ((size_t)(tcp[12] >> 4) * 4 < 20 ||
	    header + (size_t)(tcp[12] >> 4) * 4 > total)
		return -1;
	s->local_port = (uint16_t)(tcp[0] << 8 | tcp[1]);
	s->remote_port = (uint16_t)(tcp[2] << 8 | tcp[3]);
	s->seq = wire_get32(tcp + 4);
	s->ack = wire_get32(tcp + 8);
	s->flags = tcp[13];
	s->payload_len = (uint32_t)(total - header - (size_t)(tcp[12] >> 4) * 4);
	return 0;
}

void wire_flows_note(struct wire_flows *f, const struct wire_segment *s)
{
	for (int i = 0; i < f->count; i++) {
		if (f->last[i].local_port == s->local_port &&
		    f->last[i].remote_port == s->remote_port) {
			f->last[i] = *s;
			return;
		}
	}
	if (f->count < WIRE_FLOWS_MAX)
		f->last[f->count++] = *s;
}

size_t wire_reset_build(const struct net_plan *plan,
			const struct wire_segment *s, uint8_t *out)
{
	bool v6 = plan->local_ip.family == AF_INET6;
	size_t header = v6 ? 40 : 20;
	uint8_t *ip = out, *tcp = out + header;

	if (s->flags & TCP_RST)
		return 0;
	memset(out, 0, header + 20);
	if (v6) {
		ip[0] = 0x60;
		ip[5] = 20;
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, &plan->remote_ip.u.v6, 16);
		memcpy(ip + 24, &plan->local_ip.u.v6, 16);
	} else {
		ip[0] = 0x45;
		ip[3] = 40;
		ip[6] = 0x40;		/* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, &plan->remote_ip.u.v4, 4);
		memcpy(ip + 16, &plan->local_ip.u.v4, 4);
		uint16_t sum = checksum_fold(checksum_add(0, ip, 20));
		ip[10] = (uint8_t)(sum >> 8);
		ip[11] = (uint8_t)sum;
	}
	tcp[0] = (uint8_t)(s->remote_port >> 8);
	tcp[1] = (uint8_t)s->remote_port;
	tcp[2] = (uint8_t)(s->local_port >> 8);
	tcp[3] = (uint8_t)s->local_port;
	tcp[12] = 5 << 4;
	if (s->flags & TCP_ACK) {
		wire_put32(tcp + 4, s->ack);
		tcp[13] = TCP_RST;
	} else {
		wire_put32(tcp + 8, s->seq + s->payload_len +
		      !!(s->flags & TCP_SYN) + !!(s->flags & TCP_FIN));
		tcp[13] = TCP_RST | TCP_ACK;
	}
	uint16_t sum = tcp_checksum(&plan->remote_ip, &plan->local_ip, tcp, 20);
	tcp[16] = (uint8_t)(sum >> 8);
	tcp[17] = (uint8_t)sum;
	return header + 20;
}
