/*
 * conn.c - connection table and sequence mapping (see conn.h).
 */
#include "config.h"

#include <string.h>

#include "match/conn.h"

/* Passive opens get remote ports from here up, well away from the
 * kernel's own ephemeral range (32768-60999) so they never collide with
 * a port the stack picks for an active open.
 */
#define FIRST_REMOTE_PORT 61001

void conn_table_init(struct conn_table *table)
{
	memset(table, 0, sizeof(*table));
	table->current = -1;
	table->next_remote_port = FIRST_REMOTE_PORT;
}

void conn_table_set_first_remote_port(struct conn_table *table,
				      uint16_t port)
{
	if (port)
		table->next_remote_port = port;
}

static struct conn *conn_find(struct conn_table *table, uint16_t local_port,
			      uint16_t remote_port)
{
	for (int i = 0; i < table->count; i++) {
		struct conn *c = &table->items[i];

		if (!c->retired && c->local_port == local_port &&
		    c->remote_port == remote_port) {
			table->current = i;
			return c;
		}
	}
	return NULL;
}

static struct conn *conn_add(struct conn_table *table,
			     const struct net_plan *plan, uint16_t local_port,
			     uint16_t remote_port)
{
	struct conn *c;

	if (table->count == CONN_MAX)
		return NULL;
	c = &table->items[table->count];
	memset(c, 0, sizeof(*c));
	c->local_ip = plan->local_ip;
	c->remote_ip = plan->remote_ip;
	c->local_port = local_port;
	c->remote_port = remote_port;
	c->ts_clock = table->ts_clock;
	table->current = table->count++;
	return c;
}

void conn_retire_all(struct conn_table *table)
{
	for (int i = 0; i < table->count; i++)
		table->items[i].retired = true;
	table->current = -1;
}

void conn_new_socket(struct conn_table *table, bool retire)
{
	if (retire)
		conn_retire_all(table);
	table->current = -1;
}

bool conn_segment_retired(const struct conn_table *table,
			  const struct tcp_segment *seg)
{
	bool retired = false;

	for (int i = 0; i < table->count; i++) {
		const struct conn *c = &table->items[i];

		if (c->local_port != seg->src_port ||
		    c->remote_port != seg->dst_port)
			continue;
		if (!c->retired)
			return false;
		retired = true;
	}
	return retired;
}

struct conn *conn_current(struct conn_table *table)
{
	return table->current >= 0 ? &table->items[table->current] : NULL;
}

struct conn *conn_for_inbound(struct conn_table *table,
			      const struct net_plan *plan,
			      const struct tcp_packet_spec *spec)
{
	struct conn *cur = conn_current(table);
	uint16_t local_port, remote_port;
	struct conn *c;

	/* Written on the line (`< 40001>8080 ...`): source is the peer. */
	if (spec->src.has_port || spec->dst.has_port) {
		remote_port = spec->src.has_port ? spec->src.port :
			(cur ? cur->remote_port : table->next_remote_port++);
		local_port = spec->dst.has_port ? spec->dst.port :
			(cur ? cur->local_port : plan->bind_port);
		c = conn_find(table, local_port, remote_port);
		return c ? c : conn_add(table, plan, local_port, remote_port);
	}
	/* No ports written: the current connection, SYN or not (a peer
	 * that restarted and reuses the 4-tuple, a SYN in TIME_WAIT, a SYN
	 * crossing ours), as packetdrill has it.  Only the first packet of
	 * a socket under test opens a connection from a fresh port.
	 */
	if (cur)
		return cur;
	return conn_add(table, plan, plan->bind_port, table->next_remote_port++);
}

struct conn *conn_for_outbound(struct conn_table *table,
			       const struct net_plan *plan,
			       const struct tcp_segment *seg)
{
	struct conn *c = conn_find(table, seg->src_port, seg->dst_port);

	if (c)
		return c;
	if ((seg->flags & TCP_SYN) && !(seg->flags & TCP_ACK)) {
		c = conn_add(table, plan, seg->src_port, seg->dst_port);
		if (c) {
			c->local_ip = seg->src;
			c->remote_ip = seg->dst;
		}
		return c;
	}
	return conn_current(table);
}

/* A socket connected to itself: both ends are the kernel's, so the
 * peer's sequence space and timestamp clock are the kernel's own.
 */
static bool conn_is_self(const struct conn *conn)
{
	return conn->local_port != 0 && conn->local_port == conn->remote_port &&
		ip_addr_equal(&conn->local_ip, &conn->remote_ip);
}

static const struct tcp_opt_item *find_ts(const struct tcp_view *view)
{
	for (int i = 0; i < view->option_count; i++)
		if (view->options[i].kind == TCPOPT_KIND_TIMESTAMP)
			return &view->options[i];
	return NULL;
}

/* The latest pair for a script value wins: a value written twice stands
 * for the packet the peer most likely answers.
 */
static void remember_ts_val(struct conn *conn, uint32_t script, uint32_t live)
{
	conn->ts_vals[conn->ts_val_next].script = script;
	conn->ts_vals[conn->ts_val_next].live = live;
	conn->ts_val_next = (conn->ts_val_next + 1) % CONN_TS_VALS;
	if (conn->ts_val_count < CONN_TS_VALS)
		conn->ts_val_count++;
}

