/*
 * test_matcher.c - what counts as a match, and how a mismatch reads.
 *
 * Each case builds the expected view from a script-like spec and the
 * actual view from a live segment, then checks the count of differences
 * and the exact report lines.
 */
#include "config.h"

#include <string.h>

#include "match/matcher.h"
#include "tap.h"
#include "match/tcp_view.h"

static struct tcp_packet_spec spec_of(const char *flags, uint32_t seq,
				      uint32_t len)
{
	struct tcp_packet_spec spec;

	memset(&spec, 0, sizeof(spec));
	spec.direction = DIR_OUTBOUND;
	spec.flags = (char *)flags;
	spec.seq_start = seq;
	spec.seq_end = seq + len;
	spec.payload_len = len;
	spec.options_form = TCP_OPTIONS_ABSENT;
	return spec;
}

static struct tcp_segment segment_of(uint16_t flags, uint32_t seq,
				     uint32_t len, uint32_t ack)
{
	struct tcp_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.ip_version = 4;
	seg.flags = flags;
	seg.seq = seq;
	seg.ack = ack;
	seg.payload_len = len;
	seg.window = 502;
	return seg;
}

static int compare(const struct tcp_packet_spec *spec,
		   const struct tcp_segment *seg, struct error *diffs)
{
	struct tcp_view expected, actual;
	struct error err;

	diffs->text[0] = '\0';
	if (tcp_view_from_spec(spec, &expected, &err) < 0 ||
	    tcp_view_from_segment(seg, DIR_OUTBOUND, &actual, &err) < 0) {
		strcpy(diffs->text, err.text);
		return -1;
	}
	return match_tcp(&expected, &actual, diffs);
}

static void test_plain_fields(void)
{
	struct tcp_packet_spec spec = spec_of(".", 1, 0);
	struct tcp_segment seg = segment_of(TCP_ACK, 1, 0, 2);
	struct error diffs;

	spec.has_ack = true;
	spec.ack = 2;
	tap_is_int(compare(&spec, &seg, &diffs), 0, "identical ACK matches");
	seg.window = 1;
	tap_is_int(compare(&spec, &seg, &diffs), 0,
		   "an unwritten window is not checked");
	seg.window = 502;

	seg.ack = 1;
	tap_is_int(compare(&spec, &seg, &diffs), 1, "ack differs");
	tap_is_str(diffs.text, "\n  ack: expected 2, got 1",
		   "ack difference reads field, expected, actual");

	spec.has_win = true;
	spec.win = 257;
	seg.seq = 5;
	seg.flags = TCP_ACK | TCP_PSH;
	seg.payload_len = 10;
	tap_is_int(compare(&spec, &seg, &diffs), 5,
		   "every differing field is reported");
	tap_is_str(diffs.text,
		   "\n  flags: expected ., got P."
		   "\n  seq: expected 1, got 5"
		   "\n  payload length: expected 0, got 10"
		   "\n  ack: expected 2, got 1"
		   "\n  win: expected 257, got 502",
		   "all differences, in a fixed order");
}

