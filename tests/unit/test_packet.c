/*
 * test_packet.c - unit tests of the packet codec (engine/pkt/packet.h).
 *
 * Checksums are checked three ways: by a reference implementation written
 * here independently of engine/pkt/checksum.c, against real SYNs that Linux
 * 6.18 sent into a TUN device (whose checksums were verified separately),
 * and by corrupting bytes.  Every error the parser and the option decoder
 * can report is provoked and its text asserted.  The sanitized build of
 * this file (test_packet_san) runs the truncation and mutation sweeps
 * under ASan and UBSan, which is where "never reads out of bounds" is
 * actually checked.
 */
#include "config.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt/packet.h"
#include "core/plan.h"
#include "tap.h"

/* A SYN from connect(192.0.2.1:8080) on Linux 6.18, read from tun0
 * (IFF_NO_PI) in a fresh network namespace.  IPv4 header checksum 0x308a,
 * TCP checksum 0x6348, both recomputed by hand with the fields zeroed.
 * Options: mss 1460, sackOK, TS val 0x4e3cb24e ecr 0, nop, wscale 10.
 */
static const uint8_t linux_syn4[60] = {
	0x45, 0x00, 0x00, 0x3c, 0x87, 0x87, 0x40, 0x00,
	0x40, 0x06, 0x30, 0x8a, 0xc0, 0xa8, 0x00, 0x01,
	0xc0, 0x00, 0x02, 0x01, 0xee, 0x34, 0x1f, 0x90,
	0xa8, 0x68, 0xb0, 0x60, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xfa, 0xf0, 0x63, 0x48, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x4e, 0x3c, 0xb2, 0x4e, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x0a,
};

/* The same for IPv6: fd3d:fa7b:d17d::1 to fd3d:fa7b:d17d:0:1::1 port
 * 8080, flow label 0xe55c4, TCP checksum 0x6bae; mss 1440.
 */
static const uint8_t linux_syn6[80] = {
	0x60, 0x0e, 0x55, 0xc4, 0x00, 0x28, 0x06, 0x40,
	0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xdd, 0x02, 0x1f, 0x90, 0x42, 0x7c, 0x5c, 0xa8,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfd, 0x20,
	0x6b, 0xae, 0x00, 0x00, 0x02, 0x04, 0x05, 0xa0,
	0x04, 0x02, 0x08, 0x0a, 0x47, 0x04, 0x6a, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* An ICMPv6 Neighbour Solicitation for fd3d:fa7b:d17d::2, as Linux sends
 * them from a TUN device (ICMPv6 checksum not relevant to the codec).
 */
static const uint8_t icmp6_ns[64] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff,
	0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xff, 0x00, 0x00, 0x02,
	0x87, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00,
	0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
};

/* An MLDv2 report: hop-by-hop header with Router Alert, then ICMPv6 143. */
static const uint8_t mld_report[76] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x01,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16,
	0x3a, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
	0x8f, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x01,
	0x04, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x00, 0x00, 0x02,
};

/* A UDP datagram 192.168.0.1:5353 -> 192.0.2.1:53 with 4 bytes of data. */
static const uint8_t udp4[32] = {
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x40, 0x00,
	0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
	0xc0, 0x00, 0x02, 0x01, 0x14, 0xe9, 0x00, 0x35,
	0x00, 0x0c, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef,
};

/* ---- reference checksum, independent of engine/pkt/checksum.c ---- */

/* RFC 1071 in its textbook form: sum 16-bit words with end-around carry
 * after each addition, over one contiguous buffer.
 */
static uint16_t ref_sum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < n; i += 2) {
		sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
		if (sum > 0xffff)
			sum -= 0xffff;
	}
	return (uint16_t)sum;
}

/* Copy the pseudo-header and the segment into one buffer and sum it all;
 * a correct segment sums to 0xffff.  ip is the start of the datagram and
 * tcp_off where the segment starts.
 */
static bool ref_tcp_ok(const uint8_t *ip, size_t tcp_off, size_t tcp_len)
{
	static uint8_t scratch[40 + PACKET_BUF_MAX];
	size_t n;

	if ((ip[0] >> 4) == 4) {
		memcpy(scratch, ip + 12, 8);
		scratch[8] = 0;
		scratch[9] = 6;
		scratch[10] = (uint8_t)(tcp_len >> 8);
		scratch[11] = (uint8_t)tcp_len;
		n = 12;
	} else {
		memcpy(scratch, ip + 8, 32);
		memset(scratch + 32, 0, 8);
		scratch[34] = (uint8_t)(tcp_len >> 8);
		scratch[35] = (uint8_t)tcp_len;
		scratch[39] = 6;
		n = 40;
	}
	memcpy(scratch + n, ip + tcp_off, tcp_len);
	return ref_sum(scratch, n + tcp_len) == 0xffff;
}

static bool ref_ip_ok(const uint8_t *ip)
{
	return ref_sum(ip, (size_t)(ip[0] & 0x0f) * 4) == 0xffff;
}

/* ---- segment helpers ---- */

static struct ip_addr addr(const char *text)
{
	struct ip_addr a;

	if (ip_addr_parse(text, &a))
		tap_diag("bad test address %s", text);
	return a;
}

static void fill_tcp_fields(struct tcp_segment *seg)
{
	static const uint8_t opts[] = {
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
		0x01, 0x02, 0x03, 0x04, 0xa1, 0xa2, 0xa3, 0xa4,
		0x01, 0x03, 0x03, 0x07,
	};

	seg->src_port = 8080;
	seg->dst_port = 54321;
	seg->seq = 0xdeadbeef;
	seg->ack = 0x01020304;
	seg->flags = TCP_ACK | TCP_PSH | TCP_ECE;
	seg->window = 0xfedc;
	seg->urg_ptr = 0x1357;
	memcpy(seg->options, opts, sizeof(opts));
	seg->options_len = sizeof(opts);
}

static struct tcp_segment make_seg4(void)
{
	struct tcp_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.ip_version = 4;
	seg.src = addr("192.0.2.1");
	seg.dst = addr("192.168.0.1");
	seg.tos = 0xb9;
	seg.ttl = 37;
	seg.ip_id = 0xbeef;
	seg.dont_fragment = true;
	fill_tcp_fields(&seg);
	return seg;
}

static struct tcp_segment make_seg6(void)
{
	struct tcp_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.ip_version = 6;
	seg.src = addr("2001:db8::1");
	seg.dst = addr("fd3d:fa7b:d17d::1");
	seg.tos = 0xa5;
	seg.ttl = 200;
	seg.flow_label = 0xabcde;
	fill_tcp_fields(&seg);
	seg.flags |= TCP_AE | TCP_CWR;
	return seg;
}

