/*
 * main.c - the tcpcheck command: options in, verdicts and exit status out.
 *
 * This is the only place that decides the exit status:
 *   0   every script passed (a flaky pass after --retries counts)
 *   1   the stack deviated from a script (or a script timed out)
 *   2   a script is malformed, or the command line is wrong
 *   125 nothing could run here (no TUN, no privilege), or the machine
 *       kept tcpcheck from playing a script on time (--late-retries)
 *   130 interrupted (SIGINT/SIGTERM)
 * so that `git bisect run tcpcheck x.pkt` skips revisions it cannot test.
 * The scripts run in suite.c; the report writers (report_*.c) print.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/abort.h"
#include "color.h"
#include "draft_cmd.h"
#include "run/defines.h"
#include "jobs.h"
#include "options.h"
#include "path/netns.h"
#include "path/pcap_dl.h"
#include "report.h"
#include "report_html.h"
#include "run_events.h"
#include "suite.h"
#include "path/tun.h"
#include "path/wire_guard.h"
#include "sys/syscall_agent.h"
#include "run/run_clock.h"
#include "guest.h"
#include "vm_suite.h"
#include "kernel_matrix.h"
#include "vm/host.h"

#define EXIT_INTERRUPTED 130
#define DEFAULT_TIMEOUT 180
/* A machine that let tcpcheck miss its own schedule three times in a row
 * is not one to judge a stack on.
 */
#define DEFAULT_LATE_RETRIES 2

enum format { FORMAT_TEXT, FORMAT_TAP, FORMAT_KTAP };

struct cli {
	struct option_value *options;	/* from the command line, in order */
	int option_count;
	struct define *defines;		/* -D NAME=VALUE, in order */
	int define_count;
	char **scripts;			/* the paths: scripts, directories */
	int script_count;
	struct tool_settings tool;
	const char *families[3];	/* --ip_version's list */
	int family_count;
	char *stack_list;		/* --stack's value, cut at commas */
	const char *stacks[8];		/* --stack's list */
	int stack_count;
	const char *stack_flags;	/* --stack-flags */
	struct suite_options suite;
	bool jobs_given;
	enum format format;
	const char *junit_path;
	const char *json_path;
	enum color_mode color;
	bool dump;			/* --dump: print the parsed scripts */
	int shard, shard_count;		/* --shard=I/N; 0/0: every run */
	bool ladder;			/* --ladder: each run as a diagram */
	const char *html_dir;		/* --html=DIR, or NULL */
	bool html_all;			/* --html-all: a page for every run */
	char *events_dir;		/* the runs' traces, while they last */
	const char *kernel;		/* --kernel: play in a guest */
	const char *modules;		/* --modules */
	enum vm_clock vm_clock;		/* --vm-clock */
	struct reporter *guest;		/* --guest: the channel, the only writer */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcpcheck [options] PATH...\n"
		"Plays packetdrill-language scripts against the kernel's TCP "
		"stack, each in a\nprivate network namespace, and checks every "
		"packet and system call.  A PATH\nthat is a directory is "
		"searched for *.pkt scripts.\n\n"
		"options (also as header lines of a script):\n");
	options_print_help(out);
	fprintf(out,
		"  -D NAME=VALUE                give NAME this value in the scripts\n"
		"                               (`command` takes a command's output)\n"
		"  -v                           same as --verbose\n\n"
		"running many scripts:\n"
		"  --stack=LIST                 play each script against each stack "
		"of LIST:\n"
		"                               kernel (the default), a plugin's "
		"name (lwip)\n"
		"                               or path (./my.so); see "
		"docs/stack-plugin.md\n"
		"  --stack-flags=TEXT           handed to every stack plugin as it "
		"starts\n"
		"  --so_filename=PATH, --so_flags=TEXT\n"
		"                               packetdrill's: a stack written for "
		"its .so\n"
		"                               interface, played in real time\n"
		"  --ip_version=LIST            run each script in each family of "
		"LIST\n"
		"                               (ipv4,ipv4-mapped-ipv6,ipv6); a "
		"script whose\n"
		"                               header sets one runs in that one\n"
		"  -j N, --jobs=N               run N scripts at once (default: "
		"the CPUs)\n"
		"  --shard=I/N                  run the I-th of N shares of the "
		"runs (script and\n"
		"                               family), for a suite spread over N "
		"machines\n"
		"  --timeout=S                  stop a script after S seconds "
		"(default 180, 0: never)\n"
		"  --retries=N                  rerun a script that failed on "
		"timing, N times at most;\n"
		"                               a pass after a rerun is reported "
		"as flaky\n"
		"  --late-retries=N             rerun a script in which tcpcheck "
		"itself was late\n"
		"                               (default 2); after the last, it "
		"is skipped\n"
		"  --format=text|tap|ktap       what goes to the output "
		"(default text)\n"
		"  --junit=FILE                 also write JUnit XML to FILE\n"
		"  --json=FILE                  also write JSON to FILE\n"
		"  --pcap-dir=DIR               record each script's packets; keep "
		"the pcap file\n"
		"                               of each failed script in DIR\n"
		"  --pcap-all                   keep those of passing scripts too\n"
		"  --ladder                     draw each run as a text sequence "
		"diagram\n"
		"  --html=DIR                   write an HTML report to DIR: an "
		"index, and a page\n"
		"                               with a sequence diagram for each "
		"failed run\n"
		"  --html-all                   a page for every run\n"
		"  --xfail[=timing]             failures (or only timing "
		"failures) are expected:\n"
		"                               XFAIL, not FAIL, and exit status 0\n"
		"  --color=auto|always|never    colour the verdicts and labels "
		"(auto: on a\n"
		"                               terminal, unless TERM=dumb or "
		"NO_COLOR is set)\n"
		"  --dump                       print each script in canonical "
		"form, run nothing\n"
		"  --kernel=PATH                boot PATH (a bzImage, or a Debian "
		"linux-image .deb)\n"
		"                               under qemu and play the scripts "
		"there\n"
		"  --modules=DIR                the modules of --kernel's bzImage "
		"(lib/modules/VERSION)\n"
		"  --vm-clock=icount|real       the guest's clock: virtual time "
		"(default without KVM)\n"
		"                               or real time (KVM where usable)\n"
		"  --help                       this text\n"
		"  --version                    print the version\n\n"
		"drafting a script from a capture:\n"
		"  --draft=CAPTURE              write a script that replays a "
		"TCP connection of\n"
		"                               CAPTURE (pcap or pcapng); "
		"with:\n"
		"  --stack-side=IP[:PORT]       the endpoint that is the stack "
		"under test\n"
		"  --connection=N               the Nth connection of the "
		"capture (default 1)\n\n"
		"exit status: 0 pass, 1 fail, 2 bad script or usage, "
		"125 cannot run here,\n130 interrupted\n");
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

