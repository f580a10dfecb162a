/*
 * diag.c - located error messages as values, and their rendering.
 *
 * Nothing here may fail loudly: a diagnostic list is how failures travel,
 * so running out of memory while recording one degrades to a fixed
 * message instead of losing the error altogether.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Static text used when no memory is left for the real message; diag
 * entries normally own their message, so this one is never freed.
 */
static char oom_message[] = "out of memory";

/* Stands in for the item array when not even the first entry could be
 * allocated.  It is never written: diag_reserve() replaces it before any
 * further append.
 */
static struct diag oom_items[1] = { { { 0, 0 }, oom_message } };

void diag_list_init(struct diag_list *list, const char *path)
{
	list->path = path ? strdup(path) : NULL;
	list->items = NULL;
	list->count = 0;
	list->capacity = 0;
}

void diag_list_free(struct diag_list *list)
{
	if (!list)
		return;
	for (int i = 0; i < list->count; i++)
		if (list->items[i].message != oom_message)
			free(list->items[i].message);
	if (list->items != oom_items)
		free(list->items);
	free(list->path);
	list->items = NULL;
	list->path = NULL;
	list->count = 0;
	list->capacity = 0;
}

static int diag_reserve(struct diag_list *list)
{
	struct diag *items;
	int capacity;

	if (list->count < list->capacity)
		return 0;
	capacity = list->capacity ? 2 * list->capacity : 8;
	if (list->items == oom_items) {
		items = malloc((size_t)capacity * sizeof(*items));
		if (items)
			items[0] = oom_items[0];
	} else {
		items = realloc(list->items, (size_t)capacity * sizeof(*items));
	}
	if (!items)
		return -1;
	list->items = items;
	list->capacity = capacity;
	return 0;
}

void diag_addv(struct diag_list *list, struct src_loc loc, const char *fmt,
	       va_list ap)
{
	char *message = NULL;

	if (diag_reserve(list) < 0) {
		/* Keep at least one entry so the caller still sees a
		 * failure: overwrite the last one.
		 */
		if (list->count == 0) {
			list->items = oom_items;
			list->count = 1;
			list->capacity = 1;
			return;
		}
		if (list->items == oom_items)
			return;
		struct diag *last = &list->items[list->count - 1];

		if (last->message != oom_message)
			free(last->message);
		last->message = oom_message;
		return;
	}
	if (vasprintf(&message, fmt, ap) < 0)
		message = oom_message;
	list->items[list->count].loc = loc;
	list->items[list->count].message = message;
	list->count++;
}

void diag_add(struct diag_list *list, struct src_loc loc, const char *fmt,
	      ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(list, loc, fmt, ap);
	va_end(ap);
}

/* What diag_print() shows of hostile input: a report stays readable,
 * and its size bounded, whatever the script holds (megabyte lines, a
 * million errors, terminal escapes).
 */
#define DIAG_SHOWN_MAX 100	/* diagnostics per list */
#define MESSAGE_SHOWN_MAX 400	/* bytes of one message */
#define LINE_SHOWN_MAX 160	/* bytes of a source line */

/* A cursor over the source's lines, so that printing diagnostics in line
 * order reads the text once rather than once per diagnostic.
 */
struct line_cursor {
	int line;	/* 1-based number of the line at pos */
	size_t pos;	/* offset of its first byte */
};

/* Find the text of 1-based line `line`; returns its length (without the
 * line terminator) or -1 if the source has fewer lines.
 */
static long find_line(const char *source, size_t len, int line,
		      struct line_cursor *cur, const char **start)
{
	if (line < cur->line) {
		cur->line = 1;
		cur->pos = 0;
	}
	for (; cur->line < line; cur->line++) {
		const char *nl = memchr(source + cur->pos, '\n',
					len - cur->pos);

		if (!nl)
			return -1;
		cur->pos = (size_t)(nl - source) + 1;
	}
	size_t pos = cur->pos;
	const char *nl = memchr(source + pos, '\n', len - pos);
	size_t end = nl ? (size_t)(nl - source) : len;

	if (end > pos && source[end - 1] == '\r')
		end--;
	*start = source + pos;
	return (long)(end - pos);
}

/* Control characters other than tab would act on the terminal. */
static void put_shown(char c, FILE *out)
{
	unsigned char u = (unsigned char)c;

	fputc(u == '\t' || (u >= 0x20 && u != 0x7f) ? c : '?', out);
}

/* The source line, or the LINE_SHOWN_MAX bytes of it around the column
 * with "..." where it is cut, and the caret under the column.  The caret
 * line copies the tabs of the source line so that the caret lands under
 * the right character whatever the tab width.
 */
static void print_line(const char *text, long len, int column, FILE *out)
{
	long from = 0, to = len, col = column - 1;

	if (len > LINE_SHOWN_MAX) {
		from = col > LINE_SHOWN_MAX / 2 ? col - LINE_SHOWN_MAX / 2 : 0;
		if (from > len - LINE_SHOWN_MAX)
			from = len - LINE_SHOWN_MAX;
		to = from + LINE_SHOWN_MAX;
	}
	if (from > 0)
		fputs("...", out);
	for (long i = from; i < to; i++)
		put_shown(text[i], out);
	if (to < len)
		fputs("...", out);
	fputc('\n', out);
	if (from > 0)
		fputs("   ", out);
	for (long i = from; i < col; i++)
		fputc(i < len && text[i] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

static void print_message(const char *message, FILE *out)
{
	size_t n = strlen(message);

	if (n > MESSAGE_SHOWN_MAX) {
		fprintf(out, "%.*s...\n", MESSAGE_SHOWN_MAX, message);
		return;
	}
	for (size_t i = 0; i < n; i++)
		put_shown(message[i], out);
	fputc('\n', out);
}

void diag_print(const struct diag_list *list, const char *source,
		size_t source_len, FILE *out)
{
	const char *path = list->path ? list->path : "<input>";
	struct line_cursor cur = { 1, 0 };
	int shown = list->count;

	if (shown > DIAG_SHOWN_MAX + 1)
		shown = DIAG_SHOWN_MAX;
	for (int i = 0; i < shown; i++) {
		const struct diag *d = &list->items[i];
		const char *text;
		long len;

		if (d->loc.line <= 0) {
			fprintf(out, "%s: error: ", path);
			print_message(d->message, out);
			continue;
		}
		fprintf(out, "%s:%d:%d: error: ", path, d->loc.line,
			d->loc.column);
		print_message(d->message, out);
		if (!source)
			continue;
		len = find_line(source, source_len, d->loc.line, &cur, &text);
		if (len < 0)
			continue;
		print_line(text, len, d->loc.column, out);
	}
	if (shown < list->count)
		fprintf(out, "%s: %d more errors not shown\n", path,
			list->count - shown);
}
