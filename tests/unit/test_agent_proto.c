/*
 * test_agent_proto.c - wire mode's control protocol: SHA-256 and HMAC
 * against FIPS 180-4 and RFC 4231 vectors, fields and frames in and out,
 * the handshake's MACs, socket addresses, the neighbour frames and RSTs
 * of the wire path.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/proto.h"
#include "agent/sha256.h"
#include "path/wire_neigh.h"
#include "path/wire_reset.h"
#include "pkt/packet.h"
#include "tap.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void test_sha256(void)
{
	uint8_t d[SHA256_LEN];
	char text[2 * SHA256_LEN + 1];
	struct sha256 s;
	struct hmac_sha256 h;
	uint8_t key[20];

	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, d);
	hex(d, sizeof(d), text);
	tap_is_str(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
		   "b410ff61f20015ad", "SHA-256(\"abc\") (FIPS 180-4)");
	sha256_init(&s);
	{
		char thousand[1000];

		memset(thousand, 'a', sizeof(thousand));
		for (int i = 0; i < 1000; i++)
			sha256_update(&s, thousand, sizeof(thousand));
	}
	sha256_final(&s, d);
	hex(d, sizeof(d), text);
	tap_is_str(text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e"
		   "046d39ccc7112cd0", "SHA-256 of a million 'a' in pieces");
	memset(key, 0x0b, sizeof(key));
	hmac_sha256_init(&h, key, sizeof(key));
	hmac_sha256_update(&h, "Hi There", 8);
	hmac_sha256_final(&h, d);
	hex(d, sizeof(d), text);
	tap_is_str(text, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da7"
		   "26e9376c2e32cff7", "HMAC-SHA256, RFC 4231 case 1");
	hmac_sha256_init(&h, "Jefe", 4);
	hmac_sha256_update(&h, "what do ya want for nothing?", 28);
	hmac_sha256_final(&h, d);
	hex(d, sizeof(d), text);
	tap_is_str(text, "5bdcc146bf60754e6a042426089575c75a003f089d273983"
		   "9dec58b964ec3843", "HMAC-SHA256, RFC 4231 case 2");
	{
		uint8_t long_key[131], m[SHA256_LEN];
		const char *msg = "Test Using Larger Than Block-Size Key - "
			"Hash Key First";

		memset(long_key, 0xaa, sizeof(long_key));
		hmac_sha256_init(&h, long_key, sizeof(long_key));
		hmac_sha256_update(&h, msg, strlen(msg));
		hmac_sha256_final(&h, m);
		hex(m, sizeof(m), text);
		tap_is_str(text, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5"
			   "140546040f0ee37f54",
			   "HMAC-SHA256, RFC 4231 case 6 (a key longer than "
			   "a block)");
	}
}

static void test_fields(void)
{
	struct proto_buf b;
	struct proto_reader r;
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(8080) }, *back;
	struct sockaddr_storage ss;
	socklen_t len;
	const uint8_t *p;
	size_t n;
	int64_t v;

	inet_pton(AF_INET, "192.168.0.1", &in.sin_addr);
	proto_buf_init(&b);
	proto_put_int(&b, -5);
	proto_put_bytes(&b, "hello", 5);
	proto_put_sockaddr(&b, (struct sockaddr *)&in, sizeof(in));
	proto_put_sockaddr(&b, NULL, 0);
	proto_reader_init(&r, b.data + PROTO_HEADER_LEN,
			  b.len - PROTO_HEADER_LEN);
	tap_ok(proto_get_int(&r, &v) == 0 && v == -5, "an integer back");
	tap_ok(proto_get_bytes(&r, &p, &n) == 0 && n == 5 &&
	       !memcmp(p, "hello", 5), "bytes back");
	tap_ok(proto_get_sockaddr(&r, &ss, &len) == 0 &&
	       len == sizeof(struct sockaddr_in), "an IPv4 address back");
	back = (struct sockaddr_in *)&ss;
	tap_ok(back->sin_family == AF_INET && back->sin_port == htons(8080) &&
	       back->sin_addr.s_addr == in.sin_addr.s_addr,
	       "... with its port and address");
	tap_ok(proto_get_sockaddr(&r, &ss, &len) == 0 && len == 0,
	       "a NULL address is an empty field");
	tap_ok(proto_get_int(&r, &v) < 0 && r.bad,
	       "reading past the end fails and stays failed");
	proto_reader_init(&r, b.data + PROTO_HEADER_LEN,
			  b.len - PROTO_HEADER_LEN);
	tap_ok(proto_get_bytes(&r, &p, &n) < 0,
	       "an integer is not read as bytes");
	proto_reader_init(&r, b.data + PROTO_HEADER_LEN, 9);
	tap_ok(proto_get_range(&r, 0, 10, &v) < 0, "-5 is outside 0..10");
	proto_buf_free(&b);
}

/* A frame sent keyed on one end of a socket pair and read on the other;
 * a flipped byte is refused.
 */
static void test_frames(void)
{
	struct proto_channel a = { .keyed = true }, z = { .keyed = true };
	struct proto_header h;
	struct proto_buf b;
	uint8_t *payload, raw[256];
	int sv[2];
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		tap_ok(false, "socketpair");
		return;
	}
	a.fd = sv[0];
	z.fd = sv[1];
	memset(a.key, 7, sizeof(a.key));
	memset(z.key, 7, sizeof(z.key));
	proto_buf_init(&b);
	proto_put_int(&b, 42);
	tap_ok(proto_send(&a, PROTO_CALL, 9, &b) == 0, "a keyed frame sent");
	tap_ok(proto_recv(&z, &h, &payload) == 0 && h.type == PROTO_CALL &&
	       h.id == 9 && h.length == 9, "and received with its MAC");
	free(payload);
	/* The same frame again: the counter moved, so its MAC is stale. */
	a.sent = 0;
	proto_send(&a, PROTO_CALL, 9, &b);
	errno = 0;
	tap_ok(proto_recv(&z, &h, &payload) < 0 && errno == EPROTO,
	       "a replayed frame is refused");
	/* A tampered one. */
	proto_send(&a, PROTO_CALL, 9, &b);
	n = read(sv[1], raw, sizeof(raw));
	raw[15] ^= 1;
	if (n > 0 && write(sv[0], raw, (size_t)n) == n) {
		z.received = a.sent - 1;
		errno = 0;
		tap_ok(proto_recv(&z, &h, &payload) < 0 && errno == EPROTO,
		       "a tampered frame is refused");
	}
	proto_buf_free(&b);
	close(sv[0]);
	close(sv[1]);
}

