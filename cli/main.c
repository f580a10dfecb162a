/*
 * main.c - the tcpcheck command: options in, verdicts and exit status out.
 *
 * This is the only place that prints reports and decides the exit status:
 *   0   every script passed
 *   1   the stack deviated from a script
 *   2   a script is malformed, or the command line is wrong
 *   125 this machine cannot run the tests (no TUN, no privilege)
 *   130 interrupted (SIGINT/SIGTERM)
 * so that `git bisect run tcpcheck x.pkt` skips revisions it cannot test.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "abort.h"
#include "check.h"
#include "clock.h"
#include "diag.h"
#include "options.h"
#include "parse.h"
#include "session.h"

#define EXIT_INTERRUPTED 130

struct cli {
	struct option_value *options;	/* from the command line, in order */
	int option_count;
	char **scripts;
	int script_count;
	struct tool_settings tool;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcpcheck [options] script.pkt...\n"
		"Plays packetdrill-language scripts against the kernel's TCP "
		"stack, each in a\nprivate network namespace, and checks every "
		"packet and system call.\n\n"
		"options:\n");
	options_print_help(out);
	fprintf(out,
		"  -v                           same as --verbose\n"
		"  --help                       this text\n"
		"  --version                    print the version\n\n"
		"exit status: 0 pass, 1 fail, 2 bad script or usage, "
		"125 cannot run here\n");
}

/* Split "--name=value" (or "--name") into the option list. */
static int add_option(struct cli *cli, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct option_value *grown;
	struct option_value *o;

	grown = realloc(cli->options, (size_t)(cli->option_count + 1) *
			sizeof(*grown));
	if (!grown)
		return -1;
	cli->options = grown;
	o = &cli->options[cli->option_count++];
	o->name = eq ? strndup(arg, (size_t)(eq - arg)) : strdup(arg);
	o->value = eq ? strdup(eq + 1) : NULL;
	return o->name ? 0 : -1;
}

static void cli_free(struct cli *cli)
{
	for (int i = 0; i < cli->option_count; i++) {
		free(cli->options[i].name);
		free(cli->options[i].value);
	}
	free(cli->options);
	free(cli->scripts);
}

/* Returns -1 on a usage error (message printed), 1 when --help or
 * --version was handled, 0 to go on.
 */
static int parse_command_line(int argc, char **argv, struct cli *cli)
{
	struct run_config scratch;
	char msg[256];

	cli->scripts = calloc((size_t)argc, sizeof(char *));
	if (!cli->scripts)
		return -1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(arg, "--version")) {
			printf("tcpcheck %s\n", PACKAGE_VERSION);
			return 1;
		}
		if (!strcmp(arg, "-v")) {
			cli->tool.verbose = true;
			continue;
		}
		if (!strcmp(arg, "--")) {
			while (++i < argc)
				cli->scripts[cli->script_count++] = argv[i];
			break;
		}
		if (!strncmp(arg, "--", 2)) {
			if (add_option(cli, arg + 2) < 0) {
				fprintf(stderr, "tcpcheck: out of memory\n");
				return -1;
			}
			/* Check it now, so a typo fails before any run. */
			run_config_defaults(&scratch);
			struct option_value *o = &cli->options[cli->option_count - 1];
			if (option_apply(o->name, o->value, &scratch, &cli->tool, msg,
					 sizeof(msg)) < 0) {
				fprintf(stderr, "tcpcheck: %s\n", msg);
				return -1;
			}
			continue;
		}
		if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "tcpcheck: unknown option %s "
				"(see tcpcheck --help)\n", arg);
			return -1;
		}
		cli->scripts[cli->script_count++] = argv[i];
	}
	if (cli->script_count == 0) {
		fprintf(stderr, "tcpcheck: no script given "
			"(usage: tcpcheck [options] script.pkt...)\n");
		return -1;
	}
	return 0;
}

