/*
 * parser.y - the pure bison grammar of tcpcheck (packetdrill) scripts.
 *
 * A script is a flat list of items: `--option` lines, untimed commands
 * and timed events.  Where each may appear (options first, one command
 * before the first event as init, one after the last as cleanup) is
 * checked in the actions rather than in the grammar, so a misplaced item
 * gets a plain message instead of a syntax error and the grammar stays
 * conflict-free (%expect 0).
 *
 * Tokens carry no heap memory; text is read back from the script through
 * the byte offsets in each location.  Owning semantic values all have a
 * %destructor.  Allocation failure never aborts: it sets ctx->nomem, the
 * half-built value becomes NULL or is dropped, and the item that contains
 * it stops the parse (script_parse() then reports "out of memory").
 *
 * Error recovery: a syntax error is reported, then the token stream is
 * skipped up to the next line that starts like a new item (see
 * resync_point()), where a synthetic RESYNC token completes the rule
 * `item: error RESYNC`.  So every line with an error is reported once
 * and the lines after it are parsed normally.
 */

%code top {
#include "config.h"
}

%code requires {
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

struct gram_ctx;

/* Lines and columns for messages; byte offsets [start, end) to read the
 * token's text back from the script.
 */
struct gram_loc {
	int first_line;
	int first_column;
	int last_line;
	int last_column;
	size_t start;
	size_t end;
};

struct gram_num {
	int64_t value;
	bool too_big;		/* did not fit in 64 bits */
};

enum gram_time_error {
	GRAM_TIME_OK,
	GRAM_TIME_TOO_PRECISE,	/* more than 6 fractional digits */
	GRAM_TIME_TOO_BIG,
};

struct gram_time {
	int64_t usecs;
	enum gram_time_error error;
};

struct gram_fields {
	struct expr_field *items;
	int count;
};

struct gram_tcp_options {
	enum tcp_options_form form;
	struct tcp_option *items;
	int count;
};

struct gram_sack {
	struct sack_block *items;
	int count;
};

/* AccECN counters as written: `e1b 1 ceb 0 e0b 1`. */
struct gram_accecn {
	int count;
	uint32_t values[3];
	int names[3];		/* 0: e0b, 1: ceb, 2: e1b */
	struct src_loc locs[3];	/* of each name, for errors */
};

/* What comes before the flags (or `icmp`) on a packet line. */
struct gram_prefix {
	enum direction direction;
	struct encap_list encaps;	/* outer layers, outermost first */
	struct endpoint_spec src;
	struct endpoint_spec dst;
	struct ip_info ip;
};

struct gram_seq {
	uint32_t start;
	uint32_t end;
	uint32_t len;
};

struct gram_echoed {
	enum icmp_echoed_form form;
	struct gram_seq seq;
};

struct gram_opt_u32 {
	bool has;
	uint32_t value;
};

/* One `name value` (or `key = value`) of a GRE header, checked when the
 * whole header is known.
 */
struct gram_gre_field {
	struct gram_loc name;
	bool has_equals;
	struct gram_num num;
	struct gram_loc num_loc;
};
}

%code provides {
/* A scanned token, kept whole so that error recovery can look ahead and
 * put tokens back.
 */
struct gram_token {
	int kind;
	YYSTYPE value;
	YYLTYPE loc;
	bool line_start;	/* first token on its line */
};

#define GRAM_QUEUE_MAX 4

/* Everything one parse needs; the scanner's yyextra points here. */
struct gram_ctx {
	const char *text;
	size_t len;

	struct script *script;
	int option_capacity;
	int event_capacity;
	struct diag_list *diags;
	int errors;
	bool nomem;
	bool misplaced_cleanup_reported;
	/* A string left open swallows the rest of its line: a syntax
	 * error later on that line only repeats it, and is not shown.
	 */
	int unterminated_line;

	/* scanner position and line-sensitive state (lexer.l) */
	int line;
	int column;
	size_t offset;
	int last_token_line;	/* where the previous token ended, */
	int last_token_column;	/* just past its last character */
	bool line_start;	/* of the token just scanned */
	int depth;		/* open ( [ { */
	int eq_line;		/* line of a depth-0 '=', 0 if none */
	int prev_kind;
	int prev2_kind;
	size_t prev_end;
	YYLTYPE note_start;
	jmp_buf *fatal_jmp;

	/* error recovery */
	bool recovering;
	struct gram_token last;	/* the latest token given to the parser */
	struct gram_token before_last;	/* and the one before it */
	struct gram_token queue[GRAM_QUEUE_MAX];
	int queued;
};

int gram_scan(YYSTYPE *yylval_param, YYLTYPE *yylloc_param,
	      yyscan_t yyscanner);
void gram_error(struct gram_ctx *ctx, const YYLTYPE *loc, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));
}

%code {
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner,
		 struct gram_ctx *ctx);
static void yyerror(const YYLTYPE *loc, yyscan_t scanner,
		    struct gram_ctx *ctx, const char *msg);

/* Locations of a rule span its first to its last symbol; an empty rule
 * sits at the end of what precedes it.
 */
#define YYLLOC_DEFAULT(cur, rhs, n)					\
	do {								\
		if (n) {						\
			(cur).first_line = YYRHSLOC(rhs, 1).first_line;	\
			(cur).first_column = YYRHSLOC(rhs, 1).first_column; \
			(cur).start = YYRHSLOC(rhs, 1).start;		\
			(cur).last_line = YYRHSLOC(rhs, n).last_line;	\
			(cur).last_column = YYRHSLOC(rhs, n).last_column; \
			(cur).end = YYRHSLOC(rhs, n).end;		\
		} else {						\
			(cur).first_line = (cur).last_line =		\
				YYRHSLOC(rhs, 0).last_line;		\
			(cur).first_column = (cur).last_column =	\
				YYRHSLOC(rhs, 0).last_column;		\
			(cur).start = (cur).end = YYRHSLOC(rhs, 0).end;	\
		}							\
	} while (0)

static struct src_loc src(const YYLTYPE *loc)
{
	return (struct src_loc){ loc->first_line, loc->first_column };
}

/* ---- allocation that records failure instead of aborting ---- */

static void *gram_calloc(struct gram_ctx *ctx, size_t size)
{
	void *p = calloc(1, size);

	if (!p)
		ctx->nomem = true;
	return p;
}

static char *gram_strndup(struct gram_ctx *ctx, const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		ctx->nomem = true;
	return p;
}

static char *tok_text(struct gram_ctx *ctx, const YYLTYPE *loc)
{
	return gram_strndup(ctx, ctx->text + loc->start, loc->end - loc->start);
}

/* Arrays grow by doubling; the capacity is implied by the count (the
 * next power of two), so the tree needs no capacity fields.
 */
static bool grow(struct gram_ctx *ctx, void **items, int count, size_t size)
{
	void *p;

	if (count & (count - 1))
		return true;
	p = realloc(*items, (size_t)(count ? 2 * count : 1) * size);
	if (!p) {
		ctx->nomem = true;
		return false;
	}
	*items = p;
	return true;
}

/* ---- numbers ---- */

static uint32_t check_u32(struct gram_ctx *ctx, struct gram_num num,
			  const YYLTYPE *loc, const char *what)
{
	if (num.too_big || num.value < 0 || num.value > UINT32_MAX) {
		gram_error(ctx, loc, "%s %.*s is out of range (0 to 4294967295)",
			   what, (int)(loc->end - loc->start),
			   ctx->text + loc->start);
		return 0;
	}
	return (uint32_t)num.value;
}

static uint16_t check_port(struct gram_ctx *ctx, struct gram_num num,
			   const YYLTYPE *loc)
{
	if (num.too_big || num.value < 0 || num.value > UINT16_MAX) {
		gram_error(ctx, loc, "port %.*s is out of range (0 to 65535)",
			   (int)(loc->end - loc->start),
			   ctx->text + loc->start);
		return 0;
	}
	return (uint16_t)num.value;
}

static int64_t seconds_time(struct gram_ctx *ctx, struct gram_num num,
			    const YYLTYPE *loc)
{
	if (num.value < 0) {
		gram_error(ctx, loc, "negative time");
		return 0;
	}
	if (num.too_big || num.value > INT64_MAX / 1000000) {
		gram_error(ctx, loc, "time is too large");
		return 0;
	}
	return num.value * 1000000;
}

static int64_t decimal_time(struct gram_ctx *ctx, struct gram_time time,
			    const YYLTYPE *loc)
{
	switch (time.error) {
	case GRAM_TIME_OK:
		break;
	case GRAM_TIME_TOO_PRECISE:
		gram_error(ctx, loc,
			   "time has more than 6 digits after the decimal point");
		break;
	case GRAM_TIME_TOO_BIG:
		gram_error(ctx, loc, "time is too large");
		break;
	}
	return time.usecs;
}

/* ---- expressions ---- */

static struct expr *expr_new(struct gram_ctx *ctx, enum expr_kind kind,
			     const YYLTYPE *loc)
{
	struct expr *e = gram_calloc(ctx, sizeof(*e));

	if (e) {
		e->kind = kind;
		e->loc = src(loc);
		e->depth = 1;
	}
	return e;
}

static int child_depth(const struct expr *child, int depth)
{
	return child && child->depth >= depth ? child->depth + 1 : depth;
}

/* Set e's depth from its children's.  A node over EXPR_DEPTH_MAX is
 * reported once and replaced by a leaf marked EXPR_DEPTH_MAX + 1; every
 * node built on such a leaf collapses into one too.  So no tree ever
 * gets deeper than the limit, not even the half-built ones that error
 * recovery frees, and a million-level nesting costs no stack and one
 * message.
 */
static struct expr *bound_depth(struct gram_ctx *ctx, struct expr *e)
{
	int depth = 1;
	bool reported = false;
	struct expr *leaf;

