/*
 * kernel_matrix.c - every script on every kernel (kernel_matrix.h).
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_matrix.h"

#define MAX_KERNELS 8

struct verdict {
	bool seen;
	enum result_status status;
	char *first_line;	/* of a report that is not a pass, or NULL */
};

struct matrix {
	const char *paths[MAX_KERNELS];	/* as given: an image, "host" */
	char *names[MAX_KERNELS];	/* short: 6.1.0-57-cloud-amd64 */
	int count;
	struct reporter **reps;
	int nrep;
	struct suite_summary *sum;
	struct verdict *verdicts;	/* [job index][kernel] */
	int jobs;
};

struct relay {
	struct reporter base;
	struct matrix *m;
	int k;
};

bool kernel_matrix_wanted(const char *list)
{
	return list && (strchr(list, ',') || !strcmp(list, "host"));
}

/* "linux-image-6.1.0-57-cloud-amd64_6.1.192-3_amd64.deb" -> its
 * release, "6.1.0-57-cloud-amd64"; a bzImage keeps its file name.
 */
static char *short_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name = strdup(base ? base + 1 : path), *cut;

	if (!name)
		return NULL;
	if (!strncmp(name, "linux-image-", 12))
		memmove(name, name + 12, strlen(name + 12) + 1);
	cut = strchr(name, '_');
	if (cut)
		*cut = '\0';
	return name;
}

static void relay_begin(struct reporter *rep, int total)
{
	(void)rep;
	(void)total;
}

static void relay_done(struct reporter *rep, const struct script_result *res)
{
	struct relay *r = (struct relay *)rep;
	struct matrix *m = r->m;
	struct script_result copy = *res;
	char family[128];

	snprintf(family, sizeof(family), "%s@%s",
		 res->family ? res->family : "-", m->names[r->k]);
	copy.family = family;
	copy.index = res->index * m->count + r->k;
	summary_add(m->sum, &copy);
	reports_script_done(m->reps, m->nrep, &copy);
	if (res->index >= 0 && res->index < m->jobs) {
		struct verdict *v = &m->verdicts[res->index * m->count + r->k];
		size_t len = 0;
		const char *line = res->status == RESULT_PASS ||
			res->status == RESULT_FLAKY ? NULL :
			result_first_line(res, &len);

		v->seen = true;
		v->status = res->status;
		free(v->first_line);
		v->first_line = line ? strndup(line, len) : NULL;
	}
}

static int relay_end(struct reporter *rep, const struct suite_summary *sum)
{
	(void)rep;
	(void)sum;
	return 0;
}

static void relay_free(struct reporter *rep)
{
	(void)rep;
}

static const struct reporter_ops relay_ops = {
	.begin = relay_begin,
	.script_done = relay_done,
	.end = relay_end,
	.free = relay_free,
};

static bool same_verdict(enum result_status a, enum result_status b)
{
	if (a == RESULT_FLAKY)
		a = RESULT_PASS;
	if (b == RESULT_FLAKY)
		b = RESULT_PASS;
	return a == b;
}

/* The scripts whose verdicts differ, on out. */
static void print_differences(const struct matrix *m,
			      const struct job_list *jobs, FILE *out)
{
	int differing = 0;

	for (int j = 0; j < m->jobs; j++) {
		const struct verdict *v = &m->verdicts[j * m->count];
		bool differ = false;

		for (int k = 1; k < m->count; k++)
			differ = differ || !v[k].seen || !v[0].seen ||
				!same_verdict(v[k].status, v[0].status);
		if (!differ)
			continue;
		if (differing++ == 0)
			fprintf(out, "verdicts that differ between kernels:\n");
		fprintf(out, "  %s %s\n", jobs->jobs[j].path,
			jobs->jobs[j].family ? jobs->jobs[j].family : "");
		for (int k = 0; k < m->count; k++)
			fprintf(out, "    %-28s %s%s%s\n", m->names[k],
				v[k].seen ? result_status_name(v[k].status) :
				"not run", v[k].first_line ? ": " : "",
				v[k].first_line ? v[k].first_line : "");
	}
	if (!differing)
		fprintf(out, "the verdicts are the same on every kernel\n");
}

static int play_one(const struct vm_settings *vs, const char *kernel,
		    const struct job_list *jobs, const struct suite_options *opts,
		    struct reporter *relay, host_suite_fn host,
		    struct suite_summary *sum)
{
	struct vm_settings one = *vs;
	struct reporter *reps[1] = { relay };

	if (!strcmp(kernel, "host"))
		return host(jobs, opts, reps, 1, sum);
	one.kernel = kernel;
	return vm_suite_run(&one, jobs, opts, reps, 1, sum);
}

int kernel_matrix_run(const struct vm_settings *vs, const struct job_list *jobs,
		      const struct suite_options *opts, struct reporter **reps,
		      int nrep, struct suite_summary *sum, host_suite_fn host)
{
	struct matrix m = { .reps = reps, .nrep = nrep, .sum = sum,
			    .jobs = jobs->count };
	char *list = strdup(vs->kernel), *save = NULL;
	int rc = 0;

	memset(sum, 0, sizeof(*sum));
	for (char *w = list ? strtok_r(list, ",", &save) : NULL;
	     w && m.count < MAX_KERNELS; w = strtok_r(NULL, ",", &save)) {
		m.paths[m.count] = w;
		m.names[m.count++] = short_name(w);
	}
	m.verdicts = calloc((size_t)(jobs->count * m.count) + 1,
			    sizeof(*m.verdicts));
	for (int k = 0; k < m.count; k++)
		if (!m.names[k])
			rc = -1;
	if (!list || !m.verdicts || rc < 0) {
		for (int k = 0; k < m.count; k++)
			free(m.names[k]);
		free(list);
		free(m.verdicts);
		return -1;
	}
	reports_begin(reps, nrep, jobs->count * m.count);
	for (int k = 0; k < m.count && rc == 0 && !sum->interrupted; k++) {
		struct relay relay = { .base.ops = &relay_ops, .m = &m, .k = k };
		struct suite_summary one = { 0 };

		rc = play_one(vs, m.paths[k], jobs, opts, &relay.base, host, &one);
		sum->interrupted = one.interrupted;
	}
	rc = reports_end(reps, nrep, sum) < 0 ? -1 : rc;
	print_differences(&m, jobs, stdout);
	for (int k = 0; k < m.count; k++)
		free(m.names[k]);
	for (int i = 0; i < jobs->count * m.count; i++)
		free(m.verdicts[i].first_line);
	free(m.verdicts);
	free(list);
	return rc;
}
