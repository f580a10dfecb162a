/*
 * stray.c - outbound packets no line asked for (see stray.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "match/matcher.h"
#include "match/stray.h"
#include "match/tcp_view.h"

/* The next outbound line after e, NULL if none; *new_socket says whether
 * a socket() call comes first (from e on), which may retire the packet's
 * connection before that line runs.
 */
static const struct event *next_outbound(const struct script *script,
					 const struct event *e,
					 bool *new_socket)
{
	const struct event *end = script->events + script->event_count;

	*new_socket = false;
	for (const struct event *n = e; n < end; n++) {
		if (n != e && n->kind == EVENT_PACKET &&
		    n->u.packet.direction == DIR_OUTBOUND)
			return n;
		if (n->kind == EVENT_SYSCALL &&
		    !strcmp(n->u.syscall.name, "socket"))
			*new_socket = true;
	}
	return NULL;
}

/* The packet in script numbers when its connection can translate them
 * (*translated), else live; false when its options are malformed.
 */
static bool outbound_view(const struct conn_table *conns,
			  const struct tcp_segment *seg, struct tcp_view *view,
			  bool *translated)
{
	struct error ignored;

	if (tcp_view_from_segment(seg, DIR_OUTBOUND, view, &ignored) < 0)
		return false;
	*translated = conn_outbound_peek(conns, view);
	return true;
}

static void report_head(struct error *err, int64_t at_us, const char *when,
			const struct tcp_view *view)
{
	char text[1024];

	tcp_view_format(view, text, sizeof(text));
	error_set(err, "unexpected outbound packet at %.3f s, %s\n"
		  "  packet:   %s", (double)at_us / 1e6, when, text);
}

int stray_before(const struct script *script, const struct event *e,
		 const struct conn_table *conns, const struct tcp_segment *seg,
		 int64_t at_us, bool strict, struct error *err)
{
	bool new_socket;
	const struct event *next = next_outbound(script, e, &new_socket);
	struct tcp_view actual, expected;
	struct error diffs;
	char want[1024];
	bool translated;

	if (!outbound_view(conns, seg, &actual, &translated) || new_socket)
		return 0;
	if (!next) {
		if (!strict)
			return 0;
		report_head(err, at_us, "before this line ran; no outbound "
			    "line follows (--strict)", &actual);
		return 1;
	}
	if (!translated ||
	    tcp_view_from_spec(&next->u.packet, &expected, &diffs) < 0)
		return 0;
	/* Maybe a super-packet the line takes the first part of, or the
	 * first of several segments the line takes together.
	 */
	if (actual.seq == expected.seq && actual.len != expected.len &&
	    actual.len > 0)
		return 0;
	diffs.text[0] = '\0';
	if (expected.show_ports) {
		actual.show_ports = true;
		if ((expected.src_port && expected.src_port != actual.src_port) ||
		    (expected.dst_port && expected.dst_port != actual.dst_port))
			error_append(&diffs, "\n  ports: expected %u>%u, got "
				     "%u>%u", expected.src_port,
				     expected.dst_port, actual.src_port,
				     actual.dst_port);
	}
	if (match_tcp(&expected, &actual, &diffs) == 0 && !diffs.text[0])
		return 0;
	report_head(err, at_us, "before this line ran", &actual);
	tcp_view_format(&expected, want, sizeof(want));
	error_append(err, "\n  the next outbound line, %d, expects %s%s",
		     next->loc.line, want, diffs.text);
	return 1;
}

void stray_after_end(const struct conn_table *conns,
		     const struct tcp_segment *seg, int64_t at_us,
		     struct error *err)
{
	struct tcp_view view;
	char settle[32], when[96];
	bool translated;

	if (!outbound_view(conns, seg, &view, &translated)) {
		/* Malformed options: the header is still worth showing. */
		memset(&view, 0, sizeof(view));
		view.direction = DIR_OUTBOUND;
		view.flags = seg->flags;
		view.seq = seg->seq;
		view.len = seg->payload_len;
	}
	usecs_format(STRICT_SETTLE_USECS, settle, sizeof(settle));
	snprintf(when, sizeof(when), "after the last line (--strict watches "
		 "%s s for any)", settle);
	report_head(err, at_us, when, &view);
}