static void test_auth(void)
{
	uint8_t a[PROTO_NONCE_LEN] = { 1 }, c[PROTO_NONCE_LEN] = { 2 };
	uint8_t m1[SHA256_LEN], m2[SHA256_LEN], m3[SHA256_LEN];

	proto_auth_mac((const uint8_t *)"0123456789abcdef", 16, "client", a, c,
		       m1);
	proto_auth_mac((const uint8_t *)"0123456789abcdeg", 16, "client", a, c,
		       m2);
	proto_auth_mac((const uint8_t *)"0123456789abcdef", 16, "agent", a, c,
		       m3);
	tap_ok(!sha256_equal(m1, m2, SHA256_LEN),
	       "another secret, another proof");
	tap_ok(!sha256_equal(m1, m3, SHA256_LEN),
	       "the agent's proof is not the client's");
}

static void test_wire_frames(void)
{
	struct neigh_view v = { .family = AF_INET, .local = { 192, 168, 0, 1 },
				.remote = { 192, 0, 2, 1 },
				.own_mac = { 2, 0, 0, 0, 0, 1 } };
	uint8_t frame[NEIGH_FRAME_MAX], reply[NEIGH_FRAME_MAX], mac[6];
	size_t len = neigh_build_request(&v, frame), reply_len = 0;
	struct neigh_view peer = v;

	tap_is_int(len, 42, "an ARP request is 42 bytes");
	/* The stack's view: its question for remote, answered by us. */
	memcpy(peer.local, v.remote, 4);
	memcpy(peer.remote, v.local, 4);
	memcpy(peer.own_mac, "\x02\0\0\0\0\x02", 6);
	len = neigh_build_request(&peer, frame);
	tap_is_int(neigh_handle(&v, frame, len, reply, &reply_len, mac),
		   NEIGH_ANSWER, "a request for remote is answered");
	tap_is_int(neigh_handle(&peer, reply, reply_len, frame, &len, mac),
		   NEIGH_LEARNED, "the answer gives our MAC to the asker");
	tap_ok(!memcmp(mac, v.own_mac, 6), "... the right one");

	v.family = AF_INET6;
	inet_pton(AF_INET6, "fd3d:a0b:17d6::1", v.local);
	inet_pton(AF_INET6, "fd3d:fa7b:d17d::1", v.remote);
	peer = v;
	memcpy(peer.local, v.remote, 16);
	memcpy(peer.remote, v.local, 16);
	memcpy(peer.own_mac, "\x02\0\0\0\0\x02", 6);
	len = neigh_build_request(&peer, frame);
	tap_is_int(neigh_handle(&v, frame, len, reply, &reply_len, mac),
		   NEIGH_ANSWER, "a neighbour solicitation is answered");
	{
		struct ip_addr src = { .family = AF_INET6 },
			dst = { .family = AF_INET6 };

		memcpy(&src.u.v6, reply + ETHER_LEN + 8, 16);
		memcpy(&dst.u.v6, reply + ETHER_LEN + 24, 16);
		tap_is_int(upper_checksum(&src, &dst, 58, reply + ETHER_LEN + 40,
					  32), 0,
			   "the advertisement's ICMPv6 checksum is right");
	}
	tap_is_int(neigh_handle(&peer, reply, reply_len, frame, &len, mac),
		   NEIGH_LEARNED, "and the advertisement gives our MAC");
}

/* The RST that ends a connection the script left. */
static void test_reset(void)
{
	struct net_plan plan;
	struct wire_segment seg = { .local_port = 8080, .remote_port = 61001,
				    .seq = 1000, .ack = 5000, .flags = 0x11 };
	struct wire_segment back;
	uint8_t rst[WIRE_RESET_LEN];
	size_t len;

	plan_set_defaults(&plan);
	len = wire_reset_build(&plan, &seg, rst);
	tap_is_int(len, 40, "an IPv4 RST is 40 bytes");
	tap_ok(wire_segment_parse(rst, len, &back) == 0, "and parses");
	tap_ok(back.local_port == 61001 && back.remote_port == 8080 &&
	       back.seq == 5000 && back.flags == 0x04,
	       "seq is the ack of the segment it answers, flags RST");
	tap_is_int(tcp_checksum(&plan.remote_ip, &plan.local_ip, rst + 20, 20),
		   0, "its TCP checksum is right");
	seg.flags = 0x02;	/* a SYN: no ACK to take seq from */
	len = wire_reset_build(&plan, &seg, rst);
	wire_segment_parse(rst, len, &back);
	tap_ok(back.flags == 0x14 && back.ack == 1001 && back.seq == 0,
	       "a SYN gets RST|ACK of its sequence space");
	seg.flags = 0x04;
	tap_is_int(wire_reset_build(&plan, &seg, rst), 0,
		   "a RST is never answered");
}

int main(void)
{
	test_sha256();
	test_fields();
	test_frames();
	test_auth();
	test_wire_frames();
	test_reset();
	return tap_done();
}
