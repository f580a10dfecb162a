/*
 * error.h - the engine's error value.
 *
 * A function that can fail returns a status and, on failure, fills a
 * struct error with a message that carries its context (what was being
 * done, expected vs actual).  Only main() decides what to print and how to
 * exit.  The buffer is fixed so that reporting an error never allocates.
 */
#ifndef TCPCHECK_ERROR_H
#define TCPCHECK_ERROR_H

#include <stdarg.h>

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

struct error {
	char text[ERROR_TEXT_MAX];
};

/* Set the message; always returns -1 so callers can `return error_set(...)`. */
int error_set(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int error_setv(struct error *err, const char *fmt, va_list ap);

/* Like error_set() but appends ": strerror(errno)" for the current errno. */
int error_set_errno(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append more text (a further line of a report) to an existing message. */
void error_append(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TCPCHECK_ERROR_H */
