/*
 * test_conn.c - connection selection and sequence/timestamp mapping.
 *
 * The mapping is where an off-by-one silently passes a wrong stack, so
 * these tests pin it down numerically, including at the 2^32 wrap.
 */
#include "config.h"

#include <string.h>

#include "match/conn.h"
#include "match/matcher.h"
#include "tap.h"

static struct tcp_packet_spec spec_of(enum direction dir, const char *flags)
{
	struct tcp_packet_spec spec;

	memset(&spec, 0, sizeof(spec));
	spec.direction = dir;
	spec.flags = (char *)flags;
	spec.options_form = TCP_OPTIONS_ABSENT;
	return spec;
}

static struct tcp_view view_of(enum direction dir, uint16_t flags,
			       uint32_t seq, uint32_t ack)
{
	struct tcp_view v;

	memset(&v, 0, sizeof(v));
	v.direction = dir;
	v.flags = flags;
	v.seq = seq;
	v.ack = ack;
	v.has_ack = (flags & TCP_ACK) != 0;
	return v;
}

static struct tcp_segment syn_from(uint16_t sport, uint16_t dport)
{
	struct tcp_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.ip_version = 4;
	ip_addr_parse("192.168.0.1", &seg.src);
	ip_addr_parse("192.0.2.1", &seg.dst);
	seg.src_port = sport;
	seg.dst_port = dport;
	seg.flags = TCP_SYN;
	return seg;
}

static void test_passive_connections(void)
{
	struct conn_table table;
	struct net_plan plan;
	struct tcp_packet_spec spec = spec_of(DIR_INBOUND, "S");
	struct conn *a, *b, *c;

	plan_set_defaults(&plan);
	conn_table_init(&table);
	a = conn_for_inbound(&table, &plan, &spec);
	tap_ok(a != NULL, "a SYN creates a connection");
	tap_is_int(a->local_port, 8080, "passive connection on the bind port");
	tap_is_int(a->remote_port, 61001, "first default remote port");
	spec.flags = ".";
	b = conn_for_inbound(&table, &plan, &spec);
	tap_ok(a == b, "a later non-SYN packet uses the same connection");
	spec.flags = "S";
	tap_ok(conn_for_inbound(&table, &plan, &spec) == a,
	       "a later SYN without ports keeps the connection's 4-tuple");
	tap_is_int(table.count, 1, "no second connection for it");
	conn_new_socket(&table, false);
	c = conn_for_inbound(&table, &plan, &spec);
	tap_ok(c != a && c->remote_port == 61002,
	       "after a new socket a SYN opens a connection from the next port");
	tap_is_int(table.count, 2, "two connections in the table");
	tap_ok(!a->retired, "a new socket in a script with ports retires none");

	spec.src.has_port = true;
	spec.src.port = 40001;
	spec.dst.has_port = true;
	spec.dst.port = 9000;
	c = conn_for_inbound(&table, &plan, &spec);
	tap_ok(c->remote_port == 40001 && c->local_port == 9000,
	       "explicit ports on the line select the connection");
	spec.src.port = 61001;
	spec.dst.port = 8080;
	tap_ok(conn_for_inbound(&table, &plan, &spec) == a,
	       "explicit ports find an existing connection");
}

static void test_active_and_simultaneous(void)
{
	struct conn_table table;
	struct net_plan plan;
	struct tcp_segment seg = syn_from(45000, 8080);
	struct tcp_packet_spec spec = spec_of(DIR_INBOUND, "S");
	struct tcp_view expected = view_of(DIR_OUTBOUND, TCP_SYN, 0, 0);
	struct tcp_view live = view_of(DIR_OUTBOUND, TCP_SYN, 12345, 0);
	struct conn *a;

	plan_set_defaults(&plan);
	conn_table_init(&table);
	a = conn_for_outbound(&table, &plan, &seg);
	tap_ok(a && a->local_port == 45000 && a->remote_port == 8080,
	       "an outbound SYN on new ports starts an active connection");
	conn_learn_outbound(a, &live, &expected);
	tap_ok(conn_for_inbound(&table, &plan, &spec) == a,
	       "a SYN crossing ours is a simultaneous open, same connection");
	tap_is_int(table.count, 1, "no second connection for the crossed SYN");
	seg.flags = TCP_ACK;
	seg.src_port = 1;
	tap_ok(conn_for_outbound(&table, &plan, &seg) == a,
	       "a non-SYN on unknown ports falls back to the current one");
}

