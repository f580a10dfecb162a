/*
 * worker.h - the thread that performs system calls.
 *
 * Every system call of a script runs here, so the main thread keeps
 * injecting and capturing packets while a call blocks (accept(), a
 * blocking read(), connect()).  One call at a time, as in a single-threaded
 * application.  Completion is signalled through an eventfd the main thread
 * polls along with the packet path.
 */
#ifndef TCPCHECK_WORKER_H
#define TCPCHECK_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "sys/syscalls.h"

struct worker;

int worker_start(struct worker **out, struct error *err);

/* The inline worker, for a clock whose calls run on the runner's own
 * thread (run_clock.h: inline_calls): worker_submit() performs the call
 * at once; a call the backend left pending (SYSCALL_BACKEND_PENDING) is
 * performed again by each worker_collect() until it returns, and its
 * return time is clock's now then.  No thread, no event descriptor.
 */
struct run_clock;
int worker_start_inline(struct worker **out, struct run_clock *clock,
			struct error *err);

/* Start performing run; the worker must be idle.  *start_ns is set to the
 * moment the call was handed over.
 */
int worker_submit(struct worker *w, struct syscall_run *run, struct error *err);

/* Readable when a submitted call has completed; -1 for the inline
 * worker (poll() ignores it).
 */
int worker_event_fd(const struct worker *w);

bool worker_busy(const struct worker *w);

/* If the submitted call has completed, mark the worker idle, set *end_ns
 * to when the call returned, and return true.
 */
bool worker_collect(struct worker *w, int64_t *end_ns);

/* Cancel a call still blocked (it is a cancellation point), join the
 * thread and free everything.  NULL is allowed.
 */
void worker_stop(struct worker *w);

#endif /* TCPCHECK_WORKER_H */
