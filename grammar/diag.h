/*
 * diag.h - located error messages ("diagnostics") as values.
 *
 * Every layer reports failures by appending to a struct diag_list instead
 * of printing or exiting; the caller decides what to show and whether to
 * stop.  A diagnostic points at file:line:col; diag_print() renders it with
 * the source line and a caret under the column, the way compilers do.
 */
#ifndef TCPCHECK_DIAG_H
#define TCPCHECK_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "ast.h"

struct diag {
	struct src_loc loc;	/* line 0 means "no location" */
	char *message;		/* owned */
};

struct diag_list {
	char *path;		/* file the locations refer to; owned */
	struct diag *items;	/* owned array */
	int count;
	int capacity;
};

/* Start an empty list for the named file (path is copied). */
void diag_list_init(struct diag_list *list, const char *path);
void diag_list_free(struct diag_list *list);

/* Append a formatted message at loc.  Allocation failure is reported
 * by a fixed "out of memory" entry, never by aborting.
 */
void diag_add(struct diag_list *list, struct src_loc loc, const char *fmt,
	      ...) __attribute__((format(printf, 3, 4)));
void diag_addv(struct diag_list *list, struct src_loc loc, const char *fmt,
	       va_list ap);

/* Print every diagnostic as "path:line:col: error: message", followed by
 * the source line and a caret when source (the whole script text) is given.
 */
void diag_print(const struct diag_list *list, const char *source,
		size_t source_len, FILE *out);

#endif /* TCPCHECK_DIAG_H */
