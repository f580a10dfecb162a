/*
 * test_frame.c - the guest channel's frames (vm/frame.h) and the host's
 * decoding of a result (cli/guest_channel.c): round trips, and a reader
 * that skips garbage, cut frames and bad checksums to the next frame.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guest_channel.h"
#include "tap.h"
#include "vm/frame.h"

static void frame_of(struct frame_buf *out, uint8_t type, const char *text)
{
	struct frame_buf payload = { 0 };

	frame_field_str(&payload, FIELD_NAME, text);
	frame_encode(out, type, payload.data, payload.len);
	frame_buf_free(&payload);
}

/* The NAME field of the next frame, or "" when none is whole. */
static const char *next_name(struct frame_reader *r, uint8_t *type,
			     char *buf, size_t size)
{
	const uint8_t *payload, *data;
	size_t len, n;
	uint8_t tag;

	buf[0] = '\0';
	if (frame_reader_next(r, type, &payload, &len) > 0) {
		struct field_iter it = { payload, len };

		if (field_next(&it, &tag, &data, &n) > 0 && n < size) {
			memcpy(buf, data, n);
			buf[n] = '\0';
		}
	}
	return buf;
}

static void test_round_trip(void)
{
	struct frame_buf stream = { 0 };
	struct frame_reader r = { 0 };
	char name[64];
	uint8_t type = 0;

	frame_of(&stream, FRAME_HELLO, "6.1.0-57-cloud-amd64");
	frame_of(&stream, FRAME_START, "a.pkt ipv4");
	/* Fed a byte at a time, as a slow socket would. */
	for (size_t i = 0; i < stream.len; i++)
		frame_reader_feed(&r, stream.data + i, 1);
	tap_is_str(next_name(&r, &type, name, sizeof(name)),
		   "6.1.0-57-cloud-amd64", "first frame's field back");
	tap_is_int(type, FRAME_HELLO, "its type");
	tap_is_str(next_name(&r, &type, name, sizeof(name)), "a.pkt ipv4",
		   "second frame");
	tap_is_str(next_name(&r, &type, name, sizeof(name)), "",
		   "then nothing");
	tap_is_int((int)r.skipped, 0, "no byte skipped");
	frame_reader_free(&r);
	frame_buf_free(&stream);
}

static void test_resync(void)
{
	struct frame_buf stream = { 0 }, good = { 0 };
	struct frame_reader r = { 0 };
	static const uint8_t huge[] = { 0x7f, 'T', 'C', 'F', 'R',
					0xff, 0xff, 0xff, 0xff };
	char name[64];
	uint8_t type;

	frame_buf_put(&stream, "[    1.0] console noise\n", 24);
	frame_buf_put(&stream, huge, sizeof(huge));	/* length too large */
	frame_of(&good, FRAME_RESULT, "corrupt");
	good.data[good.len - 1] ^= 1;			/* bad checksum */
	frame_buf_put(&stream, good.data, good.len);
	good.len = 0;
	frame_of(&good, FRAME_RESULT, "cut");
	frame_buf_put(&stream, good.data, good.len / 2);	/* cut short */
	good.len = 0;
	frame_of(&good, FRAME_END, "whole");
	frame_buf_put(&stream, good.data, good.len);
	frame_reader_feed(&r, stream.data, stream.len);
	tap_is_str(next_name(&r, &type, name, sizeof(name)), "whole",
		   "garbage, a huge length, a bad checksum and a cut frame "
		   "are skipped to the next whole frame");
	tap_is_int(type, FRAME_END, "its type");
	tap_ok(r.skipped > 24, "the skipped bytes are counted (%zu)", r.skipped);
	frame_reader_free(&r);
	frame_buf_free(&stream);
	frame_buf_free(&good);
}

static void test_result(void)
{
	struct frame_buf p = { 0 };
	struct script_result res;
	char *store = NULL;

	frame_field_str(&p, FIELD_PATH, "testcases/x.pkt");
	frame_field_str(&p, FIELD_FAMILY, "ipv6");
	frame_field_int(&p, FIELD_STATUS, RESULT_FAIL);
	frame_field_int(&p, FIELD_LINE, 12);
	frame_field_int(&p, FIELD_DURATION_US, 250000);
	frame_field_str(&p, FIELD_MESSAGE, "x.pkt:12: no outbound packet");
	tap_is_int(channel_result_decode(p.data, p.len, &res, &store), 0,
		   "a result decodes");
	tap_is_str(res.path, "testcases/x.pkt", "path");
	tap_is_str(res.family, "ipv6", "family");
	tap_is_int(res.status, RESULT_FAIL, "status");
	tap_is_int(res.line, 12, "line");
	tap_ok(res.duration > 0.249 && res.duration < 0.251, "duration");
	tap_is_str(res.message, "x.pkt:12: no outbound packet", "message");
	free(store);
	p.len = 0;
	frame_field_int(&p, FIELD_STATUS, 99);
	frame_field_str(&p, FIELD_PATH, "y.pkt");
	tap_is_int(channel_result_decode(p.data, p.len, &res, &store), -1,
		   "a status out of range is refused");
	free(store);
	p.len = 0;
	frame_field_str(&p, FIELD_PATH, "y.pkt");
	p.len -= 2;
	tap_is_int(channel_result_decode(p.data, p.len, &res, &store), -1,
		   "a field longer than its payload is refused");
	free(store);
	frame_buf_free(&p);
}

int main(void)
{
	test_round_trip();
	test_resync();
	test_result();
	return tap_done();
}
