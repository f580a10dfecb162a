/*
 * parse.h - the one public entry point of the grammar layer.
 *
 * Text in, tree out: script_parse() scans and parses a whole script with a
 * reentrant flex scanner and a pure bison parser (no globals, so scripts
 * may be parsed on several threads at once).  It reports every syntax
 * error in the file, not only the first.
 */
#ifndef TCPCHECK_PARSE_H
#define TCPCHECK_PARSE_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"

/* Parse len bytes of text (need not be NUL-terminated).  path is used in
 * the tree and in messages.  On success returns 0 and sets *out to a tree
 * the caller frees with script_free().  On any error returns -1, sets *out
 * to NULL and appends one diagnostic per error to diags (which the caller
 * initialised).
 */
int script_parse(const char *path, const char *text, size_t len,
		 struct script **out, struct diag_list *diags);

#endif /* TCPCHECK_PARSE_H */
