/*
 * report_ladder.c - --ladder: each run as a text sequence diagram.
 *
 *       time  line  peer                                    stack
 *   0.000312    14   |  S 0:0(0) win 32792 <mss 1000,...>
 *                    |---------------------------------------->|
 *   0.000430    15   |  S. 0:0(0) ack 1 win 64240 <...>  (+65 us)
 *                    |<----------------------------------------|
 *   0.100768    17   |                                    |  accept(3, ...)
 *
 * Each packet is its label in script notation (the direction is the
 * arrow's) over an arrow between the two lifelines, outbound ones with
 * how far from the script's time they came; system calls and commands
 * stand right of the stack's lifeline.  The failing line shows the
 * expected packet over the actual one, carets under the words that
 * differ, the differing fields beside the arrow.  Drawn from the run's
 * story (run_events.h) once the run is over.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "run_events.h"

#define LADDER_WIDTH 56		/* columns between the lifelines */
#define MARGIN "                    "	/* time and line columns */

struct ladder_reporter {
	struct reporter base;
};

static void arrow(FILE *out, bool outbound, char dash, char end,
		  const char *note)
{
	fputs(MARGIN "|", out);
	if (outbound)
		fputc('<', out);
	for (int i = 0; i < LADDER_WIDTH - 1; i++)
		fputc(dash == '-' || i % 2 == 0 ? dash : ' ', out);
	if (!outbound)
		fputc('>', out);
	fputc(end, out);
	if (note && *note)
		fprintf(out, "  %s", note);
	fputc('\n', out);
}

static void put_packet(FILE *out, const struct run_event *e)
{
	bool outbound = e->kind == RUN_EVENT_OUTBOUND;
	char late[48] = "";

	if (outbound && e->has_script_at)
		snprintf(late, sizeof(late), "  (%+.0f us)",
			 (e->at - e->script_at) * 1e6);
	fprintf(out, "%11.6f %5d   |  %s%s\n", e->at, e->line,
		run_packet_label(e->text), late);
	arrow(out, outbound, '-', '|', NULL);
}

static void put_call(FILE *out, const struct run_event *e)
{
	fprintf(out, "%11.6f %5d   |%*s|  %s\n", e->at, e->line, LADDER_WIDTH,
		"", e->text);
}

/* Carets under the words of actual that differ from expected's. */
static void put_carets(FILE *out, const char *expected, const char *actual)
{
	char marks[RUN_EVENT_TEXT_MAX];
	const char *s = actual;
	size_t used = 0, last = 0;
	int i = 0;

	while (*s && used < sizeof(marks) - 1) {
		bool differs;

		if (*s == ' ') {
			marks[used++] = ' ';
			s++;
			continue;
		}
		differs = run_word_differs(expected, actual, i++);
		for (; *s && *s != ' ' && used < sizeof(marks) - 1; s++)
			marks[used++] = differs ? '^' : ' ';
		if (differs)
			last = used;
	}
	marks[last] = '\0';
	fprintf(out, MARGIN "|            %s\n", marks);
}

static void put_failure(FILE *out, const struct run_story *st)
{
	const struct run_failure *fl = &st->failure;
	char fields[512] = "";
	size_t used = 0;

	for (int i = 0; i < fl->field_count && used < sizeof(fields); i++)
		used += (size_t)snprintf(fields + used, sizeof(fields) - used,
					 "%s%s: expected %s, got %s",
					 i ? "; " : "", fl->fields[i].name,
					 fl->fields[i].expected,
					 fl->fields[i].actual);
	fprintf(out, "%11s %5d   |  FAILED: %s\n", "", fl->line, fl->summary);
	if (!fl->expected[0])
		return;
	fprintf(out, MARGIN "|  expected: %s\n",
		run_packet_label(fl->expected));
	if (fl->actual[0]) {
		fprintf(out, MARGIN "|  actual:   %s\n",
			run_packet_label(fl->actual));
		put_carets(out, run_packet_label(fl->expected),
			   run_packet_label(fl->actual));
		arrow(out, fl->outbound, '-', 'X', fields);
	} else {
		arrow(out, fl->outbound, '-', 'X', "none came");
	}
}

void ladder_write(FILE *out, const struct script_result *res,
		  const struct run_story *st)
{
	fprintf(out, "\n%s (%s): %s", res->path, res->family ? res->family :
		"-", result_status_name(res->status));
	if (st->failure.failed && st->failure.line)
		fprintf(out, " at line %d", st->failure.line);
	fprintf(out, "\n%11s %5s   peer%*sstack\n", "time", "line",
		LADDER_WIDTH - 3, "");
	for (int i = 0; i < st->count; i++) {
		const struct run_event *e = &st->events[i];

		if (e->kind == RUN_EVENT_CALL || e->kind == RUN_EVENT_COMMAND)
			put_call(out, e);
		else
			put_packet(out, e);
	}
	if (st->failure.failed)
		put_failure(out, st);
}

static void ladder_begin(struct reporter *rep, int total)
{
	(void)rep;
	(void)total;
}

static void ladder_script_done(struct reporter *rep,
			       const struct script_result *res)
{
	struct run_story st;

	if (res->status == RESULT_ERROR || res->status == RESULT_SKIP)
		return;
	if (run_story_read(&st, res) < 0) {
		fprintf(rep->out, "\n%s (%s): no ladder: the run left no "
			"events\n", res->path, res->family ? res->family : "-");
		return;
	}
	ladder_write(rep->out, res, &st);
	run_story_free(&st);
}

static int ladder_end(struct reporter *rep, const struct suite_summary *sum)
{
	(void)sum;
	return fflush(rep->out) == 0 && !ferror(rep->out) ? 0 : -1;
}

static void ladder_free(struct reporter *rep)
{
	free(rep);
}

static const struct reporter_ops ladder_ops = {
	.begin = ladder_begin,
	.script_done = ladder_script_done,
	.end = ladder_end,
	.free = ladder_free,
};

struct reporter *report_ladder_new(FILE *out)
{
	struct ladder_reporter *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->base.ops = &ladder_ops;
	l->base.out = out;
	return &l->base;
}
