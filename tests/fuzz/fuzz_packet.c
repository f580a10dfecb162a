/*
 * fuzz_packet.c - libFuzzer target: the parser of captured datagrams.
 *
 * packet_parse() reads what the kernel writes to the TUN device; it must
 * never read outside the buffer whatever the bytes say (header lengths,
 * IPv6 extension chains, TCP option lengths).  Besides the return value,
 * every byte the parsed segment points at is read, so a pointer or
 * length that escapes the buffer is caught by ASan; then a TCP segment
 * goes where the matcher sends it: tcp_view_from_segment() decodes its
 * options and tcp_view_format() prints it as a report would.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "pkt/packet.h"
#include "match/tcp_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past it. */
	uint8_t *buf = malloc(size ? size : 1);
	struct tcp_segment seg;
	struct tcp_view view;
	struct error err;
	char text[1024];
	int kind;
	volatile uint8_t sum = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(&seg, 0, sizeof(seg));
	kind = packet_parse(buf, size, &seg, &err);
	if (kind >= 0) {
		for (size_t i = 0; seg.payload && i < seg.payload_len; i++)
			sum ^= seg.payload[i];
	}
	if (kind == PACKET_TCP &&
	    tcp_view_from_segment(&seg, DIR_OUTBOUND, &view, &err) == 0)
		tcp_view_format(&view, text, sizeof(text));
	(void)sum;
	free(buf);
	return 0;
}
