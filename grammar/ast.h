/*
 * ast.h - the parsed form of a tcpcheck (packetdrill-language) script.
 *
 * The parser produces one struct script that owns every node below it;
 * script_free() releases all of it.  Nodes carry their source location so
 * that every later pass (semantic checks, the engine) can report errors at
 * file:line:col.  The tree is purely syntactic: symbolic constants stay
 * names, struct literals stay lists of named fields, and no packet bytes
 * are built here.  Later passes give them meaning.
 */
#ifndef TCPCHECK_AST_H
#define TCPCHECK_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct src_loc {
	int line;	/* 1-based */
	int column;	/* 1-based, in bytes */
};

/* ---- expressions (system call arguments and results) ---- */

enum expr_kind {
	EXPR_ELLIPSIS,	/* ... : "whatever is right / don't check" */
	EXPR_INT,	/* 42, -1, 0x1f */
	EXPR_STRING,	/* "abc", optionally followed by ... */
	EXPR_WORD,	/* SO_REUSEADDR, AF_INET, EINPROGRESS */
	EXPR_OR,	/* a | b */
	EXPR_ARRAY,	/* [a, b] or [] */
	EXPR_STRUCT,	/* {name=value, name(arg)=value, value, ...} */
	EXPR_CALL,	/* htons(8080), inet_addr("1.2.3.4") */
	EXPR_ENCAP,	/* {gre flags ...} or {(label ...) ...}: a GRE header
			 * or an MPLS stack as a system call argument */
};

struct expr;

struct expr_list {
	struct expr **items;
	int count;
};

/* One member of a struct literal: `name=value`, `name(index)=value`
 * (msghdr's msg_iov(1)=[...]) or a bare positional `value` (iovec).
 */
struct expr_field {
	char *name;		/* NULL for a positional member */
	struct expr *index;	/* NULL unless written name(index)=... */
	struct expr *value;
	struct src_loc loc;
};

/* Expressions nest at most this deep (an a|b|c chain nests one level
 * per '|').  The parser rejects deeper ones, so that the passes that walk
 * a tree recursively (checks, evaluation, dump, free) cannot run out of
 * stack on a hostile script.
 */
#define EXPR_DEPTH_MAX 256

struct expr {
	enum expr_kind kind;
	struct src_loc loc;
	int depth;	/* levels in this subtree: 1 for a leaf */
	union {
		struct {
			int64_t value;
			bool is_hex;	/* written 0x...: dumped the same way */
		} num;
		struct {
			char *text;	/* escapes resolved, NUL-terminated */
			size_t len;	/* length of text, may contain NULs */
			bool trailing_ellipsis;	/* "abc"... */
		} str;
		char *word;
		struct {
			struct expr *lhs;
			struct expr *rhs;
		} binary;
		struct expr_list array;
		struct {
			struct expr_field *fields;
			int count;
		} structure;
		struct {
			char *name;
			struct expr_list args;
		} call;
		struct encap_layer *encap;	/* ENCAP_GRE or ENCAP_MPLS */
	} u;
};

/* ---- TCP packet lines ---- */

enum direction {
	DIR_INBOUND,	/* '<': injected into the stack under test */
	DIR_OUTBOUND,	/* '>': sent by the stack under test, to check */
};

enum ip_ecn {
	ECN_UNSPECIFIED,	/* not written: not checked, 0 when injected */
	ECN_NOECN,
	ECN_ECT0,
	ECN_ECT1,
	ECN_ECT01,	/* either ECT codepoint */
	ECN_CE,
};

/* packetdrill's ip_info, in brackets or parentheses after the direction:
 * `[ect0]`, `[tos 0x10]`, `(flowlabel 0x12345)`, `[ttl 1]`, or several
 * separated by commas.  What is written is set on injected packets and
 * checked on outbound ones.
 */
struct ip_info {
	enum ip_ecn ecn;	/* ECN_UNSPECIFIED: not written */
	bool has_tos;		/* the whole TOS / traffic class byte */
	uint8_t tos;
	bool has_flow_label;	/* IPv6 only, 20 bits */
	uint32_t flow_label;
	bool has_ttl;		/* TTL / hop limit */
	uint8_t ttl;
};

