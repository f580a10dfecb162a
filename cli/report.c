/*
 * report.c - what the report writers share (see report.h): the fan-out,
 * the totals, and copies of results for writers that write at the end.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

void reports_begin(struct reporter **reps, int n, int total)
{
	for (int i = 0; i < n; i++)
		reps[i]->ops->begin(reps[i], total);
}

void reports_progress(struct reporter **reps, int n,
		      const struct suite_progress *p)
{
	for (int i = 0; i < n; i++)
		if (reps[i]->ops->progress)
			reps[i]->ops->progress(reps[i], p);
}

void reports_script_done(struct reporter **reps, int n,
			 const struct script_result *res)
{
	for (int i = 0; i < n; i++)
		reps[i]->ops->script_done(reps[i], res);
}

int reports_end(struct reporter **reps, int n, const struct suite_summary *sum)
{
	int rc = 0;

	for (int i = 0; i < n; i++)
		if (reps[i]->ops->end(reps[i], sum) < 0)
			rc = -1;
	return rc;
}

void reports_free(struct reporter **reps, int n)
{
	for (int i = 0; i < n; i++)
		if (reps[i])
			reps[i]->ops->free(reps[i]);
}

const char *result_status_name(enum result_status status)
{
	switch (status) {
	case RESULT_PASS:
		return "pass";
	case RESULT_FLAKY:
		return "flaky";
	case RESULT_FAIL:
		return "fail";
	case RESULT_XFAIL:
		return "xfail";
	case RESULT_ERROR:
		return "error";
	case RESULT_SKIP:
		return "skip";
	}
	return "?";
}

void summary_add(struct suite_summary *sum, const struct script_result *res)
{
	sum->total++;
	switch (res->status) {
	case RESULT_PASS:
		sum->passed++;
		break;
	case RESULT_FLAKY:
		sum->flaky++;
		break;
	case RESULT_FAIL:
		sum->failed++;
		break;
	case RESULT_XFAIL:
		sum->xfail++;
		break;
	case RESULT_ERROR:
		sum->failed++;
		sum->errors++;
		break;
	case RESULT_SKIP:
		sum->skipped++;
		break;
	}
	if (res->timed_out && res->status == RESULT_FAIL)
		sum->timed_out++;
}

void summary_format(const struct suite_summary *sum, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%d passed, %d failed, %d skipped",
			 sum->passed, sum->failed, sum->skipped);

	if (sum->flaky && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ", %d flaky", sum->flaky);
	if (sum->timed_out && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ", %d timed out",
			      sum->timed_out);
	if (sum->xfail && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", %d expected failure%s",
			 sum->xfail, sum->xfail == 1 ? "" : "s");
}

const char *result_first_line(const struct script_result *res, size_t *len)
{
	const char *text = res->message ? res->message : "";
	size_t path_len = strlen(res->path);

	if (!strncmp(text, res->path, path_len) && text[path_len] == ':') {
		text += path_len + 1;
		text += strspn(text, " ");
	}
	*len = strcspn(text, "\n");
	return text;
}

size_t utf8_sequence_length(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are invalid. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static char *copy(const char *s, bool *failed)
{
	char *c;

	if (!s)
		return NULL;
	c = strdup(s);
	if (!c)
		*failed = true;
	return c;
}

static void free_copy(struct script_result *r)
{
	free((char *)r->path);
	free((char *)r->family);
	free((char *)r->stack);
	free((char *)r->message);
	free((char *)r->capture);
}

int result_list_add(struct result_list *list, const struct script_result *res)
{
	struct script_result *r;
	bool failed = false;

	if (list->count == list->capacity) {
		int cap = list->capacity ? list->capacity * 2 : 32;
		struct script_result *grown = realloc(list->items,
						      (size_t)cap * sizeof(*grown));

		if (!grown)
			return -1;
		list->items = grown;
		list->capacity = cap;
	}
	r = &list->items[list->count];
	*r = *res;
	r->path = copy(res->path, &failed);
	r->family = copy(res->family, &failed);
	r->stack = copy(res->stack, &failed);
	r->message = copy(res->message, &failed);
	r->capture = copy(res->capture, &failed);
	r->events = NULL;	/* gone once script_done returns */
	if (failed) {
		free_copy(r);
		return -1;
	}
	list->count++;
	return 0;
}

static int by_index(const void *a, const void *b)
{
	const struct script_result *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

void result_list_sort(struct result_list *list)
{
	if (list->count > 1)
		qsort(list->items, (size_t)list->count, sizeof(*list->items),
		      by_index);
}

void result_list_free(struct result_list *list)
{
	for (int i = 0; i < list->count; i++)
		free_copy(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void report_put_quoted(FILE *out, const char *s, enum quote_style style)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		size_t n = utf8_sequence_length(p);

		if (n == 0) {
			fputs(style == QUOTE_JSON ? "\\ufffd" : "\xef\xbf\xbd", out);
			p++;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (style == QUOTE_JSON && *p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else if (style == QUOTE_YAML && (*p < 0x20 || *p == 0x7f))
				fprintf(out, "\\x%02x", *p);
			else
				fwrite(p, 1, n, out);
		}
		p += n;
	}
	fputc('"', out);
}
