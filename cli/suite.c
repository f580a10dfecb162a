/*
 * suite.c - the scheduler (see suite.h).
 *
 * Single-threaded: the runners are processes, so the parent only starts
 * them, waits in one poll() for any of their pipes, the abort pipe or the
 * next deadline, and collects each one as its pipe reaches end of file.
 * A run over its time limit gets SIGTERM, which makes the runner unwind
 * (killing its shell commands, writing its capture) and exit, then
 * SIGKILL if it has not within a grace period; the line it was playing is
 * read from the page it shares with us.  Retries go to the front of the
 * queue, so a flaky script is settled while its neighbours still run.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/abort.h"
#include "core/clock.h"
#include "session/session.h"
#include "suite.h"
#include "verdict.h"

#define NS_PER_S 1000000000LL
/* How long a runner may take to unwind after SIGTERM (its own or ours). */
#define TERM_GRACE_NS (5 * NS_PER_S)
/* How often a live progress display is refreshed. */
#define PROGRESS_NS NS_PER_S

/* What is known of a job across its attempts. */
struct job_state {
	int attempts;
	double duration;
	int late;		/* attempts in which tcpcheck was late */
	char *first_failure;	/* the timing failure that was retried */
	int first_line;
	enum failure_kind first_kind;
	char *first_capture;
};

struct slot {
	const struct job *job;
	struct session *session;	/* NULL: the slot is free */
	char *capture;			/* this attempt's capture file */
	char *events;			/* this attempt's trace, or NULL */
	char *label;			/* "path family" for progress */
	int64_t deadline_ns;		/* SIGTERM then; 0: no limit */
	int64_t kill_ns;		/* SIGKILL then; 0: not yet due */
	bool timed_out;
};

struct suite {
	const struct job_list *jobs;
	const struct suite_options *opts;
	struct reporter **reps;
	int nrep;
	struct suite_summary *sum;
	struct job_state *state;
	struct slot *slots;
	int width;			/* slots: runners at once */
	int *retry;			/* job indices waiting to rerun */
	int retry_count;
	int *order;			/* job indices in starting order */
	int next;			/* next of order never started */
	int running;
	int done;
	bool aborting;
	int64_t start_ns;
	int64_t progress_ns;		/* last progress shown */
};

/* DIR/<path with '/' as '_', without .pkt>.<family>[.<stack>][.tryN].pcap
 * (the stack when --stack names one: a path's file name without .so).
 */
static char *capture_name(const char *dir, const struct job *job, int attempt)
{
	const char *p = job->path;
	size_t len;
	char *name, *flat, *q, *tail;
	int rc;

	while (!strncmp(p, "./", 2))
		p += 2;
	while (*p == '/')
		p++;
	len = strlen(p);
	if (len > 4 && !strcmp(p + len - 4, ".pkt"))
		len -= 4;
	flat = strndup(p, len);
	if (!flat)
		return NULL;
	for (q = flat; *q; q++)
		if (*q == '/')
			*q = '_';
	if (job->stack) {
		const char *base = strrchr(job->stack, '/');

		base = base ? base + 1 : job->stack;
		rc = asprintf(&tail, "%s.%.*s", job->family,
			      (int)strcspn(base, "."), base);
	} else {
		tail = strdup(job->family);
		rc = tail ? 0 : -1;
	}
	if (rc < 0) {
		free(flat);
		return NULL;
	}
	if (attempt > 1)
		rc = asprintf(&name, "%s/%s.%s.try%d.pcap", dir, flat, tail,
			      attempt);
	else
		rc = asprintf(&name, "%s/%s.%s.pcap", dir, flat, tail);
	free(tail);
	free(flat);
	return rc < 0 ? NULL : name;
}

static void report(struct suite *s, const struct script_result *res)
{
	summary_add(s->sum, res);
	reports_script_done(s->reps, s->nrep, res);
	s->done++;
	s->progress_ns = 0;
}

/* A job decided before running: malformed, not applicable, dry run. */
static void report_decided(struct suite *s, const struct job *job)
{
	struct script_result res = {
		.index = job->index,
		.path = job->path,
		.family = job->family,
		.stack = job->stack,
		.message = job->message,
		.line = job->line,
		.attempts = job->kind == JOB_DRY_RUN,
	};

	switch (job->kind) {
	case JOB_ERROR:
		res.status = RESULT_ERROR;
		res.failure = failure_kind_name(FAILURE_BAD_SCRIPT);
		break;
	case JOB_SKIP:
		res.status = RESULT_SKIP;
		break;
	case JOB_RUN:
	case JOB_DRY_RUN:
		res.status = RESULT_PASS;
		break;
	}
	report(s, &res);
}

