/*
 * fuzz_toolset.c - libFuzzer target: reading the record of the guest's
 * host files (vm/toolset.h) from the cache folder.
 *
 * The record is tcpcheck's own, but a disk that filled up, a second
 * tcpcheck of another version or a user's editor can leave anything in
 * its place.  Whatever the bytes, parsing must neither crash nor leak,
 * and a record it takes must hold what the set can hold: absolute names
 * on both sides, no more files than the set has room for.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vm/toolset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct toolset s;

	if (toolset_parse(&s, (const char *)data, size) == 0) {
		if (s.count == 0 || s.count > TOOLSET_MAX)
			abort();
		for (size_t i = 0; i < s.count; i++)
			if (s.host[i][0] != '/' || s.guest[i][0] != '/')
				abort();
		toolset_free(&s);
	}
	return 0;
}
