/*
 * outq.c - the outbound queue (outq.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "run/outq.h"

static void classify(struct captured *c)
{
	struct error ignored;

	int udp = udp_parse(c->bytes, c->len, &c->dgram, &ignored);

	if (udp == 1)
		c->kind = OUTQ_UDP;
	else if (udp < 0)
		c->kind = OUTQ_UDP_BAD;
	else if (packet_parse(c->bytes, c->len, &c->seg, &ignored) ==
		 PACKET_TCP)
		c->kind = OUTQ_TCP;
	else
		c->kind = OUTQ_OTHER;
}

int outq_drain(struct outq *q, struct packet_path *path,
	       void (*arrived)(void *ctx, const struct captured *c),
	       void *ctx, struct error *err)
{
	while (q->count < OUTQ_MAX) {
		struct captured *c;
		size_t len = 0;
		int64_t at_ns = 0;
		int rc = path->ops->receive(path, q->scratch, sizeof(q->scratch),
					    &len, &at_ns, 0, err);

		if (rc < 0)
			return -1;
		if (rc != PATH_RECEIVED)
			return 0;
		c = outq_at(q, q->count);
		memset(c, 0, sizeof(*c));
		c->bytes = malloc(len ? len : 1);
		if (!c->bytes)
			return error_set(err, "out of memory");
		memcpy(c->bytes, q->scratch, len);
		c->len = len;
		c->at_ns = at_ns;
		c->gso = path->last_gso_size;
		c->kernel_time = path->last_kernel_time;
		c->read_ns = path->last_read_ns;
		classify(c);
		q->count++;
		arrived(ctx, c);
	}
	return 0;
}

int outq_first_for_tcp(struct outq *q)
{
	int i = 0;

	while (i < q->count && outq_at(q, i)->kind == OUTQ_UDP)
		i++;
	return i;
}

int outq_first_for_udp(struct outq *q)
{
	for (int i = 0; i < q->count;) {
		enum outq_kind kind = outq_at(q, i)->kind;

		if (kind & OUTQ_FOR_UDP)
			return i;
		if (kind == OUTQ_TCP)
			i++;
		else
			outq_remove(q, i);
	}
	return -1;
}

bool outq_has(struct outq *q, unsigned kinds)
{
	if (kinds == OUTQ_FOR_UDP)
		return outq_first_for_udp(q) >= 0;
	for (int i = 0; i < q->count; i++)
		if (outq_at(q, i)->kind & kinds)
			return true;
	return false;
}

void outq_take(struct outq *q, int i, uint8_t *buf, struct captured *out)
{
	struct captured *c = outq_at(q, i);

	memcpy(buf, c->bytes, c->len);
	*out = *c;
	if (c->kind == OUTQ_TCP)
		out->seg.payload = buf + (c->seg.payload - c->bytes);
	out->bytes = NULL;
	outq_remove(q, i);
}

void outq_remove(struct outq *q, int i)
{
	free(outq_at(q, i)->bytes);
	if (i == 0) {
		q->head = (q->head + 1) % OUTQ_MAX;
		q->count--;
		return;
	}
	for (; i + 1 < q->count; i++)
		*outq_at(q, i) = *outq_at(q, i + 1);
	q->count--;
}

void outq_free(struct outq *q)
{
	while (q->count)
		outq_remove(q, 0);
}
