/*
 * fuzz_report.c - libFuzzer target: the runner's failure record as the
 * parent reads it (engine/session/report_wire.c).
 *
 * A runner that crashed may leave any bytes on its pipe.  Whatever they
 * are, report_wire_decode() must read only the bytes given, and leave a
 * NUL-terminated text within the buffer, a kind in range and a line not
 * below 0; a record it accepts must encode back to the same bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "session/report_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past it. */
	uint8_t *buf = malloc(size ? size : 1);
	static uint8_t again[REPORT_WIRE_MAX];
	struct error out;
	size_t len;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(&out, 0xa5, sizeof(out));
	if (report_wire_decode(buf, size, &out) == 0) {
		len = report_wire_encode(&out, again, sizeof(again));
		/* Text with a NUL inside comes back shorter: not the same. */
		if (strlen(out.text) + REPORT_WIRE_HEADER == size &&
		    (len != size || memcmp(again, buf, size) != 0))
			abort();
	}
	if (!memchr(out.text, '\0', sizeof(out.text)) || out.line < 0 ||
	    out.kind >= FAILURE_KIND_COUNT)
		abort();
	free(buf);
	return 0;
}