/* `-D NAME=VALUE`; a value in backquotes is a shell command whose
 * output (without the final newline) is the value, as in packetdrill.
 */
static int add_define(struct cli *cli, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct define *grown;
	struct define *d;
	size_t n;

	if (!eq || eq == arg) {
		fprintf(stderr, "tcpcheck: -D needs NAME=VALUE, not '%s'\n", arg);
		return -1;
	}
	grown = realloc(cli->defines, (size_t)(cli->define_count + 1) *
			sizeof(*grown));
	if (!grown)
		return -1;
	cli->defines = grown;
	d = &cli->defines[cli->define_count++];
	d->name = strndup(arg, (size_t)(eq - arg));
	d->value = NULL;
	n = strlen(eq + 1);
	if (n >= 2 && eq[1] == '`' && eq[n] == '`') {
		char *command = strndup(eq + 2, n - 2);
		FILE *p = command ? popen(command, "r") : NULL;
		char buf[4096];
		size_t got = p ? fread(buf, 1, sizeof(buf) - 1, p) : 0;

		buf[got] = '\0';
		while (got && buf[got - 1] == '\n')
			buf[--got] = '\0';
		if (!p || pclose(p) != 0) {
			fprintf(stderr, "tcpcheck: -D %s: command `%s` failed\n",
				d->name, command ? command : "?");
			free(command);
			return -1;
		}
		free(command);
		d->value = strdup(buf);
	} else {
		d->value = strdup(eq + 1);
	}
	return d->name && d->value ? 0 : -1;
}