static void test_options(void)
{
	struct tcp_packet_spec spec = spec_of("S.", 0, 0);
	struct tcp_option opts[4];
	struct tcp_segment seg = segment_of(TCP_SYN | TCP_ACK, 0, 0, 1);
	static const uint8_t wire[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 8 };
	static const uint8_t wire_ts[] = { 1, 1, 8, 10, 0, 0, 0x12, 0x34,
					   0, 0, 0, 100 };
	struct error diffs;

	memset(opts, 0, sizeof(opts));
	opts[0].kind = OPT_MSS;
	opts[0].value = 1460;
	opts[1].kind = OPT_NOP;
	opts[2].kind = OPT_WSCALE;
	opts[2].value = 7;
	spec.options = opts;
	spec.option_count = 3;
	spec.options_form = TCP_OPTIONS_LIST;
	memcpy(seg.options, wire, sizeof(wire));
	seg.options_len = sizeof(wire);

	tap_is_int(compare(&spec, &seg, &diffs), 1, "wscale 8 vs 7 differs");
	tap_is_str(diffs.text, "\n  wscale: expected 7, got 8",
		   "an option difference names the option");

	spec.options_form = TCP_OPTIONS_ANY;
	tap_is_int(compare(&spec, &seg, &diffs), 0, "<...> accepts any options");

	spec.options_form = TCP_OPTIONS_ABSENT;
	tap_is_int(compare(&spec, &seg, &diffs), 1,
		   "no options written means none expected");
	tap_is_str(diffs.text, "\n  options: expected none, got "
		   "<mss 1460,nop,wscale 8>", "... and says what came");

	/* Lists of different lengths: item by item, by kind. */
	opts[1].kind = OPT_SACK_PERMITTED;
	opts[2].kind = OPT_NOP;
	opts[3].kind = OPT_WSCALE;
	opts[3].value = 8;
	spec.option_count = 4;
	spec.options_form = TCP_OPTIONS_LIST;
	tap_is_int(compare(&spec, &seg, &diffs), 1, "a missing sackOK differs");
	tap_is_str(diffs.text, "\n  options: expected <mss 1460,sackOK,nop,"
		   "wscale 8>, got <mss 1460,nop,wscale 8>\n"
		   "  sackOK: expected, absent",
		   "... and the report names the absent option");
	opts[1].kind = OPT_TIMESTAMP;
	opts[1].ts_ecr = 5;
	spec.option_count = 2;
	memcpy(seg.options, wire, sizeof(wire));
	seg.options_len = sizeof(wire);
	compare(&spec, &seg, &diffs);
	tap_is_str(diffs.text, "\n  options: expected <mss 1460,TS val 0 "
		   "ecr 5>, got <mss 1460,nop,wscale 8>\n"
		   "  TS: expected val 0 ecr 5, absent\n"
		   "  wscale: not expected, got 8",
		   "an absent valued option and an extra one, each named");
	memset(opts, 0, sizeof(opts));
	opts[0].kind = OPT_MSS;
	opts[0].value = 1460;
	spec.option_count = 3;

	opts[1].kind = OPT_SACK_PERMITTED;
	opts[2].kind = OPT_WSCALE;
	spec.options_form = TCP_OPTIONS_LIST;
	opts[2].value = 8;
	tap_is_int(compare(&spec, &seg, &diffs), 1, "nop vs sackOK differs");
	tap_is_str(diffs.text, "\n  option 2: expected sackOK, got nop",
		   "a different kind names the position");

	/* TS val is the kernel's clock: not compared; ecr is. */
	memset(opts, 0, sizeof(opts));
	opts[0].kind = OPT_NOP;
	opts[1].kind = OPT_NOP;
	opts[2].kind = OPT_TIMESTAMP;
	opts[2].ts_val = 1;
	opts[2].ts_ecr = 100;
	memcpy(seg.options, wire_ts, sizeof(wire_ts));
	seg.options_len = sizeof(wire_ts);
	tap_is_int(compare(&spec, &seg, &diffs), 0, "TS val is not compared");
	opts[2].ts_ecr = 101;
	tap_is_int(compare(&spec, &seg, &diffs), 1, "TS ecr is compared");
	tap_is_str(diffs.text, "\n  TS ecr: expected 101, got 100",
		   "ecr difference");
}

/* `wscale *`: present with any shift count matches; absent still differs;
 * a written count is still compared; reports print the star; an inbound
 * line refuses it, since tcpcheck would have to send a value.
 */
