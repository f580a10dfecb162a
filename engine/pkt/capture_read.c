/*
 * capture_read.c - pcap and pcapng files to IP datagrams (see
 * capture_read.h).
 *
 * tcpcheck reads captures itself rather than through libpcap: the draft
 * needs only the records of a file already in memory, a reader of a few
 * hundred lines can check every length and say where a file is broken
 * (libpcap's messages do not), and it runs under the fuzzer and the
 * sanitizers without loading a library.  The engine's own captures are
 * written by libpcap (path/capture.c), so both formats are exercised.
 */
#include "config.h"

#include <string.h>

#include "pkt/capture_read.h"
#include "pkt/wire.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_HEADER_LEN 24
#define PCAP_RECORD_LEN 16
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_BOM 0x1a2b3c4du
#define PCAPNG_IDB 1u
#define PCAPNG_SPB 3u
#define PCAPNG_EPB 6u
#define PCAPNG_OPT_TSRESOL 9u

enum link_type {
	LINK_NULL = 0,
	LINK_ETHERNET = 1,
	LINK_RAW_OPENBSD = 12,
	LINK_RAW_BSD = 14,
	LINK_RAW = 101,
	LINK_LOOP = 108,
	LINK_LINUX_SLL = 113,
	LINK_IPV4 = 228,
	LINK_IPV6 = 229,
	LINK_LINUX_SLL2 = 276,
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint32_t get32(const struct capture_reader *r, const uint8_t *p)
{
	return r->swapped ? wire_get32(p) : le32(p);
}

static uint16_t get16(const struct capture_reader *r, const uint8_t *p)
{
	return r->swapped ? wire_get16(p) : (uint16_t)(p[1] << 8 | p[0]);
}

static bool link_type_known(uint32_t t)
{
	switch (t) {
	case LINK_NULL: case LINK_ETHERNET: case LINK_RAW_OPENBSD:
	case LINK_RAW_BSD: case LINK_RAW: case LINK_LOOP:
	case LINK_LINUX_SLL: case LINK_IPV4: case LINK_IPV6:
	case LINK_LINUX_SLL2:
		return true;
	}
	return false;
}

static bool is_ip_ethertype(uint16_t type)
{
	return type == 0x0800 || type == 0x86dd;
}

/* The IP datagram inside a frame of link type t: its offset, or -1 when
 * the frame carries something else (or is too short to say).
 */
static long ip_offset(uint32_t t, const uint8_t *f, size_t len)
{
	size_t off;
	uint32_t family;

	switch (t) {
	case LINK_RAW: case LINK_RAW_OPENBSD: case LINK_RAW_BSD:
	case LINK_IPV4: case LINK_IPV6:
		return 0;
	case LINK_NULL: case LINK_LOOP:
		if (len < 4)
			return -1;
		/* NULL is in the capturing host's order, LOOP in network
		 * order: AF_INET is 2 everywhere, AF_INET6 24, 28 or 30.
		 */
		family = t == LINK_LOOP ? wire_get32(f) :
			(f[0] ? f[0] : f[3]);
		return family == 2 || family == 24 || family == 28 ||
			family == 30 ? 4 : -1;
	case LINK_ETHERNET:
		off = 12;
		while (off + 2 <= len && (wire_get16(f + off) == 0x8100 ||
					  wire_get16(f + off) == 0x88a8))
			off += 4;
		if (off + 2 > len || !is_ip_ethertype(wire_get16(f + off)))
			return -1;
		return (long)off + 2;
	case LINK_LINUX_SLL:
		return len >= 16 && is_ip_ethertype(wire_get16(f + 14)) ?
			16 : -1;
	case LINK_LINUX_SLL2:
		return len >= 20 && is_ip_ethertype(wire_get16(f)) ? 20 : -1;
	}
	return -1;
}

static int open_pcap(struct capture_reader *r, struct error *err)
{
	uint32_t magic = le32(r->buf);
	uint16_t major;

	r->swapped = magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS;
	magic = get32(r, r->buf);
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS)
		return error_set(err, "not a pcap or pcapng file (magic "
				 "0x%08x)", le32(r->buf));
	if (r->len < PCAP_HEADER_LEN)
		return error_set(err, "truncated pcap file header: %zu of %d "
				 "bytes", r->len, PCAP_HEADER_LEN);
	major = get16(r, r->buf + 4);
	if (major != 2)
		return error_set(err, "pcap version %u.%u is not 2.4", major,
				 get16(r, r->buf + 6));
	r->ns_per_unit = magic == PCAP_MAGIC_NS ? 1 : 1000;
	r->link_type = get32(r, r->buf + 20) & 0xffff;
	if (!link_type_known(r->link_type))
		return error_set(err, "pcap link type %u is not one tcpcheck "
				 "reads (raw IP, Ethernet, Linux cooked, "
				 "loopback)", r->link_type);
	r->off = PCAP_HEADER_LEN;
	return 0;
}

