/*
 * error.c - filling struct error (see error.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

int error_setv(struct error *err, const char *fmt, va_list ap)
{
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
