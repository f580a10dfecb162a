/*
 * report_json.c - the suite's results as one JSON document (see
 * report.h), for scripts and dashboards: the totals, then one object per
 * script and family in suite order with its path, family, status,
 * duration, failing line, kind of failure, message, capture file,
 * attempts and, for overhead measurements (bench/), the CLOCK_MONOTONIC times at which its
 * runner started, began and ended the script's events, and was reaped.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct json_reporter {
	struct reporter base;
	struct result_list results;
	bool out_of_memory;
};

static void json_begin(struct reporter *rep, int total)
{
	(void)rep;
	(void)total;
}

static void json_script_done(struct reporter *rep,
			     const struct script_result *res)
{
	struct json_reporter *j = (struct json_reporter *)rep;

	if (result_list_add(&j->results, res) < 0)
		j->out_of_memory = true;
}

/* A JSON string, or null.  Bytes that are not UTF-8 become U+FFFD. */
static void put_string(FILE *out, const char *s)
{
	if (!s)
		fputs("null", out);
	else
		report_put_quoted(out, s, QUOTE_JSON);
}

static void put_time(FILE *out, const char *name, int64_t ns, bool last)
{
	fprintf(out, "\"%s\": ", name);
	if (ns)
		fprintf(out, "%" PRId64, ns);
	else
		fputs("null", out);
	fputs(last ? "}" : ", ", out);
}

static void put_result(FILE *out, const struct script_result *r)
{
	fputs("    {\"path\": ", out);
	put_string(out, r->path);
	fputs(", \"family\": ", out);
	put_string(out, r->family);
	if (r->stack) {
		fputs(", \"stack\": ", out);
		put_string(out, r->stack);
	}
	fprintf(out, ", \"status\": \"%s\", \"duration\": %.6f, \"line\": ",
		result_status_name(r->status), r->duration);
	if (r->line > 0)
		fprintf(out, "%d", r->line);
	else
		fputs("null", out);
	fputs(", \"failure\": ", out);
	put_string(out, r->failure);
	fputs(", \"message\": ", out);
	put_string(out, r->message);
	fputs(", \"capture\": ", out);
	put_string(out, r->capture);
	fprintf(out, ", \"attempts\": %d, \"timed_out\": %s, \"timeline_ns\": {",
		r->attempts, r->timed_out ? "true" : "false");
	put_time(out, "spawn", r->spawned_ns, false);
	put_time(out, "first_event", r->first_event_ns, false);
	put_time(out, "last_event", r->last_event_ns, false);
	put_time(out, "exit", r->exited_ns, true);
	fputc('}', out);
}

static int json_end(struct reporter *rep, const struct suite_summary *sum)
{
	struct json_reporter *j = (struct json_reporter *)rep;
	FILE *out = rep->out;

	result_list_sort(&j->results);
	fprintf(out, "{\n  \"tool\": \"tcpcheck\",\n  \"version\": \"%s\",\n",
		PACKAGE_VERSION);
	fprintf(out, "  \"summary\": {\"passed\": %d, \"failed\": %d, "
		"\"skipped\": %d, \"flaky\": %d, \"xfail\": %d, "
		"\"timed_out\": %d, \"errors\": %d, \"duration\": %.6f, "
		"\"interrupted\": %s, \"not_run\": ", sum->passed, sum->failed,
		sum->skipped, sum->flaky, sum->xfail, sum->timed_out,
		sum->errors, sum->wall, sum->interrupted ? "true" : "false");
	put_string(out, sum->skip_all);
	fputs("},\n  \"results\": [", out);
	for (int i = 0; i < j->results.count; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_result(out, &j->results.items[i]);
	}
	fputs(j->results.count ? "\n  ]\n}\n" : "]\n}\n", out);
	return fflush(out) == 0 && !ferror(out) && !j->out_of_memory ? 0 : -1;
}

static void json_free(struct reporter *rep)
{
	struct json_reporter *j = (struct json_reporter *)rep;

	result_list_free(&j->results);
	free(j);
}

static const struct reporter_ops json_ops = {
	.begin = json_begin,
	.script_done = json_script_done,
	.end = json_end,
	.free = json_free,
};

struct reporter *report_json_new(FILE *out)
{
	struct json_reporter *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->base.ops = &json_ops;
	j->base.out = out;
	return &j->base;
}