	if (!e)
		return NULL;
	switch (e->kind) {
	case EXPR_OR:
		depth = child_depth(e->u.binary.lhs, depth);
		depth = child_depth(e->u.binary.rhs, depth);
		break;
	case EXPR_ARRAY:
		for (int i = 0; i < e->u.array.count; i++)
			depth = child_depth(e->u.array.items[i], depth);
		break;
	case EXPR_STRUCT:
		for (int i = 0; i < e->u.structure.count; i++) {
			depth = child_depth(e->u.structure.fields[i].index,
					    depth);
			depth = child_depth(e->u.structure.fields[i].value,
					    depth);
		}
		break;
	case EXPR_CALL:
		for (int i = 0; i < e->u.call.args.count; i++)
			depth = child_depth(e->u.call.args.items[i], depth);
		break;
	default:
		break;
	}
	/* A child that is a marked leaf: reported further down. */
	reported = depth > EXPR_DEPTH_MAX + 1;
	e->depth = depth;
	if (depth <= EXPR_DEPTH_MAX)
		return e;
	if (!reported)
		gram_error(ctx, &(YYLTYPE){ .first_line = e->loc.line,
					    .first_column = e->loc.column },
			   "expression nested too deeply (more than %d levels)",
			   EXPR_DEPTH_MAX);
	leaf = expr_new(ctx, EXPR_ELLIPSIS, &(YYLTYPE){ 0 });
	if (leaf) {
		leaf->loc = e->loc;
		leaf->depth = EXPR_DEPTH_MAX + 1;
	}
	expr_free(e);
	return leaf;
}

static struct expr *expr_int(struct gram_ctx *ctx, struct gram_num num,
			     bool is_hex, const YYLTYPE *loc)
{
	struct expr *e;

	if (num.too_big)
		gram_error(ctx, loc, "integer %.*s does not fit in 64 bits",
			   (int)(loc->end - loc->start),
			   ctx->text + loc->start);
	e = expr_new(ctx, EXPR_INT, loc);
	if (e) {
		e->u.num.value = num.value;
		e->u.num.is_hex = is_hex;
	}
	return e;
}

static struct expr *expr_word(struct gram_ctx *ctx, char *word,
			      const YYLTYPE *loc)
{
	struct expr *e = expr_new(ctx, EXPR_WORD, loc);

	if (!e || !word) {
		free(word);
		expr_free(e);
		return NULL;
	}
	e->u.word = word;
	return e;
}

static unsigned hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Decode the escapes of a "..." token (the scanner already reported bad
 * ones; they decode as the character itself).  Appends to *buf.
 */
static bool decode_string(struct gram_ctx *ctx, const YYLTYPE *loc,
			  char **buf, size_t *len)
{
	const char *s = ctx->text + loc->start + 1;
	const char *end = ctx->text + loc->end;
	char *out;
	size_t n = *len;

	/* An unterminated string has no closing quote to drop. */
	if (end > s && end[-1] == '"' && end - 1 >= s)
		end--;
	out = realloc(*buf, n + (size_t)(end - s) + 1);
	if (!out) {
		ctx->nomem = true;
		return false;
	}
	while (s < end) {
		char c = *s++;

		if (c == '\\' && s < end) {
			c = *s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': c = '\0'; break;
			case 'x':
				if (s < end && is_hex_digit(*s)) {
					unsigned v = hex_digit(*s++);

					if (s < end && is_hex_digit(*s))
						v = v * 16 + hex_digit(*s++);
					c = (char)v;
				}
				break;
			default:
				break;	/* \\ \" and unknown ones */
			}
		}
		out[n++] = c;
	}
	out[n] = '\0';
	*buf = out;
	*len = n;
	return true;
}

static struct expr *expr_string(struct gram_ctx *ctx, const YYLTYPE *loc)
{
	struct expr *e = expr_new(ctx, EXPR_STRING, loc);

	if (e && !decode_string(ctx, loc, &e->u.str.text, &e->u.str.len)) {
		expr_free(e);
		return NULL;
	}
	return e;
}

/* "abc" "def" is one string, as in C. */
static struct expr *string_append(struct gram_ctx *ctx, struct expr *e,
				  const YYLTYPE *loc)
{
	if (e && !decode_string(ctx, loc, &e->u.str.text, &e->u.str.len)) {
		expr_free(e);
		return NULL;
	}
	return e;
}

static struct expr *expr_or(struct gram_ctx *ctx, struct expr *lhs,
			    struct expr *rhs, const YYLTYPE *loc)
{
	struct expr *e = expr_new(ctx, EXPR_OR, loc);

	if (!e || !lhs || !rhs) {
		expr_free(lhs);
		expr_free(rhs);
		expr_free(e);
		return NULL;
	}
	e->u.binary.lhs = lhs;
	e->u.binary.rhs = rhs;
	return bound_depth(ctx, e);
}

static struct expr *expr_array(struct gram_ctx *ctx, struct expr_list list,
			       const YYLTYPE *loc)
{
	struct expr *e = expr_new(ctx, EXPR_ARRAY, loc);

	if (!e) {
		expr_list_free(&list);
		return NULL;
	}
	e->u.array = list;
	return bound_depth(ctx, e);
}

static struct expr *expr_call(struct gram_ctx *ctx, char *name,
			      struct expr_list args, const YYLTYPE *loc)
{
	struct expr *e = expr_new(ctx, EXPR_CALL, loc);

	if (!e || !name) {
		free(name);
		expr_list_free(&args);
		expr_free(e);
		return NULL;
	}
	e->u.call.name = name;
	e->u.call.args = args;
	return bound_depth(ctx, e);
}

static void fields_free(struct gram_fields *fields)
{
	for (int i = 0; i < fields->count; i++)
		expr_field_clear(&fields->items[i]);
	free(fields->items);
	fields->items = NULL;
	fields->count = 0;
}

static struct expr *expr_struct(struct gram_ctx *ctx,
				struct gram_fields fields, const YYLTYPE *loc)
{
	struct expr *e = expr_new(ctx, EXPR_STRUCT, loc);

	if (!e) {
		fields_free(&fields);
		return NULL;
	}
	e->u.structure.fields = fields.items;
	e->u.structure.count = fields.count;
	return bound_depth(ctx, e);
}

/* Items that failed to build (NULL) are dropped: the parse has already
 * failed with "out of memory".
 */
static void list_append(struct gram_ctx *ctx, struct expr_list *list,
			struct expr *item)
{
	if (!item)
		return;
	if (!grow(ctx, (void **)&list->items, list->count,
		  sizeof(*list->items))) {
		expr_free(item);
		return;
	}
	list->items[list->count++] = item;
}

static void fields_append(struct gram_ctx *ctx, struct gram_fields *fields,
			  struct expr_field field)
{
	if (!field.value || !grow(ctx, (void **)&fields->items, fields->count,
				  sizeof(*fields->items))) {
		expr_field_clear(&field);
		return;
	}
	fields->items[fields->count++] = field;
}

/* `name(index)=value`: the part before '=' was parsed as a call, since
 * the two cannot be told apart before the '='.
 */
static struct expr_field field_indexed(struct gram_ctx *ctx,
				       struct expr *call, struct expr *value,
				       const YYLTYPE *loc)
{
	struct expr_field field = { .loc = src(loc) };

	/* Not a call any more when it nested too deeply (bound_depth()). */
	if (!call || call->kind != EXPR_CALL) {
		expr_free(call);
		expr_free(value);
		return field;
	}
	if (call->u.call.args.count != 1) {
		gram_error(ctx, loc,
			   "a field index takes exactly one expression");
		expr_free(call);
		expr_free(value);
		return field;
	}
	field.name = call->u.call.name;
	field.index = call->u.call.args.items[0];
	field.value = value;
	free(call->u.call.args.items);
	free(call);
	return field;
}

/* ---- packets ---- */

static void prefix_clear(struct gram_prefix *prefix)
{
	encap_list_clear(&prefix->encaps);
	endpoint_clear(&prefix->src);
	endpoint_clear(&prefix->dst);
}

static void tcp_options_free(struct gram_tcp_options *options)
{
	for (int i = 0; i < options->count; i++)
		tcp_option_clear(&options->items[i]);
	free(options->items);
	options->items = NULL;
	options->count = 0;
}

static void tcp_options_append(struct gram_ctx *ctx,
			       struct gram_tcp_options *options,
			       struct tcp_option option)
{
	if (!grow(ctx, (void **)&options->items, options->count,
		  sizeof(*options->items))) {
		tcp_option_clear(&option);
		return;
	}
	options->items[options->count++] = option;
}

/* ---- ip_info: [ect0], [tos 0x10], (flowlabel 0x12345), [ttl 1] ---- */

#define IP_INFO_NAMES "ect0, ect1, ect01, ce, noecn, tos, flowlabel, ttl"

static struct ip_info ip_info_item(struct gram_ctx *ctx, const YYLTYPE *word,
				   struct gram_num num, const YYLTYPE *num_loc)
{
	static const struct {
		const char *name;
		int64_t max;
	} items[] = { { "tos", 0xff }, { "flowlabel", 0xfffff }, { "ttl", 0xff } };
	struct ip_info info = { .ecn = ECN_UNSPECIFIED };
	size_t len = word->end - word->start;
	const char *text = ctx->text + word->start;
	int which = -1;

	for (int i = 0; i < 3; i++)
		if (strlen(items[i].name) == len && !strncmp(text, items[i].name, len))
			which = i;
	if (which < 0) {
		gram_error(ctx, word, "'%.*s' is not an IP header field here ("
			   IP_INFO_NAMES ")", (int)len, text);
		return info;
	}
	if (num.too_big || num.value < 0 || num.value > items[which].max) {
		gram_error(ctx, num_loc, "%s %.*s is out of range (0 to %" PRId64
			   ")", items[which].name,
			   (int)(num_loc->end - num_loc->start),
			   ctx->text + num_loc->start, items[which].max);
		return info;
	}
	switch (which) {
	case 0:
		info.has_tos = true;
		info.tos = (uint8_t)num.value;
		break;
	case 1:
		info.has_flow_label = true;
		info.flow_label = (uint32_t)num.value;
		break;
	default:
		info.has_ttl = true;
		info.ttl = (uint8_t)num.value;
		break;
	}
	return info;
}

/* Each field once; the ECN codepoint and a whole TOS byte exclude each
 * other (the TOS byte holds the ECN bits).
 */
static struct ip_info ip_info_merge(struct gram_ctx *ctx, struct ip_info a,
				    struct ip_info b, const YYLTYPE *loc)
{
	const char *twice = NULL;

	if ((b.ecn != ECN_UNSPECIFIED || b.has_tos) &&
	    (a.ecn != ECN_UNSPECIFIED || a.has_tos))
		twice = "the TOS byte is already given (an ECN codepoint and "
			"tos both set it)";
	else if (b.has_flow_label && a.has_flow_label)
		twice = "flowlabel is already given";
	else if (b.has_ttl && a.has_ttl)
		twice = "ttl is already given";
	if (twice) {
		gram_error(ctx, loc, "%s", twice);
		return a;
	}
	if (b.ecn != ECN_UNSPECIFIED)
		a.ecn = b.ecn;
	if (b.has_tos) {
		a.has_tos = true;
		a.tos = b.tos;
	}
	if (b.has_flow_label) {
		a.has_flow_label = true;
		a.flow_label = b.flow_label;
	}
	if (b.has_ttl) {
		a.has_ttl = true;
		a.ttl = b.ttl;
	}
	return a;
}