static void test_sequence_mapping(void)
{
	struct conn conn;
	struct tcp_view expected = view_of(DIR_OUTBOUND, TCP_SYN | TCP_ACK, 0, 1);
	struct tcp_view live = view_of(DIR_OUTBOUND, TCP_SYN | TCP_ACK,
				       0xfffffff0u, 1);
	struct tcp_view data, in;

	memset(&conn, 0, sizeof(conn));
	conn_learn_outbound(&conn, &live, &expected);
	tap_ok(conn.local_isn_known, "the SYN-ACK teaches the kernel's ISN");
	tap_is_int(conn.local_seq_offset, 0xfffffff0u, "offset is live - script");

	data = view_of(DIR_OUTBOUND, TCP_ACK, 0xfffffff1u, 1001);
	conn_outbound_to_script(&conn, &data);
	tap_is_int(data.seq, 1, "live ISN+1 maps back to script seq 1");
	tap_is_int(data.ack, 1001, "peer-side ack is kept as written");

	data = view_of(DIR_OUTBOUND, TCP_ACK, 0x000003d9u, 1);
	conn_outbound_to_script(&conn, &data);
	tap_is_int(data.seq, 1001, "mapping wraps around 2^32");

	in = view_of(DIR_INBOUND, TCP_ACK, 1, 1001);
	conn_inbound_to_live(&conn, &in);
	tap_is_int(in.ack, 0x000003d9u, "inbound ack 1001 maps to live, wrapped");
	tap_is_int(in.seq, 1, "inbound seq is sent as written");

	/* A second SYN must not move the ISN (a retransmitted SYN-ACK). */
	live.seq = 7;
	conn_learn_outbound(&conn, &live, &expected);
	tap_is_int(conn.local_seq_offset, 0xfffffff0u,
		   "the ISN is learned once");
}

/* The peer's ISN is the seq written on its SYN; later numbers count
 * from it, as in packetdrill (`< S. 123:123(0)` then `> . 1:1(0) ack 1`).
 */
static void test_peer_isn(void)
{
	struct conn conn;
	struct tcp_view synack = view_of(DIR_INBOUND, TCP_SYN | TCP_ACK, 123, 1);
	struct tcp_view data = view_of(DIR_INBOUND, TCP_ACK, 1, 1);
	struct tcp_view ours = view_of(DIR_OUTBOUND, TCP_ACK, 1, 124);

	memset(&conn, 0, sizeof(conn));
	conn.local_port = 45000;
	conn.remote_port = 8080;
	conn_inbound_to_live(&conn, &synack);
	tap_is_int(synack.seq, 123, "the peer's SYN goes out with its ISN as written");
	conn_inbound_to_live(&conn, &data);
	tap_is_int(data.seq, 124, "its later seq 1 is ISN + 1 on the wire");
	conn_outbound_to_script(&conn, &ours);
	tap_is_int(ours.ack, 1, "our ack of ISN + 1 reads as ack 1");
}

/* Numbers as tcpdump prints them (packetdrill's rule): absolute in
 * segments with SYN set, relative to the side's ISN in all others,
 * whatever ISN the script wrote (upstream's `< S 999000:999040(40)`,
 * `> S. 1234:1234(0) ack 999001`, then `< . 1:1(0) ack 1`).
 */
