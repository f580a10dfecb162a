/*
 * check.c - semantic checks of a parsed script (see check.h).
 */
#include "config.h"

#include <string.h>

#include <sys/socket.h>

#include "run/check.h"
#include "pkt/encap.h"
#include "pkt/icmp.h"
#include "pkt/packet.h"
#include "sys/syscalls.h"
#include "match/tcp_view.h"
#include "match/udp.h"

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
	uint8_t opts[TCP_OPTIONS_MAX];
	size_t opts_len = 0;
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
	if (spec->direction == DIR_INBOUND && view.options_form ==
	    TCP_OPTIONS_LIST && tcp_options_encode(view.options,
						   view.option_count, opts,
						   sizeof(opts), &opts_len,
						   &err) < 0) {
		diag_add(diags, e->loc, "%s", err.text);
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
	if (spec->ip.has_flow_label) {
		diag_add(diags, e->loc, "a flow label needs an IPv6 packet");
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

bool script_names_ports(const struct script *script)
{
	for (int i = 0; i < script->event_count; i++) {
		const struct event *e = &script->events[i];

		if (e->kind == EVENT_PACKET &&
		    (e->u.packet.src.has_port || e->u.packet.dst.has_port))
			return true;
	}
	return false;
}

/* Whether the runner has a connection after event e, as its table of
 * connections (engine/match/conn.c) will: an inbound TCP line makes or
 * finds one, an outbound SYN makes one, and a socket() that is to
 * succeed retires them all in a script that names no ports.
 */
static bool connection_after(const struct event *e, bool had, bool ports)
{
	uint16_t flags = 0;
	char bad;

	switch (e->kind) {
	case EVENT_PACKET:
		if (e->u.packet.direction == DIR_INBOUND)
			return true;
		if (tcp_flags_parse(e->u.packet.flags, &flags, &bad) == 0 &&
		    (flags & TCP_SYN) && !(flags & TCP_ACK))
			return true;
		return had;
	case EVENT_SYSCALL:
		if (!ports && !e->u.syscall.errno_name &&
		    !strcmp(e->u.syscall.name, "socket"))
			return false;
		return had;
	case EVENT_COMMAND:
	case EVENT_CODE:
	case EVENT_ICMP:
	case EVENT_UDP:
		return had;
	}
	return had;
}

/* An ICMP error about a TCP segment quotes the current connection's. */
static int check_icmp_connection(const struct event *e, bool conn,
				 struct diag_list *diags)
{
	if (conn || e->u.icmp.echoed == ICMP_ECHOED_UDP)
		return 0;
	diag_add(diags, e->loc, "an ICMP line needs a connection to refer "
		 "to: no packet has been sent or expected before it");
	return -1;
}

int script_check(const struct script *script, struct diag_list *diags)
{
	bool ports = script_names_ports(script), conn = false;
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
			    check_encaps(&e->u.icmp.encaps, diags) < 0 ||
			    check_icmp_connection(e, conn, diags) < 0)
				rc = -1;
			break;
		case EVENT_UDP:
			break;	/* the parser checked it all */
		}
		conn = connection_after(e, conn, ports);
	}
	return rc;
}

/* An injected TCP segment fits the family's headers and addresses, as
 * the runner will build it (run.c: the plan's addresses unless the line
 * writes its own); what script_check() reported is not said again.
 */
static int check_inbound_segment(const struct event *e,
				 const struct net_plan *plan, int ip_version,
				 struct diag_list *diags)
{
	const struct tcp_packet_spec *spec = &e->u.packet;
	struct tcp_segment seg;
	struct tcp_view view;
	size_t opts_len = 0, total;
	struct error err;

	memset(&seg, 0, sizeof(seg));
	if (tcp_view_from_spec(spec, &view, &err) < 0 ||
	    tcp_options_encode(view.options, view.option_count, seg.options,
			       sizeof(seg.options), &opts_len, &err) < 0)
		return 0;
	seg.ip_version = (uint8_t)ip_version;
	seg.src = plan->remote_ip;
	seg.dst = plan->local_ip;
	if (spec->src.has_addr)
		ip_addr_parse(spec->src.addr, &seg.src);
	if (spec->dst.has_addr)
		ip_addr_parse(spec->dst.addr, &seg.dst);
	seg.flags = view.flags;
	seg.options_len = (uint8_t)opts_len;
	seg.payload_len = view.len;
	if (packet_check_segment(&seg, &total, &err) == 0)
		return 0;
	diag_add(diags, e->loc, "cannot build this packet: %s", err.text);
	return -1;
}

/* A line that injects a packet, for this family: an ICMP message of the
 * family's version, a flow label only on IPv6, a datagram the family can
 * address.
 */
static int check_injection(const struct event *e, const struct net_plan *plan,
			   int ip_version, struct diag_list *diags)
{
	const struct udp_flow no_flow = { 0 };
	struct udp_datagram d;
	uint8_t type, code;
	struct error err;

	switch (e->kind) {
	case EVENT_PACKET:
		if (e->u.packet.direction != DIR_INBOUND)
			return 0;
		if (e->u.packet.ip.has_flow_label && ip_version != 6) {
			diag_add(diags, e->loc,
				 "a flow label needs an IPv6 packet");
			return -1;
		}
		return check_inbound_segment(e, plan, ip_version, diags);
	case EVENT_ICMP:
		if (icmp_check_line(ip_version, e->u.icmp.type, e->u.icmp.code,
				    e->u.icmp.has_mtu, e->u.icmp.mtu, &type,
				    &code, &err) == 0)
			return 0;
		diag_add(diags, e->loc, "%s", err.text);
		return -1;
	case EVENT_UDP:
		if (e->u.udp.direction != DIR_INBOUND ||
		    udp_inbound(&e->u.udp, plan, &no_flow, &d, &err) == 0)
			return 0;
		diag_add(diags, e->loc, "cannot build this datagram: %s",
			 err.text);
		return -1;
	case EVENT_SYSCALL:
	case EVENT_COMMAND:
	case EVENT_CODE:
		return 0;
	}
	return 0;
}

int script_check_family(const struct script *script,
			const struct net_plan *plan, struct diag_list *diags)
{
	int ip_version = plan->local_ip.family == AF_INET6 ? 6 : 4;
	int rc = 0;

	for (int i = 0; i < script->event_count; i++)
		if (check_injection(&script->events[i], plan, ip_version,
				    diags) < 0)
			rc = -1;
	return rc;
}
