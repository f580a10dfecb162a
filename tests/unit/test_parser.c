/*
 * test_parser.c - tests of script_parse(), the tree and the dump.
 *
 * Golden tests: every tests/golden/NAME.pkt must parse and dump exactly
 * as tests/golden/NAME.dump, and every tests/golden/errors/NAME.pkt must
 * fail with exactly the diagnostics of NAME.err (as diag_print renders
 * them, source lines and carets included).  Every script that parses is
 * also parsed again from its dump, which must dump the same.  The
 * upstream scripts under $TCPCHECK_COMPAT_DIR/tcp (default
 * $top_srcdir/../shared/compat/tcp), when present, must all
 * parse and round-trip too.  The directory of the golden files comes from
 * $top_srcdir (default ".").  Other tests look into the tree directly.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parse.h"
#include "expr_print.h"
#include "tap.h"

/* Where the upstream scripts are: the project keeps them beside the tree. */
static void compat_dir(char *buf, size_t size)
{
	const char *dir = getenv("TCPCHECK_COMPAT_DIR");
	const char *top = getenv("top_srcdir");

	if (dir)
		snprintf(buf, size, "%s/tcp", dir);
	else
		snprintf(buf, size, "%s/../shared/compat/tcp", top ? top : ".");
}

/* ---- helpers ---- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t size = 0;
	FILE *out;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	out = open_memstream(&buf, &size);
	if (!out) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(f);
	fclose(out);
	*len = size;
	return buf;
}

/* Multi-line text as TAP comment lines, so the driver ignores it. */
static void diag_lines(const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);

		tap_diag("%.*s", len, text);
		text += len + (nl ? 1 : 0);
	}
}

static char *dump_script(const struct script *script)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	script_dump(script, out);
	fclose(out);
	return buf;
}

struct result {
	int rc;
	struct script *script;
	char *diags;		/* diag_print() output */
	int diag_count;
};

static struct result parse(const char *path, const char *text, size_t len)
{
	struct result r = { 0 };
	struct diag_list diags;
	size_t size = 0;
	FILE *out;

	diag_list_init(&diags, path);
	r.rc = script_parse(path, text, len, &r.script, &diags);
	r.diag_count = diags.count;
	out = open_memstream(&r.diags, &size);
	diag_print(&diags, text, len, out);
	fclose(out);
	diag_list_free(&diags);
	return r;
}

static struct result parse_str(const char *text)
{
	return parse("t.pkt", text, strlen(text));
}

static void result_free(struct result *r)
{
	script_free(r->script);
	free(r->diags);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && !strcmp(name + n - s, suffix);
}

struct path_list {
	char **items;
	int count;
};

static void path_list_add(struct path_list *list, char *path)
{
	char **items = realloc(list->items,
			       (size_t)(list->count + 1) * sizeof(*items));

	if (!items) {
		free(path);
		return;
	}
	list->items = items;
	list->items[list->count++] = path;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files under dir ending in suffix, sorted; recursive if asked. */
static void find_files(const char *dir, const char *suffix, bool recurse,
		       struct path_list *list)
{
	DIR *d = opendir(dir);
	struct dirent *ent;

	if (!d)
		return;
	while ((ent = readdir(d))) {
		struct stat st;
		char *path;

		if (ent->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, ent->d_name) < 0)
			continue;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (recurse)
				find_files(path, suffix, true, list);
			free(path);
		} else if (has_suffix(ent->d_name, suffix)) {
			path_list_add(list, path);
		} else {
			free(path);
		}
	}
	closedir(d);
	if (list->count > 1)
		qsort(list->items, (size_t)list->count, sizeof(char *),
		      path_cmp);
}

