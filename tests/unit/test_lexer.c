/*
 * test_lexer.c - token-level tests of the scanner (grammar/lexer.l).
 *
 * Each case scans a snippet and renders the tokens in a compact form,
 * e.g. `'+' FLOAT(100000) ELLIPSIS FLOAT(200000)`, which is compared with
 * the expected rendering; other cases check locations, line starts, the
 * note heuristic and the located lexical errors.
 */
#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "lexer.h"
#include "tap.h"

#define MAX_TOKENS 64

struct lexed {
	struct gram_token tokens[MAX_TOKENS];
	int count;
	struct diag_list diags;
	const char *text;
};

/* Scan all of text, the way script_parse() sets the scanner up. */
static void lex(const char *text, struct lexed *out)
{
	struct gram_ctx ctx;
	yyscan_t scanner;
	YY_BUFFER_STATE buffer;
	jmp_buf fatal;

	memset(out, 0, sizeof(*out));
	memset(&ctx, 0, sizeof(ctx));
	out->text = text;
	diag_list_init(&out->diags, "t.pkt");
	ctx.text = text;
	ctx.len = strlen(text);
	ctx.diags = &out->diags;
	ctx.line = 1;
	ctx.column = 1;
	ctx.fatal_jmp = &fatal;
	if (yylex_init_extra(&ctx, &scanner))
		return;
	if (setjmp(fatal)) {
		yylex_destroy(scanner);
		return;
	}
	buffer = yy_scan_bytes(text, (int)ctx.len, scanner);
	yyset_lineno(1, scanner);
	while (out->count < MAX_TOKENS) {
		struct gram_token *t = &out->tokens[out->count++];

		t->kind = gram_scan(&t->value, &t->loc, scanner);
		t->line_start = ctx.line_start;
		if (t->kind == TOK_END)
			break;
	}
	yy_delete_buffer(buffer, scanner);
	yylex_destroy(scanner);
}

/* Test names are one TAP line: show control characters escaped. */
static const char *escaped(const char *text, char *buf, size_t size)
{
	size_t n = 0;

	for (; *text && n + 5 < size; text++) {
		if (*text == '\n')
			n += (size_t)snprintf(buf + n, size - n, "\\n");
		else if ((unsigned char)*text < 0x20)
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x",
					      (unsigned char)*text);
		else
			buf[n++] = *text;
	}
	buf[n] = '\0';
	return buf;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case TOK_END: return "END";
	case TOK_INTEGER: return "INTEGER";
	case TOK_HEX: return "HEX";
	case TOK_FLOAT: return "FLOAT";
	case TOK_WORD: return "WORD";
	case TOK_STRING: return "STRING";
	case TOK_IPV4: return "IPV4";
	case TOK_IPV6: return "IPV6";
	case TOK_OPTION: return "OPTION";
	case TOK_COMMAND: return "COMMAND";
	case TOK_CODE: return "CODE";
	case TOK_NOTE: return "NOTE";
	case TOK_ELLIPSIS: return "ELLIPSIS";
	default: return NULL;
	}
}

/* One token: KIND, KIND(number) or KIND[text]; keywords as KW[text],
 * punctuation as 'c'.
 */
static void render_token(const struct lexed *lx, const struct gram_token *t,
			 bool with_loc, FILE *out)
{
	const char *name = kind_name(t->kind);
	int len = (int)(t->loc.end - t->loc.start);
	const char *text = lx->text + t->loc.start;

	if (t->kind > 0 && t->kind < 256)
		fprintf(out, "'%c'", t->kind);
	else if (!name)
		fprintf(out, "KW[%.*s]", len, text);
	else if (t->kind == TOK_INTEGER || t->kind == TOK_HEX)
		fprintf(out, "%s(%lld%s)", name, (long long)t->value.num.value,
			t->value.num.too_big ? "!" : "");
	else if (t->kind == TOK_FLOAT && t->value.time.error)
		fprintf(out, "%s(!%d)", name, (int)t->value.time.error);
	else if (t->kind == TOK_FLOAT)
		fprintf(out, "%s(%lld)", name, (long long)t->value.time.usecs);
	else if (t->kind == TOK_END || t->kind == TOK_ELLIPSIS)
		fputs(name, out);
	else
		fprintf(out, "%s[%.*s]", name, len, text);
	if (with_loc)
		fprintf(out, "@%d:%d%s", t->loc.first_line, t->loc.first_column,
			t->line_start ? "^" : "");
}

