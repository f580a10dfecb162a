/*
 * parse.c - script_parse(), the one public entry of the grammar layer.
 *
 * It wires a fresh scanner to the parser around one shared context, so
 * nothing is global and parses may run on several threads at once.  The
 * diagnostics of one parse are sorted by position before returning: the
 * scanner and the parser report independently and a reader expects them
 * in file order.
 */
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parser.h"
#include "lexer.h"

static int diag_cmp(const struct diag *a, const struct diag *b)
{
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.column != b->loc.column)
		return a->loc.column < b->loc.column ? -1 : 1;
	return 0;
}

/* Insertion sort: stable, and lists are short and nearly sorted. */
static void sort_diags(struct diag_list *diags, int from)
{
	for (int i = from + 1; i < diags->count; i++) {
		struct diag d = diags->items[i];
		int j = i;

		while (j > from && diag_cmp(&diags->items[j - 1], &d) > 0) {
			diags->items[j] = diags->items[j - 1];
			j--;
		}
		diags->items[j] = d;
	}
}

static struct script *script_new(const char *path)
{
	struct script *script = calloc(1, sizeof(*script));

	if (!script)
		return NULL;
	script->path = strdup(path ? path : "");
	if (!script->path) {
		free(script);
		return NULL;
	}
	return script;
}

/* Set up the scanner on the text.  flex reports allocation failure by a
 * fatal-error hook that cannot return; ours jumps back here.
 */
static int run_parser(struct gram_ctx *ctx, const char *text, size_t len)
{
	yyscan_t scanner;
	YY_BUFFER_STATE buffer = NULL;
	jmp_buf fatal;
	int rc;

	if (yylex_init_extra(ctx, &scanner))
		return 2;
	ctx->fatal_jmp = &fatal;
	if (setjmp(fatal)) {
		/* Only reachable from flex's own allocation failures. */
		yylex_destroy(scanner);
		return 2;
	}
	buffer = yy_scan_bytes(text, (int)len, scanner);
	yyset_lineno(1, scanner);
	rc = yyparse(scanner, ctx);
	yy_delete_buffer(buffer, scanner);
	yylex_destroy(scanner);
	return rc;
}

int script_parse(const char *path, const char *text, size_t len,
		 struct script **out, struct diag_list *diags)
{
	struct gram_ctx ctx;
	int first = diags->count;
	int rc;

	*out = NULL;
	memset(&ctx, 0, sizeof(ctx));
	ctx.text = text ? text : "";
	ctx.len = text ? len : 0;
	ctx.diags = diags;
	ctx.line = 1;
	ctx.column = 1;
	if (ctx.len > INT_MAX / 2) {
		diag_add(diags, (struct src_loc){ 0, 0 }, "script is too large");
		return -1;
	}
	ctx.script = script_new(path);
	if (!ctx.script) {
		diag_add(diags, (struct src_loc){ 0, 0 }, "out of memory");
		return -1;
	}
	rc = run_parser(&ctx, ctx.text, ctx.len);
	if (ctx.nomem || (rc == 2 && ctx.errors == 0))
		diag_add(diags, (struct src_loc){ 0, 0 }, "out of memory");
	else if (rc != 0 && ctx.errors == 0)
		diag_add(diags, (struct src_loc){ 0, 0 }, "cannot parse script");
	sort_diags(diags, first);
	if (rc != 0 || ctx.errors > 0 || ctx.nomem) {
		script_free(ctx.script);
		return -1;
	}
	*out = ctx.script;
	return 0;
}