/* Name the first field that differs, or NULL. */
static const char *seg_diff(const struct tcp_segment *a,
			    const struct tcp_segment *b)
{
	if (a->ip_version != b->ip_version)
		return "ip_version";
	if (!ip_addr_equal(&a->src, &b->src))
		return "src";
	if (!ip_addr_equal(&a->dst, &b->dst))
		return "dst";
	if (a->tos != b->tos)
		return "tos";
	if (a->ttl != b->ttl)
		return "ttl";
	if (a->ip_version == 6 && a->flow_label != b->flow_label)
		return "flow_label";
	if (a->ip_version == 4 && a->ip_id != b->ip_id)
		return "ip_id";
	if (a->ip_version == 4 && a->dont_fragment != b->dont_fragment)
		return "dont_fragment";
	if (a->src_port != b->src_port || a->dst_port != b->dst_port)
		return "ports";
	if (a->seq != b->seq)
		return "seq";
	if (a->ack != b->ack)
		return "ack";
	if (a->flags != b->flags)
		return "flags";
	if (a->window != b->window)
		return "window";
	if (a->urg_ptr != b->urg_ptr)
		return "urg_ptr";
	if (a->options_len != b->options_len ||
	    memcmp(a->options, b->options, a->options_len))
		return "options";
	if (a->payload_len != b->payload_len)
		return "payload_len";
	return NULL;
}

static uint8_t pkt[PACKET_BUF_MAX];
static uint8_t data[PACKET_BUF_MAX];

/* Build seg, parse it back, and check fields, payload and checksums. */
static void round_trip(const char *name, const struct tcp_segment *seg,
		       const uint8_t *payload)
{
	struct tcp_segment got;
	struct error err = { .text = "" };
	size_t len = 0, ip_len;
	const char *diff;
	int kind;

	if (packet_build_tcp(seg, payload, pkt, sizeof(pkt), &len, &err)) {
		tap_ok(false, "%s: build", name);
		tap_diag("%s", err.text);
		return;
	}
	ip_len = seg->ip_version == 4 ? 20 : 40;
	kind = packet_parse(pkt, len, &got, &err);
	if (!tap_ok(kind == PACKET_TCP, "%s: parses as TCP", name)) {
		tap_diag("%s", err.text);
		return;
	}
	diff = seg_diff(seg, &got);
	if (!tap_ok(!diff, "%s: every field survives", name))
		tap_diag("first difference: %s", diff);
	tap_ok(got.payload == pkt + len - seg->payload_len &&
	       (payload ? !memcmp(got.payload, payload, seg->payload_len) :
		ref_sum(got.payload, seg->payload_len) == 0),
	       "%s: payload bytes", name);
	tap_ok(got.ip_checksum_ok && got.tcp_checksum_ok,
	       "%s: codec says checksums are correct", name);
	tap_ok((seg->ip_version == 6 || ref_ip_ok(pkt)) &&
	       ref_tcp_ok(pkt, ip_len, len - ip_len),
	       "%s: reference says checksums are correct", name);
}

/* ---- building and round trips ---- */

static void test_round_trips(void)
{
	struct tcp_segment seg;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);

	seg = make_seg4();
	seg.payload_len = 13;
	round_trip("IPv4 all fields, odd payload", &seg, data);
	seg.dont_fragment = false;
	seg.flags = TCP_SYN | TCP_ECE | TCP_CWR | TCP_AE;
	seg.options_len = 0;
	seg.payload_len = 0;
	round_trip("IPv4 no DF, no options, no payload, AE", &seg, NULL);

	seg = make_seg6();
	seg.payload_len = 1000;
	round_trip("IPv6 all fields, 20-bit flow label", &seg, data);
	seg.flow_label = 0xfffff;
	seg.tos = 0xff;
	seg.payload_len = 1;
	round_trip("IPv6 flow label 0xfffff, tclass 0xff", &seg, data);

	seg = make_seg4();
	seg.payload_len = 100;
	round_trip("IPv4 NULL payload is zeros", &seg, NULL);

	/* The largest datagrams the length fields allow. */
	seg = make_seg4();
	seg.options_len = 40;
	memset(seg.options, 1, 40);
	seg.payload_len = IP_PACKET_MAX - 20 - 20 - 40;
	round_trip("IPv4 65535-byte datagram", &seg, data);
	seg = make_seg6();
	seg.options_len = 40;
	memset(seg.options, 1, 40);
	seg.payload_len = IPV6_PAYLOAD_MAX - 20 - 40;
	round_trip("IPv6 65535-byte payload", &seg, data);
}

/* Payload lengths around every parity and word boundary. */
static void test_payload_sizes(void)
{
	struct tcp_segment seg, got;
	struct error err;
	int version, n, bad = 0;
	size_t len;

	for (version = 4; version <= 6; version += 2) {
		for (n = 0; n < 70; n++) {
			seg = version == 4 ? make_seg4() : make_seg6();
			seg.payload_len = (uint32_t)n;
			seg.options_len = (uint8_t)(4 * (n % 11));
			if (packet_build_tcp(&seg, data, pkt, sizeof(pkt),
					     &len, &err) ||
			    packet_parse(pkt, len, &got, &err) != PACKET_TCP ||
			    seg_diff(&seg, &got) || !got.tcp_checksum_ok ||
			    !ref_tcp_ok(pkt, version == 4 ? 20 : 40,
					len - (version == 4 ? 20 : 40))) {
				if (!bad++)
					tap_diag("IPv%d payload %d fails", version,
						 n);
			}
		}
	}
	tap_is_int(bad, 0, "payloads of 0..69 bytes with 0..40 option bytes, both versions");
}

/* All 512 flag combinations, AE included, on both IP versions. */
static void test_all_flags(void)
{
	struct tcp_segment seg, got;
	struct error err;
	int version, f, bad = 0;
	size_t len, ip_len;

	for (version = 4; version <= 6; version += 2) {
		ip_len = version == 4 ? 20 : 40;
		for (f = 0; f <= TCP_FLAGS_ALL; f++) {
			seg = version == 4 ? make_seg4() : make_seg6();
			seg.flags = (uint16_t)f;
			if (packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len,
					     &err) ||
			    packet_parse(pkt, len, &got, &err) != PACKET_TCP ||
			    got.flags != f || !got.tcp_checksum_ok ||
			    !ref_tcp_ok(pkt, ip_len, len - ip_len) ||
			    pkt[ip_len + 13] != (f & 0xff) ||
			    (pkt[ip_len + 12] & 0x0f) != (f >> 8)) {
				if (!bad++)
					tap_diag("IPv%d flags 0x%x fail", version,
						 f);
			}
		}
	}
	tap_is_int(bad, 0, "all 512 flag combinations on the wire and back");
}

/* Header layout checked byte by byte, not just through our own parser. */
static void test_wire_layout(void)
{
	struct tcp_segment seg = make_seg4();
	struct error err;
	size_t len;

	seg.payload_len = 3;
	packet_build_tcp(&seg, (const uint8_t *)"abc", pkt, sizeof(pkt), &len,
			 &err);
	tap_is_int(len, 20 + 40 + 3, "IPv4 length");
	tap_ok(pkt[0] == 0x45 && pkt[1] == 0xb9 && pkt[2] == 0 &&
	       pkt[3] == 63 && pkt[4] == 0xbe && pkt[5] == 0xef &&
	       pkt[6] == 0x40 && pkt[7] == 0 && pkt[8] == 37 && pkt[9] == 6,
	       "IPv4 header: IHL 5, TOS, total length, ID, DF, TTL, protocol");
	tap_ok(!memcmp(pkt + 12, "\xc0\x00\x02\x01\xc0\xa8\x00\x01", 8),
	       "IPv4 addresses");
	tap_ok(!memcmp(pkt + 20, "\x1f\x90\xd4\x31\xde\xad\xbe\xef"
			"\x01\x02\x03\x04\xa0\x58\xfe\xdc", 16) &&
	       pkt[38] == 0x13 && pkt[39] == 0x57,
	       "TCP header: ports, seq, ack, data offset 10, flags, window, urg");
	tap_ok(!memcmp(pkt + 40, seg.options, 20) &&
	       !memcmp(pkt + 60, "abc", 3),
	       "options copied unchanged, then the payload");

	seg = make_seg6();
	seg.options_len = 0;
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_int(len, 60, "IPv6 length");
	tap_ok(!memcmp(pkt, "\x6a\x5a\xbc\xde\x00\x14\x06\xc8", 8),
	       "IPv6 header: version, tclass 0xa5, flow label 0xabcde, length, next header, hop limit");
	tap_ok(pkt[52] == 0x51 && pkt[53] == 0xd8,
	       "TCP data offset 5 with AE, then CWR ECE ACK PSH");
}