static void test_tcpdump_numbers(void)
{
	struct conn conn;
	struct tcp_view syn = view_of(DIR_INBOUND, TCP_SYN, 999000, 0);
	struct tcp_view expected = view_of(DIR_OUTBOUND, TCP_SYN | TCP_ACK,
					   1234, 999001);
	struct tcp_view synack = view_of(DIR_OUTBOUND, TCP_SYN | TCP_ACK,
					 70000, 999001);
	struct tcp_view ack = view_of(DIR_INBOUND, TCP_ACK, 1, 1);
	struct tcp_view data = view_of(DIR_OUTBOUND, TCP_ACK, 70001, 999001);

	memset(&conn, 0, sizeof(conn));
	conn_inbound_to_live(&conn, &syn);
	tap_is_int(syn.seq, 999000, "the peer's SYN goes out as written");
	conn_learn_outbound(&conn, &synack, &expected);
	conn_outbound_to_script(&conn, &synack);
	tap_ok(synack.seq == 1234 && synack.ack == 999001,
	       "the SYN-ACK reads as 1234 ack 999001, absolute (got %u ack %u)",
	       synack.seq, synack.ack);
	conn_inbound_to_live(&conn, &ack);
	tap_ok(ack.seq == 999001 && ack.ack == 70001,
	       "the peer's `. 1:1(0) ack 1` counts from both ISNs "
	       "(got %u ack %u)", ack.seq, ack.ack);
	conn_outbound_to_script(&conn, &data);
	tap_ok(data.seq == 1 && data.ack == 1,
	       "the kernel's next segment reads as 1 ack 1 (got %u ack %u)",
	       data.seq, data.ack);
}

/* A bare SYN crossing ours is written with absolute numbers; the SYN-ACK
 * that answers our SYN then fixes the peer's ISN (packetdrill's rule).
 */
static void test_crossing_syn_is_absolute(void)
{
	struct conn conn;
	struct tcp_view crossing = view_of(DIR_INBOUND, TCP_SYN, 1234, 0);
	struct tcp_view ours = view_of(DIR_OUTBOUND, TCP_SYN | TCP_ACK, 0, 1235);
	struct tcp_view synack = view_of(DIR_INBOUND, TCP_SYN | TCP_ACK, 1234,
					 1001);
	struct tcp_view data = view_of(DIR_INBOUND, TCP_ACK, 1, 1001);

	memset(&conn, 0, sizeof(conn));
	conn.saw_local_syn = true;
	conn_inbound_to_live(&conn, &crossing);
	tap_ok(!conn.remote_isn_known, "a crossing SYN does not fix the ISN");
	conn_outbound_to_script(&conn, &ours);
	tap_is_int(ours.ack, 1235, "our SYN-ACK's ack reads as absolute 1235");
	conn_inbound_to_live(&conn, &synack);
	tap_ok(conn.remote_isn_known && conn.remote_seq_offset == 1234,
	       "the peer's SYN-ACK fixes it at 1234");
	conn_inbound_to_live(&conn, &data);
	tap_is_int(data.seq, 1235, "later peer data counts from it");
}

/* Once a script makes a new socket, the earlier connections' segments
 * are no longer matched (packetdrill's one socket under test).
 */
static void test_retired_connections(void)
{
	struct conn_table table;
	struct net_plan plan;
	struct tcp_segment old = syn_from(45000, 8080);
	struct tcp_segment fresh = syn_from(45001, 8080);
	struct conn *a, *b;

	plan_set_defaults(&plan);
	conn_table_init(&table);
	a = conn_for_outbound(&table, &plan, &old);
	tap_ok(!conn_segment_retired(&table, &old), "a live connection is not retired");
	conn_retire_all(&table);
	tap_ok(conn_current(&table) == NULL, "retiring leaves no current connection");
	old.flags = TCP_FIN | TCP_ACK;
	tap_ok(conn_segment_retired(&table, &old),
	       "a FIN of the earlier connection is recognised as retired");
	tap_ok(!conn_segment_retired(&table, &fresh),
	       "a segment on new ports is not");
	b = conn_for_outbound(&table, &plan, &fresh);
	tap_ok(b && b != a && conn_current(&table) == b,
	       "the new SYN starts the connection under test");
	old.flags = TCP_SYN;
	tap_ok(conn_for_outbound(&table, &plan, &old) != a,
	       "a retired connection is never found again by its ports");
}

