/*
 * fuzz_agent.c - libFuzzer target: the wire-mode control protocol's
 * parsers, on both sides (agent/proto.h).
 *
 * The first byte chooses what reads the rest:
 *   0  a frame as proto_recv() reads it from the connection, without a
 *      key (the handshake's frames) — header, length, payload;
 *   1  the same once keyed: a frame whose MAC does not match is refused;
 *   2  the agent decoding a CALL's arguments (calls_decode(): no system
 *      call is made), and its RESULT read back as tcpcheck reads one;
 *   3  a payload walked field by field as tcpcheck reads a RESULT or a
 *      HELLO: integers, byte fields, socket addresses, in the order the
 *      next bytes choose.
 * Every byte field returned is read, so a length that escapes the buffer
 * is caught by ASan.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/calls.h"
#include "agent/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sink ^= p[i];
}

/* The input through a pipe, as the connection would bring it. */
static void frames(const uint8_t *data, size_t size, bool keyed)
{
	struct proto_channel ch = { .keyed = keyed };
	struct proto_header h;
	uint8_t *payload;
	int fds[2];

	if (size > 60000 || pipe(fds) < 0)
		return;
	if (write(fds[1], data, size) != (ssize_t)size) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	close(fds[1]);
	ch.fd = fds[0];
	memset(ch.key, 0x5a, sizeof(ch.key));
	while (proto_recv(&ch, &h, &payload) == 0) {
		touch(payload, h.length);
		free(payload);
	}
	close(fds[0]);
}

static void walk(const uint8_t *data, size_t size)
{
	struct proto_reader r;
	struct sockaddr_storage a;
	const uint8_t *p;
	socklen_t alen;
	size_t n;
	int64_t v;

	if (!size)
		return;
	proto_reader_init(&r, data + 1, size - 1);
	for (unsigned i = 0; !r.bad && i < 64; i++) {
		switch ((data[0] >> (2 * (i % 4))) & 3) {
		case 0:
			proto_get_int(&r, &v);
			break;
		case 1:
			if (proto_get_bytes(&r, &p, &n) == 0)
				touch(p, n);
			break;
		case 2:
			proto_get_sockaddr(&r, &a, &alen);
			break;
		default:
			proto_get_range(&r, -1, 1 << 20, &v);
			break;
		}
	}
}

static void call(const uint8_t *data, size_t size)
{
	struct proto_buf out;

	proto_buf_init(&out);
	calls_decode(data, size, &out);
	if (!out.failed)
		walk(out.data + PROTO_HEADER_LEN - 1,
		     out.len - PROTO_HEADER_LEN + 1);
	proto_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	if (size < 1)
		return 0;
	/* A copy of exactly the bytes, so ASan sees any read past them. */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
		frames(buf, size - 1, false);
		break;
	case 1:
		frames(buf, size - 1, true);
		break;
	case 2:
		call(buf, size - 1);
		break;
	default:
		walk(buf, size - 1);
		break;
	}
	free(buf);
	return 0;
}
