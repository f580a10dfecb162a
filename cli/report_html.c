/*
 * report_html.c - the --html=DIR writer (see report_html.h).
 *
 * A run's page is written as soon as the run is reported, while its
 * trace still exists; the index at the end, in suite order.  The style
 * sheet is inline and small; nothing is loaded from anywhere.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

struct html_reporter {
	struct reporter base;
	char *dir;
	bool all;
	struct result_list results;
	bool *has_page;		/* by result index */
	int has_page_cap;
	bool failed;		/* a file could not be written */
};

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"table{border-collapse:collapse}td,th{padding:.2em .8em;"
	"border-bottom:1px solid #ddd;text-align:left}"
	".fail,.xfail,.error{color:#b00}.pass{color:#070}.flaky{color:#a60}"
	".skip{color:#777}pre{background:#f6f6f6;padding:.6em;overflow:auto}"
	"pre.script span{display:block}pre.script .hit{background:#fdd}"
	"pre.script a{color:#888;text-decoration:none}"
	"svg.ladder text{font-family:monospace;font-size:12px}"
	"svg.ladder .lifeline{stroke:#888;stroke-width:2}"
	"svg.ladder .arrow{stroke:#333;stroke-width:1.5}"
	"svg.ladder .arrow.out{stroke:#036}svg.ladder .arrow.fail{stroke:#b00}"
	"svg.ladder line.expected{stroke:#b00;stroke-dasharray:6 4}"
	"svg.ladder .diff,svg.ladder .failtext,svg.ladder .field{fill:#b00;"
	"font-weight:bold}svg.ladder .gauge{fill:#eee}"
	"svg.ladder .band{fill:#9c9}svg.ladder .tick{stroke:#000;"
	"stroke-width:2}svg.ladder .call{fill:#063}"
	"svg.ladder .time,svg.ladder .line{fill:#666}"
	"svg.ladder .head{font-weight:bold}";

void html_put_escaped(FILE *out, const char *text)
{
	for (const char *s = text; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

static void page_head(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\"><title>", out);
	html_put_escaped(out, title);
	fprintf(out, "</title><style>%s</style></head><body>\n", style);
}

/* The script's text, numbered, the failing line highlighted and linked
 * to the diagram's failure.
 */
static void put_script(FILE *out, const char *path, int fail_line)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	int n = 0;

	if (!f) {
		fputs("<p>(the script could not be read)</p>\n", out);
		return;
	}
	fputs("<pre class=\"script\">", out);
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		n++;
		fprintf(out, "<span id=\"L%d\"%s><a href=\"%s\">%4d</a>  ", n,
			n == fail_line ? " class=\"hit\"" : "",
			n == fail_line ? "#ev-fail" : "#ladder", n);
		html_put_escaped(out, buf);
		fputs("</span>", out);
	}
	fputs("</pre>\n", out);
	fclose(f);
}

/* The capture's path relative to the report's directory: "../" for
 * each of dir's components below what the two share, then the rest of
 * the capture's path.
 */
static void put_capture_link(FILE *out, const char *dir, const char *capture)
{
	char d[PATH_MAX], c[PATH_MAX];
	size_t common = 0, i;

	if (!realpath(dir, d) || !realpath(capture, c))
		return;
	strcat(d, "/");		/* realpath() leaves room: PATH_MAX */
	for (i = 0; d[i] && d[i] == c[i]; i++)
		if (d[i] == '/')
			common = i + 1;
	fputs("<p>Capture: <a href=\"", out);
	for (i = common; d[i]; i++)
		if (d[i] == '/')
			fputs("../", out);
	html_put_escaped(out, c + common);
	fputs("\">", out);
	html_put_escaped(out, capture);
	fputs("</a></p>\n", out);
}

static int write_page(struct html_reporter *h, const struct script_result *res,
		      const struct run_story *st)
{
	char *path, title[1024];
	FILE *out;

	if (asprintf(&path, "%s/run-%d.html", h->dir, res->index) < 0)
		return -1;
	out = fopen(path, "w");
	free(path);
	if (!out)
		return -1;
	snprintf(title, sizeof(title), "%s (%s): %s", res->path,
		 res->family ? res->family : "-",
		 result_status_name(res->status));
	page_head(out, title);
	fputs("<p><a href=\"index.html\">all runs</a></p>\n<h1>", out);
	html_put_escaped(out, title);
	fputs("</h1>\n<h2 id=\"ladder\">What happened</h2>\n", out);
	svg_write(out, st);
	fputs("<h2>The script</h2>\n", out);
	put_script(out, res->path, st->failure.failed ? st->failure.line : 0);
	if (res->message) {
		fputs("<h2>The report</h2>\n<pre class=\"report\">", out);
		html_put_escaped(out, res->message);
		fputs("</pre>\n", out);
	}
	if (res->capture)
		put_capture_link(out, h->dir, res->capture);
	fputs("</body></html>\n", out);
	return fclose(out) == 0 ? 0 : -1;
}