static void path_list_free(struct path_list *list)
{
	for (int i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
}

static char *sibling(const char *path, const char *ext)
{
	char *out;
	size_t stem = strlen(path) - strlen(".pkt");

	if (asprintf(&out, "%.*s%s", (int)stem, path, ext) < 0)
		return NULL;
	return out;
}

/* parse(dump(parse(x))) must dump as dump(parse(x)). */
static void check_round_trip(const char *name, const char *dump)
{
	struct result again = parse(name, dump, strlen(dump));

	if (!tap_ok(again.rc == 0, "%s: its dump parses again", name)) {
		diag_lines(again.diags);
	} else {
		char *second = dump_script(again.script);

		tap_is_str(second, dump, "%s: round trip dumps the same", name);
		free(second);
	}
	result_free(&again);
}

/* ---- golden files ---- */

static void test_golden(const char *dir)
{
	struct path_list files = { 0 };

	find_files(dir, ".pkt", false, &files);
	tap_ok(files.count >= 12, "at least 12 golden scripts in %s (%d)", dir,
	       files.count);
	for (int i = 0; i < files.count; i++) {
		const char *path = files.items[i];
		const char *name = base_name(path);
		char *want_path = sibling(path, ".dump");
		size_t len = 0, want_len = 0;
		char *text = read_file(path, &len);
		char *want = want_path ? read_file(want_path, &want_len) : NULL;
		struct result r;

		if (!tap_ok(text && want, "%s: script and .dump readable", name)) {
			free(text);
			free(want);
			free(want_path);
			continue;
		}
		r = parse(name, text, len);
		if (!tap_ok(r.rc == 0 && r.diag_count == 0, "%s parses", name)) {
			diag_lines(r.diags);
		} else {
			char *got = dump_script(r.script);

			tap_is_str(got, want, "%s dumps as %s", name,
				   base_name(want_path));
			check_round_trip(name, got);
			free(got);
		}
		result_free(&r);
		free(text);
		free(want);
		free(want_path);
	}
	path_list_free(&files);
}

static void test_golden_errors(const char *dir)
{
	struct path_list files = { 0 };

	find_files(dir, ".pkt", false, &files);
	tap_ok(files.count >= 12, "at least 12 error scripts in %s (%d)", dir,
	       files.count);
	for (int i = 0; i < files.count; i++) {
		const char *path = files.items[i];
		const char *name = base_name(path);
		char *want_path = sibling(path, ".err");
		size_t len = 0, want_len = 0;
		char *text = read_file(path, &len);
		char *want = want_path ? read_file(want_path, &want_len) : NULL;
		struct result r;

		if (!tap_ok(text && want, "%s: script and .err readable", name)) {
			free(text);
			free(want);
			free(want_path);
			continue;
		}
		r = parse(name, text, len);
		tap_ok(r.rc == -1 && !r.script, "%s fails to parse", name);
		tap_is_str(r.diags, want, "%s gives the diagnostics of %s", name,
			   base_name(want_path));
		result_free(&r);
		free(text);
		free(want);
		free(want_path);
	}
	path_list_free(&files);
}

static void test_compat(void)
{
	struct path_list files = { 0 };
	char dir[4096];
	struct stat st;
	int failed = 0;

	compat_dir(dir, sizeof(dir));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tap_diag("%s not found: upstream scripts skipped", dir);
		return;
	}
	find_files(dir, ".pkt", true, &files);
	tap_ok(files.count > 0, "upstream scripts found (%d)", files.count);
	for (int i = 0; i < files.count; i++) {
		const char *path = files.items[i];
		const char *name = path + strlen(dir) + 1;
		size_t len = 0;
		char *text = read_file(path, &len);
		struct result r;

		if (!text) {
			tap_ok(false, "%s readable", name);
			continue;
		}
		r = parse(name, text, len);
		if (!tap_ok(r.rc == 0, "%s parses", name)) {
			diag_lines(r.diags);
			failed++;
		} else {
			char *got = dump_script(r.script);

			check_round_trip(name, got);
			free(got);
		}
		result_free(&r);
		free(text);
	}
	if (failed)
		tap_diag("%d upstream scripts failed", failed);
	path_list_free(&files);
}

/* ---- the tree itself ---- */

static const struct event *event_at(const struct result *r, int i)
{
	if (!r->script || i >= r->script->event_count)
		return NULL;
	return &r->script->events[i];
}

static void test_times(void)
{
	struct result r = parse_str(
		"0.1 f() = 0\n"
		"+.1...0.200 read(4, ..., 2000) = 2000\n"
		"* > . 1:1(0) ack 1\n"
		"0.000001~2 > . 1:1(0)\n"
		"+0.3~+0.4 > . 1:1(0)\n"
		"7 f() = 0\n");
	const struct event *e;

	tap_ok(r.rc == 0, "times parse");
	tap_is_int(r.script ? r.script->event_count : -1, 6, "six events");
	if ((e = event_at(&r, 0))) {
		tap_is_int(e->time.kind, TIME_ABSOLUTE, "0.1 is absolute");
		tap_is_int(e->time.usecs, 100000, "0.1 is exactly 100000 us");
		tap_ok(!e->time.has_block_end, "no block end");
	}
	if ((e = event_at(&r, 1))) {
		tap_is_int(e->time.kind, TIME_RELATIVE, "+.1 is relative");
		tap_is_int(e->time.usecs, 100000, "+.1 is 100000 us");
		tap_ok(e->time.has_block_end, "...0.200 sets the block end");
		tap_is_int(e->time.block_end_usecs, 200000, "block end 0.200");
		tap_ok(e->u.syscall.is_blocking, "the call is blocking");
	}
	if ((e = event_at(&r, 2)))
		tap_is_int(e->time.kind, TIME_ANY, "* is any time");
	if ((e = event_at(&r, 3))) {
		tap_is_int(e->time.kind, TIME_ABSOLUTE_RANGE, "absolute range");
		tap_is_int(e->time.usecs, 1, "range start 1 us");
		tap_is_int(e->time.end_usecs, 2000000, "range end 2 s");
	}
	if ((e = event_at(&r, 4))) {
		tap_is_int(e->time.kind, TIME_RELATIVE_RANGE, "relative range");
		tap_is_int(e->time.usecs, 300000, "relative range start");
		tap_is_int(e->time.end_usecs, 400000, "relative range end");
	}
	if ((e = event_at(&r, 5)))
		tap_is_int(e->time.usecs, 7000000, "7 is 7 s");
	result_free(&r);
}

