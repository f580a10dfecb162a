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
#include "command_line.h"

#define EXIT_INTERRUPTED 130


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

/* What the options leave to the machine: how many jobs, and the guest's
 * clock.  OUTCOME_OK, or an outcome.
 */
static int settle(struct cli *cli)
{
	if (cli->guest && cli->vm_clock == VM_CLOCK_ICOUNT &&
	    !(cli->tool.clock = run_clock_guest_new())) {
		fprintf(stderr, "tcpcheck: out of memory\n");
		return OUTCOME_ENVIRONMENT;
	}
	/* Traces of runs at once would interleave: -v runs one at a time. */
	if (!cli->jobs_given) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		cli->suite.jobs = cli->tool.verbose || cpus < 1 ? 1 : (int)cpus;
	}
	return OUTCOME_OK;
}

static int make_output_dir(const char *dir)
{
	if (dir && make_dirs(dir) < 0) {
		fprintf(stderr, "tcpcheck: cannot create %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* The files and folders the reports go to, and the one the runs'
 * traces wait in for the diagrams.  OUTCOME_OK, or an outcome.
 */
static int open_outputs(struct cli *cli, FILE **junit, FILE **json)
{
	if (make_output_dir(cli->suite.pcap_dir) < 0 ||
	    make_output_dir(cli->html_dir) < 0 ||
	    (cli->junit_path && !(*junit = open_output(cli->junit_path))) ||
	    (cli->json_path && !(*json = open_output(cli->json_path))))
		return OUTCOME_BAD_SCRIPT;
	if ((cli->ladder || cli->html_dir) && !cli->dump) {
		cli->events_dir = run_events_dir_make();
		if (!cli->events_dir) {
			fprintf(stderr, "tcpcheck: cannot make a directory for "
				"the runs' events: %s\n", strerror(errno));
			return OUTCOME_ENVIRONMENT;
		}
		cli->suite.events_dir = cli->events_dir;
	}
	return OUTCOME_OK;
}

/* Every run of the suite (script, family, stack), this shard's share. */
static int build_jobs(const struct cli *cli, struct job_list *jobs)
{
	struct job_settings settings = {
		.options = cli->options,
		.option_count = cli->option_count,
		.defines = cli->defines,
		.define_count = cli->define_count,
		.families = cli->families,
		.family_count = cli->family_count,
		.stacks = cli->stacks,
		.stack_count = cli->stack_count,
		.stack_flags = cli->stack_flags,
		.tool = cli->tool,
	};

	if (jobs_build(cli->scripts, cli->script_count, &settings, jobs) < 0) {
		fprintf(stderr, "tcpcheck: out of memory\n");
		return OUTCOME_ENVIRONMENT;
	}
	if (cli->shard_count)
		jobs_shard(jobs, cli->shard, cli->shard_count);
	return OUTCOME_OK;
}

/* The command, with guest as the only writer when not NULL (--guest). */
static int play(int argc, char **argv, struct reporter *guest)
{
	struct job_list jobs = { 0 };
	FILE *junit = NULL, *json = NULL;
	struct error err;
	struct cli cli;
	int rc;

	if (draft_command_wanted(argc, argv))
		return draft_command(argc, argv);
	command_line_init(&cli, guest);
	rc = command_line_parse(argc, argv, &cli);
	if (rc != 0)
		rc = rc < 0 ? OUTCOME_BAD_SCRIPT : OUTCOME_OK;
	else if ((rc = settle(&cli)) == OUTCOME_OK &&
		 (rc = open_outputs(&cli, &junit, &json)) == OUTCOME_OK) {
		if (abort_install(&err) < 0) {
			fprintf(stderr, "tcpcheck: %s\n", err.text);
			rc = OUTCOME_ENVIRONMENT;
		} else {
			rc = build_jobs(&cli, &jobs);
		}
		if (rc == OUTCOME_OK && !cli.dump &&
		    check_wire_options(&jobs) < 0)
			rc = OUTCOME_BAD_SCRIPT;
		if (rc == OUTCOME_OK)
			rc = cli.dump ? dump(&cli, &jobs) :
					run(&cli, &jobs, junit, json);
	}
	run_events_dir_remove(cli.events_dir);
	if (cli.guest)
		cli.guest->ops->free(cli.guest);
	jobs_free(&jobs);
	if (junit && fclose(junit) != 0 && rc == OUTCOME_OK)
		rc = OUTCOME_ENVIRONMENT;
	if (json && fclose(json) != 0 && rc == OUTCOME_OK)
		rc = OUTCOME_ENVIRONMENT;
	command_line_free(&cli);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--guest"))
		return guest_main(play);
	return play(argc, argv, NULL);
}