static void test_option_mapping(void)
{
	struct conn conn;
	struct tcp_view expected = view_of(DIR_OUTBOUND, TCP_ACK, 1, 1);
	struct tcp_view live = view_of(DIR_OUTBOUND, TCP_ACK, 1, 1);
	struct tcp_view in = view_of(DIR_INBOUND, TCP_ACK, 1, 1);

	memset(&conn, 0, sizeof(conn));
	conn.local_isn_known = true;
	conn.local_seq_offset = 1000000;
	conn.local_isn = 1000000;
	expected.option_count = 1;
	expected.options[0].kind = TCPOPT_KIND_TIMESTAMP;
	expected.options[0].u.ts.val = 100;
	expected.options[0].u.ts.ecr = 700;
	live.option_count = 1;
	live.options[0].kind = TCPOPT_KIND_TIMESTAMP;
	live.options[0].u.ts.val = 5000100;
	live.options[0].u.ts.ecr = 700;
	conn_learn_outbound(&conn, &live, &expected);
	tap_ok(conn.ts_offset_known, "the first TS val teaches the clock offset");
	tap_is_int(conn.ts_val_offset, 5000000, "TS offset is live - script");
	conn_outbound_to_script(&conn, &live);
	tap_is_int(live.options[0].u.ts.val, 100, "outbound TS val maps back");
	tap_is_int(live.options[0].u.ts.ecr, 700, "outbound ecr is unchanged");

	in.option_count = 2;
	in.options[0].kind = TCPOPT_KIND_TIMESTAMP;
	in.options[0].u.ts.val = 800;
	in.options[0].u.ts.ecr = 100;
	in.options[1].kind = TCPOPT_KIND_SACK;
	in.options[1].u.sack.count = 1;
	in.options[1].u.sack.blocks[0].left = 1001;
	in.options[1].u.sack.blocks[0].right = 2001;
	conn_inbound_to_live(&conn, &in);
	tap_is_int(in.options[0].u.ts.val, 800, "inbound TS val as written");
	tap_is_int(in.options[0].u.ts.ecr, 5000100,
		   "inbound ecr echoes the kernel's live clock");
	tap_is_int(in.options[1].u.sack.blocks[0].left, 1001001,
		   "inbound SACK blocks are in the kernel's sequence space");
	tap_is_int(in.options[1].u.sack.blocks[0].right, 1002001,
		   "... both edges");
}

static void test_self_connect(void)
{
	struct conn_table table;
	struct net_plan plan;
	struct tcp_segment seg = syn_from(6666, 6666);
	struct tcp_view expected = view_of(DIR_OUTBOUND, TCP_SYN, 0, 0);
	struct tcp_view live = view_of(DIR_OUTBOUND, TCP_SYN, 5000, 0);
	struct tcp_view synack;
	struct conn *c;

	plan_set_defaults(&plan);
	conn_table_init(&table);
	ip_addr_parse("127.0.0.1", &seg.src);
	ip_addr_parse("127.0.0.1", &seg.dst);
	c = conn_for_outbound(&table, &plan, &seg);
	conn_learn_outbound(c, &live, &expected);
	tap_is_int(c->remote_seq_offset, 5000,
		   "a self-connected socket's peer ISN is its own");
	synack = view_of(DIR_OUTBOUND, TCP_SYN | TCP_ACK, 5000, 5001);
	synack.option_count = 1;
	synack.options[0].kind = TCPOPT_KIND_TIMESTAMP;
	conn_outbound_to_script(c, &synack);
	tap_ok(synack.seq == 0 && synack.ack == 1,
	       "its SYN-ACK maps to 0:0(0) ack 1");

	/* Same port, other address: two sockets, not one. */
	ip_addr_parse("127.0.0.2", &seg.dst);
	seg.src_port = seg.dst_port = 7777;
	c = conn_for_outbound(&table, &plan, &seg);
	conn_learn_outbound(c, &live, &expected);
	tap_is_int(c->remote_seq_offset, 0,
		   "equal ports on two addresses are not a self-connect");
}

static void set_ts(struct tcp_view *v, uint32_t val, uint32_t ecr)
{
	v->option_count = 1;
	v->options[0].kind = TCPOPT_KIND_TIMESTAMP;
	v->options[0].u.ts.val = val;
	v->options[0].u.ts.ecr = ecr;
}

/* Each outbound TS val is remembered: an ecr that echoes one goes back as
 * exactly what the kernel sent, even when the kernel's clock did not run
 * as the script wrote; other echoes go through the first offset.
 */
