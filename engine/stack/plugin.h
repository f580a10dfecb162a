/*
 * plugin.h - a userspace TCP stack loaded from a shared object
 * (include/tcpcheck/stack.h), with the host side of its interface: the
 * clock it reads, the timer instant it asks for, and the queue of
 * datagrams it sends.
 *
 * The clock is virtual: the run's clock (stack_plugin_set_clock), or
 * else one of the plugin's own that only stack_plugin_advance() moves.
 * Either way a run takes no longer than the work it does and repeats
 * exactly.  Times here are on the engine's base; the stack sees them
 * less the instant it was started, so its time starts at 0.
 */
#ifndef TCPCHECK_STACK_PLUGIN_H
#define TCPCHECK_STACK_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/plan.h"
#include "tcpcheck/stack.h"

struct stack_plugin;

/* Where NAME is looked for: dir/stacks/NAME/NAME.so next to the tcpcheck
 * binary (a build tree), then PKGLIBDIR/stacks/NAME.so.  A spec with a
 * '/' or ending in ".so" is a path.  Writes the file into path.
 */
void stack_plugin_locate(const char *spec, char *path, size_t size);

/* Load the stack: OUTCOME_OK with *out set, or OUTCOME_ENVIRONMENT with a
 * one-line reason (no such file, no entry symbol, another ABI version or
 * structure size, no create/input/run_timers).
 */
int stack_plugin_load(const char *spec, struct stack_plugin **out,
		      struct error *err);

/* The stack's table and name ("lwip"). */
const struct tcpcheck_stack *stack_plugin_ops(const struct stack_plugin *p);

/* Create the stack's instance for plan at virtual time 0.  OUTCOME_OK or
 * OUTCOME_ENVIRONMENT with the stack's reason.
 */
int stack_plugin_start(struct stack_plugin *p, const struct net_plan *plan,
		       uint32_t seed, const char *flags, struct error *err);

/* The instance, for the socket calls (NULL before start). */
void *stack_plugin_instance(const struct stack_plugin *p);

/* Read time from now(ctx) from now on; call before start. */
void stack_plugin_set_clock(struct stack_plugin *p,
			    int64_t (*now)(void *ctx), void *ctx);
int64_t stack_plugin_now(const struct stack_plugin *p);
/* The stack's next timer instant (its next_timer()), -1: none. */
int64_t stack_plugin_next_timer(const struct stack_plugin *p);
/* Run the stack's timers as they fall due up to when_ns, moving the
 * plugin's own clock there (never back); with the run's clock, up to its
 * now (when_ns is then ignored: the run's clock moves time).
 */
void stack_plugin_advance(struct stack_plugin *p, int64_t when_ns);

void stack_plugin_input(struct stack_plugin *p, const uint8_t *pkt,
			size_t len);
/* Take the oldest datagram the stack sent: true with *len and *at_ns (the
 * virtual time it was sent), false if none waits.
 */
bool stack_plugin_pop(struct stack_plugin *p, uint8_t *buf, size_t cap,
		      size_t *len, int64_t *at_ns);
bool stack_plugin_has_output(const struct stack_plugin *p);
/* Polls readable exactly while a datagram waits in the queue (whichever
 * call into the stack sent it).
 */
int stack_plugin_event_fd(const struct stack_plugin *p);

/* Record every datagram both ways from now on, stamped with the stack's
 * time (0 at its start), and write them as a pcap file (nanosecond
 * timestamps, raw IP): 0, or -1 with err.
 */
void stack_plugin_record(struct stack_plugin *p);
int stack_plugin_write_capture(const struct stack_plugin *p,
			       const char *path, struct error *err);

/* Destroy the instance and unload; NULL is allowed. */
void stack_plugin_close(struct stack_plugin *p);

#endif /* TCPCHECK_STACK_PLUGIN_H */