static void test_known_packets(void)
{
	struct tcp_segment seg;
	struct tcp_opt_item items[8];
	struct error err = { .text = "" };
	uint8_t copy[80];
	size_t len = 0;
	int count = 0;

	tap_ok(ref_ip_ok(linux_syn4) && ref_tcp_ok(linux_syn4, 20, 40) &&
	       ref_tcp_ok(linux_syn6, 40, 40),
	       "reference checksum accepts the captured Linux SYNs");

	memcpy(copy, linux_syn4, 60);
	copy[10] = copy[11] = 0;
	tap_is_int(checksum_fold(checksum_add(0, copy, 20)), 0x308a,
		   "IPv4 header checksum of the Linux SYN computed from zero");
	copy[36] = copy[37] = 0;
	seg.src = addr("192.168.0.1");
	seg.dst = addr("192.0.2.1");
	tap_is_int(tcp_checksum(&seg.src, &seg.dst, copy + 20, 40), 0x6348,
		   "TCP checksum of the Linux IPv4 SYN computed from zero");
	memcpy(copy, linux_syn6, 80);
	copy[56] = copy[57] = 0;
	seg.src = addr("fd3d:fa7b:d17d::1");
	seg.dst = addr("fd3d:fa7b:d17d:0:1::1");
	tap_is_int(tcp_checksum(&seg.src, &seg.dst, copy + 40, 40), 0x6bae,
		   "TCP checksum of the Linux IPv6 SYN computed from zero");

	tap_is_int(packet_parse(linux_syn4, 60, &seg, &err), PACKET_TCP,
		   "Linux IPv4 SYN parses");
	tap_ok(seg.ip_version == 4 && seg.ip_checksum_ok &&
	       seg.tcp_checksum_ok, "its checksums are correct");
	tap_ok(seg.src.u.v4.s_addr == inet_addr("192.168.0.1") &&
	       seg.dst.u.v4.s_addr == inet_addr("192.0.2.1") &&
	       seg.src_port == 60980 && seg.dst_port == 8080 &&
	       seg.seq == 0xa868b060 && seg.ack == 0 && seg.flags == TCP_SYN &&
	       seg.window == 64240 && seg.ttl == 64 && seg.ip_id == 0x8787 &&
	       seg.dont_fragment && seg.tos == 0 && seg.options_len == 20 &&
	       seg.payload_len == 0, "its fields");
	tcp_options_decode(seg.options, seg.options_len, items, 8, &count,
			   &err);
	tap_ok(count == 5 && items[0].u.mss == 1460 &&
	       items[1].kind == TCPOPT_KIND_SACK_PERMITTED &&
	       items[2].u.ts.val == 0x4e3cb24e && items[2].u.ts.ecr == 0 &&
	       items[3].kind == TCPOPT_KIND_NOP && items[4].u.wscale == 10,
	       "its options: mss 1460, sackOK, TS, nop, wscale 10");
	tap_ok(!packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err) &&
	       len == 60 && !memcmp(pkt, linux_syn4, 60),
	       "rebuilding it gives Linux's bytes exactly");

	tap_is_int(packet_parse(linux_syn6, 80, &seg, &err), PACKET_TCP,
		   "Linux IPv6 SYN parses");
	tap_ok(seg.ip_version == 6 && seg.flow_label == 0xe55c4 &&
	       seg.ttl == 64 && seg.tos == 0 && seg.src_port == 56578 &&
	       seg.dst_port == 8080 && seg.seq == 0x427c5ca8 &&
	       seg.tcp_checksum_ok, "its fields and checksum");
	tap_ok(!packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err) &&
	       len == 80 && !memcmp(pkt, linux_syn6, 80),
	       "rebuilding it gives Linux's bytes exactly (flow label included)");
}

/* One flipped bit anywhere the TCP checksum covers must be noticed. */
static void test_corruption(void)
{
	struct tcp_segment seg;
	struct error err;
	uint8_t copy[80];
	int i, missed = 0;

	for (i = 12; i < 60; i++) {
		memcpy(copy, linux_syn4, 60);
		copy[i] ^= 0x01;	/* keeps the data offset intact */
		if (packet_parse(copy, 60, &seg, &err) != PACKET_TCP ||
		    seg.tcp_checksum_ok || ref_tcp_ok(copy, 20, 40)) {
			if (!missed++)
				tap_diag("IPv4 byte %d", i);
		}
	}
	tap_is_int(missed, 0, "IPv4: each corrupted address/TCP byte fails the TCP checksum");

	missed = 0;

	for (i = 8; i < 80; i++) {
		memcpy(copy, linux_syn6, 80);
		copy[i] ^= 0x01;
		if (packet_parse(copy, 80, &seg, &err) != PACKET_TCP ||
		    seg.tcp_checksum_ok) {
			if (!missed++)
				tap_diag("IPv6 byte %d", i);
		}
	}
	tap_is_int(missed, 0, "IPv6: each corrupted address/TCP byte fails the TCP checksum");

	memcpy(copy, linux_syn4, 60);
	copy[8]--;		/* TTL */
	packet_parse(copy, 60, &seg, &err);
	tap_ok(!seg.ip_checksum_ok && seg.tcp_checksum_ok,
	       "IPv4: a changed TTL fails only the header checksum");
	memcpy(copy, linux_syn6, 80);
	copy[3] ^= 0x10;	/* flow label */
	packet_parse(copy, 80, &seg, &err);
	tap_ok(seg.ip_checksum_ok && seg.tcp_checksum_ok,
	       "IPv6: the flow label is not covered by any checksum");
}

