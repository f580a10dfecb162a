/*
 * stack_session.c - the runner's side of a stack plugin run.
 *
 * The stack is loaded in the runner process (so a stack that crashes
 * takes only its own script down, and the parent reports the signal and
 * the line), checked against the script (options it cannot send, shell
 * commands that would run on the host), started on a virtual clock of
 * the run's own, and played through its packet path and backend.  Its
 * capture, when one is asked for, carries the stack's virtual times, so
 * two runs of a script write the same bytes.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "run/run_clock.h"
#include "session/session.h"
#include "session/stack_session.h"
#include "stack/pd_plugin.h"
#include "stack/plugin.h"
#include "stack/stack_path.h"
#include "stack/stack_script.h"

/* Virtual time 0 of a stack run: any instant after the clock's own 0. */
#define STACK_CLOCK_START_NS 1000000000LL
/* Everything a stack randomises repeats from run to run. */
#define STACK_SEED 1u

bool stack_session_wanted(const struct session_options *opts)
{
	return opts->stack && strcmp(opts->stack, "kernel") != 0;
}

static int64_t clock_now(void *ctx)
{
	return run_clock_now(ctx);
}

static void keep_capture(const struct stack_plugin *p,
			 const struct session_options *opts, int outcome,
			 struct error *err)
{
	struct error cap_err;

	if (!opts->capture_path ||
	    (outcome == OUTCOME_OK && !opts->keep_capture))
		return;
	if (stack_plugin_write_capture(p, opts->capture_path, &cap_err) < 0 &&
	    outcome != OUTCOME_OK)
		error_append(err, "\n  (no capture: %s)", cap_err.text);
}

static int play(const struct script *script, struct run_config *cfg,
		struct stack_plugin *p, const struct session_options *opts,
		struct error *err)
{
	struct packet_path *path = NULL;
	struct syscall_backend *backend;
	int outcome;

	outcome = stack_plugin_start(p, &cfg->plan, STACK_SEED,
				     opts->stack_flags, err);
	if (outcome == OUTCOME_OK)
		outcome = stack_path_open(p, &path, err);
	if (outcome != OUTCOME_OK)
		return outcome;
	backend = stack_backend_new(p);
	if (!backend) {
		path->ops->close(path);
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	outcome = run_script(script, cfg, path, backend, err);
	syscall_backend_free(backend);
	path->ops->close(path);
	return outcome;
}

/* A stack written for packetdrill's interface: real time, as there. */
static int pd_run(const struct script *script, const struct run_config *cfg,
		  const char *path, const struct session_options *opts,
		  struct error *err)
{
	static const struct tcpcheck_stack any = {
		.name = "packetdrill-so",
		.features = ~0u,
		.wscale = STACK_SCRIPT_ANY_WSCALE,
	};
	struct pd_plugin *p;
	int outcome;

	outcome = stack_script_runnable(script, &any, err);
	if (outcome == OUTCOME_OK)
		outcome = pd_plugin_open(path, opts->stack_flags, &p, err);
	if (outcome != OUTCOME_OK)
		return outcome;
	signal(SIGPIPE, SIG_IGN);
	outcome = run_script(script, cfg, pd_plugin_path(p),
			     pd_plugin_backend(p), err);
	pd_plugin_close(p);
	return outcome;
}

int stack_session_run(const struct script *script,
		      const struct run_config *cfg,
		      const struct session_options *opts, struct error *err)
{
	struct run_config vcfg = *cfg;
	struct stack_plugin *p = NULL;
	char path[4096];
	int outcome;

	stack_plugin_locate(opts->stack, path, sizeof(path));
	if (pd_plugin_probe(path))
		return pd_run(script, cfg, path, opts, err);
	outcome = stack_plugin_load(opts->stack, &p, err);
	if (outcome != OUTCOME_OK)
		return outcome;
	outcome = stack_script_runnable(script, stack_plugin_ops(p), err);
	if (outcome != OUTCOME_OK) {
		stack_plugin_close(p);
		return outcome;
	}
	/* A userspace stack hands out its segments as they are: no
	 * offload makes super-packets that a match may cut up.
	 */
	vcfg.strict_segments = true;
	vcfg.clock = run_clock_virtual_new(STACK_CLOCK_START_NS);
	if (!vcfg.clock) {
		stack_plugin_close(p);
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	stack_plugin_set_clock(p, clock_now, vcfg.clock);
	if (opts->capture_path)
		stack_plugin_record(p);
	signal(SIGPIPE, SIG_IGN);
	outcome = play(script, &vcfg, p, opts, err);
	keep_capture(p, opts, outcome, err);
	stack_plugin_close(p);
	run_clock_free(vcfg.clock);
	return outcome;
}
