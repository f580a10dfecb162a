/*
 * dump.c - the canonical text form of a script.
 *
 * The dump is itself a valid script, and dumping what it parses to gives
 * the same text again, so golden tests can compare dumps and a round trip
 * checks the parser and this printer against each other.  The form:
 *
 *   - one item per line, in this order: options, the init command, the
 *     events, the cleanup command; comments and layout are not kept;
 *   - options as `--name=value` or `--name`, the value as written;
 *   - commands as `` `text` ``, code as `%{text}%`, both verbatim;
 *   - times as seconds with at least 3 and at most 6 fractional digits
 *     (trailing zeros past the third dropped, so the value stays exact):
 *     `0.100`, `+0.000`, `+0.000100`, `*`, `0.100~0.200`,
 *     `+0.100~+0.200`; a blocking call appends `...end` (`+0.000...0.200`);
 *     a single space separates the time from the action;
 *   - packets: `< ` or `> `, then the endpoints if written
 *     (`192.0.2.1:40001>192.168.0.1:8080`, `[fd3d::1]:80`, `40001>8080`),
 *     the ECN info (`[ect0]`), the flags, `start:end(len)`, then
 *     ` ack N`, ` win N`, ` urg N` when written, then ` <...>` or the
 *     options as `<mss 1000,sackOK,nop,wscale 7>` (comma, no space;
 *     `wscale *` when the shift count is not checked);
 *   - encapsulation layers right after `<`/`>`, each followed by ':'
 *     but `encap psp ...`: ` ipv4 [ect0] A > B:`, ` ipv6 A > B:` (bare
 *     address), ` gre:` or ` gre flags 0xb000, sum 0, off 0, key
 *     0x00000001, seq 2:`, ` mpls (label 1, tc 0, [S], ttl 64):`,
 *     ` psp spi 0xc, vc 0x1:`, ` encap psp spi 0xc`; the same GRE and
 *     MPLS forms in braces as expressions: `{gre flags ...}`, `{(...)}`;
 *   - ICMP: `< icmp TYPE [CODE] [mtu N] [id N] [[s:e(l)]|[udp(l)]|[raw(l)]]`;
 *   - UDP: `< ` or `> `, endpoints and ip_info as for TCP, then
 *     `udp (len)`; ports written after `udp` print as endpoints
 *     (`< 5000>6000 udp (20)`), which parse to the same tree;
 *   - system calls: `name(arg, arg) = result`, then ` ERRNO` and
 *     ` (note)` when written;
 *   - expressions: `...`, decimal or `0x` lowercase hex integers,
 *     strings re-escaped (\n \t \r \\ \" \0, \xNN for other control
 *     and all non-ASCII bytes, so a dump is plain ASCII) with a trailing
 *     `...` when written, `a|b|c`, `[a, b]`,
 *     `{name=v, name(i)=v, v}`, `f(a, b)`; ", " between items.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "expr_print.h"

void usecs_format(int64_t usecs, char *buf, size_t size)
{
	uint64_t mag = usecs < 0 ? 0 - (uint64_t)usecs : (uint64_t)usecs;
	unsigned frac = (unsigned)(mag % 1000000);
	int digits = 6;

	while (digits > 3 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, size, "%s%" PRIu64 ".%0*u", usecs < 0 ? "-" : "",
		 mag / 1000000, digits, frac);
}

static void dump_usecs(int64_t usecs, FILE *out)
{
	char text[32];

	usecs_format(usecs, text, sizeof(text));
	fputs(text, out);
}

static void dump_time(const struct event_time *t, FILE *out)
{
	switch (t->kind) {
	case TIME_ABSOLUTE:
		dump_usecs(t->usecs, out);
		break;
	case TIME_RELATIVE:
		fputc('+', out);
		dump_usecs(t->usecs, out);
		break;
	case TIME_ANY:
		fputc('*', out);
		break;
	case TIME_ABSOLUTE_RANGE:
		dump_usecs(t->usecs, out);
		fputc('~', out);
		dump_usecs(t->end_usecs, out);
		break;
	case TIME_RELATIVE_RANGE:
		fputc('+', out);
		dump_usecs(t->usecs, out);
		fputs("~+", out);
		dump_usecs(t->end_usecs, out);
		break;
	}
	if (t->has_block_end) {
		fputs("...", out);
		dump_usecs(t->block_end_usecs, out);
	}
}

void expr_dump(const struct expr *e, FILE *out)
{
	struct expr_file_sink sink;

	expr_file_sink_init(&sink, out);
	expr_print(e, EXPR_STYLE_SCRIPT, &sink.base);
}

static void dump_list(const struct expr_list *list, FILE *out)
{
	struct expr_file_sink sink;

	expr_file_sink_init(&sink, out);
	expr_print_list(list, EXPR_STYLE_SCRIPT, &sink.base);
}

/* ---- encapsulation layers ---- */

static void dump_gre(const struct encap_gre *g, FILE *out)
{
	struct expr_file_sink sink;

	expr_file_sink_init(&sink, out);
	expr_print_gre(g, &sink.base);
}