static void test_build_errors(void)
{
	struct tcp_segment seg;
	struct error err;
	size_t len;

	seg = make_seg4();
	seg.ip_version = 5;
	tap_is_int(packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err),
		   -1, "build: version 5 fails");
	tap_is_str(err.text, "IP version 5 is neither 4 nor 6", "message");

	seg = make_seg4();
	seg.dst = addr("::1");
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_str(err.text, "IPv4 segment with an address of another family",
		   "build: address family mismatch");

	seg = make_seg4();
	seg.options_len = 21;
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_str(err.text, "TCP options length 21 is not a multiple of 4 up to 40",
		   "build: unpadded options");
	seg.options_len = 44;
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_str(err.text, "TCP options length 44 is not a multiple of 4 up to 40",
		   "build: options over 40 bytes");

	seg = make_seg4();
	seg.flags = 0x200;
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_str(err.text, "TCP flags 0x200 outside the 9 defined bits",
		   "build: undefined flag bit");

	seg = make_seg6();
	seg.flow_label = 0x100000;
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_str(err.text, "IPv6 flow label 0x100000 exceeds 20 bits",
		   "build: flow label over 20 bits");

	seg = make_seg4();
	seg.options_len = 0;
	seg.payload_len = IP_PACKET_MAX - 39;
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_str(err.text, "IPv4 datagram of 65536 bytes exceeds 65535",
		   "build: IPv4 too long");
	seg = make_seg6();
	seg.options_len = 0;
	seg.payload_len = IPV6_PAYLOAD_MAX - 19;
	packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &len, &err);
	tap_is_str(err.text, "IPv6 payload of 65536 bytes exceeds 65535",
		   "build: IPv6 too long");

	seg = make_seg4();
	seg.payload_len = 1;
	tap_is_int(packet_build_tcp(&seg, NULL, pkt, 60, &len, &err), -1,
		   "build: a buffer one byte short fails");
	tap_is_str(err.text, "packet of 61 bytes does not fit the 60-byte buffer",
		   "message");
	tap_is_int(packet_build_tcp(&seg, NULL, pkt, 61, &len, &err), 0,
		   "build: an exact buffer is enough");
}

/* A cached builder gives the same bytes as one-shot builds, repeatedly. */
static void test_builder_reuse(void)
{
	static uint8_t other[PACKET_BUF_MAX];
	struct packet_builder *builder;
	struct tcp_segment segs[3];
	struct error err;
	size_t len, len2;
	int i, round, same = 0;

	segs[0] = make_seg4();
	segs[1] = make_seg6();
	segs[2] = make_seg4();
	segs[2].options_len = 0;
	segs[2].payload_len = 500;
	builder = packet_builder_new(&err);
	if (!tap_ok(builder != NULL, "packet_builder_new"))
		return;
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 3; i++) {
			if (packet_builder_build(builder, &segs[i], data, pkt,
						 sizeof(pkt), &len, &err) ||
			    packet_build_tcp(&segs[i], data, other,
					     sizeof(other), &len2, &err))
				continue;
			same += len == len2 && !memcmp(pkt, other, len);
		}
	}
	tap_is_int(same, 9, "one builder, 9 builds of 3 kinds, same bytes as one-shot builds");
	segs[0].ip_version = 7;
	packet_builder_build(builder, &segs[0], NULL, pkt, sizeof(pkt), &len,
			     &err);
	tap_ok(!packet_builder_build(builder, &segs[1], NULL, pkt, sizeof(pkt),
				     &len, &err),
	       "a builder still works after a failed build");
	packet_builder_free(builder);
	packet_builder_free(NULL);
}

/* Scripts run on several threads: one-shot builds and per-thread builders
 * must not share state.  Each thread builds its own segments and checks
 * them against bytes built before the threads started.
 */
#define THREADS 4
#define THREAD_ROUNDS 300

struct thread_job {
	const uint8_t *expected[2];
	size_t expected_len[2];
	uint8_t buf[2048];
	int bad;
};

/* Even rounds build IPv4 one-shot, odd rounds IPv6 with the thread's
 * own builder.
 */
static void *build_in_thread(void *arg)
{
	struct thread_job *job = arg;
	struct packet_builder *builder;
	struct tcp_segment seg4 = make_seg4(), seg6 = make_seg6();
	struct error err;
	size_t len = 0;
	int i, rc;

	builder = packet_builder_new(&err);
	if (!builder) {
		job->bad++;
		return NULL;
	}
	for (i = 0; i < THREAD_ROUNDS; i++) {
		if (i % 2)
			rc = packet_builder_build(builder, &seg6, data,
						  job->buf, sizeof(job->buf),
						  &len, &err);
		else
			rc = packet_build_tcp(&seg4, data, job->buf,
					      sizeof(job->buf), &len, &err);
		if (rc || len != job->expected_len[i % 2] ||
		    memcmp(job->buf, job->expected[i % 2], len))
			job->bad++;
	}
	packet_builder_free(builder);
	return NULL;
}

static void test_threads(void)
{
	static uint8_t expected[2][2048];
	struct tcp_segment seg4 = make_seg4(), seg6 = make_seg6();
	static struct thread_job jobs[THREADS];
	pthread_t threads[THREADS];
	struct error err;
	size_t len4 = 0, len6 = 0;
	int i, bad = 0, started = 0;

	packet_build_tcp(&seg4, data, expected[0], 2048, &len4, &err);
	packet_build_tcp(&seg6, data, expected[1], 2048, &len6, &err);
	for (i = 0; i < THREADS; i++) {
		jobs[i].expected[0] = expected[0];
		jobs[i].expected[1] = expected[1];
		jobs[i].expected_len[0] = len4;
		jobs[i].expected_len[1] = len6;
		jobs[i].bad = 0;
		started += !pthread_create(&threads[i], NULL, build_in_thread,
					   &jobs[i]);
	}
	for (i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
		bad += jobs[i].bad;
	}
	tap_ok(started == THREADS && bad == 0,
	       "%d threads x %d builds agree with single-threaded bytes (%d bad)",
	       THREADS, THREAD_ROUNDS, bad);
}

/* ---- TCP options ---- */

static bool item_equal(const struct tcp_opt_item *a,
		       const struct tcp_opt_item *b)
{
	int i;

	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TCPOPT_KIND_EOL:
	case TCPOPT_KIND_NOP:
	case TCPOPT_KIND_SACK_PERMITTED:
		return true;
	case TCPOPT_KIND_MSS:
		return a->u.mss == b->u.mss;
	case TCPOPT_KIND_WSCALE:
		return a->u.wscale == b->u.wscale;
	case TCPOPT_KIND_TIMESTAMP:
		return a->u.ts.val == b->u.ts.val && a->u.ts.ecr == b->u.ts.ecr;
	case TCPOPT_KIND_SACK:
		if (a->u.sack.count != b->u.sack.count)
			return false;
		for (i = 0; i < a->u.sack.count; i++)
			if (a->u.sack.blocks[i].left != b->u.sack.blocks[i].left ||
			    a->u.sack.blocks[i].right != b->u.sack.blocks[i].right)
				return false;
		return true;
	case TCPOPT_KIND_EXP:
		if (a->u.data.magic != b->u.data.magic)
			return false;
		/* fall through */
	default:
		return a->u.data.len == b->u.data.len &&
		       !memcmp(a->u.data.bytes, b->u.data.bytes, a->u.data.len);
	}
}

struct option_case {
	const char *name;
	struct tcp_opt_item item;
	const char *wire;	/* expected bytes, before padding */
	int wire_len;
};

