/*
 * color.c - colour for the text report (see color.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"

#define RED "\033[1;31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"

int color_mode_parse(const char *text, enum color_mode *mode)
{
	if (!text || !strcmp(text, "always"))
		*mode = COLOR_ALWAYS;	/* a bare --color */
	else if (!strcmp(text, "auto"))
		*mode = COLOR_AUTO;
	else if (!strcmp(text, "never"))
		*mode = COLOR_NEVER;
	else
		return -1;
	return 0;
}

bool color_wanted(enum color_mode mode, int fd)
{
	const char *term = getenv("TERM");

	if (mode != COLOR_AUTO)
		return mode == COLOR_ALWAYS;
	return isatty(fd) && !(term && !strcmp(term, "dumb")) &&
		getenv("NO_COLOR") == NULL;
}

const char *color_status_start(enum result_status status)
{
	switch (status) {
	case RESULT_PASS:
		return GREEN;
	case RESULT_FAIL:
	case RESULT_ERROR:
		return RED;
	case RESULT_FLAKY:
	case RESULT_XFAIL:
	case RESULT_SKIP:
		return YELLOW;
	}
	return "";
}

/* A detail line's label: two spaces, then words, then ':' soon after
 * ("  expected:", "  payload length:", "  option 2:").  Its length
 * (with the colon), or 0.
 */
static size_t label_length(const char *line, size_t len)
{
	size_t i = 2;

	if (len < 4 || line[0] != ' ' || line[1] != ' ' || line[2] == ' ')
		return 0;
	while (i < len && i < 32 && (isalnum((unsigned char)line[i]) ||
				     line[i] == ' ' || line[i] == '_'))
		i++;
	return i < len && line[i] == ':' ? i + 1 : 0;
}

static const char *label_color(const char *label, size_t len)
{
	if (len >= 9 && !strncmp(label + 2, "expected:", 9))
		return GREEN;
	if ((len >= 7 && !strncmp(label + 2, "actual:", 7)) ||
	    (len >= 7 && !strncmp(label + 2, "packet:", 7)))
		return RED;
	return YELLOW;
}

static bool is_caret_line(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i + 1 == len && line[i] == '^';
}

/* In a first line, the verdict label after the location. */
static const char *find_error_label(const char *line, size_t len,
				    size_t *label_len)
{
	static const char *const labels[] = { " timing error:", " error:" };

	for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
		size_t n = strlen(labels[k]);

		for (size_t i = 0; i + n <= len; i++) {
			if (!strncmp(line + i, labels[k], n)) {
				*label_len = n - 1;
				return line + i + 1;
			}
		}
	}
	return NULL;
}

/* "path:12:" at the start of a runner's report, with its colon; 0 if
 * the line does not start so.
 */
static size_t location_length(const char *line, size_t len)
{
	for (size_t i = 1; i + 1 < len; i++)
		if (line[i] == ':' && line[i + 1] == ' ')
			return isdigit((unsigned char)line[i - 1]) ? i + 1 : 0;
	return 0;
}

static void print_line(FILE *out, const char *line, size_t len)
{
	const char *label;
	size_t n;

	if (is_caret_line(line, len)) {
		fwrite(line, 1, len - 1, out);
		fputs(GREEN "^" COLOR_RESET, out);
		return;
	}
	n = label_length(line, len);
	if (n) {
		fprintf(out, "  %s%.*s" COLOR_RESET, label_color(line, n),
			(int)(n - 2), line + 2);
		fwrite(line + n, 1, len - n, out);
		return;
	}
	label = find_error_label(line, len, &n);
	if (label) {
		fwrite(line, 1, (size_t)(label - line), out);
		fprintf(out, RED "%.*s" COLOR_RESET, (int)n, label);
		fwrite(label + n, 1, len - (size_t)(label - line) - n, out);
		return;
	}
	n = location_length(line, len);
	if (n) {
		fprintf(out, BOLD "%.*s" COLOR_RESET, (int)n, line);
		fwrite(line + n, 1, len - n, out);
		return;
	}
	fwrite(line, 1, len, out);
}

void color_print_report(FILE *out, const char *text, bool color)
{
	if (!color) {
		fputs(text, out);
		return;
	}
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		print_line(out, text, len);
		if (!nl)
			break;
		fputc('\n', out);
		text = nl + 1;
	}
}
