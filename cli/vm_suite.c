/*
 * vm_suite.c - the suite in guests (vm_suite.h).
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/abort.h"
#include "core/clock.h"
#include "guest_channel.h"
#include "vm/host.h"
#include "vm/image.h"
#include "vm/initramfs.h"
#include "vm_suite.h"

#define MAX_GUESTS 64
#define BOOT_TIMEOUT_S 120	/* host seconds from qemu's start to hello */
#define IDLE_GRACE_S 120	/* beyond --timeout, without a frame */
#define CONSOLE_LINES 30
#define MAX_RESTARTS 4		/* fresh guests after deaths, in all */
#define NS_PER_S 1000000000LL

struct guest_run {
	struct vm_guest vm;
	const char **paths;		/* its share of the scripts */
	int path_count;
	bool booted, ended, done;
	char *running;			/* "path family" of the last START */
	char *skip_all;			/* the guest's END said so */
	int64_t last_frame_ns;
};

struct vm_suite {
	const struct vm_settings *vs;
	const struct job_list *jobs;
	const struct suite_options *opts;
	struct reporter **reps;
	int nrep;
	struct suite_summary *sum;
	bool *reported;			/* by job index */
	struct guest_run guests[MAX_GUESTS];
	int guest_count;
	int restarts;
	struct vm_image img;
};

static void report(struct vm_suite *s, const struct script_result *res)
{
	if (res->index >= 0 && res->index < s->jobs->count) {
		if (s->reported[res->index])
			return;
		s->reported[res->index] = true;
	}
	summary_add(s->sum, res);
	reports_script_done(s->reps, s->nrep, res);
}

/* A job decided here, or one a guest could not report. */
static void report_job(struct vm_suite *s, const struct job *job,
		       enum result_status status, const char *message)
{
	struct script_result res = {
		.index = job->index,
		.path = job->path,
		.family = job->family,
		.status = status,
		.message = message,
		.line = message == job->message ? job->line : 0,
		.attempts = job->kind == JOB_DRY_RUN || status == RESULT_FAIL,
	};

	report(s, &res);
}

static void report_decided(struct vm_suite *s, const struct job *job)
{
	report_job(s, job, job->kind == JOB_ERROR ? RESULT_ERROR :
		   job->kind == JOB_SKIP ? RESULT_SKIP : RESULT_PASS,
		   job->message);
}

static bool path_runs(const struct job_list *jobs, const char *path)
{
	for (int i = 0; i < jobs->count; i++)
		if (jobs->jobs[i].kind == JOB_RUN && !strcmp(jobs->jobs[i].path, path))
			return true;
	return false;
}

/* The job a guest's result is about: same path and family. */
static const struct job *find_job(const struct job_list *jobs,
				  const char *path, const char *family)
{
	for (int i = 0; i < jobs->count; i++) {
		const struct job *j = &jobs->jobs[i];

		if (!strcmp(j->path, path) && j->family && family &&
		    !strcmp(j->family, family))
			return j;
	}
	return NULL;
}

/* Scripts to guests, in suite order, each to the guest with the least
 * timeline so far; what will not run in a guest is reported now.
 */
static int share_out(struct vm_suite *s)
{
	int64_t load[MAX_GUESTS] = { 0 };
	int want = s->opts->jobs < MAX_GUESTS ? s->opts->jobs : MAX_GUESTS;

	for (int i = 0; i < s->jobs->count; i++) {
		const struct job *j = &s->jobs->jobs[i];
		bool seen = false;
		int g = 0;

		if (j->kind != JOB_RUN) {
			if (!path_runs(s->jobs, j->path))
				report_decided(s, j);
			continue;
		}
		for (int k = 0; k < s->guest_count && !seen; k++)
			for (int p = 0; p < s->guests[k].path_count && !seen; p++)
				seen = !strcmp(s->guests[k].paths[p], j->path);
		if (seen)
			continue;
		if (s->guest_count < want) {
			g = s->guest_count++;
		} else {
			for (int k = 1; k < s->guest_count; k++)
				if (load[k] < load[g])
					g = k;
		}
		struct guest_run *gr = &s->guests[g];
		const char **grown = realloc(gr->paths, (size_t)(gr->path_count + 1) *
					     sizeof(*grown));

		if (!grown)
			return -1;
		gr->paths = grown;
		gr->paths[gr->path_count++] = j->path;
		load[g] += j->length_usecs;
	}
	return 0;
}