static const struct option_case option_cases[] = {
	{ "nop", { .kind = TCPOPT_KIND_NOP }, "\x01", 1 },
	{ "mss 1460", { .kind = TCPOPT_KIND_MSS, .u.mss = 1460 },
	  "\x02\x04\x05\xb4", 4 },
	{ "wscale 14", { .kind = TCPOPT_KIND_WSCALE, .u.wscale = 14 },
	  "\x03\x03\x0e", 3 },
	{ "sackOK", { .kind = TCPOPT_KIND_SACK_PERMITTED }, "\x04\x02", 2 },
	{ "TS", { .kind = TCPOPT_KIND_TIMESTAMP,
		  .u.ts = { 0x01020304, 0xfffffffe } },
	  "\x08\x0a\x01\x02\x03\x04\xff\xff\xff\xfe", 10 },
	{ "sack 1 block", { .kind = TCPOPT_KIND_SACK,
			    .u.sack = { { { 1, 2 } }, 1 } },
	  "\x05\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 10 },
	{ "sack 4 blocks", { .kind = TCPOPT_KIND_SACK,
			     .u.sack = { { { 1, 2 }, { 3, 4 }, { 5, 6 },
					   { 0xfffffff0, 0xffffffff } }, 4 } },
	  "\x05\x22\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03"
	  "\x00\x00\x00\x04\x00\x00\x00\x05\x00\x00\x00\x06"
	  "\xff\xff\xff\xf0\xff\xff\xff\xff", 34 },
	{ "md5", { .kind = TCPOPT_KIND_MD5,
		   .u.data = { "0123456789abcdef", 16, 0 } },
	  "\x13\x12" "0123456789abcdef", 18 },
	{ "FO cookie", { .kind = TCPOPT_KIND_FAST_OPEN,
			 .u.data = { "\xaa\xbb\xcc\xdd\x11\x22\x33\x44", 8, 0 } },
	  "\x22\x0a\xaa\xbb\xcc\xdd\x11\x22\x33\x44", 10 },
	{ "FO cookie request", { .kind = TCPOPT_KIND_FAST_OPEN }, "\x22\x02",
	  2 },
	{ "EXP TFO", { .kind = TCPOPT_KIND_EXP,
		       .u.data = { "\x01\x02\x03\x04", 4,
				   TCPOPT_EXP_MAGIC_TFO } },
	  "\xfe\x08\xf9\x89\x01\x02\x03\x04", 8 },
	{ "EXP magic only", { .kind = TCPOPT_KIND_EXP,
			      .u.data = { "", 0, 0x1234 } },
	  "\xfe\x04\x12\x34", 4 },
	{ "unknown kind 30", { .kind = 30, .u.data = { "\x10\x20\x30", 3, 0 } },
	  "\x1e\x05\x10\x20\x30", 5 },
	{ "unknown kind 99, 38 bytes", { .kind = 99,
		  .u.data = { "0123456789abcdefghijklmnopqrstuvwxyzAB", 38, 0 } },
	  "\x63\x28" "0123456789abcdefghijklmnopqrstuvwxyzAB", 40 },
};

/* Encode one item, check the bytes, decode, check the item; then carry it
 * through a full packet of each IP version.
 */
static void option_round_trip(const struct option_case *c)
{
	struct tcp_opt_item got[4];
	struct tcp_segment seg, back;
	struct error err = { .text = "" };
	uint8_t wire[40];
	size_t len = 0, plen;
	int count = 0, padded = (c->wire_len + 3) & ~3, version, ok = 1;

	if (tcp_options_encode(&c->item, 1, wire, sizeof(wire), &len, &err)) {
		tap_ok(false, "option %s: encode (%s)", c->name, err.text);
		return;
	}
	tap_ok(len == (size_t)padded && !memcmp(wire, c->wire, c->wire_len) &&
	       ref_sum(wire + c->wire_len, len - c->wire_len) == 0,
	       "option %s: encodes to the expected bytes, zero padded",
	       c->name);
	tcp_options_decode(wire, len, got, 4, &count, &err);
	tap_ok(count >= 1 && item_equal(&got[0], &c->item) &&
	       got[0].length == c->wire_len &&
	       (padded == c->wire_len ? count == 1 :
		count == 2 && got[1].kind == TCPOPT_KIND_EOL &&
		got[1].u.eol.padding == padded - c->wire_len - 1),
	       "option %s: decodes back, padding seen as one EOL", c->name);

	for (version = 4; version <= 6; version += 2) {
		seg = version == 4 ? make_seg4() : make_seg6();
		memcpy(seg.options, wire, len);
		seg.options_len = (uint8_t)len;
		count = 0;
		if (packet_build_tcp(&seg, NULL, pkt, sizeof(pkt), &plen, &err) ||
		    packet_parse(pkt, plen, &back, &err) != PACKET_TCP ||
		    tcp_options_decode(back.options, back.options_len, got, 4,
				       &count, &err) ||
		    !item_equal(&got[0], &c->item) || !back.tcp_checksum_ok)
			ok = 0;
	}
	tap_ok(ok, "option %s: survives IPv4 and IPv6 packets", c->name);
}

static void test_option_kinds(void)
{
	size_t i;

	for (i = 0; i < sizeof(option_cases) / sizeof(option_cases[0]); i++)
		option_round_trip(&option_cases[i]);
}

static void test_option_lists(void)
{
	struct tcp_opt_item in[6], out[12];
	struct error err = { .text = "" };
	uint8_t wire[40];
	size_t len = 0;
	int count = 0, i, same = 1;

	/* Linux's SYN options, in order, through encode and decode. */
	memset(in, 0, sizeof(in));
	in[0].kind = TCPOPT_KIND_MSS;
	in[0].u.mss = 1460;
	in[1].kind = TCPOPT_KIND_SACK_PERMITTED;
	in[2].kind = TCPOPT_KIND_TIMESTAMP;
	in[2].u.ts.val = 0x4e3cb24e;
	in[3].kind = TCPOPT_KIND_NOP;
	in[4].kind = TCPOPT_KIND_WSCALE;
	in[4].u.wscale = 10;
	tcp_options_encode(in, 5, wire, sizeof(wire), &len, &err);
	tap_ok(len == 20 && !memcmp(wire, linux_syn4 + 40, 20),
	       "<mss 1460,sackOK,TS,nop,wscale 10> encodes as Linux sends it");
	tcp_options_decode(wire, len, out, 12, &count, &err);
	for (i = 0; i < 5; i++)
		same &= item_equal(&in[i], &out[i]);
	tap_ok(count == 5 && same, "and decodes to the same five items");

	/* An explicit EOL: padding after it is counted, not itemised. */
	in[1].kind = TCPOPT_KIND_EOL;
	tcp_options_encode(in, 2, wire, sizeof(wire), &len, &err);
	tap_ok(len == 8 && !memcmp(wire, "\x02\x04\x05\xb4\0\0\0\0", 8),
	       "<mss 1460,eol> encodes to 8 bytes");
	tcp_options_decode(wire, len, out, 12, &count, &err);
	tap_ok(count == 2 && out[1].kind == TCPOPT_KIND_EOL &&
	       out[1].length == 1 && out[1].u.eol.padding == 3 &&
	       !out[1].u.eol.padding_nonzero,
	       "decodes to mss, eol followed by 3 padding bytes");
	wire[6] = 0x42;
	tcp_options_decode(wire, len, out, 12, &count, &err);
	tap_ok(count == 2 && out[1].u.eol.padding_nonzero,
	       "non-zero bytes after EOL are flagged");

	tap_ok(!tcp_options_encode(in, 0, wire, sizeof(wire), &len, &err) &&
	       len == 0 && !tcp_options_decode(wire, 0, out, 12, &count, &err) &&
	       count == 0, "no options encode and decode to nothing");

	/* Exactly 40 bytes is allowed. */
	memset(in, 0, sizeof(in));
	for (i = 0; i < 4; i++)
		in[i].kind = TCPOPT_KIND_TIMESTAMP;
	tap_ok(!tcp_options_encode(in, 4, wire, sizeof(wire), &len, &err) &&
	       len == 40, "four timestamps fill exactly 40 bytes");
}

static void expect_decode_error(const char *name, const char *bytes,
				size_t len, int max, const char *message)
{
	struct tcp_opt_item items[12];
	struct error err = { .text = "" };
	int count = -7;

	tap_is_int(tcp_options_decode((const uint8_t *)bytes, len, items, max,
				      &count, &err), -1,
		   "decode %s: fails", name);
	tap_is_str(err.text, message, "decode %s: message", name);
}

static void test_option_errors(void)
{
	struct tcp_opt_item in[6];
	struct error err = { .text = "" };
	uint8_t wire[40], big[44];
	size_t len;
	int i;

	expect_decode_error("length 1", "\x02\x01\x05\xb4", 4, 12,
			    "TCP option MSS at offset 0 has length 1, below 2");
	expect_decode_error("length 0 of an unknown kind", "\x01\x4d\x00\x00",
			    4, 12, "TCP option kind 77 at offset 1 has length 0, below 2");
	expect_decode_error("missing length byte", "\x01\x01\x01\x02", 4, 12,
			    "TCP option MSS at offset 3 has no length byte");
	expect_decode_error("past the end", "\x08\x0a\x00\x00", 4, 12,
			    "TCP option TS at offset 0 runs past the end: length 10, 4 bytes left");
	expect_decode_error("MSS length 5", "\x02\x05\x05\xb4\x00\x00\x00\x00",
			    8, 12, "TCP option MSS at offset 0 has length 5, expected 4");
	expect_decode_error("WSCALE length 4", "\x01\x03\x04\x07\x00", 5, 12,
			    "TCP option WSCALE at offset 1 has length 4, expected 3");
	expect_decode_error("SACKOK length 3", "\x04\x03\x00\x00", 4, 12,
			    "TCP option SACKOK at offset 0 has length 3, expected 2");
	expect_decode_error("TS length 8", "\x08\x08\x00\x00\x00\x00\x00\x00",
			    8, 12, "TCP option TS at offset 0 has length 8, expected 10");
	expect_decode_error("SACK length 9", "\x05\x09\0\0\0\0\0\0\0\0\0\0", 12,
			    12, "TCP option SACK at offset 0 has length 9, expected 2+8n with n = 1 to 4");
	expect_decode_error("SACK length 2", "\x05\x02\x00\x00", 4, 12,
			    "TCP option SACK at offset 0 has length 2, expected 2+8n with n = 1 to 4");
	expect_decode_error("EXP length 3", "\xfe\x03\xf9\x00", 4, 12,
			    "TCP option EXP at offset 0 has length 3, below the 4 that hold its ExID");
	expect_decode_error("too many items", "\x01\x01\x01\x01", 4, 2,
			    "more than 2 TCP options (next at offset 2)");
	memset(big, 1, sizeof(big));
	expect_decode_error("over 40 bytes", (const char *)big, sizeof(big), 12,
			    "TCP options of 44 bytes, at most 40 fit");

	memset(in, 0, sizeof(in));
	for (i = 0; i < 5; i++)
		in[i].kind = TCPOPT_KIND_TIMESTAMP;
	tap_is_int(tcp_options_encode(in, 5, wire, sizeof(wire), &len, &err),
		   -1, "encode: five timestamps fail");
	tap_is_str(err.text, "TCP options take 50 bytes, more than 40",
		   "encode: message");
	in[0].kind = TCPOPT_KIND_SACK;
	in[0].u.sack.count = 0;
	tcp_options_encode(in, 1, wire, sizeof(wire), &len, &err);
	tap_is_str(err.text, "TCP option 0: SACK with 0 blocks, expected 1 to 4",
		   "encode: SACK without blocks");
	in[0].u.sack.count = 5;
	tcp_options_encode(in, 1, wire, sizeof(wire), &len, &err);
	tap_is_str(err.text, "TCP option 0: SACK with 5 blocks, expected 1 to 4",
		   "encode: SACK with 5 blocks");
	in[1].kind = TCPOPT_KIND_EXP;
	in[1].u.data.len = 37;
	tcp_options_encode(in + 1, 1, wire, sizeof(wire), &len, &err);
	tap_is_str(err.text, "TCP option 0: EXP data of 37 bytes, at most 36 fit",
		   "encode: EXP data too long");
	in[1].kind = TCPOPT_KIND_MD5;
	in[1].u.data.len = 39;
	tcp_options_encode(in + 1, 1, wire, sizeof(wire), &len, &err);
	tap_is_str(err.text, "TCP option 0: data of 39 bytes, at most 38 fit",
		   "encode: data too long");
	in[0].kind = TCPOPT_KIND_MSS;
	tap_is_int(tcp_options_encode(in, 1, wire, 3, &len, &err), -1,
		   "encode: output buffer too small fails");
	tap_is_str(err.text, "TCP options need 4 bytes, the buffer has 3",
		   "encode: message");
}

/* ---- parsing malformed and non-TCP datagrams ---- */

static void expect_parse_error(const char *name, const uint8_t *bytes,
			       size_t len, const char *message)
{
	struct tcp_segment seg;
	struct error err = { .text = "" };
	uint8_t *copy = malloc(len ? len : 1);

	/* An exact-size heap copy, so ASan sees any read past the end. */
	memcpy(copy, bytes, len);
	tap_is_int(packet_parse(copy, len, &seg, &err), -1, "parse %s: fails",
		   name);
	tap_is_str(err.text, message, "parse %s: message", name);
	free(copy);
}

static void set16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void test_parse_errors(void)
{
	uint8_t b[200];

	expect_parse_error("empty", linux_syn4, 0, "empty datagram: 0 bytes");
	memcpy(b, linux_syn4, 60);
	b[0] = 0x55;
	expect_parse_error("version 5", b, 60, "IP version 5 is neither 4 nor 6");
	expect_parse_error("12-byte IPv4", linux_syn4, 12,
			   "truncated IPv4 header: 12 of 20 bytes");
	memcpy(b, linux_syn4, 60);
	b[0] = 0x44;
	expect_parse_error("IHL 4", b, 60, "IPv4 header length (IHL) 4 is below 5");
	memcpy(b, linux_syn4, 60);
	b[0] = 0x4f;
	expect_parse_error("IHL 15 in 40 bytes", b, 40,
			   "truncated IPv4 header: 40 of 60 bytes (IHL 15)");
	memcpy(b, linux_syn4, 60);
	set16(b + 2, 16);
	expect_parse_error("total length 16", b, 60,
			   "IPv4 total length 16 is below the header length 20");
	expect_parse_error("40 of 60 bytes", linux_syn4, 40,
			   "IPv4 total length 60 exceeds the 40 bytes read");
	memcpy(b, linux_syn4, 60);
	set16(b + 2, 32);
	expect_parse_error("12-byte TCP header", b, 32,
			   "truncated TCP header: 12 of 20 bytes");
	memcpy(b, linux_syn4, 60);
	b[32] = 0x40;
	expect_parse_error("data offset 4", b, 60, "TCP data offset 4 is below 5");
	memcpy(b, linux_syn4, 60);
	b[32] = 0xf0;
	expect_parse_error("data offset 15", b, 60,
			   "TCP data offset 15 (60 bytes) exceeds the 40-byte segment");
	memcpy(b, linux_syn4, 60);
	b[6] = 0x20;		/* MF */
	expect_parse_error("IPv4 first fragment", b, 60,
			   "IPv4 fragment of a TCP segment (offset 0 bytes, more fragments) cannot be parsed");
	set16(b + 6, 185);
	expect_parse_error("IPv4 last fragment", b, 60,
			   "IPv4 fragment of a TCP segment (offset 1480 bytes) cannot be parsed");

	expect_parse_error("39-byte IPv6", linux_syn6, 39,
			   "truncated IPv6 header: 39 of 40 bytes");
	memcpy(b, linux_syn6, 80);
	set16(b + 4, 100);
	expect_parse_error("IPv6 payload length 100", b, 80,
			   "IPv6 payload length 100 exceeds the 40 bytes read after the header");
	memcpy(b, linux_syn6, 80);
	set16(b + 4, 12);
	expect_parse_error("IPv6 12-byte TCP header", b, 52,
			   "truncated TCP header: 12 of 20 bytes");

	/* Extension headers that do not fit. */
	memcpy(b, linux_syn6, 40);
	b[6] = 60;		/* destination options */
	set16(b + 4, 4);
	memset(b + 40, 0, 4);
	expect_parse_error("4-byte extension header", b, 44,
			   "truncated IPv6 extension header 60 at offset 40: 4 of 8 bytes");
	b[6] = 0;		/* hop-by-hop, claiming 16 bytes */
	set16(b + 4, 8);
	b[40] = 6;
	b[41] = 1;
	expect_parse_error("8 of 16 bytes of hop-by-hop", b, 48,
			   "truncated IPv6 extension header 0 at offset 40: 8 of 16 bytes");
	b[6] = 44;		/* fragment, offset 8, more fragments */
	b[40] = 6;
	b[41] = 0;
	set16(b + 42, 8 | 1);
	expect_parse_error("IPv6 fragment", b, 48,
			   "IPv6 fragment of a TCP segment (offset 8 bytes, more fragments) cannot be parsed");
}

/* Insert extension headers between the IPv6 header and TCP; the parser
 * must skip them and still verify the checksum over the TCP bytes only.
 */
static void test_ipv6_extensions(void)
{
	static const uint8_t ext[40] = {
		/* hop-by-hop: next dst opts, 8 bytes, PadN */
		60, 0, 1, 4, 0, 0, 0, 0,
		/* destination options: next routing, 16 bytes, PadN */
		43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* routing: next fragment, type 4 (SRH) segments left 0 */
		44, 0, 4, 0, 0, 0, 0, 0,
		/* atomic fragment: next TCP, offset 0, M 0 */
		6, 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
	};
	struct tcp_segment seg;
	struct error err = { .text = "" };
	uint8_t b[120];
	size_t k;
	int wrong = 0;

	memcpy(b, linux_syn6, 40);
	b[6] = 0;
	set16(b + 4, 40 + 40);
	memcpy(b + 40, ext, 40);
	memcpy(b + 80, linux_syn6 + 40, 40);
	tap_is_int(packet_parse(b, 120, &seg, &err), PACKET_TCP,
		   "IPv6 with hop-by-hop, dst opts, routing, fragment headers parses as TCP");
	tap_ok(seg.protocol == 6 && seg.src_port == 56578 &&
	       seg.seq == 0x427c5ca8 && seg.options_len == 20 &&
	       seg.payload_len == 0 && seg.tcp_checksum_ok,
	       "fields found after the extension headers, checksum correct");

	/* Cut the chain short with a consistent payload length, so that
	 * each extension header in turn is the one left incomplete.
	 */
	for (k = 0; k < 80; k++) {
		uint8_t *copy = malloc(40 + k);

		memcpy(copy, b, 40 + k);
		set16(copy + 4, (unsigned)k);
		err.text[0] = '\0';
		if (packet_parse(copy, 40 + k, &seg, &err) != -1 ||
		    !err.text[0]) {
			if (!wrong++)
				tap_diag("payload length %zu accepted", k);
		}
		if (k == 35)
			tap_is_str(err.text,
				   "truncated IPv6 extension header 44 at offset 72: 3 of 8 bytes",
				   "a fragment header cut to 3 bytes");
		free(copy);
	}
	tap_is_int(wrong, 0, "every shortened extension chain fails");
}

/* IPv4 options are skipped (and covered by the header checksum); bytes
 * after the IP length, as link-layer padding would add, are ignored.
 */
static void test_ipv4_layout_variants(void)
{
	struct tcp_segment seg;
	struct error err = { .text = "" };
	uint16_t sum;
	uint8_t b[90];

	b[0] = 0x46;
	memcpy(b + 1, linux_syn4 + 1, 19);
	set16(b + 2, 64);
	memcpy(b + 20, "\x01\x01\x01\x00", 4);	/* nop, nop, nop, eol */
	memcpy(b + 24, linux_syn4 + 20, 40);
	b[10] = b[11] = 0;
	sum = (uint16_t)~ref_sum(b, 24);
	set16(b + 10, sum);
	tap_is_int(packet_parse(b, 64, &seg, &err), PACKET_TCP,
		   "IPv4 with 4 bytes of IP options parses");
	tap_ok(seg.ip_checksum_ok && seg.tcp_checksum_ok &&
	       seg.src_port == 60980 && seg.options_len == 20,
	       "TCP found after the IP options, both checksums correct");
	b[21] = 0x07;
	packet_parse(b, 64, &seg, &err);
	tap_ok(!seg.ip_checksum_ok && seg.tcp_checksum_ok,
	       "the IPv4 header checksum covers the IP options");

	memcpy(b, linux_syn4, 60);
	memset(b + 60, 0xee, 6);
	tap_is_int(packet_parse(b, 66, &seg, &err), PACKET_TCP,
		   "6 bytes after the IPv4 total length are ignored");
	tap_ok(seg.payload_len == 0 && seg.tcp_checksum_ok,
	       "and are not taken as payload");
	memcpy(b, linux_syn6, 80);
	memset(b + 80, 0xee, 3);
	tap_ok(packet_parse(b, 83, &seg, &err) == PACKET_TCP &&
	       seg.payload_len == 0 && seg.tcp_checksum_ok,
	       "bytes after the IPv6 payload length are ignored");
}

static void test_non_tcp(void)
{
	struct tcp_segment seg;
	struct error err = { .text = "" };
	uint8_t b[48];

	tap_is_int(packet_parse(icmp6_ns, sizeof(icmp6_ns), &seg, &err),
		   PACKET_OTHER, "ICMPv6 neighbour solicitation is OTHER");
	tap_ok(seg.ip_version == 6 && seg.protocol == 58 &&
	       seg.payload_len == 24 && seg.payload[0] == 135 && seg.ttl == 255,
	       "version 6, protocol 58, payload at the ICMPv6 header (type 135)");
	tap_is_int(packet_parse(mld_report, sizeof(mld_report), &seg, &err),
		   PACKET_OTHER, "MLDv2 report behind hop-by-hop is OTHER");
	tap_ok(seg.protocol == 58 && seg.payload_len == 28 &&
	       seg.payload[0] == 143,
	       "hop-by-hop skipped to ICMPv6 type 143");
	tap_is_int(packet_parse(udp4, sizeof(udp4), &seg, &err), PACKET_OTHER,
		   "UDP over IPv4 is OTHER");
	tap_ok(seg.ip_version == 4 && seg.protocol == 17 &&
	       seg.payload_len == 12 && seg.src.u.v4.s_addr ==
	       inet_addr("192.168.0.1"), "version 4, protocol 17, addresses");
	memcpy(b, icmp6_ns, 40);
	b[6] = 59;
	set16(b + 4, 0);
	tap_is_int(packet_parse(b, 40, &seg, &err), PACKET_OTHER,
		   "IPv6 with no next header is OTHER");
}

/* Every proper prefix of a valid datagram is an error, never a crash. */
static void truncation_sweep(const char *name, const uint8_t *full,
			     size_t full_len, int want)
{
	struct tcp_segment seg;
	struct error err;
	size_t n;
	int wrong = 0;

	for (n = 0; n < full_len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, full, n);
		err.text[0] = '\0';
		if (packet_parse(copy, n, &seg, &err) != -1 || !err.text[0]) {
			if (!wrong++)
				tap_diag("%s: prefix of %zu bytes accepted",
					 name, n);
		}
		free(copy);
	}
	tap_ok(wrong == 0 && packet_parse(full, full_len, &seg, &err) == want,
	       "%s: all %zu shorter prefixes fail, the whole parses", name,
	       full_len);
}

