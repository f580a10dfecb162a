/*
 * fuzz_frame.c - libFuzzer target: the host's reading of a guest's
 * channel (vm/frame.h, cli/guest_channel.c).
 *
 * A guest that dies mid-write, or a broken kernel, can send anything.
 * The first byte of the input sets the size of the pieces the rest is
 * fed in (as reads from a socket come); every frame the reader hands out
 * has its fields walked and, whatever its type, is decoded as a script
 * result, so that a length that escapes its frame or its field is caught
 * by ASan.  Whatever the bytes, nothing may crash, hang or leak.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_channel.h"
#include "vm/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const uint8_t *payload, size_t len)
{
	struct field_iter it = { payload, len };
	const uint8_t *data;
	volatile uint8_t sum = 0;
	struct script_result res;
	char *store = NULL;
	size_t n;
	uint8_t tag;
	int64_t v;

	while (field_next(&it, &tag, &data, &n) > 0) {
		for (size_t i = 0; i < n; i++)
			sum ^= data[i];
		(void)field_int(data, n, &v);
	}
	if (channel_result_decode(payload, len, &res, &store) == 0)
		for (const char *s = res.path; *s; s++)
			sum ^= (uint8_t)*s;
	free(store);
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_reader reader = { 0 };
	size_t piece = size ? (size_t)data[0] + 1 : 1, off = size ? 1 : 0;
	const uint8_t *payload;
	uint8_t type;
	size_t len;

	while (off < size) {
		size_t n = size - off < piece ? size - off : piece;
		uint8_t *copy = malloc(n);

		if (!copy)
			break;
		memcpy(copy, data + off, n);
		if (frame_reader_feed(&reader, copy, n) < 0) {
			free(copy);
			break;
		}
		free(copy);
		off += n;
		while (frame_reader_next(&reader, &type, &payload, &len) > 0)
			walk(payload, len);
	}
	frame_reader_free(&reader);
	return 0;
}