static int boot_guest(struct vm_suite *s, struct guest_run *g,
		      struct error *err)
{
	const char *extra = getenv("TCPCHECK_VM_APPEND");
	const char *no_tun = getenv("TCPCHECK_VM_WITHOUT_TUN");
	size_t argc = (size_t)s->vs->guest_argc + 1 + (size_t)g->path_count;
	char **argv = calloc(argc + 1, sizeof(*argv)), initrd[PATH_MAX + 16];
	struct initramfs_request req = {
		.img = &s->img,
		.paths = g->paths,
		.path_count = (size_t)g->path_count,
		.argv = argv,
		.argc = argc,
		.without_tun = no_tun && *no_tun == '1',
	};
	size_t n = 0;
	int rc;

	if (!argv)
		return error_set(err, "out of memory");
	for (int i = 0; i < s->vs->guest_argc; i++)
		argv[n++] = s->vs->guest_args[i];
	argv[n++] = "--";
	for (int i = 0; i < g->path_count; i++)
		argv[n++] = (char *)g->paths[i];
	rc = vm_guest_prepare(&g->vm, err);
	if (rc == 0)
		rc = initramfs_write(&req, vm_guest_path(&g->vm, "initrd", initrd,
							 sizeof(initrd)), err);
	if (rc == 0)
		rc = vm_guest_boot(&g->vm, s->img.kernel, s->vs->clock,
				   extra && *extra ? extra : NULL, err);
	g->last_frame_ns = clock_now_ns();
	free(argv);
	return rc;
}

/* A capture the guest kept: into --pcap-dir, under its own name. */
static void keep_file(struct vm_suite *s, const uint8_t *payload, size_t len)
{
	struct field_iter it = { payload, len };
	const uint8_t *data, *name = NULL, *bytes = NULL;
	size_t n, name_len = 0, bytes_len = 0;
	char path[PATH_MAX];
	uint8_t tag;
	FILE *f;

	while (field_next(&it, &tag, &data, &n) > 0) {
		if (tag == FIELD_NAME)
			name = data, name_len = n;
		else if (tag == FIELD_DATA)
			bytes = data, bytes_len = n;
	}
	if (!s->opts->pcap_dir || !name || !bytes || !name_len ||
	    memchr(name, '/', name_len) || memchr(name, '\0', name_len) ||
	    (name_len <= 2 && name[0] == '.'))
		return;
	snprintf(path, sizeof(path), "%s/%.*s", s->opts->pcap_dir,
		 (int)name_len, (const char *)name);
	f = fopen(path, "w");
	if (!f)
		return;
	if (fwrite(bytes, 1, bytes_len, f) != bytes_len)
		fprintf(stderr, "tcpcheck: cannot write %s\n", path);
	fclose(f);
}

static void take_result(struct vm_suite *s, const uint8_t *payload,
			size_t len)
{
	struct script_result res;
	const struct job *job;
	char *store = NULL, capture[PATH_MAX];

	if (channel_result_decode(payload, len, &res, &store) < 0) {
		free(store);
		return;
	}
	job = find_job(s->jobs, res.path, res.family);
	if (job) {
		res.index = job->index;
		res.path = job->path;
		res.family = job->family;
		if (res.capture && s->opts->pcap_dir) {
			const char *base = strrchr(res.capture, '/');

			snprintf(capture, sizeof(capture), "%s/%s",
				 s->opts->pcap_dir, base ? base + 1 : res.capture);
			res.capture = capture;
		}
		report(s, &res);
	}
	free(store);
}

static void take_frame(struct vm_suite *s, struct guest_run *g, uint8_t type,
		       const uint8_t *payload, size_t len)
{
	struct field_iter it = { payload, len };
	const uint8_t *data;
	size_t n;
	uint8_t tag;

	g->last_frame_ns = clock_now_ns();
	switch (type) {
	case FRAME_HELLO:
		g->booted = true;
		break;
	case FRAME_START:
		if (field_next(&it, &tag, &data, &n) > 0 && tag == FIELD_NAME) {
			free(g->running);
			g->running = strndup((const char *)data, n);
		}
		break;
	case FRAME_STDOUT:
		fwrite(payload, 1, len, stdout);
		fflush(stdout);
		break;
	case FRAME_STDERR:
		fwrite(payload, 1, len, stderr);
		break;
	case FRAME_FILE:
		keep_file(s, payload, len);
		break;
	case FRAME_RESULT:
		take_result(s, payload, len);
		free(g->running);
		g->running = NULL;
		break;
	case FRAME_END:
		while (field_next(&it, &tag, &data, &n) > 0)
			if (tag == FIELD_SKIP_ALL && !g->skip_all)
				g->skip_all = strndup((const char *)data, n);
		g->ended = true;
		vm_guest_ack(&g->vm);
		break;
	default:
		break;
	}
}