/* ---- encapsulation layers (packetdrill's packet-line prefixes) ---- */

/* Outer headers written between the direction and a packet line's own
 * part, outermost first: `< ipv4 2.2.2.2 > 1.1.1.1: gre: mpls (label 1,
 * tc 0, [S], ttl 64): . 1:1(0) ...`.  The innermost packet keeps the
 * script's addresses; each layer says only what it adds.  Any packet spec
 * (TCP, ICMP, UDP) carries a struct encap_list; count 0 is a plain line.
 */
enum encap_kind {
	ENCAP_IPV4,	/* `ipv4 [ip_info] A > B :` */
	ENCAP_IPV6,	/* `ipv6 [ip_info] A > B :` */
	ENCAP_GRE,	/* `gre :` or `gre flags ..., sum ..., ...:` */
	ENCAP_MPLS,	/* `mpls (label L, tc T, [S], ttl N)... :` */
	ENCAP_PSP,	/* `psp spi N[, vc N]:`, or `encap psp ...` */
};

/* GRE flag bits (RFC 2784, RFC 2890): each says an optional field is
 * present.  No other bit may be set (routing and version are not GRE as
 * Linux speaks it).
 */
#define GRE_FLAG_CHECKSUM 0x8000
#define GRE_FLAG_KEY 0x2000
#define GRE_FLAG_SEQ 0x1000
#define GRE_FLAGS_KNOWN (GRE_FLAG_CHECKSUM | GRE_FLAG_KEY | GRE_FLAG_SEQ)

struct encap_gre {
	bool has_fields;	/* written with flags ... seq; else all 0 */
	uint16_t flags;
	uint16_t sum;		/* as written; the wire gets the real checksum */
	uint16_t off;		/* the 16 bits after the checksum (RFC 1701) */
	uint32_t key;
	uint32_t seq;
};

struct mpls_entry {
	uint32_t label;		/* 20 bits */
	uint8_t tc;		/* 3 bits */
	bool bottom;		/* [S]: the last entry of the stack */
	uint8_t ttl;
};

struct encap_mpls {
	struct mpls_entry *entries;
	int count;
};

struct encap_layer {
	enum encap_kind kind;
	struct src_loc loc;	/* of its keyword */
	union {
		struct {
			struct ip_info info;
			char *src;	/* textual address, no brackets */
			char *dst;
		} ip;		/* ENCAP_IPV4, ENCAP_IPV6 */
		struct encap_gre gre;
		struct encap_mpls mpls;
		struct {
			uint32_t spi;
			bool has_vc;
			uint64_t vc;
			bool transport;	/* `encap psp ...`: no outer IP */
		} psp;
	} u;
};

struct encap_list {
	struct encap_layer *items;
	int count;
};

void encap_layer_clear(struct encap_layer *layer);
void encap_list_clear(struct encap_list *list);

/* ---- end of encapsulation layers ---- */

enum tcp_option_kind {
	OPT_EOL,
	OPT_NOP,
	OPT_MSS,	/* value */
	OPT_WSCALE,	/* value */
	OPT_SACK_PERMITTED,
	OPT_SACK,	/* sack_blocks */
	OPT_TIMESTAMP,	/* ts_val, ts_ecr */
	OPT_FAST_OPEN,	/* cookie (hex string, may be empty) */
	OPT_FAST_OPEN_EXP,	/* experimental kind 254 form */
	OPT_GENERIC,	/* unknown kind written as raw bytes (later issues) */
	OPT_MD5,	/* md5 digest, as written, in cookie */
	OPT_ACCECN,	/* AccECN byte counters: ecn_kind, ecn_fields */
};

struct sack_block {
	uint32_t left;
	uint32_t right;
};

