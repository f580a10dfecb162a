/*
 * color.h - colour for the text report's verdict words and labels.
 *
 * Only the words a reader scans for are coloured: the status of a
 * script (PASS, FAIL, ...), "error:" in a report's first line, the
 * labels of its detail lines ("expected:", "actual:", "ack:") and the
 * caret under a syntax error.  The reports themselves are produced
 * plain (JSON, JUnit and TAP carry them as they are); colour is added
 * only when the terminal writer prints them.
 */
#ifndef TCPCHECK_COLOR_H
#define TCPCHECK_COLOR_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* "auto", "always" or "never"; 0, or -1 for anything else. */
int color_mode_parse(const char *text, enum color_mode *mode);

/* Whether to colour what goes to fd: always, never, or (auto) when fd is
 * a terminal, TERM is not "dumb" and NO_COLOR is not set.
 */
bool color_wanted(enum color_mode mode, int fd);

/* Print a report (one or more lines, no final newline needed) with its
 * labels coloured when color is true, exactly as given otherwise.
 */
void color_print_report(FILE *out, const char *text, bool color);

/* The escape sequence that starts a status word's colour ("" if none),
 * and the one that ends it.
 */
const char *color_status_start(enum result_status status);
#define COLOR_RESET "\033[0m"

#endif /* TCPCHECK_COLOR_H */
