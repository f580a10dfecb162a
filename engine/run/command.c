/*
 * command.c - shell command lines (`+0 `sysctl -q ...``) and code blocks
 * (`%{ assert tcpi_rto == 1000000 }%`), which take a TCP_INFO and
 * SO_MEMINFO snapshot at their time and run when the script is over
 * (code.h).
 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "path/netns.h"
#include "run/line.h"
#include "run/run_internal.h"
#include "run/shell.h"
#include "run/tcp_info.h"
#include "run/unprivileged.h"

/* Run one shell command of the script; what says which kind ("" for a
 * timed one, "init " or "cleanup " for the untimed ones) in reports.
 */
int run_shell(struct runner *r, const char *command,
	      const struct src_loc *loc, const char *what)
{
	char key[256];
	int rc;

	trace(r, "line %d: `%s` (%scommand)", loc->line, command, what);
	/* Where the stack is: the agent's machine in wire mode. */
	if (r->sys.backend->ops->command)
		rc = r->sys.backend->ops->command(r->sys.backend, command,
						  r->err);
	else
		rc = shell_run(command, r->cfg->script_dir, r->err);
	switch (rc) {
	case SHELL_OK:
		return OUTCOME_OK;
	case SHELL_INTERRUPTED:
		return interrupted(r);
	case SHELL_FAILED:
		if (shell_missing_sysctl(command, key, sizeof(key)))
			return fail(r, loc, OUTCOME_ENVIRONMENT, "%scommand "
				    "`%s` %s: this kernel has no sysctl %s",
				    what, command, r->err->text, key);
		if (!r->sys.backend->ops->command &&
		    netns_in_user_namespace() &&
		    command_writes_host_setting(command, key, sizeof(key)))
			return fail(r, loc, OUTCOME_ENVIRONMENT, "%scommand `%s` "
				    "%s: it writes %s, a host-wide setting that "
				    "a run without root (in a user namespace) "
				    "cannot change; run this script as root",
				    what, command, r->err->text, key);
		return fail(r, loc, OUTCOME_MISMATCH, "%scommand `%s` %s",
			    what, command, r->err->text);
	default:
		return fail(r, loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	}
}

static int command_play(struct runner *r, const struct event *e,
			struct line_state *st, int64_t t, int64_t t_end,
			int64_t block_end)
{
	int outcome = wait_for_event(r, e, "command", t);

	(void)st, (void)t_end, (void)block_end;
	if (outcome != OUTCOME_OK)
		return outcome;
	return run_shell(r, e->u.command, &e->loc, "");
}

/* Snapshot TCP_INFO and SO_MEMINFO now; the block itself runs when the
 * script is over.
 */
static int code_play(struct runner *r, const struct event *e,
		     struct line_state *st, int64_t t, int64_t t_end,
		     int64_t block_end)
{
	struct code_snapshot snap;
	int outcome = wait_for_event(r, e, "code block", t);

	(void)st, (void)t_end, (void)block_end;
	if (outcome != OUTCOME_OK)
		return outcome;
	code_snapshot_take(&snap, r->sys.backend, r->code.fd);
	trace(r, "line %d: %%{ TCP_INFO snapshot of %zu bytes, SO_MEMINFO "
	      "of %zu }%%", e->loc.line, snap.info_len, snap.meminfo_len);
	if (code_log_add(r->code.log, e, &snap, r->err) < 0)
		return fail(r, &e->loc, OUTCOME_ENVIRONMENT, "%s", r->err->text);
	return OUTCOME_OK;
}

const struct line_ops command_ops = {
	.what = "command",
	.play = command_play,
};

const struct line_ops code_ops = {
	.what = "code block",
	.play = code_play,
};
