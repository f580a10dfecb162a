/*
 * test_capture.c - the capture reader (pkt/capture_read.c): pcap in
 * both byte orders and precisions, pcapng with its timestamp
 * resolution, link layers, and the exact errors of broken files.
 */
#include "config.h"

#include <string.h>

#include "pkt/capture_read.h"
#include "tap.h"

/* A 20-byte IPv4 header claiming 20 bytes: enough for the reader. */
static const uint8_t ip4[20] = { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6 };

static size_t put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return 4;
}

static size_t put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* A classic pcap of one frame: link type, frame bytes. */
static size_t pcap_one(uint8_t *buf, bool big, bool nano, uint32_t link,
		       const uint8_t *frame, uint32_t len)
{
	size_t (*put)(uint8_t *, uint32_t) = big ? put32be : put32le;
	size_t n = 0;

	n += put(buf + n, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	if (big) {
		buf[n++] = 0; buf[n++] = 2; buf[n++] = 0; buf[n++] = 4;
	} else {
		buf[n++] = 2; buf[n++] = 0; buf[n++] = 4; buf[n++] = 0;
	}
	n += put(buf + n, 0);
	n += put(buf + n, 0);
	n += put(buf + n, 65535);
	n += put(buf + n, link);
	n += put(buf + n, 3);			/* seconds */
	n += put(buf + n, nano ? 5000 : 5);	/* 5 us either way */
	n += put(buf + n, len);
	n += put(buf + n, len);
	memcpy(buf + n, frame, len);
	return n + len;
}

static void test_pcap(void)
{
	struct capture_reader r;
	struct capture_packet p;
	struct error err;
	uint8_t buf[256], eth[40];
	size_t n;

	for (int big = 0; big < 2; big++) {
		for (int nano = 0; nano < 2; nano++) {
			n = pcap_one(buf, big, nano, 101, ip4, sizeof(ip4));
			tap_is_int(capture_reader_open(&r, buf, n, &err), 0,
				   "pcap big %d nano %d opens", big, nano);
			tap_is_int(capture_reader_next(&r, &p, &err), 1,
				   "its frame is read");
			tap_ok(p.time_ns == 3000005000ull && p.len == 20 &&
			       p.ip[0] == 0x45, "time 3.000005 s, 20 bytes");
			tap_is_int(capture_reader_next(&r, &p, &err), 0,
				   "then the end");
		}
	}
	/* Ethernet with an 802.1Q tag */
	memset(eth, 0, sizeof(eth));
	eth[12] = 0x81;
	eth[16] = 0x08;
	memcpy(eth + 18, ip4, 20);
	n = pcap_one(buf, false, false, 1, eth, 38);
	capture_reader_open(&r, buf, n, &err);
	tap_ok(capture_reader_next(&r, &p, &err) == 1 && p.len == 20 &&
	       p.ip == buf + n - 20, "a VLAN-tagged Ethernet frame's datagram");
	eth[16] = 0x08;
	eth[17] = 0x06;		/* ARP */
	n = pcap_one(buf, false, false, 1, eth, 38);
	capture_reader_open(&r, buf, n, &err);
	tap_ok(capture_reader_next(&r, &p, &err) == 0 && r.skipped == 1,
	       "an ARP frame is skipped and counted");
}

static void test_errors(void)
{
	struct capture_reader r;
	struct capture_packet p;
	struct error err;
	uint8_t buf[256];
	size_t n = pcap_one(buf, false, false, 101, ip4, sizeof(ip4));

	capture_reader_open(&r, buf, n - 1, &err);
	tap_is_int(capture_reader_next(&r, &p, &err), -1, "a cut record");
	tap_is_str(err.text, "truncated pcap record at offset 24: 20 bytes "
		   "captured, 19 in the file", "says where and by how much");
	n = pcap_one(buf, false, false, 147, ip4, sizeof(ip4));
	tap_is_int(capture_reader_open(&r, buf, n, &err), -1,
		   "an unknown link type");
	tap_is_str(err.text, "pcap link type 147 is not one tcpcheck reads "
		   "(raw IP, Ethernet, Linux cooked, loopback)", "named");
	tap_is_int(capture_reader_open(&r, (const uint8_t *)"GIF89a", 6,
				       &err), -1, "not a capture");
	tap_is_str(err.text, "not a pcap or pcapng file (magic 0x38464947)",
		   "its magic is shown");
}

static size_t block(uint8_t *b, uint32_t type, const uint8_t *body,
		    uint32_t len)
{
	uint32_t total = 12 + ((len + 3) & ~3u);

	put32le(b, type);
	put32le(b + 4, total);
	memset(b + 8, 0, total - 12);
	memcpy(b + 8, body, len);
	put32le(b + total - 4, total);
	return total;
}

static void test_pcapng(void)
{
	uint8_t buf[512], body[64];
	struct capture_reader r;
	struct capture_packet p;
	struct error err;
	size_t n = 0;

	memset(body, 0, sizeof(body));
	put32le(body, 0x1a2b3c4d);
	body[4] = 1;				/* version 1.0 */
	memset(body + 8, 0xff, 8);		/* section length unknown */
	n += block(buf + n, 0x0a0d0d0a, body, 16);
	memset(body, 0, sizeof(body));
	body[0] = 101;				/* raw IP */
	body[8] = 9;				/* if_tsresol */
	body[10] = 1;
	body[12] = 3;				/* milliseconds */
	n += block(buf + n, 1, body, 20);
	memset(body, 0, sizeof(body));
	put32le(body + 8, 2500);		/* 2.5 s in ms */
	put32le(body + 12, 20);
	put32le(body + 16, 20);
	memcpy(body + 20, ip4, 20);
	n += block(buf + n, 6, body, 40);
	tap_is_int(capture_reader_open(&r, buf, n, &err), 0, "pcapng opens");
	tap_is_int(capture_reader_next(&r, &p, &err), 1, "an EPB is read");
	tap_ok(p.time_ns == 2500000000ull && p.len == 20,
	       "its time in the interface's milliseconds: %llu ns",
	       (unsigned long long)p.time_ns);
	tap_is_int(capture_reader_next(&r, &p, &err), 0, "then the end");
	put32le(buf + n - 40 - 12 + 8, 5);	/* interface 5 */
	capture_reader_open(&r, buf, n, &err);
	tap_is_int(capture_reader_next(&r, &p, &err), -1,
		   "an EPB of an undescribed interface");
}

int main(void)
{
	test_pcap();
	test_errors();
	test_pcapng();
	return tap_done();
}
