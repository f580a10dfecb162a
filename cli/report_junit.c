/*
 * report_junit.c - JUnit XML (see report.h), the report format Jenkins
 * and GitLab read.
 *
 * One <testsuite> holds a <testcase> per script and family: the class
 * name is the script's directory (dots for slashes, as Java packages, so
 * CI front ends group scripts by directory), the name is the file name and
 * the family.  A deviation is a <failure>, a malformed script an <error>,
 * a script that did not run (or an expected failure) <skipped>.  The
 * totals open the document, so results are kept and written at the end,
 * in suite order whatever order they finished in.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

struct junit_reporter {
	struct reporter base;
	struct result_list results;
	bool out_of_memory;
};

static void junit_begin(struct reporter *rep, int total)
{
	(void)rep;
	(void)total;
}

static void junit_script_done(struct reporter *rep,
			      const struct script_result *res)
{
	struct junit_reporter *j = (struct junit_reporter *)rep;

	if (result_list_add(&j->results, res) < 0)
		j->out_of_memory = true;
}

/* Escape text (attr false) or an attribute value, where line breaks and
 * tabs must be references to survive.  XML 1.0 cannot carry the other
 * control characters at all, even as references: they become '?'.
 */
static void put_escaped(FILE *out, const char *s, size_t len, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end && *p) {
		size_t n = utf8_sequence_length(p);

		if (n == 0 || p + n > end) {
			fputs("&#xFFFD;", out);
			p++;
			continue;
		}
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\n':
		case '\t':
		case '\r':
			if (attr)
				fprintf(out, "&#%d;", *p);
			else
				fputc(*p, out);
			break;
		default:
			if (*p < 0x20)
				fputc('?', out);
			else
				fwrite(p, 1, n, out);
		}
		p += n;
	}
}

static void put_xml(FILE *out, const char *s, size_t len)
{
	put_escaped(out, s, len, true);
}

static void put_xml_str(FILE *out, const char *s)
{
	put_escaped(out, s, strlen(s), true);
}

static void put_text(FILE *out, const char *s)
{
	put_escaped(out, s, strlen(s), false);
}

/* "testcases/close/x.pkt" -> class "testcases.close", name "x.pkt". */
static void put_names(FILE *out, const struct script_result *res)
{
	const char *path = res->path;
	const char *slash;

	while (!strncmp(path, "./", 2))
		path += 2;
	while (*path == '/')
		path++;
	slash = strrchr(path, '/');
	fputs(" classname=\"", out);
	if (slash) {
		const char *p = path;

		while (p < slash) {
			size_t len = strcspn(p, "/");

			if (p + len > slash)
				len = (size_t)(slash - p);
			put_xml(out, p, len);
			p += len;
			if (p < slash) {
				fputc('.', out);
				p++;
			}
		}
	} else {
		fputs("tcpcheck", out);
	}
	fputs("\" name=\"", out);
	put_xml_str(out, slash ? slash + 1 : path);
	if (res->family) {
		fputc(' ', out);
		put_xml_str(out, res->family);
	}
	if (res->stack) {
		fputc(' ', out);
		put_xml_str(out, res->stack);
	}
	fputc('"', out);
}

static void put_element(FILE *out, const char *element, const char *type,
			const struct script_result *res)
{
	const char *first;
	size_t len;

	first = result_first_line(res, &len);
	fprintf(out, "      <%s", element);
	if (type)
		fprintf(out, " type=\"%s\"", type);
	fputs(" message=\"", out);
	put_xml(out, first, len);
	if (!res->message || !strcmp(element, "skipped")) {
		fputs("\"/>\n", out);
		return;
	}
	fputs("\">", out);
	put_text(out, res->message);
	fprintf(out, "</%s>\n", element);
}

static void put_testcase(FILE *out, const struct script_result *res)
{
	fputs("    <testcase", out);
	put_names(out, res);
	fprintf(out, " time=\"%.3f\"", res->duration);
	if (res->status == RESULT_PASS && !res->capture) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	switch (res->status) {
	case RESULT_PASS:
		break;
	case RESULT_FLAKY:
		fprintf(out, "      <system-out>flaky: passed on try %d; it "
			"failed with:\n", res->attempts);
		put_text(out, res->message ? res->message : "");
		fputs("</system-out>\n", out);
		break;
	case RESULT_FAIL:
		put_element(out, "failure", res->timed_out ? "timeout" :
			    "mismatch", res);
		break;
	case RESULT_ERROR:
		put_element(out, "error", "bad-script", res);
		break;
	case RESULT_XFAIL:
	case RESULT_SKIP:
		put_element(out, "skipped", NULL, res);
		break;
	}
	if (res->capture) {
		fputs("      <system-err>capture: ", out);
		put_text(out, res->capture);
		fputs("</system-err>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static int junit_end(struct reporter *rep, const struct suite_summary *sum)
{
	struct junit_reporter *j = (struct junit_reporter *)rep;
	int failures = 0, errors = 0, skipped = 0;
	FILE *out = rep->out;
	char stamp[32] = "";
	struct tm tm;

	result_list_sort(&j->results);
	for (int i = 0; i < j->results.count; i++) {
		enum result_status s = j->results.items[i].status;

		failures += s == RESULT_FAIL;
		errors += s == RESULT_ERROR;
		skipped += s == RESULT_SKIP || s == RESULT_XFAIL;
	}
	if (sum->started && gmtime_r(&sum->started, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"tcpcheck\" tests=\"%d\" failures=\"%d\" "
		"errors=\"%d\" time=\"%.3f\">\n", j->results.count, failures,
		errors, sum->wall);
	fprintf(out, "  <testsuite name=\"tcpcheck\" tests=\"%d\" "
		"failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\"",
		j->results.count, failures, errors, skipped, sum->wall);
	if (stamp[0])
		fprintf(out, " timestamp=\"%s\"", stamp);
	fputs(">\n", out);
	for (int i = 0; i < j->results.count; i++)
		put_testcase(out, &j->results.items[i]);
	if (sum->skip_all) {
		fputs("    <system-err>", out);
		put_text(out, sum->skip_all);
		fputs("</system-err>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	return fflush(out) == 0 && !ferror(out) && !j->out_of_memory ? 0 : -1;
}

static void junit_free(struct reporter *rep)
{
	struct junit_reporter *j = (struct junit_reporter *)rep;

	result_list_free(&j->results);
	free(j);
}

static const struct reporter_ops junit_ops = {
	.begin = junit_begin,
	.script_done = junit_script_done,
	.end = junit_end,
	.free = junit_free,
};

struct reporter *report_junit_new(FILE *out)
{
	struct junit_reporter *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->base.ops = &junit_ops;
	j->base.out = out;
	return &j->base;
}