static void test_wscale_any(void)
{
	struct tcp_packet_spec spec = spec_of("S.", 0, 0);
	struct tcp_option opts[4];
	struct tcp_segment seg = segment_of(TCP_SYN | TCP_ACK, 0, 0, 1);
	static const uint8_t wire_sackok[] = { 2, 4, 0x05, 0xb4, 1, 4, 2, 1 };
	struct tcp_view view;
	struct error diffs, err;
	char text[256];
	size_t len;

	memset(opts, 0, sizeof(opts));
	opts[0].kind = OPT_MSS;
	opts[0].value = 1460;
	opts[1].kind = OPT_NOP;
	opts[2].kind = OPT_WSCALE;
	opts[2].any_value = true;
	spec.options = opts;
	spec.option_count = 3;
	spec.options_form = TCP_OPTIONS_LIST;
	for (uint8_t shift = 0; shift <= 14; shift += 7) {
		const uint8_t wire[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, shift };

		memcpy(seg.options, wire, sizeof(wire));
		seg.options_len = sizeof(wire);
		tap_is_int(compare(&spec, &seg, &diffs), 0,
			   "wscale * matches wscale %u", shift);
	}

	opts[2].any_value = false;
	opts[2].value = 7;
	tap_is_int(compare(&spec, &seg, &diffs), 1,
		   "wscale 7 still compares its count");
	tap_is_str(diffs.text, "\n  wscale: expected 7, got 14",
		   "... and reports it");
	opts[2].any_value = true;
	opts[2].value = 0;

	/* A sackOK where the wscale should be, lists of one length. */
	opts[3].kind = OPT_NOP;
	spec.option_count = 4;
	memcpy(seg.options, wire_sackok, sizeof(wire_sackok));
	seg.options_len = sizeof(wire_sackok);
	tap_is_int(compare(&spec, &seg, &diffs), 1,
		   "wscale * does not match another kind");
	tap_is_str(diffs.text, "\n  option 3: expected wscale *, got sackOK",
		   "... and prints the star");
	/* Shorter list: the wscale is missing altogether. */
	spec.option_count = 3;
	seg.options_len = 4;
	tap_is_int(compare(&spec, &seg, &diffs), 1,
		   "an absent wscale is a mismatch");
	tap_is_str(diffs.text, "\n  options: expected <mss 1460,nop,"
		   "wscale *>, got <mss 1460>\n"
		   "  wscale: expected *, absent",
		   "... named as absent");

	tap_is_int(tcp_view_from_spec(&spec, &view, &err), 0,
		   "an outbound wscale * builds a view");
	tcp_view_format_options(&view, text, sizeof(text));
	tap_is_str(text, "<mss 1460,nop,wscale *>", "the view prints the star");
	tap_ok(tcp_options_encode(view.options, view.option_count,
				  seg.options, sizeof(seg.options), &len,
				  &err) < 0,
	       "wscale * cannot be encoded");

	spec.direction = DIR_INBOUND;
	opts[2].loc = (struct src_loc){ .line = 4, .column = 30 };
	tap_is_int(tcp_view_from_spec(&spec, &view, &err), -1,
		   "an inbound wscale * is refused");
	tap_is_str(err.text, "wscale * only on outbound lines: an "
		   "injected option needs a value", "... saying why");
	tap_is_int(err.line, 4, "... with the option's line as a field");
	tap_is_int(err.kind, FAILURE_BAD_SCRIPT, "... a script error");
}

static void test_flags_and_ecn(void)
{
	uint16_t flags = 0;
	char bad = 0;
	char text[16];
	struct tcp_packet_spec spec = spec_of("S", 0, 0);
	struct tcp_segment seg = segment_of(TCP_SYN, 0, 0, 0);
	struct error diffs;

	tap_is_int(tcp_flags_parse("FP.", &flags, &bad), 0, "FP. parses");
	tap_is_int(flags, TCP_FIN | TCP_PSH | TCP_ACK, "FP. is FIN|PSH|ACK");
	tap_is_int(tcp_flags_parse("-", &flags, &bad), 0, "- parses");
	tap_is_int(flags, 0, "- is no flags");
	tap_is_int(tcp_flags_parse("SX", &flags, &bad), -1, "X is no flag");
	tap_is_int(bad, 'X', "the bad letter is reported");
	tap_is_str(tcp_flags_format(TCP_SYN | TCP_ECE | TCP_CWR, text,
				    sizeof(text)), "SEW", "SEW formats back");

	spec.ip.ecn = ECN_ECT0;
	seg.tos = 2;
	tap_is_int(compare(&spec, &seg, &diffs), 0, "ect0 matches tos 2");
	seg.tos = 3;
	tap_is_int(compare(&spec, &seg, &diffs), 1, "ce is not ect0");
	tap_is_str(diffs.text, "\n  ecn: expected ect0, got ce", "ecn report");
	spec.ip.ecn = ECN_ECT01;
	seg.tos = 1;
	tap_is_int(compare(&spec, &seg, &diffs), 0, "ect01 accepts ect1");
}

