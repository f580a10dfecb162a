/*
 * report_text.c - the report for people at a terminal (see report.h).
 *
 * Each failure's full report goes to the error stream as soon as the
 * script ends, exactly as the runner wrote it, so a single script run
 * prints nothing else and reads like a compiler's error.  With several
 * scripts, one line per script goes to the output stream (status, script,
 * family, duration, the failure's first line) and a summary line closes
 * the run.  On a terminal a progress line, rewritten in place, shows what
 * is running; it is erased before anything else is printed.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "color.h"
#include "report.h"

struct text_reporter {
	struct reporter base;
	FILE *err;
	bool list;
	bool live;
	bool progress_shown;
	int width;
	bool color_out, color_err;	/* colour what goes to out, to err */
	struct result_list stacks;	/* results that name a stack */
};

static void clear_progress(struct text_reporter *t)
{
	if (!t->progress_shown)
		return;
	fputs("\r\033[K", t->base.out);
	t->progress_shown = false;
}

static void text_begin(struct reporter *rep, int total)
{
	(void)rep;
	(void)total;
}

/* "[3/12] 2 running: a.pkt ipv4, b.pkt ipv6 (4.1 s)", cut to the width. */
static void text_progress(struct reporter *rep, const struct suite_progress *p)
{
	struct text_reporter *t = (struct text_reporter *)rep;
	char line[512];
	size_t limit = (size_t)t->width < sizeof(line) ? (size_t)t->width :
		sizeof(line) - 1;
	int n;

	if (!t->live || p->running_count == 0)
		return;
	n = snprintf(line, sizeof(line), "[%d/%d] %.1f s, %d running: ",
		     p->done, p->total, p->elapsed, p->running_count);
	for (int i = 0; i < p->running_count && n >= 0 &&
	     (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s",
			      i ? ", " : "", p->running[i]);
	if (strlen(line) > limit)
		line[limit] = '\0';
	clear_progress(t);
	fputs(line, rep->out);
	fflush(rep->out);
	t->progress_shown = true;
}

static const char *status_word(enum result_status status)
{
	switch (status) {
	case RESULT_PASS:
		return "PASS";
	case RESULT_FLAKY:
		return "FLAKY";
	case RESULT_FAIL:
		return "FAIL";
	case RESULT_XFAIL:
		return "XFAIL";
	case RESULT_ERROR:
		return "ERROR";
	case RESULT_SKIP:
		return "SKIP";
	}
	return "?";
}

static void print_line(struct text_reporter *t, const struct script_result *res)
{
	FILE *out = t->base.out;
	const char *first;
	size_t len;

	if (t->color_out)
		fprintf(out, "%s%-5s" COLOR_RESET " %s",
			color_status_start(res->status),
			status_word(res->status), res->path);
	else
		fprintf(out, "%-5s %s", status_word(res->status), res->path);
	if (res->family)
		fprintf(out, " %s", res->family);
	if (res->stack)
		fprintf(out, " %s", res->stack);
	fprintf(out, " (%.2f s", res->duration);
	if (res->attempts > 1)
		fprintf(out, ", %d tries", res->attempts);
	fputc(')', out);
	first = result_first_line(res, &len);
	if (res->status != RESULT_PASS && len > 0)
		fprintf(out, " %s%.*s", isdigit((unsigned char)first[0]) ?
			"line " : "", (int)len, first);
	fputc('\n', out);
}

static void text_script_done(struct reporter *rep,
			     const struct script_result *res)
{
	struct text_reporter *t = (struct text_reporter *)rep;
	bool failed = res->status != RESULT_PASS && res->status != RESULT_FLAKY;

	clear_progress(t);
	/* The output stream first: it may be the same terminal. */
	fflush(rep->out);
	if (failed && res->message) {
		color_print_report(t->err, res->message, t->color_err);
		fputc('\n', t->err);
	}
	if (failed && res->capture)
		fprintf(t->err, "  capture: %s\n", res->capture);
	fflush(t->err);
	if (t->list)
		print_line(t, res);
	if (res->stack)
		result_list_add(&t->stacks, res);
	fflush(rep->out);
}

static int text_end(struct reporter *rep, const struct suite_summary *sum)
{
	struct text_reporter *t = (struct text_reporter *)rep;
	char line[256];

	clear_progress(t);
	/* Nothing ran: main has said why, in one line. */
	if (t->list && !sum->skip_all) {
		summary_format(sum, line, sizeof(line));
		fprintf(rep->out, "%s\n", line);
		report_stack_differences(rep->out, &t->stacks);
	}
	fflush(t->err);
	return fflush(rep->out) == 0 && !ferror(rep->out) ? 0 : -1;
}

static void text_free(struct reporter *rep)
{
	result_list_free(&((struct text_reporter *)rep)->stacks);
	free(rep);
}

static const struct reporter_ops text_ops = {
	.begin = text_begin,
	.progress = text_progress,
	.script_done = text_script_done,
	.end = text_end,
	.free = text_free,
};

struct reporter *report_text_new(FILE *out, FILE *err, bool list, bool live)
{
	struct text_reporter *t = calloc(1, sizeof(*t));
	struct winsize ws;

	if (!t)
		return NULL;
	t->base.ops = &text_ops;
	t->base.out = out;
	t->err = err;
	t->list = list;
	t->live = live;
	t->width = 80;
	if (live && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		t->width = ws.ws_col - 1;
	return &t->base;
}

void report_text_color(struct reporter *rep, bool out, bool err)
{
	struct text_reporter *t = (struct text_reporter *)rep;

	t->color_out = out;
	t->color_err = err;
}
