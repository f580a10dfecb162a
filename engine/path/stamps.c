/*
 * stamps.c - pairing datagrams with the kernel's timestamps (see stamps.h).
 */
#include "config.h"

#include <string.h>

#include "path/stamps.h"

void stamp_queue_init(struct stamp_queue *q)
{
	q->first = 0;
	q->count = 0;
	q->lost = 0;
}

static struct stamp *at(struct stamp_queue *q, int i)
{
	return &q->items[(q->first + i) % STAMP_QUEUE_MAX];
}

void stamp_queue_push(struct stamp_queue *q, const uint8_t *data, size_t kept,
		      size_t len, int64_t ns)
{
	struct stamp *s;

	if (q->count == STAMP_QUEUE_MAX) {
		q->first = (q->first + 1) % STAMP_QUEUE_MAX;
		q->count--;
		q->lost++;
	}
	if (kept > len)
		kept = len;
	if (kept > STAMP_HEAD_BYTES)
		kept = STAMP_HEAD_BYTES;
	s = at(q, q->count++);
	s->ns = ns;
	s->len = (uint32_t)len;
	s->kept = (uint16_t)kept;
	memcpy(s->head, data, kept);
}

static bool same_datagram(const struct stamp *s, const uint8_t *packet,
			  size_t len)
{
	return s->len == len && !memcmp(s->head, packet, s->kept);
}

bool stamp_queue_take(struct stamp_queue *q, const uint8_t *packet,
		      size_t len, int64_t *ns)
{
	for (int i = 0; i < q->count; i++) {
		if (!same_datagram(at(q, i), packet, len))
			continue;
		*ns = at(q, i)->ns;
		q->first = (q->first + i + 1) % STAMP_QUEUE_MAX;
		q->count -= i + 1;
		return true;
	}
	return false;
}
