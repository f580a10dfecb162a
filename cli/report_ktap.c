/*
 * report_ktap.c - kselftest's flavour of KTAP on the output stream (see
 * report.h), so that tcpcheck's results read like those of the kernel's
 * selftests: "ok N description", the SKIP and XFAIL directives, the
 * runner's report as "# " diagnostic lines just before the failing test
 * point, and a closing "# Totals:" line with kselftest's counters.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

struct ktap_reporter {
	struct reporter base;
	int number;
	int total;
	int pass, fail, xfail, skip, error;
};

static void ktap_begin(struct reporter *rep, int total)
{
	struct ktap_reporter *k = (struct ktap_reporter *)rep;

	k->total = total;
	fputs("TAP version 13\n", rep->out);
	if (total > 0)
		fprintf(rep->out, "1..%d\n", total);
	fflush(rep->out);
}

/* Text on one line: a line break would end the test point. */
static void put_flat(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++)
		fputc(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], out);
}

static void put_diagnostic(FILE *out, const char *prefix, const char *text)
{
	while (text && *text) {
		size_t len = strcspn(text, "\n");

		fprintf(out, "# %s%.*s\n", prefix, (int)len, text);
		text += len;
		if (*text == '\n')
			text++;
	}
}

static void ktap_script_done(struct reporter *rep,
			     const struct script_result *res)
{
	struct ktap_reporter *k = (struct ktap_reporter *)rep;
	FILE *out = rep->out;
	const char *result = "ok";
	const char *first;
	size_t len;

	switch (res->status) {
	case RESULT_PASS:
		k->pass++;
		break;
	case RESULT_FLAKY:
		k->pass++;
		fprintf(out, "# flaky: passed on try %d; it failed with:\n",
			res->attempts);
		put_diagnostic(out, "  ", res->message);
		break;
	case RESULT_FAIL:
	case RESULT_ERROR:
		if (res->status == RESULT_FAIL)
			k->fail++;
		else
			k->error++;
		result = "not ok";
		put_diagnostic(out, "", res->message);
		if (res->capture)
			fprintf(out, "# capture: %s\n", res->capture);
		break;
	case RESULT_XFAIL:
		k->xfail++;
		put_diagnostic(out, "", res->message);
		break;
	case RESULT_SKIP:
		k->skip++;
		break;
	}
	fprintf(out, "%s %d ", result, ++k->number);
	put_flat(out, res->path, strlen(res->path));
	if (res->family)
		fprintf(out, " %s", res->family);
	if (res->stack)
		fprintf(out, " %s", res->stack);
	if (res->status == RESULT_SKIP) {
		first = result_first_line(res, &len);
		fputs(" # SKIP ", out);
		put_flat(out, first, len);
	} else if (res->status == RESULT_XFAIL) {
		fputs(" # XFAIL", out);
	}
	fputc('\n', out);
	fflush(out);
}

static int ktap_end(struct reporter *rep, const struct suite_summary *sum)
{
	struct ktap_reporter *k = (struct ktap_reporter *)rep;
	FILE *out = rep->out;

	if (k->total == 0) {
		fputs("1..0", out);
		if (sum->skip_all) {
			fputs(" # SKIP ", out);
			put_flat(out, sum->skip_all, strlen(sum->skip_all));
		}
		fputc('\n', out);
		return fflush(out) == 0 && !ferror(out) ? 0 : -1;
	}
	if (sum->interrupted)
		fputs("Bail out! interrupted\n", out);
	fprintf(out, "# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d "
		"error:%d\n", k->pass, k->fail, k->xfail, k->skip, k->error);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

static void ktap_free(struct reporter *rep)
{
	free(rep);
}

static const struct reporter_ops ktap_ops = {
	.begin = ktap_begin,
	.script_done = ktap_script_done,
	.end = ktap_end,
	.free = ktap_free,
};

struct reporter *report_ktap_new(FILE *out)
{
	struct ktap_reporter *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->base.ops = &ktap_ops;
	k->base.out = out;
	return &k->base;
}