static void dump_mpls_stack(const struct encap_mpls *m, FILE *out)
{
	struct expr_file_sink sink;

	expr_file_sink_init(&sink, out);
	expr_print_mpls(m, &sink.base);
}

static void dump_ip_info(const struct ip_info *ip, FILE *out);

static void dump_encap_layer(const struct encap_layer *l, FILE *out)
{
	switch (l->kind) {
	case ENCAP_IPV4:
	case ENCAP_IPV6:
		fputs(l->kind == ENCAP_IPV4 ? "ipv4" : "ipv6", out);
		dump_ip_info(&l->u.ip.info, out);
		fprintf(out, " %s > %s:", l->u.ip.src ? l->u.ip.src : "",
			l->u.ip.dst ? l->u.ip.dst : "");
		break;
	case ENCAP_GRE:
		dump_gre(&l->u.gre, out);
		fputc(':', out);
		break;
	case ENCAP_MPLS:
		fputs("mpls", out);
		if (l->u.mpls.count)
			fputc(' ', out);
		dump_mpls_stack(&l->u.mpls, out);
		fputc(':', out);
		break;
	case ENCAP_PSP:
		fprintf(out, "%spsp spi 0x%" PRIx32,
			l->u.psp.transport ? "encap " : "", l->u.psp.spi);
		if (l->u.psp.has_vc)
			fprintf(out, ", vc 0x%" PRIx64, l->u.psp.vc);
		if (!l->u.psp.transport)
			fputc(':', out);
		break;
	}
}

void encap_list_dump(const struct encap_list *list, FILE *out)
{
	for (int i = 0; i < list->count; i++) {
		fputc(' ', out);
		dump_encap_layer(&list->items[i], out);
	}
}

/* ---- end of encapsulation layers ---- */

static void dump_endpoint(const struct endpoint_spec *ep, FILE *out)
{
	if (ep->has_addr) {
		/* IPv6 addresses are bracketed so the port's ':' is clear. */
		if (ep->addr && strchr(ep->addr, ':'))
			fprintf(out, "[%s]", ep->addr);
		else
			fputs(ep->addr ? ep->addr : "", out);
		if (ep->has_port)
			fputc(':', out);
	}
	if (ep->has_port)
		fprintf(out, "%u", (unsigned)ep->port);
}

static const char *ecn_name(enum ip_ecn ecn)
{
	switch (ecn) {
	case ECN_NOECN: return "noecn";
	case ECN_ECT0: return "ect0";
	case ECN_ECT1: return "ect1";
	case ECN_ECT01: return "ect01";
	case ECN_CE: return "ce";
	case ECN_UNSPECIFIED: break;
	}
	return NULL;
}

static void dump_prefix(enum direction dir, const struct encap_list *encaps,
			const struct endpoint_spec *src,
			const struct endpoint_spec *dst,
			const struct ip_info *ip, FILE *out)
{
	fputs(dir == DIR_INBOUND ? "<" : ">", out);
	if (encaps)	/* UDP lines carry none */
		encap_list_dump(encaps, out);
	if (src->has_addr || src->has_port || dst->has_addr || dst->has_port) {
		fputc(' ', out);
		dump_endpoint(src, out);
		fputc('>', out);
		dump_endpoint(dst, out);
	}
	dump_ip_info(ip, out);
}

static void dump_ip_info(const struct ip_info *ip, FILE *out)
{
	const char *ecn_text = ecn_name(ip->ecn);
	const char *sep = " [";

	if (ecn_text) {
		fprintf(out, "%s%s", sep, ecn_text);
		sep = ", ";
	}
	if (ip->has_tos) {
		fprintf(out, "%stos 0x%02x", sep, ip->tos);
		sep = ", ";
	}
	if (ip->has_flow_label) {
		fprintf(out, "%sflowlabel 0x%05" PRIx32, sep, ip->flow_label);
		sep = ", ";
	}
	if (ip->has_ttl) {
		fprintf(out, "%sttl %u", sep, ip->ttl);
		sep = ", ";
	}
	if (sep[0] == ',')
		fputc(']', out);
}

static void dump_option(const struct tcp_option *opt, FILE *out)
{
	switch (opt->kind) {
	case OPT_EOL:
		fputs("eol", out);
		break;
	case OPT_NOP:
		fputs("nop", out);
		break;
	case OPT_MSS:
		fprintf(out, "mss %" PRIu32, opt->value);
		break;
	case OPT_WSCALE:
		if (opt->any_value)
			fputs("wscale *", out);
		else
			fprintf(out, "wscale %" PRIu32, opt->value);
		break;
	case OPT_SACK_PERMITTED:
		fputs("sackOK", out);
		break;
	case OPT_SACK:
		fputs("sack", out);
		for (int i = 0; i < opt->sack_count; i++)
			fprintf(out, " %" PRIu32 ":%" PRIu32,
				opt->sack_blocks[i].left,
				opt->sack_blocks[i].right);
		break;
	case OPT_TIMESTAMP:
		fprintf(out, "TS val %" PRIu32 " ecr %" PRIu32, opt->ts_val,
			opt->ts_ecr);
		break;
	case OPT_FAST_OPEN:
	case OPT_FAST_OPEN_EXP:
		fputs(opt->kind == OPT_FAST_OPEN ? "FO" : "FOEXP", out);
		if (opt->cookie && opt->cookie[0])
			fprintf(out, " %s", opt->cookie);
		break;
	case OPT_MD5:
		fprintf(out, "md5 %s", opt->cookie ? opt->cookie : "");
		break;
	case OPT_ACCECN:
		fputs("ECN", out);
		for (int i = 0; i < opt->ecn_count; i++)
			fprintf(out, " %s %" PRIu32,
				accecn_field_name(opt->ecn_kind, i),
				opt->ecn_fields[i]);
		break;
	case OPT_GENERIC:
		/* Not produced by this grammar yet. */
		fputs("nop", out);
		break;
	}
}