static bool lookup_ts_val(const struct conn *conn, uint32_t script,
			  uint32_t *live)
{
	for (int k = 1; k <= conn->ts_val_count; k++) {
		int i = (conn->ts_val_next - k + CONN_TS_VALS) % CONN_TS_VALS;

		if (conn->ts_vals[i].script == script) {
			*live = conn->ts_vals[i].live;
			return true;
		}
	}
	return false;
}

void conn_learn_outbound(struct conn *conn, const struct tcp_view *live,
			 struct tcp_view *expected)
{
	const struct tcp_opt_item *got = find_ts(live);
	const struct tcp_opt_item *want = find_ts(expected);

	if ((live->flags & TCP_SYN) && !conn->local_isn_known) {
		conn->local_isn = live->seq;
		conn->local_seq_offset = live->seq - expected->seq;
		conn->local_isn_known = true;
		conn->saw_local_syn = true;
		if (conn_is_self(conn)) {
			conn->remote_seq_offset = conn->local_isn;
			conn->remote_syn_offset = conn->local_seq_offset;
		}
	}
	if (conn->ts_clock.tick_usecs > 0) {
		expected->check_ts_val = true;
		expected->ts_val_slack = (uint32_t)(conn->ts_clock.tolerance_usecs /
						    conn->ts_clock.tick_usecs);
	}
	if (!got || !want)
		return;
	remember_ts_val(conn, want->u.ts.val, got->u.ts.val);
	if (!conn->ts_offset_known) {
		conn->ts_val_offset = got->u.ts.val - want->u.ts.val;
		conn->ts_offset_known = true;
	}
}

/* SACK blocks in a segment name the other side's sequence space. */
static void shift_options(struct tcp_view *view, uint32_t sack_shift,
			  uint32_t ts_val_shift, uint32_t ts_ecr_shift)
{
	for (int i = 0; i < view->option_count; i++) {
		struct tcp_opt_item *o = &view->options[i];

		if (o->kind == TCPOPT_KIND_SACK) {
			for (int b = 0; b < o->u.sack.count; b++) {
				o->u.sack.blocks[b].left += sack_shift;
				o->u.sack.blocks[b].right += sack_shift;
			}
		} else if (o->kind == TCPOPT_KIND_TIMESTAMP) {
			o->u.ts.val += ts_val_shift;
			o->u.ts.ecr += ts_ecr_shift;
		}
	}
}

void conn_inbound_to_live(struct conn *conn, struct tcp_view *view)
{
	/* packetdrill's convention: the peer's SYN carries its ISN as
	 * written (`< S. 123:123(0)`), and every later number on its side
	 * counts from that ISN (`< . 1:1(0)`, `> . 1:1(0) ack 1`).
	 */
	bool syn = view->flags & TCP_SYN, ack = view->flags & TCP_ACK;

	/* A bare SYN crossing our own (simultaneous open) is written with
	 * absolute numbers, as packetdrill has it: only the SYN-ACK that
	 * answers our SYN fixes the peer's ISN then.
	 */
	if (syn && !conn->remote_isn_known && (ack || !conn->saw_local_syn)) {
		conn->remote_seq_offset = view->seq;
		conn->remote_isn_known = true;
	}
	/* The SYN itself, and a SYN repeated later, carry their seq as is. */
	if (!syn)
		view->seq += conn->remote_seq_offset;
	view->ack += conn_local_offset(conn, syn);
	/* The peer echoes the kernel's TS val, which runs on its own clock. */
	shift_options(view, conn_local_offset(conn, false), 0,
		      conn->ts_offset_known ? conn->ts_val_offset : 0);
	for (int i = 0; i < view->option_count; i++) {
		struct tcp_opt_item *o = &view->options[i];
		uint32_t script_ecr, live;

		if (o->kind != TCPOPT_KIND_TIMESTAMP || !conn->ts_offset_known)
			continue;
		script_ecr = o->u.ts.ecr - conn->ts_val_offset;
		if (lookup_ts_val(conn, script_ecr, &live))
			o->u.ts.ecr = live;
	}
}

uint32_t conn_local_offset(const struct conn *conn, bool syn)
{
	return syn ? conn->local_seq_offset : conn->local_isn;
}

void conn_outbound_to_script(const struct conn *conn, struct tcp_view *view)
{
	uint32_t ts_shift = conn->ts_offset_known ? -conn->ts_val_offset : 0;
	bool syn = view->flags & TCP_SYN;

	view->seq -= conn_local_offset(conn, syn);
	/* A SYN-ACK acknowledges the peer's ISN as the script wrote it. */
	view->ack -= syn ? conn->remote_syn_offset : conn->remote_seq_offset;
	shift_options(view, -conn->remote_seq_offset, ts_shift,
		      conn_is_self(conn) ? ts_shift : 0);
}

bool conn_outbound_peek(const struct conn_table *table, struct tcp_view *view)
{
	const struct conn *c = NULL;

	for (int i = 0; i < table->count && !c; i++)
		if (table->items[i].local_port == view->src_port &&
		    table->items[i].remote_port == view->dst_port)
			c = &table->items[i];
	if (!c && !((view->flags & TCP_SYN) && !(view->flags & TCP_ACK)) &&
	    table->current >= 0)
		c = &table->items[table->current];
	if (!c || !c->local_isn_known)
		return false;
	conn_outbound_to_script(c, view);
	return true;
}
