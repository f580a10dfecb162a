/*
 * error.h - the engine's error value.
 *
 * A function that can fail returns a status and, on failure, fills a
 * struct error with a message that carries its context (what was being
 * done, expected vs actual), and, as fields beside the text, the script
 * line it is about and what kind of failure it is.  Later stages (the
 * session's pipe, the suite's retries) read the fields, never the text.
 * Only main() decides what to print and how to exit.  The buffer is fixed
 * so that reporting an error never allocates.
 */
#ifndef TCPCHECK_ERROR_H
#define TCPCHECK_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

#define ERROR_TEXT_MAX 4096

/* What a failed step means for the verdict; the values are the process
 * exit statuses (git bisect run: 125 = cannot test this revision).
 */
enum outcome {
	OUTCOME_OK = 0,			/* the stack behaved as scripted */
	OUTCOME_MISMATCH = 1,		/* the stack deviated from the script */
	OUTCOME_BAD_SCRIPT = 2,		/* the script (or usage) is wrong */
	/* tcpcheck itself missed the time of one of its own actions (an
	 * injection, a call): the machine did not run it in time, so the
	 * stack was not tested as scripted.  A runner's status only; the
	 * suite runs the script again (cli/suite.c), and tcpcheck never
	 * exits with it.
	 */
	OUTCOME_LATE = 3,
	OUTCOME_ENVIRONMENT = 125,	/* this machine cannot run the test */
};

/* What a failure says of the run, finer than enum outcome: the suite
 * retries a timing failure or a missing packet (the stack may only have
 * been slow) but not a mismatch.  The values travel between processes
 * (engine/session/report_wire.h): append, never renumber.
 */
enum failure_kind {
	FAILURE_NONE = 0,	/* no failure, or none said: see the outcome */
	FAILURE_MISMATCH,	/* the stack did something else than scripted */
	FAILURE_TIMING,		/* it did the scripted thing at another time */
	FAILURE_MISSING_PACKET,	/* an expected packet had not come by its
				 * deadline */
	FAILURE_LATE,		/* tcpcheck missed the time of its own action */
	FAILURE_ENVIRONMENT,	/* this machine cannot run the test */
	FAILURE_BAD_SCRIPT,	/* the script is wrong */
};
#define FAILURE_KIND_COUNT (FAILURE_BAD_SCRIPT + 1)

struct error {
	int line;		/* the script line it is about; 0: none */
	enum failure_kind kind;
	char text[ERROR_TEXT_MAX];
};

/* The kind a failure with this outcome has when its maker says no more. */
enum failure_kind failure_kind_of(int outcome);
/* The outcome a failure of this kind gives (OUTCOME_OK for NONE). */
int failure_outcome(enum failure_kind kind);
/* Its name in reports (--json "failure"): "mismatch", "timing",
 * "missing_packet", "late", "environment", "bad_script"; "none".
 */
const char *failure_kind_name(enum failure_kind kind);
/* Whether the stack may have done the right thing, only not in time
 * (a timing failure, a packet missing at its deadline): what --retries
 * plays again and --xfail=timing expects.
 */
bool failure_is_timing(enum failure_kind kind);

/* Set the message (the line and kind are cleared: a new error); always
 * returns -1 so callers can `return error_set(...)`.
 */
int error_set(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int error_setv(struct error *err, const char *fmt, va_list ap);

/* Like error_set() but appends ": strerror(errno)" for the current errno. */
int error_set_errno(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set the line and kind of an error whose message is set. */
void error_locate(struct error *err, int line, enum failure_kind kind);

/* Append more text (a further line of a report) to an existing message. */
void error_append(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TCPCHECK_ERROR_H */
