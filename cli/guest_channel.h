/*
 * guest_channel.h - script results as frames on the guest channel, both
 * ways: the guest's writer (a reporter) and the host's reader.
 *
 * Inside a guest booted by --kernel, tcpcheck plays its share of the
 * scripts like any suite, with one report writer: this one, which sends
 * each result, capture and stretch of output to the host as frames
 * (vm/frame.h).  The host turns the frames back into script_results for
 * its own writers, so every output format works unchanged.
 */
#ifndef TCPCHECK_GUEST_CHANNEL_H
#define TCPCHECK_GUEST_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* Result field tags. */
enum {
	FIELD_PATH = 'p', FIELD_FAMILY = 'f', FIELD_STATUS = 's',
	FIELD_DURATION_US = 'd', FIELD_LINE = 'l', FIELD_MESSAGE = 'm',
	FIELD_CAPTURE = 'c', FIELD_ATTEMPTS = 'a', FIELD_TIMED_OUT = 't',
	FIELD_SPAWNED = '0', FIELD_FIRST = '1', FIELD_LAST = '2',
	FIELD_EXITED = '3', FIELD_SKIP_ALL = 'k', FIELD_INTERRUPTED = 'i',
	FIELD_DATA = 'x', FIELD_NAME = 'n',
};

/* The guest's writer: frames to fd; out_path and err_path are the files
 * its standard output and error go to, forwarded as they grow.
 */
struct reporter *report_channel_new(int fd, const char *out_path,
				    const char *err_path);
/* Send one frame on fd (the guest side, blocking). */
int channel_send(int fd, uint8_t type, const uint8_t *payload, size_t len);

/* The host's reading of a RESULT frame: strings point into the payload
 * copies kept in *store (free with free()).  -1 when malformed.
 */
int channel_result_decode(const uint8_t *payload, size_t len,
			  struct script_result *res, char **store);

#endif /* TCPCHECK_GUEST_CHANNEL_H */
