/*
 * expr_print.c - printing expressions, for --dump and for reports (see
 * expr_print.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "expr_print.h"

static void file_write(struct expr_sink *sink, const char *text, size_t len)
{
	fwrite(text, 1, len, ((struct expr_file_sink *)sink)->out);
}

void expr_file_sink_init(struct expr_file_sink *sink, FILE *out)
{
	sink->base.write = file_write;
	sink->out = out;
}

static void put(struct expr_sink *sink, const char *text)
{
	sink->write(sink, text, strlen(text));
}

void expr_sink_printf(struct expr_sink *sink, const char *fmt, ...)
{
	char piece[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	if (n > 0)
		sink->write(sink, piece,
			    (size_t)n < sizeof(piece) ? (size_t)n :
			    sizeof(piece) - 1);
}

/* --dump's escapes: the C ones a script may write, \xNN for the rest. */
static const char *script_escape(unsigned char c)
{
	switch (c) {
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
	case '\0': return "\\0";
	default: return NULL;
	}
}

void expr_print_string(const void *bytes, size_t len, enum expr_style style,
		       struct expr_sink *sink)
{
	const unsigned char *p = bytes;

	put(sink, "\"");
	for (size_t i = 0; i < len; i++) {
		const char *escape = style == EXPR_STYLE_SCRIPT ?
			script_escape(p[i]) : NULL;

		if (escape)
			put(sink, escape);
		else if (p[i] == '"' || p[i] == '\\')
			expr_sink_printf(sink, "\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			sink->write(sink, (const char *)&p[i], 1);
		else
			expr_sink_printf(sink, "\\x%02x", p[i]);
	}
	put(sink, "\"");
}

void expr_print_gre(const struct encap_gre *g, struct expr_sink *sink)
{
	put(sink, "gre");
	if (g->has_fields)
		expr_sink_printf(sink, " flags 0x%04x, sum %u, off %u, key "
				 "0x%08" PRIx32 ", seq %" PRIu32, g->flags,
				 g->sum, g->off, g->key, g->seq);
}

void expr_print_mpls(const struct encap_mpls *m, struct expr_sink *sink)
{
	for (int i = 0; i < m->count; i++) {
		const struct mpls_entry *e = &m->entries[i];

		expr_sink_printf(sink, "%s(label %" PRIu32 ", tc %u, %sttl %u)",
				 i ? " " : "", e->label, e->tc,
				 e->bottom ? "[S], " : "", e->ttl);
	}
}

void expr_print_list(const struct expr_list *list, enum expr_style style,
		     struct expr_sink *sink)
{
	for (int i = 0; i < list->count; i++) {
		if (i)
			put(sink, ", ");
		expr_print(list->items[i], style, sink);
	}
}

static void print_struct(const struct expr *e, enum expr_style style,
			 struct expr_sink *sink)
{
	put(sink, "{");
	for (int i = 0; i < e->u.structure.count; i++) {
		const struct expr_field *f = &e->u.structure.fields[i];

		if (i)
			put(sink, ", ");
		if (f->name) {
			put(sink, f->name);
			if (f->index) {
				put(sink, "(");
				expr_print(f->index, style, sink);
				put(sink, ")");
			}
			put(sink, "=");
		}
		expr_print(f->value, style, sink);
	}
	put(sink, "}");
}

static void print_encap(const struct encap_layer *l, enum expr_style style,
			struct expr_sink *sink)
{
	put(sink, "{");
	if (style == EXPR_STYLE_REPORT)
		put(sink, l->kind == ENCAP_GRE ? "a GRE header" :
		    "an MPLS label stack");
	else if (l->kind == ENCAP_GRE)
		expr_print_gre(&l->u.gre, sink);
	else
		expr_print_mpls(&l->u.mpls, sink);
	put(sink, "}");
}

void expr_print(const struct expr *e, enum expr_style style,
		struct expr_sink *sink)
{
	if (!e) {
		put(sink, "...");
		return;
	}
	switch (e->kind) {
	case EXPR_ELLIPSIS:
		put(sink, "...");
		break;
	case EXPR_INT:
		if (e->u.num.is_hex && style == EXPR_STYLE_SCRIPT)
			expr_sink_printf(sink, "0x%" PRIx64,
					 (uint64_t)e->u.num.value);
		else if (e->u.num.is_hex)
			expr_sink_printf(sink, "%#" PRIx64,
					 (uint64_t)e->u.num.value);
		else
			expr_sink_printf(sink, "%" PRId64, e->u.num.value);
		break;
	case EXPR_STRING:
		expr_print_string(e->u.str.text, e->u.str.len, style, sink);
		if (e->u.str.trailing_ellipsis)
			put(sink, "...");
		break;
	case EXPR_WORD:
		put(sink, e->u.word);
		break;
	case EXPR_OR:
		expr_print(e->u.binary.lhs, style, sink);
		put(sink, "|");
		expr_print(e->u.binary.rhs, style, sink);
		break;
	case EXPR_ARRAY:
		put(sink, "[");
		expr_print_list(&e->u.array, style, sink);
		put(sink, "]");
		break;
	case EXPR_STRUCT:
		print_struct(e, style, sink);
		break;
	case EXPR_CALL:
		put(sink, e->u.call.name);
		put(sink, "(");
		expr_print_list(&e->u.call.args, style, sink);
		put(sink, ")");
		break;
	case EXPR_ENCAP:
		print_encap(e->u.encap, style, sink);
		break;
	}
}