/* ---- the AccECN option ---- */

/* What may be written between < and >, for error messages. */
#define TCP_OPTION_NAMES \
	"nop, eol, mss, wscale, sackOK, sack, TS, FO, FOEXP, md5, ECN"

static void accecn_field(struct gram_ctx *ctx, struct gram_accecn *f,
			 const YYLTYPE *name_loc, struct gram_num num,
			 const YYLTYPE *num_loc)
{
	static const char *const names[] = { "e0b", "ceb", "e1b" };
	size_t len = name_loc->end - name_loc->start;
	const char *text = ctx->text + name_loc->start;
	int which = -1;

	for (int i = 0; i < 3; i++)
		if (strlen(names[i]) == len && !strncmp(text, names[i], len))
			which = i;
	if (which < 0) {
		gram_error(ctx, name_loc, "'%.*s' is not an AccECN counter "
			   "(e0b, ceb or e1b)", (int)len, text);
		return;
	}
	if (f->count == 3) {
		gram_error(ctx, name_loc, "an AccECN option has at most three "
			   "counters");
		return;
	}
	if (num.too_big || num.value < 0 || num.value > 0xffffff) {
		gram_error(ctx, num_loc, "AccECN counter %.*s is out of range "
			   "(0 to 16777215: 24 bits)",
			   (int)(num_loc->end - num_loc->start),
			   ctx->text + num_loc->start);
		return;
	}
	f->locs[f->count] = src(name_loc);
	f->names[f->count] = which;
	f->values[f->count++] = (uint32_t)num.value;
}

/* `ECN e1b 1 ceb 0 e0b 1`: the first counter named says the kind (e0b
 * first: 172, e1b first: 174), and the rest must follow its order.
 */
static struct tcp_option accecn_option(struct gram_ctx *ctx,
				       const YYLTYPE *word,
				       const struct gram_accecn *f)
{
	struct tcp_option opt = { .kind = OPT_ACCECN, .loc = src(word),
				  .ecn_kind = 172 };
	size_t len = word->end - word->start;

	if (len != 3 || strncmp(ctx->text + word->start, "ECN", 3)) {
		gram_error(ctx, word, "'%.*s' is not a TCP option ("
			   TCP_OPTION_NAMES ")",
			   (int)len, ctx->text + word->start);
		return (struct tcp_option){ .kind = OPT_NOP, .loc = src(word) };
	}
	if (f->count && f->names[0] == 2)
		opt.ecn_kind = 174;
	for (int i = 0; i < f->count; i++) {
		const char *want = accecn_field_name(opt.ecn_kind, i);
		static const char *const names[] = { "e0b", "ceb", "e1b" };

		if (strcmp(want, names[f->names[i]])) {
			diag_add(ctx->diags, f->locs[i], "AccECN counters come in "
				 "the order e0b ceb e1b or e1b ceb e0b; %s "
				 "cannot come %s", names[f->names[i]],
				 i ? "here" : "first");
			ctx->errors++;
			break;
		}
		opt.ecn_fields[i] = f->values[i];
	}
	opt.ecn_count = f->count;
	return opt;
}

static void sack_append(struct gram_ctx *ctx, struct gram_sack *sack,
			struct sack_block block)
{
	if (!grow(ctx, (void **)&sack->items, sack->count,
		  sizeof(*sack->items)))
		return;
	sack->items[sack->count++] = block;
}

/* TCP flags are letters, optionally around one '.', or '-' alone. */
static char *tcp_flags(struct gram_ctx *ctx, const YYLTYPE *first,
		       const YYLTYPE *last)
{
	size_t n = 0;
	char *flags = malloc(last->end - first->start + 1);

	if (!flags) {
		ctx->nomem = true;
		return NULL;
	}
	for (size_t i = first->start; i < last->end; i++) {
		char c = ctx->text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '.' || c == '-')) {
			gram_error(ctx, first,
				   "TCP flags '%.*s' may only hold letters and '.'",
				   (int)(last->end - first->start),
				   ctx->text + first->start);
			break;
		}
		flags[n++] = c;
	}
	flags[n] = '\0';
	return flags;
}

/* FO cookies and md5 digests are kept as written: hex digits the
 * scanner may have seen as a word (3021b9d8...) or an integer (0123...),
 * or a symbol defined elsewhere (TFO_COOKIE); the engine decodes them.
 */
static char *hex_blob(struct gram_ctx *ctx, const YYLTYPE *loc)
{
	return tok_text(ctx, loc);
}

static struct endpoint_spec endpoint_port(struct gram_ctx *ctx,
					  struct gram_num port,
					  const YYLTYPE *loc)
{
	return (struct endpoint_spec){
		.has_port = true,
		.port = check_port(ctx, port, loc),
	};
}

/* An IPv6 address comes with its brackets: [fd3d::1].  The scanner
 * only knows the characters an address is made of (999.1.2.3 and [:::]
 * scan too); whether they make one is checked here, where the location
 * is, rather than when the run builds the packet.
 */
static struct endpoint_spec endpoint_addr(struct gram_ctx *ctx,
					  const YYLTYPE *loc, bool bracketed)
{
	size_t trim = bracketed ? 1 : 0;
	struct endpoint_spec ep = {
		.has_addr = true,
		.addr = gram_strndup(ctx, ctx->text + loc->start + trim,
				     loc->end - loc->start - 2 * trim),
	};
	unsigned char bytes[sizeof(struct in6_addr)];

	if (ep.addr && inet_pton(bracketed ? AF_INET6 : AF_INET, ep.addr,
				 bytes) != 1)
		gram_error(ctx, loc, "'%.*s' is not an %s address",
			   (int)(loc->end - loc->start), ctx->text + loc->start,
			   bracketed ? "IPv6" : "IPv4");
	return ep;
}

/* ---- encapsulation layers: ipv4/ipv6/gre/mpls/psp prefixes ---- */

static bool word_is(struct gram_ctx *ctx, const YYLTYPE *loc,
		    const char *name)
{
	size_t len = loc->end - loc->start;

	return strlen(name) == len && !memcmp(ctx->text + loc->start, name, len);
}

/* A header field's number, or an error at it and 0. */
static uint64_t encap_num(struct gram_ctx *ctx, struct gram_num num,
			  const YYLTYPE *loc, const char *what, uint64_t max)
{
	if (num.too_big || (max < UINT64_MAX && (num.value < 0 ||
						  (uint64_t)num.value > max))) {
		gram_error(ctx, loc, "%s %.*s is out of range (0 to %" PRIu64
			   ")", what, (int)(loc->end - loc->start),
			   ctx->text + loc->start, max);
		return 0;
	}
	return (uint64_t)num.value;
}

/* The field name written where `want` belongs, or an error. */
static bool encap_name(struct gram_ctx *ctx, const YYLTYPE *loc,
		       const char *want, const char *layer)
{
	if (word_is(ctx, loc, want))
		return true;
	gram_error(ctx, loc, "expected '%s' here in %s, not '%.*s'", want,
		   layer, (int)(loc->end - loc->start), ctx->text + loc->start);
	return false;
}

static void encaps_append(struct gram_ctx *ctx, struct encap_list *list,
			  struct encap_layer layer)
{
	if (!grow(ctx, (void **)&list->items, list->count,
		  sizeof(*list->items))) {
		encap_layer_clear(&layer);
		return;
	}
	list->items[list->count++] = layer;
}

/* An outer IPv4 or IPv6 header; addresses are checked as endpoints are. */
static struct encap_layer encap_ip(struct gram_ctx *ctx, const YYLTYPE *kw,
				   bool v6, struct ip_info info,
				   const YYLTYPE *src_loc,
				   const YYLTYPE *dst_loc)
{
	struct encap_layer layer = { .kind = v6 ? ENCAP_IPV6 : ENCAP_IPV4,
				     .loc = src(kw) };
	const YYLTYPE *locs[2] = { src_loc, dst_loc };
	char *addrs[2];

	if (!v6 && info.has_flow_label)
		gram_error(ctx, kw, "an IPv4 header has no flowlabel");
	for (int i = 0; i < 2; i++) {
		const char *text = ctx->text + locs[i]->start;
		size_t len = locs[i]->end - locs[i]->start;
		size_t trim = text[0] == '[' ? 1 : 0;
		unsigned char bytes[sizeof(struct in6_addr)];

		addrs[i] = gram_strndup(ctx, text + trim, len - 2 * trim);
		if (addrs[i] && inet_pton(v6 ? AF_INET6 : AF_INET, addrs[i],
					  bytes) != 1)
			gram_error(ctx, locs[i], "'%.*s' is not an %s address",
				   (int)len, text, v6 ? "IPv6" : "IPv4");
	}
	layer.u.ip.info = info;
	layer.u.ip.src = addrs[0];
	layer.u.ip.dst = addrs[1];
	return layer;
}

/* `flags [checksum present, key present]`: one name of the list. */
static uint32_t gre_flag_bit(struct gram_ctx *ctx, const YYLTYPE *first,
			      const YYLTYPE *second)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = { { "checksum", GRE_FLAG_CHECKSUM },
		      { "key", GRE_FLAG_KEY },
		      { "sequence", GRE_FLAG_SEQ } };

	if (!second && word_is(ctx, first, "none"))
		return 0;
	if (second && word_is(ctx, second, "present"))
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (word_is(ctx, first, names[i].name))
				return names[i].bit;
	gram_error(ctx, first, "bad GRE flag '%.*s' (none, checksum present, "
		   "key present or sequence present)",
		   (int)((second ? second : first)->end - first->start),
		   ctx->text + first->start);
	return 0;
}

static uint32_t gre_flags_value(struct gram_ctx *ctx, struct gram_num num,
				const YYLTYPE *loc)
{
	uint64_t v = encap_num(ctx, num, loc, "GRE flags", 0xffff);

	if (v & ~(uint64_t)GRE_FLAGS_KNOWN) {
		gram_error(ctx, loc, "bad GRE flags 0x%04" PRIx64 ": only "
			   "checksum (0x8000), key (0x2000) and sequence "
			   "(0x1000) may be set", v);
		return 0;
	}
	return (uint32_t)v;
}