static void drain_frames(struct vm_suite *s, struct guest_run *g)
{
	const uint8_t *payload;
	uint8_t type;
	size_t len;

	while (frame_reader_next(&g->vm.reader, &type, &payload, &len) > 0)
		take_frame(s, g, type, payload, len);
}

/* Every job of path that no frame reported. */
static void report_path(struct vm_suite *s, const char *path,
			enum result_status status, const char *why)
{
	for (int i = 0; i < s->jobs->count; i++) {
		const struct job *j = &s->jobs->jobs[i];
		char *message = NULL;

		if (s->reported[i] || strcmp(j->path, path))
			continue;
		if (asprintf(&message, "%s: %s", j->path, why) < 0)
			message = NULL;
		report_job(s, j, status, message ? message : why);
		free(message);
	}
}

/* ... of every script of this guest. */
static void report_rest(struct vm_suite *s, struct guest_run *g,
			enum result_status status, const char *why)
{
	for (int i = 0; i < g->path_count; i++)
		report_path(s, g->paths[i], status, why);
}

static int boot_guest(struct vm_suite *s, struct guest_run *g,
		      struct error *err);

/* Whether a job of path is still to be reported. */
static bool path_pending(const struct vm_suite *s, const char *path)
{
	for (int i = 0; i < s->jobs->count; i++)
		if (!s->reported[i] && !strcmp(s->jobs->jobs[i].path, path))
			return true;
	return false;
}

/* The scripts a dead guest had not played, but skip, to a fresh guest;
 * false when there are none or too many guests have died already.
 */
static bool requeue(struct vm_suite *s, const struct guest_run *g,
		    const char *skip)
{
	struct guest_run *n;
	struct error err;

	if (s->guest_count >= MAX_GUESTS || s->restarts >= MAX_RESTARTS)
		return false;
	n = &s->guests[s->guest_count];
	memset(n, 0, sizeof(*n));
	n->paths = calloc((size_t)g->path_count + 1, sizeof(*n->paths));
	for (int i = 0; n->paths && i < g->path_count; i++)
		if ((!skip || strcmp(g->paths[i], skip)) &&
		    path_pending(s, g->paths[i]))
			n->paths[n->path_count++] = g->paths[i];
	if (!n->paths || n->path_count == 0) {
		free(n->paths);
		n->paths = NULL;
		return false;
	}
	s->guest_count++;
	s->restarts++;
	if (boot_guest(s, n, &err) < 0) {
		report_rest(s, n, RESULT_SKIP, err.text);
		vm_guest_stop(&n->vm);
		n->done = true;
	}
	return true;
}

/* The guest died (a panic, an oops, a hang): the script it was playing
 * fails with the console's lines from the crash; the others are played
 * again in a fresh guest (up to MAX_RESTARTS times), else skipped.
 */
static void guest_died(struct vm_suite *s, struct guest_run *g,
		       const char *tail)
{
	const struct job *j = NULL;
	char *why = NULL;

	if (g->running) {
		char *family = strrchr(g->running, ' ');

		if (family)
			*family++ = '\0';
		j = family ? find_job(s->jobs, g->running, family) : NULL;
		if (j && asprintf(&why, "%s: the kernel died while this "
				  "script ran; its console:\n%s",
				  j->path, tail) >= 0) {
			report_job(s, j, RESULT_FAIL, why);
			free(why);
			why = NULL;
		}
	}
	if (requeue(s, g, j ? j->path : NULL)) {
		if (j)
			report_path(s, j->path, RESULT_SKIP, "not played: the "
				    "kernel died in another run of this script");
		return;
	}
	if (asprintf(&why, "not played: the kernel died before it; its "
		     "console:\n%s", tail) < 0)
		why = NULL;
	report_rest(s, g, RESULT_SKIP, why ? why : "not played: the kernel died");
	free(why);
}

