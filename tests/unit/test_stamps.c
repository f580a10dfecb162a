/*
 * test_stamps.c - pairing datagrams with the kernel's timestamps
 * (engine/path/stamps.c): in order, past datagrams the reader never got, past
 * records the kernel lost, and with copies that differ only after the
 * bytes a record keeps.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "path/stamps.h"
#include "tap.h"

/* A datagram of len (at least 4) bytes, different for every id. */
static void datagram(uint8_t *buf, size_t len, int id)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(id * 31 + i);
	buf[0] = (uint8_t)(id >> 24);
	buf[1] = (uint8_t)(id >> 16);
	buf[2] = (uint8_t)(id >> 8);
	buf[3] = (uint8_t)id;
}

static void push(struct stamp_queue *q, int id, size_t len, int64_t ns)
{
	uint8_t buf[2000];

	datagram(buf, len, id);
	stamp_queue_push(q, buf, len, len, ns);
}

/* Take datagram id; -1 when no record matches. */
static int64_t take(struct stamp_queue *q, int id, size_t len)
{
	uint8_t buf[2000];
	int64_t ns = 0;

	datagram(buf, len, id);
	return stamp_queue_take(q, buf, len, &ns) ? ns : -1;
}

static void in_order(struct stamp_queue *q)
{
	stamp_queue_init(q);
	push(q, 1, 60, 1000);
	push(q, 2, 60, 2000);
	push(q, 3, 1500, 3000);
	tap_is_int(take(q, 1, 60), 1000, "the first datagram gets the first time");
	tap_is_int(take(q, 2, 60), 2000, "the second the second");
	tap_is_int(take(q, 3, 1500), 3000, "the third the third");
	tap_is_int(q->count, 0, "nothing left waiting");
	tap_is_int(take(q, 4, 60), -1, "a datagram the kernel never showed has no time");
}

static void reader_missed_one(struct stamp_queue *q)
{
	stamp_queue_init(q);
	push(q, 1, 60, 1000);
	push(q, 2, 60, 2000);	/* dropped before the reader got it */
	push(q, 3, 60, 3000);
	tap_is_int(take(q, 1, 60), 1000, "first datagram");
	tap_is_int(take(q, 3, 60), 3000,
		   "a datagram after one the reader never got keeps its own time");
	tap_is_int(q->count, 0, "the record of the dropped one is gone with it");
}

static void record_missing(struct stamp_queue *q)
{
	stamp_queue_init(q);
	push(q, 1, 60, 1000);
	push(q, 3, 60, 3000);
	tap_is_int(take(q, 1, 60), 1000, "first datagram");
	tap_is_int(take(q, 2, 60), -1, "a datagram whose record was lost has no time");
	tap_is_int(q->count, 1, "and the records after it stay");
	tap_is_int(take(q, 3, 60), 3000, "for the datagram they belong to");
}

static void length_and_head_decide(struct stamp_queue *q)
{
	uint8_t a[600], b[600];
	int64_t ns = 0;

	stamp_queue_init(q);
	datagram(a, sizeof(a), 7);
	memcpy(b, a, sizeof(b));
	b[sizeof(b) - 1] ^= 0xff;	/* differs past the kept bytes */
	stamp_queue_push(q, a, STAMP_HEAD_BYTES, sizeof(a), 5000);
	tap_ok(stamp_queue_take(q, b, sizeof(b), &ns) && ns == 5000,
	       "bytes past the kept head do not matter");
	stamp_queue_push(q, a, sizeof(a), sizeof(a), 6000);
	tap_ok(!stamp_queue_take(q, a, sizeof(a) - 1, &ns),
	       "a different length is a different datagram");
	b[10] ^= 0xff;
	tap_ok(!stamp_queue_take(q, b, sizeof(b), &ns),
	       "a different header is a different datagram");
	tap_ok(stamp_queue_take(q, a, sizeof(a), &ns) && ns == 6000,
	       "the record stays for its own datagram");
}

static void identical_datagrams(struct stamp_queue *q)
{
	stamp_queue_init(q);
	push(q, 5, 60, 1000);
	push(q, 5, 60, 2000);	/* a retransmission, byte for byte */
	tap_is_int(take(q, 5, 60), 1000, "of two identical datagrams the first comes first");
	tap_is_int(take(q, 5, 60), 2000, "and the second second");
}

static void overflow(struct stamp_queue *q)
{
	stamp_queue_init(q);
	for (int i = 0; i < STAMP_QUEUE_MAX + 3; i++)
		push(q, i, 60, 1000 + i);
	tap_is_int(q->count, STAMP_QUEUE_MAX, "a full queue holds its maximum");
	tap_is_int(q->lost, 3, "and counts the records it forgot");
	tap_is_int(take(q, 0, 60), -1, "the oldest are the ones forgotten");
	tap_is_int(take(q, 3, 60), 1003, "the rest are still there");
	tap_is_int(take(q, STAMP_QUEUE_MAX + 2, 60), 1000 + STAMP_QUEUE_MAX + 2,
		   "up to the newest, across the wrap of the ring");
	tap_is_int(q->count, 0, "taking the newest leaves nothing");
	push(q, 9, 60, 9000);
	tap_is_int(take(q, 9, 60), 9000, "the queue goes on after emptying");
}

static void short_datagram(struct stamp_queue *q)
{
	uint8_t a[20];
	int64_t ns = 0;

	stamp_queue_init(q);
	datagram(a, sizeof(a), 3);
	stamp_queue_push(q, a, 176, sizeof(a), 42);	/* kept > len */
	tap_ok(stamp_queue_take(q, a, sizeof(a), &ns) && ns == 42,
	       "a datagram shorter than the head is compared whole");
}

int main(void)
{
	struct stamp_queue *q = malloc(sizeof(*q));

	if (!q)
		return 1;
	in_order(q);
	reader_missed_one(q);
	record_missing(q);
	length_and_head_decide(q);
	identical_datagrams(q);
	overflow(q);
	short_datagram(q);
	free(q);
	return tap_done();
}
