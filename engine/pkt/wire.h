/*
 * wire.h - big-endian fields of packet headers, read and written a byte
 * at a time: no alignment assumed, no byte-order macros to get wrong.
 * Shared by the packet builders and parsers (TCP, its options, UDP, ICMP,
 * encapsulation layers).
 */
#ifndef TCPCHECK_WIRE_H
#define TCPCHECK_WIRE_H

#include <stdint.h>

static inline uint16_t wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The low 16 bits of v. */
static inline void wire_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wire_put32(uint8_t *p, uint32_t v)
{
	wire_put16(p, v >> 16);
	wire_put16(p + 2, v);
}

#endif /* TCPCHECK_WIRE_H */