static void cli_free(struct cli *cli)
{
	for (int i = 0; i < cli->define_count; i++) {
		free(cli->defines[i].name);
		free(cli->defines[i].value);
	}
	free(cli->defines);
	run_clock_free(cli->tool.clock);
	for (int i = 0; i < cli->option_count; i++) {
		free(cli->options[i].name);
		free(cli->options[i].value);
	}
	free(cli->options);
	free(cli->scripts);
	free(cli->stack_list);
}

static int parse_count(const char *name, const char *value, int min, int *out)
{
	char *end = NULL;
	long n;

	errno = 0;
	n = value ? strtol(value, &end, 10) : 0;
	if (!value || errno || end == value || *end || n < min || n > 1000000) {
		fprintf(stderr, "tcpcheck: %s needs a whole number of at least "
			"%d, not '%s'\n", name, min, value ? value : "");
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* --shard=I/N: this machine's share of the suite, 1 <= I <= N. */
static int set_shard(struct cli *cli, const char *value)
{
	char *end = NULL;
	long i, n = 0;

	errno = 0;
	i = value ? strtol(value, &end, 10) : 0;
	if (end && *end == '/' && end[1] >= '0' && end[1] <= '9')
		n = strtol(end + 1, &end, 10);
	if (!value || errno || *end || n < 1 || n > 1000000 || i < 1 || i > n) {
		fprintf(stderr, "tcpcheck: --shard takes I/N, 1 <= I <= N (the "
			"I-th of N shares of the runs), not '%s'\n",
			value ? value : "");
		return -1;
	}
	cli->shard = (int)i;
	cli->shard_count = (int)n;
	return 0;
}

/* "ipv4,ipv6": each known, each once. */
static int set_families(struct cli *cli, const char *list)
{
	char *copy = strdup(list ? list : "");
	char *save = NULL;
	int rc = 0;

	cli->family_count = 0;
	for (char *w = strtok_r(copy, ",", &save); w && rc == 0;
	     w = strtok_r(NULL, ",", &save)) {
		const char *name = family_name(w);
		bool seen = false;

		for (int i = 0; i < cli->family_count; i++)
			seen = seen || cli->families[i] == name;
		if (!name) {
			fprintf(stderr, "tcpcheck: --ip_version takes ipv4, "
				"ipv4-mapped-ipv6 or ipv6 (or a list of them), "
				"not '%s'\n", w);
			rc = -1;
		} else if (!seen) {
			cli->families[cli->family_count++] = name;
		}
	}
	if (rc == 0 && cli->family_count == 0) {
		fprintf(stderr, "tcpcheck: --ip_version needs a family\n");
		rc = -1;
	}
	free(copy);
	return rc;
}

/* "kernel,lwip,./my.so": each once, at most 8. */
static int set_stacks(struct cli *cli, const char *list)
{
	char *save = NULL;

	free(cli->stack_list);
	cli->stack_list = strdup(list ? list : "");
	cli->stack_count = 0;
	if (!cli->stack_list)
		return -1;
	for (char *w = strtok_r(cli->stack_list, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		bool seen = false;

		for (int i = 0; i < cli->stack_count; i++)
			seen = seen || !strcmp(cli->stacks[i], w);
		if (seen)
			continue;
		if (cli->stack_count == 8) {
			fprintf(stderr, "tcpcheck: --stack lists at most 8 "
				"stacks\n");
			return -1;
		}
		cli->stacks[cli->stack_count++] = w;
	}
	if (cli->stack_count == 0) {
		fprintf(stderr, "tcpcheck: --stack needs a stack (kernel, a "
			"name such as lwip, or a path to a .so)\n");
		return -1;
	}
	return 0;
}

/* The options whose value is a path: 1, or -1 on a usage error. */
static int set_path_option(struct cli *cli, const char *arg, size_t len,
			   const char *value)
{
#define IS(name) (len == strlen(name) && !strncmp(arg, name, len))
	if (!value || !*value) {
		fprintf(stderr, "tcpcheck: %.*s needs a value (%.*s=...)\n",
			(int)len, arg, (int)len, arg);
		return -1;
	}
	if (IS("--junit"))
		cli->junit_path = value;
	else if (IS("--json"))
		cli->json_path = value;
	else if (IS("--html"))
		cli->html_dir = value;
	else if (IS("--kernel"))
		cli->kernel = value;
	else if (IS("--modules"))
		cli->modules = value;
	else
		cli->suite.pcap_dir = value;
	return 1;
#undef IS
}

/* --vm-clock=icount|real: 1, or -1 on a usage error. */
static int set_vm_clock(struct cli *cli, const char *value)
{
	if (value && !strcmp(value, "icount"))
		cli->vm_clock = VM_CLOCK_ICOUNT;
	else if (value && !strcmp(value, "real"))
		cli->vm_clock = VM_CLOCK_REAL;
	else {
		fprintf(stderr, "tcpcheck: --vm-clock takes icount or real\n");
		return -1;
	}
	return 1;
}

/* The options that are about the suite, not about a script: 1 when arg
 * was one, 0 when it is not, -1 on a usage error (message printed).
 */
static int suite_option(struct cli *cli, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const char *value = eq ? eq + 1 : NULL;

#define IS(name) (len == strlen(name) && !strncmp(arg, name, len))
	if (IS("--ip_version"))
		return set_families(cli, value) < 0 ? -1 : 1;
	if (IS("--stack"))
		return set_stacks(cli, value) < 0 ? -1 : 1;
	/* packetdrill's names for a stack of its shared-object interface. */
	if (IS("--so_filename"))
		return set_stacks(cli, value) < 0 ? -1 : 1;
	if (IS("--stack-flags") || IS("--so_flags")) {
		cli->stack_flags = value ? value : "";
		return 1;
	}
	if (IS("--jobs")) {
		cli->jobs_given = true;
		return parse_count("--jobs", value, 1, &cli->suite.jobs) < 0 ?
			-1 : 1;
	}
	if (IS("--shard"))
		return set_shard(cli, value) < 0 ? -1 : 1;
	if (IS("--timeout"))
		return parse_count("--timeout", value, 0, &cli->suite.timeout) < 0 ?
			-1 : 1;
	if (IS("--retries"))
		return parse_count("--retries", value, 0, &cli->suite.retries) < 0 ?
			-1 : 1;
	if (IS("--late-retries"))
		return parse_count("--late-retries", value, 0,
				   &cli->suite.late_retries) < 0 ? -1 : 1;
	if (IS("--format")) {
		if (value && !strcmp(value, "text"))
			cli->format = FORMAT_TEXT;
		else if (value && !strcmp(value, "tap"))
			cli->format = FORMAT_TAP;
		else if (value && !strcmp(value, "ktap"))
			cli->format = FORMAT_KTAP;
		else {
			fprintf(stderr, "tcpcheck: --format takes text, tap or "
				"ktap\n");
			return -1;
		}
		return 1;
	}
	if (IS("--html-all") && !value) {
		cli->html_all = true;
		return 1;
	}
	if (IS("--junit") || IS("--json") || IS("--pcap-dir") ||
	    IS("--html") || IS("--kernel") || IS("--modules"))
		return set_path_option(cli, arg, len, value);
	if (IS("--color")) {
		if (color_mode_parse(value, &cli->color) < 0) {
			fprintf(stderr, "tcpcheck: --color takes auto, always "
				"or never\n");
			return -1;
		}
		return 1;
	}
	if (IS("--vm-clock"))
		return set_vm_clock(cli, value);
	if (IS("--dump") && !value) {
		cli->dump = true;
		return 1;
	}
	if (IS("--ladder") && !value) {
		cli->ladder = true;
		return 1;
	}
	if (IS("--pcap-all") && !value) {
		cli->suite.pcap_all = true;
		return 1;
	}
	if (IS("--xfail")) {
		if (!value || !strcmp(value, "all")) {
			cli->suite.xfail = XFAIL_ALL;
		} else if (!strcmp(value, "timing")) {
			cli->suite.xfail = XFAIL_TIMING;
		} else {
			fprintf(stderr, "tcpcheck: --xfail takes no value or "
				"timing\n");
			return -1;
		}
		return 1;
	}
#undef IS
	return 0;
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
		int rc;

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
		if (!strncmp(arg, "-j", 2)) {
			const char *n = arg[2] ? arg + 2 : argv[++i];

			cli->jobs_given = true;
			if (parse_count("-j", n, 1, &cli->suite.jobs) < 0)
				return -1;
			continue;
		}
		if (!strcmp(arg, "-D") || !strncmp(arg, "--define=", 9) ||
		    (!strncmp(arg, "-D", 2) && arg[2])) {
			const char *def = !strcmp(arg, "-D") ? argv[++i] :
				arg[1] == 'D' ? arg + 2 : arg + 9;

			if (!def) {
				fprintf(stderr, "tcpcheck: -D needs NAME=VALUE\n");
				return -1;
			}
			if (add_define(cli, def) < 0)
				return -1;
			continue;
		}
		if (!strcmp(arg, "--")) {
			while (++i < argc)
				cli->scripts[cli->script_count++] = argv[i];
			break;
		}
		rc = suite_option(cli, arg);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
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
			"(usage: tcpcheck [options] PATH...)\n");
		return -1;
	}
	return 0;
}

/* Why no script can run on this machine, or NULL: checked once here
 * rather than failing every script with the same message.
 */
static const char *preflight(const struct job_list *jobs,
			     struct suite_options *opts, struct error *err)
{
	bool run = false, tun = false, pcap = opts->pcap_dir != NULL;
	const struct net_plan *wire = NULL;

	/* A stack plugin's run needs neither root nor a device. */
	for (int i = 0; i < jobs->count; i++) {
		const struct net_plan *plan = &jobs->jobs[i].cfg.plan;
		const char *stack = jobs->jobs[i].stack;

		if (jobs->jobs[i].kind != JOB_RUN ||
		    (stack && strcmp(stack, "kernel") != 0))
			continue;
		run = true;
		if (plan->path_kind == PATH_KIND_TUN)
			tun = true;
		else
			pcap = true;
		if (plan->path_kind == PATH_KIND_WIRE)
			wire = plan;
	}
	if (!run)
		return NULL;
	/* Without root, each run makes a user namespace of its own; wire
	 * mode works on the host's interface and needs root. */
	if (geteuid() != 0 && wire)
		return "wire mode needs root (or CAP_NET_ADMIN and "
			"CAP_NET_RAW) to inject and capture on the interface";
	if (geteuid() != 0 && !wire && netns_userns_probe(err) < 0)
		return err->text;
	if (tun && tun_probe(err) < 0)
		return err->text;
	/* Once here rather than in every runner that captures. */
	if (pcap && pcap_dl_load(err) < 0)
		return err->text;
	/* One stack, one wire: its scripts take turns. */
	if (wire) {
		opts->jobs = 1;
		if (!if_nametoindex(wire->device)) {
			error_set(err, "--wire-dev: no interface %s here",
				  wire->device);
			return err->text;
		}
		if (syscall_agent_probe(wire, err) < 0)
			return err->text;
	}
	return NULL;
}

/* Wire mode needs its agent, and the agent is for wire mode only. */
static int check_wire_options(const struct job_list *jobs)
{
	for (int i = 0; i < jobs->count; i++) {
		const struct net_plan *plan = &jobs->jobs[i].cfg.plan;
		bool wire = plan->path_kind == PATH_KIND_WIRE;
		const char *problem = NULL;

		if (jobs->jobs[i].kind != JOB_RUN)
			continue;
		if (wire && (!plan->wire.agent[0] || !plan->wire.secret_file[0]))
			problem = "--wire-dev needs --agent=HOST:PORT and "
				"--agent-secret-file=FILE";
		else if (!wire && (plan->wire.agent[0] ||
				   plan->wire.peer_mac_given))
			problem = "--agent and --wire-peer-mac go with "
				"--wire-dev=IFACE";
		if (problem) {
			fprintf(stderr, "tcpcheck: %s\n", problem);
			return -1;
		}
	}
	return 0;
}

static FILE *open_output(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "tcpcheck: cannot write %s: %s\n", path,
			strerror(errno));
	return f;
}