static void test_packet_fields(void)
{
	struct result r = parse_str(
		"0 < 192.0.2.1:40001>[fd3d::1]:8080 [ect0] S. 5:15(10) ack 7 "
		"win 100 urg 3 <mss 1000, wscale 7, sack 1:2 3:4, "
		"TS val 5 ecr 6, FO abcd, FOEXP, md5 00ff, sackOK, nop, eol>\n"
		"+0 > 40001>8080 - 0:0(0) <...>\n"
		"+0 > . 0:0(0)\n");
	const struct event *e;

	tap_ok(r.rc == 0, "packets parse");
	if ((e = event_at(&r, 0))) {
		const struct tcp_packet_spec *p = &e->u.packet;

		tap_is_int(e->kind, EVENT_PACKET, "a TCP packet");
		tap_is_int(p->direction, DIR_INBOUND, "< is inbound");
		tap_ok(p->src.has_addr && p->src.has_port, "src addr and port");
		tap_is_str(p->src.addr, "192.0.2.1", "src address");
		tap_is_int(p->src.port, 40001, "src port");
		tap_is_str(p->dst.addr, "fd3d::1", "IPv6 dst without brackets");
		tap_is_int(p->dst.port, 8080, "dst port");
		tap_is_int(p->ip.ecn, ECN_ECT0, "[ect0]");
		tap_is_str(p->flags, "S.", "flags as written");
		tap_is_int(p->flags_loc.column, 43, "flags column");
		tap_is_int(p->seq_start, 5, "seq start");
		tap_is_int(p->seq_end, 15, "seq end");
		tap_is_int(p->payload_len, 10, "payload length");
		tap_ok(p->has_ack && p->ack == 7, "ack 7");
		tap_ok(p->has_win && p->win == 100, "win 100");
		tap_ok(p->has_urg && p->urg == 3, "urg 3");
		tap_is_int(p->options_form, TCP_OPTIONS_LIST, "option list");
		tap_is_int(p->option_count, 10, "ten options");
		if (p->option_count == 10) {
			const struct tcp_option *o = p->options;

			tap_ok(o[0].kind == OPT_MSS && o[0].value == 1000, "mss");
			tap_ok(o[1].kind == OPT_WSCALE && o[1].value == 7,
			       "wscale");
			tap_ok(o[2].kind == OPT_SACK && o[2].sack_count == 2 &&
			       o[2].sack_blocks[1].left == 3 &&
			       o[2].sack_blocks[1].right == 4, "sack blocks");
			tap_ok(o[3].kind == OPT_TIMESTAMP && o[3].ts_val == 5 &&
			       o[3].ts_ecr == 6, "timestamps");
			tap_ok(o[4].kind == OPT_FAST_OPEN, "FO");
			tap_is_str(o[4].cookie, "abcd", "FO cookie");
			tap_ok(o[5].kind == OPT_FAST_OPEN_EXP && !o[5].cookie,
			       "FOEXP without a cookie");
			tap_ok(o[6].kind == OPT_MD5, "md5");
			tap_is_str(o[6].cookie, "00ff", "md5 digest");
			tap_ok(o[7].kind == OPT_SACK_PERMITTED &&
			       o[8].kind == OPT_NOP && o[9].kind == OPT_EOL,
			       "sackOK, nop, eol");
			tap_is_int(o[1].loc.column, 86, "option column");
		}
	}
	if ((e = event_at(&r, 1))) {
		const struct tcp_packet_spec *p = &e->u.packet;

		tap_is_int(p->direction, DIR_OUTBOUND, "> is outbound");
		tap_ok(!p->src.has_addr && p->src.has_port &&
		       p->src.port == 40001 && !p->dst.addr &&
		       p->dst.port == 8080, "ports-only endpoints");
		tap_is_str(p->flags, "-", "- flags");
		tap_is_int(p->options_form, TCP_OPTIONS_ANY, "<...>");
		tap_is_int(p->ip.ecn, ECN_UNSPECIFIED, "no ECN written");
		tap_ok(!p->has_ack && !p->has_win && !p->has_urg,
		       "no ack, win or urg");
	}
	if ((e = event_at(&r, 2))) {
		const struct tcp_packet_spec *p = &e->u.packet;

		tap_is_int(p->options_form, TCP_OPTIONS_ABSENT, "no options");
		tap_ok(!p->src.has_addr && !p->src.has_port &&
		       !p->dst.has_addr && !p->dst.has_port,
		       "no endpoints written");
	}
	result_free(&r);
}

/* `wscale *` (packetdrill's any-shift-count form): a flag on the option,
 * no value, and a dump that writes the star back so a round trip keeps it.
 */