/* flags, then sum, off, key and seq, all written, in that order. */
static struct encap_gre build_gre_header(struct gram_ctx *ctx, uint32_t flags,
				   const struct gram_gre_field *f)
{
	static const char *const names[] = { "sum", "off", "key", "seq" };
	static const uint64_t max[] = { 0xffff, 0xffff, UINT32_MAX,
					UINT32_MAX };
	struct encap_gre gre = { .has_fields = true,
				 .flags = (uint16_t)flags };
	uint64_t v[4] = { 0 };

	for (int i = 0; i < 4; i++) {
		if (!encap_name(ctx, &f[i].name, names[i], "a GRE header"))
			continue;
		if (f[i].has_equals && i != 2)
			gram_error(ctx, &f[i].name, "only key takes '=' in a "
				   "GRE header");
		v[i] = encap_num(ctx, f[i].num, &f[i].num_loc, names[i],
				 max[i]);
	}
	gre.sum = (uint16_t)v[0];
	gre.off = (uint16_t)v[1];
	gre.key = (uint32_t)v[2];
	gre.seq = (uint32_t)v[3];
	return gre;
}

static void mpls_append(struct gram_ctx *ctx, struct encap_mpls *stack,
			struct mpls_entry entry)
{
	if (!grow(ctx, (void **)&stack->entries, stack->count,
		  sizeof(*stack->entries)))
		return;
	stack->entries[stack->count++] = entry;
}

/* `(label L, tc T, [S], ttl N)`; names[] are the three field names,
 * nums[] their values, bottom the word in brackets (NULL if none).
 */
static struct mpls_entry build_mpls_entry(struct gram_ctx *ctx,
					  const YYLTYPE *names,
				    const struct gram_num *nums,
				    const YYLTYPE *num_locs,
				    const YYLTYPE *bottom)
{
	static const char *const want[] = { "label", "tc", "ttl" };
	static const uint64_t max[] = { 0xfffff, 7, 0xff };
	struct mpls_entry entry = { 0 };
	uint64_t v[3] = { 0 };

	for (int i = 0; i < 3; i++)
		if (encap_name(ctx, &names[i], want[i], "an MPLS entry"))
			v[i] = encap_num(ctx, nums[i], &num_locs[i],
					 i == 0 ? "MPLS label" : i == 1 ?
					 "MPLS tc" : "MPLS ttl", max[i]);
	if (bottom && !word_is(ctx, bottom, "S"))
		gram_error(ctx, bottom, "bad MPLS stack marker '[%.*s]' (only "
			   "[S], bottom of stack)",
			   (int)(bottom->end - bottom->start),
			   ctx->text + bottom->start);
	entry.label = (uint32_t)v[0];
	entry.tc = (uint8_t)v[1];
	entry.ttl = (uint8_t)v[2];
	entry.bottom = bottom != NULL;
	return entry;
}

/* `spi N` or `spi N, vc N`. */
static struct encap_layer psp_layer(struct gram_ctx *ctx,
				    const YYLTYPE *spi_name,
				    struct gram_num spi,
				    const YYLTYPE *spi_loc,
				    const YYLTYPE *vc_name, struct gram_num vc,
				    const YYLTYPE *vc_loc)
{
	struct encap_layer layer = { .kind = ENCAP_PSP, .loc = src(spi_name) };

	if (encap_name(ctx, spi_name, "spi", "a PSP header"))
		layer.u.psp.spi = (uint32_t)encap_num(ctx, spi, spi_loc,
						      "PSP spi", UINT32_MAX);
	if (vc_name && encap_name(ctx, vc_name, "vc", "a PSP header")) {
		layer.u.psp.has_vc = true;
		/* 64 bits: a hex value past INT64_MAX keeps its pattern. */
		layer.u.psp.vc = (uint64_t)encap_num(ctx, vc, vc_loc,
						     "PSP vc", UINT64_MAX);
	}
	return layer;
}

static struct expr *expr_encap(struct gram_ctx *ctx, struct encap_layer layer,
			       const YYLTYPE *loc)
{
	struct expr *e = expr_new(ctx, EXPR_ENCAP, loc);

	if (e)
		e->u.encap = gram_calloc(ctx, sizeof(*e->u.encap));
	if (!e || !e->u.encap) {
		encap_layer_clear(&layer);
		expr_free(e);
		return NULL;
	}
	*e->u.encap = layer;
	return e;
}

/* ---- end of encapsulation layers ---- */

static struct event *event_new(struct gram_ctx *ctx, enum event_kind kind)
{
	struct event *ev = gram_calloc(ctx, sizeof(*ev));

	if (ev)
		ev->kind = kind;
	return ev;
}

static void event_free(struct event *ev)
{
	if (ev) {
		event_clear(ev);
		free(ev);
	}
}

/* ---- UDP packets (begin) ---- */

/* One UDP line's event.  Takes prefix and ports (cleared on every
 * path).  ECN is refused as packetdrill refuses it: the codepoint
 * belongs to TCP's congestion control, not to a datagram.
 */
static struct event *udp_event(struct gram_ctx *ctx, struct gram_prefix *prefix,
			       const YYLTYPE *udp_loc, struct gram_prefix *ports,
			       const YYLTYPE *ports_loc, struct gram_num len,
			       const YYLTYPE *len_loc)
{
	bool has_ports = ports->src.has_port || ports->dst.has_port;
	struct event *ev = NULL;
	struct udp_packet_spec *p;

	if (prefix->ip.ecn != ECN_UNSPECIFIED)
		gram_error(ctx, udp_loc, "ECN can only be used with TCP packets");
	if (len.too_big || len.value < 0 || len.value > UINT16_MAX)
		gram_error(ctx, len_loc, "UDP payload length %.*s is out of "
			   "range (0 to 65535)",
			   (int)(len_loc->end - len_loc->start),
			   ctx->text + len_loc->start);
	if (prefix->encaps.count > 0) {
		YYLTYPE at = { .first_line = prefix->encaps.items[0].loc.line,
			       .first_column = prefix->encaps.items[0].loc.column };

		gram_error(ctx, &at, "encapsulation layers on UDP lines are "
			   "not supported yet (TCP and ICMP lines take them)");
	} else if (has_ports && (prefix->src.has_addr || prefix->src.has_port ||
				 prefix->dst.has_addr || prefix->dst.has_port))
		gram_error(ctx, ports_loc, "the ports are already given before "
			   "'udp'");
	else
		ev = event_new(ctx, EVENT_UDP);
	if (!ev) {
		prefix_clear(prefix);
		prefix_clear(ports);
		return NULL;
	}
	p = &ev->u.udp;
	p->direction = prefix->direction;
	p->src = has_ports ? ports->src : prefix->src;
	p->dst = has_ports ? ports->dst : prefix->dst;
	p->ip = prefix->ip;
	p->payload_len = (uint32_t)(len.value & 0xffff);
	p->udp_loc = src(udp_loc);
	return ev;
}

/* ---- UDP packets (end) ---- */

/* ---- script items ---- */

static void add_option(struct gram_ctx *ctx, const YYLTYPE *loc)
{
	struct script *s = ctx->script;
	const char *text = ctx->text + loc->start + 2;
	size_t len = loc->end - loc->start - 2;
	const char *eq = memchr(text, '=', len);
	struct script_option opt = { .loc = src(loc) };

	if (s->event_count || s->init_command || s->cleanup_command) {
		gram_error(ctx, loc,
			   "option '--%.*s' must come before the first "
			   "command or event", (int)(eq ? eq - text : (long)len),
			   text);
		return;
	}
	opt.name = gram_strndup(ctx, text, eq ? (size_t)(eq - text) : len);
	if (eq)
		opt.value = gram_strndup(ctx, eq + 1,
					 len - (size_t)(eq - text) - 1);
	if (ctx->nomem || !grow(ctx, (void **)&s->options, s->option_count,
				sizeof(*s->options))) {
		free(opt.name);
		free(opt.value);
		return;
	}
	s->options[s->option_count++] = opt;
}

static char *command_text(struct gram_ctx *ctx, const YYLTYPE *loc)
{
	size_t len = loc->end - loc->start;
	const char *text = ctx->text + loc->start;
	size_t tail = len >= 2 && text[len - 1] == '`' ? 1 : 0;

	return gram_strndup(ctx, text + 1, len - 1 - tail);
}

/* The text between %{ and }% (which an unterminated block, already
 * reported, lacks).
 */
static char *code_text(struct gram_ctx *ctx, const YYLTYPE *loc)
{
	size_t len = loc->end - loc->start;
	const char *text = ctx->text + loc->start;
	size_t tail = len >= 4 && text[len - 2] == '}' && text[len - 1] == '%'
		      ? 2 : 0;

	return gram_strndup(ctx, text + 2, len - 2 - tail);
}

/* An untimed command is the init command before the first event and
 * the cleanup command after the last one.
 */
static void add_untimed_command(struct gram_ctx *ctx, const YYLTYPE *loc)
{
	struct script *s = ctx->script;

	if (s->event_count == 0 && !s->init_command) {
		s->init_command = command_text(ctx, loc);
		s->init_loc = src(loc);
	} else if (s->event_count == 0) {
		gram_error(ctx, loc, "only one untimed command may come "
			   "before the first event (give it a time)");
	} else if (!s->cleanup_command) {
		s->cleanup_command = command_text(ctx, loc);
		s->cleanup_loc = src(loc);
	} else {
		gram_error(ctx, loc, "only one untimed command may come "
			   "after the last event (give it a time)");
	}
}

static void add_event(struct gram_ctx *ctx, struct event *ev)
{
	struct script *s = ctx->script;

	if (!ev)
		return;
	if (s->cleanup_command && !ctx->misplaced_cleanup_reported) {
		YYLTYPE at = { .first_line = s->cleanup_loc.line,
			       .first_column = s->cleanup_loc.column };

		gram_error(ctx, &at, "untimed command between events "
			   "(give it a time, e.g. +0)");
		ctx->misplaced_cleanup_reported = true;
	}
	if (!grow(ctx, (void **)&s->events, s->event_count,
		  sizeof(*s->events))) {
		event_free(ev);
		return;
	}
	s->events[s->event_count++] = *ev;
	free(ev);
}
}