static int exit_status(const struct suite_summary *sum)
{
	if (sum->interrupted)
		return EXIT_INTERRUPTED;
	if (sum->errors)
		return OUTCOME_BAD_SCRIPT;
	if (sum->failed)
		return OUTCOME_MISMATCH;
	if (sum->skip_all ||
	    (sum->skipped && !sum->passed && !sum->flaky && !sum->xfail))
		return OUTCOME_ENVIRONMENT;
	return OUTCOME_OK;
}

/* Wire mode keeps this host's stack out of the test for the whole run
 * (wire_guard.h); the guard goes however the suite ends, also on SIGINT
 * and SIGTERM, which end the suite through its normal path.
 */
static int run_guarded(const struct job_list *jobs,
		       const struct suite_options *opts,
		       struct reporter **reps, int n, struct suite_summary *sum)
{
	struct wire_guard *guard = NULL;
	struct error err;
	int rc;

	for (int i = 0; i < jobs->count && !guard; i++) {
		const struct net_plan *plan = &jobs->jobs[i].cfg.plan;

		if (jobs->jobs[i].kind != JOB_RUN ||
		    plan->path_kind != PATH_KIND_WIRE)
			continue;
		if (wire_guard_add(plan, &guard, &err) != OUTCOME_OK) {
			fprintf(stderr, "tcpcheck: %s\n", err.text);
			sum->skip_all = "wire mode cannot guard this host";
			sum->started = time(NULL);
			reports_begin(reps, n, 0);
			return reports_end(reps, n, sum);
		}
	}
	rc = suite_run(jobs, opts, reps, n, sum);
	wire_guard_remove(guard);
	return rc;
}