static void start(struct suite *s, const struct job *job)
{
	struct job_state *st = &s->state[job->index];
	struct session_options sopts = {
		.keep_capture = s->opts->pcap_all,
		.cpu = -1,
	};
	struct slot *slot = NULL;
	struct error err;

	for (int i = 0; i < s->width && !slot; i++)
		if (!s->slots[i].session)
			slot = &s->slots[i];
	if (!slot)
		return;		/* never: the caller counts free slots */
	memset(slot, 0, sizeof(*slot));
	slot->job = job;
	/* Runners side by side each get a CPU of their own: slot i, CPU i. */
	if (s->width > 1)
		sopts.cpu = (int)(slot - s->slots);
	if (s->opts->pcap_dir)
		slot->capture = capture_name(s->opts->pcap_dir, job,
					     st->attempts + 1);
	sopts.capture_path = slot->capture;
	if (s->opts->events_dir &&
	    asprintf(&slot->events, "%s/%d.%d.log", s->opts->events_dir,
		     job->index, st->attempts + 1) < 0)
		slot->events = NULL;
	sopts.events_path = slot->events;
	sopts.stack = job->stack;
	sopts.stack_flags = job->stack_flags;
	if (asprintf(&slot->label, "%s %s%s%s", job->path, job->family,
		     job->stack ? " " : "", job->stack ? job->stack : "") < 0)
		slot->label = NULL;
	if (session_start(job->file->script, &job->cfg, &sopts, &slot->session,
			  &err) != OUTCOME_OK) {
		struct script_result res = {
			.index = job->index,
			.path = job->path,
			.family = job->family,
			.stack = job->stack,
			.status = RESULT_SKIP,
			.message = err.text,
			.failure = failure_kind_name(FAILURE_ENVIRONMENT),
			.attempts = st->attempts + 1,
		};

		free(slot->capture);
		free(slot->events);
		free(slot->label);
		memset(slot, 0, sizeof(*slot));
		report(s, &res);
		return;
	}
	if (s->opts->timeout > 0)
		slot->deadline_ns = clock_now_ns() +
			(int64_t)s->opts->timeout * NS_PER_S;
	s->running++;
	s->progress_ns = 0;
}

/* Keep the first failure of a job that goes back to the queue: a later
 * pass is reported as flaky, with it.
 */
static void keep_first_failure(struct job_state *st, const char *text,
			       int line, const struct slot *slot,
			       const struct session_result *sr)
{
	if (st->first_failure)
		return;
	st->first_failure = strdup(text);
	st->first_line = line;
	st->first_kind = sr->err.kind;
	if (sr->capture_written && slot->capture)
		st->first_capture = strdup(slot->capture);
}

/* Returns true when the job goes back to the queue for another try. */
static bool judge(struct suite *s, struct slot *slot,
		  struct session_result *sr, struct script_result *res,
		  char **message)
{
	const struct job *job = slot->job;
	struct job_state *st = &s->state[job->index];
	const char *text = sr->err.text;
	struct attempt a = {
		.outcome = sr->outcome,
		.kind = sr->err.kind,
		.timed_out = slot->timed_out,
	};
	struct attempt_counts counts = {
		.attempts = st->attempts,
		.late = st->late,
	};
	bool retry = verdict_judge(s->opts, s->aborting, &a, &counts,
				   &res->status);

	st->late = counts.late;
	*message = NULL;
	if (slot->timed_out) {
		res->timed_out = true;
		res->line = sr->line;
		if (sr->line > 0 &&
		    asprintf(message, "%s:%d: timed out after %d s", job->path,
			     sr->line, s->opts->timeout) < 0)
			*message = NULL;
		else if (sr->line <= 0 &&
			 asprintf(message, "%s: timed out after %d s",
				  job->path, s->opts->timeout) < 0)
			*message = NULL;
		return false;
	}
	if (sr->outcome == OUTCOME_OK) {
		res->status = st->first_failure ? RESULT_FLAKY : RESULT_PASS;
		if (st->first_failure) {
			res->message = st->first_failure;
			res->line = st->first_line;
			res->failure = failure_kind_name(st->first_kind);
			res->capture = st->first_capture;
		}
		return false;
	}
	/* A stack's crash is a failure with its own report (stack_session). */
	if ((sr->signal && sr->outcome != OUTCOME_MISMATCH) || !text[0]) {
		/* The runner died without a word: say what we know. */
		if (asprintf(message, "%s: %s", job->path, sr->signal ? text :
			     "the runner exited without a report") < 0)
			*message = NULL;
		text = *message ? *message : "";
	}
	res->line = sr->signal ? 0 : sr->err.line;
	res->failure = failure_kind_name(sr->signal ? FAILURE_ENVIRONMENT :
					 a.kind ? a.kind :
					 failure_kind_of(sr->outcome));
	if (retry) {
		keep_first_failure(st, text, res->line, slot, sr);
		free(*message);
		*message = NULL;
		return true;
	}
	if (!*message && !(*message = strdup(text)))
		res->message = text;
	return false;
}

