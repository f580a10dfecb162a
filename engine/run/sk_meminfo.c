/*
 * sk_meminfo.c - SO_MEMINFO counters as Python variables (see
 * sk_meminfo.h).
 *
 * The indices come from the kernel's uapi enumeration, so a counter is
 * never read from the wrong slot; one the running kernel did not return
 * (an older kernel fills fewer) is simply absent.
 */
#include "config.h"

#include "run/sk_meminfo.h"

#define COUNTER(name) { #name, name }

static const struct {
	const char *name;
	int index;
} counters[] = {
	COUNTER(SK_MEMINFO_RMEM_ALLOC), COUNTER(SK_MEMINFO_RCVBUF),
	COUNTER(SK_MEMINFO_WMEM_ALLOC), COUNTER(SK_MEMINFO_SNDBUF),
	COUNTER(SK_MEMINFO_FWD_ALLOC), COUNTER(SK_MEMINFO_WMEM_QUEUED),
	COUNTER(SK_MEMINFO_OPTMEM), COUNTER(SK_MEMINFO_BACKLOG),
	COUNTER(SK_MEMINFO_DROPS),
};

void sk_meminfo_write_python(const uint32_t *values, size_t len, FILE *out)
{
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		size_t end = ((size_t)counters[i].index + 1) * sizeof(*values);

		if (end > len)
			continue;
		fprintf(out, "'%s': %u, ", counters[i].name,
			(unsigned int)values[counters[i].index]);
	}
}