static bool plugin_job(const struct job *job)
{
	return job->kind == JOB_RUN && job->stack &&
		strcmp(job->stack, "kernel") != 0;
}

/* The machine cannot run the kernel's jobs (why): with stack plugins in
 * the suite too, skip only those, with the reason, and run the rest.
 * Returns why when nothing is left to run.
 */
static const char *skip_kernel_jobs(struct job_list *jobs, const char *why)
{
	bool plugins = false;

	for (int i = 0; i < jobs->count; i++)
		plugins = plugins || plugin_job(&jobs->jobs[i]);
	if (!why || !plugins)
		return why;
	for (int i = 0; i < jobs->count; i++) {
		struct job *job = &jobs->jobs[i];

		if (job->kind != JOB_RUN || plugin_job(job))
			continue;
		job->kind = JOB_SKIP;
		free(job->message);
		job->message = strdup(why);
	}
	return NULL;
}

/* This machine's kernel: --kernel=host in a list of kernels. */
static int run_on_host(const struct job_list *jobs,
		       const struct suite_options *opts,
		       struct reporter **reps, int n, struct suite_summary *sum)
{
	static struct error err;	/* skip_all points into it */
	struct suite_options host = *opts;	/* preflight may adjust it */

	sum->skip_all = preflight(jobs, &host, &err);
	if (!sum->skip_all)
		return suite_run(jobs, &host, reps, n, sum);
	fprintf(stderr, "tcpcheck: %s\n", sum->skip_all);
	reports_begin(reps, n, 0);
	return reports_end(reps, n, sum);
}