static void test_wscale_any(void)
{
	struct result r = parse_str(
		"0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale *>\n"
		"+0 > S. 0:0(0) ack 1 <wscale 7>\n");
	const struct event *e;

	tap_ok(r.rc == 0, "wscale * parses");
	if ((e = event_at(&r, 0))) {
		const struct tcp_packet_spec *p = &e->u.packet;

		tap_ok(p->option_count == 3 && p->options[2].kind == OPT_WSCALE &&
		       p->options[2].any_value && p->options[2].value == 0,
		       "wscale * is a wscale option with any value");
		if (p->option_count == 3)
			tap_is_int(p->options[2].loc.column, 35,
				   "wscale * is located at its keyword");
	}
	if ((e = event_at(&r, 1)))
		tap_ok(e->u.packet.option_count == 1 &&
		       !e->u.packet.options[0].any_value &&
		       e->u.packet.options[0].value == 7,
		       "wscale 7 keeps its value");
	if (r.rc == 0) {
		char *dump = dump_script(r.script);

		tap_is_str(dump, "0.000 > S. 0:0(0) ack 1 "
			   "<mss 1460,nop,wscale *>\n"
			   "+0.000 > S. 0:0(0) ack 1 <wscale 7>\n",
			   "wscale * dumps as written");
		check_round_trip("wscale-any", dump);
		free(dump);
	}
	result_free(&r);
}

static void test_icmp_fields(void)
{
	struct result r = parse_str(
		"0 < icmp unreachable frag_needed mtu 800 id 3 [0:10(10)]\n"
		"+0 < icmp echo [udp(5)]\n");
	const struct event *e;

	tap_ok(r.rc == 0, "icmp parses");
	if ((e = event_at(&r, 0))) {
		const struct icmp_packet_spec *p = &e->u.icmp;

		tap_is_int(e->kind, EVENT_ICMP, "an ICMP packet");
		tap_is_str(p->type, "unreachable", "icmp type");
		tap_is_str(p->code, "frag_needed", "icmp code");
		tap_ok(p->has_mtu && p->mtu == 800, "mtu");
		tap_ok(p->has_id && p->id == 3, "id");
		tap_ok(p->echoed == ICMP_ECHOED_TCP && p->echoed_seq_start == 0 &&
		       p->echoed_seq_end == 10 && p->echoed_len == 10,
		       "echoed TCP segment");
		tap_is_int(p->type_loc.column, 10, "type column");
	}
	if ((e = event_at(&r, 1))) {
		const struct icmp_packet_spec *p = &e->u.icmp;

		tap_ok(!p->code && !p->has_mtu && !p->has_id, "nothing optional");
		tap_ok(p->echoed == ICMP_ECHOED_UDP && p->echoed_len == 5,
		       "echoed UDP");
	}
	result_free(&r);
}

/* UDP lines: both ways of writing ports land in the same fields, and
 * the `udp` keyword stays an ordinary word in expressions.
 */
static void test_udp_fields(void)
{
	struct result r = parse_str(
		"0 < udp (1000)\n"
		"+0 > [tos 0x10, ttl 3] udp 5000>6000 (20)\n"
		"+0 < 7>8 udp (0)\n"
		"+0 f(udp) = 0\n");
	const struct event *e;

	tap_ok(r.rc == 0 && r.diag_count == 0, "udp lines parse");
	if ((e = event_at(&r, 0))) {
		const struct udp_packet_spec *p = &e->u.udp;

		tap_is_int(e->kind, EVENT_UDP, "a UDP packet line");
		tap_is_int(p->direction, DIR_INBOUND, "inbound");
		tap_is_int(p->payload_len, 1000, "payload length");
		tap_ok(!p->src.has_port && !p->dst.has_port, "no ports written");
		tap_is_int(p->udp_loc.column, 5, "udp keyword column");
	}
	if ((e = event_at(&r, 1))) {
		const struct udp_packet_spec *p = &e->u.udp;

		tap_is_int(p->direction, DIR_OUTBOUND, "outbound");
		tap_ok(p->src.has_port && p->src.port == 5000 &&
		       p->dst.has_port && p->dst.port == 6000,
		       "ports after udp: 5000>6000");
		tap_ok(p->ip.has_tos && p->ip.tos == 0x10 && p->ip.has_ttl &&
		       p->ip.ttl == 3 && p->ip.ecn == ECN_UNSPECIFIED,
		       "ip_info tos and ttl");
		tap_is_int(p->payload_len, 20, "its length");
	}
	if ((e = event_at(&r, 2)))
		tap_ok(e->u.udp.src.port == 7 && e->u.udp.dst.port == 8,
		       "endpoints before udp give the ports too");
	if ((e = event_at(&r, 3)))
		tap_ok(e->kind == EVENT_SYSCALL && e->u.syscall.args.count == 1 &&
		       e->u.syscall.args.items[0]->kind == EXPR_WORD,
		       "udp is a plain word in a call's arguments");
	result_free(&r);

	r = parse_str("0 < [ect0] udp (1)\n");
	tap_ok(r.rc == -1 && strstr(r.diags, "t.pkt:1:12: error: ECN can only "
				    "be used with TCP packets"),
	       "ECN on a UDP line is refused at the udp keyword");
	result_free(&r);
	r = parse_str("0 < udp (65536)\n");
	tap_ok(r.rc == -1 && strstr(r.diags, "t.pkt:1:10: error: UDP payload "
				    "length 65536 is out of range"),
	       "a UDP length over 16 bits is refused at the number");
	result_free(&r);
	r = parse_str("0 < udp (65535)\n");
	tap_ok(r.rc == 0, "65535 fits");
	result_free(&r);
}

