/*
 * proto.c - frames, fields and the handshake's MACs (see proto.h).
 * Plain POSIX: built into tcpcheck and into tcpcheck-agent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

#define TAG_INT 'i'
#define TAG_BYTES 'b'

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

int proto_header_parse(const uint8_t *bytes, struct proto_header *h)
{
	if (bytes[0] != 'T' || bytes[1] != 'C' || bytes[2] != PROTO_VERSION)
		return -1;
	h->type = bytes[3];
	h->id = get32(bytes + 4);
	h->length = get32(bytes + 8);
	if (h->type < PROTO_HELLO || h->type > PROTO_BYE ||
	    h->length > PROTO_MAX_PAYLOAD)
		return -1;
	return 0;
}

static void reserve(struct proto_buf *b, size_t more)
{
	size_t want = b->len + more + SHA256_LEN;
	uint8_t *grown;

	if (b->failed || want <= b->cap)
		return;
	if (want > PROTO_MAX_PAYLOAD + PROTO_HEADER_LEN + SHA256_LEN) {
		b->failed = true;
		return;
	}
	grown = realloc(b->data, want * 2);
	if (!grown) {
		b->failed = true;
		return;
	}
	b->data = grown;
	b->cap = want * 2;
}

void proto_buf_init(struct proto_buf *b)
{
	memset(b, 0, sizeof(*b));
	reserve(b, PROTO_HEADER_LEN + 64);
	b->len = PROTO_HEADER_LEN;
}

void proto_buf_free(struct proto_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void proto_put_int(struct proto_buf *b, int64_t v)
{
	uint64_t u = (uint64_t)v;

	reserve(b, 9);
	if (b->failed)
		return;
	b->data[b->len++] = TAG_INT;
	put32(b->data + b->len, (uint32_t)(u >> 32));
	put32(b->data + b->len + 4, (uint32_t)u);
	b->len += 8;
}

void proto_put_bytes(struct proto_buf *b, const void *data, size_t len)
{
	reserve(b, 5 + len);
	if (b->failed)
		return;
	b->data[b->len++] = TAG_BYTES;
	put32(b->data + b->len, (uint32_t)len);
	if (len)
		memcpy(b->data + b->len + 4, data, len);
	b->len += 4 + len;
}

void proto_reader_init(struct proto_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->left = len;
	r->bad = false;
}

int proto_get_int(struct proto_reader *r, int64_t *v)
{
	if (r->bad || r->left < 9 || r->p[0] != TAG_INT) {
		r->bad = true;
		return -1;
	}
	*v = (int64_t)((uint64_t)get32(r->p + 1) << 32 | get32(r->p + 5));
	r->p += 9;
	r->left -= 9;
	return 0;
}

int proto_get_range(struct proto_reader *r, int64_t lo, int64_t hi,
		    int64_t *v)
{
	if (proto_get_int(r, v) < 0)
		return -1;
	if (*v < lo || *v > hi) {
		r->bad = true;
		return -1;
	}
	return 0;
}

int proto_get_bytes(struct proto_reader *r, const uint8_t **p, size_t *len)
{
	uint32_t n;

	if (r->bad || r->left < 5 || r->p[0] != TAG_BYTES) {
		r->bad = true;
		return -1;
	}
	n = get32(r->p + 1);
	if (n > r->left - 5) {
		r->bad = true;
		return -1;
	}
	*p = r->p + 5;
	*len = n;
	r->p += 5 + n;
	r->left -= 5 + n;
	return 0;
}

static void frame_mac(const struct proto_channel *c, uint64_t counter,
		      const uint8_t *frame, size_t len, uint8_t mac[SHA256_LEN])
{
	struct hmac_sha256 h;
	uint8_t count[8];

	for (int i = 0; i < 8; i++)
		count[i] = (uint8_t)(counter >> (56 - 8 * i));
	hmac_sha256_init(&h, c->key, sizeof(c->key));
	hmac_sha256_update(&h, count, sizeof(count));
	hmac_sha256_update(&h, frame, len);
	hmac_sha256_final(&h, mac);
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int proto_send(struct proto_channel *c, uint8_t type, uint32_t id,
	       struct proto_buf *b)
{
	size_t payload = b->len - PROTO_HEADER_LEN;

	if (b->failed || !b->data) {
		errno = EMSGSIZE;
		return -1;
	}
	b->data[0] = 'T';
	b->data[1] = 'C';
	b->data[2] = PROTO_VERSION;
	b->data[3] = type;
	put32(b->data + 4, id);
	put32(b->data + 8, (uint32_t)payload);
	if (c->keyed)
		frame_mac(c, c->sent++, b->data, b->len, b->data + b->len);
	return write_all(c->fd, b->data,
			 b->len + (c->keyed ? SHA256_LEN : 0));
}

/* Exactly len bytes; -1 with errno, 0 errno at a clean end of file. */
static int read_all(int fd, uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = 0;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int proto_recv(struct proto_channel *c, struct proto_header *h,
	       uint8_t **payload)
{
	uint8_t *frame, mac[SHA256_LEN];
	size_t tail = c->keyed ? SHA256_LEN : 0;

	*payload = NULL;
	frame = malloc(PROTO_HEADER_LEN);
	if (!frame)
		return -1;
	if (read_all(c->fd, frame, PROTO_HEADER_LEN) < 0)
		goto fail;
	if (proto_header_parse(frame, h) < 0) {
		errno = EPROTO;
		goto fail;
	}
	uint8_t *grown = realloc(frame, PROTO_HEADER_LEN + h->length + tail);
	if (!grown)
		goto fail;
	frame = grown;
	if (read_all(c->fd, frame + PROTO_HEADER_LEN, h->length + tail) < 0)
		goto fail;
	if (c->keyed) {
		frame_mac(c, c->received++, frame, PROTO_HEADER_LEN + h->length,
			  mac);
		if (!sha256_equal(mac, frame + PROTO_HEADER_LEN + h->length,
				  SHA256_LEN)) {
			errno = EPROTO;
			goto fail;
		}
	}
	memmove(frame, frame + PROTO_HEADER_LEN, h->length);
	*payload = frame;
	return 0;
fail:
	free(frame);
	return -1;
}

void proto_auth_mac(const uint8_t *secret, size_t secret_len,
		    const char *label, const uint8_t *a, const uint8_t *b,
		    uint8_t mac[SHA256_LEN])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, secret, secret_len);
	hmac_sha256_update(&h, "tcpcheck-agent 1 ", 17);
	hmac_sha256_update(&h, label, strlen(label) + 1);
	hmac_sha256_update(&h, a, PROTO_NONCE_LEN);
	hmac_sha256_update(&h, b, PROTO_NONCE_LEN);
	hmac_sha256_final(&h, mac);
}

int proto_read_secret(const char *path, uint8_t *secret, size_t *len,
		      char *why, size_t why_size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		snprintf(why, why_size, "cannot read %s: %s", path,
			 strerror(errno));
		return -1;
	}
	n = read(fd, secret, PROTO_SECRET_MAX);
	close(fd);
	if (n < 0) {
		snprintf(why, why_size, "cannot read %s: %s", path,
			 strerror(errno));
		return -1;
	}
	while (n > 0 && (secret[n - 1] == '\n' || secret[n - 1] == '\r'))
		n--;
	if (n < PROTO_SECRET_MIN) {
		snprintf(why, why_size, "%s holds %zd bytes: a secret needs "
			 "%d at least", path, n, PROTO_SECRET_MIN);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

int proto_random(uint8_t *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY);
	int rc;

	if (fd < 0)
		return -1;
	rc = read_all(fd, buf, len);
	close(fd);
	return rc;
}
