/*
 * jobs.h - from the command line's paths to the list of runs.
 *
 * A path is a script or a directory searched recursively for *.pkt.  Each
 * script is read and parsed once; it then runs once per address family
 * it applies to, each run (a job) with its complete configuration: the
 * family's plan, then the script's header options, then the command
 * line's.  A script that does not parse, or a family it cannot run in,
 * is a job too, already decided, so that every path given is accounted
 * for in the results.
 */
#ifndef TCPCHECK_JOBS_H
#define TCPCHECK_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "run/defines.h"
#include "options.h"
#include "run/run.h"

struct script_file {
	char *path;
	char *dir;		/* its directory: its commands run there */
	char *text;
	size_t len;
	struct script *script;	/* NULL when it did not parse */
};

enum job_kind {
	JOB_RUN,
	JOB_DRY_RUN,		/* parsed and checked: nothing to run */
	JOB_ERROR,		/* malformed or unreadable: message says */
	JOB_SKIP,		/* not applicable: message says */
};

struct job {
	int index;		/* suite order */
	enum job_kind kind;
	const char *path;
	const char *family;	/* static name, NULL for an unreadable file */
	/* --stack's name for this run ("kernel", "lwip", a path); NULL
	 * when --stack was not given (the kernel, not named in reports).
	 */
	const char *stack;
	const char *stack_flags;	/* --stack-flags, or NULL */
	const struct script_file *file;
	struct run_config cfg;
	char *message;		/* JOB_ERROR and JOB_SKIP */
	int line;		/* JOB_ERROR: the first diagnostic's line */
	int64_t length_usecs;	/* how long its timeline says it takes */
};

struct job_settings {
	/* Command-line options in order, --ip_version taken out. */
	const struct option_value *options;
	int option_count;
	const struct define *defines;
	int define_count;
	/* --ip_version's list; none given: each script's own family. */
	const char *const *families;
	int family_count;
	/* --stack's list, each script runs against each; none: the kernel,
	 * unnamed.
	 */
	const char *const *stacks;
	int stack_count;
	const char *stack_flags;
	struct tool_settings tool;
};

struct job_list {
	struct script_file *files;
	int file_count, file_capacity;
	struct job *jobs;
	int count, capacity;
};

/* Fill list (zeroed by the caller).  0, or -1 when memory ran out; list
 * is then still safe to free.
 */
int jobs_build(char *const *paths, int path_count,
	       const struct job_settings *settings, struct job_list *list);
void jobs_free(struct job_list *list);

/* Keep shard (1..shard_count) of the runs: every shard_count-th job of
 * the suite order, starting at the shard's own number.  The list is the
 * same on every machine given the same paths, so the shards of one suite
 * together hold each run exactly once.  Files stay; jobs are renumbered.
 */
void jobs_shard(struct job_list *list, int shard, int shard_count);

/* The canonical name of an --ip_version family, or NULL. */
const char *family_name(const char *text);

#endif /* TCPCHECK_JOBS_H */
