/*
 * event_log.c - the run's trace to a file and to -v at once (see
 * event_log.h), through a stdio cookie stream.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "session/event_log.h"

struct tee {
	FILE *file, *also;
};

static ssize_t tee_write(void *cookie, const char *buf, size_t size)
{
	struct tee *t = cookie;

	if (fwrite(buf, 1, size, t->file) != size)
		return -1;
	fflush(t->file);
	if (t->also) {
		fwrite(buf, 1, size, t->also);
		fflush(t->also);
	}
	return (ssize_t)size;
}

static int tee_close(void *cookie)
{
	struct tee *t = cookie;
	int rc = fclose(t->file);

	free(t);
	return rc;
}

FILE *event_log_open(const char *path, FILE *also, struct error *err)
{
	cookie_io_functions_t io = { .write = tee_write, .close = tee_close };
	struct tee *t = calloc(1, sizeof(*t));
	FILE *f;

	if (!t) {
		error_set(err, "out of memory");
		return NULL;
	}
	t->also = also;
	t->file = fopen(path, "w");
	if (!t->file) {
		error_set_errno(err, "cannot write the event log %s", path);
		free(t);
		return NULL;
	}
	f = fopencookie(t, "w", io);
	if (!f) {
		error_set_errno(err, "fopencookie");
		fclose(t->file);
		free(t);
	}
	return f;
}
