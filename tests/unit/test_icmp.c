/*
 * test_icmp.c - ICMP names (engine/pkt/icmp.c) and the ICMP errors the
 * builder makes (packet_builder_build_icmp()): every byte the stack
 * looks at to find the connection, and both checksums.
 */
#include "config.h"

#include <sys/socket.h>

#include "pkt/icmp.h"
#include "pkt/packet.h"
#include "tap.h"

static void test_names(void)
{
	struct error err;
	uint8_t type = 0, code = 0;

	tap_is_int(icmp_resolve(4, "unreachable", "frag_needed", &type, &code,
				&err), 0, "unreachable frag_needed resolves");
	tap_ok(type == 3 && code == 4, "... as type 3 code 4 (got %u %u)",
	       type, code);
	tap_is_int(icmp_resolve(6, "packet_too_big", NULL, &type, &code, &err),
		   0, "packet_too_big resolves for ICMPv6");
	tap_ok(type == 2 && code == 0, "... as type 2 code 0");
	tap_is_int(icmp_resolve(6, "unreachable", "port_unreachable", &type,
				&code, &err), 0, "ICMPv6 has its own codes");
	tap_ok(type == 1 && code == 4, "... port unreachable is 1/4 there");
	tap_is_int(icmp_resolve(4, "type_42", "code_7", &type, &code, &err), 0,
		   "type_N code_N give numbers directly");
	tap_ok(type == 42 && code == 7, "... 42 and 7");
	tap_is_int(icmp_resolve(4, "packet_too_big", NULL, &type, &code, &err),
		   -1, "packet_too_big is not an ICMPv4 type");
	tap_is_str(err.text, "unknown ICMP type 'packet_too_big'",
		   "... and the error says so");
	tap_is_int(icmp_resolve(6, "unreachable", "frag_needed", &type, &code,
				&err), -1, "frag_needed is not an ICMPv6 code");
	tap_is_str(err.text, "unknown ICMPv6 code 'frag_needed' for type "
		   "'unreachable'", "... naming code and type");
	tap_is_int(icmp_resolve(4, "type_256", NULL, &type, &code, &err), -1,
		   "type_256 is out of range");
	tap_ok(icmp_known("packet_too_big", NULL, &err),
	       "icmp_known accepts a name of either version");
	tap_ok(!icmp_known("unreachable", "bogus", &err),
	       "icmp_known refuses a code of neither");
	tap_ok(icmp_has_mtu(4, 3, 4) && !icmp_has_mtu(4, 3, 1) &&
	       icmp_has_mtu(6, 2, 0) && !icmp_has_mtu(6, 1, 4),
	       "only frag_needed and packet_too_big carry an MTU");
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static struct icmp_error message(int version)
{
	struct icmp_error m;

	memset(&m, 0, sizeof(m));
	m.ip_version = version;
	ip_addr_parse(version == 4 ? "192.0.2.1" : "fd3d:fa7b:d17d::1", &m.src);
	ip_addr_parse(version == 4 ? "192.168.0.1" : "fd3d:a0b:17d6::1", &m.dst);
	m.ttl = 64;
	m.quoted.ip_version = version;
	m.quoted.src = m.dst;
	m.quoted.dst = m.src;
	m.quoted.src_port = 8080;
	m.quoted.dst_port = 40000;
	m.quoted.seq = 0xdeadbeef;
	m.quoted.ttl = 64;
	m.quoted.payload_len = 16;
	return m;
}

static void test_icmpv4_frag_needed(void)
{
	struct icmp_error m = message(4);
	struct tcp_segment seg;
	uint8_t buf[256];
	const uint8_t *icmp, *quoted;
	size_t len = 0;
	struct error err;
	struct packet_builder *b = packet_builder_new(&err);

	m.type = 3;
	m.code = 4;
	m.info = 1200;
	tap_is_int(packet_builder_build_icmp(b, &m, buf, sizeof(buf), &len,
					     &err), 0, "an ICMPv4 error builds");
	tap_is_int(len, 20 + 8 + 20 + 8 + 16,
		   "IP + ICMP header + quoted IP header + 8 bytes + 16 zeros");
	tap_is_int(packet_parse(buf, len, &seg, &err), PACKET_OTHER,
		   "it parses as a non-TCP datagram");
	tap_ok(seg.protocol == 1 && seg.ip_checksum_ok,
	       "protocol ICMP, IP checksum right");
	icmp = seg.payload;
	tap_ok(icmp[0] == 3 && icmp[1] == 4, "type 3 code 4");
	tap_is_int(checksum_fold(checksum_add(0, icmp, seg.payload_len)), 0,
		   "the ICMP checksum is right");
	tap_is_int(get32(icmp + 4), 1200, "next-hop MTU in bytes 6-7");
	quoted = icmp + 8;
	tap_is_int(quoted[0], 0x45, "the quoted header is IPv4, 20 bytes");
	tap_is_int(get16(quoted + 2), 20 + 20 + 16,
		   "it claims the whole segment: IP, TCP and 16 bytes");
	tap_is_int(quoted[9], 6, "the quoted protocol is TCP");
	tap_is_int(checksum_fold(checksum_add(0, quoted, 20)), 0,
		   "the quoted header's checksum is right");
	tap_ok(!memcmp(quoted + 12, &m.dst.u.v4, 4) &&
	       !memcmp(quoted + 16, &m.src.u.v4, 4),
	       "it goes from the stack to the peer");
	tap_ok(get16(quoted + 20) == 8080 && get16(quoted + 22) == 40000,
	       "the quoted ports are the connection's");
	tap_is_int(get32(quoted + 24), 0xdeadbeef, "the quoted seq");
	packet_builder_free(b);
}

static void test_icmpv6_packet_too_big(void)
{
	struct icmp_error m = message(6);
	struct tcp_segment seg;
	uint8_t buf[256];
	const uint8_t *icmp;
	size_t len = 0;
	struct error err;
	struct packet_builder *b = packet_builder_new(&err);

	m.type = 2;
	m.info = 1280;
	m.quoted.payload_len = 0;
	tap_is_int(packet_builder_build_icmp(b, &m, buf, sizeof(buf), &len,
					     &err), 0, "an ICMPv6 error builds");
	tap_is_int(len, 40 + 8 + 40 + 8, "IPv6 + ICMPv6 + quoted header + 8");
	tap_is_int(packet_parse(buf, len, &seg, &err), PACKET_OTHER,
		   "it parses");
	tap_is_int(seg.protocol, 58, "next header ICMPv6");
	icmp = seg.payload;
	tap_is_int(upper_checksum(&m.src, &m.dst, 58, icmp, seg.payload_len), 0,
		   "the checksum covers the pseudo-header");
	tap_is_int(get32(icmp + 4), 1280, "the MTU takes all of bytes 4-7");
	tap_is_int(icmp[8] >> 4, 6, "the quoted header is IPv6");
	tap_is_int(get16(icmp + 8 + 4), 20, "its payload length: the TCP header");
	tap_is_int(get32(icmp + 8 + 40 + 4), 0xdeadbeef, "the quoted seq");

	m.quoted.ip_version = 4;
	tap_is_int(packet_builder_build_icmp(b, &m, buf, sizeof(buf), &len,
					     &err), -1,
		   "ICMPv6 cannot quote an IPv4 datagram");
	packet_builder_free(b);
}

int main(void)
{
	test_names();
	test_icmpv4_frag_needed();
	test_icmpv6_packet_too_big();
	return tap_done();
}
