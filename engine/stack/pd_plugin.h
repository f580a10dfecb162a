/*
 * pd_plugin.h - a stack written for packetdrill's shared-object interface
 * (--so_filename, --so_flags), so adapters people already wrote for
 * packetdrill keep working.
 *
 * packetdrill's interface passes the wall clock through: such a stack
 * runs in real time, its blocking calls block (on the run's system-call
 * thread), and its outbound packets are collected by a thread that asks
 * the stack for them continuously, as packetdrill does.  Its struct
 * layout is fixed by packetdrill; it has no version to check.
 */
#ifndef TCPCHECK_PD_PLUGIN_H
#define TCPCHECK_PD_PLUGIN_H

#include <stdbool.h>

#include "core/error.h"
#include "path/packet_path.h"
#include "sys/syscall_backend.h"

struct pd_plugin;

/* Whether the object at path exports packetdrill's entry point. */
bool pd_plugin_probe(const char *path);

/* Load the object, initialise it with flags and start collecting its
 * packets: OUTCOME_OK with *out, or OUTCOME_ENVIRONMENT with the reason.
 */
int pd_plugin_open(const char *path, const char *flags,
		   struct pd_plugin **out, struct error *err);

/* Its packet path and its backend, owned by the plugin. */
struct packet_path *pd_plugin_path(struct pd_plugin *p);
struct syscall_backend *pd_plugin_backend(struct pd_plugin *p);

/* Stop collecting, free the stack's state (its free()); NULL allowed. */
void pd_plugin_close(struct pd_plugin *p);

#endif /* TCPCHECK_PD_PLUGIN_H */
