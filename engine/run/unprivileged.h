/*
 * unprivileged.h - what a run without root cannot do.
 *
 * Without root, a run is root only of its own user namespace (see
 * path/netns.h): the namespace's devices and net.* sysctls are its own,
 * the host-wide settings are not.  A command that writes one fails there
 * through no fault of the stack, so the script cannot be tested on this
 * machine: that is exit status 125 with the reason, not a failure.
 */
#ifndef TCPCHECK_UNPRIVILEGED_H
#define TCPCHECK_UNPRIVILEGED_H

#include <stdbool.h>
#include <stddef.h>

/* Whether command names a sysctl (a key after `sysctl`, or a path under
 * /proc/sys) that this process cannot write; the first one goes to key
 * (as written).  Meant for a failed command of an unprivileged run.
 */
bool command_writes_host_setting(const char *command, char *key,
				 size_t size);

#endif /* TCPCHECK_UNPRIVILEGED_H */