struct tcp_option {
	enum tcp_option_kind kind;
	struct src_loc loc;
	uint32_t value;		/* MSS, wscale */
	/* `wscale *`: the option must be there, its shift count is not
	 * checked (the kernel picks it from its receive buffer, which
	 * depends on memory and sysctls).  Outbound lines only: an injected
	 * option needs a value.
	 */
	bool any_value;
	uint32_t ts_val;
	uint32_t ts_ecr;
	struct sack_block *sack_blocks;
	int sack_count;
	/* As written (hex digits, or a symbol such as TFO_COOKIE): the
	 * FO/FOEXP cookie (NULL if none) or the md5 digest.
	 */
	char *cookie;
	/* The AccECN option (RFC 9768): kind 172 carries the counters in
	 * the order e0b, ceb, e1b, kind 174 in the order e1b, ceb, e0b; the
	 * first ecn_count of them are present, in that wire order.
	 */
	uint8_t ecn_kind;
	int ecn_count;
	uint32_t ecn_fields[3];
};

enum tcp_options_form {
	TCP_OPTIONS_ABSENT,	/* no <...> written: expect no options */
	TCP_OPTIONS_ANY,	/* <...>: options are not checked */
	TCP_OPTIONS_LIST,	/* an explicit list: checked exactly */
};

/* An endpoint written explicitly on a packet line (a tcpcheck extension:
 * `< 192.0.2.1:40001 > 192.168.0.1:8080 S ...` or just `< 40001>8080`).
 * has_addr/has_port say what was written; what is missing is taken from
 * the defaults or the connection the packet belongs to.
 */
struct endpoint_spec {
	bool has_addr;
	bool has_port;
	char *addr;		/* textual IPv4 or IPv6 address */
	uint16_t port;
};

struct tcp_packet_spec {
	enum direction direction;
	struct encap_list encaps;	/* outer layers; count 0 if none */
	struct endpoint_spec src;	/* as written; usually empty */
	struct endpoint_spec dst;
	struct ip_info ip;
	char *flags;		/* as written: "S", "S.", ".", "-", "FP." */
	uint32_t seq_start;
	uint32_t seq_end;
	uint32_t payload_len;
	bool has_ack;
	uint32_t ack;
	bool has_win;
	uint32_t win;
	bool has_urg;
	uint32_t urg;
	enum tcp_options_form options_form;
	struct tcp_option *options;
	int option_count;
	struct src_loc flags_loc;	/* where the flags were written */
};

/* ---- ICMP packet lines ---- */

/* What an ICMP error quotes of the packet that caused it:
 * `[start:end(len)]` (TCP), `[udp(len)]` or `[raw(len)]`.
 */
enum icmp_echoed_form {
	ICMP_ECHOED_NONE,	/* not written */
	ICMP_ECHOED_TCP,	/* seq_start, seq_end, len */
	ICMP_ECHOED_UDP,	/* len */
	ICMP_ECHOED_RAW,	/* len */
};

/* `< icmp unreachable frag_needed mtu 800 [0:1000(1000)]`: the type and
 * code stay names; the engine maps them to numbers.
 */
struct icmp_packet_spec {
	enum direction direction;
	struct encap_list encaps;	/* outer layers; count 0 if none */
	struct endpoint_spec src;	/* as written; usually empty */
	struct endpoint_spec dst;
	struct ip_info ip;
	char *type;		/* "unreachable", "packet_too_big", ... */
	struct src_loc type_loc;
	char *code;		/* "frag_needed" or NULL when not written */
	struct src_loc code_loc;
	bool has_mtu;
	uint32_t mtu;
	bool has_id;
	uint32_t id;
	enum icmp_echoed_form echoed;
	uint32_t echoed_seq_start;
	uint32_t echoed_seq_end;
	uint32_t echoed_len;
};

/* ---- UDP packet lines ---- */

/* `< udp (1000)`, `> [tos 0x10] udp 5000>6000 (20)`: one datagram of
 * payload_len bytes.  Ports written after `udp` (packetdrill's form) or
 * as endpoints before it (tcpcheck's) land in src/dst alike; what is
 * not written comes from the socket under test (engine/match/udp.c).
 */
struct udp_packet_spec {
	enum direction direction;
	struct endpoint_spec src;
	struct endpoint_spec dst;
	struct ip_info ip;	/* never an ECN codepoint: the parser refuses */
	uint32_t payload_len;	/* fits 16 bits */
	struct src_loc udp_loc;	/* where `udp` was written */
};