static void test_ts_echo(void)
{
	struct conn conn;
	struct tcp_view expected = view_of(DIR_OUTBOUND, TCP_ACK, 1, 1);
	struct tcp_view live = view_of(DIR_OUTBOUND, TCP_ACK, 1, 1);
	struct tcp_view in = view_of(DIR_INBOUND, TCP_ACK, 1, 1);

	memset(&conn, 0, sizeof(conn));
	set_ts(&expected, 100, 0);
	set_ts(&live, 7100, 0);
	conn_learn_outbound(&conn, &live, &expected);
	set_ts(&expected, 110, 0);
	set_ts(&live, 7113, 0);
	conn_learn_outbound(&conn, &live, &expected);
	tap_is_int(conn.ts_val_offset, 7000, "the offset is the first one's");
	tap_ok(!expected.check_ts_val,
	       "without a tick length TS val is not compared");

	set_ts(&in, 500, 110);
	conn_inbound_to_live(&conn, &in);
	tap_is_int(in.options[0].u.ts.ecr, 7113,
		   "ecr 110 echoes what the kernel sent for TS val 110");
	set_ts(&in, 500, 100);
	conn_inbound_to_live(&conn, &in);
	tap_is_int(in.options[0].u.ts.ecr, 7100, "ecr 100 likewise");
	set_ts(&in, 500, 150);
	conn_inbound_to_live(&conn, &in);
	tap_is_int(in.options[0].u.ts.ecr, 7150,
		   "an ecr the kernel never sent goes through the offset");

	set_ts(&expected, 110, 0);
	set_ts(&live, 7112, 0);
	conn_learn_outbound(&conn, &live, &expected);
	set_ts(&in, 500, 110);
	conn_inbound_to_live(&conn, &in);
	tap_is_int(in.options[0].u.ts.ecr, 7112,
		   "a TS val written twice echoes the latest packet's");
}

/* --tcp_ts_tick_usecs: the expected view learns how many ticks of error
 * the tolerance allows.
 */
static void test_ts_tick(void)
{
	struct conn_table table;
	struct net_plan plan;
	struct tcp_segment seg = syn_from(40000, 8080);
	struct tcp_view expected = view_of(DIR_OUTBOUND, TCP_SYN, 0, 0);
	struct tcp_view live = view_of(DIR_OUTBOUND, TCP_SYN, 5000, 0);
	struct error diffs;
	struct conn *c;

	plan_set_defaults(&plan);
	conn_table_init(&table);
	table.ts_clock.tick_usecs = 1000;
	table.ts_clock.tolerance_usecs = 7000;
	c = conn_for_outbound(&table, &plan, &seg);
	set_ts(&expected, 100, 0);
	set_ts(&live, 900100, 0);
	conn_learn_outbound(c, &live, &expected);
	tap_ok(expected.check_ts_val && expected.ts_val_slack == 7,
	       "1000 us ticks, 7000 us tolerance: 7 ticks of slack");

	expected = view_of(DIR_OUTBOUND, TCP_ACK | TCP_FIN, 1, 1);
	live = view_of(DIR_OUTBOUND, TCP_ACK | TCP_FIN, 5001, 1);
	set_ts(&expected, 1200, 0);
	set_ts(&live, 901207, 0);
	conn_learn_outbound(c, &live, &expected);
	conn_outbound_to_script(c, &live);
	diffs.text[0] = '\0';
	tap_is_int(match_tcp(&expected, &live, &diffs), 0,
		   "TS val 1207 for 1200 is within 7 ticks");
	live = view_of(DIR_OUTBOUND, TCP_ACK | TCP_FIN, 5001, 1);
	set_ts(&live, 901208, 0);
	conn_outbound_to_script(c, &live);
	diffs.text[0] = '\0';
	tap_is_int(match_tcp(&expected, &live, &diffs), 1,
		   "TS val 1208 is not");
	tap_is_str(diffs.text, "\n  TS val: expected 1200, got 1208 (8 ticks "
		   "off, tolerance 7)", "TS val report");
}

int main(void)
{
	test_self_connect();
	test_peer_isn();
	test_crossing_syn_is_absolute();
	test_tcpdump_numbers();
	test_retired_connections();
	test_passive_connections();
	test_active_and_simultaneous();
	test_sequence_mapping();
	test_option_mapping();
	test_ts_echo();
	test_ts_tick();
	return tap_done();
}
