/*
 * command_line.c - reading tcpcheck's command line (command_line.h).
 */
#define _GNU_SOURCE
#include "config.h"

#include "command_line.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run_clock.h"

/* --help, in three parts: the script's options, the suite's runs, the
 * suite's reports and guests.
 */
static void usage_runs(FILE *out)
{
	fprintf(out,
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
		"is skipped\n");
}

static void usage_reports(FILE *out)
{
	fprintf(out,
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
		"  --version                    print the version\n\n");
}

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
		"  -v                           same as --verbose\n\n");
	usage_runs(out);
	usage_reports(out);
	fprintf(out,
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

void command_line_free(struct cli *cli)
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

/* A value that is one of a few words: the word's value through *out and
 * 1, or -1 after saying which words the option takes.
 */
struct option_word {
	const char *name;
	int value;
};

static int set_word(const char *option, const char *value,
		    const struct option_word *words, size_t count, int *out)
{
	for (size_t i = 0; value && i < count; i++)
		if (!strcmp(value, words[i].name)) {
			*out = words[i].value;
			return 1;
		}
	fprintf(stderr, "tcpcheck: %s takes ", option);
	for (size_t i = 0; i < count; i++)
		fprintf(stderr, "%s%s", words[i].name, i + 2 < count ? ", " :
			i + 1 < count ? " or " : "\n");
	return -1;
}

/* --vm-clock=icount|real: 1, or -1 on a usage error. */
static int set_vm_clock(struct cli *cli, const char *value)
{
	static const struct option_word words[] = {
		{ "icount", VM_CLOCK_ICOUNT }, { "real", VM_CLOCK_REAL },
	};
	int clock;

	if (set_word("--vm-clock", value, words,
		     sizeof(words) / sizeof(*words), &clock) < 0)
		return -1;
	cli->vm_clock = (enum vm_clock)clock;
	return 1;
}

/* The suite's switches, which take no value: 1 when arg was one. */
static int suite_switch(struct cli *cli, const char *arg)
{
	if (!strcmp(arg, "--html-all"))
		cli->html_all = true;
	else if (!strcmp(arg, "--dump"))
		cli->dump = true;
	else if (!strcmp(arg, "--ladder"))
		cli->ladder = true;
	else if (!strcmp(arg, "--pcap-all"))
		cli->suite.pcap_all = true;
	else
		return 0;
	return 1;
}

/* The suite's counts: 1 when name was one, -1 on a bad value. */
static int suite_count(struct cli *cli, const char *name, size_t len,
		       const char *value)
{
	const struct { const char *name; int min; int *field; } counts[] = {
		{ "--jobs", 1, &cli->suite.jobs },
		{ "--timeout", 0, &cli->suite.timeout },
		{ "--retries", 0, &cli->suite.retries },
		{ "--late-retries", 0, &cli->suite.late_retries },
	};

	for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++) {
		if (len != strlen(counts[i].name) ||
		    strncmp(name, counts[i].name, len))
			continue;
		if (counts[i].field == &cli->suite.jobs)
			cli->jobs_given = true;
		return parse_count(counts[i].name, value, counts[i].min,
				   counts[i].field) < 0 ? -1 : 1;
	}
	return 0;
}

static int set_format(struct cli *cli, const char *value)
{
	static const struct option_word words[] = {
		{ "text", FORMAT_TEXT }, { "tap", FORMAT_TAP },
		{ "ktap", FORMAT_KTAP },
	};
	int format;

	if (set_word("--format", value, words,
		     sizeof(words) / sizeof(*words), &format) < 0)
		return -1;
	cli->format = (enum format)format;
	return 1;
}

static int set_xfail(struct cli *cli, const char *value)
{
	if (!value || !strcmp(value, "all")) {
		cli->suite.xfail = XFAIL_ALL;
	} else if (!strcmp(value, "timing")) {
		cli->suite.xfail = XFAIL_TIMING;
	} else {
		fprintf(stderr, "tcpcheck: --xfail takes no value or timing\n");
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
	int rc = suite_switch(cli, arg);

	if (rc == 0)
		rc = suite_count(cli, arg, len, value);
	if (rc != 0)
		return rc;
#define IS(name) (len == strlen(name) && !strncmp(arg, name, len))
	/* --so_filename and --so_flags: packetdrill's names for a stack of
	 * its shared-object interface.
	 */
	if (IS("--ip_version"))
		return set_families(cli, value) < 0 ? -1 : 1;
	if (IS("--stack") || IS("--so_filename"))
		return set_stacks(cli, value) < 0 ? -1 : 1;
	if (IS("--stack-flags") || IS("--so_flags")) {
		cli->stack_flags = value ? value : "";
		return 1;
	}
	if (IS("--shard"))
		return set_shard(cli, value) < 0 ? -1 : 1;
	if (IS("--format"))
		return set_format(cli, value);
	if (IS("--xfail"))
		return set_xfail(cli, value);
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
#undef IS
	return 0;
}

/* -v, -j N, -D NAME=VALUE (and --define=): 1 when argv[*i] was one (*i
 * past its value), 0 when not, -1 on a usage error (message printed).
 */
static int short_option(struct cli *cli, char **argv, int *i)
{
	const char *arg = argv[*i];

	if (!strcmp(arg, "-v")) {
		cli->tool.verbose = true;
		return 1;
	}
	if (!strncmp(arg, "-j", 2)) {
		const char *n = arg[2] ? arg + 2 : argv[++*i];

		cli->jobs_given = true;
		return parse_count("-j", n, 1, &cli->suite.jobs) < 0 ? -1 : 1;
	}
	if (!strcmp(arg, "-D") || !strncmp(arg, "--define=", 9) ||
	    (!strncmp(arg, "-D", 2) && arg[2])) {
		const char *def = !strcmp(arg, "-D") ? argv[++*i] :
			arg[1] == 'D' ? arg + 2 : arg + 9;

		if (!def) {
			fprintf(stderr, "tcpcheck: -D needs NAME=VALUE\n");
			return -1;
		}
		return add_define(cli, def) < 0 ? -1 : 1;
	}
	return 0;
}

/* A script's option (name or name=value, without the dashes): kept for
 * every script, and checked now, so that a typo fails before any run.
 */
static int script_option(struct cli *cli, const char *arg)
{
	struct run_config scratch;
	struct option_value *o;
	char msg[256];

	if (add_option(cli, arg) < 0) {
		fprintf(stderr, "tcpcheck: out of memory\n");
		return -1;
	}
	run_config_defaults(&scratch);
	o = &cli->options[cli->option_count - 1];
	if (option_apply(o->name, o->value, &scratch, &cli->tool, msg,
			 sizeof(msg)) < 0) {
		fprintf(stderr, "tcpcheck: %s\n", msg);
		return -1;
	}
	return 0;
}

/* Returns -1 on a usage error (message printed), 1 when --help or
 * --version was handled, 0 to go on.
 */
int command_line_parse(int argc, char **argv, struct cli *cli)
{
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
		rc = short_option(cli, argv, &i);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
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
			if (script_option(cli, arg + 2) < 0)
				return -1;
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

void command_line_init(struct cli *cli, struct reporter *guest)
{
	*cli = (struct cli){ .suite.timeout = DEFAULT_TIMEOUT,
			     .suite.late_retries = DEFAULT_LATE_RETRIES,
			     .guest = guest };
}
