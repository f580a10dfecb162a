/*
 * syscalls.h - running a script's system-call lines.
 *
 * A line such as `+0 connect(3, ..., ...) = -1 EINPROGRESS (...)` goes
 * through three steps so that the engine can run calls that block on a
 * worker thread while the main thread keeps injecting packets:
 *
 *   syscall_prepare()  main thread: evaluate the arguments - map script
 *                      fds to live ones, resolve symbols, build sockaddrs
 *                      and buffers - into a struct syscall_run;
 *   syscall_perform()  any thread: make the call through the backend,
 *                      touching nothing but the run;
 *   syscall_finish()   main thread: compare the result, errno and output
 *                      arguments with the script and update the fd map.
 *
 * syscall_validate() checks a line statically right after parsing, so a
 * misspelt name is reported with its location before anything runs.
 * Nothing here prints or exits; failures are values (enum outcome plus a
 * message in struct error, or located diagnostics).
 */
#ifndef TCPCHECK_SYSCALLS_H
#define TCPCHECK_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "core/error.h"
#include "core/plan.h"
#include "sys/syscall_backend.h"

/* Which live descriptor each script fd number stands for.  socket() = 3
 * maps 3 to whatever the stack returned; close(3) unmaps it.  Descriptors
 * the script never named (a call that returned an fd the script did not
 * expect) are kept too, so teardown can close them.
 */
struct fd_map;

struct fd_map *fd_map_new(void);	/* NULL when out of memory */
/* Frees the map only: live descriptors stay open.  NULL is allowed. */
void fd_map_free(struct fd_map *m);
/* Close every live descriptor through the backend and empty the map. */
void fd_map_close_all(struct fd_map *m, struct syscall_backend *backend);
/* The live fd for a script fd: true and *live_fd if it is open. */
bool fd_map_lookup(const struct fd_map *m, int script_fd, int *live_fd);

struct syscall_ctx {
	const struct net_plan *plan;
	struct syscall_backend *backend;
	struct fd_map *fds;
	const char *script_dir;		/* open("file") is relative to it */
	/* Times a call reports (SCM_TIMESTAMPING) are compared with script
	 * times: CLOCK_REALTIME at script time 0, and the allowed error.
	 */
	int64_t start_realtime_ns;
	int64_t tolerance_usecs;
	/* When the run played a script time (microseconds since time 0):
	 * from *lo to *hi, as events written at one time happen one after
	 * the other.  NULL: at that very time.
	 */
	void (*script_to_live)(const void *timeline, int64_t script_us,
			       int64_t *lo, int64_t *hi);
	const void *timeline;
};

/* The i-th call of the table (its name, and how many arguments it
 * takes), or NULL past the last: for listings such as tcpcheck(5)'s.
 */
const char *syscall_name_at(size_t i, int *min_args, int *max_args);

/* Static check of one line: the call is known (else "unknown system call
 * 'foo'" with a suggestion), the argument count fits, every symbol and
 * the errno name exist, and each argument has a form the call accepts.
 * Appends one located diagnostic per problem; returns 0 if there was
 * none, -1 otherwise.
 */
int syscall_validate(const struct syscall_spec *spec, struct diag_list *diags);

/* One prepared call: evaluated inputs, output buffers and, after
 * syscall_perform(), the raw result.
 */
struct syscall_run;

/* Evaluate spec's arguments.  Returns OUTCOME_OK with *out set (free it
 * with syscall_run_free()), OUTCOME_BAD_SCRIPT with err ("fd 5 is not open
 * in this script"), or OUTCOME_ENVIRONMENT if the backend lacks the call.
 * spec must outlive the run.
 */
int syscall_prepare(struct syscall_ctx *ctx, const struct syscall_spec *spec,
		    struct syscall_run **out, struct error *err);

/* Make the call through the backend chosen at prepare time.  Touches only
 * run, so it may run on any thread; it may block.
 */
void syscall_perform(struct syscall_run *run);

/* Check the performed call against spec (the one it was prepared from)
 * and update ctx->fds.  Returns OUTCOME_OK, OUTCOME_MISMATCH with a message
 * such as "connect(3, ..., ...) returned 0, expected -1 EINPROGRESS", or
 * OUTCOME_BAD_SCRIPT.
 */
int syscall_finish(struct syscall_ctx *ctx, const struct syscall_spec *spec,
		   struct syscall_run *run, struct error *err);

/* What a finished call did that the runner follows, valid once
 * syscall_finish() returned OUTCOME_OK: the runner reacts to these, never
 * to the call's name.
 */
struct syscall_effects {
	int new_fd;		/* the live descriptor it made (RESULT_NEW_FD),
				 * -1: none */
	bool new_socket;	/* new_fd is a socket: socket(), accept() */
	bool socket_created;	/* socket(): a new socket under test */
	bool bound_to_plan;	/* bind(fd, ..., ...): to the plan's address
				 * (the script's expected result came back) */
};

const struct syscall_effects *syscall_run_effects(const struct syscall_run *run);

/* NULL is allowed. */
void syscall_run_free(struct syscall_run *run);

/* The raw outcome of a performed call, for logs: the return value, and
 * the error number in *err (0 on success).
 */
long syscall_run_result(const struct syscall_run *run, int *err);

/* Whether the named call can wait for the network (accept, connect,
 * read, write, poll, ...).  A call that cannot may be run inline.
 * Unknown names return true, the safe answer.
 */
bool syscall_may_block(const struct syscall_spec *spec);

/* The call as written in the script, e.g. "read(4, ..., 1000)"; truncated
 * to fit size (which must be at least 1).
 */
void syscall_format_call(const struct syscall_spec *spec, char *buf,
			 size_t size);

#endif /* TCPCHECK_SYSCALLS_H */