static void test_format(void)
{
	struct tcp_packet_spec spec = spec_of("P.", 1, 1000);
	struct tcp_view view;
	struct error err;
	char text[256];

	spec.has_ack = true;
	spec.ack = 1;
	spec.has_win = true;
	spec.win = 257;
	tcp_view_from_spec(&spec, &view, &err);
	tcp_view_format(&view, text, sizeof(text));
	tap_is_str(text, "> P. 1:1001(1000) ack 1 win 257",
		   "a view prints in script notation");
}

/* md5 digests and FO cookies are bytes written in hex, as long as the
 * option space allows (an 18-byte cookie is invalid, and a test may want
 * to send one).
 */
static void test_hex_options(void)
{
	struct tcp_packet_spec spec = spec_of(".", 1, 0);
	struct tcp_option opt;
	struct tcp_view view;
	struct error err;
	char text[160];
	static const uint8_t md5_wire[] = {
		19, 18, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	};
	struct tcp_segment seg = segment_of(TCP_ACK, 1, 0, 0);
	struct error diffs;

	memset(&opt, 0, sizeof(opt));
	spec.options = &opt;
	spec.option_count = 1;
	spec.options_form = TCP_OPTIONS_LIST;
	opt.kind = OPT_MD5;
	opt.cookie = (char *)"000102030405060708090a0b0c0d0e0f";
	tap_is_int(tcp_view_from_spec(&spec, &view, &err), 0, "md5 builds");
	tap_ok(view.options[0].kind == TCPOPT_KIND_MD5 &&
	       view.options[0].length == 18 && view.options[0].u.data.len == 16 &&
	       view.options[0].u.data.bytes[15] == 15,
	       "md5: kind 19, length 18, the 16 digest bytes");
	tcp_option_format(&view.options[0], text, sizeof(text));
	tap_is_str(text, "md5 000102030405060708090a0b0c0d0e0f",
		   "md5 prints as written");
	memcpy(seg.options, md5_wire, sizeof(md5_wire));
	seg.options_len = sizeof(md5_wire);
	seg.flags = TCP_ACK;
	spec.has_ack = false;
	tap_is_int(compare(&spec, &seg, &diffs), 0,
		   "a live md5 option matches the script's bytes");
	opt.cookie = (char *)"000102030405060708090a0b0c0d0e0f10";
	tap_is_int(tcp_view_from_spec(&spec, &view, &err), -1,
		   "a 17-byte digest is refused");
	tap_is_str(err.text, "an md5 digest is 0 to 16 bytes written as "
		   "an even number of hex digits", "md5 length message");

	opt.kind = OPT_FAST_OPEN;
	opt.cookie = (char *)"01234567aabbccdd0123456701234567afaf";
	tap_is_int(tcp_view_from_spec(&spec, &view, &err), 0,
		   "an 18-byte FO cookie builds");
	tap_ok(view.options[0].length == 20 && view.options[0].u.data.len == 18,
	       "FO with 18 cookie bytes is 20 bytes long");
	opt.cookie = (char *)"12g4";
	tap_is_int(tcp_view_from_spec(&spec, &view, &err), -1,
		   "a cookie that is not hex is refused");
	tap_is_str(err.text, "a Fast Open cookie '12g4' is not "
		   "hexadecimal", "cookie message");
}

