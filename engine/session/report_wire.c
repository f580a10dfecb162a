/*
 * report_wire.c - encoding and checking a runner's failure record (see
 * report_wire.h).
 */
#include "config.h"

#include <string.h>

#include "session/report_wire.h"

static const uint8_t magic[4] = { 'T', 'C', 'K', 'R' };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

size_t report_wire_encode(const struct error *err, uint8_t *buf, size_t size)
{
	size_t len = strnlen(err->text, sizeof(err->text) - 1);

	if (size < REPORT_WIRE_HEADER + len)
		return 0;
	memcpy(buf, magic, sizeof(magic));
	buf[4] = REPORT_WIRE_VERSION;
	buf[5] = (uint8_t)err->kind;
	buf[6] = 0;
	buf[7] = 0;
	put32(buf + 8, err->line > 0 ? (uint32_t)err->line : 0);
	put32(buf + 12, (uint32_t)len);
	memcpy(buf + REPORT_WIRE_HEADER, err->text, len);
	return REPORT_WIRE_HEADER + len;
}

int report_wire_decode(const uint8_t *buf, size_t len, struct error *out)
{
	uint32_t line, text_len;

	if (len < REPORT_WIRE_HEADER) {
		error_set(out, "the runner's report was cut short: %zu bytes, "
			  "less than its %d-byte header", len,
			  REPORT_WIRE_HEADER);
		goto bad;
	}
	if (memcmp(buf, magic, sizeof(magic)) != 0) {
		error_set(out, "the runner sent something that is not a "
			  "report (%zu bytes)", len);
		goto bad;
	}
	if (buf[4] != REPORT_WIRE_VERSION || buf[5] >= FAILURE_KIND_COUNT ||
	    buf[6] || buf[7]) {
		error_set(out, "the runner's report is of version %u, kind %u, "
			  "reserved 0x%02x%02x; this tcpcheck reads version %d",
			  buf[4], buf[5], buf[6], buf[7], REPORT_WIRE_VERSION);
		goto bad;
	}
	line = get32(buf + 8);
	text_len = get32(buf + 12);
	if (text_len >= ERROR_TEXT_MAX || line > INT32_MAX ||
	    len != REPORT_WIRE_HEADER + (size_t)text_len) {
		error_set(out, "the runner's report was cut short or garbled: "
			  "%zu bytes for a %u-byte text", len, text_len);
		goto bad;
	}
	memcpy(out->text, buf + REPORT_WIRE_HEADER, text_len);
	out->text[text_len] = '\0';
	out->line = (int)line;
	out->kind = (enum failure_kind)buf[5];
	return 0;
bad:
	error_locate(out, 0, FAILURE_ENVIRONMENT);
	return -1;
}
