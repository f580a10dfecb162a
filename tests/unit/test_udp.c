/*
 * test_udp.c - UDP datagrams (engine/match/udp.c, packet_builder_build_udp()):
 * the bytes built, their checksum computed independently, captured bytes
 * parsed back, one mismatch report per field, the default ports, stray
 * datagrams, and an ICMP error quoting a datagram.
 */
#include "config.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "parse.h"
#include "tap.h"
#include "match/udp.h"

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* RFC 768's checksum, computed here from scratch (not with the
 * engine's upper_checksum()), so the builder is held against something
 * it does not share.
 */
static uint16_t reference_checksum(int version, const uint8_t *ip,
				   const uint8_t *udp, size_t len)
{
	uint32_t sum = 0;
	size_t addr_len = version == 4 ? 4 : 16;
	const uint8_t *addrs = ip + (version == 4 ? 12 : 8);

	for (size_t i = 0; i < 2 * addr_len; i += 2)
		sum += (uint32_t)addrs[i] << 8 | addrs[i + 1];
	sum += IPPROTO_UDP + (uint32_t)len;
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)udp[i] << 8 | (i + 1 < len ? udp[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static struct udp_datagram datagram(int version)
{
	struct udp_datagram d;

	memset(&d, 0, sizeof(d));
	d.ip_version = version;
	ip_addr_parse(version == 4 ? "192.0.2.1" : "fd3d:fa7b:d17d::1", &d.src);
	ip_addr_parse(version == 4 ? "192.168.0.1" : "fd3d:a0b:17d6::1", &d.dst);
	d.ttl = 64;
	d.tos = 0x10;
	d.flow_label = version == 6 ? 0x12345 : 0;
	d.src_port = 5000;
	d.dst_port = 6000;
	d.payload_len = 11;	/* odd: the checksum pads a byte */
	return d;
}

static void test_build(int version)
{
	struct udp_datagram d = datagram(version), back;
	size_t ip_len = version == 4 ? 20 : 40, len = 0;
	uint8_t buf[256];
	const uint8_t *udp = buf + ip_len;
	struct error err;
	struct packet_builder *b = packet_builder_new(&err);

	tap_is_int(udp_build(b, &d, buf, sizeof(buf), &len, &err), 0,
		   "IPv%d: a datagram builds", version);
	tap_is_int(len, ip_len + 8 + 11, "IPv%d: IP + 8 + 11 bytes", version);
	tap_is_int(version == 4 ? buf[9] : buf[6], IPPROTO_UDP,
		   "IPv%d: protocol 17", version);
	tap_ok(get16(udp) == 5000 && get16(udp + 2) == 6000,
	       "IPv%d: ports 5000>6000 on the wire", version);
	tap_is_int(get16(udp + 4), 8 + 11, "IPv%d: length field", version);
	tap_ok(get16(udp + 6) != 0, "IPv%d: a checksum is set", version);
	tap_is_int(reference_checksum(version, buf, udp, 8 + 11), 0,
		   "IPv%d: the UDP checksum is right (independent sum)",
		   version);
	if (version == 6)
		tap_is_int((get16(buf) << 16 | get16(buf + 2)) & 0xfffff,
			   0x12345, "IPv6: the flow label");
	else
		tap_is_int(buf[1], 0x10, "IPv4: the TOS byte");

	tap_is_int(udp_parse(buf, len, &back, &err), 1,
		   "IPv%d: the bytes parse as UDP", version);
	tap_ok(back.src_port == 5000 && back.dst_port == 6000 &&
	       back.payload_len == 11 && back.length == 19 &&
	       back.checksum_ok && back.tos == 0x10 && back.ttl == 64 &&
	       back.flow_label == d.flow_label,
	       "IPv%d: every field reads back", version);
	buf[len - 1] ^= 1;
	tap_is_int(udp_parse(buf, len, &back, &err), 1,
		   "IPv%d: a flipped payload bit still parses", version);
	tap_ok(!back.checksum_ok, "IPv%d: ... with a bad checksum", version);
	packet_builder_free(b);
}

/* Bytes as the stack might send them, written out by hand. */
static void test_parse_captured(void)
{
	uint8_t v4[20 + 8 + 4] = {
		0x45, 0, 0, 32, 0, 0, 0x40, 0, 64, 17, 0, 0,
		192, 168, 0, 1, 192, 0, 2, 1,
		0x1f, 0x90, 0x9c, 0x40, 0, 12, 0, 0,	/* 8080>40000 */
		'a', 'b', 'c', 'd',
	};
	uint8_t v6[40 + 8] = { 0x60, 0, 0, 0, 0, 8, 17, 64 };
	struct udp_datagram d;
	struct error err;
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)v4[i] << 8 | v4[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	v4[10] = (uint8_t)(~sum >> 8);
	v4[11] = (uint8_t)~sum;
	tap_is_int(udp_parse(v4, sizeof(v4), &d, &err), 1,
		   "captured IPv4 bytes parse as UDP");
	tap_ok(d.src_port == 8080 && d.dst_port == 40000 && d.payload_len == 4,
	       "ports and payload length read");
	tap_ok(d.checksum_ok, "a zero UDP checksum is allowed over IPv4");

	v4[25] = 13;	/* length field one more than the IP header gives */
	tap_is_int(udp_parse(v4, sizeof(v4), &d, &err), -1,
		   "a UDP length that disagrees with IP's is malformed");
	tap_is_str(err.text, "UDP length field 13 disagrees with the 12 bytes "
		   "the IP header gives it", "... and the error says so");

	v6[8 + 15] = 1;
	v6[24 + 15] = 2;
	v6[40 + 5] = 8;	/* header only; checksum 0 */
	tap_is_int(udp_parse(v6, sizeof(v6), &d, &err), 1,
		   "captured IPv6 bytes parse as UDP");
	tap_ok(!d.checksum_ok, "a zero UDP checksum is wrong over IPv6");
	v6[5] = 4;
	v6[40 + 5] = 4;
	tap_is_int(udp_parse(v6, 44, &d, &err), -1,
		   "a UDP header cut short is malformed");

	v4[9] = 1;
	tap_is_int(udp_parse(v4, sizeof(v4), &d, &err), 0,
		   "ICMP is not UDP: 0, not an error");
}

static const struct udp_packet_spec *spec_of(struct script **script,
					     const char *line)
{
	struct diag_list diags;
	int rc;

	diag_list_init(&diags, "t.pkt");
	rc = script_parse("t.pkt", line, strlen(line), script, &diags);
	diag_list_free(&diags);
	if (rc < 0 || (*script)->events[0].kind != EVENT_UDP)
		return NULL;
	return &(*script)->events[0].u.udp;
}

/* One line, one captured datagram: the report must name exactly the
 * field that differs, with both values.
 */
static void check_mismatch(const char *line, struct udp_datagram got,
			   int want_diffs, const char *want_text)
{
	struct script *script = NULL;
	const struct udp_packet_spec *spec = spec_of(&script, line);
	struct net_plan plan;
	struct udp_flow flow;
	struct udp_expected want;
	struct error diffs;

	if (!tap_ok(spec != NULL, "'%s' parses", line)) {
		script_free(script);
		return;
	}
	plan_set_defaults(&plan);
	udp_flow_init(&flow, &plan);
	flow.local_port = 8080;
	flow.local_learned = true;
	udp_expect(spec, &flow, &want);
	diffs.text[0] = '\0';
	tap_is_int(udp_match(&want, &got, &diffs), want_diffs,
		   "'%s': %d difference(s)", line, want_diffs);
	tap_is_str(diffs.text, want_text, "'%s': the report", line);
	script_free(script);
}

static void test_match(void)
{
	struct udp_datagram d = datagram(6);

	d.src_port = 8080;
	d.dst_port = 8080;
	d.payload_len = 10;
	d.tos = 0;
	check_mismatch("0 > udp (10)", d, 0, "");
	check_mismatch("0 > udp (11)", d, 1,
		       "\n  payload length: expected 11, got 10");
	check_mismatch("0 > udp 8080>9 (10)", d, 1,
		       "\n  destination port: expected 9, got 8080");
	check_mismatch("0 > udp 7>8080 (10)", d, 1,
		       "\n  source port: expected 7, got 8080");
	check_mismatch("0 > [tos 0x10] udp (10)", d, 1,
		       "\n  tos: expected 0x10, got 0x00");
	check_mismatch("0 > [ttl 1] udp (10)", d, 1,
		       "\n  ttl: expected 1, got 64");
	check_mismatch("0 > (flowlabel 0x1) udp (10)", d, 1,
		       "\n  flowlabel: expected 0x00001, got 0x12345");
	check_mismatch("0 > [ttl 64, flowlabel 0x12345] udp (10)", d, 0, "");
	d.ip_version = 4;
	check_mismatch("0 > (flowlabel 0x1) udp (10)", d, 1,
		       "\n  flowlabel: expected 0x00001, got an IPv4 packet");
	check_mismatch("0 > udp 1>2 (3)", d, 3,
		       "\n  source port: expected 1, got 8080"
		       "\n  destination port: expected 2, got 8080"
		       "\n  payload length: expected 3, got 10");
}

static void test_default_ports(void)
{
	struct script *script = NULL;
	const struct udp_packet_spec *spec = spec_of(&script, "0 < udp (5)");
	struct net_plan plan;
	struct udp_flow flow;
	struct udp_datagram d, sent = datagram(4);
	struct udp_expected want;
	struct error err;

	plan_set_defaults(&plan);
	plan.connect_port = 53;
	plan.bind_port = 4242;
	udp_flow_init(&flow, &plan);
	tap_is_int(udp_inbound(spec, &plan, &flow, &d, &err), 0,
		   "an inbound line resolves");
	tap_ok(d.src_port == 53 && d.dst_port == 4242,
	       "before the stack has sent: remote connect_port > bind_port");
	tap_ok(ip_addr_equal(&d.src, &plan.remote_ip) &&
	       ip_addr_equal(&d.dst, &plan.local_ip) && d.ttl == 64 &&
	       d.tos == 0 && d.payload_len == 5,
	       "from the remote address to the local one, TTL 64");
	script_free(script);

	spec = spec_of(&script, "0 > udp (5)");
	udp_expect(spec, &flow, &want);
	tap_ok(want.src_port == 0 && want.dst_port == 53,
	       "an outbound line before any: local port unchecked, remote "
	       "port the script's");
	sent.src_port = 40123;
	udp_flow_learn(&flow, &sent);
	udp_expect(spec, &flow, &want);
	tap_is_int(want.src_port, 40123, "the first datagram teaches the "
		   "local port");
	sent.src_port = 1;
	udp_flow_learn(&flow, &sent);
	tap_is_int(flow.local_port, 40123, "... only the first");
	udp_flow_forget(&flow, &plan);
	tap_ok(!flow.local_learned && flow.local_port == 4242,
	       "a new socket forgets it");
	udp_flow_bound(&flow, &plan);
	udp_expect(spec, &flow, &want);
	tap_is_int(want.src_port, 4242, "bind(fd, ..., ...) makes bind_port "
		   "the expected source port");
	script_free(script);

	spec = spec_of(&script, "0 < (flowlabel 0x1) udp (5)");
	tap_is_int(udp_inbound(spec, &plan, &flow, &d, &err), -1,
		   "a flow label on an IPv4 run is refused");
	script_free(script);
}

static void test_stray(void)
{
	const char *text =
		"0 write(3, ..., 5) = 5\n"
		"+0 < udp (1)\n"
		"+0 > udp (5)\n"
		"+0 close(3) = 0\n";
	struct script *script = NULL;
	struct diag_list diags;
	struct net_plan plan;
	struct udp_flow flow;
	struct udp_datagram d = datagram(4);
	struct error err;

	diag_list_init(&diags, "t.pkt");
	if (!tap_ok(script_parse("t.pkt", text, strlen(text), &script,
				 &diags) == 0, "stray script parses")) {
		diag_list_free(&diags);
		return;
	}
	diag_list_free(&diags);
	plan_set_defaults(&plan);
	udp_flow_init(&flow, &plan);
	d.src_port = 8080;
	d.dst_port = 8080;
	d.payload_len = 5;
	tap_is_int(udp_stray_before(script, &script->events[1], &flow, &d,
				    1000, false, &err), 0,
		   "a datagram the next outbound line takes is no stray");
	d.payload_len = 6;
	tap_is_int(udp_stray_before(script, &script->events[1], &flow, &d,
				    1000, false, &err), 1,
		   "one it would not take is reported before the line runs");
	tap_ok(strstr(err.text, "unexpected outbound UDP datagram at 0.001 s") &&
	       strstr(err.text, "the next outbound UDP line, 3, expects > udp "
		      "*>8080 (5)") &&
	       strstr(err.text, "payload length: expected 5, got 6"),
	       "... saying what came, what line 3 expects, and the field");
	tap_is_int(udp_stray_before(script, &script->events[3], &flow, &d,
				    1000, false, &err), 0,
		   "after the last outbound line: only --strict cares");
	tap_is_int(udp_stray_before(script, &script->events[3], &flow, &d,
				    1000, true, &err), 1,
		   "... and --strict reports it");
	tap_ok(strstr(err.text, "no outbound UDP line follows (--strict)") != NULL,
	       "... saying no UDP line is left to take it");
	udp_stray_after_end(&d, 250000, &err);
	tap_is_str(err.text, "unexpected outbound UDP datagram at 0.250 s, "
		   "after the last line (--strict watches 0.250 s for any)\n"
		   "  packet:   > [tos 0x10, ttl 64] udp 8080>8080 (6)",
		   "a datagram after the last line (--strict): the report");
	script_free(script);
}

static void test_icmp_quoting_udp(void)
{
	struct icmp_error m;
	struct tcp_segment seg;
	uint8_t buf[256];
	const uint8_t *quoted;
	size_t len = 0;
	struct error err;
	struct packet_builder *b = packet_builder_new(&err);

	memset(&m, 0, sizeof(m));
	m.ip_version = 4;
	ip_addr_parse("192.0.2.1", &m.src);
	ip_addr_parse("192.168.0.1", &m.dst);
	m.ttl = 64;
	m.type = 3;
	m.code = 3;
	m.quoted.ip_version = 4;
	m.quoted.protocol = IPPROTO_UDP;
	m.quoted.src = m.dst;
	m.quoted.dst = m.src;
	m.quoted.src_port = 40000;
	m.quoted.dst_port = 8080;
	m.quoted.ttl = 64;
	m.quoted.payload_len = 10;
	tap_is_int(packet_builder_build_icmp(b, &m, buf, sizeof(buf), &len,
					     &err), 0,
		   "an ICMP error quoting a datagram builds");
	tap_is_int(len, 20 + 8 + 20 + 8 + 10, "IP, ICMP, quoted IP, UDP, 10");
	tap_is_int(packet_parse(buf, len, &seg, &err), PACKET_OTHER,
		   "it parses as ICMP");
	quoted = seg.payload + 8;
	tap_is_int(quoted[9], IPPROTO_UDP, "the quoted protocol is UDP");
	tap_is_int(get16(quoted + 2), 20 + 8 + 10,
		   "the quoted IP length claims the whole datagram");
	tap_ok(get16(quoted + 20) == 40000 && get16(quoted + 22) == 8080,
	       "the quoted ports go from the stack to the peer");
	tap_is_int(get16(quoted + 24), 8 + 10, "the quoted UDP length");
	packet_builder_free(b);
}

int main(void)
{
	test_build(4);
	test_build(6);
	test_parse_captured();
	test_match();
	test_default_ports();
	test_stray();
	test_icmp_quoting_udp();
	return tap_done();
}
