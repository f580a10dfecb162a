/*
 * run_events.c - a run's trace and failure report read back into events
 * (see run_events.h).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_events.h"

static void copy_text(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	while (len && (dst[len - 1] == '\n' || dst[len - 1] == ' '))
		dst[--len] = '\0';
}

static struct run_event *add_event(struct run_story *st)
{
	if (st->count == st->cap) {
		int cap = st->cap ? st->cap * 2 : 64;
		struct run_event *grown =
			realloc(st->events, (size_t)cap * sizeof(*grown));

		if (!grown)
			return NULL;
		st->events = grown;
		st->cap = cap;
	}
	memset(&st->events[st->count], 0, sizeof(st->events[0]));
	return &st->events[st->count++];
}

/* "line 14: < S 0:0(0) ...   [live: ...]" and its kin. */
static void parse_event(struct run_story *st, double at, const char *rest)
{
	struct run_event *e;
	const char *text, *live;
	int line, n = 0;

	if (sscanf(rest, "line %d: %n", &line, &n) != 1 || !n)
		return;
	text = rest + n;
	if (strstr(text, " starts\n") || !strncmp(text, "(", 1))
		return;		/* a blocking call begins: its end comes */
	e = add_event(st);
	if (!e)
		return;
	e->line = line;
	e->at = at;
	if (text[0] == '<' || text[0] == '>') {
		e->kind = text[0] == '<' ? RUN_EVENT_INBOUND :
			RUN_EVENT_OUTBOUND;
		live = strstr(text, "   [live:");
		copy_text(e->text, sizeof(e->text), text,
			  live ? (size_t)(live - text) : strlen(text));
		return;
	}
	e->kind = text[0] == '`' || text[0] == '%' ? RUN_EVENT_COMMAND :
		RUN_EVENT_CALL;
	copy_text(e->text, sizeof(e->text), text, strlen(text));
}

/* "timing: line 15 outbound packet: script 0.000365 s, kernel
 * 0.000430097 s: ...": the times of the last event of that line.
 */
static void parse_timing(struct run_story *st, const char *rest)
{
	double script_at, at;
	char what[64], source[32];
	int line;

	if (sscanf(rest, "timing: line %d %63[^:]: script %lf s, %31s %lf s",
		   &line, what, &script_at, source, &at) != 5)
		return;
	for (int i = st->count - 1; i >= 0; i--) {
		struct run_event *e = &st->events[i];

		if (e->line != line)
			continue;
		e->has_script_at = true;
		e->script_at = script_at;
		e->at = at;
		return;
	}
}

static int read_log(struct run_story *st, const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		double at;
		int n = 0;

		if (sscanf(buf, " %lf %n", &at, &n) != 1 || !n)
			continue;
		if (!strncmp(buf + n, "line ", 5))
			parse_event(st, at, buf + n);
		else if (!strncmp(buf + n, "timing: line ", 13))
			parse_timing(st, buf + n);
	}
	fclose(f);
	return 0;
}

/* "  win: expected 65535, got 64240" */
static void parse_field(struct run_failure *fl, const char *l, size_t len)
{
	struct run_field_diff *d;
	const char *colon = memchr(l, ':', len);
	const char *got;

	if (!colon || fl->field_count == RUN_FAILURE_FIELDS_MAX ||
	    strncmp(colon, ": expected ", 11))
		return;
	got = strstr(colon, ", got ");
	if (!got || got > l + len)
		return;
	d = &fl->fields[fl->field_count++];
	copy_text(d->name, sizeof(d->name), l, (size_t)(colon - l));
	copy_text(d->expected, sizeof(d->expected), colon + 11,
		  (size_t)(got - colon - 11));
	copy_text(d->actual, sizeof(d->actual), got + 6,
		  (size_t)(l + len - got - 6));
}