static void test_syscall_fields(void)
{
	struct result r = parse_str(
		"0 connect(3, ..., ...) = -1 EINPROGRESS "
		"(Operation now in progress)\n"
		"+0 close(3) = 0 (Broken pipe - peer reset)\n"
		"+0 read(4,\n"
		"        ..., 10) = 10\n");
	const struct event *e;

	tap_ok(r.rc == 0, "system calls parse");
	if ((e = event_at(&r, 0))) {
		const struct syscall_spec *c = &e->u.syscall;

		tap_is_int(e->kind, EVENT_SYSCALL, "a system call");
		tap_is_str(c->name, "connect", "name");
		tap_is_int(c->name_loc.column, 3, "name column");
		tap_is_int(c->args.count, 3, "three arguments");
		tap_ok(c->result && c->result->kind == EXPR_INT &&
		       c->result->u.num.value == -1, "result -1");
		tap_is_str(c->errno_name, "EINPROGRESS", "errno name");
		tap_is_int(c->errno_loc.column, 29, "errno column");
		tap_is_str(c->note, "Operation now in progress",
			   "note without parentheses");
		tap_ok(!c->is_blocking, "not blocking");
	}
	if ((e = event_at(&r, 1))) {
		tap_ok(!e->u.syscall.errno_name, "note without errno");
		tap_is_str(e->u.syscall.note, "Broken pipe - peer reset",
			   "note text");
	}
	if ((e = event_at(&r, 2))) {
		tap_is_int(e->loc.line, 3, "event line");
		tap_is_int(e->loc.column, 1, "event column");
		tap_ok(e->u.syscall.args.count == 3 &&
		       e->u.syscall.args.items[1]->loc.line == 4 &&
		       e->u.syscall.args.items[1]->loc.column == 9,
		       "argument on the next line keeps its location");
		tap_ok(!e->u.syscall.note, "no note");
	}
	result_free(&r);
}

static void test_expressions(void)
{
	struct result r = parse_str(
		"0 f(a|b|c, \"x\\0y\"..., \"ab\" \"cd\", 0x1F, -5, [], "
		"{msg_iov(1)=[{..., 7}], n=1}, htons(80)) = 0\n");
	const struct event *e = event_at(&r, 0);
	const struct expr_list *args = e ? &e->u.syscall.args : NULL;

	tap_ok(r.rc == 0, "expressions parse");
	if (!tap_ok(args && args->count == 8, "eight arguments")) {
		result_free(&r);
		return;
	}
	const struct expr *or = args->items[0];

	tap_ok(or->kind == EXPR_OR && or->u.binary.lhs->kind == EXPR_OR &&
	       or->u.binary.rhs->kind == EXPR_WORD &&
	       !strcmp(or->u.binary.rhs->u.word, "c"),
	       "a|b|c groups to the left");
	tap_ok(args->items[1]->kind == EXPR_STRING &&
	       args->items[1]->u.str.len == 3 &&
	       !memcmp(args->items[1]->u.str.text, "x\0y", 3) &&
	       args->items[1]->u.str.trailing_ellipsis,
	       "escapes resolved, length counts the NUL, trailing ...");
	tap_ok(args->items[2]->kind == EXPR_STRING &&
	       !strcmp(args->items[2]->u.str.text, "abcd") &&
	       !args->items[2]->u.str.trailing_ellipsis,
	       "adjacent strings concatenate");
	tap_ok(args->items[3]->kind == EXPR_INT &&
	       args->items[3]->u.num.value == 31 &&
	       args->items[3]->u.num.is_hex, "hex integer");
	tap_ok(args->items[4]->kind == EXPR_INT &&
	       args->items[4]->u.num.value == -5 &&
	       !args->items[4]->u.num.is_hex, "negative integer");
	tap_ok(args->items[5]->kind == EXPR_ARRAY &&
	       args->items[5]->u.array.count == 0, "empty array");

	const struct expr *st = args->items[6];

	if (tap_ok(st->kind == EXPR_STRUCT && st->u.structure.count == 2,
		   "struct with two fields")) {
		const struct expr_field *f = &st->u.structure.fields[0];
		const struct expr *iov = f->value;

		tap_is_str(f->name, "msg_iov", "field name");
		tap_ok(f->index && f->index->kind == EXPR_INT &&
		       f->index->u.num.value == 1, "field index");
		tap_ok(iov->kind == EXPR_ARRAY && iov->u.array.count == 1 &&
		       iov->u.array.items[0]->kind == EXPR_STRUCT &&
		       iov->u.array.items[0]->u.structure.count == 2 &&
		       !iov->u.array.items[0]->u.structure.fields[0].name,
		       "positional fields in a nested struct");
		tap_is_int(f->loc.column, 49, "field column");
		tap_is_int(st->loc.column, 48, "struct column");
	}
	tap_ok(args->items[7]->kind == EXPR_CALL &&
	       !strcmp(args->items[7]->u.call.name, "htons") &&
	       args->items[7]->u.call.args.count == 1, "call form");
	tap_is_int(args->items[7]->loc.column, 78, "call column");
	result_free(&r);
}