static int run_on_kernel(struct cli *cli, const struct job_list *jobs,
			 struct reporter **reps, int n,
			 struct suite_summary *sum)
{
	struct vm_settings vs = {
		.kernel = cli->kernel,
		.modules = cli->modules,
		.clock = cli->vm_clock,
	};
	int rc;

	struct job_settings settings = {
		.options = cli->options, .option_count = cli->option_count,
		.defines = cli->defines, .define_count = cli->define_count,
		.families = cli->families, .family_count = cli->family_count,
		.tool = cli->tool,
	};
	struct guest_command gc = { .settings = &settings, .suite = &cli->suite,
				    .clock = cli->vm_clock };

	vs.guest_args = vm_guest_command_line(&gc, &vs.guest_argc);
	if (!vs.guest_args)
		return -1;
	rc = kernel_matrix_wanted(cli->kernel) ?
		kernel_matrix_run(&vs, jobs, &cli->suite, reps, n, sum,
				  run_on_host) :
		vm_suite_run(&vs, jobs, &cli->suite, reps, n, sum);
	for (int i = 0; i < vs.guest_argc; i++)
		free(vs.guest_args[i]);
	free(vs.guest_args);
	return rc;
}

/* --guest: the channel is the only writer; the host prints. */
static int run_in_guest(struct cli *cli, const struct job_list *jobs)
{
	struct reporter *reps[1] = { cli->guest };
	struct suite_summary sum = { 0 };
	struct error err;
	int rc;

	sum.skip_all = preflight(jobs, &cli->suite, &err);
	if (sum.skip_all) {
		fprintf(stderr, "tcpcheck: %s\n", sum.skip_all);
		sum.started = time(NULL);
		reports_begin(reps, 1, 0);
		rc = reports_end(reps, 1, &sum);
	} else {
		rc = suite_run(jobs, &cli->suite, reps, 1, &sum);
	}
	reports_free(reps, 1);
	cli->guest = NULL;
	return rc < 0 ? OUTCOME_ENVIRONMENT : exit_status(&sum);
}