int capture_reader_open(struct capture_reader *r, const uint8_t *buf,
			size_t len, struct error *err)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	if (len < 4)
		return error_set(err, "not a pcap or pcapng file: %zu bytes",
				 len);
	if (le32(buf) == PCAPNG_SHB) {
		r->pcapng = true;
		return 0;	/* the section header is read as a block */
	}
	return open_pcap(r, err);
}

static int finish(struct capture_reader *r, uint32_t link,
		  const uint8_t *frame, size_t caplen, size_t origlen,
		  uint64_t time_ns, struct capture_packet *p)
{
	long off = ip_offset(link, frame, caplen);

	r->frames++;
	if (off < 0 || (size_t)off >= caplen) {
		r->skipped++;
		return 0;
	}
	p->time_ns = time_ns;
	p->ip = frame + off;
	p->len = caplen - (size_t)off;
	p->truncated = caplen < origlen;
	return 1;
}

static int next_pcap(struct capture_reader *r, struct capture_packet *p,
		     struct error *err)
{
	while (r->off < r->len) {
		size_t have = r->len - r->off;
		const uint8_t *h = r->buf + r->off;
		uint32_t caplen, origlen;
		uint64_t t;

		if (have < PCAP_RECORD_LEN)
			return error_set(err, "truncated pcap record header at "
					 "offset %zu: %zu of %d bytes", r->off,
					 have, PCAP_RECORD_LEN);
		caplen = get32(r, h + 8);
		origlen = get32(r, h + 12);
		if (caplen > have - PCAP_RECORD_LEN)
			return error_set(err, "truncated pcap record at offset "
					 "%zu: %u bytes captured, %zu in the "
					 "file", r->off, caplen,
					 have - PCAP_RECORD_LEN);
		t = (uint64_t)get32(r, h) * 1000000000u +
		    (uint64_t)get32(r, h + 4) * r->ns_per_unit;
		r->off += PCAP_RECORD_LEN + caplen;
		if (finish(r, r->link_type, h + PCAP_RECORD_LEN, caplen,
			   origlen, t, p))
			return 1;
	}
	return 0;
}


/* if_tsresol: 10^-n seconds, or 2^-n with the high bit set. */
static uint64_t units_per_second(uint8_t tsresol)
{
	uint64_t units = 1;
	unsigned n = tsresol & 0x7f;

	if (tsresol & 0x80)
		return n < 63 ? (uint64_t)1 << n : 0;
	while (n-- && units <= UINT64_MAX / 10)
		units *= 10;
	return units;
}

static int read_idb(struct capture_reader *r, const uint8_t *body,
		    size_t len, struct error *err)
{
	size_t off = 8;
	int i = r->interface_count;

	if (len < 8)
		return error_set(err, "truncated pcapng interface block at "
				 "offset %zu", r->off);
	if (i == CAPTURE_INTERFACES_MAX)
		return error_set(err, "pcapng section at offset %zu has more "
				 "than %d interfaces", r->off,
				 CAPTURE_INTERFACES_MAX);
	r->interfaces[i].link_type = get16(r, body);
	if (!link_type_known(r->interfaces[i].link_type))
		return error_set(err, "pcapng interface %d has link type %u, "
				 "not one tcpcheck reads (raw IP, Ethernet, "
				 "Linux cooked, loopback)", i,
				 r->interfaces[i].link_type);
	r->interfaces[i].units_per_s = 1000000;
	/* options: code, length, value padded to 4 */
	while (off + 4 <= len) {
		uint16_t code = get16(r, body + off);
		uint16_t olen = get16(r, body + off + 2);

		if (code == 0)
			break;
		if (olen > len - off - 4)
			return error_set(err, "pcapng interface option %u at "
					 "offset %zu runs past its block",
					 code, r->off + 8 + off);
		if (code == PCAPNG_OPT_TSRESOL && olen >= 1)
			r->interfaces[i].units_per_s =
				units_per_second(body[off + 4]);
		off += 4 + (((size_t)olen + 3) & ~(size_t)3);
	}
	if (!r->interfaces[i].units_per_s)
		return error_set(err, "pcapng interface %d has an unusable "
				 "timestamp resolution", i);
	r->interface_count++;
	return 0;
}

