/*
 * capture.h - a pcap file of every packet that crossed the test device.
 *
 * The runner of a script can record, next to its packet path, what went
 * through the device in both directions: the segments the script injected
 * and the ones the stack sent, with the kernel's nanosecond timestamps.
 * The recording is kept in memory by a thread of ordinary priority, which
 * never competes with the timed part of a run, and written to a file when
 * the run is over, only if the file is wanted.
 */
#ifndef TCPCHECK_CAPTURE_H
#define TCPCHECK_CAPTURE_H

#include <stdbool.h>

#include "core/error.h"

struct capture;

/* Start recording on device (which must exist), only what the BPF text
 * filter takes (NULL: everything; wire mode leaves out the rest of the
 * link's traffic).  Call before raising the calling thread's scheduling
 * priority: the recorder inherits it.  OUTCOME_OK with *out set, or
 * OUTCOME_ENVIRONMENT with err.
 */
int capture_open(const char *device, const char *filter, struct capture **out,
		 struct error *err);

/* Stop recording, write what was recorded to path (a pcap file of raw IP
 * datagrams, nanosecond timestamps) when path is not NULL, and release
 * everything.  Returns how many packets were lost (the kernel's ring was
 * full, or the recording reached its size limit; 0 normally), or -1 with
 * err when the file cannot be written.  Call before the device goes away:
 * a vanished device makes its capture unreadable.
 */
int capture_close(struct capture *c, const char *path, struct error *err);

#endif /* TCPCHECK_CAPTURE_H */