/* All tokens but the final END, space separated. */
static char *render(const char *text, bool with_loc)
{
	struct lexed lx;
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	lex(text, &lx);
	for (int i = 0; i < lx.count; i++) {
		if (lx.tokens[i].kind == TOK_END && !with_loc)
			break;
		if (i)
			fputc(' ', out);
		render_token(&lx, &lx.tokens[i], with_loc, out);
	}
	fclose(out);
	diag_list_free(&lx.diags);
	return buf;
}

/* The diagnostics as "line:col: message" lines. */
static char *render_diags(const char *text)
{
	struct lexed lx;
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	lex(text, &lx);
	for (int i = 0; i < lx.diags.count; i++)
		fprintf(out, "%d:%d: %s\n", lx.diags.items[i].loc.line,
			lx.diags.items[i].loc.column, lx.diags.items[i].message);
	fclose(out);
	diag_list_free(&lx.diags);
	return buf;
}

struct token_case {
	const char *text;
	const char *want;
};

static const struct token_case token_cases[] = {
	/* times */
	{ "0", "INTEGER(0)" },
	{ "0.100", "FLOAT(100000)" },
	{ "1.5", "FLOAT(1500000)" },
	{ ".1", "FLOAT(100000)" },
	{ "+.1", "'+' FLOAT(100000)" },
	{ "+0", "'+' INTEGER(0)" },
	{ "2.000001", "FLOAT(2000001)" },
	{ "0.1234567", "FLOAT(!1)" },
	{ "9223372036854.775807", "FLOAT(9223372036854775807)" },
	{ "9223372036854.775808", "FLOAT(!2)" },
	{ "99999999999999999999.5", "FLOAT(!2)" },
	{ "*", "'*'" },
	{ "0.1~0.2", "FLOAT(100000) '~' FLOAT(200000)" },
	{ "+.1~+.2", "'+' FLOAT(100000) '~' '+' FLOAT(200000)" },
	/* the ellipsis right after a number */
	{ "+.1...0.200", "'+' FLOAT(100000) ELLIPSIS FLOAT(200000)" },
	{ "+0...0.100", "'+' INTEGER(0) ELLIPSIS FLOAT(100000)" },
	{ "1.5...2", "FLOAT(1500000) ELLIPSIS INTEGER(2)" },
	{ "0...0", "INTEGER(0) ELLIPSIS INTEGER(0)" },
	{ "(..., ...)", "'(' ELLIPSIS ',' ELLIPSIS ')'" },
	/* floats against IP addresses */
	{ "192.168.0.1", "IPV4[192.168.0.1]" },
	{ "192.0.2.1:8080", "IPV4[192.0.2.1] ':' INTEGER(8080)" },
	{ "1.2.3", "FLOAT(1200000) FLOAT(300000)" },
	{ "[fd3d::1]:40001", "IPV6[[fd3d::1]] ':' INTEGER(40001)" },
	{ "[::ffff:192.0.2.1]", "IPV6[[::ffff:192.0.2.1]]" },
	{ "[ect0]", "'[' KW[ect0] ']'" },
	{ "[1]", "'[' INTEGER(1) ']'" },
	/* integers */
	{ "-1", "INTEGER(-1)" },
	{ "- 1", "'-' INTEGER(1)" },
	{ "1:1001(1000)",
	  "INTEGER(1) ':' INTEGER(1001) '(' INTEGER(1000) ')'" },
	{ "9223372036854775807", "INTEGER(9223372036854775807)" },
	{ "-9223372036854775808", "INTEGER(-9223372036854775808)" },
	{ "9223372036854775808", "INTEGER(0!)" },
	{ "0x1f", "HEX(31)" },
	{ "0X1F", "HEX(31)" },
	{ "0xffffffffffffffff", "HEX(-1)" },
	{ "0x0000000000000000001", "HEX(1)" },
	{ "0x1ffffffffffffffff", "HEX(0!)" },
	{ "0x", "WORD[0x]" },
	/* words, keywords and hex blobs */
	{ "SO_REUSEADDR", "WORD[SO_REUSEADDR]" },
	{ "3021b9d889017eeb", "WORD[3021b9d889017eeb]" },
	{ "0123456789", "INTEGER(123456789)" },
	{ "ack acks sackOK sack sackok",
	  "KW[ack] WORD[acks] KW[sackOK] KW[sack] WORD[sackok]" },
	{ "TS val 1 ecr 2", "KW[TS] KW[val] INTEGER(1) KW[ecr] INTEGER(2)" },
	{ "S. F. P.", "WORD[S] '.' WORD[F] '.' WORD[P] '.'" },
	{ "S.E", "WORD[S] '.' WORD[E]" },
	{ "- . SEW", "'-' '.' WORD[SEW]" },
	{ "a|b", "WORD[a] '|' WORD[b]" },
	{ "<...>", "'<' ELLIPSIS '>'" },
	{ "40001>8080", "INTEGER(40001) '>' INTEGER(8080)" },
	/* strings */
	{ "\"abc\"", "STRING[\"abc\"]" },
	{ "\"a\\n\\t\\r\\\\\\\"\\0\\x41\"",
	  "STRING[\"a\\n\\t\\r\\\\\\\"\\0\\x41\"]" },
	{ "\"abc\"...", "STRING[\"abc\"] ELLIPSIS" },
	{ "\"a // b /* c */\"", "STRING[\"a // b /* c */\"]" },
	/* options */
	{ "--tolerance_usecs=10000", "OPTION[--tolerance_usecs=10000]" },
	{ "--strict_segments // x", "OPTION[--strict_segments]" },
	{ "--define=A=\"b\" x", "OPTION[--define=A=\"b\"] WORD[x]" },
	{ "--local_ip=fd::1", "OPTION[--local_ip=fd::1]" },
	/* comments */
	{ "a // comment\nb", "WORD[a] WORD[b]" },
	{ "a /* x\n * y */ b", "WORD[a] WORD[b]" },
	{ "/**/a/***/b/* ** */", "WORD[a] WORD[b]" },
	/* commands and code */
	{ "`a\nb` c", "COMMAND[`a\nb`] WORD[c]" },
	{ "`a \\` b`", "COMMAND[`a \\` b`]" },
	{ "`// not a comment`", "COMMAND[`// not a comment`]" },
	{ "%{ x = {1: 2} }%", "CODE[%{ x = {1: 2} }%]" },
	{ "%{\na }} b\n}%", "CODE[%{\na }} b\n}%]" },
	/* notes */
	{ "f() = -1 EINPROGRESS (Operation now in progress)",
	  "WORD[f] '(' ')' '=' INTEGER(-1) WORD[EINPROGRESS] "
	  "NOTE[(Operation now in progress)]" },
	{ "f() = -1 EPIPE(Broken pipe)",
	  "WORD[f] '(' ')' '=' INTEGER(-1) WORD[EPIPE] NOTE[(Broken pipe)]" },
	{ "f() = 0 (isn't it? [x] {y} = 1)",
	  "WORD[f] '(' ')' '=' INTEGER(0) NOTE[(isn't it? [x] {y} = 1)]" },
	{ "f() = htons(80)",
	  "WORD[f] '(' ')' '=' WORD[htons] '(' INTEGER(80) ')'" },
	{ "f() = a|htons(80)",
	  "WORD[f] '(' ')' '=' WORD[a] '|' WORD[htons] '(' INTEGER(80) ')'" },
	{ "f() = x (note)",
	  "WORD[f] '(' ')' '=' WORD[x] NOTE[(note)]" },
	{ "f({a=b(1)}) = 0", "WORD[f] '(' '{' WORD[a] '=' WORD[b] '(' "
	  "INTEGER(1) ')' '}' ')' '=' INTEGER(0)" },
	{ "f() = 0\n(1)", "WORD[f] '(' ')' '=' INTEGER(0) '(' INTEGER(1) ')'" },
	{ "f() = 1 +0 > S 0:0(0)", "WORD[f] '(' ')' '=' INTEGER(1) '+' "
	  "INTEGER(0) '>' WORD[S] INTEGER(0) ':' INTEGER(0) '(' INTEGER(0) "
	  "')'" },
};