static int run(struct cli *cli, struct job_list *jobs, FILE *junit,
	       FILE *json)
{
	struct reporter *reps[5] = { NULL };
	struct suite_summary sum = { 0 };
	bool list = jobs->count > 1 || kernel_matrix_wanted(cli->kernel);
	struct error err;
	int n = 0, rc;

	for (int i = 0; i < cli->script_count && !list; i++) {
		struct stat st;

		list = stat(cli->scripts[i], &st) == 0 && S_ISDIR(st.st_mode);
	}
	if (cli->guest)
		return run_in_guest(cli, jobs);
	if (cli->format == FORMAT_TAP)
		reps[n++] = report_tap_new(stdout);
	else if (cli->format == FORMAT_KTAP)
		reps[n++] = report_ktap_new(stdout);
	else
		reps[n++] = report_text_new(stdout, stderr, list,
					    list && isatty(STDOUT_FILENO));
	if (reps[0] && cli->format == FORMAT_TEXT)
		report_text_color(reps[0], color_wanted(cli->color, STDOUT_FILENO),
				  color_wanted(cli->color, STDERR_FILENO));
	/* The ladder keeps out of TAP's and KTAP's way on stdout. */
	if (cli->ladder)
		reps[n++] = report_ladder_new(cli->format == FORMAT_TEXT ?
					      stdout : stderr);
	if (cli->html_dir)
		reps[n++] = report_html_new(cli->html_dir, cli->html_all);
	if (junit)
		reps[n++] = report_junit_new(junit);
	if (json)
		reps[n++] = report_json_new(json);
	for (int i = 0; i < n; i++) {
		if (!reps[i]) {
			fprintf(stderr, "tcpcheck: out of memory\n");
			reports_free(reps, n);
			return OUTCOME_ENVIRONMENT;
		}
	}
	if (cli->kernel)
		rc = run_on_kernel(cli, jobs, reps, n, &sum);
	else if ((sum.skip_all = skip_kernel_jobs(jobs,
						  preflight(jobs, &cli->suite,
							    &err)))) {
		fprintf(stderr, "tcpcheck: %s\n", sum.skip_all);
		sum.started = time(NULL);
		reports_begin(reps, n, 0);
		rc = reports_end(reps, n, &sum);
	} else {
		rc = run_guarded(jobs, &cli->suite, reps, n, &sum);
	}
	reports_free(reps, n);
	if (rc < 0) {
		fprintf(stderr, "tcpcheck: could not write the reports\n");
		return OUTCOME_ENVIRONMENT;
	}
	return exit_status(&sum);
}

/* --dump: each script once, in canonical form, on the output; a script
 * that does not parse or check gets its errors instead (exit 2).  What
 * is wrong in one address family only (a job's own error, family set)
 * is the run's business, not the dump's.
 */
static int dump(const struct cli *cli, const struct job_list *jobs)
{
	bool color = color_wanted(cli->color, STDERR_FILENO);
	int rc = OUTCOME_OK;

	for (int f = 0; f < jobs->file_count; f++) {
		const struct script_file *file = &jobs->files[f];
		const char *message = NULL;

		for (int i = 0; i < jobs->count && !message; i++)
			if (jobs->jobs[i].file == file &&
			    jobs->jobs[i].kind == JOB_ERROR &&
			    !jobs->jobs[i].family)
				message = jobs->jobs[i].message;
		if (message || !file->script) {
			color_print_report(stderr, message ? message :
					   "cannot read the script", color);
			fputc('\n', stderr);
			rc = OUTCOME_BAD_SCRIPT;
			continue;
		}
		script_dump(file->script, stdout);
	}
	if (fflush(stdout) != 0 && rc == OUTCOME_OK)
		rc = OUTCOME_ENVIRONMENT;
	return rc;
}