/* A sink into a fixed buffer, as the system-call layer's reports use. */
struct buf_sink {
	struct expr_sink base;
	char text[256];
	size_t len;
};

static void buf_write(struct expr_sink *sink, const char *text, size_t len)
{
	struct buf_sink *b = (struct buf_sink *)sink;

	if (len > sizeof(b->text) - 1 - b->len)
		len = sizeof(b->text) - 1 - b->len;
	memcpy(b->text + b->len, text, len);
	b->len += len;
	b->text[b->len] = '\0';
}

static const char *printed(const struct expr *e, enum expr_style style)
{
	static struct buf_sink b;

	b = (struct buf_sink){ .base = { buf_write } };
	expr_print(e, style, &b.base);
	return b.text;
}

/* One printer, two forms: --dump's and the reports'. */
static void test_expr_print(void)
{
	struct result r = parse_str(
		"0 f(\"a\\nb\\x01\"..., 0x0, 0x1f, {n(2)=[-5, ...]}, a|b, "
		"g(\"q\\\"\"), {gre flags 0x2000, sum 0, off 0, key 0x1, seq 2}) "
		"= 0\n");
	const struct event *e = event_at(&r, 0);
	const struct expr *call = NULL;
	static const char *const script[] = {
		"\"a\\nb\\x01\"...", "0x0", "0x1f", "{n(2)=[-5, ...]}", "a|b",
		"g(\"q\\\"\")",
		"{gre flags 0x2000, sum 0, off 0, key 0x00000001, seq 2}",
	};
	static const char *const report[] = {
		"\"a\\x0ab\\x01\"...", "0", "0x1f", "{n(2)=[-5, ...]}", "a|b",
		"g(\"q\\\"\")", "{a GRE header}",
	};

	if (!tap_ok(r.rc == 0 && e && e->u.syscall.args.count == 7,
		    "an expression of every kind parses")) {
		tap_diag("%s", r.diags ? r.diags : "");
		result_free(&r);
		return;
	}
	for (int i = 0; i < 7; i++) {
		call = e->u.syscall.args.items[i];
		tap_is_str(printed(call, EXPR_STYLE_SCRIPT), script[i],
			   "--dump prints argument %d as the script", i);
		tap_is_str(printed(call, EXPR_STYLE_REPORT), report[i],
			   "... a report in its own form");
	}
	tap_is_str(printed(NULL, EXPR_STYLE_REPORT), "...",
		   "an argument left out prints as ...");
	result_free(&r);
}

static void test_script_parts(void)
{
	struct result r = parse_str(
		"--tolerance_usecs=10000\n"
		"--strict_segments\n"
		"  `init\n  two`\n"
		"0 %{ a = 1 }%\n"
		"+0 `timed`\n"
		"`cleanup`\n");

	tap_ok(r.rc == 0, "options and commands parse");
	if (r.script) {
		const struct script *s = r.script;

		tap_is_str(s->path, "t.pkt", "path kept");
		tap_is_int(s->option_count, 2, "two options");
		if (s->option_count == 2) {
			tap_is_str(s->options[0].name, "tolerance_usecs",
				   "option name");
			tap_is_str(s->options[0].value, "10000", "option value");
			tap_ok(!s->options[1].value, "a flag has no value");
			tap_is_int(s->options[1].loc.line, 2, "option line");
		}
		tap_is_str(s->init_command, "init\n  two",
			   "init command verbatim");
		tap_ok(s->init_loc.line == 3 && s->init_loc.column == 3,
		       "init command location");
		tap_is_str(s->cleanup_command, "cleanup", "cleanup command");
		tap_is_int(s->cleanup_loc.line, 7, "cleanup command line");
		tap_is_int(s->event_count, 2, "two events");
		if (s->event_count == 2) {
			tap_ok(s->events[0].kind == EVENT_CODE &&
			       !strcmp(s->events[0].u.code, " a = 1 "),
			       "code verbatim");
			tap_ok(s->events[1].kind == EVENT_COMMAND &&
			       !strcmp(s->events[1].u.command, "timed"),
			       "timed command");
		}
	}
	result_free(&r);
}

/* ---- the API contract ---- */

static void test_api(void)
{
	struct diag_list diags;
	struct script *script = (struct script *)&diags;
	int rc;

	diag_list_init(&diags, "x.pkt");
	rc = script_parse("x.pkt", "", 0, &script, &diags);
	tap_ok(rc == 0 && script && script->event_count == 0 &&
	       script->option_count == 0 && diags.count == 0,
	       "an empty script parses");
	script_free(script);

	rc = script_parse("x.pkt", NULL, 0, &script, &diags);
	tap_ok(rc == 0 && script, "no text at all parses");
	script_free(script);

	/* Earlier entries stay first; only this parse's are sorted. */
	diag_add(&diags, (struct src_loc){ 9, 9 }, "earlier");
	rc = script_parse("x.pkt", "0 f( = 1\n\"", 10, &script, &diags);
	tap_ok(rc == -1 && !script, "failure returns -1 and NULL");
	tap_ok(diags.count == 3 && !strcmp(diags.items[0].message, "earlier") &&
	       diags.items[1].loc.line == 1 && diags.items[2].loc.line == 2,
	       "diagnostics appended in file order");

	/* The text need not be NUL-terminated: only len bytes count. */
	rc = script_parse("x.pkt", "0 close(3) = 0 garbage", 14, &script,
			  &diags);
	tap_ok(rc == 0 && script && script->event_count == 1,
	       "only len bytes are parsed");
	script_free(script);
	script_free(NULL);
	diag_list_free(&diags);
}

