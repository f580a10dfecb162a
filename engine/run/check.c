/*
 * check.c - semantic checks of a parsed script (see check.h).
 */
#include "config.h"

#include <string.h>

#include "run/check.h"
#include "pkt/encap.h"
#include "pkt/icmp.h"
#include "sys/syscalls.h"
#include "match/tcp_view.h"

/* Layers the engine cannot build or match: reported where they are. */
static int check_encaps(const struct encap_list *layers,
			struct diag_list *diags)
{
	struct src_loc where;
	struct error err;

	if (encap_check(layers, &where, &err) < 0) {
		diag_add(diags, where, "%s", err.text);
		return -1;
	}
	return 0;
}

static int check_packet(const struct event *e, struct diag_list *diags)
{
	const struct tcp_packet_spec *spec = &e->u.packet;
	struct tcp_view view;
	struct src_loc where;
	struct error err;

	/* Before building the view, which would locate it at the flags. */
	if (tcp_view_check_inbound_options(spec, &where, &err) < 0) {
		diag_add(diags, where, "%s", err.text);
		return -1;
	}
	if (tcp_view_from_spec(spec, &view, &err) < 0) {
		diag_add(diags, spec->flags_loc, "%s", err.text);
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

/* An injected ICMP error about the connection's own segments; the name
 * must mean something in ICMP or ICMPv6 (which one is known at run time).
 */
static int check_icmp(const struct event *e, struct diag_list *diags)
{
	const struct icmp_packet_spec *spec = &e->u.icmp;
	struct error err;

	if (spec->direction != DIR_INBOUND) {
		diag_add(diags, e->loc, "outbound ICMP lines are not supported "
			 "yet: tcpcheck injects ICMP errors but does not "
			 "expect them");
		return -1;
	}
	if (spec->echoed == ICMP_ECHOED_RAW) {
		diag_add(diags, e->loc, "an ICMP error quoting a raw "
			 "datagram is not supported: only TCP and UDP are "
			 "tested");
		return -1;
	}
	if (!icmp_known(spec->type, spec->code, &err)) {
		diag_add(diags, spec->code ? spec->code_loc : spec->type_loc,
			 "%s", err.text);
		return -1;
	}
	if (spec->echoed == ICMP_ECHOED_TCP &&
	    spec->echoed_seq_end - spec->echoed_seq_start != spec->echoed_len) {
		diag_add(diags, e->loc,
			 "inconsistent sequence range %u:%u(%u): the end must "
			 "be the start plus the length (%u)",
			 spec->echoed_seq_start, spec->echoed_seq_end,
			 spec->echoed_len,
			 spec->echoed_seq_start + spec->echoed_len);
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
			if (check_packet(e, diags) < 0 ||
			    check_encaps(&e->u.packet.encaps, diags) < 0)
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
			if (check_icmp(e, diags) < 0 ||
			    check_encaps(&e->u.icmp.encaps, diags) < 0)
				rc = -1;
			break;
		case EVENT_UDP:
			break;	/* the parser checked it all */
		}
	}
	return rc;
}
