/*
 * report.h - how the results of a suite are told: the terminal, TAP,
 * KTAP, JUnit XML and JSON writers behind one small interface.
 *
 * The scheduler (suite.c) hands each finished script to every writer as a
 * struct script_result, in the order scripts finish; a writer that needs
 * totals first (JUnit) or a stable order keeps copies and writes at the
 * end.  Writers only format: what a result means for the exit status is
 * main.c's business.  Every writer writes to a FILE it is given, so the
 * unit tests read their exact output from memory.
 */
#ifndef TCPCHECK_REPORT_H
#define TCPCHECK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum result_status {
	RESULT_PASS,
	RESULT_FLAKY,	/* failed on timing, then passed on a retry */
	RESULT_FAIL,	/* the stack deviated, or the script timed out */
	RESULT_XFAIL,	/* failed, and --xfail said failures are expected */
	RESULT_ERROR,	/* the script is malformed: it was not run */
	RESULT_SKIP,	/* not run: the environment, or the family */
};

struct script_result {
	int index;		/* position in the suite: writers sort by it */
	const char *path;
	const char *family;	/* "ipv4", "ipv4-mapped-ipv6", "ipv6"; NULL
				 * for a script that was never configured */
	const char *stack;	/* --stack's name for the run; NULL when
				 * --stack was not given */
	enum result_status status;
	double duration;	/* seconds, all attempts together */
	int line;		/* first failing line, 0 if none or unknown */
	/* What kind of failure the message reports (failure_kind_name(),
	 * engine/core/error.h: "timing", "mismatch"...), NULL for none; for
	 * a flaky pass, the failure retried.
	 */
	const char *failure;
	const char *message;	/* the report, maybe several lines, or NULL;
				 * for a flaky pass, the failure retried */
	const char *capture;	/* the pcap file kept, or NULL */
	/* The run's trace (engine/session/event_log.h), readable while
	 * script_done runs, or NULL; and the timing tolerance it ran with.
	 */
	const char *events;
	int64_t tolerance_usecs;
	double tolerance_percent;
	int attempts;		/* 1, or more after --retries */
	bool timed_out;		/* stopped by --timeout */
	/* CLOCK_MONOTONIC ns of the last attempt: runner forked, script
	 * time 0, last event over, runner reaped (0: never got there).
	 */
	int64_t spawned_ns, first_event_ns, last_event_ns, exited_ns;
};

/* flaky and xfail are not in passed or failed; timed_out and errors are
 * counted in failed too.
 */
struct suite_summary {
	int total;		/* results reported */
	int passed, failed, skipped;
	int flaky, xfail, timed_out, errors;
	double wall;		/* seconds the suite took */
	time_t started;		/* wall clock, for timestamps */
	bool interrupted;	/* SIGINT/SIGTERM stopped the suite */
	const char *skip_all;	/* why nothing could run, or NULL */
};

struct suite_progress {
	int done, total;
	int running_count;
	const char *const *running;	/* "path family" of each */
	double elapsed;			/* seconds since the suite began */
};

struct reporter;

struct reporter_ops {
	/* total: how many results will come (0 when nothing will run). */
	void (*begin)(struct reporter *rep, int total);
	/* Optional: scripts started or time passed (live displays). */
	void (*progress)(struct reporter *rep, const struct suite_progress *p);
	void (*script_done)(struct reporter *rep, const struct script_result *res);
	/* 0, or -1 when the output could not be written. */
	int (*end)(struct reporter *rep, const struct suite_summary *sum);
	void (*free)(struct reporter *rep);
};

struct reporter {
	const struct reporter_ops *ops;
	FILE *out;
};

/* The terminal: full reports on err as scripts fail; with list, one line
 * per script and the summary on out; with live (out is a terminal), a
 * progress line that is rewritten in place.
 */
struct reporter *report_text_new(FILE *out, FILE *err, bool list, bool live);
/* Colour the status words on out, the reports' labels on err (color.h). */
void report_text_color(struct reporter *rep, bool out, bool err);
struct reporter *report_tap_new(FILE *out);	/* TAP version 13 */
struct reporter *report_ktap_new(FILE *out);	/* kselftest's KTAP */
struct reporter *report_junit_new(FILE *out);	/* JUnit XML */
struct reporter *report_json_new(FILE *out);
/* --ladder: each run as a text sequence diagram (report_ladder.c); it
 * needs script_result.events.
 */
struct reporter *report_ladder_new(FILE *out);

/* Fan-out to several writers; end returns -1 if any writer failed. */
void reports_begin(struct reporter **reps, int n, int total);
void reports_progress(struct reporter **reps, int n,
		      const struct suite_progress *p);
void reports_script_done(struct reporter **reps, int n,
			 const struct script_result *res);
int reports_end(struct reporter **reps, int n, const struct suite_summary *sum);
void reports_free(struct reporter **reps, int n);

/* ---- helpers shared by the writers ---- */

/* "pass", "flaky", "fail", "xfail", "error", "skip". */
const char *result_status_name(enum result_status status);

/* Add one result to the totals. */
void summary_add(struct suite_summary *sum, const struct script_result *res);

/* "3 passed, 1 failed, 0 skipped", then ", N flaky", ", N timed out",
 * ", N expected failures" for those that are not zero.
 */
void summary_format(const struct suite_summary *sum, char *buf, size_t size);

/* The message's first line, without the "path:" that starts it when it
 * names the script (so "12: no outbound packet ..."); *len is its length.
 */
const char *result_first_line(const struct script_result *res, size_t *len);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if s does not
 * start one: writers of XML and JSON replace such bytes.
 */
size_t utf8_sequence_length(const unsigned char *s);

/* Write s as a double-quoted JSON string or YAML scalar.  The two escape
 * alike but for what cannot be written as is: JSON spells a control byte
 * \u00XX and a byte that is not UTF-8 \ufffd; YAML, as TAP readers take
 * it, \xXX (DEL too) and the U+FFFD character itself.
 */
enum quote_style { QUOTE_JSON, QUOTE_YAML };
void report_put_quoted(FILE *out, const char *s, enum quote_style style);

/* Copies of results for the writers that write at the end. */
struct result_list {
	struct script_result *items;
	int count, capacity;
};

int result_list_add(struct result_list *list, const struct script_result *res);
void result_list_sort(struct result_list *list);	/* by index */

/* --stack with several stacks: list the script and family runs whose
 * verdicts differ between the stacks (nothing if none do); sorts
 * results.
 */
void report_stack_differences(FILE *out, struct result_list *results);
void result_list_free(struct result_list *list);

#endif /* TCPCHECK_REPORT_H */
