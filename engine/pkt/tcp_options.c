/*
 * tcp_options.c - TCP option items to and from wire bytes, and the script
 * notation for flags (see packet.h).
 *
 * Decoding is strict about the lengths RFCs fix, because a conformance
 * tester must report a malformed option rather than guess; kinds it does
 * not know are kept as opaque bytes so that they can still be compared.
 */
#include "config.h"
#include "pkt/wire.h"

#include <stdio.h>
#include <string.h>

#include "pkt/packet.h"

const char *tcp_option_name(uint8_t kind)
{
	switch (kind) {
	case TCPOPT_KIND_EOL:
		return "EOL";
	case TCPOPT_KIND_NOP:
		return "NOP";
	case TCPOPT_KIND_MSS:
		return "MSS";
	case TCPOPT_KIND_WSCALE:
		return "WSCALE";
	case TCPOPT_KIND_SACK_PERMITTED:
		return "SACKOK";
	case TCPOPT_KIND_SACK:
		return "SACK";
	case TCPOPT_KIND_TIMESTAMP:
		return "TS";
	case TCPOPT_KIND_MD5:
		return "MD5";
	case TCPOPT_KIND_FAST_OPEN:
		return "FO";
	case TCPOPT_KIND_EXP:
		return "EXP";
	case TCPOPT_KIND_ACCECN0:
	case TCPOPT_KIND_ACCECN1:
		return "ECN";
	}
	return NULL;
}

/* "MSS" or "kind 77", for messages. */
static const char *option_label(uint8_t kind, char *buf, size_t size)
{
	const char *name = tcp_option_name(kind);

	if (name)
		return name;
	snprintf(buf, size, "kind %u", kind);
	return buf;
}

/* The wire length of item, or -1 with err if it cannot be encoded. */
static int item_length(const struct tcp_opt_item *item, int index,
		       struct error *err)
{
	switch (item->kind) {
	case TCPOPT_KIND_EOL:
	case TCPOPT_KIND_NOP:
		return 1;
	case TCPOPT_KIND_MSS:
		return 4;
	case TCPOPT_KIND_WSCALE:
		if (item->any_value)
			return error_set(err, "TCP option %d: wscale * has no "
					 "shift count to send", index);
		return 3;
	case TCPOPT_KIND_SACK_PERMITTED:
		return 2;
	case TCPOPT_KIND_TIMESTAMP:
		return 10;
	case TCPOPT_KIND_SACK:
		if (item->u.sack.count < 1 ||
		    item->u.sack.count > TCPOPT_SACK_BLOCKS_MAX)
			return error_set(err,
					 "TCP option %d: SACK with %d blocks, expected 1 to %d",
					 index, item->u.sack.count,
					 TCPOPT_SACK_BLOCKS_MAX);
		return 2 + 8 * item->u.sack.count;
	case TCPOPT_KIND_EXP:
		if (item->u.data.len > TCPOPT_DATA_MAX - 2)
			return error_set(err,
					 "TCP option %d: EXP data of %u bytes, at most %d fit",
					 index, item->u.data.len,
					 TCPOPT_DATA_MAX - 2);
		return 4 + item->u.data.len;
	default:
		if (item->u.data.len > TCPOPT_DATA_MAX)
			return error_set(err,
					 "TCP option %d: data of %u bytes, at most %d fit",
					 index, item->u.data.len, TCPOPT_DATA_MAX);
		return 2 + item->u.data.len;
	}
}

