/*
 * report_wire.h - a runner's failure as it crosses the pipe to the parent.
 *
 * The runner is a child process (session.c); its struct error goes back
 * as one record: a fixed little-endian header with the fields (version,
 * kind, line, the text's length), then the text.  The parent decodes it
 * without trusting it: a runner that crashed halfway may leave a record
 * cut short, and anything else on the pipe is garbage; either gives a
 * plain error, never a crash or a read past the bytes received.
 *
 *   offset  size  field
 *        0     4  magic "TCKR"
 *        4     1  version (REPORT_WIRE_VERSION)
 *        5     1  kind (enum failure_kind)
 *        6     2  reserved, 0 (a reader refuses anything else)
 *        8     4  line (unsigned)
 *       12     4  length of the text that follows (< ERROR_TEXT_MAX)
 *       16     -  the text, without a terminating NUL
 */
#ifndef TCPCHECK_REPORT_WIRE_H
#define TCPCHECK_REPORT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define REPORT_WIRE_VERSION 1
#define REPORT_WIRE_HEADER 16
/* The most a record can take: what a reader's buffer needs. */
#define REPORT_WIRE_MAX (REPORT_WIRE_HEADER + ERROR_TEXT_MAX)

/* Write err as a record into buf (REPORT_WIRE_MAX bytes are enough);
 * returns its length, or 0 when size is too small.
 */
size_t report_wire_encode(const struct error *err, uint8_t *buf, size_t size);

/* Read a record of len bytes into *out.  0, or -1 when it is cut short,
 * of another version or not a record at all: *out then holds a message
 * that says so (kind FAILURE_ENVIRONMENT, no line).
 */
int report_wire_decode(const uint8_t *buf, size_t len, struct error *out);

#endif /* TCPCHECK_REPORT_WIRE_H */
