/*
 * report_svg.c - one run as an inline SVG sequence diagram (see
 * report_html.h).
 *
 * Rows from top to bottom in the order things happened: a packet is its
 * label over an arrow between the peer's lifeline (left) and the
 * stack's (right); an outbound one also has a gauge right of the
 * stack's lifeline, the band its tolerance around the time the script
 * gave and a tick where it came.  System calls and commands are text
 * right of the stack's lifeline.  At the failing line the expected
 * packet is drawn dashed over the actual one, the words that differ in
 * the actual label marked, the differing fields beside it.  Every
 * coordinate is computed here; the page's style sheet only colours.
 */
#include "config.h"

#include <string.h>

#include "report_html.h"

#define ROW 24			/* px per text row */
#define PEER_X 190
#define STACK_X 690
#define GAUGE_X 710		/* the tolerance gauge, GAUGE_W wide */
#define GAUGE_W 160
#define TEXT_X 890		/* calls, notes */
#define WIDTH 1400

static int rows_of(const struct run_event *e)
{
	return e->kind == RUN_EVENT_INBOUND || e->kind == RUN_EVENT_OUTBOUND ?
		2 : 1;
}

static void put_arrow(FILE *out, const char *cls, bool outbound, int y)
{
	fprintf(out, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		"y2=\"%d\" marker-end=\"url(#head)\"/>\n", cls,
		outbound ? STACK_X : PEER_X, y, outbound ? PEER_X + 4 :
		STACK_X - 4, y);
}

/* The band is the middle half of the gauge; the tick is clamped to it. */
static void put_gauge(FILE *out, double at, double script_at, double tol,
		      int y)
{
	double off = tol > 0 ? (at - script_at) / tol : 0;
	double x;

	if (off < -2)
		off = -2;
	if (off > 2)
		off = 2;
	x = GAUGE_X + GAUGE_W / 2.0 + off * GAUGE_W / 4.0;
	fprintf(out, "<rect class=\"gauge\" x=\"%d\" y=\"%d\" width=\"%d\" "
		"height=\"10\"/><rect class=\"band\" x=\"%d\" y=\"%d\" "
		"width=\"%d\" height=\"10\"><title>expected at %.6f s "
		"&#177;%.6f s</title></rect>\n", GAUGE_X, y - 5, GAUGE_W,
		GAUGE_X + GAUGE_W / 4, y - 5, GAUGE_W / 2, script_at, tol);
	fprintf(out, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
		"y2=\"%d\"><title>came at %.6f s (%+.0f us)</title></line>\n",
		x, y - 8, x, y + 8, at, (at - script_at) * 1e6);
}

static void put_left(FILE *out, int y, double at, int line, bool timed)
{
	if (timed)
		fprintf(out, "<text class=\"time\" x=\"8\" y=\"%d\">%.6f"
			"</text>", y, at);
	fprintf(out, "<a href=\"#L%d\"><text class=\"line\" x=\"110\" "
		"y=\"%d\">line %d</text></a>\n", line, y, line);
}

static void put_event(FILE *out, const struct run_story *st, int i, int y)
{
	const struct run_event *e = &st->events[i];
	bool outbound = e->kind == RUN_EVENT_OUTBOUND;
	double prev = i > 0 ? st->events[i - 1].at : 0;

	fprintf(out, "<g id=\"ev-%d\" class=\"event\">\n", i + 1);
	put_left(out, y + ROW - 6, e->at, e->line, true);
	if (e->kind == RUN_EVENT_CALL || e->kind == RUN_EVENT_COMMAND) {
		fprintf(out, "<text class=\"call\" x=\"%d\" y=\"%d\">",
			STACK_X + 12, y + ROW - 6);
		html_put_escaped(out, e->text);
		fputs("</text>\n</g>\n", out);
		return;
	}
	fprintf(out, "<text class=\"label\" x=\"%d\" y=\"%d\">", PEER_X + 10,
		y + ROW - 8);
	html_put_escaped(out, run_packet_label(e->text));
	fputs("</text>\n", out);
	/* A timing failure's packet came: it is this arrow, in red. */
	put_arrow(out, st->failure.has_window && e->line == st->failure.line ?
		  "arrow fail" : outbound ? "arrow out" : "arrow in", outbound,
		  y + ROW + 4);
	if (outbound && e->has_script_at)
		put_gauge(out, e->at, e->script_at,
			  run_story_tolerance(st, e->script_at, prev),
			  y + ROW + 4);
	fputs("</g>\n", out);
}

/* The actual label, each word that differs from the expected in a
 * <tspan class="diff">.
 */