static void mark_page(struct html_reporter *h, int index)
{
	if (index >= h->has_page_cap) {
		int cap = index + 64;
		bool *grown = realloc(h->has_page, (size_t)cap * sizeof(bool));

		if (!grown)
			return;
		memset(grown + h->has_page_cap, 0,
		       (size_t)(cap - h->has_page_cap) * sizeof(bool));
		h->has_page = grown;
		h->has_page_cap = cap;
	}
	h->has_page[index] = true;
}

static void html_script_done(struct reporter *rep,
			     const struct script_result *res)
{
	struct html_reporter *h = (struct html_reporter *)rep;
	bool failed = res->status == RESULT_FAIL || res->status == RESULT_XFAIL;
	struct run_story st;

	if (result_list_add(&h->results, res) < 0)
		h->failed = true;
	if (!(failed || (h->all && res->status != RESULT_ERROR &&
			 res->status != RESULT_SKIP)))
		return;
	if (run_story_read(&st, res) < 0)
		return;
	if (write_page(h, res, &st) < 0)
		h->failed = true;
	else
		mark_page(h, res->index);
	run_story_free(&st);
}

static void put_row(FILE *out, const struct html_reporter *h,
		    const struct script_result *r)
{
	const char *status = result_status_name(r->status);
	bool page = r->index < h->has_page_cap && h->has_page[r->index];

	fputs("<tr><td>", out);
	if (page)
		fprintf(out, "<a href=\"run-%d.html\">", r->index);
	html_put_escaped(out, r->path);
	fputs(page ? "</a>" : "", out);
	fputs("</td><td>", out);
	html_put_escaped(out, r->family ? r->family : "-");
	fprintf(out, "</td><td class=\"%s\">%s</td><td>%.2f s</td><td>%s"
		"</td><td>%s</td></tr>\n", status, status, r->duration,
		r->status == RESULT_FLAKY ? "yes" : "",
		r->attempts > 1 ? "yes" : "");
}

static int html_end(struct reporter *rep, const struct suite_summary *sum)
{
	struct html_reporter *h = (struct html_reporter *)rep;
	char *path, line[256];
	FILE *out;

	if (asprintf(&path, "%s/index.html", h->dir) < 0)
		return -1;
	out = fopen(path, "w");
	free(path);
	if (!out)
		return -1;
	result_list_sort(&h->results);
	summary_format(sum, line, sizeof(line));
	page_head(out, "tcpcheck report");
	fputs("<h1>tcpcheck report</h1>\n<p>", out);
	html_put_escaped(out, line);
	fputs("</p>\n<table><tr><th>script</th><th>family</th><th>verdict"
	      "</th><th>duration</th><th>flaky</th><th>retried</th></tr>\n",
	      out);
	for (int i = 0; i < h->results.count; i++)
		put_row(out, h, &h->results.items[i]);
	fputs("</table>\n</body></html>\n", out);
	return fclose(out) == 0 && !h->failed ? 0 : -1;
}

static void html_begin(struct reporter *rep, int total)
{
	(void)rep;
	(void)total;
}

static void html_free(struct reporter *rep)
{
	struct html_reporter *h = (struct html_reporter *)rep;

	result_list_free(&h->results);
	free(h->has_page);
	free(h->dir);
	free(h);
}

static const struct reporter_ops html_ops = {
	.begin = html_begin,
	.script_done = html_script_done,
	.end = html_end,
	.free = html_free,
};

struct reporter *report_html_new(const char *dir, bool all)
{
	struct html_reporter *h = calloc(1, sizeof(*h));

	if (!h || !(h->dir = strdup(dir))) {
		free(h);
		return NULL;
	}
	h->base.ops = &html_ops;
	h->all = all;
	return &h->base;
}
