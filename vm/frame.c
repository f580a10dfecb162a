/*
 * frame.c - encoding and reading the guest channel's frames (frame.h).
 */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

uint32_t frame_crc32(const uint8_t *data, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

int frame_buf_put(struct frame_buf *b, const void *data, size_t len)
{
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *grown;

		while (cap - b->len < len) {
			if (cap > SIZE_MAX / 2)
				return -1;
			cap *= 2;
		}
		grown = realloc(b->data, cap);
		if (!grown)
			return -1;
		b->data = grown;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

void frame_buf_free(struct frame_buf *b)
{
	free(b->data);
	*b = (struct frame_buf){ 0 };
}

int frame_field_put(struct frame_buf *payload, uint8_t tag, const void *data,
		    size_t len)
{
	uint8_t head[5];

	if (len > FRAME_MAX_PAYLOAD)
		return -1;
	head[0] = tag;
	put_be32(head + 1, (uint32_t)len);
	if (frame_buf_put(payload, head, sizeof(head)) < 0)
		return -1;
	return frame_buf_put(payload, data, len);
}

int frame_field_str(struct frame_buf *payload, uint8_t tag, const char *s)
{
	return s ? frame_field_put(payload, tag, s, strlen(s)) : 0;
}

int frame_field_int(struct frame_buf *payload, uint8_t tag, int64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	return frame_field_put(payload, tag, b, sizeof(b));
}

bool field_int(const uint8_t *data, size_t len, int64_t *out)
{
	uint64_t v = 0;

	if (len != 8)
		return false;
	for (int i = 0; i < 8; i++)
		v = v << 8 | data[i];
	*out = (int64_t)v;
	return true;
}

int frame_encode(struct frame_buf *out, uint8_t type, const uint8_t *payload,
		 size_t len)
{
	uint8_t head[FRAME_HEADER], tail[4];
	uint32_t crc;
	size_t start = out->len;

	if (len > FRAME_MAX_PAYLOAD)
		return -1;
	memcpy(head, FRAME_MAGIC, 4);
	head[4] = type;
	put_be32(head + 5, (uint32_t)len);
	if (frame_buf_put(out, head, sizeof(head)) < 0 ||
	    frame_buf_put(out, payload, len) < 0)
		return -1;
	crc = frame_crc32(out->data + start + 4, len + 5);
	put_be32(tail, crc);
	return frame_buf_put(out, tail, sizeof(tail));
}

int field_next(struct field_iter *it, uint8_t *tag, const uint8_t **data,
	       size_t *len)
{
	uint32_t n;

	if (it->left == 0)
		return 0;
	if (it->left < 5)
		return -1;
	n = get_be32(it->p + 1);
	if (n > it->left - 5)
		return -1;
	*tag = it->p[0];
	*data = it->p + 5;
	*len = n;
	it->p += 5 + n;
	it->left -= 5 + n;
	return 1;
}

/* Drop the first n buffered bytes. */
static void consume(struct frame_reader *r, size_t n)
{
	if (n == 0)
		return;
	memmove(r->in.data, r->in.data + n, r->in.len - n);
	r->in.len -= n;
}

int frame_reader_feed(struct frame_reader *r, const void *data, size_t len)
{
	consume(r, r->pending);
	r->pending = 0;
	return frame_buf_put(&r->in, data, len);
}

/* Where the next magic (or a prefix of it at the end) starts. */
static size_t find_magic(const struct frame_buf *b, size_t from)
{
	for (size_t i = from; i < b->len; i++) {
		size_t n = b->len - i < 4 ? b->len - i : 4;

		if (!memcmp(b->data + i, FRAME_MAGIC, n))
			return i;
	}
	return b->len;
}

int frame_reader_next(struct frame_reader *r, uint8_t *type,
		      const uint8_t **payload, size_t *len)
{
	consume(r, r->pending);
	r->pending = 0;
	for (;;) {
		size_t at = find_magic(&r->in, 0);
		uint32_t n;

		r->skipped += at;
		consume(r, at);
		if (r->in.len < FRAME_HEADER)
			return 0;
		n = get_be32(r->in.data + 5);
		if (n > FRAME_MAX_PAYLOAD) {
			r->skipped++;
			consume(r, 1);
			continue;
		}
		if (r->in.len < FRAME_HEADER + (size_t)n + 4)
			return 0;
		if (frame_crc32(r->in.data + 4, (size_t)n + 5) !=
		    get_be32(r->in.data + FRAME_HEADER + n)) {
			r->skipped++;
			consume(r, 1);
			continue;
		}
		/* Hand it out, and drop it on the next call. */
		*type = r->in.data[4];
		*payload = r->in.data + FRAME_HEADER;
		*len = n;
		r->pending = FRAME_HEADER + (size_t)n + 4;
		return 1;
	}
}

void frame_reader_free(struct frame_reader *r)
{
	frame_buf_free(&r->in);
}