/* Write item's body (everything after kind and length) at p. */
static void put_body(const struct tcp_opt_item *item, uint8_t *p)
{
	int i;

	switch (item->kind) {
	case TCPOPT_KIND_MSS:
		wire_put16(p, item->u.mss);
		break;
	case TCPOPT_KIND_WSCALE:
		p[0] = item->u.wscale;
		break;
	case TCPOPT_KIND_SACK_PERMITTED:
		break;
	case TCPOPT_KIND_TIMESTAMP:
		wire_put32(p, item->u.ts.val);
		wire_put32(p + 4, item->u.ts.ecr);
		break;
	case TCPOPT_KIND_SACK:
		for (i = 0; i < item->u.sack.count; i++) {
			wire_put32(p + 8 * i, item->u.sack.blocks[i].left);
			wire_put32(p + 8 * i + 4, item->u.sack.blocks[i].right);
		}
		break;
	case TCPOPT_KIND_EXP:
		wire_put16(p, item->u.data.magic);
		memcpy(p + 2, item->u.data.bytes, item->u.data.len);
		break;
	default:
		memcpy(p, item->u.data.bytes, item->u.data.len);
		break;
	}
}

int tcp_options_encode(const struct tcp_opt_item *items, int count,
		       uint8_t *out, size_t cap, size_t *len,
		       struct error *err)
{
	size_t used = 0, padded;
	int i, n;

	for (i = 0; i < count; i++) {
		n = item_length(&items[i], i, err);
		if (n < 0)
			return -1;
		used += (size_t)n;
	}
	if (used > TCP_OPTIONS_MAX)
		return error_set(err, "TCP options take %zu bytes, more than %d",
				 used, TCP_OPTIONS_MAX);
	padded = (used + 3) & ~(size_t)3;
	if (padded > cap)
		return error_set(err,
				 "TCP options need %zu bytes, the buffer has %zu",
				 padded, cap);

	used = 0;
	for (i = 0; i < count; i++) {
		n = item_length(&items[i], i, err);
		out[used] = items[i].kind;
		if (n > 1) {
			out[used + 1] = (uint8_t)n;
			put_body(&items[i], out + used + 2);
		}
		used += (size_t)n;
	}
	memset(out + used, TCPOPT_KIND_EOL, padded - used);
	*len = padded;
	return 0;
}

/* The length an RFC fixes for kind, 0 if it is variable. */
static int fixed_length(uint8_t kind)
{
	switch (kind) {
	case TCPOPT_KIND_MSS:
		return 4;
	case TCPOPT_KIND_WSCALE:
		return 3;
	case TCPOPT_KIND_SACK_PERMITTED:
		return 2;
	case TCPOPT_KIND_TIMESTAMP:
		return 10;
	}
	return 0;
}

/* Check the length byte of the option of `kind` at `off` against its kind. */
static int check_length(uint8_t kind, size_t off, int n, struct error *err)
{
	char label[16];
	int want = fixed_length(kind);

	if (want && n != want)
		return error_set(err,
				 "TCP option %s at offset %zu has length %d, expected %d",
				 option_label(kind, label, sizeof(label)), off, n,
				 want);
	if (kind == TCPOPT_KIND_SACK &&
	    (n < 10 || (n - 2) % 8 || n > 2 + 8 * TCPOPT_SACK_BLOCKS_MAX))
		return error_set(err,
				 "TCP option SACK at offset %zu has length %d, expected 2+8n with n = 1 to %d",
				 off, n, TCPOPT_SACK_BLOCKS_MAX);
	if (kind == TCPOPT_KIND_EXP && n < 4)
		return error_set(err,
				 "TCP option EXP at offset %zu has length %d, below the 4 that hold its ExID",
				 off, n);
	return 0;
}