static char *read_file(const char *path, size_t *len, char *msg, size_t size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, used = 0;

	if (!f) {
		snprintf(msg, size, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (used + 4096 + 1 > cap) {
			size_t new_cap = cap ? cap * 2 : 65536;
			char *grown = realloc(buf, new_cap);

			if (!grown) {
				snprintf(msg, size, "%s: out of memory", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
			cap = new_cap;
		}
		size_t n = fread(buf + used, 1, cap - used - 1, f);

		used += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(msg, size, "cannot read %s: %s", path, strerror(errno));
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* Script header options first, then the command line's, which win. */
static int configure_run(const struct cli *cli, const struct script *script,
			 struct run_config *cfg, struct tool_settings *tool,
			 struct diag_list *diags)
{
	char msg[256];
	int rc = 0;

	run_config_defaults(cfg);
	*tool = cli->tool;
	for (int i = 0; i < script->option_count; i++) {
		const struct script_option *o = &script->options[i];

		if (option_apply(o->name, o->value, cfg, tool, msg,
				 sizeof(msg)) < 0) {
			diag_add(diags, o->loc, "%s", msg);
			rc = -1;
		}
	}
	for (int i = 0; i < cli->option_count; i++)
		option_apply(cli->options[i].name, cli->options[i].value, cfg,
			     tool, msg, sizeof(msg));
	return rc;
}

struct verdicts {
	int passed, failed, bad, unrunnable;
	bool interrupted;
};

static int run_one(const struct cli *cli, const char *path,
		   struct verdicts *v)
{
	struct script *script = NULL;
	struct tool_settings tool;
	struct diag_list diags;
	struct run_config cfg;
	struct error err;
	char msg[512];
	size_t len = 0;
	char *text, *dir_copy;
	int outcome = OUTCOME_BAD_SCRIPT;

	text = read_file(path, &len, msg, sizeof(msg));
	if (!text) {
		fprintf(stderr, "tcpcheck: %s\n", msg);
		return OUTCOME_BAD_SCRIPT;
	}
	diag_list_init(&diags, path);
	if (script_parse(path, text, len, &script, &diags) < 0 ||
	    script_check(script, &diags) < 0 ||
	    configure_run(cli, script, &cfg, &tool, &diags) < 0) {
		diag_print(&diags, text, len, stderr);
		goto out;
	}
	outcome = OUTCOME_OK;
	if (tool.dry_run)
		goto out;
	dir_copy = strdup(path);
	cfg.script_dir = dir_copy ? dirname(dir_copy) : ".";
	cfg.trace = tool.verbose ? stdout : NULL;
	bool interrupted = false;
	outcome = session_run(script, &cfg, &err, &interrupted);
	free(dir_copy);
	if (interrupted)
		v->interrupted = true;
	if (outcome != OUTCOME_OK)
		fprintf(stderr, "%s\n", err.text);
out:
	script_free(script);
	diag_list_free(&diags);
	free(text);
	return outcome;
}

static void count(struct verdicts *v, int outcome)
{
	switch (outcome) {
	case OUTCOME_OK:
		v->passed++;
		break;
	case OUTCOME_MISMATCH:
		v->failed++;
		break;
	case OUTCOME_BAD_SCRIPT:
		v->bad++;
		break;
	default:
		v->unrunnable++;
		break;
	}
}

static const char *outcome_word(int outcome)
{
	switch (outcome) {
	case OUTCOME_OK:
		return "PASS";
	case OUTCOME_MISMATCH:
		return "FAIL";
	case OUTCOME_BAD_SCRIPT:
		return "ERROR";
	default:
		return "SKIP";
	}
}

static int exit_status(const struct verdicts *v)
{
	if (v->interrupted)
		return EXIT_INTERRUPTED;
	if (v->bad)
		return OUTCOME_BAD_SCRIPT;
	if (v->failed)
		return OUTCOME_MISMATCH;
	if (v->unrunnable)
		return OUTCOME_ENVIRONMENT;
	return OUTCOME_OK;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct verdicts v = { 0 };
	struct error err;
	int rc = parse_command_line(argc, argv, &cli);

	if (rc != 0) {
		cli_free(&cli);
		return rc < 0 ? OUTCOME_BAD_SCRIPT : OUTCOME_OK;
	}
	if (abort_install(&err) < 0) {
		fprintf(stderr, "tcpcheck: %s\n", err.text);
		cli_free(&cli);
		return OUTCOME_ENVIRONMENT;
	}
	/* Scripts run in namespaces that only root may create; say so once
	 * instead of once per script.
	 */
	if (!cli.tool.dry_run && geteuid() != 0) {
		fprintf(stderr, "tcpcheck: needs root (or CAP_NET_ADMIN and "
			"CAP_SYS_ADMIN) to create network namespaces\n");
		cli_free(&cli);
		return OUTCOME_ENVIRONMENT;
	}
	for (int i = 0; i < cli.script_count && !v.interrupted; i++) {
		int64_t t0 = clock_now_ns();
		int outcome = run_one(&cli, cli.scripts[i], &v);

		count(&v, outcome);
		if (cli.script_count > 1)
			printf("%-5s %s (%.2f s)\n", outcome_word(outcome),
			       cli.scripts[i],
			       (double)(clock_now_ns() - t0) / 1e9);
		fflush(stdout);
	}
	if (cli.script_count > 1)
		printf("%d passed, %d failed, %d skipped\n", v.passed,
		       v.failed + v.bad, v.unrunnable);
	cli_free(&cli);
	return exit_status(&v);
}