static void test_truncation(void)
{
	struct tcp_segment seg = make_seg6();
	struct error err;
	size_t len;

	truncation_sweep("Linux IPv4 SYN", linux_syn4, sizeof(linux_syn4),
			 PACKET_TCP);
	truncation_sweep("Linux IPv6 SYN", linux_syn6, sizeof(linux_syn6),
			 PACKET_TCP);
	truncation_sweep("ICMPv6 NS", icmp6_ns, sizeof(icmp6_ns), PACKET_OTHER);
	truncation_sweep("MLD report", mld_report, sizeof(mld_report),
			 PACKET_OTHER);
	truncation_sweep("UDP", udp4, sizeof(udp4), PACKET_OTHER);
	seg.payload_len = 77;
	packet_build_tcp(&seg, data, pkt, sizeof(pkt), &len, &err);
	truncation_sweep("built IPv6 segment with data", pkt, len, PACKET_TCP);
}

/* Random mutations and random bytes: only -1, TCP or OTHER may come back,
 * and (under ASan) nothing may be read out of bounds.
 */
static void test_mutations(void)
{
	static const struct {
		const uint8_t *bytes;
		size_t len;
	} seeds[] = {
		{ linux_syn4, sizeof(linux_syn4) },
		{ linux_syn6, sizeof(linux_syn6) },
		{ mld_report, sizeof(mld_report) },
		{ udp4, sizeof(udp4) },
	};
	struct tcp_segment seg;
	struct error err;
	uint32_t rng = 12345;
	int i, j, rc, odd = 0;

	for (i = 0; i < 40000; i++) {
		size_t s = (size_t)i % 4, len = seeds[s].len;
		uint8_t *b;

		rng = rng * 1103515245 + 12345;
		len = (rng >> 16) % 3 ? len : (rng >> 8) % (len + 1);
		b = malloc(len ? len : 1);
		memcpy(b, seeds[s].bytes, len);
		for (j = 0; j < 4 && len; j++) {
			rng = rng * 1103515245 + 12345;
			b[(rng >> 8) % len] = (uint8_t)(rng >> 24);
		}
		if (i % 10 == 0)
			for (j = 0; j < (int)len; j++) {
				rng = rng * 1103515245 + 12345;
				b[j] = (uint8_t)(rng >> 24);
			}
		rc = packet_parse(b, len, &seg, &err);
		if (rc != -1 && rc != PACKET_TCP && rc != PACKET_OTHER)
			odd++;
		if (rc == PACKET_TCP &&
		    (seg.payload + seg.payload_len > b + len ||
		     seg.options_len > TCP_OPTIONS_MAX))
			odd++;
		free(b);
	}
	tap_is_int(odd, 0, "40000 mutated datagrams parse or fail cleanly");
}