/* ---- system calls ---- */

struct syscall_spec {
	char *name;
	struct src_loc name_loc;
	struct expr_list args;
	struct expr *result;	/* right-hand side of '=' */
	char *errno_name;	/* "EINPROGRESS" or NULL */
	struct src_loc errno_loc;
	char *note;		/* "Operation now in progress": the text
				 * between the parentheses, or NULL */
	bool is_blocking;	/* written with `...end` */
};

/* ---- events ---- */

enum time_kind {
	TIME_ABSOLUTE,		/* 0.100 */
	TIME_RELATIVE,		/* +0.100 */
	TIME_ANY,		/* * */
	TIME_ABSOLUTE_RANGE,	/* 0.1~0.2 */
	TIME_RELATIVE_RANGE,	/* +0.1~+0.2 */
};

struct event_time {
	enum time_kind kind;
	int64_t usecs;		/* start (or offset for relative kinds) */
	int64_t end_usecs;	/* range end; for the range kinds only */
	/* Blocking system calls: `start...end`.  The end uses the same
	 * anchor as the start (relative to the previous event when the
	 * start is relative).
	 */
	bool has_block_end;
	int64_t block_end_usecs;
};

enum event_kind {
	EVENT_PACKET,
	EVENT_SYSCALL,
	EVENT_COMMAND,	/* `shell command` */
	EVENT_CODE,	/* %{ python }% */
	EVENT_ICMP,	/* `< icmp ...` packet line */
	EVENT_UDP,	/* `< udp (N)` packet line */
};

struct event {
	enum event_kind kind;
	struct src_loc loc;	/* the start of the line (its time) */
	struct event_time time;
	union {
		struct tcp_packet_spec packet;
		struct syscall_spec syscall;
		char *command;	/* text between the backquotes */
		char *code;	/* text between %{ and }% */
		struct icmp_packet_spec icmp;
		struct udp_packet_spec udp;
	} u;
};

/* ---- the script ---- */

/* `--name=value` header lines (and `--name` alone, value NULL). */
struct script_option {
	char *name;		/* without the leading dashes */
	char *value;		/* NULL when written without '=' */
	struct src_loc loc;
};

struct script {
	char *path;		/* as given to the parser, for messages */
	struct script_option *options;
	int option_count;
	/* A backquoted command before the first timed event. */
	char *init_command;
	struct src_loc init_loc;
	struct event *events;
	int event_count;
	/* A backquoted command after the last timed event: run at the end
	 * when the script ends (packetdrill's cleanup command).
	 */
	char *cleanup_command;
	struct src_loc cleanup_loc;
};

/* Free a whole script tree; NULL is allowed. */
void script_free(struct script *script);

/* Free one expression tree (used by the parser while recovering). */
void expr_free(struct expr *expr);
void expr_list_free(struct expr_list *list);

/* Release what a node owns, not the node itself (for the parser, which
 * builds nodes piecewise and must drop half-built ones).
 */
void event_clear(struct event *event);
void tcp_option_clear(struct tcp_option *option);

/* "e0b", "ceb" or "e1b": the i-th counter (0..2) of an AccECN option of
 * this kind (172 or 174) as scripts name it; NULL out of range.
 */
const char *accecn_field_name(uint8_t kind, int i);
void expr_field_clear(struct expr_field *field);
void endpoint_clear(struct endpoint_spec *endpoint);

/* Write the canonical text form of the script (see grammar/dump.c):
 * one item per line, every field explicit.  Golden tests compare it.
 */
void script_dump(const struct script *script, FILE *out);
void expr_dump(const struct expr *expr, FILE *out);
/* The layers as a packet line writes them after its direction, each
 * with a space before it: " ipv4 2.2.2.2 > 1.1.1.1: gre:".
 */
void encap_list_dump(const struct encap_list *list, FILE *out);

/* Seconds as the dump writes times: at least 3 and at most 6 fractional
 * digits, exact ("0.100", "0.0625", "-1.000001").  Reports use it too,
 * so a time in a message reads as it would in a script.
 */
void usecs_format(int64_t usecs, char *buf, size_t size);

#endif /* TCPCHECK_AST_H */
