/*
 * stack_path.h - the packet path and the system-call backend of a stack
 * plugin (plugin.h): datagrams go to the stack's input() and come back
 * from its queue; calls go to its socket table.
 *
 * Both run in virtual time: the path stamps packets with the plugin's
 * clock, exposes the stack's timers (stack_path_next_instant and
 * stack_path_run_due, for the run's clock), and its wait_fd polls
 * readable exactly while a datagram waits.  Calls never block: one that
 * would returns -1 with SYSCALL_BACKEND_PENDING to be performed again;
 * one the stack cannot do returns SYSCALL_BACKEND_UNSUPPORTED.
 */
#ifndef TCPCHECK_STACK_PATH_H
#define TCPCHECK_STACK_PATH_H

#include "core/error.h"
#include "path/packet_path.h"
#include "stack/plugin.h"
#include "sys/syscall_backend.h"

/* A path over p (which the caller keeps owning and closes after the
 * path).  OUTCOME_OK with *out, or OUTCOME_ENVIRONMENT with err.
 */
int stack_path_open(struct stack_plugin *p, struct packet_path **out,
		    struct error *err);

/* The earliest instant the stack needs (INT64_MAX: none), and run what is
 * due at now_ns: the path's next_instant and run_due.
 */
int64_t stack_path_next_instant(struct packet_path *path);
void stack_path_run_due(struct packet_path *path, int64_t now_ns);

/* The backend over p's socket calls; NULL when out of memory. */
struct syscall_backend *stack_backend_new(struct stack_plugin *p);

#endif /* TCPCHECK_STACK_PATH_H */
