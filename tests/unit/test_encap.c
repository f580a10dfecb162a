/*
 * test_encap.c - encapsulation layers (engine/pkt/encap.c): the bytes
 * encap_wrap() puts around a datagram, field by field and checksums
 * included, and encap_match() on crafted outbound bytes: a match hands
 * back the inner datagram, and each kind of difference is named with its
 * layer, field, expected and actual value.  The layers come from real
 * script lines through script_parse(), so the grammar's tree is what the
 * engine is tested on.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pkt/encap.h"
#include "pkt/packet.h"
#include "parse.h"
#include "tap.h"

#define BUF 2048

struct parsed {
	struct script *script;
};

/* The layers of the first packet line of a one-line script. */
static const struct encap_list *layers_of(struct parsed *p, const char *line)
{
	struct diag_list diags;
	const struct event *e;

	diag_list_init(&diags, "t.pkt");
	p->script = NULL;
	if (script_parse("t.pkt", line, strlen(line), &p->script, &diags) ||
	    !p->script || !p->script->event_count) {
		diag_list_free(&diags);
		tap_diag("does not parse: %s", line);
		exit(99);
	}
	diag_list_free(&diags);
	e = &p->script->events[0];
	return e->kind == EVENT_ICMP ? &e->u.icmp.encaps : &e->u.packet.encaps;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* A pure ACK 192.168.0.1:8080 > 192.0.2.1:40000 (or its IPv6 twin). */
static size_t inner_packet(int version, uint8_t *buf)
{
	struct tcp_segment seg = { .ip_version = version, .ttl = 64,
				   .src_port = 8080, .dst_port = 40000,
				   .seq = 1, .ack = 1, .flags = TCP_ACK,
				   .window = 100 };
	struct error err;
	size_t len = 0;

	ip_addr_parse(version == 6 ? "fd3d::1" : "192.168.0.1", &seg.src);
	ip_addr_parse(version == 6 ? "fd3d::2" : "192.0.2.1", &seg.dst);
	if (packet_build_tcp(&seg, NULL, buf, BUF, &len, &err)) {
		tap_diag("inner packet: %s", err.text);
		exit(99);
	}
	return len;
}

static bool ones_sum_ok(const uint8_t *p, size_t n)
{
	return checksum_fold(checksum_add(0, p, n)) == 0;
}

static void test_gre_mpls_ipv4(void)
{
	struct parsed p;
	const struct encap_list *l = layers_of(&p,
		"0 < ipv4 [tos 0x28, ttl 9] 2.2.2.2 > 1.1.1.1: gre flags "
		"0xb000, sum 511, off 7, key 0x80001234, seq 512: mpls (label "
		"1048575, tc 5, ttl 3) (label 16, tc 0, [S], ttl 255): "
		". 1:1(0) ack 1\n");
	uint8_t buf[BUF], orig[BUF];
	size_t inner = inner_packet(4, buf), len = inner;
	const uint8_t *g = buf + 20, *m = buf + 36;
	struct error err;
	uint8_t cksum[2];

	memcpy(orig, buf, inner);
	tap_ok(encap_wrap(l, buf, sizeof(buf), &len, &err) == 0,
	       "ipv4/gre/mpls wraps");
	tap_is_int(len, 20 + 16 + 8 + inner, "20 + 16 + 8 bytes added");
	tap_is_int(buf[0], 0x45, "outer IPv4, IHL 5");
	tap_is_int(buf[1], 0x28, "outer tos as written");
	tap_is_int(get16(buf + 2), len, "outer total length");
	tap_is_int(buf[8], 9, "outer ttl as written");
	tap_is_int(buf[9], 47, "outer protocol GRE");
	tap_ok(ones_sum_ok(buf, 20), "outer header checksum is right");
	tap_ok(!memcmp(buf + 12, "\x02\x02\x02\x02", 4), "outer src 2.2.2.2");
	tap_ok(!memcmp(buf + 16, "\x01\x01\x01\x01", 4), "outer dst 1.1.1.1");
	tap_is_int(get16(g), 0xb000, "GRE flags C, K, S");
	tap_is_int(get16(g + 2), 0x8847, "GRE carries MPLS");
	tap_ok(ones_sum_ok(g, len - 20),
	       "GRE checksum covers header and payload (not the written 511)");
	tap_ok(get16(g + 4) != 511, "the written sum is not copied");
	tap_is_int(get16(g + 6), 7, "GRE off");
	tap_ok(get32(g + 8) == 0x80001234, "GRE key");
	tap_is_int(get32(g + 12), 512, "GRE seq");
	tap_ok(get32(m) == (1048575u << 12 | 5u << 9 | 3),
	       "MPLS entry 1: label, tc, no S, ttl");
	tap_ok(get32(m + 4) == (16u << 12 | 1u << 8 | 255),
	       "MPLS entry 2: bottom of stack");
	tap_ok(!memcmp(buf + 44, orig, inner), "inner datagram unchanged");

	/* Corrupting a payload byte breaks the GRE checksum: it is real. */
	memcpy(cksum, g + 4, 2);
	buf[len - 1] ^= 0xff;
	tap_ok(!ones_sum_ok(g, len - 20), "GRE checksum sees the payload");
	buf[len - 1] ^= 0xff;
	tap_ok(!memcmp(cksum, g + 4, 2), "(restored)");
	script_free(p.script);
}

static void test_ip_in_ip(void)
{
	struct parsed p;
	uint8_t buf[BUF];
	size_t len, inner;
	struct error err;
	const struct encap_list *l;

	l = layers_of(&p, "0 < ipv4 2.2.2.2 > 1.1.1.1: . 1:1(0)\n");
	len = inner = inner_packet(4, buf);
	tap_ok(!encap_wrap(l, buf, sizeof(buf), &len, &err) &&
	       buf[9] == 4 && len == inner + 20 && buf[8] == 64 && buf[1] == 0,
	       "IPv4 in IPv4: protocol 4, ttl 64, tos 0 by default");
	len = inner = inner_packet(6, buf);
	tap_ok(!encap_wrap(l, buf, sizeof(buf), &len, &err) && buf[9] == 41,
	       "IPv6 in IPv4: protocol 41");
	script_free(p.script);

	l = layers_of(&p, "0 < ipv6 [ect0, flowlabel 0x12345] 2::2 > 1::1: "
		      "gre: . 1:1(0)\n");
	len = inner = inner_packet(4, buf);
	tap_ok(!encap_wrap(l, buf, sizeof(buf), &len, &err),
	       "ipv6/gre wraps");
	tap_ok(get32(buf) == (6u << 28 | 2u << 20 | 0x12345),
	       "outer IPv6: version, ECT0, flow label");
	tap_is_int(get16(buf + 4), len - 40, "outer payload length");
	tap_is_int(buf[6], 47, "next header GRE");
	tap_is_int(buf[7], 64, "hop limit 64");
	tap_ok(buf[8] == 0 && buf[9] == 2 && buf[23] == 2 && buf[39] == 1,
	       "outer addresses 2::2 > 1::1");
	tap_ok(get16(buf + 40) == 0 && get16(buf + 42) == 0x0800 &&
	       len == inner + 44, "plain GRE: no flags, carries IPv4");
	script_free(p.script);

	l = layers_of(&p, "0 < ipv4 2.2.2.2 > 1.1.1.1: gre: ipv6 2::2 > 1::1:"
		      " . 1:1(0)\n");
	len = inner = inner_packet(6, buf);
	tap_ok(!encap_wrap(l, buf, sizeof(buf), &len, &err) &&
	       get16(buf + 22) == 0x86dd && buf[24 + 6] == 41,
	       "GRE carrying IPv6 (0x86dd), which carries IPv6 (41)");
	len = inner_packet(6, buf);
	tap_ok(encap_wrap(l, buf, inner + 50, &len, &err) == -1 &&
	       strstr(err.text, "no room"), "no room: an error, not an "
	       "overflow (%s)", err.text);
	script_free(p.script);
}

static void test_checks(void)
{
	static const struct {
		const char *line;
		const char *message;
		int column;
	} bad[] = {
		{ "0 < gre: . 1:1(0)\n", "gre needs an ipv4 or ipv6 layer", 5 },
		{ "0 < ipv4 1.1.1.1 > 2.2.2.2: gre: gre: . 1:1(0)\n",
		  "gre carries ipv4, ipv6 or mpls, not gre", 29 },
		{ "0 < ipv4 1.1.1.1 > 2.2.2.2: gre: mpls: gre: . 1:1(0)\n",
		  "mpls carries ipv4 or ipv6 here, not gre", 34 },
		{ "0 < encap psp spi 1 mpls: . 1:1(0)\n",
		  "mpls needs an ipv4, ipv6 or gre layer", 21 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct parsed p;
		const struct encap_list *l = layers_of(&p, bad[i].line);
		struct src_loc where = { 0, 0 };
		struct error err = { .text = "" };

		tap_ok(encap_check(l, &where, &err) == -1 &&
		       strstr(err.text, bad[i].message) &&
		       where.column == bad[i].column,
		       "refused at column %d: %s (got col %d: %s)",
		       bad[i].column, bad[i].message, where.column, err.text);
		script_free(p.script);
	}
}

/* Bytes wrapped with `build`, matched against the script line `want`. */
static int match_against(const char *build, const char *want, int version,
			 void (*tamper)(uint8_t *, size_t), struct error *diff)
{
	struct parsed b, w;
	uint8_t buf[BUF], orig[BUF];
	size_t inner = inner_packet(version, buf), len = inner, got_len = 0;
	const uint8_t *got = NULL;
	struct error err;
	int rc;

	memcpy(orig, buf, inner);
	if (encap_wrap(layers_of(&b, build), buf, sizeof(buf), &len, &err)) {
		tap_diag("wrap: %s", err.text);
		exit(99);
	}
	if (tamper)
		tamper(buf, len);
	diff->text[0] = '\0';
	rc = encap_match(layers_of(&w, want), buf, len, &got, &got_len, diff);
	if (rc == 0 && (got_len != inner || memcmp(got, orig, inner)))
		rc = 42;	/* matched, but handed back the wrong bytes */
	script_free(b.script);
	script_free(w.script);
	return rc;
}

static void flip_outer_ttl(uint8_t *buf, size_t len)
{
	(void)len;
	buf[8] = 1;	/* and the IPv4 header checksum is now wrong */
}

static void flip_payload(uint8_t *buf, size_t len)
{
	buf[len - 1] ^= 1;
}

static void truncate_claim(uint8_t *buf, size_t len)
{
	/* Claim more bytes than there are; fix the header checksum. */
	buf[2] = (uint8_t)((len + 8) >> 8);
	buf[3] = (uint8_t)(len + 8);
	buf[10] = buf[11] = 0;
	{
		uint16_t c = checksum_fold(checksum_add(0, buf, 20));

		buf[10] = (uint8_t)(c >> 8);
		buf[11] = (uint8_t)c;
	}
}

static void test_match(void)
{
	static const char gre_k[] = "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags "
		"0xb000, sum 0, off 3, key 0x1234, seq 9: mpls (label 77, tc "
		"2, [S], ttl 8): . 1:1(0)\n";
	static const struct {
		const char *build, *want;
		int version;
		void (*tamper)(uint8_t *, size_t);
		int rc;
		const char *diff;
	} cases[] = {
		{ gre_k, gre_k, 4, NULL, 0, "" },
		{ "0 > ipv6 1::1 > 2::2: ipv4 1.1.1.1 > 2.2.2.2: . 1:1(0)\n",
		  "0 > ipv6 1::1 > 2::2: ipv4 1.1.1.1 > 2.2.2.2: . 1:1(0)\n",
		  6, NULL, 0, "" },
		{ "0 > ipv4 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n",
		  "0 > ipv4 1.1.1.1 > 3.3.3.3: gre: . 1:1(0)\n", 4, NULL, 1,
		  "outer ipv4 dst: expected 3.3.3.3, got 2.2.2.2" },
		{ "0 > ipv6 1::1 > 2::2: gre: . 1:1(0)\n",
		  "0 > ipv6 1::9 > 2::2: gre: . 1:1(0)\n", 6, NULL, 1,
		  "outer ipv6 src: expected 1::9, got 1::1" },
		{ "0 > ipv4 1.1.1.1 > 2.2.2.2: . 1:1(0)\n",
		  "0 > ipv4 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n", 4, NULL, 1,
		  "outer ipv4 protocol: expected 47, got 4" },
		{ "0 > ipv4 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n",
		  "0 > ipv4 [ttl 3] 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n", 4,
		  NULL, 1, "outer ipv4 ttl: expected 3, got 64" },
		{ "0 > ipv4 [ce] 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n",
		  "0 > ipv4 [ect01] 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n", 4,
		  NULL, 1, "outer ipv4 ECN (ect01): expected 2, got 3" },
		{ gre_k, gre_k, 4, flip_outer_ttl, 1,
		  "outer ipv4 header checksum is wrong" },
		{ gre_k, gre_k, 4, flip_payload, 1,
		  "outer gre checksum is wrong" },
		{ gre_k, gre_k, 4, truncate_claim, 1,
		  "outer ipv4: length field says" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre: mpls (label 77, tc "
		  "2, [S], ttl 8): . 1:1(0)\n", 4, NULL, 1,
		  "outer gre flags: expected 0x0, got 0xb000" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 3, key 0x1235, seq 9: mpls (label 77, tc 2, [S], ttl 8):"
		  " . 1:1(0)\n", 4, NULL, 1,
		  "outer gre key: expected 0x1235, got 0x1234" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 3, key 0x1234, seq 10: mpls (label 77, tc 2, [S], ttl 8):"
		  " . 1:1(0)\n", 4, NULL, 1,
		  "outer gre seq: expected 10, got 9" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 3, key 0x1234, seq 9: mpls (label 78, tc 2, [S], ttl 8):"
		  " . 1:1(0)\n", 4, NULL, 1,
		  "outer mpls entry 1 label: expected 78, got 77" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 3, key 0x1234, seq 9: mpls (label 77, tc 2, ttl 8):"
		  " . 1:1(0)\n", 4, NULL, 1,
		  "outer mpls entry 1 bottom of stack [S]: expected 0, got 1" },
		{ "0 > ipv4 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n",
		  "0 > ipv4 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n", 6, NULL, 0,
		  "" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 4, key 0x1234, seq 9: mpls (label 77, tc 2, [S], ttl 8):"
		  " . 1:1(0)\n", 4, NULL, 1, "outer gre off: expected 4, got 3" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 3, key 0x1234, seq 9: mpls (label 77, tc 3, [S], ttl 8):"
		  " . 1:1(0)\n", 4, NULL, 1,
		  "outer mpls entry 1 tc: expected 3, got 2" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 3, key 0x1234, seq 9: mpls (label 77, tc 2, [S], ttl 7):"
		  " . 1:1(0)\n", 4, NULL, 1,
		  "outer mpls entry 1 ttl: expected 7, got 8" },
		{ gre_k, "0 > ipv4 1.1.1.1 > 2.2.2.2: gre flags 0xb000, sum 0, "
		  "off 3, key 0x1234, seq 9: . 1:1(0)\n", 4, NULL, 1,
		  "outer gre protocol type: expected 0x800, got 0x8847" },
		{ "0 > ipv6 [flowlabel 0x1] 1::1 > 2::2: gre: . 1:1(0)\n",
		  "0 > ipv6 [flowlabel 0x2] 1::1 > 2::2: gre: . 1:1(0)\n", 4,
		  NULL, 1, "outer ipv6 flowlabel: expected 0x2, got 0x1" },
		{ "0 > ipv6 [tos 0x10] 1::1 > 2::2: gre: . 1:1(0)\n",
		  "0 > ipv6 [tos 0x11] 1::1 > 2::2: gre: . 1:1(0)\n", 4,
		  NULL, 1, "outer ipv6 tos: expected 0x11, got 0x10" },
		{ "0 > ipv4 1.1.1.1 > 2.2.2.2: gre: . 1:1(0)\n",
		  "0 > ipv6 1::1 > 2::2: gre: . 1:1(0)\n", 4, NULL, 1,
		  "outer ipv6 version: expected 6, got 4" },
		{ "0 > ipv4 1.1.1.1 > 2.2.2.2: ipv4 5.5.5.5 > 6.6.6.6: . 1:1(0)\n",
		  "0 > ipv4 1.1.1.1 > 2.2.2.2: ipv4 5.5.5.5 > 6.6.6.7: . 1:1(0)\n",
		  4, NULL, 1, "outer ipv4 #2 dst: expected 6.6.6.7, got 6.6.6.6" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct error diff;
		int rc = match_against(cases[i].build, cases[i].want,
				       cases[i].version, cases[i].tamper,
				       &diff);

		tap_ok(rc == cases[i].rc &&
		       !strncmp(diff.text, cases[i].diff,
				strlen(cases[i].diff)) &&
		       (cases[i].rc || !diff.text[0]),
		       "match case %zu: rc %d, '%s'", i, rc,
		       cases[i].rc ? cases[i].diff : "inner handed back");
		if (rc != cases[i].rc || strncmp(diff.text, cases[i].diff,
						 strlen(cases[i].diff)))
			tap_diag("got rc %d: %s", rc, diff.text);
	}
}

/* Captured bytes are the stack's: every prefix of an encapsulated
 * datagram, and every single-byte change of it, is judged without
 * reading past the bytes given (the _san build puts each in a buffer of
 * exactly that size) and never matches when it lost a header byte.
 */
static void test_hostile_bytes(void)
{
	struct parsed p;
	const struct encap_list *l = layers_of(&p,
		"0 > ipv6 1::1 > 2::2: gre flags 0xb000, sum 0, off 0, key 1, "
		"seq 2: mpls (label 5, tc 0, [S], ttl 1): ipv4 1.1.1.1 > "
		"2.2.2.2: . 1:1(0)\n");
	uint8_t buf[BUF];
	size_t len = inner_packet(4, buf), outer;
	struct error err;
	int matched_short = 0;
	char missed[64] = "", *end = missed;

	outer = len;
	if (encap_wrap(l, buf, sizeof(buf), &len, &err))
		exit(99);
	outer = len - outer;
	for (size_t n = 0; n <= len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		const uint8_t *inner;
		size_t inner_len;

		memcpy(copy, buf, n);
		if (encap_match(l, copy, n, &inner, &inner_len, &err) == 0 &&
		    n < outer)
			matched_short++;
		free(copy);
	}
	tap_is_int(matched_short, 0, "no prefix shorter than the outer "
		   "headers matches");
	for (size_t i = 0; i < outer; i++) {
		uint8_t *copy = malloc(len);
		const uint8_t *inner;
		size_t inner_len;

		memcpy(copy, buf, len);
		copy[i] ^= 0x01;
		if (encap_match(l, copy, len, &inner, &inner_len, &err) != 1 &&
		    end < missed + sizeof(missed) - 8)
			end += sprintf(end, "%s%zu", end > missed ? "," : "",
				       i);
		free(copy);
	}
	/* The GRE checksum covers all after the outer IPv6 header and the
	 * inner IPv4 header has its own; in the IPv6 header only what no
	 * [ip] names goes unchecked: traffic class and flow label (bytes
	 * 0-3) and hop limit (7).
	 */
	tap_is_str(missed, "0,1,2,3,7", "a flipped bit in the outer headers "
		   "is caught, but in fields the line leaves open");
	script_free(p.script);
}

static void test_psp(void)
{
	struct diag_list diags;
	struct script *s = NULL;
	struct error err = { .text = "" };
	static const char text[] = "--psp_udp_port=1000\n"
		"0 < ipv4 2.2.2.2 > 1.1.1.1: gre: . 1:1(0)\n"
		"+0 < encap psp spi 12 . 1:1(0)\n"
		"+0 < ipv4 2.2.2.2 > 1.1.1.1: psp spi 1: . 1:1(0)\n";

	diag_list_init(&diags, "psp.pkt");
	if (script_parse("psp.pkt", text, sizeof(text) - 1, &s, &diags))
		exit(99);
	tap_is_int(encap_script_runnable(s, &err), OUTCOME_ENVIRONMENT,
		   "a script with PSP lines is not run (125)");
	tap_ok(!strncmp(err.text, "psp.pkt:3:6: PSP needs", 22),
	       "located at the first PSP layer: %s", err.text);
	script_free(s);
	s = NULL;
	/* The first two lines only: no PSP. */
	if (script_parse("psp.pkt", text,
			 (size_t)(strstr(text, "+0") - text), &s, &diags))
		exit(99);
	tap_is_int(encap_script_runnable(s, &err), OUTCOME_OK,
		   "GRE alone is runnable");
	script_free(s);
	diag_list_free(&diags);
}

int main(void)
{
	test_gre_mpls_ipv4();
	test_ip_in_ip();
	test_checks();
	test_match();
	test_hostile_bytes();
	test_psp();
	return tap_done();
}
