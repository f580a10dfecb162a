/*
 * pcap_read.c - the wait for a captured frame (see pcap_read.h).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>

#include "core/clock.h"
#include "path/packet_path.h"
#include "path/pcap_read.h"

int pcap_read_until(pcap_t *pcap, struct pcap_pkthdr **hdr,
		    const u_char **data, int64_t deadline_ns, const char *what,
		    struct error *err)
{
	for (;;) {
		int rc = pcap_next_ex(pcap, hdr, data);
		int64_t left;

		if (rc == PCAP_ERROR)
			return error_set(err, "capturing on %s: %s", what,
					 pcap_geterr(pcap));
		if (rc == 1)
			return PATH_RECEIVED;
		left = deadline_ns - clock_now_ns();
		if (left <= 0)
			return PATH_TIMEOUT;
		struct pollfd pfd = { .fd = pcap_get_selectable_fd(pcap),
				      .events = POLLIN };
		if (poll(&pfd, 1, (int)((left + 999999) / 1000000)) < 0) {
			if (errno == EINTR)
				return PATH_INTERRUPTED;
			return error_set_errno(err, "waiting for a capture");
		}
	}
}

int64_t pcap_stamp_ns(const struct pcap_pkthdr *hdr, bool nanoseconds,
		      int64_t realtime_to_monotonic)
{
	return (int64_t)hdr->ts.tv_sec * 1000000000 +
		(int64_t)hdr->ts.tv_usec * (nanoseconds ? 1 : 1000) -
		realtime_to_monotonic;
}