/* [tos 0x28], (flowlabel 0x12345), [ttl 3]: checked where written. */
static void test_ip_fields(void)
{
	struct tcp_packet_spec spec = spec_of(".", 1, 0);
	struct tcp_segment seg = segment_of(TCP_ACK, 1, 0, 0);
	struct error diffs;

	seg.tos = 0x2a;
	seg.ttl = 64;
	tap_is_int(compare(&spec, &seg, &diffs), 0,
		   "nothing written: tos and ttl are not checked");
	spec.ip.has_tos = true;
	spec.ip.tos = 0x28;
	tap_is_int(compare(&spec, &seg, &diffs), 1,
		   "tos 0x28 is not 0x2a (the ECN bits count)");
	tap_is_str(diffs.text, "\n  tos: expected 0x28, got 0x2a", "tos report");
	seg.tos = 0x28;
	spec.ip.has_ttl = true;
	spec.ip.ttl = 3;
	tap_is_int(compare(&spec, &seg, &diffs), 1, "ttl 3 is not 64");
	tap_is_str(diffs.text, "\n  ttl: expected 3, got 64", "ttl report");
	seg.ttl = 3;
	tap_is_int(compare(&spec, &seg, &diffs), 0, "tos and ttl as written");
	spec.ip.has_flow_label = true;
	spec.ip.flow_label = 0x12345;
	tap_is_int(compare(&spec, &seg, &diffs), 1,
		   "a flow label is not found on IPv4");
	seg.ip_version = 6;
	seg.flow_label = 0x12345;
	tap_is_int(compare(&spec, &seg, &diffs), 0, "the same label on IPv6");
	seg.flow_label = 0x54321;
	compare(&spec, &seg, &diffs);
	tap_is_str(diffs.text, "\n  flowlabel: expected 0x12345, got 0x54321",
		   "flowlabel report");
}

/* AccECN: three 24-bit counters in the order the kind says. */
static void test_accecn_option(void)
{
	struct tcp_packet_spec spec = spec_of(".", 1, 0);
	struct tcp_option opts[2], *opt = &opts[0];
	struct tcp_view view;
	struct error err, diffs;
	char text[160];
	static const uint8_t wire[] = {
		174, 11, 0x00, 0x07, 0xd1, 0, 0, 0, 0, 0, 1, 1
	};
	struct tcp_segment seg = segment_of(TCP_ACK, 1, 0, 0);

	memset(opts, 0, sizeof(opts));
	opts[1].kind = OPT_NOP;		/* pads the 11 bytes to 12 */
	spec.options = opts;
	spec.option_count = 2;
	spec.options_form = TCP_OPTIONS_LIST;
	opt->kind = OPT_ACCECN;
	opt->ecn_kind = 174;
	opt->ecn_count = 3;
	opt->ecn_fields[0] = 2001;
	opt->ecn_fields[2] = 1;
	tap_is_int(tcp_view_from_spec(&spec, &view, &err), 0, "AccECN builds");
	tap_ok(view.options[0].kind == 174 && view.options[0].length == 11 &&
	       !memcmp(view.options[0].u.data.bytes, wire + 2, 9),
	       "AccECN1: kind 174, length 11, 24-bit big-endian counters");
	tcp_option_format(&view.options[0], text, sizeof(text));
	tap_is_str(text, "ECN e1b 2001 ceb 0 e0b 1",
		   "it prints in its kind's order");
	memcpy(seg.options, wire, sizeof(wire));
	seg.options_len = sizeof(wire);
	spec.has_ack = false;
	tap_is_int(compare(&spec, &seg, &diffs), 0,
		   "a live AccECN option with those counters matches");
	opt->ecn_fields[0] = 2002;
	tcp_view_from_spec(&spec, &view, &err);
	tap_is_int(compare(&spec, &seg, &diffs), 1,
		   "a different e1b count does not");
	tap_ok(strstr(diffs.text, "expected ECN e1b 2002 ceb 0 e0b 1, got "
		      "ECN e1b 2001 ceb 0 e0b 1") != NULL,
	       "and the report shows both");
	opt->ecn_kind = 172;
	opt->ecn_count = 1;
	opt->ecn_fields[0] = 5;
	tcp_view_from_spec(&spec, &view, &err);
	tcp_option_format(&view.options[0], text, sizeof(text));
	tap_is_str(text, "ECN e0b 5", "a one-counter AccECN0 prints so");
	tap_is_int(view.options[0].length, 5, "and is 5 bytes long");
}

int main(void)
{
	test_plain_fields();
	test_options();
	test_wscale_any();
	test_flags_and_ecn();
	test_format();
	test_hex_options();
	test_accecn_option();
	test_ip_fields();
	return tap_done();
}
