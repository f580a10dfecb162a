/*
 * checksum.c - the Internet checksum and the pseudo-header (packet.h).
 *
 * The parser verifies received checksums with these, and the builder uses
 * them for the few fields libnet 1.1.6 cannot produce (see packet_build.c).
 */
#include "config.h"

#include <sys/socket.h>

#include "pkt/packet.h"

uint32_t checksum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	/* Fold as we go so that no length can overflow 32 bits. */
	uint64_t acc = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		acc += (uint32_t)data[len - 1] << 8;	/* zero pad */
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t checksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t upper_checksum(const struct ip_addr *src, const struct ip_addr *dst,
			uint8_t protocol, const uint8_t *data, size_t len)
{
	uint8_t tail[8];
	uint32_t sum = 0;

	if (src->family == AF_INET) {
		/* IPv4 pseudo-header: addresses, zero, protocol, length. */
		sum = checksum_add(sum, (const uint8_t *)&src->u.v4, 4);
		sum = checksum_add(sum, (const uint8_t *)&dst->u.v4, 4);
		tail[0] = 0;
		tail[1] = protocol;
		tail[2] = (uint8_t)(len >> 8);
		tail[3] = (uint8_t)len;
		sum = checksum_add(sum, tail, 4);
	} else {
		/* IPv6: addresses, 32-bit length, 24 zero bits, next header. */
		sum = checksum_add(sum, src->u.v6.s6_addr, 16);
		sum = checksum_add(sum, dst->u.v6.s6_addr, 16);
		tail[0] = (uint8_t)(len >> 24);
		tail[1] = (uint8_t)(len >> 16);
		tail[2] = (uint8_t)(len >> 8);
		tail[3] = (uint8_t)len;
		tail[4] = tail[5] = tail[6] = 0;
		tail[7] = protocol;
		sum = checksum_add(sum, tail, 8);
	}
	return checksum_fold(checksum_add(sum, data, len));
}

uint16_t tcp_checksum(const struct ip_addr *src, const struct ip_addr *dst,
		      const uint8_t *tcp, size_t len)
{
	return upper_checksum(src, dst, 6, tcp, len);
}
