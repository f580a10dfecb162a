/*
 * test_segments.c - summing outbound segments into one script line
 * (engine/match/segment_merge.c): which segments continue a sum, what the sum
 * looks like, and where a super-packet is cut.
 */
#include "config.h"

#include "match/segment_merge.h"
#include "tap.h"

static struct tcp_segment piece(uint32_t seq, uint32_t len, uint16_t flags)
{
	struct tcp_segment s;

	memset(&s, 0, sizeof(s));
	s.ip_version = 4;
	ip_addr_parse("192.168.0.1", &s.src);
	ip_addr_parse("192.0.2.1", &s.dst);
	s.src_port = 8080;
	s.dst_port = 40000;
	s.seq = seq;
	s.ack = 77;
	s.window = 502;
	s.flags = flags;
	s.payload_len = len;
	return s;
}

static void test_two_gso_pieces_make_the_line(void)
{
	struct segment_merge m;
	struct tcp_segment a = piece(1000, 2920, TCP_ACK | TCP_CWR);
	struct tcp_segment b = piece(3920, 2920, TCP_ACK | TCP_PSH);
	struct tcp_segment rest;
	struct error why;

	segment_merge_start(&m, &a, 5840);
	tap_ok(segment_merge_wants_more(&m), "2920 of 5840 bytes wants more");
	tap_is_int(segment_merge_add(&m, &b, 1460, &rest, &why), MERGE_TAKEN,
		   "the continuing piece is taken");
	tap_ok(!segment_merge_wants_more(&m), "5840 of 5840 bytes is complete");
	tap_is_int(m.sum.seq, 1000, "the sum starts where the first piece does");
	tap_is_int(m.sum.payload_len, 5840, "the sum carries both payloads");
	tap_is_int(m.sum.flags, TCP_ACK | TCP_PSH | TCP_CWR,
		   "PSH from the last piece, CWR from the first");
	tap_is_int(m.pieces, 2, "two pieces counted");
}

static void test_discontinuous_pieces_are_refused(void)
{
	struct segment_merge m;
	struct tcp_segment a = piece(1000, 1000, TCP_ACK);
	struct tcp_segment gap = piece(2500, 1000, TCP_ACK);
	struct tcp_segment other_ack = piece(2000, 1000, TCP_ACK);
	struct tcp_segment other_port = piece(2000, 1000, TCP_ACK);
	struct tcp_segment fin_syn = piece(2000, 1000, TCP_ACK | TCP_SYN);
	struct tcp_segment odd = piece(2000, 500, TCP_ACK);
	struct tcp_segment empty = piece(2000, 0, TCP_ACK);
	struct tcp_segment rest;
	struct error why;

	other_ack.ack = 78;
	other_port.dst_port = 40001;
	segment_merge_start(&m, &a, 4000);
	tap_is_int(segment_merge_add(&m, &gap, 0, &rest, &why), MERGE_REFUSED,
		   "a piece after a hole is refused");
	tap_is_str(why.text, "the next segment starts at 2500, not at 2000",
		   "the refusal says where it starts");
	tap_is_int(segment_merge_add(&m, &other_ack, 0, &rest, &why),
		   MERGE_REFUSED, "a piece with another ack is refused");
	tap_is_int(segment_merge_add(&m, &other_port, 0, &rest, &why),
		   MERGE_REFUSED, "a piece of another connection is refused");
	tap_is_int(segment_merge_add(&m, &fin_syn, 0, &rest, &why),
		   MERGE_REFUSED, "a piece with other flags is refused");
	tap_is_int(segment_merge_add(&m, &odd, 0, &rest, &why), MERGE_REFUSED,
		   "a middle piece of another size is refused");
	tap_is_str(why.text, "the next segment carries 500 bytes, not 1000",
		   "the refusal names both sizes");
	tap_is_int(segment_merge_add(&m, &empty, 0, &rest, &why), MERGE_REFUSED,
		   "a segment without data is no piece");
	tap_is_int(m.sum.payload_len, 1000, "refusals leave the sum alone");
}

static void test_last_piece_may_be_shorter(void)
{
	struct segment_merge m;
	struct tcp_segment a = piece(1, 1000, TCP_ACK);
	struct tcp_segment b = piece(1001, 1000, TCP_ACK);
	struct tcp_segment c = piece(2001, 500, TCP_ACK | TCP_FIN);
	struct tcp_segment rest;
	struct error why;

	segment_merge_start(&m, &a, 2500);
	segment_merge_add(&m, &b, 0, &rest, &why);
	tap_is_int(segment_merge_add(&m, &c, 0, &rest, &why), MERGE_TAKEN,
		   "a shorter last piece ends the sum");
	tap_is_int(m.sum.payload_len, 2500, "three pieces, 2500 bytes");
	tap_ok(m.sum.flags & TCP_FIN, "FIN of the last piece is kept");
}

static void test_overshooting_super_packet_is_cut(void)
{
	struct segment_merge m;
	struct tcp_segment a = piece(1, 2000, TCP_ACK);
	struct tcp_segment b = piece(2001, 4000, TCP_ACK | TCP_PSH);
	struct tcp_segment c = piece(2001, 4000, TCP_ACK | TCP_PSH);
	struct tcp_segment rest;
	struct error why;

	segment_merge_start(&m, &a, 4000);
	tap_is_int(segment_merge_add(&m, &b, 1000, &rest, &why), MERGE_SPLIT,
		   "a super-packet ending past the line is cut at a GSO edge");
	tap_is_int(m.sum.payload_len, 4000, "the line gets exactly its bytes");
	tap_ok(!(m.sum.flags & TCP_PSH), "PSH goes with the tail");
	tap_is_int(rest.seq, 4001, "the tail starts after the cut");
	tap_is_int(rest.payload_len, 2000, "the tail keeps the other bytes");
	tap_ok(rest.flags & TCP_PSH, "the tail keeps PSH");

	segment_merge_start(&m, &a, 4500);
	tap_is_int(segment_merge_add(&m, &c, 1000, &rest, &why), MERGE_TAKEN,
		   "no GSO edge at the line's end: taken whole");
	tap_is_int(m.sum.payload_len, 6000,
		   "and the length difference is left to the matcher");
}

static void test_split_moves_flags(void)
{
	struct tcp_segment s = piece(1, 3000,
				     TCP_SYN | TCP_ACK | TCP_CWR | TCP_FIN |
				     TCP_PSH);
	struct tcp_segment rest;

	segment_split(&s, 1000, &rest);
	tap_is_int(s.payload_len, 1000, "head keeps the first bytes");
	tap_is_int(s.flags, TCP_SYN | TCP_ACK | TCP_CWR,
		   "SYN and CWR stay on the head");
	tap_is_int(rest.seq, 1001, "tail starts after the head");
	tap_is_int(rest.flags, TCP_ACK | TCP_FIN | TCP_PSH,
		   "FIN and PSH go to the tail");
}

int main(void)
{
	test_two_gso_pieces_make_the_line();
	test_discontinuous_pieces_are_refused();
	test_last_piece_may_be_shorter();
	test_overshooting_super_packet_is_cut();
	test_split_moves_flags();
	return tap_done();
}
