/*
 * frame.h - the channel between a guest and its host: framed records.
 *
 * The guest's tcpcheck writes, on a virtio-serial port, a byte stream of
 * frames; the host reads it through a socket and must not trust it (a
 * dying guest can cut a frame short, a broken kernel can write garbage).
 * A frame is
 *     magic "\x7fTCF" | type (1 byte) | length (4 bytes, big-endian)
 *     | payload (length bytes) | CRC-32 of type, length and payload
 * and the reader resynchronises on the next magic after anything that is
 * not a whole, correct frame.  A payload is a list of fields, each
 *     tag (1 byte) | length (4 bytes, big-endian) | bytes.
 */
#ifndef TCPCHECK_VM_FRAME_H
#define TCPCHECK_VM_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAGIC "\x7fTCF"
#define FRAME_HEADER 9			/* magic, type, length */
#define FRAME_MAX_PAYLOAD (16u << 20)	/* larger: not a frame */

enum frame_type {
	FRAME_HELLO = 'H',	/* the guest is up: uname */
	FRAME_START = 'S',	/* a script began: path, family */
	FRAME_STDOUT = 'O',	/* bytes the guest wrote to its output */
	FRAME_STDERR = 'E',	/* ... and to its error output */
	FRAME_FILE = 'F',	/* a capture kept: name, bytes */
	FRAME_RESULT = 'R',	/* a script's result: fields */
	FRAME_END = 'Z',	/* the suite is over: summary fields */
};

/* A growable byte buffer. */
struct frame_buf {
	uint8_t *data;
	size_t len, cap;
};

int frame_buf_put(struct frame_buf *b, const void *data, size_t len);
void frame_buf_free(struct frame_buf *b);

/* Append one field to a payload being built. */
int frame_field_put(struct frame_buf *payload, uint8_t tag, const void *data,
		    size_t len);
int frame_field_str(struct frame_buf *payload, uint8_t tag, const char *s);
int frame_field_int(struct frame_buf *payload, uint8_t tag, int64_t v);

/* Append a whole frame around payload to out. */
int frame_encode(struct frame_buf *out, uint8_t type, const uint8_t *payload,
		 size_t len);

/* Fields of a payload, one by one: 1 and *tag, *data, *len set; 0 at the
 * end; -1 when the payload is malformed.
 */
struct field_iter {
	const uint8_t *p;
	size_t left;
};

int field_next(struct field_iter *it, uint8_t *tag, const uint8_t **data,
	       size_t *len);
/* A field's bytes as a number written by frame_field_int; false if not. */
bool field_int(const uint8_t *data, size_t len, int64_t *out);

/* The reader: feed bytes as they come, take frames out. */
struct frame_reader {
	struct frame_buf in;
	size_t skipped;		/* bytes dropped while resynchronising */
	size_t pending;		/* the frame last handed out */
};

int frame_reader_feed(struct frame_reader *r, const void *data, size_t len);
/* 1 and a frame (payload points into the reader, valid until the next
 * feed or next call), or 0 when no whole frame is buffered.
 */
int frame_reader_next(struct frame_reader *r, uint8_t *type,
		      const uint8_t **payload, size_t *len);
void frame_reader_free(struct frame_reader *r);

uint32_t frame_crc32(const uint8_t *data, size_t len);

#endif /* TCPCHECK_VM_FRAME_H */
