/*
 * report_tap.c - TAP version 13 on the output stream (see report.h).
 *
 * One test point per script and family, numbered in the order scripts
 * finish.  What a person needs to act on a failure (the runner's report,
 * the line, the capture) follows the test point as a YAML block, which
 * TAP 13 consumers show and older ones ignore.  A malformed script is a
 * failure too; a script that could not run is a SKIP; an expected failure
 * (--xfail) is a TODO, which harnesses do not count against the run.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

struct tap_reporter {
	struct reporter base;
	int number;
	int total;
};

static void tap_begin(struct reporter *rep, int total)
{
	struct tap_reporter *t = (struct tap_reporter *)rep;

	t->total = total;
	fputs("TAP version 13\n", rep->out);
	if (total > 0)
		fprintf(rep->out, "1..%d\n", total);
	fflush(rep->out);
}

/* A description or directive: '#' would start a directive and '\' escapes,
 * so both are escaped; a line break would end the test point.
 */
static void put_tap_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++) {
		if (s[i] == '#' || s[i] == '\\')
			fputc('\\', out);
		fputc(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], out);
	}
}

static void put_yaml_block(FILE *out, const struct script_result *res)
{
	fputs("  ---\n", out);
	fprintf(out, "  status: %s\n", result_status_name(res->status));
	if (res->line > 0)
		fprintf(out, "  line: %d\n", res->line);
	fprintf(out, "  duration: %.3f\n", res->duration);
	if (res->attempts > 1)
		fprintf(out, "  attempts: %d\n", res->attempts);
	if (res->timed_out)
		fputs("  timed_out: true\n", out);
	if (res->message) {
		fputs("  message: ", out);
		report_put_quoted(out, res->message, QUOTE_YAML);
		fputc('\n', out);
	}
	if (res->capture) {
		fputs("  capture: ", out);
		report_put_quoted(out, res->capture, QUOTE_YAML);
		fputc('\n', out);
	}
	fputs("  ...\n", out);
}

static void tap_script_done(struct reporter *rep,
			    const struct script_result *res)
{
	struct tap_reporter *t = (struct tap_reporter *)rep;
	FILE *out = rep->out;
	bool ok = res->status == RESULT_PASS || res->status == RESULT_FLAKY ||
		res->status == RESULT_SKIP;
	const char *first;
	size_t len;

	fprintf(out, "%s %d - ", ok ? "ok" : "not ok", ++t->number);
	put_tap_text(out, res->path, strlen(res->path));
	if (res->family)
		fprintf(out, " %s", res->family);
	if (res->stack)
		fprintf(out, " %s", res->stack);
	first = result_first_line(res, &len);
	if (res->status == RESULT_SKIP) {
		fputs(" # SKIP ", out);
		put_tap_text(out, first, len);
	} else if (res->status == RESULT_XFAIL) {
		fputs(" # TODO expected failure", out);
	}
	fputc('\n', out);
	if (res->status != RESULT_PASS && res->status != RESULT_SKIP)
		put_yaml_block(out, res);
	fflush(out);
}

static int tap_end(struct reporter *rep, const struct suite_summary *sum)
{
	struct tap_reporter *t = (struct tap_reporter *)rep;

	if (t->total == 0 && sum->skip_all) {
		fputs("1..0 # SKIP ", rep->out);
		put_tap_text(rep->out, sum->skip_all, strlen(sum->skip_all));
		fputc('\n', rep->out);
	} else if (t->total == 0) {
		fputs("1..0\n", rep->out);
	}
	if (sum->interrupted)
		fputs("Bail out! interrupted\n", rep->out);
	return fflush(rep->out) == 0 && !ferror(rep->out) ? 0 : -1;
}

static void tap_free(struct reporter *rep)
{
	free(rep);
}

static const struct reporter_ops tap_ops = {
	.begin = tap_begin,
	.script_done = tap_script_done,
	.end = tap_end,
	.free = tap_free,
};

struct reporter *report_tap_new(FILE *out)
{
	struct tap_reporter *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->base.ops = &tap_ops;
	t->base.out = out;
	return &t->base;
}
