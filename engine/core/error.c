/*
 * error.c - filling struct error (see error.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

enum failure_kind failure_kind_of(int outcome)
{
	switch (outcome) {
	case OUTCOME_OK:
		return FAILURE_NONE;
	case OUTCOME_MISMATCH:
		return FAILURE_MISMATCH;
	case OUTCOME_BAD_SCRIPT:
		return FAILURE_BAD_SCRIPT;
	case OUTCOME_LATE:
		return FAILURE_LATE;
	default:
		return FAILURE_ENVIRONMENT;
	}
}

int failure_outcome(enum failure_kind kind)
{
	switch (kind) {
	case FAILURE_NONE:
		return OUTCOME_OK;
	case FAILURE_MISMATCH:
	case FAILURE_TIMING:
	case FAILURE_MISSING_PACKET:
		return OUTCOME_MISMATCH;
	case FAILURE_LATE:
		return OUTCOME_LATE;
	case FAILURE_ENVIRONMENT:
		return OUTCOME_ENVIRONMENT;
	case FAILURE_BAD_SCRIPT:
		return OUTCOME_BAD_SCRIPT;
	}
	return OUTCOME_ENVIRONMENT;
}

const char *failure_kind_name(enum failure_kind kind)
{
	switch (kind) {
	case FAILURE_NONE:
		return "none";
	case FAILURE_MISMATCH:
		return "mismatch";
	case FAILURE_TIMING:
		return "timing";
	case FAILURE_MISSING_PACKET:
		return "missing_packet";
	case FAILURE_LATE:
		return "late";
	case FAILURE_ENVIRONMENT:
		return "environment";
	case FAILURE_BAD_SCRIPT:
		return "bad_script";
	}
	return "unknown";
}

bool failure_is_timing(enum failure_kind kind)
{
	return kind == FAILURE_TIMING || kind == FAILURE_MISSING_PACKET;
}

void error_locate(struct error *err, int line, enum failure_kind kind)
{
	err->line = line;
	err->kind = kind;
}

int error_setv(struct error *err, const char *fmt, va_list ap)
{
	err->line = 0;
	err->kind = FAILURE_NONE;
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	return -1;
}

int error_set(struct error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_setv(err, fmt, ap);
	va_end(ap);
	return -1;
}

int error_set_errno(struct error *err, const char *fmt, ...)
{
	int saved = errno;
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	error_setv(err, fmt, ap);
	va_end(ap);
	used = strlen(err->text);
	snprintf(err->text + used, sizeof(err->text) - used, ": %s",
		 strerror(saved));
	return -1;
}

void error_append(struct error *err, const char *fmt, ...)
{
	size_t used = strlen(err->text);
	va_list ap;

	if (used + 1 >= sizeof(err->text))
		return;
	va_start(ap, fmt);
	vsnprintf(err->text + used, sizeof(err->text) - used, fmt, ap);
	va_end(ap);
}