static int read_shb(struct capture_reader *r, const uint8_t *block,
		    size_t have, struct error *err)
{
	uint32_t bom;

	if (have < 28)
		return error_set(err, "truncated pcapng section header at "
				 "offset %zu: %zu of 28 bytes", r->off, have);
	bom = le32(block + 8);
	if (bom != PCAPNG_BOM && wire_get32(block + 8) != PCAPNG_BOM)
		return error_set(err, "pcapng section header at offset %zu "
				 "has no byte-order magic", r->off);
	r->swapped = bom != PCAPNG_BOM;
	if (get16(r, block + 12) != 1)
		return error_set(err, "pcapng version %u is not 1",
				 get16(r, block + 12));
	r->interface_count = 0;
	return 0;
}

static int read_packet_block(struct capture_reader *r, uint32_t type,
			     const uint8_t *body, size_t len,
			     struct capture_packet *p, struct error *err)
{
	uint32_t id = 0, caplen, origlen;
	size_t head = type == PCAPNG_EPB ? 20 : 4;
	uint64_t ts = 0, ns;

	if (len < head)
		return error_set(err, "truncated pcapng packet block at "
				 "offset %zu", r->off);
	if (type == PCAPNG_EPB) {
		id = get32(r, body);
		ts = (uint64_t)get32(r, body + 4) << 32 | get32(r, body + 8);
		caplen = get32(r, body + 12);
		origlen = get32(r, body + 16);
	} else {
		origlen = get32(r, body);
		caplen = (uint32_t)(len - head) < origlen ?
			(uint32_t)(len - head) : origlen;
	}
	if ((int)id >= r->interface_count || id >= CAPTURE_INTERFACES_MAX)
		return error_set(err, "pcapng packet block at offset %zu names "
				 "interface %u, not described before it",
				 r->off, id);
	if (caplen > len - head)
		return error_set(err, "pcapng packet block at offset %zu: %u "
				 "bytes captured, %zu in the block", r->off,
				 caplen, len - head);
	ns = ts / r->interfaces[id].units_per_s * 1000000000u +
	     ts % r->interfaces[id].units_per_s * 1000000000u /
	     r->interfaces[id].units_per_s;
	return finish(r, r->interfaces[id].link_type, body + head, caplen,
		      origlen, ns, p);
}

static int next_pcapng(struct capture_reader *r, struct capture_packet *p,
		       struct error *err)
{
	while (r->off < r->len) {
		size_t have = r->len - r->off;
		const uint8_t *b = r->buf + r->off;
		uint32_t type, total;
		int rc = 0;

		if (have < 12)
			return error_set(err, "truncated pcapng block at offset "
					 "%zu: %zu of 12 bytes", r->off, have);
		type = le32(b);
		if (type == PCAPNG_SHB && read_shb(r, b, have, err) < 0)
			return -1;
		total = get32(r, b + 4);
		if (total < 12 || total % 4 || total > have)
			return error_set(err, "pcapng block at offset %zu has "
					 "length %u (%zu bytes left)", r->off,
					 total, have);
		type = get32(r, b);
		if (type == PCAPNG_IDB)
			rc = read_idb(r, b + 8, total - 12, err);
		else if (type == PCAPNG_EPB || type == PCAPNG_SPB)
			rc = read_packet_block(r, type, b + 8, total - 12, p,
					       err);
		if (rc < 0)
			return -1;
		r->off += total;
		if (rc == 1)
			return 1;
	}
	return 0;
}

int capture_reader_next(struct capture_reader *r, struct capture_packet *p,
			struct error *err)
{
	return r->pcapng ? next_pcapng(r, p, err) : next_pcap(r, p, err);
}
