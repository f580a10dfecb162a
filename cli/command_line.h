/*
 * command_line.h - tcpcheck's command line, read into a struct cli.
 *
 * Options that are about the suite (families, stacks, jobs, reports,
 * --kernel...) are kept here; options that are about a script are kept
 * as name and value, checked at once against the script options' table
 * (options.h) so that a typo fails before any run, and applied to every
 * script later.  Nothing here runs anything: main.c does.
 */
#ifndef TCPCHECK_CLI_COMMAND_LINE_H
#define TCPCHECK_CLI_COMMAND_LINE_H

#include <stdbool.h>

#include "color.h"
#include "options.h"
#include "report.h"
#include "run/defines.h"
#include "suite.h"
#include "vm/qemu.h"

#define DEFAULT_TIMEOUT 180
/* A machine that let tcpcheck miss its own schedule three times in a row
 * is not one to judge a stack on.
 */
#define DEFAULT_LATE_RETRIES 2

enum format { FORMAT_TEXT, FORMAT_TAP, FORMAT_KTAP };

struct cli {
	struct option_value *options;	/* from the command line, in order */
	int option_count;
	struct define *defines;		/* -D NAME=VALUE, in order */
	int define_count;
	char **scripts;			/* the paths: scripts, directories */
	int script_count;
	struct tool_settings tool;
	const char *families[3];	/* --ip_version's list */
	int family_count;
	char *stack_list;		/* --stack's value, cut at commas */
	const char *stacks[8];		/* --stack's list */
	int stack_count;
	const char *stack_flags;	/* --stack-flags */
	struct suite_options suite;
	bool jobs_given;
	enum format format;
	const char *junit_path;
	const char *json_path;
	enum color_mode color;
	bool dump;			/* --dump: print the parsed scripts */
	int shard, shard_count;		/* --shard=I/N; 0/0: every run */
	bool ladder;			/* --ladder: each run as a diagram */
	const char *html_dir;		/* --html=DIR, or NULL */
	bool html_all;			/* --html-all: a page for every run */
	char *events_dir;		/* the runs' traces, while they last */
	const char *kernel;		/* --kernel: play in a guest */
	const char *modules;		/* --modules */
	enum vm_clock vm_clock;		/* --vm-clock */
	struct reporter *guest;		/* --guest: the channel, the only writer */
};

/* A cli with the defaults; guest is the --guest channel, or NULL. */
void command_line_init(struct cli *cli, struct reporter *guest);

/* Reads argv into cli.  Returns -1 on a usage error (message printed),
 * 1 when --help or --version was handled, 0 to go on.
 */
int command_line_parse(int argc, char **argv, struct cli *cli);

/* Frees what command_line_parse allocated (not the guest channel). */
void command_line_free(struct cli *cli);

#endif /* TCPCHECK_CLI_COMMAND_LINE_H */
