/*
 * infer.c - what a connection's packets say about the application that
 * drove the stack (see write.c for how the draft uses it): how much it
 * wrote at once, whether it closed or shut down, aborted, set
 * keepalive or TCP_NODELAY, what the handshake's options imply.  Each
 * function reads the whole connection, so a call can be written before
 * the packets that show it.
 */
#include "config.h"

#include "draft/draft_internal.h"

/* The peer's data bytes acknowledged by ack (relative): the FIN's
 * sequence number is not a byte to read.
 */
uint32_t data_end(const struct draft *d, uint32_t ack)
{
	if (d->peer_fin_end && ack >= d->peer_fin_end)
		return d->peer_fin_end - 1;
	return ack;
}

/* Bytes of new data in the burst that starts at packet i. */
uint32_t burst_bytes(const struct draft *d, int i)
{
	uint32_t next = d->stack_next, total = 0;

	for (int j = i; j < d->f->count; j++) {
		const struct flow_packet *p = &d->f->packets[j];
		uint32_t end = p->seg.seq - d->stack_isn + p->seg.payload_len;

		if (!p->from_stack || !p->seg.payload_len || end <= next ||
		    (j > i && p->time_ns - d->f->packets[j - 1].time_ns >
		     BURST_GAP_NS))
			break;
		total += end - next;
		next = end;
	}
	return total;
}

/* After the stack's FIN at packet i, does it still take the peer's data
 * (shutdown) rather than answer it with a reset (close)?
 */
bool still_reads_after(const struct draft *d, int i)
{
	for (int j = i + 1; j < d->f->count; j++) {
		const struct flow_packet *p = &d->f->packets[j];
		uint32_t end = p->seg.seq + p->seg.payload_len;

		if (p->from_stack || !p->seg.payload_len)
			continue;
		for (int k = j + 1; k < d->f->count; k++) {
			const struct tcp_segment *s = &d->f->packets[k].seg;

			if (!d->f->packets[k].from_stack)
				continue;
			if (s->flags & TCP_RST)
				return false;
			if ((s->flags & TCP_ACK) &&
			    (int32_t)(s->ack - end) >= 0)
				return true;
		}
	}
	return false;
}

/* A reset from the stack that answers nothing (no packet from the peer
 * just before it) is the application aborting: close() with data left
 * unread, or with SO_LINGER at zero.  Its index, or -1.
 */
int find_abort(const struct draft *d)
{
	for (int i = 1; i < d->f->count; i++) {
		const struct flow_packet *p = &d->f->packets[i];
		const struct flow_packet *prev = &d->f->packets[i - 1];

		if (!p->from_stack || !(p->seg.flags & TCP_RST))
			continue;
		if (prev->from_stack ||
		    p->time_ns - prev->time_ns > BURST_GAP_NS)
			return i;
		return -1;
	}
	return -1;
}

/* The first zero window the stack answers with a window probe (a
 * segment below what it has sent), when it sends new data later.
 */
void find_held_data(struct draft *d)
{
	uint32_t next = 1, total = 0;
	int zero = -1;

	d->held_at = -1;
	for (int i = 0; i < d->f->count; i++) {
		const struct flow_packet *p = &d->f->packets[i];
		const struct tcp_segment *s = &p->seg;
		uint32_t end = s->seq - d->stack_isn + s->payload_len;

		if (!p->from_stack) {
			bool closes = (s->flags & TCP_ACK) && !s->window &&
				!(s->flags & (TCP_SYN | TCP_RST));

			if (d->held_at < 0)
				zero = closes ? i : -1;
			continue;
		}
		if (d->held_at < 0 && zero >= 0 && !s->payload_len &&
		    !(s->flags & (TCP_SYN | TCP_FIN | TCP_RST)) &&
		    end + 1 == next)
			d->held_at = zero;
		zero = -1;
		if (s->flags & TCP_SYN)
			continue;
		if (d->held_at >= 0 && end > next)
			total += end - next;
		if (end > next)
			next = end;
	}
	d->held_bytes = total;
	if (!total)
		d->held_at = -1;
}

static unsigned whole_seconds(uint64_t ns)
{
	unsigned s = (unsigned)((ns + 500000000u) / 1000000000u);

	return s ? s : 1;
}

/* A segment of no data one below what the stack has sent, to a peer
 * whose window is open: a keepalive probe.
 */
