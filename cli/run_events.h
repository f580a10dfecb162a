/*
 * run_events.h - the story of one run, for the ladder and the HTML
 * report: its packets and system calls in order, with times, and how
 * it failed.
 *
 * Read from the run's event log (engine/session/event_log.h, the -v
 * trace: "line 14: < S 0:0(0) ...", "line 17: accept(...) = 4",
 * "timing: line 15 outbound packet: script 0.000365 s, kernel
 * 0.000430 s: ...") and from the failure report the runner sent
 * ("expected:", "actual:", "win: expected 65535, got 64240").  Both are
 * tcpcheck's own text; a line that does not parse is skipped.
 */
#ifndef TCPCHECK_RUN_EVENTS_H
#define TCPCHECK_RUN_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

#define RUN_EVENT_TEXT_MAX 512
#define RUN_FAILURE_FIELDS_MAX 16

enum run_event_kind {
	RUN_EVENT_INBOUND,	/* peer to stack */
	RUN_EVENT_OUTBOUND,	/* stack to peer */
	RUN_EVENT_CALL,		/* a system call and its result */
	RUN_EVENT_COMMAND,	/* a shell command or code block */
};

struct run_event {
	enum run_event_kind kind;
	int line;
	double at;		/* s from script time 0: when it happened */
	bool has_script_at;
	double script_at;	/* when the script said it would */
	char text[RUN_EVENT_TEXT_MAX];	/* "< S 0:0(0) ...", "close(4) = 0" */
};

struct run_field_diff {
	char name[32];
	char expected[96], actual[96];
};

struct run_failure {
	bool failed;
	int line;
	char summary[RUN_EVENT_TEXT_MAX];	/* the report's first line */
	bool outbound;		/* the line expected a packet from the stack */
	char expected[RUN_EVENT_TEXT_MAX];	/* packet, or "" */
	char actual[RUN_EVENT_TEXT_MAX];	/* packet, or "" (none came) */
	struct run_field_diff fields[RUN_FAILURE_FIELDS_MAX];
	int field_count;
	bool has_window;	/* a timing failure: the expected window */
	double expected_at, tolerance, seen_at;
};

struct run_story {
	struct run_event *events;
	int count, cap;
	struct run_failure failure;
	double tolerance_s;		/* --tolerance_usecs */
	double tolerance_percent;
};

/* Read res->events and res->message.  0, or -1 when the log cannot be
 * read (no story: the caller says so).
 */
int run_story_read(struct run_story *st, const struct script_result *res);
void run_story_free(struct run_story *st);

/* The tolerance around an event expected at t, the previous one at
 * prev: packetdrill's rule, the larger of the fixed and the relative.
 */
double run_story_tolerance(const struct run_story *st, double t, double prev);

/* Whether word i (space-separated) of actual differs from expected's:
 * where the ladder and the diagram mark a packet's differing fields.
 */
bool run_word_differs(const char *expected, const char *actual, int i);

/* "S 0:0(0) ..." without the direction mark an arrow shows. */
const char *run_packet_label(const char *text);

/* A private directory for the runs' traces (suite_options.events_dir),
 * and its removal with whatever is left in it.  NULL on failure.
 */
char *run_events_dir_make(void);
void run_events_dir_remove(char *dir);

/* One run's ladder (report_ladder.c), also for the HTML pages. */
void ladder_write(FILE *out, const struct script_result *res,
		  const struct run_story *st);

#endif /* TCPCHECK_RUN_EVENTS_H */
