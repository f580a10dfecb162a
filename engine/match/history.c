/*
 * history.c - the last packets each way (see history.h).
 */
#include "config.h"

#include <stdio.h>

#include "match/history.h"

void history_add(struct history *h, int64_t at_us, const struct tcp_view *view)
{
	struct history_ring *ring = &h->dir[view->direction == DIR_OUTBOUND];

	ring->items[ring->next].at_us = at_us;
	ring->items[ring->next].view = *view;
	ring->next = (ring->next + 1) % HISTORY_KEEP;
	if (ring->count < HISTORY_KEEP)
		ring->count++;
}

/* The i-th oldest entry of a ring. */
static const struct history_entry *ring_at(const struct history_ring *ring,
					   int i)
{
	return &ring->items[(ring->next - ring->count + i + HISTORY_KEEP) %
			    HISTORY_KEEP];
}

static void append_entry(const struct history_entry *entry,
			 const struct conn_table *conns, struct error *err)
{
	struct tcp_view view = entry->view;
	char text[1024];

	if (view.direction == DIR_OUTBOUND)
		conn_outbound_peek(conns, &view);
	/* Several connections: say which one each packet belongs to. */
	if (view.direction == DIR_OUTBOUND && conns->count > 1)
		view.show_ports = true;
	tcp_view_format(&view, text, sizeof(text));
	error_append(err, "\n    %.3f %s", (double)entry->at_us / 1e6, text);
}

void history_append(const struct history *h, const struct conn_table *conns,
		    struct error *err)
{
	const struct history_ring *in = &h->dir[DIR_INBOUND];
	const struct history_ring *out = &h->dir[DIR_OUTBOUND];
	int i = 0, o = 0;

	if (in->count + out->count == 0) {
		error_append(err, "\n  no packets have crossed yet");
		return;
	}
	error_append(err, "\n  last packets (script time):");
	while (i < in->count || o < out->count) {
		bool take_in = o == out->count ||
			(i < in->count &&
			 ring_at(in, i)->at_us <= ring_at(out, o)->at_us);

		if (take_in)
			append_entry(ring_at(in, i++), conns, err);
		else
			append_entry(ring_at(out, o++), conns, err);
	}
}