/* Fill item's body from the n wire bytes at p (kind and length checked). */
static void get_body(struct tcp_opt_item *item, const uint8_t *p, int n)
{
	int i;

	switch (item->kind) {
	case TCPOPT_KIND_MSS:
		item->u.mss = wire_get16(p + 2);
		break;
	case TCPOPT_KIND_WSCALE:
		item->u.wscale = p[2];
		break;
	case TCPOPT_KIND_SACK_PERMITTED:
		break;
	case TCPOPT_KIND_TIMESTAMP:
		item->u.ts.val = wire_get32(p + 2);
		item->u.ts.ecr = wire_get32(p + 6);
		break;
	case TCPOPT_KIND_SACK:
		item->u.sack.count = (n - 2) / 8;
		for (i = 0; i < item->u.sack.count; i++) {
			item->u.sack.blocks[i].left = wire_get32(p + 2 + 8 * i);
			item->u.sack.blocks[i].right = wire_get32(p + 6 + 8 * i);
		}
		break;
	case TCPOPT_KIND_EXP:
		item->u.data.magic = wire_get16(p + 2);
		item->u.data.len = (uint8_t)(n - 4);
		memcpy(item->u.data.bytes, p + 4, (size_t)(n - 4));
		break;
	default:
		/* n <= TCP_OPTIONS_MAX is enforced by the caller. */
		item->u.data.len = (uint8_t)(n - 2);
		memcpy(item->u.data.bytes, p + 2, (size_t)(n - 2));
		break;
	}
}

/* Record the bytes after an EOL at off. */
static void get_eol(struct tcp_opt_item *item, const uint8_t *in, size_t off,
		    size_t len)
{
	size_t i;

	item->u.eol.padding = (uint8_t)(len - off - 1);
	item->u.eol.padding_nonzero = false;
	for (i = off + 1; i < len; i++)
		if (in[i])
			item->u.eol.padding_nonzero = true;
}

int tcp_options_decode(const uint8_t *in, size_t len,
		       struct tcp_opt_item *items, int max, int *count,
		       struct error *err)
{
	struct tcp_opt_item *item;
	char label[16];
	size_t off = 0;
	int n = 0, olen;

	if (len > TCP_OPTIONS_MAX)
		return error_set(err, "TCP options of %zu bytes, at most %d fit",
				 len, TCP_OPTIONS_MAX);
	while (off < len) {
		if (n >= max)
			return error_set(err,
					 "more than %d TCP options (next at offset %zu)",
					 max, off);
		item = &items[n++];
		memset(item, 0, sizeof(*item));
		item->kind = in[off];
		if (item->kind == TCPOPT_KIND_EOL) {
			item->length = 1;
			get_eol(item, in, off, len);
			break;
		}
		if (item->kind == TCPOPT_KIND_NOP) {
			item->length = 1;
			off++;
			continue;
		}
		if (off + 1 >= len)
			return error_set(err,
					 "TCP option %s at offset %zu has no length byte",
					 option_label(item->kind, label, sizeof(label)),
					 off);
		olen = in[off + 1];
		if (olen < 2)
			return error_set(err,
					 "TCP option %s at offset %zu has length %d, below 2",
					 option_label(item->kind, label, sizeof(label)),
					 off, olen);
		if (off + (size_t)olen > len)
			return error_set(err,
					 "TCP option %s at offset %zu runs past the end: length %d, %zu bytes left",
					 option_label(item->kind, label, sizeof(label)),
					 off, olen, len - off);
		if (check_length(item->kind, off, olen, err))
			return -1;
		item->length = (uint8_t)olen;
		get_body(item, in + off, olen);
		off += (size_t)olen;
	}
	*count = n;
	return 0;
}

const char *tcp_flags_format(uint16_t flags, char *buf, size_t size)
{
	/* packetdrill prints in tcpdump 4.1.1's order; scripts use it too. */
	static const struct {
		uint16_t bit;
		char c;
	} order[] = {
		{ TCP_FIN, 'F' }, { TCP_SYN, 'S' }, { TCP_RST, 'R' },
		{ TCP_PSH, 'P' }, { TCP_ACK, '.' }, { TCP_URG, 'U' },
		{ TCP_ECE, 'E' }, { TCP_CWR, 'W' }, { TCP_AE, 'A' },
	};
	size_t i, n = 0;

	if (size == 0)
		return buf;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if ((flags & order[i].bit) && n + 1 < size)
			buf[n++] = order[i].c;
	buf[n] = '\0';
	return buf;
}