static void parse_first_line(struct run_failure *fl, const char *first)
{
	const char *exp = strstr(first, "; expected ");
	double at, tol, seen;

	fl->outbound = strstr(first, "outbound") != NULL;
	if (exp) {	/* "no outbound packet by T s; expected > P. ..." */
		copy_text(fl->expected, sizeof(fl->expected), exp + 11,
			  strlen(exp + 11));
		fl->outbound = fl->expected[0] == '>';
	}
	if (sscanf(first, "timing error: %*s %*s expected at %lf s "
		   "(tolerance \xc2\xb1%lf s), seen at %lf s", &at, &tol,
		   &seen) == 3) {
		fl->has_window = true;
		fl->expected_at = at;
		fl->tolerance = tol;
		fl->seen_at = seen;
	}
}

static void parse_failure(struct run_failure *fl, const char *path,
			  int line, const char *message)
{
	size_t plen = strlen(path);
	const char *l = message, *end;

	fl->failed = true;
	fl->line = line;
	if (!strncmp(l, path, plen) && l[plen] == ':') {
		l += plen + 1;
		while (*l >= '0' && *l <= '9')
			l++;
		if (*l == ':')
			l++;
		while (*l == ' ')
			l++;
	}
	end = strchr(l, '\n');
	copy_text(fl->summary, sizeof(fl->summary), l,
		  end ? (size_t)(end - l) : strlen(l));
	parse_first_line(fl, fl->summary);
	for (l = end; l && *l; l = end) {
		size_t len;

		l++;
		end = strchr(l, '\n');
		len = end ? (size_t)(end - l) : strlen(l);
		while (len && *l == ' ')
			l++, len--;
		if (!strncmp(l, "expected: ", 10))
			copy_text(fl->expected, sizeof(fl->expected), l + 10,
				  len - 10);
		else if (!strncmp(l, "actual:", 7))
			copy_text(fl->actual, sizeof(fl->actual),
				  l + 7 + strspn(l + 7, " "),
				  len - 7 - strspn(l + 7, " "));
		else
			parse_field(fl, l, len);
	}
	if (fl->expected[0] == '>')
		fl->outbound = true;
}

int run_story_read(struct run_story *st, const struct script_result *res)
{
	memset(st, 0, sizeof(*st));
	st->tolerance_s = (double)res->tolerance_usecs / 1e6;
	st->tolerance_percent = res->tolerance_percent;
	if (!res->events || read_log(st, res->events) < 0)
		return -1;
	if (res->message && (res->status == RESULT_FAIL ||
			     res->status == RESULT_XFAIL ||
			     res->status == RESULT_FLAKY))
		parse_failure(&st->failure, res->path, res->line,
			      res->message);
	return 0;
}

void run_story_free(struct run_story *st)
{
	free(st->events);
	memset(st, 0, sizeof(*st));
}

double run_story_tolerance(const struct run_story *st, double t, double prev)
{
	double relative = (t - prev) * st->tolerance_percent / 100.0;

	return relative > st->tolerance_s ? relative : st->tolerance_s;
}

/* Word i of s: its start, and *len; NULL when s has fewer words. */
static const char *word(const char *s, int i, size_t *len)
{
	for (;;) {
		s += strspn(s, " ");
		if (!*s)
			return NULL;
		*len = strcspn(s, " ");
		if (i-- == 0)
			return s;
		s += *len;
	}
}

bool run_word_differs(const char *expected, const char *actual, int i)
{
	size_t elen = 0, alen = 0;
	const char *e = word(expected, i, &elen);
	const char *a = word(actual, i, &alen);

	if (!a)
		return false;
	return !e || elen != alen || memcmp(e, a, alen);
}

const char *run_packet_label(const char *text)
{
	if ((text[0] == '<' || text[0] == '>') && text[1] == ' ')
		return text + 2;
	return text;
}

char *run_events_dir_make(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (asprintf(&dir, "%s/tcpcheck-events.XXXXXX",
		     tmp && *tmp ? tmp : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

void run_events_dir_remove(char *dir)
{
	DIR *d;
	struct dirent *e;

	if (!dir)
		return;
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		char *path;

		if (e->d_name[0] == '.' ||
		    asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			continue;
		unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
}
