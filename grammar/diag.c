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

/* Find the text of 1-based line `line`; returns its length (without the
 * line terminator) or -1 if the source has fewer lines.
 */
static long find_line(const char *source, size_t len, int line,
		      const char **start)
{
	size_t pos = 0;

	for (int n = 1; n < line; n++) {
		const char *nl = memchr(source + pos, '\n', len - pos);

		if (!nl)
			return -1;
		pos = (size_t)(nl - source) + 1;
	}
	if (pos > len)
		return -1;
	const char *nl = memchr(source + pos, '\n', len - pos);
	size_t end = nl ? (size_t)(nl - source) : len;

	if (end > pos && source[end - 1] == '\r')
		end--;
	*start = source + pos;
	return (long)(end - pos);
}

/* The caret line copies the tabs of the source line so that the caret
 * lands under the right character whatever the tab width.
 */
static void print_caret(const char *text, long len, int column, FILE *out)
{
	for (long i = 0; i < column - 1; i++)
		fputc(i < len && text[i] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

void diag_print(const struct diag_list *list, const char *source,
		size_t source_len, FILE *out)
{
	const char *path = list->path ? list->path : "<input>";

	for (int i = 0; i < list->count; i++) {
		const struct diag *d = &list->items[i];
		const char *text;
		long len;

		if (d->loc.line <= 0) {
			fprintf(out, "%s: error: %s\n", path, d->message);
			continue;
		}
		fprintf(out, "%s:%d:%d: error: %s\n", path, d->loc.line,
			d->loc.column, d->message);
		if (!source)
			continue;
		len = find_line(source, source_len, d->loc.line, &text);
		if (len < 0)
			continue;
		fwrite(text, 1, (size_t)len, out);
		fputc('\n', out);
		print_caret(text, len, d->loc.column, out);
	}
}