static void dump_packet(const struct tcp_packet_spec *p, FILE *out)
{
	dump_prefix(p->direction, &p->encaps, &p->src, &p->dst, &p->ip, out);
	fprintf(out, " %s %" PRIu32 ":%" PRIu32 "(%" PRIu32 ")",
		p->flags ? p->flags : "", p->seq_start, p->seq_end,
		p->payload_len);
	if (p->has_ack)
		fprintf(out, " ack %" PRIu32, p->ack);
	if (p->has_win)
		fprintf(out, " win %" PRIu32, p->win);
	if (p->has_urg)
		fprintf(out, " urg %" PRIu32, p->urg);
	switch (p->options_form) {
	case TCP_OPTIONS_ABSENT:
		break;
	case TCP_OPTIONS_ANY:
		fputs(" <...>", out);
		break;
	case TCP_OPTIONS_LIST:
		fputs(" <", out);
		for (int i = 0; i < p->option_count; i++) {
			if (i)
				fputc(',', out);
			dump_option(&p->options[i], out);
		}
		fputc('>', out);
		break;
	}
}

static void dump_icmp(const struct icmp_packet_spec *p, FILE *out)
{
	dump_prefix(p->direction, &p->encaps, &p->src, &p->dst, &p->ip, out);
	fprintf(out, " icmp %s", p->type ? p->type : "");
	if (p->code)
		fprintf(out, " %s", p->code);
	if (p->has_mtu)
		fprintf(out, " mtu %" PRIu32, p->mtu);
	if (p->has_id)
		fprintf(out, " id %" PRIu32, p->id);
	switch (p->echoed) {
	case ICMP_ECHOED_NONE:
		break;
	case ICMP_ECHOED_TCP:
		fprintf(out, " [%" PRIu32 ":%" PRIu32 "(%" PRIu32 ")]",
			p->echoed_seq_start, p->echoed_seq_end, p->echoed_len);
		break;
	case ICMP_ECHOED_UDP:
		fprintf(out, " [udp(%" PRIu32 ")]", p->echoed_len);
		break;
	case ICMP_ECHOED_RAW:
		fprintf(out, " [raw(%" PRIu32 ")]", p->echoed_len);
		break;
	}
}

static void dump_udp(const struct udp_packet_spec *p, FILE *out)
{
	dump_prefix(p->direction, NULL, &p->src, &p->dst, &p->ip, out);
	fprintf(out, " udp (%" PRIu32 ")", p->payload_len);
}

static void dump_syscall(const struct syscall_spec *c, FILE *out)
{
	fprintf(out, "%s(", c->name ? c->name : "");
	dump_list(&c->args, out);
	fputs(") = ", out);
	expr_dump(c->result, out);
	if (c->errno_name)
		fprintf(out, " %s", c->errno_name);
	if (c->note)
		fprintf(out, " (%s)", c->note);
}

static void dump_event(const struct event *ev, FILE *out)
{
	dump_time(&ev->time, out);
	fputc(' ', out);
	switch (ev->kind) {
	case EVENT_PACKET:
		dump_packet(&ev->u.packet, out);
		break;
	case EVENT_ICMP:
		dump_icmp(&ev->u.icmp, out);
		break;
	case EVENT_UDP:
		dump_udp(&ev->u.udp, out);
		break;
	case EVENT_SYSCALL:
		dump_syscall(&ev->u.syscall, out);
		break;
	case EVENT_COMMAND:
		fprintf(out, "`%s`", ev->u.command ? ev->u.command : "");
		break;
	case EVENT_CODE:
		fprintf(out, "%%{%s}%%", ev->u.code ? ev->u.code : "");
		break;
	}
	fputc('\n', out);
}

void script_dump(const struct script *script, FILE *out)
{
	for (int i = 0; i < script->option_count; i++) {
		const struct script_option *opt = &script->options[i];

		if (opt->value)
			fprintf(out, "--%s=%s\n", opt->name, opt->value);
		else
			fprintf(out, "--%s\n", opt->name);
	}
	if (script->init_command)
		fprintf(out, "`%s`\n", script->init_command);
	for (int i = 0; i < script->event_count; i++)
		dump_event(&script->events[i], out);
	if (script->cleanup_command)
		fprintf(out, "`%s`\n", script->cleanup_command);
}
