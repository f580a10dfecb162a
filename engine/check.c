/*
 * check.c - semantic checks of a parsed script (see check.h).
 */
#include "config.h"

#include <string.h>

#include "check.h"
#include "syscalls.h"
#include "tcp_view.h"

/* tcp_view_from_spec() reports "line:col: message"; a diagnostic carries
 * the location separately, so take the message part.
 */
static const char *strip_location(const char *text)
{
	const char *p = text;

	for (int colons = 0; *p && colons < 2; p++)
		if (*p == ':')
			colons++;
		else if (*p < '0' || *p > '9')
			return text;
	while (*p == ' ')
		p++;
	return p;
}

static int check_packet(const struct event *e, struct diag_list *diags)
{
	const struct tcp_packet_spec *spec = &e->u.packet;
	struct tcp_view view;
	struct error err;

	if (tcp_view_from_spec(spec, &view, &err) < 0) {
		diag_add(diags, spec->flags_loc, "%s", strip_location(err.text));
		return -1;
	}
	if (spec->seq_end - spec->seq_start != spec->payload_len) {
		diag_add(diags, spec->flags_loc,
			 "inconsistent sequence range %u:%u(%u): the end must "
			 "be the start plus the length (%u)", spec->seq_start,
			 spec->seq_end, spec->payload_len,
			 spec->seq_start + spec->payload_len);
		return -1;
	}
	return 0;
}

static int check_time(const struct event *e, int64_t *last_absolute,
		      struct diag_list *diags)
{
	const struct event_time *t = &e->time;
	int rc = 0;

	if (t->kind == TIME_ABSOLUTE || t->kind == TIME_ABSOLUTE_RANGE) {
		if (t->usecs < *last_absolute) {
			diag_add(diags, e->loc, "time goes backwards: %.6f s "
				 "after %.6f s", (double)t->usecs / 1e6,
				 (double)*last_absolute / 1e6);
			rc = -1;
		}
		*last_absolute = t->usecs;
	}
	if ((t->kind == TIME_ABSOLUTE_RANGE || t->kind == TIME_RELATIVE_RANGE) &&
	    t->end_usecs < t->usecs) {
		diag_add(diags, e->loc, "time range ends before it starts");
		rc = -1;
	}
	if (t->has_block_end && t->kind != TIME_ANY &&
	    t->block_end_usecs < t->usecs) {
		diag_add(diags, e->loc, "a blocking call cannot return "
			 "(%.6f s) before it starts (%.6f s)",
			 (double)t->block_end_usecs / 1e6,
			 (double)t->usecs / 1e6);
		rc = -1;
	}
	return rc;
}

int script_check(const struct script *script, struct diag_list *diags)
{
	int64_t last_absolute = 0;
	int rc = 0;

	for (int i = 0; i < script->event_count; i++) {
		const struct event *e = &script->events[i];

		if (check_time(e, &last_absolute, diags) < 0)
			rc = -1;
		switch (e->kind) {
		case EVENT_PACKET:
			if (check_packet(e, diags) < 0)
				rc = -1;
			break;
		case EVENT_SYSCALL:
			if (syscall_validate(&e->u.syscall, diags) != 0)
				rc = -1;
			break;
		case EVENT_COMMAND:
			break;
		case EVENT_CODE:
			break;
		case EVENT_ICMP:
			diag_add(diags, e->loc,
				 "ICMP packet lines are not supported yet");
			rc = -1;
			break;
		}
	}
	return rc;
}