static void collect(struct suite *s, struct slot *slot)
{
	const struct job *job = slot->job;
	struct job_state *st = &s->state[job->index];
	struct session_result sr;
	struct script_result res;
	char *message;

	session_finish(slot->session, &sr);
	s->running--;
	st->attempts++;
	st->duration += (double)(sr.ended_ns - sr.started_ns) / 1e9;
	memset(&res, 0, sizeof(res));
	res.index = job->index;
	res.path = job->path;
	res.family = job->family;
	res.stack = job->stack;
	res.attempts = st->attempts;
	res.spawned_ns = sr.started_ns;
	res.first_event_ns = sr.first_event_ns;
	res.last_event_ns = sr.last_event_ns;
	res.exited_ns = sr.ended_ns;
	if (judge(s, slot, &sr, &res, &message)) {
		s->retry[s->retry_count++] = job->index;
	} else {
		res.duration = st->duration;
		if (message)
			res.message = message;
		if (!res.capture && sr.capture_written)
			res.capture = slot->capture;
		res.events = slot->events;
		res.tolerance_usecs = job->cfg.tolerance_usecs;
		res.tolerance_percent = job->cfg.tolerance_percent;
		report(s, &res);
		free(message);
	}
	if (slot->events)
		unlink(slot->events);
	free(slot->events);
	free(slot->capture);
	free(slot->label);
	memset(slot, 0, sizeof(*slot));
}

static void show_progress(struct suite *s, int64_t now)
{
	const char *names[64];
	struct suite_progress p = {
		.done = s->done,
		.total = s->jobs->count,
		.running = names,
		.elapsed = (double)(now - s->start_ns) / 1e9,
	};

	for (int i = 0; i < s->width && p.running_count < 64; i++)
		if (s->slots[i].session && s->slots[i].label)
			names[p.running_count++] = s->slots[i].label;
	reports_progress(s->reps, s->nrep, &p);
	s->progress_ns = now;
}

/* Deadlines: SIGTERM at the time limit, SIGKILL after the grace. */
static void enforce(struct suite *s, int64_t now)
{
	for (int i = 0; i < s->width; i++) {
		struct slot *slot = &s->slots[i];

		if (!slot->session)
			continue;
		if (slot->deadline_ns && now >= slot->deadline_ns &&
		    !slot->timed_out && !s->aborting) {
			slot->timed_out = true;
			session_signal(slot->session, SIGTERM);
			slot->kill_ns = now + TERM_GRACE_NS;
		} else if (slot->kill_ns && now >= slot->kill_ns) {
			session_signal(slot->session, SIGKILL);
			slot->kill_ns = 0;
		}
	}
}

static void abort_all(struct suite *s, int64_t now)
{
	s->aborting = true;
	s->retry_count = 0;
	for (int i = 0; i < s->width; i++) {
		struct slot *slot = &s->slots[i];

		if (!slot->session)
			continue;
		/* Those in our process group got it already; not those
		 * when only we were signalled.
		 */
		session_signal(slot->session, abort_signal());
		if (!slot->kill_ns)
			slot->kill_ns = now + TERM_GRACE_NS;
	}
}

static int next_wake_ms(const struct suite *s, int64_t now)
{
	int64_t wake = s->progress_ns + PROGRESS_NS;

	for (int i = 0; i < s->width; i++) {
		const struct slot *slot = &s->slots[i];

		if (!slot->session)
			continue;
		if (slot->deadline_ns && !slot->timed_out &&
		    slot->deadline_ns < wake)
			wake = slot->deadline_ns;
		if (slot->kill_ns && slot->kill_ns < wake)
			wake = slot->kill_ns;
	}
	return wake <= now ? 0 : (int)((wake - now + 999999) / 1000000);
}