static void put_marked(FILE *out, const char *expected, const char *actual)
{
	const char *s = actual;
	int i = 0;

	while (*s) {
		size_t len = strcspn(s, " ");
		char word[RUN_EVENT_TEXT_MAX];
		bool differs = run_word_differs(expected, actual, i++);

		memcpy(word, s, len);
		word[len] = '\0';
		fputs(differs ? "<tspan class=\"diff\">" : "", out);
		html_put_escaped(out, word);
		fputs(differs ? "</tspan>" : "", out);
		s += len;
		while (*s == ' ')
			fputc(*s++, out);
	}
}

static void put_fields(FILE *out, const struct run_failure *fl, int y)
{
	for (int i = 0; i < fl->field_count; i++) {
		fprintf(out, "<text class=\"field\" x=\"%d\" y=\"%d\">",
			TEXT_X - 160, y + i * ROW);
		html_put_escaped(out, fl->fields[i].name);
		fputs(": expected ", out);
		html_put_escaped(out, fl->fields[i].expected);
		fputs(", got ", out);
		html_put_escaped(out, fl->fields[i].actual);
		fputs("</text>\n", out);
	}
}

/* What came at the failing line: the actual packet with its differing
 * words marked, or nothing.  (A packet at the wrong time is already
 * drawn, in red, with its gauge.)
 */
static void put_outcome(FILE *out, const struct run_failure *fl, int y)
{
	if (fl->has_window)
		return;
	fprintf(out, "<text class=\"label actual\" x=\"%d\" y=\"%d\">",
		PEER_X + 10, y + ROW - 8);
	if (fl->actual[0]) {
		fputs("actual: ", out);
		put_marked(out, run_packet_label(fl->expected),
			   run_packet_label(fl->actual));
	} else {
		fputs("none came", out);
	}
	fputs("</text>\n", out);
	if (!fl->actual[0])
		return;
	put_arrow(out, "arrow fail", fl->outbound, y + ROW + 4);
	put_fields(out, fl, y + ROW + 8);
}

static void put_failure(FILE *out, const struct run_story *st, int y)
{
	const struct run_failure *fl = &st->failure;

	fprintf(out, "<g id=\"ev-fail\" class=\"failure\">\n");
	put_left(out, y + ROW - 6, 0, fl->line, false);
	fprintf(out, "<text class=\"failtext\" x=\"%d\" y=\"%d\">",
		PEER_X + 10, y + ROW - 6);
	html_put_escaped(out, fl->summary);
	fputs("</text>\n", out);
	y += ROW;
	if (fl->expected[0]) {
		fprintf(out, "<text class=\"label expected\" x=\"%d\" "
			"y=\"%d\">expected: ", PEER_X + 10, y + ROW - 8);
		html_put_escaped(out, run_packet_label(fl->expected));
		fputs("</text>\n", out);
		fprintf(out, "<line class=\"expected\" x1=\"%d\" y1=\"%d\" "
			"x2=\"%d\" y2=\"%d\"/>\n", PEER_X, y + ROW + 2,
			STACK_X, y + ROW + 2);
		y += ROW + 8;
	}
	put_outcome(out, fl, y);
	fputs("</g>\n", out);
}

void svg_write(FILE *out, const struct run_story *st)
{
	int height = 3 * ROW, y;

	for (int i = 0; i < st->count; i++)
		height += rows_of(&st->events[i]) * ROW;
	if (st->failure.failed)
		height += (4 + st->failure.field_count) * ROW;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"class=\"ladder\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n<defs><marker id=\"head\" "
		"viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
		"markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
		"<path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n",
		WIDTH, height, WIDTH, height);
	fprintf(out, "<text class=\"head\" x=\"%d\" y=\"16\">peer</text>"
		"<text class=\"head\" x=\"%d\" y=\"16\">stack</text>"
		"<text class=\"head\" x=\"%d\" y=\"16\">timing</text>\n",
		PEER_X - 14, STACK_X - 18, GAUGE_X + GAUGE_W / 2 - 20);
	fprintf(out, "<line class=\"lifeline\" x1=\"%d\" y1=\"24\" x2=\"%d\" "
		"y2=\"%d\"/><line class=\"lifeline\" x1=\"%d\" y1=\"24\" "
		"x2=\"%d\" y2=\"%d\"/>\n", PEER_X, PEER_X, height - 4,
		STACK_X, STACK_X, height - 4);
	y = ROW + 4;
	for (int i = 0; i < st->count; i++) {
		put_event(out, st, i, y);
		y += rows_of(&st->events[i]) * ROW;
	}
	if (st->failure.failed)
		put_failure(out, st, y);
	fputs("</svg>\n", out);
}