struct loc_case {
	const char *text;
	const char *want;
};

static const struct loc_case loc_cases[] = {
	{ "  +0 read", "'+'@1:3^ INTEGER(0)@1:4 WORD[read]@1:6 END@1:10^" },
	{ "\t+.1\t<", "'+'@1:2^ FLOAT(100000)@1:3 '<'@1:6 END@1:7^" },
	{ "a\n  b c\n\nd\n\n",
	  "WORD[a]@1:1^ WORD[b]@2:3^ WORD[c]@2:5 WORD[d]@4:1^ END@4:2^" },
	{ "`x\ny` z\nw", "COMMAND[`x\ny`]@1:1^ WORD[z]@2:4 WORD[w]@3:1^ "
	  "END@3:2^" },
	{ "/* a\nb */ c // d\n e",
	  "WORD[c]@2:6^ WORD[e]@3:2^ END@3:3^" },
	{ "f(1,\n  2) = 0 (n o)",
	  "WORD[f]@1:1^ '('@1:2 INTEGER(1)@1:3 ','@1:4 INTEGER(2)@2:3^ "
	  "')'@2:4 '='@2:6 INTEGER(0)@2:8 NOTE[(n o)]@2:10 END@2:15^" },
	{ "", "END@1:1^" },
	{ "// only a comment\n", "END@1:1^" },
};

