/*
 * fuzz_capture.c - libFuzzer target: the capture reader and the draft.
 *
 * A capture given to `tcpcheck --draft` comes from anywhere: whatever
 * its bytes say (record and block lengths, link types, interface ids,
 * timestamp resolutions, the datagrams inside), reading it must end with
 * a draft or an error, never read outside the buffer.  The input goes
 * through flow_set_read() (pkt/capture_read.c, then packet_parse()) and,
 * when it holds TCP, draft_write() for its first connection, its output
 * thrown away.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "draft/draft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past it. */
	uint8_t *buf = malloc(size ? size : 1);
	struct draft_request req = { .capture_name = "fuzz" };
	struct flow_set set;
	struct error err;
	FILE *sink;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (flow_set_read(&set, buf, size, &err) == 0) {
		sink = fopen("/dev/null", "w");
		if (sink) {
			draft_write(&set, &req, sink, sink, &err);
			fclose(sink);
		}
		flow_set_free(&set);
	}
	free(buf);
	return 0;
}