static void test_many_errors(void)
{
	struct result r = parse_str(
		"0 f(1 2) = 0\n"
		"+0 g(]) = 0\n"
		"+0 h() = 0\n"
		"+0 > . 1:1(0) ack\n"
		"+0 > . 1:1(0) ack 1 junk\n"
		"+0 i() = 0 0\n"
		"+0 j() = 0\n");

	tap_ok(r.rc == -1, "a script with errors fails");
	tap_is_int(r.diag_count, 5, "every error is reported");
	tap_is_str(r.diags,
		   "t.pkt:1:7: error: syntax error, unexpected integer 2, "
		   "expecting '|' or ')' or ','\n"
		   "0 f(1 2) = 0\n"
		   "      ^\n"
		   "t.pkt:2:6: error: syntax error, unexpected ']'\n"
		   "+0 g(]) = 0\n"
		   "     ^\n"
		   "t.pkt:4:18: error: syntax error, unexpected end of line, "
		   "expecting integer\n"
		   "+0 > . 1:1(0) ack\n"
		   "                 ^\n"
		   "t.pkt:5:21: error: syntax error, unexpected word \"junk\"\n"
		   "+0 > . 1:1(0) ack 1 junk\n"
		   "                    ^\n"
		   "t.pkt:6:12: error: syntax error, unexpected integer 0\n"
		   "+0 i() = 0 0\n"
		   "           ^\n",
		   "messages, columns and carets");
	result_free(&r);
}

/* Deep nesting ends in a located error, not a crash. */
static void test_deep_nesting(void)
{
	size_t depth = 20000;
	char *text = malloc(depth + 32);
	struct result r;

	if (!text)
		return;
	strcpy(text, "0 f(");
	memset(text + 4, '[', depth);
	strcpy(text + 4 + depth, ") = 0\n");
	r = parse_str(text);
	tap_ok(r.rc == -1 && r.diag_count >= 1, "very deep nesting fails");
	tap_ok(strstr(r.diags, "t.pkt:1:") && strstr(r.diags, "nesting too deep"),
	       "with a located message");
	result_free(&r);
	free(text);
}

/* Every prefix of a script, in a buffer of exactly its size (so the
 * sanitized build catches any read past the end), either parses or
 * fails with at least one diagnostic.
 */
static void test_prefixes(void)
{
	static const char script[] =
		"--tolerance_usecs=10000\n"
		"`init`\n"
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 // c\n"
		"+.1...0.2 read(4, {a=[1, \"x\\n\"...], b(1)=f(0x1f)}, -1) "
		"= -1 EAGAIN (Try again)\n"
		"/* c */ * > 1>2 [ect0] S.E 0:0(0) ack 1 win 2 urg 3 "
		"<mss 1,sack 1:2,TS val 1 ecr 2,FO ab,nop>\n"
		"0.1~0.2 < [fd::1]:1>1.2.3.4:2 icmp unreachable x mtu 1 "
		"[1:2(1)]\n"
		"+0 %{ code }%\n"
		"`cleanup`\n";
	size_t len = sizeof(script) - 1;
	int bad = -1, ok = 0;

	for (size_t n = 0; n <= len && bad < 0; n++) {
		char *text = malloc(n ? n : 1);
		struct diag_list diags;
		struct script *out = NULL;
		int rc;

		if (!text)
			break;
		memcpy(text, script, n);
		diag_list_init(&diags, "p.pkt");
		rc = script_parse("p.pkt", text, n, &out, &diags);
		if ((rc == 0 && (!out || diags.count)) ||
		    (rc != 0 && (out || !diags.count)))
			bad = (int)n;
		ok += rc == 0;
		script_free(out);
		diag_list_free(&diags);
		free(text);
	}
	tap_ok(bad < 0, "every prefix parses or fails with a diagnostic%s",
	       bad < 0 ? "" : " (not so at some length)");
	tap_ok(ok > 1, "some prefixes parse (%d)", ok);
}

/* The encapsulation layers land in the tree outermost first, each with
 * its own fields and the column of its keyword.
 */