static bool is_probe(const struct flow_packet *p, uint32_t isn,
		     uint32_t next, bool window_open)
{
	const struct tcp_segment *s = &p->seg;

	return p->from_stack && window_open && !s->payload_len &&
	       !(s->flags & (TCP_SYN | TCP_FIN | TCP_RST)) &&
	       s->seq - isn + 1 == next;
}

/* The probes' timing, as the socket options that would give it. */
void find_keepalive(struct draft *d)
{
	uint32_t next = 1;
	bool open = true;
	int last_probe = -1, unanswered = 0;

	d->keep_reset_at = -1;
	for (int i = 1; i < d->f->count; i++) {
		const struct flow_packet *p = &d->f->packets[i];
		const struct tcp_segment *s = &p->seg;
		uint32_t end = s->seq - d->stack_isn + s->payload_len;
		uint64_t gap = p->time_ns - d->f->packets[i - 1].time_ns;

		if (!p->from_stack) {
			open = s->window != 0;
			unanswered = 0;
			continue;
		}
		if ((s->flags & TCP_RST) && unanswered && !d->keep_cnt) {
			d->keep_cnt = (unsigned)unanswered;
			d->keep_reset_at = i;
		}
		if (is_probe(p, d->stack_isn, next, open) &&
		    !(s->flags & TCP_SYN)) {
			if (!d->keep_idle)
				d->keep_idle = whole_seconds(gap);
			else if (!d->keep_intvl && unanswered)
				d->keep_intvl = whole_seconds(p->time_ns -
					d->f->packets[last_probe].time_ns);
			last_probe = i;
			unanswered++;
		}
		if (!(s->flags & TCP_SYN) && end > next)
			next = end;
	}
	if (d->keep_idle && !d->keep_intvl)
		d->keep_intvl = d->keep_idle;
}

/* Nagle's algorithm holds a segment shorter than the MSS while an
 * earlier short one is unacknowledged (Linux: tcp_minshall_check()); a
 * stack that sent one anyway had TCP_NODELAY set.
 */
void find_nodelay(struct draft *d, unsigned peer_mss)
{
	uint32_t una = 1, small_end = 0, next = 1;

	for (int i = 0; i < d->f->count; i++) {
		const struct tcp_segment *s = &d->f->packets[i].seg;
		uint32_t seq = s->seq - d->stack_isn;

		if (!d->f->packets[i].from_stack) {
			uint32_t ack = s->ack - d->stack_isn;

			if ((s->flags & TCP_ACK) && ack > una &&
			    ack - una < (1u << 30))
				una = ack;
			continue;
		}
		if (!s->payload_len || (s->flags & TCP_SYN) ||
		    seq + s->payload_len <= next)
			continue;
		next = seq + s->payload_len;
		if (s->payload_len + 12 >= peer_mss)
			continue;
		if (small_end > una) {
			d->nodelay = true;
			return;
		}
		small_end = next;
	}
}


void find_syn_options(const struct draft *d, bool stack,
			     struct syn_options *o)
{
	struct error ignored;

	o->count = -1;
	for (int i = 0; i < d->f->count; i++) {
		const struct flow_packet *p = &d->f->packets[i];

		if (p->from_stack != stack || !(p->seg.flags & TCP_SYN))
			continue;
		o->flags = p->seg.flags;
		if (tcp_options_decode(p->seg.options, p->seg.options_len,
				       o->items, TCP_VIEW_MAX_OPTIONS,
				       &o->count, &ignored) < 0)
			o->count = -1;
		return;
	}
}

const struct tcp_opt_item *find_option(const struct syn_options *o,
					      uint8_t kind)
{
	for (int i = 0; i < o->count; i++)
		if (o->items[i].kind == kind)
			return &o->items[i];
	return NULL;
}

/* The MSS the peer offered, or RFC 9293's default. */
unsigned peer_mss(const struct draft *d)
{
	struct syn_options peer;
	const struct tcp_opt_item *m;

	find_syn_options(d, false, &peer);
	m = find_option(&peer, TCPOPT_KIND_MSS);
	return m ? m->u.mss : 536;
}

/* The MSS the stack offered, or 0. */
unsigned stack_mss(const struct draft *d)
{
	struct syn_options stack;
	const struct tcp_opt_item *m;

	find_syn_options(d, true, &stack);
	m = find_option(&stack, TCPOPT_KIND_MSS);
	return m ? m->u.mss : 0;
}