%define api.pure full
%define api.token.prefix {TOK_}
%define api.location.type {struct gram_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {yyscan_t scanner} {struct gram_ctx *ctx}
%expect 0

%union {
	struct gram_num num;
	struct gram_time time;
	int64_t usecs;
	char *str;
	struct expr *expr;
	struct expr_list list;
	struct expr_field field;
	struct gram_fields fields;
	struct event *event;
	struct event_time when;
	enum direction direction;
	struct gram_prefix prefix;
	struct endpoint_spec endpoint;
	enum ip_ecn ecn;
	struct ip_info ip;
	struct gram_seq seq;
	struct gram_opt_u32 opt;
	struct gram_tcp_options tcpopts;
	struct tcp_option tcpopt;
	struct gram_sack sack;
	struct sack_block block;
	struct gram_echoed echoed;
	struct gram_accecn accecn;
	struct encap_layer layer;
	struct encap_gre gre;
	struct encap_mpls mpls;
	struct mpls_entry mpls_entry;
	struct gram_gre_field gre_field;
}

%token END 0 "end of file"
%token <num> INTEGER "integer"
%token <num> HEX "hex integer"
%token <time> FLOAT "decimal number"
%token WORD "word"
%token STRING "string"
%token IPV4 "IPv4 address"
%token IPV6 "IPv6 address"
%token OPTION "option"
%token COMMAND "command"
%token CODE "code block"
%token NOTE "note"
%token ELLIPSIS "'...'"
%token RESYNC "start of a line"
/* Keywords; they also stand for themselves wherever a word is allowed
 * (see `word`).  Keep them together: is_keyword() lists them.
 */
%token ACK "'ack'" WIN "'win'" URG "'urg'"
%token NOP "'nop'" EOL "'eol'" MSS "'mss'" WSCALE "'wscale'"
%token SACKOK "'sackOK'" SACK "'sack'" TS "'TS'" VAL "'val'" ECR "'ecr'"
%token FO "'FO'" FOEXP "'FOEXP'" MD5 "'md5'"
%token ECT0 "'ect0'" ECT1 "'ect1'" ECT01 "'ect01'" CE "'ce'"
%token NOECN "'noecn'"
%token ICMP "'icmp'" MTU "'mtu'" ID "'id'"
/* Encapsulation prefixes; a bare IPv6 address (2::1) only appears there. */
%token ENC_IPV4 "'ipv4'" ENC_IPV6 "'ipv6'" GRE "'gre'" MPLS "'mpls'"
%token PSP "'psp'" ENCAP "'encap'"
%token V6ADDR "bare IPv6 address"
%token UDP "'udp'"

%type <str> word flags cookie errno_name note icmp_code
%type <expr> expr operand strings call
%type <list> expr_list args
%type <field> field
%type <fields> field_list
%type <event> event action packet icmp syscall udp
%type <when> time_spec
%type <usecs> time
%type <direction> direction
%type <prefix> prefix endpoints packet_head
%type <endpoint> endpoint
%type <ecn> ecn
%type <ip> ip_info ip_items ip_item
%type <seq> seq
%type <opt> opt_ack opt_win opt_urg opt_mtu opt_id
%type <tcpopts> tcp_options tcp_option_list
%type <tcpopt> tcp_option
%type <accecn> accecn_fields
%type <sack> sack_blocks
%type <block> sack_block
%type <echoed> opt_echoed
%type <layer> encap_layer psp_fields
%type <gre> gre_header
%type <opt> gre_flags gre_flag_names gre_flag_name
%type <gre_field> gre_field
%type <mpls> mpls_stack
%type <mpls_entry> mpls_entry
%type <num> encap_num
%type <prefix> udp_ports

%destructor { free($$); } <str>
%destructor { expr_free($$); } <expr>
%destructor { expr_list_free(&$$); } <list>
%destructor { expr_field_clear(&$$); } <field>
%destructor { fields_free(&$$); } <fields>
%destructor { event_free($$); } <event>
%destructor { prefix_clear(&$$); } <prefix>
%destructor { endpoint_clear(&$$); } <endpoint>
%destructor { tcp_options_free(&$$); } <tcpopts>
%destructor { tcp_option_clear(&$$); } <tcpopt>
%destructor { free($$.items); } <sack>
%destructor { encap_layer_clear(&$$); } <layer>
%destructor { free($$.entries); } <mpls>

%left '|'

%%

script
	: %empty
	| script item
	;

/* Out of memory, stop at the end of the item: everything built so far
 * is then owned by the script, so nothing is left half-made.
 */
item
	: OPTION {
		add_option(ctx, &@1);
		if (ctx->nomem)
			YYABORT;
	}
	| COMMAND {
		add_untimed_command(ctx, &@1);
		if (ctx->nomem)
			YYABORT;
	}
	| event {
		add_event(ctx, $1);
		if (ctx->nomem)
			YYABORT;
	}
	| error RESYNC		{ yyerrok; }
	;

/* ---- events and times ---- */

event
	: time_spec action {
		$$ = $2;
		if ($$) {
			$$->time = $1;
			$$->loc = src(&@1);
		}
	}
	| time_spec ELLIPSIS time syscall {
		$$ = $4;
		if ($1.kind != TIME_ANY && $3 < $1.usecs)
			gram_error(ctx, &@3,
				   "blocking call ends before it starts");
		if ($$) {
			$$->time = $1;
			$$->time.has_block_end = true;
			$$->time.block_end_usecs = $3;
			$$->u.syscall.is_blocking = true;
			$$->loc = src(&@1);
		}
	}
	;

time_spec
	: time {
		$$ = (struct event_time){ .kind = TIME_ABSOLUTE, .usecs = $1 };
	}
	| '+' time {
		$$ = (struct event_time){ .kind = TIME_RELATIVE, .usecs = $2 };
	}
	| '*' {
		$$ = (struct event_time){ .kind = TIME_ANY };
	}
	| time '~' time {
		if ($3 < $1)
			gram_error(ctx, &@3, "time range ends before it starts");
		$$ = (struct event_time){ .kind = TIME_ABSOLUTE_RANGE,
					  .usecs = $1, .end_usecs = $3 };
	}
	| '+' time '~' '+' time {
		if ($5 < $2)
			gram_error(ctx, &@5, "time range ends before it starts");
		$$ = (struct event_time){ .kind = TIME_RELATIVE_RANGE,
					  .usecs = $2, .end_usecs = $5 };
	}
	;

time
	: INTEGER		{ $$ = seconds_time(ctx, $1, &@1); }
	| FLOAT			{ $$ = decimal_time(ctx, $1, &@1); }
	;

action
	: packet
	| icmp
	| udp
	| syscall
	| COMMAND {
		$$ = event_new(ctx, EVENT_COMMAND);
		if ($$)
			$$->u.command = command_text(ctx, &@1);
	}
	| CODE {
		$$ = event_new(ctx, EVENT_CODE);
		if ($$)
			$$->u.code = code_text(ctx, &@1);
	}
	;

/* ---- TCP packets ---- */

packet
	: prefix flags seq opt_ack opt_win opt_urg tcp_options {
		$$ = event_new(ctx, EVENT_PACKET);
		if (!$$ || !$2) {
			prefix_clear(&$1);
			free($2);
			tcp_options_free(&$7);
			event_free($$);
			$$ = NULL;
		} else {
			struct tcp_packet_spec *p = &$$->u.packet;

			p->direction = $1.direction;
			p->encaps = $1.encaps;
			p->src = $1.src;
			p->dst = $1.dst;
			p->ip = $1.ip;
			p->flags = $2;
			p->flags_loc = src(&@2);
			p->seq_start = $3.start;
			p->seq_end = $3.end;
			p->payload_len = $3.len;
			p->has_ack = $4.has;
			p->ack = $4.value;
			p->has_win = $5.has;
			p->win = $5.value;
			p->has_urg = $6.has;
			p->urg = $6.value;
			p->options_form = $7.form;
			p->options = $7.items;
			p->option_count = $7.count;
		}
	}
	;

direction
	: '<'			{ $$ = DIR_INBOUND; }
	| '>'			{ $$ = DIR_OUTBOUND; }
	;

/* Endpoints (a tcpcheck extension) and ECN may come in either order. */
prefix
	: packet_head
	| packet_head endpoints {
		$$ = $2;
		$$.direction = $1.direction;
		$$.encaps = $1.encaps;
	}
	| packet_head ip_info {
		$$ = $1;
		$$.ip = $2;
	}
	| packet_head endpoints ip_info {
		$$ = $2;
		$$.direction = $1.direction;
		$$.encaps = $1.encaps;
		$$.ip = $3;
	}
	| packet_head ip_info endpoints {
		$$ = $3;
		$$.direction = $1.direction;
		$$.encaps = $1.encaps;
		$$.ip = $2;
	}
	;

endpoints
	: endpoint '>' endpoint {
		$$ = (struct gram_prefix){ .src = $1, .dst = $3 };
	}
	;

endpoint
	: INTEGER		{ $$ = endpoint_port(ctx, $1, &@1); }
	| IPV4			{ $$ = endpoint_addr(ctx, &@1, false); }
	| IPV6			{ $$ = endpoint_addr(ctx, &@1, true); }
	| IPV4 ':' INTEGER {
		$$ = endpoint_addr(ctx, &@1, false);
		$$.has_port = true;
		$$.port = check_port(ctx, $3, &@3);
	}
	| IPV6 ':' INTEGER {
		$$ = endpoint_addr(ctx, &@1, true);
		$$.has_port = true;
		$$.port = check_port(ctx, $3, &@3);
	}
	;

ip_info
	: '[' ip_items ']'	{ $$ = $2; }
	| '(' ip_items ')'	{ $$ = $2; }
	;

ip_items
	: ip_item
	| ip_items ',' ip_item	{ $$ = ip_info_merge(ctx, $1, $3, &@3); }
	;

ip_item
	: ecn			{ $$ = (struct ip_info){ .ecn = $1 }; }
	| WORD INTEGER		{ $$ = ip_info_item(ctx, &@1, $2, &@2); }
	| WORD HEX		{ $$ = ip_info_item(ctx, &@1, $2, &@2); }
	| WORD {
		gram_error(ctx, &@1, "'%.*s' is not an IP header field here ("
			   IP_INFO_NAMES ")", (int)(@1.end - @1.start),
			   ctx->text + @1.start);
		$$ = (struct ip_info){ .ecn = ECN_UNSPECIFIED };
	}
	;

ecn
	: NOECN			{ $$ = ECN_NOECN; }
	| ECT0			{ $$ = ECN_ECT0; }
	| ECT1			{ $$ = ECN_ECT1; }
	| ECT01			{ $$ = ECN_ECT01; }
	| CE			{ $$ = ECN_CE; }
	;

flags
	: WORD			{ $$ = tcp_flags(ctx, &@1, &@1); }
	| WORD '.'		{ $$ = tcp_flags(ctx, &@1, &@2); }
	| WORD '.' WORD		{ $$ = tcp_flags(ctx, &@1, &@3); }
	| '.'			{ $$ = tcp_flags(ctx, &@1, &@1); }
	| '.' WORD		{ $$ = tcp_flags(ctx, &@1, &@2); }
	| '-'			{ $$ = tcp_flags(ctx, &@1, &@1); }
	;

seq
	: INTEGER ':' INTEGER '(' INTEGER ')' {
		$$.start = check_u32(ctx, $1, &@1, "sequence number");
		$$.end = check_u32(ctx, $3, &@3, "sequence number");
		$$.len = check_u32(ctx, $5, &@5, "payload length");
	}
	;

opt_ack
	: %empty		{ $$ = (struct gram_opt_u32){ 0 }; }
	| ACK INTEGER {
		$$ = (struct gram_opt_u32){
			true, check_u32(ctx, $2, &@2, "ack number") };
	}
	;

opt_win
	: %empty		{ $$ = (struct gram_opt_u32){ 0 }; }
	| WIN INTEGER {
		$$ = (struct gram_opt_u32){
			true, check_u32(ctx, $2, &@2, "window") };
	}
	;

opt_urg
	: %empty		{ $$ = (struct gram_opt_u32){ 0 }; }
	| URG INTEGER {
		$$ = (struct gram_opt_u32){
			true, check_u32(ctx, $2, &@2, "urgent pointer") };
	}
	;

tcp_options
	: %empty {
		$$ = (struct gram_tcp_options){ .form = TCP_OPTIONS_ABSENT };
	}
	| '<' ELLIPSIS '>' {
		$$ = (struct gram_tcp_options){ .form = TCP_OPTIONS_ANY };
	}
	| '<' tcp_option_list '>' {
		$$ = $2;
	}
	;

tcp_option_list
	: tcp_option {
		$$ = (struct gram_tcp_options){ .form = TCP_OPTIONS_LIST };
		tcp_options_append(ctx, &$$, $1);
	}
	| tcp_option_list ',' tcp_option {
		$$ = $1;
		tcp_options_append(ctx, &$$, $3);
	}
	;

tcp_option
	: NOP {
		$$ = (struct tcp_option){ .kind = OPT_NOP, .loc = src(&@1) };
	}
	| EOL {
		$$ = (struct tcp_option){ .kind = OPT_EOL, .loc = src(&@1) };
	}
	| MSS INTEGER {
		$$ = (struct tcp_option){ .kind = OPT_MSS, .loc = src(&@1),
			.value = check_u32(ctx, $2, &@2, "mss") };
	}
	| WSCALE INTEGER {
		$$ = (struct tcp_option){ .kind = OPT_WSCALE, .loc = src(&@1),
			.value = check_u32(ctx, $2, &@2, "wscale") };
	}
	| WSCALE '*' {
		$$ = (struct tcp_option){ .kind = OPT_WSCALE, .loc = src(&@1),
					  .any_value = true };
	}
	| SACKOK {
		$$ = (struct tcp_option){ .kind = OPT_SACK_PERMITTED,
					  .loc = src(&@1) };
	}
	| SACK sack_blocks {
		$$ = (struct tcp_option){ .kind = OPT_SACK, .loc = src(&@1),
			.sack_blocks = $2.items, .sack_count = $2.count };
	}
	| TS VAL INTEGER ECR INTEGER {
		$$ = (struct tcp_option){ .kind = OPT_TIMESTAMP,
			.loc = src(&@1),
			.ts_val = check_u32(ctx, $3, &@3, "TS val"),
			.ts_ecr = check_u32(ctx, $5, &@5, "TS ecr") };
	}
	| FO {
		$$ = (struct tcp_option){ .kind = OPT_FAST_OPEN,
					  .loc = src(&@1) };
	}
	| FO cookie {
		$$ = (struct tcp_option){ .kind = OPT_FAST_OPEN,
					  .loc = src(&@1), .cookie = $2 };
	}
	| FOEXP {
		$$ = (struct tcp_option){ .kind = OPT_FAST_OPEN_EXP,
					  .loc = src(&@1) };
	}
	| FOEXP cookie {
		$$ = (struct tcp_option){ .kind = OPT_FAST_OPEN_EXP,
					  .loc = src(&@1), .cookie = $2 };
	}
	| MD5 INTEGER {
		$$ = (struct tcp_option){ .kind = OPT_MD5, .loc = src(&@1),
			.cookie = hex_blob(ctx, &@2) };
	}
	| MD5 WORD {
		$$ = (struct tcp_option){ .kind = OPT_MD5, .loc = src(&@1),
			.cookie = hex_blob(ctx, &@2) };
	}
	| WORD accecn_fields {
		$$ = accecn_option(ctx, &@1, &$2);
	}
	;

accecn_fields
	: %empty		{ $$ = (struct gram_accecn){ 0 }; }
	| accecn_fields WORD INTEGER {
		$$ = $1;
		accecn_field(ctx, &$$, &@2, $3, &@3);
	}
	;

cookie
	: WORD			{ $$ = hex_blob(ctx, &@1); }
	| INTEGER		{ $$ = hex_blob(ctx, &@1); }
	;

sack_blocks
	: sack_block {
		$$ = (struct gram_sack){ 0 };
		sack_append(ctx, &$$, $1);
	}
	| sack_blocks sack_block {
		$$ = $1;
		sack_append(ctx, &$$, $2);
	}
	;

sack_block
	: INTEGER ':' INTEGER {
		$$.left = check_u32(ctx, $1, &@1, "SACK edge");
		$$.right = check_u32(ctx, $3, &@3, "SACK edge");
	}
	;

/* ---- ICMP packets ---- */

icmp
	: prefix ICMP WORD icmp_code opt_mtu opt_id opt_echoed {
		$$ = event_new(ctx, EVENT_ICMP);
		if (!$$) {
			prefix_clear(&$1);
			free($4);
		} else {
			struct icmp_packet_spec *p = &$$->u.icmp;

			p->direction = $1.direction;
			p->encaps = $1.encaps;
			p->src = $1.src;
			p->dst = $1.dst;
			p->ip = $1.ip;
			p->type = tok_text(ctx, &@3);
			p->type_loc = src(&@3);
			p->code = $4;
			p->code_loc = src(&@4);
			p->has_mtu = $5.has;
			p->mtu = $5.value;
			p->has_id = $6.has;
			p->id = $6.value;
			p->echoed = $7.form;
			p->echoed_seq_start = $7.seq.start;
			p->echoed_seq_end = $7.seq.end;
			p->echoed_len = $7.seq.len;
		}
	}
	;

icmp_code
	: %empty		{ $$ = NULL; }
	| WORD			{ $$ = tok_text(ctx, &@1); }
	;

opt_mtu
	: %empty		{ $$ = (struct gram_opt_u32){ 0 }; }
	| MTU INTEGER {
		$$ = (struct gram_opt_u32){
			true, check_u32(ctx, $2, &@2, "mtu") };
	}
	;

opt_id
	: %empty		{ $$ = (struct gram_opt_u32){ 0 }; }
	| ID INTEGER {
		$$ = (struct gram_opt_u32){
			true, check_u32(ctx, $2, &@2, "id") };
	}
	;

opt_echoed
	: %empty {
		$$ = (struct gram_echoed){ .form = ICMP_ECHOED_NONE };
	}
	| '[' seq ']' {
		$$ = (struct gram_echoed){ .form = ICMP_ECHOED_TCP, .seq = $2 };
	}
	| '[' UDP '(' INTEGER ')' ']' {
		$$ = (struct gram_echoed){ .form = ICMP_ECHOED_UDP };
		$$.seq.len = check_u32(ctx, $4, &@4, "payload length");
	}
	| '[' WORD '(' INTEGER ')' ']' {
		size_t n = @2.end - @2.start;
		const char *w = ctx->text + @2.start;

		/* `udp` is a keyword of its own (the rule above). */
		$$ = (struct gram_echoed){ .form = ICMP_ECHOED_RAW };
		if (n != 3 || memcmp(w, "raw", 3))
			gram_error(ctx, &@2, "expected 'udp' or 'raw' here, "
				   "not '%.*s'", (int)n, w);
		$$.seq.len = check_u32(ctx, $4, &@4, "payload length");
	}
	;

/* ---- UDP packets (begin) ---- */

/* packetdrill's `udp [SRC>DST] (LEN)`; the endpoints may also come
 * before `udp`, as on TCP lines, but not both.
 */
udp
	: prefix UDP udp_ports '(' INTEGER ')' {
		$$ = udp_event(ctx, &$1, &@2, &$3, &@3, $5, &@5);
	}
	;

udp_ports
	: %empty		{ $$ = (struct gram_prefix){ 0 }; }
	| INTEGER '>' INTEGER {
		$$ = (struct gram_prefix){
			.src = endpoint_port(ctx, $1, &@1),
			.dst = endpoint_port(ctx, $3, &@3) };
	}
	;

/* ---- UDP packets (end) ---- */

/* ---- system calls ---- */

syscall
	: WORD args '=' expr errno_name note {
		$$ = event_new(ctx, EVENT_SYSCALL);
		if (!$$) {
			expr_list_free(&$2);
			expr_free($4);
			free($5);
			free($6);
		} else {
			struct syscall_spec *c = &$$->u.syscall;

			c->name = tok_text(ctx, &@1);
			c->name_loc = src(&@1);
			c->args = $2;
			c->result = $4;
			c->errno_name = $5;
			if ($5)
				c->errno_loc = src(&@5);
			c->note = $6;
		}
	}
	;

args
	: '(' ')'		{ $$ = (struct expr_list){ 0 }; }
	| '(' expr_list ')'	{ $$ = $2; }
	;

errno_name
	: %empty		{ $$ = NULL; }
	| WORD			{ $$ = tok_text(ctx, &@1); }
	;

note
	: %empty		{ $$ = NULL; }
	| NOTE {
		/* Drop the '(' and the ')' (or the newline of a note left
		 * open, already reported).
		 */
		const char *text = ctx->text + @1.start + 1;
		size_t n = @1.end - @1.start - 1;

		if (n && (text[n - 1] == ')' || text[n - 1] == '\n'))
			n--;
		$$ = gram_strndup(ctx, text, n);
	}
	;

/* ---- expressions ---- */

expr_list
	: expr {
		$$ = (struct expr_list){ 0 };
		list_append(ctx, &$$, $1);
	}
	| expr_list ',' expr {
		$$ = $1;
		list_append(ctx, &$$, $3);
	}
	;

expr
	: operand
	| expr '|' expr		{ $$ = expr_or(ctx, $1, $3, &@1); }
	;

operand
	: ELLIPSIS		{ $$ = expr_new(ctx, EXPR_ELLIPSIS, &@1); }
	| INTEGER		{ $$ = expr_int(ctx, $1, false, &@1); }
	| HEX			{ $$ = expr_int(ctx, $1, true, &@1); }
	| strings
	| strings ELLIPSIS {
		$$ = $1;
		if ($$)
			$$->u.str.trailing_ellipsis = true;
	}
	| word			{ $$ = expr_word(ctx, $1, &@1); }
	| call
	| '[' ']' {
		$$ = expr_array(ctx, (struct expr_list){ 0 }, &@1);
	}
	| '[' expr_list ']'	{ $$ = expr_array(ctx, $2, &@1); }
	| '{' '}' {
		$$ = expr_struct(ctx, (struct gram_fields){ 0 }, &@1);
	}
	| '{' field_list '}'	{ $$ = expr_struct(ctx, $2, &@1); }
	| '{' GRE gre_header '}' {
		$$ = expr_encap(ctx, (struct encap_layer){ .kind = ENCAP_GRE,
			.loc = src(&@2), .u.gre = $3 }, &@1);
	}
	/* packetdrill's own form, without the keyword. */
	| '{' gre_header '}' {
		$$ = expr_encap(ctx, (struct encap_layer){ .kind = ENCAP_GRE,
			.loc = src(&@2), .u.gre = $2 }, &@1);
	}
	| '{' mpls_stack '}' {
		$$ = expr_encap(ctx, (struct encap_layer){ .kind = ENCAP_MPLS,
			.loc = src(&@2), .u.mpls = $2 }, &@1);
	}
	;

strings
	: STRING		{ $$ = expr_string(ctx, &@1); }
	| strings STRING	{ $$ = string_append(ctx, $1, &@2); }
	;

call
	: word args		{ $$ = expr_call(ctx, $1, $2, &@1); }
	;

field_list
	: field {
		$$ = (struct gram_fields){ 0 };
		fields_append(ctx, &$$, $1);
	}
	| field_list ',' field {
		$$ = $1;
		fields_append(ctx, &$$, $3);
	}
	;

field
	: word '=' expr {
		$$ = (struct expr_field){ .name = $1, .value = $3,
					  .loc = src(&@1) };
		if (!$1) {
			expr_free($3);
			$$.value = NULL;
		}
	}
	| call '=' expr		{ $$ = field_indexed(ctx, $1, $3, &@1); }
	| expr {
		$$ = (struct expr_field){ .value = $1, .loc = src(&@1) };
	}
	;

/* Keywords are ordinary words outside packet lines. */
word
	: WORD			{ $$ = tok_text(ctx, &@1); }
	| ACK			{ $$ = tok_text(ctx, &@1); }
	| WIN			{ $$ = tok_text(ctx, &@1); }
	| URG			{ $$ = tok_text(ctx, &@1); }
	| NOP			{ $$ = tok_text(ctx, &@1); }
	| EOL			{ $$ = tok_text(ctx, &@1); }
	| MSS			{ $$ = tok_text(ctx, &@1); }
	| WSCALE		{ $$ = tok_text(ctx, &@1); }
	| SACKOK		{ $$ = tok_text(ctx, &@1); }
	| SACK			{ $$ = tok_text(ctx, &@1); }
	| TS			{ $$ = tok_text(ctx, &@1); }
	| VAL			{ $$ = tok_text(ctx, &@1); }
	| ECR			{ $$ = tok_text(ctx, &@1); }
	| FO			{ $$ = tok_text(ctx, &@1); }
	| FOEXP			{ $$ = tok_text(ctx, &@1); }
	| MD5			{ $$ = tok_text(ctx, &@1); }
	| ECT0			{ $$ = tok_text(ctx, &@1); }
	| ECT1			{ $$ = tok_text(ctx, &@1); }
	| ECT01			{ $$ = tok_text(ctx, &@1); }
	| CE			{ $$ = tok_text(ctx, &@1); }
	| NOECN			{ $$ = tok_text(ctx, &@1); }
	| ICMP			{ $$ = tok_text(ctx, &@1); }
	| MTU			{ $$ = tok_text(ctx, &@1); }
	| ID			{ $$ = tok_text(ctx, &@1); }
	| ENC_IPV4		{ $$ = tok_text(ctx, &@1); }
	| ENC_IPV6		{ $$ = tok_text(ctx, &@1); }
	| GRE			{ $$ = tok_text(ctx, &@1); }
	| MPLS			{ $$ = tok_text(ctx, &@1); }
	| PSP			{ $$ = tok_text(ctx, &@1); }
	| ENCAP			{ $$ = tok_text(ctx, &@1); }
	| UDP			{ $$ = tok_text(ctx, &@1); }
	;


/* ---- encapsulation prefixes (see encap_layer in ast.h) ---- */

packet_head
	: direction {
		$$ = (struct gram_prefix){ .direction = $1 };
	}
	| packet_head encap_layer {
		$$ = $1;
		encaps_append(ctx, &$$.encaps, $2);
	}
	;

encap_layer
	: ENC_IPV4 IPV4 '>' IPV4 ':' {
		$$ = encap_ip(ctx, &@1, false, (struct ip_info){ 0 }, &@2, &@4);
	}
	| ENC_IPV4 ip_info IPV4 '>' IPV4 ':' {
		$$ = encap_ip(ctx, &@1, false, $2, &@3, &@5);
	}
	| ENC_IPV6 v6_addr '>' v6_addr ':' {
		$$ = encap_ip(ctx, &@1, true, (struct ip_info){ 0 }, &@2, &@4);
	}
	| ENC_IPV6 ip_info v6_addr '>' v6_addr ':' {
		$$ = encap_ip(ctx, &@1, true, $2, &@3, &@5);
	}
	| GRE ':' {
		$$ = (struct encap_layer){ .kind = ENCAP_GRE, .loc = src(&@1) };
	}
	| GRE gre_header ':' {
		$$ = (struct encap_layer){ .kind = ENCAP_GRE, .loc = src(&@1),
					   .u.gre = $2 };
	}
	| GRE ',' gre_header ':' {
		$$ = (struct encap_layer){ .kind = ENCAP_GRE, .loc = src(&@1),
					   .u.gre = $3 };
	}
	| MPLS ':' {
		$$ = (struct encap_layer){ .kind = ENCAP_MPLS, .loc = src(&@1) };
	}
	| MPLS mpls_stack ':' {
		$$ = (struct encap_layer){ .kind = ENCAP_MPLS, .loc = src(&@1),
					   .u.mpls = $2 };
	}
	| PSP psp_fields ':' {
		$$ = $2;
		$$.loc = src(&@1);
	}
	| ENCAP PSP psp_fields {
		$$ = $3;
		$$.loc = src(&@1);
		$$.u.psp.transport = true;
	}
	;

v6_addr
	: V6ADDR
	| IPV6
	;

encap_num
	: INTEGER
	| HEX
	;

gre_header
	: gre_flags opt_comma gre_field opt_comma gre_field opt_comma gre_field
	  opt_comma gre_field {
		struct gram_gre_field f[4] = { $3, $5, $7, $9 };

		$$ = build_gre_header(ctx, $1.value, f);
	}
	;

opt_comma
	: %empty
	| ','
	;

gre_flags
	: WORD encap_num {
		$$ = (struct gram_opt_u32){ true, 0 };
		if (encap_name(ctx, &@1, "flags", "a GRE header"))
			$$.value = gre_flags_value(ctx, $2, &@2);
	}
	| WORD '[' gre_flag_names ']' {
		$$ = $3;
		encap_name(ctx, &@1, "flags", "a GRE header");
	}
	;

gre_flag_names
	: gre_flag_name
	| gre_flag_names ',' gre_flag_name {
		$$ = (struct gram_opt_u32){ true, $1.value | $3.value };
	}
	;

gre_flag_name
	: WORD {
		$$ = (struct gram_opt_u32){ true, gre_flag_bit(ctx, &@1, NULL) };
	}
	| WORD WORD {
		$$ = (struct gram_opt_u32){ true, gre_flag_bit(ctx, &@1, &@2) };
	}
	;

gre_field
	: WORD encap_num {
		$$ = (struct gram_gre_field){ .name = @1, .num = $2,
					      .num_loc = @2 };
	}
	| WORD '=' encap_num {
		$$ = (struct gram_gre_field){ .name = @1, .has_equals = true,
					      .num = $3, .num_loc = @3 };
	}
	;

mpls_stack
	: mpls_entry {
		$$ = (struct encap_mpls){ 0 };
		mpls_append(ctx, &$$, $1);
	}
	| mpls_stack mpls_entry {
		$$ = $1;
		mpls_append(ctx, &$$, $2);
	}
	;

mpls_entry
	: '(' WORD encap_num ',' WORD encap_num ',' WORD encap_num ')' {
		YYLTYPE names[3] = { @2, @5, @8 };
		struct gram_num nums[3] = { $3, $6, $9 };
		YYLTYPE locs[3] = { @3, @6, @9 };

		$$ = build_mpls_entry(ctx, names, nums, locs, NULL);
	}
	| '(' WORD encap_num ',' WORD encap_num ',' '[' WORD ']' ','
	  WORD encap_num ')' {
		YYLTYPE names[3] = { @2, @5, @12 };
		struct gram_num nums[3] = { $3, $6, $13 };
		YYLTYPE locs[3] = { @3, @6, @13 };

		$$ = build_mpls_entry(ctx, names, nums, locs, &@9);
	}
	;

psp_fields
	: WORD encap_num {
		$$ = psp_layer(ctx, &@1, $2, &@2, NULL, (struct gram_num){ 0 },
			       NULL);
	}
	| WORD encap_num ',' WORD encap_num {
		$$ = psp_layer(ctx, &@1, $2, &@2, &@4, $5, &@5);
	}
	;

/* ---- end of encapsulation prefixes ---- */

%%

void gram_error(struct gram_ctx *ctx, const YYLTYPE *loc, const char *fmt,
		...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(ctx->diags, src(loc), fmt, ap);
	va_end(ap);
	ctx->errors++;
}

/* Bison's own failure: its stack is exhausted, which takes brackets
 * nested thousands deep.
 */
static void yyerror(const YYLTYPE *loc, yyscan_t scanner,
		    struct gram_ctx *ctx, const char *msg)
{
	(void)scanner;
	gram_error(ctx, loc, "nesting too deep (%s)", msg);
}

/* ---- syntax error messages ---- */

static bool is_keyword(yysymbol_kind_t sym)
{
	switch (sym) {
	case YYSYMBOL_ACK: case YYSYMBOL_WIN: case YYSYMBOL_URG:
	case YYSYMBOL_NOP: case YYSYMBOL_EOL: case YYSYMBOL_MSS:
	case YYSYMBOL_WSCALE: case YYSYMBOL_SACKOK: case YYSYMBOL_SACK:
	case YYSYMBOL_TS: case YYSYMBOL_VAL: case YYSYMBOL_ECR:
	case YYSYMBOL_FO: case YYSYMBOL_FOEXP: case YYSYMBOL_MD5:
	case YYSYMBOL_ECT0: case YYSYMBOL_ECT1: case YYSYMBOL_ECT01:
	case YYSYMBOL_CE: case YYSYMBOL_NOECN: case YYSYMBOL_ICMP:
	case YYSYMBOL_MTU: case YYSYMBOL_ID:
	case YYSYMBOL_ENC_IPV4: case YYSYMBOL_ENC_IPV6: case YYSYMBOL_GRE:
	case YYSYMBOL_MPLS: case YYSYMBOL_PSP: case YYSYMBOL_ENCAP:
	case YYSYMBOL_UDP:
		return true;
	default:
		return false;
	}
}

/* The name bison knows a token by, without the quotes of its alias. */
static void append_name(char *buf, size_t size, yysymbol_kind_t sym)
{
	const char *name = yysymbol_name(sym);
	size_t len = strlen(name);
	size_t used = strlen(buf);

	if (len >= 2 && name[0] == '"' && name[len - 1] == '"') {
		name++;
		len -= 2;
	}
	snprintf(buf + used, size - used, "%.*s", (int)len, name);
}

/* The unexpected token, with its text when that helps: word "foo". */
static void append_unexpected(char *buf, size_t size, struct gram_ctx *ctx,
			      yysymbol_kind_t sym, const YYLTYPE *loc)
{
	const char *text = ctx->text + loc->start;
	int len = (int)(loc->end - loc->start);
	size_t used;
	const char *quote;

	append_name(buf, size, sym);
	switch (sym) {
	case YYSYMBOL_WORD:
		quote = "\"";
		break;
	case YYSYMBOL_OPTION:
	case YYSYMBOL_INTEGER:
	case YYSYMBOL_HEX:
	case YYSYMBOL_FLOAT:
	case YYSYMBOL_IPV4:
	case YYSYMBOL_IPV6:
	case YYSYMBOL_V6ADDR:
		quote = "";
		break;
	default:
		return;
	}
	used = strlen(buf);
	if (len > 40)
		snprintf(buf + used, size - used, " %s%.37s...%s", quote, text,
			 quote);
	else
		snprintf(buf + used, size - used, " %s%.*s%s", quote, len, text,
			 quote);
}

static bool resync_point(yyscan_t scanner, struct gram_ctx *ctx,
			 const struct gram_token *t);
static void push_front(struct gram_ctx *ctx, const struct gram_token *t);

static bool expects(const yysymbol_kind_t *expected, int n,
		    yysymbol_kind_t sym)
{
	for (int i = 0; i < n; i++)
		if (expected[i] == sym)
			return true;
	return false;
}

/* Offer the offending token to the recovery too: it may well be the
 * start of the next line (a line that ended too early).
 */
static void start_recovery(struct gram_ctx *ctx)
{
	ctx->recovering = true;
	push_front(ctx, &ctx->last);
}

static int yyreport_syntax_error(const yypcontext_t *pctx,
				 yyscan_t scanner, struct gram_ctx *ctx)
{
	yysymbol_kind_t expected[YYNTOKENS];
	yysymbol_kind_t shown[YYNTOKENS];
	yysymbol_kind_t sym = yypcontext_token(pctx);
	const YYLTYPE *loc = yypcontext_location(pctx);
	const struct gram_token *stray = &ctx->before_last;
	YYLTYPE eol;
	char buf[512] = "syntax error, unexpected ";
	int n = yypcontext_expected_tokens(pctx, expected, YYNTOKENS);
	int count = 0;
	bool want_word = false;

	for (int i = 0; i < n; i++)
		if (expected[i] == YYSYMBOL_WORD)
			want_word = true;
	/* Keywords are words too: list "word" once, not every keyword. */
	for (int i = 0; i < n; i++)
		if (!(want_word && is_keyword(expected[i])) &&
		    expected[i] != YYSYMBOL_RESYNC &&
		    expected[i] != YYSYMBOL_YYerror)
			shown[count++] = expected[i];
	/* A number left at the end of a line (`= 0 0`) reads as the time
	 * of a new event, so the error surfaces only at the next line.
	 * When the parser stopped right after such a time, blame it: that
	 * is where the stray text is.
	 */
	if (ctx->last.line_start && !stray->line_start &&
	    (stray->kind == TOK_INTEGER || stray->kind == TOK_FLOAT) &&
	    stray->loc.last_line < ctx->last.loc.first_line &&
	    expects(expected, n, YYTRANSLATE('~'))) {
		append_unexpected(buf, sizeof(buf), ctx,
				  stray->kind == TOK_INTEGER ? YYSYMBOL_INTEGER
							     : YYSYMBOL_FLOAT,
				  &stray->loc);
		gram_error(ctx, &stray->loc, "%s", buf);
		start_recovery(ctx);
		return 0;
	}
	/* A line that ends too early shows up as an unexpected token at
	 * the start of the next one; point at the gap instead.
	 */
	if (sym != YYSYMBOL_YYEOF && ctx->last.line_start &&
	    stray->loc.last_line > 0 &&
	    stray->loc.last_line < ctx->last.loc.first_line &&
	    resync_point(scanner, ctx, &ctx->last)) {
		eol.first_line = eol.last_line = stray->loc.last_line;
		eol.first_column = eol.last_column = stray->loc.last_column + 1;
		eol.start = eol.end = stray->loc.end;
		loc = &eol;
		strncat(buf, "end of line", sizeof(buf) - strlen(buf) - 1);
	} else {
		append_unexpected(buf, sizeof(buf), ctx, sym, loc);
	}
	/* Where a TCP option may start, "word" would be the only thing
	 * listed (options are keywords, and ECN a plain word): name them.
	 */
	if (expects(expected, n, YYSYMBOL_MSS) &&
	    expects(expected, n, YYSYMBOL_SACKOK) &&
	    !expects(expected, n, YYSYMBOL_INTEGER)) {
		strncat(buf, ", expecting a TCP option (" TCP_OPTION_NAMES ")",
			sizeof(buf) - strlen(buf) - 1);
		count = 0;
	}
	if (count > 0 && count <= 5) {
		for (int i = 0; i < count; i++) {
			strncat(buf, i == 0 ? ", expecting " : " or ",
				sizeof(buf) - strlen(buf) - 1);
			append_name(buf, sizeof(buf), shown[i]);
		}
	}
	if (loc->first_line != ctx->unterminated_line)
		gram_error(ctx, loc, "%s", buf);
	start_recovery(ctx);
	return 0;
}

/* ---- the token stream seen by the parser ---- */

static struct gram_token next_token(yyscan_t scanner, struct gram_ctx *ctx)
{
	struct gram_token t;

	if (ctx->queued > 0) {
		t = ctx->queue[0];
		ctx->queued--;
		memmove(&ctx->queue[0], &ctx->queue[1],
			(size_t)ctx->queued * sizeof(ctx->queue[0]));
		return t;
	}
	memset(&t, 0, sizeof(t));
	t.kind = gram_scan(&t.value, &t.loc, scanner);
	t.line_start = ctx->line_start;
	return t;
}

/* The token after the one just taken, left in the queue. */
static struct gram_token peek_token(yyscan_t scanner, struct gram_ctx *ctx)
{
	struct gram_token t;

	if (ctx->queued > 0)
		return ctx->queue[0];
	t = next_token(scanner, ctx);
	ctx->queue[ctx->queued++] = t;
	return t;
}

/* Give a token back, to be taken again before anything queued. */
static void push_front(struct gram_ctx *ctx, const struct gram_token *t)
{
	if (ctx->queued >= GRAM_QUEUE_MAX)
		return;		/* cannot happen: at most two are queued */
	memmove(&ctx->queue[1], &ctx->queue[0],
		(size_t)ctx->queued * sizeof(ctx->queue[0]));
	ctx->queue[0] = *t;
	ctx->queued++;
}

/* Where parsing may resume after a syntax error: the end of the file or
 * a token that starts a line and can only start an item.  A number at a
 * line start may also be an argument continued from the line above, so
 * it counts only when what follows it begins an action.
 */
static bool resync_point(yyscan_t scanner, struct gram_ctx *ctx,
			 const struct gram_token *t)
{
	if (t->kind == TOK_END)
		return true;
	if (!t->line_start)
		return false;
	switch (t->kind) {
	case '+':
	case '*':
	case TOK_OPTION:
	case TOK_COMMAND:
		return true;
	case TOK_INTEGER:
	case TOK_FLOAT:
		break;
	default:
		return false;
	}
	switch (peek_token(scanner, ctx).kind) {
	case TOK_WORD:
	case '<':
	case '>':
	case '~':
	case TOK_ELLIPSIS:
	case TOK_COMMAND:
	case TOK_CODE:
		return true;
	default:
		return false;
	}
}

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner,
		 struct gram_ctx *ctx)
{
	struct gram_token t;

	if (ctx->recovering) {
		do
			t = next_token(scanner, ctx);
		while (!resync_point(scanner, ctx, &t));
		/* Put it back in front of any token peeked past it. */
		push_front(ctx, &t);
		ctx->recovering = false;
		/* Whatever the bad line left open is forgotten. */
		ctx->depth = 0;
		ctx->eq_line = 0;
		*lloc = t.loc;
		return TOK_RESYNC;
	}
	t = next_token(scanner, ctx);
	ctx->before_last = ctx->last;
	ctx->last = t;
	*lval = t.value;
	*lloc = t.loc;
	return t.kind;
}