static void test_encap_fields(void)
{
	struct result r = parse_str(
		"0 < ipv4 [ttl 9] 2.2.2.2 > 1.1.1.1: gre flags 0xb000, sum 1, "
		"off 2, key = 0x80001234, seq 512: mpls (label 1048575, tc 7, "
		"ttl 0) (label 5, tc 1, [S], ttl 255): ipv6 2::2 > 1::1: "
		". 1:1(0) ack 1\n"
		"+0 > encap psp spi 12, vc 0xfedcba9876543210 . 1:1(0)\n"
		"+0 < ipv6 fd::2 > fd::1 : gre: icmp unreachable\n"
		"+0 f({(label 3, tc 0, ttl 1)}, {gre flags [key present], "
		"sum 0, off 0, key 9, seq 0}) = 0\n");
	const struct event *e;

	tap_ok(r.rc == 0, "encapsulated lines parse");
	if ((e = event_at(&r, 0))) {
		const struct encap_list *l = &e->u.packet.encaps;

		tap_is_int(l->count, 4, "four layers");
		if (l->count == 4) {
			const struct encap_layer *ip = &l->items[0];
			const struct encap_layer *gre = &l->items[1];
			const struct encap_layer *mpls = &l->items[2];
			const struct encap_layer *ip6 = &l->items[3];

			tap_is_int(ip->kind, ENCAP_IPV4, "outer IPv4 first");
			tap_is_int(ip->loc.column, 5, "its keyword's column");
			tap_is_str(ip->u.ip.src, "2.2.2.2", "outer source");
			tap_is_str(ip->u.ip.dst, "1.1.1.1", "outer destination");
			tap_ok(ip->u.ip.info.has_ttl && ip->u.ip.info.ttl == 9,
			       "outer ip_info");
			tap_is_int(gre->kind, ENCAP_GRE, "then GRE");
			tap_ok(gre->u.gre.has_fields, "GRE fields written");
			tap_is_int(gre->u.gre.flags, 0xb000, "GRE flags");
			tap_is_int(gre->u.gre.sum, 1, "GRE sum");
			tap_is_int(gre->u.gre.off, 2, "GRE off");
			tap_ok(gre->u.gre.key == 0x80001234, "GRE key");
			tap_is_int(gre->u.gre.seq, 512, "GRE seq");
			tap_is_int(mpls->kind, ENCAP_MPLS, "then MPLS");
			tap_is_int(mpls->u.mpls.count, 2, "two entries");
			if (mpls->u.mpls.count == 2) {
				const struct mpls_entry *m = mpls->u.mpls.entries;

				tap_ok(m[0].label == 1048575 && m[0].tc == 7 &&
				       !m[0].bottom && m[0].ttl == 0,
				       "first entry");
				tap_ok(m[1].label == 5 && m[1].tc == 1 &&
				       m[1].bottom && m[1].ttl == 255,
				       "bottom entry");
			}
			tap_is_int(ip6->kind, ENCAP_IPV6, "inner IPv6 last");
			tap_is_str(ip6->u.ip.src, "2::2", "bare IPv6 source");
			tap_is_str(ip6->u.ip.dst, "1::1",
				   "bare IPv6 ends before its ':'");
		}
		tap_is_str(e->u.packet.flags, ".", "the packet's own flags");
	}
	if ((e = event_at(&r, 1))) {
		const struct encap_list *l = &e->u.packet.encaps;

		tap_ok(l->count == 1 && l->items[0].kind == ENCAP_PSP &&
		       l->items[0].u.psp.transport &&
		       l->items[0].u.psp.spi == 12 && l->items[0].u.psp.has_vc &&
		       l->items[0].u.psp.vc == 0xfedcba9876543210ull,
		       "transport-mode PSP with a 64-bit vc");
	}
	if ((e = event_at(&r, 2)))
		tap_ok(e->kind == EVENT_ICMP && e->u.icmp.encaps.count == 2 &&
		       e->u.icmp.encaps.items[1].kind == ENCAP_GRE &&
		       !e->u.icmp.encaps.items[1].u.gre.has_fields,
		       "an ICMP line carries layers too");
	if ((e = event_at(&r, 3))) {
		const struct expr_list *a = &e->u.syscall.args;

		tap_ok(a->count == 2 && a->items[0]->kind == EXPR_ENCAP &&
		       a->items[0]->u.encap->kind == ENCAP_MPLS &&
		       a->items[0]->u.encap->u.mpls.entries[0].label == 3,
		       "an MPLS stack argument");
		tap_ok(a->count == 2 && a->items[1]->kind == EXPR_ENCAP &&
		       a->items[1]->u.encap->kind == ENCAP_GRE &&
		       a->items[1]->u.encap->u.gre.flags == GRE_FLAG_KEY &&
		       a->items[1]->u.encap->u.gre.key == 9,
		       "a GRE header argument with named flags");
	}
	result_free(&r);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	char *golden = NULL, *errors = NULL;

	if (!top || !*top)
		top = ".";
	if (asprintf(&golden, "%s/tests/golden", top) < 0 ||
	    asprintf(&errors, "%s/tests/golden/errors", top) < 0)
		return 99;
	test_times();
	test_packet_fields();
	test_wscale_any();
	test_icmp_fields();
	test_udp_fields();
	test_syscall_fields();
	test_expressions();
	test_expr_print();
	test_script_parts();
	test_api();
	test_many_errors();
	test_deep_nesting();
	test_prefixes();
	test_encap_fields();
	test_golden(golden);
	test_golden_errors(errors);
	test_compat();
	free(golden);
	free(errors);
	return tap_done();
}