/* ---- flags ---- */

static void test_flags_format(void)
{
	char buf[TCP_FLAGS_STR_MAX];
	char small[3];

	tap_is_str(tcp_flags_format(TCP_SYN | TCP_ACK, buf, sizeof(buf)), "S.",
		   "SYN-ACK is S.");
	tap_is_str(tcp_flags_format(TCP_FIN | TCP_ACK, buf, sizeof(buf)), "F.",
		   "FIN-ACK is F.");
	tap_is_str(tcp_flags_format(TCP_PSH | TCP_ACK, buf, sizeof(buf)), "P.",
		   "PSH-ACK is P.");
	tap_is_str(tcp_flags_format(TCP_ACK, buf, sizeof(buf)), ".", "ACK is .");
	tap_is_str(tcp_flags_format(TCP_RST, buf, sizeof(buf)), "R", "RST is R");
	tap_is_str(tcp_flags_format(TCP_RST | TCP_ACK, buf, sizeof(buf)), "R.",
		   "RST-ACK is R.");
	tap_is_str(tcp_flags_format(TCP_SYN | TCP_ECE | TCP_CWR, buf,
				    sizeof(buf)), "SEW", "ECN setup SYN is SEW");
	tap_is_str(tcp_flags_format(TCP_SYN | TCP_ECE | TCP_CWR | TCP_AE, buf,
				    sizeof(buf)), "SEWA", "AccECN SYN is SEWA");
	tap_is_str(tcp_flags_format(TCP_URG | TCP_ACK | TCP_FIN | TCP_PSH, buf,
				    sizeof(buf)), "FP.U", "URG after the ACK dot");
	tap_is_str(tcp_flags_format(TCP_FLAGS_ALL, buf, sizeof(buf)),
		   "FSRP.UEWA", "all nine in packetdrill's order");
	tap_is_str(tcp_flags_format(0, buf, sizeof(buf)), "", "no flags is empty");
	tap_is_str(tcp_flags_format(TCP_FLAGS_ALL, small, sizeof(small)), "FS",
		   "a short buffer truncates and terminates");
	small[0] = 'x';
	tcp_flags_format(TCP_SYN, small, 0);
	tap_is_int(small[0], 'x', "size 0 writes nothing");
}

static void test_option_names(void)
{
	tap_is_str(tcp_option_name(TCPOPT_KIND_TIMESTAMP), "TS", "name of 8");
	tap_is_str(tcp_option_name(TCPOPT_KIND_SACK_PERMITTED), "SACKOK",
		   "name of 4");
	tap_ok(tcp_option_name(77) == NULL, "no name for kind 77");
}

int main(void)
{
	test_round_trips();
	test_payload_sizes();
	test_all_flags();
	test_wire_layout();
	test_known_packets();
	test_corruption();
	test_build_errors();
	test_builder_reuse();
	test_threads();
	test_option_kinds();
	test_option_lists();
	test_option_errors();
	test_parse_errors();
	test_ipv6_extensions();
	test_ipv4_layout_variants();
	test_non_tcp();
	test_truncation();
	test_mutations();
	test_flags_format();
	test_option_names();
	return tap_done();
}
