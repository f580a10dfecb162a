/*
 * draft_cmd.c - the --draft command (see draft_cmd.h): its options, the
 * capture file read into memory, the draft written to stdout.  Every
 * failure (usage, an unreadable or malformed capture, one without TCP)
 * is a message and exit status 2.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draft_cmd.h"
#include "draft/draft.h"

/* Larger captures are not drafts of one test. */
#define CAPTURE_FILE_MAX (512ul << 20)

struct draft_args {
	const char *capture;
	struct draft_request req;
};

bool draft_command_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--draft") ||
		    !strncmp(argv[i], "--draft=", 8))
			return true;
	return false;
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "tcpcheck: %s%s%s (usage: tcpcheck --draft "
		"CAPTURE [--stack-side=IP:PORT] [--connection=N])\n", what,
		arg ? " " : "", arg ? arg : "");
	return -1;
}

static int parse_args(int argc, char **argv, struct draft_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		char *end = NULL;
		long n;

		if (!strcmp(arg, "--draft") && i + 1 == argc)
			return usage_error("--draft needs a capture file", NULL);
		else if (!strcmp(arg, "--draft"))
			a->capture = argv[++i];
		else if (!strncmp(arg, "--draft=", 8) && arg[8])
			a->capture = arg + 8;
		else if (!strncmp(arg, "--stack-side=", 13) && arg[13])
			a->req.stack_side = arg + 13;
		else if (!strncmp(arg, "--connection=", 13)) {
			errno = 0;
			n = strtol(arg + 13, &end, 10);
			if (errno || end == arg + 13 || *end || n < 1 ||
			    n > 1000000)
				return usage_error("--connection takes a "
						   "number from 1, not",
						   arg + 13);
			a->req.connection = (int)n;
		} else {
			return usage_error("--draft does not take", arg);
		}
	}
	if (!a->capture)
		return usage_error("--draft needs a capture file", NULL);
	a->req.capture_name = a->capture;
	return 0;
}

/* The whole file, or NULL with a message printed. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, got = 0;

	if (!f) {
		fprintf(stderr, "tcpcheck: cannot read %s: %s\n", path,
			strerror(errno));
		return NULL;
	}
	for (;;) {
		if (got == cap) {
			uint8_t *grown;

			cap = cap ? cap * 2 : 65536;
			grown = cap <= CAPTURE_FILE_MAX ?
				realloc(buf, cap) : NULL;
			if (!grown) {
				fprintf(stderr, "tcpcheck: %s: larger than %lu "
					"MiB, or out of memory\n", path,
					CAPTURE_FILE_MAX >> 20);
				goto fail;
			}
			buf = grown;
		}
		size_t n = fread(buf + got, 1, cap - got, f);

		got += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "tcpcheck: cannot read %s: %s\n", path,
			strerror(errno));
		goto fail;
	}
	fclose(f);
	*len = got;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

int draft_command(int argc, char **argv)
{
	struct draft_args a = { 0 };
	struct flow_set set;
	struct error err;
	uint8_t *buf;
	size_t len = 0;
	int rc = 2;

	if (parse_args(argc, argv, &a) < 0)
		return 2;
	buf = read_file(a.capture, &len);
	if (!buf)
		return 2;
	if (flow_set_read(&set, buf, len, &err) < 0) {
		fprintf(stderr, "tcpcheck: %s: %s\n", a.capture, err.text);
		free(buf);
		return 2;
	}
	if (draft_write(&set, &a.req, stdout, stderr, &err) < 0)
		fprintf(stderr, "tcpcheck: %s: %s\n", a.capture, err.text);
	else if (fflush(stdout) != 0)
		fprintf(stderr, "tcpcheck: cannot write the draft: %s\n",
			strerror(errno));
	else
		rc = 0;
	flow_set_free(&set);
	free(buf);
	return rc;
}
