/*
 * defines.h - `-D NAME=VALUE`: names a script uses that the command line
 * gives a value (packetdrill's --define).
 *
 * Upstream scripts write TFO_COOKIE for a Fast Open cookie and
 * CMSG_LEVEL_IP for the right level per address family; the runner passes
 * the value per family.  The substitution is a pass over the parsed tree,
 * so every later pass sees plain values.
 */
#ifndef TCPCHECK_DEFINES_H
#define TCPCHECK_DEFINES_H

#include "ast.h"

struct define {
	char *name;
	char *value;
};

/* Replace every symbolic word, Fast Open cookie and ICMP code named like
 * a define with its value (an integer value becomes a number).
 */
void script_apply_defines(struct script *script, const struct define *defs,
			  int count);

#endif /* TCPCHECK_DEFINES_H */
