/*
 * tcp_view.c - script-space views of TCP segments (see tcp_view.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "match/tcp_view.h"

/* The letters of packetdrill's flags token, in the order it prints them. */
static const struct {
	char letter;
	uint16_t bit;
} flag_letters[] = {
	{ 'F', TCP_FIN }, { 'S', TCP_SYN }, { 'R', TCP_RST }, { 'P', TCP_PSH },
	{ '.', TCP_ACK }, { 'U', TCP_URG }, { 'E', TCP_ECE }, { 'W', TCP_CWR },
	{ 'A', TCP_AE },
};

int tcp_flags_parse(const char *text, uint16_t *flags, char *bad)
{
	*flags = 0;
	if (!strcmp(text, "-"))
		return 0;
	for (const char *p = text; *p; p++) {
		size_t i;

		for (i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]); i++)
			if (flag_letters[i].letter == *p)
				break;
		if (i == sizeof(flag_letters) / sizeof(flag_letters[0])) {
			*bad = *p;
			return -1;
		}
		*flags |= flag_letters[i].bit;
	}
	return 0;
}

/* A script error in a line's TCP part: its line as a field (error.h). */
static int view_error(struct error *err, struct src_loc at, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));
static int view_error(struct error *err, struct src_loc at, const char *fmt,
		      ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_setv(err, fmt, ap);
	va_end(ap);
	error_locate(err, at.line, FAILURE_BAD_SCRIPT);
	return -1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* An FO cookie or md5 digest written in hex: up to max bytes, as many as
 * the option space leaves (a cookie need not have a valid length: the
 * point may be to send the stack an invalid one).
 */
static int bytes_from_hex(const struct tcp_option *opt, size_t max,
			  const char *what, struct tcp_opt_item *item,
			  struct error *err)
{
	size_t n = opt->cookie ? strlen(opt->cookie) : 0;

	item->u.data.len = 0;
	if (n % 2 || n / 2 > max)
		return view_error(err, opt->loc, "%s is 0 to %zu bytes written "
				  "as an even number of hex digits", what, max);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_value(opt->cookie[i]);
		int lo = hex_value(opt->cookie[i + 1]);

		if (hi < 0 || lo < 0)
			return view_error(err, opt->loc, "%s '%s' is not "
					  "hexadecimal", what, opt->cookie);
		item->u.data.bytes[item->u.data.len++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The options that carry blocks or bytes: SACK, Fast Open, MD5, AccECN. */
static int option_blocks_from_spec(const struct tcp_option *opt,
				   struct tcp_opt_item *item,
				   struct error *err)
{
	switch (opt->kind) {
	case OPT_SACK:
		item->kind = TCPOPT_KIND_SACK;
		if (opt->sack_count < 1 || opt->sack_count > 4)
			return view_error(err, opt->loc, "a SACK option holds "
					  "1 to 4 blocks, not %d", opt->sack_count);
		item->length = (uint8_t)(2 + 8 * opt->sack_count);
		item->u.sack.count = opt->sack_count;
		for (int i = 0; i < opt->sack_count; i++) {
			item->u.sack.blocks[i].left = opt->sack_blocks[i].left;
			item->u.sack.blocks[i].right = opt->sack_blocks[i].right;
		}
		return 0;
	case OPT_FAST_OPEN:
		item->kind = TCPOPT_KIND_FAST_OPEN;
		if (bytes_from_hex(opt, TCPOPT_DATA_MAX, "a Fast Open cookie",
				   item, err) < 0)
			return -1;
		item->length = (uint8_t)(2 + item->u.data.len);
		return 0;
	case OPT_FAST_OPEN_EXP:
		item->kind = TCPOPT_KIND_EXP;
		item->u.data.magic = TCPOPT_EXP_MAGIC_TFO;
		if (bytes_from_hex(opt, TCPOPT_DATA_MAX - 2,
				   "a Fast Open cookie", item, err) < 0)
			return -1;
		item->length = (uint8_t)(4 + item->u.data.len);
		return 0;
	case OPT_MD5:
		/* The digest as written, not computed: RFC 2385 signs with
		 * a key the stack holds (TCP_MD5SIG); scripts give the
		 * bytes a peer would put on the wire, right or wrong.
		 */
		item->kind = TCPOPT_KIND_MD5;
		if (bytes_from_hex(opt, TCP_MD5_DIGEST_BYTES, "an md5 digest",
				   item, err) < 0)
			return -1;
		item->length = (uint8_t)(2 + item->u.data.len);
		return 0;
	case OPT_ACCECN:
		/* Each counter is 24 bits on the wire, big-endian. */
		item->kind = opt->ecn_kind;
		for (int i = 0; i < opt->ecn_count && i < 3; i++) {
			item->u.data.bytes[3 * i] = (uint8_t)(opt->ecn_fields[i] >> 16);
			item->u.data.bytes[3 * i + 1] = (uint8_t)(opt->ecn_fields[i] >> 8);
			item->u.data.bytes[3 * i + 2] = (uint8_t)opt->ecn_fields[i];
			item->u.data.len += 3;
		}
		item->length = (uint8_t)(2 + item->u.data.len);
		return 0;
	default:
		break;
	}
	return view_error(err, opt->loc, "this TCP option is not supported yet");
}

static int option_from_spec(const struct tcp_option *opt,
			    struct tcp_opt_item *item, struct error *err)
{
	memset(item, 0, sizeof(*item));
	switch (opt->kind) {
	case OPT_EOL:
		item->kind = TCPOPT_KIND_EOL;
		item->length = 1;
		return 0;
	case OPT_NOP:
		item->kind = TCPOPT_KIND_NOP;
		item->length = 1;
		return 0;
	case OPT_MSS:
		item->kind = TCPOPT_KIND_MSS;
		item->length = 4;
		item->u.mss = (uint16_t)opt->value;
		if (opt->value > 0xffff)
			return view_error(err, opt->loc, "mss %u does not "
					  "fit in 16 bits", opt->value);
		return 0;
	case OPT_WSCALE:
		item->kind = TCPOPT_KIND_WSCALE;
		item->length = 3;
		item->u.wscale = (uint8_t)opt->value;
		item->any_value = opt->any_value;
		if (opt->value > 0xff)
			return view_error(err, opt->loc, "wscale %u does not "
					  "fit in 8 bits", opt->value);
		return 0;
	case OPT_SACK_PERMITTED:
		item->kind = TCPOPT_KIND_SACK_PERMITTED;
		item->length = 2;
		return 0;
	case OPT_TIMESTAMP:
		item->kind = TCPOPT_KIND_TIMESTAMP;
		item->length = 10;
		item->u.ts.val = opt->ts_val;
		item->u.ts.ecr = opt->ts_ecr;
		return 0;
	case OPT_SACK:
	case OPT_FAST_OPEN:
	case OPT_FAST_OPEN_EXP:
	case OPT_MD5:
	case OPT_ACCECN:
		return option_blocks_from_spec(opt, item, err);
	case OPT_GENERIC:
		break;
	}
	return view_error(err, opt->loc, "this TCP option is not supported yet");
}

int tcp_view_check_inbound_options(const struct tcp_packet_spec *spec,
				   struct src_loc *where, struct error *err)
{
	if (spec->direction != DIR_INBOUND ||
	    spec->options_form != TCP_OPTIONS_LIST)
		return 0;
	for (int i = 0; i < spec->option_count; i++) {
		const struct tcp_option *opt = &spec->options[i];

		if (opt->kind == OPT_WSCALE && opt->any_value) {
			*where = opt->loc;
			return error_set(err, "wscale * only on outbound lines: "
					 "an injected option needs a value");
		}
	}
	return 0;
}

int tcp_view_from_spec(const struct tcp_packet_spec *spec,
		       struct tcp_view *view, struct error *err)
{
	struct src_loc where;
	struct error why;
	char bad = 0;

	memset(view, 0, sizeof(*view));
	view->direction = spec->direction;
	if (tcp_flags_parse(spec->flags, &view->flags, &bad) < 0)
		return view_error(err, spec->flags_loc, "'%c' is not a TCP flag "
				  "(flags are written with F S R P . U E W A, or "
				  "- for none)", bad);
	view->seq = spec->seq_start;
	view->len = spec->payload_len;
	view->has_ack = spec->has_ack;
	view->ack = spec->ack;
	view->has_win = spec->has_win;
	view->win = spec->win;
	view->has_urg = spec->has_urg;
	view->urg = spec->urg;
	view->ip = spec->ip;
	view->show_ports = spec->src.has_port || spec->dst.has_port;
	view->src_port = spec->src.has_port ? spec->src.port : 0;
	view->dst_port = spec->dst.has_port ? spec->dst.port : 0;
	view->options_form = spec->options_form;
	view->check_ts_val = false;
	if (spec->options_form != TCP_OPTIONS_LIST)
		return 0;
	if (spec->option_count > TCP_VIEW_MAX_OPTIONS)
		return view_error(err, spec->flags_loc, "too many TCP options");
	/* script_check() reports this first, at the option; here too so
	 * no caller can build an inbound segment from a value-less option.
	 */
	if (tcp_view_check_inbound_options(spec, &where, &why) < 0)
		return view_error(err, where, "%s", why.text);
	for (int i = 0; i < spec->option_count; i++)
		if (option_from_spec(&spec->options[i], &view->options[i], err) < 0)
			return -1;
	view->option_count = spec->option_count;
	return 0;
}

static enum ip_ecn ecn_from_tos(uint8_t tos)
{
	switch (tos & 3) {
	case 0:
		return ECN_NOECN;
	case 1:
		return ECN_ECT1;
	case 2:
		return ECN_ECT0;
	default:
		return ECN_CE;
	}
}

int tcp_view_from_segment(const struct tcp_segment *seg, enum direction dir,
			  struct tcp_view *view, struct error *err)
{
	memset(view, 0, sizeof(*view));
	view->direction = dir;
	view->flags = seg->flags;
	view->seq = seg->seq;
	view->len = seg->payload_len;
	view->has_ack = (seg->flags & TCP_ACK) != 0;
	view->ack = seg->ack;
	view->has_win = true;
	view->win = seg->window;
	view->has_urg = (seg->flags & TCP_URG) != 0;
	view->urg = seg->urg_ptr;
	view->ip = (struct ip_info){
		.ecn = ecn_from_tos(seg->tos),
		.has_tos = true, .tos = seg->tos,
		.has_flow_label = seg->ip_version == 6,
		.flow_label = seg->flow_label,
		.has_ttl = true, .ttl = seg->ttl,
	};
	view->src_port = seg->src_port;
	view->dst_port = seg->dst_port;
	view->check_ts_val = true;
	view->is_live = true;
	if (seg->options_len == 0) {
		view->options_form = TCP_OPTIONS_ABSENT;
		return 0;
	}
	view->options_form = TCP_OPTIONS_LIST;
	if (tcp_options_decode(seg->options, seg->options_len, view->options,
			       TCP_VIEW_MAX_OPTIONS, &view->option_count, err) < 0)
		return -1;
	return 0;
}

static void hex_format(const uint8_t *bytes, int len, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < len && used + 3 <= size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%02x", bytes[i]);
}

/* `ECN e1b 1 ceb 0 e0b 1`, in the order the kind puts them on the wire. */
static void accecn_format(const struct tcp_opt_item *item, char *buf,
			  size_t size)
{
	size_t used = (size_t)snprintf(buf, size, "ECN");

	for (int i = 0; i < item->u.data.len / 3 && used < size; i++) {
		const uint8_t *b = &item->u.data.bytes[3 * i];

		used += (size_t)snprintf(buf + used, size - used, " %s %u",
					 accecn_field_name(item->kind, i),
					 (unsigned)b[0] << 16 |
					 (unsigned)b[1] << 8 | b[2]);
	}
}

void tcp_option_format(const struct tcp_opt_item *item, char *buf, size_t size)
{
	char hex[80];
	size_t used;

	switch (item->kind) {
	case TCPOPT_KIND_EOL:
		snprintf(buf, size, "eol");
		return;
	case TCPOPT_KIND_NOP:
		snprintf(buf, size, "nop");
		return;
	case TCPOPT_KIND_MSS:
		snprintf(buf, size, "mss %u", item->u.mss);
		return;
	case TCPOPT_KIND_WSCALE:
		if (item->any_value)
			snprintf(buf, size, "wscale *");
		else
			snprintf(buf, size, "wscale %u", item->u.wscale);
		return;
	case TCPOPT_KIND_SACK_PERMITTED:
		snprintf(buf, size, "sackOK");
		return;
	case TCPOPT_KIND_SACK:
		used = (size_t)snprintf(buf, size, "sack");
		for (int i = 0; i < item->u.sack.count && used < size; i++)
			used += (size_t)snprintf(buf + used, size - used, " %u:%u",
						 item->u.sack.blocks[i].left,
						 item->u.sack.blocks[i].right);
		return;
	case TCPOPT_KIND_TIMESTAMP:
		snprintf(buf, size, "TS val %u ecr %u", item->u.ts.val,
			 item->u.ts.ecr);
		return;
	case TCPOPT_KIND_FAST_OPEN:
		hex_format(item->u.data.bytes, item->u.data.len, hex, sizeof(hex));
		snprintf(buf, size, item->u.data.len ? "FO %s" : "FO", hex);
		return;
	case TCPOPT_KIND_MD5:
		hex_format(item->u.data.bytes, item->u.data.len, hex, sizeof(hex));
		snprintf(buf, size, "md5 %s", hex);
		return;
	case TCPOPT_KIND_ACCECN0:
	case TCPOPT_KIND_ACCECN1:
		if (item->u.data.len % 3 == 0 && item->u.data.len <= 9) {
			accecn_format(item, buf, size);
			return;
		}
		break;
	case TCPOPT_KIND_EXP:
		hex_format(item->u.data.bytes, item->u.data.len, hex, sizeof(hex));
		if (item->u.data.magic == TCPOPT_EXP_MAGIC_TFO)
			snprintf(buf, size, item->u.data.len ? "FOEXP %s" : "FOEXP",
				 hex);
		else
			snprintf(buf, size, "exp 0x%04x %s", item->u.data.magic, hex);
		return;
	default:
		break;
	}
	hex_format(item->u.data.bytes, item->u.data.len, hex, sizeof(hex));
	snprintf(buf, size, "option %u [%s]", item->kind, hex);
}

void tcp_view_format_options(const struct tcp_view *view, char *buf,
			     size_t size)
{
	size_t used = 0;
	char item[160];

	buf[0] = '\0';
	if (view->options_form == TCP_OPTIONS_ANY) {
		snprintf(buf, size, "<...>");
		return;
	}
	if (view->options_form == TCP_OPTIONS_ABSENT)
		return;
	used += (size_t)snprintf(buf, size, "<");
	for (int i = 0; i < view->option_count && used < size; i++) {
		tcp_option_format(&view->options[i], item, sizeof(item));
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i ? "," : "", item);
	}
	if (used < size)
		snprintf(buf + used, size - used, ">");
}

const char *tcp_ecn_name(enum ip_ecn ecn)
{
	switch (ecn) {
	case ECN_UNSPECIFIED:
		return NULL;
	case ECN_NOECN:
		return "noecn";
	case ECN_ECT0:
		return "ect0";
	case ECN_ECT1:
		return "ect1";
	case ECN_ECT01:
		return "ect01";
	case ECN_CE:
		return "ce";
	}
	return NULL;
}

/* "8080>40000 ", a side left out when it is not known, as the dump
 * writes a line that names only one port.
 */
static int format_ports(const struct tcp_view *view, char *buf, size_t size)
{
	char src[8] = "", dst[8] = "";

	if (view->src_port)
		snprintf(src, sizeof(src), "%u", view->src_port);
	if (view->dst_port)
		snprintf(dst, sizeof(dst), "%u", view->dst_port);
	return snprintf(buf, size, "%s>%s ", src, dst);
}

/* "[ect0, tos 0x28, flowlabel 0x12345, ttl 3] ": the ECN codepoint (ecn,
 * NULL for none), and for a script's view the other fields it wrote (a
 * live view has them all, which would only clutter its line).
 */
static size_t format_ip_info(const struct tcp_view *view, const char *ecn,
			     char *buf, size_t size)
{
	const struct ip_info *ip = &view->ip;
	bool script = !view->is_live;
	size_t used = 0;
	const char *sep = "[";

	if (ecn) {
		used += (size_t)snprintf(buf + used, size - used, "%s%s", sep,
					 ecn);
		sep = ", ";
	}
	if (script && ip->has_tos && used < size) {
		used += (size_t)snprintf(buf + used, size - used, "%stos 0x%02x",
					 sep, ip->tos);
		sep = ", ";
	}
	if (script && ip->has_flow_label && used < size) {
		used += (size_t)snprintf(buf + used, size - used,
					 "%sflowlabel 0x%05x", sep,
					 ip->flow_label);
		sep = ", ";
	}
	if (script && ip->has_ttl && used < size) {
		used += (size_t)snprintf(buf + used, size - used, "%sttl %u",
					 sep, ip->ttl);
		sep = ", ";
	}
	if (sep[0] == ',' && used < size)
		used += (size_t)snprintf(buf + used, size - used, "] ");
	return used < size ? used : size - 1;
}

void tcp_view_format(const struct tcp_view *view, char *buf, size_t size)
{
	char flags[16], opts[1024];
	const char *ecn = tcp_ecn_name(view->ip.ecn);
	size_t used;

	if (view->is_live && view->ip.ecn == ECN_NOECN)
		ecn = NULL;
	tcp_flags_format(view->flags, flags, sizeof(flags));
	used = (size_t)snprintf(buf, size, "%c ",
				view->direction == DIR_INBOUND ? '<' : '>');
	if (view->show_ports && used < size)
		used += (size_t)format_ports(view, buf + used, size - used);
	if (used < size)
		used += format_ip_info(view, ecn, buf + used, size - used);
	if (used < size)
		used += (size_t)snprintf(buf + used, size - used, "%s %u:%u(%u)",
					 flags, view->seq, view->seq + view->len,
					 view->len);
	if (view->has_ack && used < size)
		used += (size_t)snprintf(buf + used, size - used, " ack %u",
					 view->ack);
	if (view->has_win && used < size)
		used += (size_t)snprintf(buf + used, size - used, " win %u",
					 view->win);
	if (view->has_urg && used < size)
		used += (size_t)snprintf(buf + used, size - used, " urg %u",
					 view->urg);
	tcp_view_format_options(view, opts, sizeof(opts));
	if (opts[0] && used < size)
		snprintf(buf + used, size - used, " %s", opts);
}