static void finish_guest(struct vm_suite *s, struct guest_run *g)
{
	char *tail, *why = NULL;
	struct error err;

	while (g->vm.fd >= 0 && !g->vm.eof && vm_guest_read(&g->vm, &err) == 0 &&
	       g->vm.fd >= 0)
		drain_frames(s, g);
	drain_frames(s, g);
	tail = vm_guest_console_tail(&g->vm, CONSOLE_LINES, 4096);
	if (!tail)
		tail = strdup("(no console output)");
	if (!g->booted) {
		if (asprintf(&why, "not played: the guest did not boot %s; the "
			     "console's last lines:\n%s", s->vs->kernel,
			     tail ? tail : "") < 0)
			why = NULL;
		fprintf(stderr, "tcpcheck: %s did not boot; the console's "
			"last lines:\n%s\n", s->vs->kernel, tail ? tail : "");
		report_rest(s, g, RESULT_SKIP, why ? why : "the guest did not boot");
		if (!s->sum->skip_all)
			s->sum->skip_all = "the guest did not boot";
	} else if (g->ended) {
		if (g->skip_all && !s->sum->skip_all)
			s->sum->skip_all = g->skip_all;
		report_rest(s, g, RESULT_SKIP, g->skip_all ? g->skip_all :
			    "the guest did not report it");
	} else {
		guest_died(s, g, tail ? tail : "");
	}
	free(why);
	free(tail);
	vm_guest_stop(&g->vm);
	g->done = true;
}

/* Kill a guest that has said nothing for too long. */
static void enforce(struct vm_suite *s, struct guest_run *g, int64_t now)
{
	int64_t quiet = now - g->last_frame_ns;
	int64_t limit = !g->booted ? (int64_t)BOOT_TIMEOUT_S * NS_PER_S :
		g->ended ? 10 * NS_PER_S :
		s->opts->timeout > 0 ?
		(int64_t)(s->opts->timeout + IDLE_GRACE_S) * NS_PER_S : -1;

	if (limit >= 0 && quiet > limit && g->vm.pid > 0) {
		if (!g->ended)
			fprintf(stderr, "tcpcheck: the guest said nothing for "
				"%d s: stopped\n", (int)(quiet / NS_PER_S));
		vm_guest_stop_process(&g->vm);
	}
}

/* One round: wait for frames, take them, end what is over.  false when
 * tcpcheck was interrupted.
 */
static bool step(struct vm_suite *s)
{
	struct pollfd pfds[MAX_GUESTS + 1];
	int map[MAX_GUESTS + 1], n = 0;
	struct error err;
	int64_t now;

	pfds[n] = (struct pollfd){ .fd = abort_fd(), .events = POLLIN };
	map[n++] = -1;
	for (int i = 0; i < s->guest_count; i++) {
		int fd = vm_guest_pollfd(&s->guests[i].vm);

		if (s->guests[i].done || fd < 0)
			continue;
		pfds[n] = (struct pollfd){ .fd = fd, .events = POLLIN };
		map[n++] = i;
	}
	if (poll(pfds, (nfds_t)n, 100) < 0 && errno != EINTR)
		return false;
	if (abort_requested())
		return false;
	now = clock_now_ns();
	for (int k = 1; k < n; k++) {
		struct guest_run *g = &s->guests[map[k]];

		if (!pfds[k].revents)
			continue;
		if (vm_guest_read(&g->vm, &err) < 0)
			vm_guest_stop_process(&g->vm);
		drain_frames(s, g);
	}
	for (int i = 0; i < s->guest_count; i++) {
		struct guest_run *g = &s->guests[i];

		if (g->done)
			continue;
		enforce(s, g, now);
		if (vm_guest_exited(&g->vm) || g->vm.eof)
			finish_guest(s, g);
	}
	return true;
}

static bool all_done(const struct vm_suite *s)
{
	for (int i = 0; i < s->guest_count; i++)
		if (!s->guests[i].done)
			return false;
	return true;
}

static void stop_all(struct vm_suite *s)
{
	for (int i = 0; i < s->guest_count; i++) {
		if (!s->guests[i].done)
			vm_guest_stop(&s->guests[i].vm);
		s->guests[i].done = true;
	}
}

/* Why nothing can be played in a guest, or 0. */
static int preflight(struct vm_suite *s, struct error *err)
{
	if (vm_qemu_check(err) < 0)
		return -1;
	if (vm_image_resolve(s->vs->kernel, s->vs->modules, &s->img, err) < 0)
		return -1;
	return 0;
}

static void free_guests(struct vm_suite *s)
{
	for (int i = 0; i < s->guest_count; i++) {
		free(s->guests[i].paths);
		free(s->guests[i].running);
		free(s->guests[i].skip_all);
	}
}

