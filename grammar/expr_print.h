/*
 * expr_print.h - the one printer of script expressions.
 *
 * An expression (`[1]`, `O_RDWR|O_NONBLOCK`, `{sin_port=8080}`, a GRE
 * header in braces) is printed as the script writes it, for --dump
 * (grammar/dump.c) and for the system-call layer's reports
 * (engine/sys/syscall_expr.c).  The two forms differ in three details,
 * kept so that neither's output changes: how a string escapes a control
 * byte ("\n" or "\x0a"), how a hex zero reads (0x0 or 0), and whether an
 * encapsulation header is printed whole or named ("{a GRE header}").
 *
 * The text goes to a sink, a function that takes each piece: a FILE or a
 * fixed buffer.  Printing never allocates.
 */
#ifndef TCPCHECK_EXPR_PRINT_H
#define TCPCHECK_EXPR_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include "ast.h"

enum expr_style {
	EXPR_STYLE_SCRIPT,	/* --dump: "\n", 0x0, {gre flags ...} */
	EXPR_STYLE_REPORT,	/* reports: "\x0a", 0, {a GRE header} */
};

struct expr_sink {
	void (*write)(struct expr_sink *sink, const char *text, size_t len);
};

/* A sink that writes to a FILE. */
struct expr_file_sink {
	struct expr_sink base;
	FILE *out;
};
void expr_file_sink_init(struct expr_file_sink *sink, FILE *out);

/* The expression; NULL prints as `...` (an argument left out). */
void expr_print(const struct expr *e, enum expr_style style,
		struct expr_sink *sink);

/* The items with ", " between them. */
void expr_print_list(const struct expr_list *list, enum expr_style style,
		     struct expr_sink *sink);

/* len bytes as a quoted string in the style's escapes. */
void expr_print_string(const void *bytes, size_t len, enum expr_style style,
		       struct expr_sink *sink);

/* printf into the sink (a piece of at most 255 bytes). */
void expr_sink_printf(struct expr_sink *sink, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* GRE fields and an MPLS label stack as a line writes them. */
void expr_print_gre(const struct encap_gre *g, struct expr_sink *sink);
void expr_print_mpls(const struct encap_mpls *m, struct expr_sink *sink);

#endif /* TCPCHECK_EXPR_PRINT_H */
