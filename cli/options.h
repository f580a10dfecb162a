/*
 * options.h - tcpcheck's options, from the command line and from script
 * headers.
 *
 * One table serves both: `--tolerance_usecs=10000` means the same on the
 * command line and as a script's header line.  A script's header options
 * are applied first and the command line's after them, so the command
 * line wins, as in packetdrill.
 */
#ifndef TCPCHECK_OPTIONS_H
#define TCPCHECK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "run/run.h"

/* Settings that belong to the tool, not to one run. */
struct tool_settings {
	bool verbose;
	bool dry_run;
	/* The clock every run uses (run_clock.h; in a guest in virtual
	 * time, the guest clock), or NULL: each run a real clock of its own.
	 */
	struct run_clock *clock;
};

struct option_value {
	char *name;		/* without leading dashes */
	char *value;		/* NULL if none was given */
};

/* Apply one option to cfg/tool.  Returns 0, or -1 with a message in msg
 * (including a did-you-mean suggestion for unknown names).
 */
int option_apply(const char *name, const char *value, struct run_config *cfg,
		 struct tool_settings *tool, char *msg, size_t msg_size);

/* The i-th option of the table (name without dashes, whether it takes
 * a value, its help text), or NULL past the last: for listings such as
 * tcpcheck(5)'s and the shell completion.
 */
const char *option_at(size_t i, bool *takes_value, const char **help);

/* Print the option reference for --help. */
void options_print_help(FILE *out);

#endif /* TCPCHECK_OPTIONS_H */