static void wait_and_collect(struct suite *s)
{
	struct pollfd pfds[s->width + 1];
	int map[s->width + 1];
	int64_t now = clock_now_ns();
	int n = 0;

	for (int i = 0; i < s->width; i++) {
		if (!s->slots[i].session)
			continue;
		pfds[n] = (struct pollfd){ .fd = session_fd(s->slots[i].session),
					   .events = POLLIN };
		map[n++] = i;
	}
	if (!s->aborting) {
		pfds[n] = (struct pollfd){ .fd = abort_fd(), .events = POLLIN };
		map[n++] = -1;
	}
	if (poll(pfds, (nfds_t)n, next_wake_ms(s, now)) < 0 && errno != EINTR)
		return;
	now = clock_now_ns();
	if (abort_requested() && !s->aborting)
		abort_all(s, now);
	for (int k = 0; k < n; k++) {
		struct slot *slot;

		if (map[k] < 0 || !pfds[k].revents)
			continue;
		slot = &s->slots[map[k]];
		if (session_read(slot->session))
			collect(s, slot);
	}
	enforce(s, now);
	if (now - s->progress_ns >= PROGRESS_NS)
		show_progress(s, now);
}

/* Longest first (then suite order), so that with several runners the
 * last to finish is not a long script started late; those decided
 * without running go first, as they take no time.
 */
static int by_length(const void *a, const void *b, void *jobs)
{
	const struct job *x = &((const struct job *)jobs)[*(const int *)a];
	const struct job *y = &((const struct job *)jobs)[*(const int *)b];
	int64_t lx = x->kind == JOB_RUN ? x->length_usecs : -1;
	int64_t ly = y->kind == JOB_RUN ? y->length_usecs : -1;

	if (lx != ly)
		return lx < ly ? 1 : -1;
	return (x->index > y->index) - (x->index < y->index);
}

static void plan_order(struct suite *s)
{
	for (int i = 0; i < s->jobs->count; i++)
		s->order[i] = i;
	if (s->width < 2 || s->jobs->count < 2)
		return;
	qsort_r(s->order, (size_t)s->jobs->count, sizeof(*s->order), by_length,
		s->jobs->jobs);
}

int suite_run(const struct job_list *jobs, const struct suite_options *opts,
	      struct reporter **reps, int nrep, struct suite_summary *sum)
{
	struct suite s = {
		.jobs = jobs, .opts = opts, .reps = reps, .nrep = nrep,
		.sum = sum,
	};
	int rc;

	memset(sum, 0, sizeof(*sum));
	sum->started = time(NULL);
	s.start_ns = clock_now_ns();
	s.state = calloc((size_t)jobs->count + 1, sizeof(*s.state));
	/* No more runners than scripts, whatever -j says. */
	s.width = opts->jobs < jobs->count ? opts->jobs : jobs->count;
	if (s.width < 1)
		s.width = 1;
	s.slots = calloc((size_t)s.width, sizeof(*s.slots));
	s.retry = calloc((size_t)jobs->count + 1, sizeof(*s.retry));
	s.order = calloc((size_t)jobs->count + 1, sizeof(*s.order));
	if (!s.state || !s.slots || !s.retry || !s.order) {
		free(s.state);
		free(s.slots);
		free(s.retry);
		free(s.order);
		return -1;
	}
	plan_order(&s);
	reports_begin(reps, nrep, jobs->count);
	for (;;) {
		while (!s.aborting && !abort_requested() &&
		       s.running < s.width &&
		       (s.retry_count > 0 || s.next < jobs->count)) {
			const struct job *job;

			if (s.retry_count > 0) {
				job = &jobs->jobs[s.retry[0]];
				memmove(s.retry, s.retry + 1, (size_t)--s.retry_count *
					sizeof(*s.retry));
			} else {
				job = &jobs->jobs[s.order[s.next++]];
			}
			if (job->kind == JOB_RUN)
				start(&s, job);
			else
				report_decided(&s, job);
		}
		if (abort_requested() && !s.aborting)
			abort_all(&s, clock_now_ns());
		if (s.running == 0 && (s.aborting || (s.retry_count == 0 &&
						       s.next >= jobs->count)))
			break;
		wait_and_collect(&s);
	}
	sum->interrupted = s.aborting;
	sum->wall = (double)(clock_now_ns() - s.start_ns) / 1e9;
	rc = reports_end(reps, nrep, sum);
	for (int i = 0; i < jobs->count; i++) {
		free(s.state[i].first_failure);
		free(s.state[i].first_capture);
	}
	free(s.state);
	free(s.slots);
	free(s.retry);
	free(s.order);
	return rc;
}
