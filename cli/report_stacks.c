/*
 * report_stacks.c - with --stack listing several stacks, the scripts
 * whose verdicts differ between them (report.h).
 *
 * Results are grouped by script and family; a group whose members do
 * not all have the same status is listed with each stack's verdict and,
 * for one that did not pass, the line and the first line of its report:
 * where that stack and the others part ways.  Skips are listed with the
 * runs that differ but make none differ.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

static bool same_run(const struct script_result *a,
		     const struct script_result *b)
{
	return !strcmp(a->path, b->path) && a->family && b->family &&
		!strcmp(a->family, b->family);
}

/* The report's first line without its "path:line: " prefix. */
static void put_first_line(FILE *out, const struct script_result *r)
{
	const char *m = r->message ? r->message : "";
	size_t plen = strlen(r->path);
	const char *nl;

	if (!strncmp(m, r->path, plen) && m[plen] == ':') {
		const char *rest = strstr(m + plen + 1, ": ");

		if (rest && (!strchr(m, '\n') || rest < strchr(m, '\n')))
			m = rest + 2;
	}
	nl = strchr(m, '\n');
	fprintf(out, "%.*s", (int)(nl ? nl - m : (long)strlen(m)), m);
	/* The first field that differs ("  win: expected 1, got 2"). */
	while (nl) {
		const char *line = nl + 1;

		while (*line == ' ')
			line++;
		nl = strchr(line, '\n');
		if (strncmp(line, "expected:", 9) && strstr(line, ": expected ") &&
		    (!nl || strstr(line, ": expected ") < nl)) {
			fprintf(out, " (%.*s)",
				(int)(nl ? nl - line : (long)strlen(line)), line);
			return;
		}
	}
}

static void put_group(FILE *out, const struct script_result *items, int n)
{
	fprintf(out, "  %s %s:", items[0].path, items[0].family);
	for (int i = 0; i < n; i++) {
		const struct script_result *r = &items[i];

		fprintf(out, "%s %s %s", i ? ";" : "", r->stack,
			result_status_name(r->status));
		if (r->status != RESULT_PASS && r->line > 0)
			fprintf(out, " at line %d", r->line);
		if (r->status != RESULT_PASS && r->message) {
			fputs(": ", out);
			put_first_line(out, r);
		}
	}
	fputc('\n', out);
}

/* A verdict on the stack: it ran and passed or failed (a skip or a
 * malformed script says nothing about the stack).
 */
static bool judged(const struct script_result *r)
{
	return r->status != RESULT_SKIP && r->status != RESULT_ERROR;
}

/* Whether the verdicts among the n results from items (one script and
 * family) disagree.
 */
static bool differ(const struct script_result *items, int n)
{
	const struct script_result *first = NULL;

	for (int i = 0; i < n; i++) {
		if (!judged(&items[i]))
			continue;
		if (first && items[i].status != first->status)
			return true;
		if (!first)
			first = &items[i];
	}
	return false;
}

void report_stack_differences(FILE *out, struct result_list *results)
{
	int groups = 0;

	result_list_sort(results);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < results->count;) {
			int n = 1;

			while (i + n < results->count &&
			       same_run(&results->items[i],
					&results->items[i + n]))
				n++;
			if (n > 1 && differ(&results->items[i], n)) {
				if (pass == 0)
					groups++;
				else
					put_group(out, &results->items[i], n);
			}
			i += n;
		}
		if (pass == 0 && groups == 0)
			return;
		if (pass == 0)
			fprintf(out, "verdicts differ between stacks in %d "
				"run%s:\n", groups, groups == 1 ? "" : "s");
	}
}
