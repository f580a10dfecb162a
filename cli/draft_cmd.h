/*
 * draft_cmd.h - `tcpcheck --draft CAPTURE [--stack-side=IP:PORT]
 * [--connection=N]`: a script from a capture, on the output.
 */
#ifndef TCPCHECK_DRAFT_CMD_H
#define TCPCHECK_DRAFT_CMD_H

#include <stdbool.h>

/* Whether the command line asks for a draft. */
bool draft_command_wanted(int argc, char **argv);

/* Run it: the exit status (0, or 2 with a message on stderr). */
int draft_command(int argc, char **argv);

#endif /* TCPCHECK_DRAFT_CMD_H */