/* The command, with guest as the only writer when not NULL (--guest). */
static int play(int argc, char **argv, struct reporter *guest)
{
	struct cli cli = { .suite.timeout = DEFAULT_TIMEOUT,
			   .suite.late_retries = DEFAULT_LATE_RETRIES,
			   .guest = guest };
	struct job_list jobs = { 0 };
	FILE *junit = NULL, *json = NULL;
	struct job_settings settings;
	struct error err;
	int rc;

	if (draft_command_wanted(argc, argv))
		return draft_command(argc, argv);
	rc = parse_command_line(argc, argv, &cli);
	if (rc != 0) {
		if (cli.guest)
			cli.guest->ops->free(cli.guest);
		cli_free(&cli);
		return rc < 0 ? OUTCOME_BAD_SCRIPT : OUTCOME_OK;
	}
	if (cli.guest && cli.vm_clock == VM_CLOCK_ICOUNT &&
	    !(cli.tool.clock = run_clock_guest_new())) {
		fprintf(stderr, "tcpcheck: out of memory\n");
		cli_free(&cli);
		return OUTCOME_ENVIRONMENT;
	}
	/* Traces of runs at once would interleave: -v runs one at a time. */
	if (!cli.jobs_given) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		cli.suite.jobs = cli.tool.verbose || cpus < 1 ? 1 : (int)cpus;
	}
	if (cli.suite.pcap_dir && make_dirs(cli.suite.pcap_dir) < 0) {
		fprintf(stderr, "tcpcheck: cannot create %s: %s\n",
			cli.suite.pcap_dir, strerror(errno));
		cli_free(&cli);
		return OUTCOME_BAD_SCRIPT;
	}
	if ((cli.junit_path && !(junit = open_output(cli.junit_path))) ||
	    (cli.json_path && !(json = open_output(cli.json_path)))) {
		if (junit)
			fclose(junit);
		cli_free(&cli);
		return OUTCOME_BAD_SCRIPT;
	}
	if (abort_install(&err) < 0) {
		fprintf(stderr, "tcpcheck: %s\n", err.text);
		rc = OUTCOME_ENVIRONMENT;
		goto out;
	}
	settings = (struct job_settings){
		.options = cli.options,
		.option_count = cli.option_count,
		.defines = cli.defines,
		.define_count = cli.define_count,
		.families = cli.families,
		.family_count = cli.family_count,
		.stacks = cli.stacks,
		.stack_count = cli.stack_count,
		.stack_flags = cli.stack_flags,
		.tool = cli.tool,
	};
	if (jobs_build(cli.scripts, cli.script_count, &settings, &jobs) < 0) {
		fprintf(stderr, "tcpcheck: out of memory\n");
		rc = OUTCOME_ENVIRONMENT;
		goto out;
	}
	if (cli.shard_count)
		jobs_shard(&jobs, cli.shard, cli.shard_count);
	if (cli.html_dir && make_dirs(cli.html_dir) < 0) {
		fprintf(stderr, "tcpcheck: cannot create %s: %s\n",
			cli.html_dir, strerror(errno));
		rc = OUTCOME_BAD_SCRIPT;
		goto out;
	}
	if ((cli.ladder || cli.html_dir) && !cli.dump) {
		cli.events_dir = run_events_dir_make();
		if (!cli.events_dir) {
			fprintf(stderr, "tcpcheck: cannot make a directory for "
				"the runs' events: %s\n", strerror(errno));
			rc = OUTCOME_ENVIRONMENT;
			goto out;
		}
		cli.suite.events_dir = cli.events_dir;
	}
	if (!cli.dump && check_wire_options(&jobs) < 0) {
		rc = OUTCOME_BAD_SCRIPT;
		goto out;
	}
	rc = cli.dump ? dump(&cli, &jobs) : run(&cli, &jobs, junit, json);
out:
	run_events_dir_remove(cli.events_dir);
	if (cli.guest)
		cli.guest->ops->free(cli.guest);
	jobs_free(&jobs);
	if (junit && fclose(junit) != 0 && rc == OUTCOME_OK)
		rc = OUTCOME_ENVIRONMENT;
	if (json && fclose(json) != 0 && rc == OUTCOME_OK)
		rc = OUTCOME_ENVIRONMENT;
	cli_free(&cli);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--guest"))
		return guest_main(play);
	return play(argc, argv, NULL);
}