int vm_suite_run(const struct vm_settings *vs, const struct job_list *jobs,
		 const struct suite_options *opts, struct reporter **reps,
		 int nrep, struct suite_summary *sum)
{
	static char reason[ERROR_TEXT_MAX];
	struct vm_suite s = { .vs = vs, .jobs = jobs, .opts = opts,
			      .reps = reps, .nrep = nrep, .sum = sum };
	int64_t start = clock_now_ns();
	struct error err;
	int rc;

	memset(sum, 0, sizeof(*sum));
	sum->started = time(NULL);
	s.reported = calloc((size_t)jobs->count + 1, sizeof(bool));
	if (!s.reported)
		return -1;
	if (preflight(&s, &err) < 0) {
		snprintf(reason, sizeof(reason), "%s", err.text);
		fprintf(stderr, "tcpcheck: %s\n", reason);
		sum->skip_all = reason;
		reports_begin(reps, nrep, 0);
		rc = reports_end(reps, nrep, sum);
		free(s.reported);
		return rc;
	}
	reports_begin(reps, nrep, jobs->count);
	rc = share_out(&s);
	for (int i = 0; i < s.guest_count && rc == 0; i++) {
		if (boot_guest(&s, &s.guests[i], &err) < 0) {
			snprintf(reason, sizeof(reason), "%s", err.text);
			fprintf(stderr, "tcpcheck: %s\n", reason);
			sum->skip_all = reason;
			report_rest(&s, &s.guests[i], RESULT_SKIP, reason);
			vm_guest_stop(&s.guests[i].vm);
			s.guests[i].done = true;
		}
	}
	while (rc == 0 && !all_done(&s))
		if (!step(&s))
			sum->interrupted = true, stop_all(&s);
	stop_all(&s);
	sum->wall = (double)(clock_now_ns() - start) / 1e9;
	if (reports_end(reps, nrep, sum) < 0)
		rc = -1;
	free_guests(&s);
	free(s.reported);
	return rc;
}

char **vm_guest_command_line(const struct guest_command *cmd, int *argc)
{
	const struct job_settings *set = cmd->settings;
	char **argv = calloc((size_t)(set->option_count + set->define_count) + 16,
			     sizeof(*argv));
	const struct suite_options *o = cmd->suite;
	char families[64] = "";
	int n = 0;

	if (!argv)
		return NULL;
	for (int i = 0; i < set->family_count; i++)
		snprintf(families + strlen(families),
			 sizeof(families) - strlen(families), "%s%s",
			 i ? "," : "", set->families[i]);
	argv[n++] = strdup("tcpcheck");
	argv[n++] = strdup("-j1");
	for (int i = 0; i < set->option_count; i++)
		if (asprintf(&argv[n++], "--%s%s%s", set->options[i].name,
			     set->options[i].value ? "=" : "",
			     set->options[i].value ? set->options[i].value : "") < 0)
			argv[n - 1] = NULL;
	for (int i = 0; i < set->define_count; i++)
		if (asprintf(&argv[n++], "-D%s=%s", set->defines[i].name,
			     set->defines[i].value) < 0)
			argv[n - 1] = NULL;
	if (set->family_count &&
	    asprintf(&argv[n++], "--ip_version=%s", families) < 0)
		argv[n - 1] = NULL;
	if (asprintf(&argv[n++], "--timeout=%d", o->timeout) < 0 ||
	    asprintf(&argv[n++], "--retries=%d", o->retries) < 0 ||
	    asprintf(&argv[n++], "--late-retries=%d", o->late_retries) < 0)
		argv[n - 1] = NULL;
	if (o->xfail != XFAIL_NONE)
		argv[n++] = strdup(o->xfail == XFAIL_TIMING ? "--xfail=timing" :
				   "--xfail");
	if (o->pcap_dir)
		argv[n++] = strdup("--pcap-dir=/tmp/pcap");
	if (o->pcap_all)
		argv[n++] = strdup("--pcap-all");
	if (set->tool.verbose)
		argv[n++] = strdup("-v");
	/* In virtual time the guest plays with its own clock, and a run in
	 * which tcpcheck was late would be as late again: no reruns.
	 */
	if (cmd->clock != VM_CLOCK_REAL &&
	    !strcmp(vm_accelerator(cmd->clock), "tcg")) {
		argv[n++] = strdup("--vm-clock=icount");
		argv[n++] = strdup("--late-retries=0");
	}
	for (int i = 0; i < n; i++)
		if (!argv[i]) {
			for (int k = 0; k < n; k++)
				free(argv[k]);
			free(argv);
			return NULL;
		}
	*argc = n;
	return argv;
}