struct error_case {
	const char *text;
	const char *want;
};

static const struct error_case error_cases[] = {
	{ "a @ b", "1:3: stray '@' in script\n" },
	{ "a\n  $", "2:3: stray '$' in script\n" },
	{ "#", "1:1: stray '#' in script\n" },
	{ "\x01", "1:1: stray byte 0x01 in script\n" },
	{ "a \xc3\xa9", "1:3: non-ASCII text outside a string, command "
	  "or comment\n" },
	{ "x \"abc\ny\"", "1:3: unterminated string\n2:2: unterminated "
	  "string\n" },
	{ "\"a\\qb\"", "1:3: unknown escape sequence '\\q'\n" },
	{ "\"\\x\" \"\\xg\"", "1:2: \\x needs hexadecimal digits\n"
	  "1:7: \\x needs hexadecimal digits\n" },
	{ "a /* b\n c", "1:3: unterminated comment\n" },
	{ "a\n`b\n c", "2:1: unterminated command (missing '`')\n" },
	{ "%{ a } %", "1:1: unterminated code block (missing '}%')\n" },
	{ "f() = -1 E (no end\nx", "1:12: unterminated note (missing ')' "
	  "on this line)\n" },
	{ "f() = -1 E (", "1:12: unterminated note (missing ')' on this "
	  "line)\n" },
	{ "0.1 \"ok\" `ok` %{ok}%", "" },
};

static void test_tokens(void)
{
	for (size_t i = 0; i < sizeof(token_cases) / sizeof(token_cases[0]);
	     i++) {
		char *got = render(token_cases[i].text, false);
		char name[128];

		tap_is_str(got, token_cases[i].want, "tokens of %s",
			   escaped(token_cases[i].text, name, sizeof(name)));
		free(got);
	}
}

static void test_locations(void)
{
	for (size_t i = 0; i < sizeof(loc_cases) / sizeof(loc_cases[0]);
	     i++) {
		char *got = render(loc_cases[i].text, true);

		tap_is_str(got, loc_cases[i].want, "locations in case %zu", i);
		free(got);
	}
}

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]);
	     i++) {
		char *got = render_diags(error_cases[i].text);

		tap_is_str(got, error_cases[i].want, "lexical errors in case %zu",
			   i);
		free(got);
	}
}

/* Scanning continues after a lexical error, so the tokens around it
 * still come out.
 */
static void test_error_recovery(void)
{
	char *got = render("a @ b \"c\nd", false);

	tap_is_str(got, "WORD[a] WORD[b] STRING[\"c] WORD[d]",
		   "tokens around lexical errors");
	free(got);
}

/* A NUL byte inside the text is a stray byte, not the end. */
static void test_nul_byte(void)
{
	static const char text[] = "a\0b";
	struct lexed lx;
	struct gram_ctx ctx;
	yyscan_t scanner;
	YY_BUFFER_STATE buffer;
	jmp_buf fatal;
	int kinds[4] = { -1, -1, -1, -1 };

	memset(&ctx, 0, sizeof(ctx));
	memset(&lx, 0, sizeof(lx));
	diag_list_init(&lx.diags, "t.pkt");
	ctx.text = text;
	ctx.len = 3;
	ctx.diags = &lx.diags;
	ctx.line = 1;
	ctx.column = 1;
	ctx.fatal_jmp = &fatal;
	if (yylex_init_extra(&ctx, &scanner) == 0 && setjmp(fatal) == 0) {
		buffer = yy_scan_bytes(text, 3, scanner);
		for (int i = 0; i < 4; i++) {
			YYSTYPE v;
			YYLTYPE l;

			kinds[i] = gram_scan(&v, &l, scanner);
			if (kinds[i] == TOK_END)
				break;
		}
		yy_delete_buffer(buffer, scanner);
		yylex_destroy(scanner);
	}
	tap_ok(kinds[0] == TOK_WORD && kinds[1] == TOK_WORD &&
	       kinds[2] == TOK_END, "a NUL byte separates two words");
	tap_is_int(lx.diags.count, 1, "a NUL byte is one error");
	if (lx.diags.count == 1)
		tap_is_str(lx.diags.items[0].message,
			   "stray byte 0x00 in script", "NUL byte message");
	diag_list_free(&lx.diags);
}

int main(void)
{
	test_tokens();
	test_locations();
	test_errors();
	test_error_recovery();
	test_nul_byte();
	return tap_done();
}
