/*
 * jobs.c - expanding paths into scripts and scripts into runs (see
 * jobs.h).
 *
 * Which families a script runs in follows packetdrill's runner: a script
 * whose header sets --ip_version runs only in that family; otherwise a
 * name ending in v6.pkt runs only in ipv6 and one ending in v4.pkt never
 * in ipv6; the rest run in every family --ip_version lists (ipv4 when it
 * lists none).  An ipv6 run gets a 1520-byte MTU, so that its MSS is the
 * 1460 bytes scripts are written for, unless an option sets the MTU.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/check.h"
#include "diag.h"
#include "jobs.h"
#include "parse.h"

#define FAMILY_IPV6_MTU 1520

static const char *const known_families[] = {
	"ipv4", "ipv4-mapped-ipv6", "ipv6",
};

const char *family_name(const char *text)
{
	for (size_t i = 0; i < sizeof(known_families) / sizeof(*known_families);
	     i++)
		if (!strcmp(text, known_families[i]))
			return known_families[i];
	return NULL;
}

struct path_list {
	char **items;
	int count, capacity;
};

static int path_list_add(struct path_list *l, char *path)
{
	if (!path)
		return -1;
	if (l->count == l->capacity) {
		int cap = l->capacity ? l->capacity * 2 : 64;
		char **grown = realloc(l->items, (size_t)cap * sizeof(*grown));

		if (!grown) {
			free(path);
			return -1;
		}
		l->items = grown;
		l->capacity = cap;
	}
	l->items[l->count++] = path;
	return 0;
}

static void path_list_free(struct path_list *l)
{
	for (int i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *p = malloc(n + strlen(name) + 2);

	if (p)
		sprintf(p, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
			name);
	return p;
}

/* Every *.pkt under dir.  Hidden entries are skipped, and so are links
 * to directories, which could lead round in a loop.
 */
static int find_scripts(const char *dir, struct path_list *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return 0;
	while (rc == 0 && (e = readdir(d))) {
		struct stat st, lst;
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = join(dir, e->d_name);
		if (!p) {
			rc = -1;
			break;
		}
		if (stat(p, &st) < 0) {
			free(p);
		} else if (S_ISDIR(st.st_mode)) {
			if (lstat(p, &lst) == 0 && !S_ISLNK(lst.st_mode))
				rc = find_scripts(p, out);
			free(p);
		} else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".pkt")) {
			rc = path_list_add(out, p);
		} else {
			free(p);
		}
	}
	closedir(d);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory gives its scripts in sorted order; a missing directory or
 * one without scripts is kept as the path itself, which then fails to
 * open (or says it holds no scripts) as a job of its own.
 */
static int expand(char *const *paths, int count, struct path_list *out)
{
	for (int i = 0; i < count; i++) {
		struct stat st;
		int first = out->count;

		if (stat(paths[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			if (path_list_add(out, strdup(paths[i])) < 0)
				return -1;
			continue;
		}
		if (find_scripts(paths[i], out) < 0)
			return -1;
		if (out->count == first &&
		    path_list_add(out, strdup(paths[i])) < 0)
			return -1;
		qsort(out->items + first, (size_t)(out->count - first),
		      sizeof(char *), by_name);
	}
	return 0;
}

static char *read_text(const char *path, size_t *len, char **msg)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, used = 0;

	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		if (asprintf(msg, "%s: no *.pkt scripts in this directory",
			     path) < 0)
			*msg = NULL;
		return NULL;
	}
	if (!f) {
		if (asprintf(msg, "cannot open %s: %s", path,
			     strerror(errno)) < 0)
			*msg = NULL;
		return NULL;
	}
	for (;;) {
		if (used + 4096 + 1 > cap) {
			size_t new_cap = cap ? cap * 2 : 65536;
			char *grown = realloc(buf, new_cap);

			if (!grown)
				break;
			buf = grown;
			cap = new_cap;
		}
		size_t n = fread(buf + used, 1, cap - used - 1, f);

		used += n;
		if (n == 0)
			break;
	}
	if (ferror(f) || !buf || used + 1 > cap) {
		if (asprintf(msg, "cannot read %s: %s", path,
			     ferror(f) ? strerror(errno) : "out of memory") < 0)
			*msg = NULL;
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* The diagnostics as the compiler-like text main used to print. */
static char *diag_text(const struct diag_list *diags, const char *text,
		       size_t len, int *line)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	diag_print(diags, text, len, f);
	fclose(f);
	while (size && buf[size - 1] == '\n')
		buf[--size] = '\0';
	*line = diags->count ? diags->items[0].loc.line : 0;
	return buf;
}

static struct job *new_job(struct job_list *list, enum job_kind kind,
			   const struct script_file *file, const char *family)
{
	struct job *job;

	if (list->count == list->capacity) {
		int cap = list->capacity ? list->capacity * 2 : 64;
		struct job *grown = realloc(list->jobs,
					    (size_t)cap * sizeof(*grown));

		if (!grown)
			return NULL;
		list->jobs = grown;
		list->capacity = cap;
	}
	job = &list->jobs[list->count];
	memset(job, 0, sizeof(*job));
	job->index = list->count++;
	job->kind = kind;
	job->file = file;
	job->path = file->path;
	job->family = family;
	return job;
}

static int add_message_job(struct job_list *list, enum job_kind kind,
			   const struct script_file *file, const char *family,
			   char *message, int line)
{
	struct job *job;

	if (!message)
		return -1;
	job = new_job(list, kind, file, family);
	if (!job) {
		free(message);
		return -1;
	}
	job->message = message;
	job->line = line;
	return 0;
}

/* The header's options, each checked once whatever the families, and
 * before the events so that a file's errors come in the file's order.
 */
static void check_header_options(const struct script *script,
				 const struct job_settings *set,
				 struct diag_list *diags)
{
	struct tool_settings tool = set->tool;
	struct run_config cfg;
	char msg[256];

	run_config_defaults(&cfg);
	for (int i = 0; i < script->option_count; i++) {
		const struct script_option *o = &script->options[i];

		if (option_apply(o->name, o->value, &cfg, &tool, msg,
				 sizeof(msg)) < 0)
			diag_add(diags, o->loc, "%s", msg);
	}
}

/* The family plan, the script's header, the command line, in that order:
 * each may override the one before.  The options were checked already.
 */
static void configure(const struct script_file *file, const char *family,
		      const struct job_settings *set, struct job *job)
{
	const struct script *script = file->script;
	struct tool_settings tool = set->tool;
	struct run_config *cfg = &job->cfg;
	char msg[256];

	run_config_defaults(cfg);
	option_apply("ip_version", family, cfg, &tool, msg, sizeof(msg));
	if (!strcmp(family, "ipv6"))
		cfg->plan.mtu = FAMILY_IPV6_MTU;
	for (int i = 0; i < script->option_count; i++)
		option_apply(script->options[i].name, script->options[i].value,
			     cfg, &tool, msg, sizeof(msg));
	for (int i = 0; i < set->option_count; i++)
		option_apply(set->options[i].name, set->options[i].value, cfg,
			     &tool, msg, sizeof(msg));
	cfg->script_dir = file->dir;
	cfg->trace = tool.verbose ? stdout : NULL;
	cfg->clock = tool.clock;
	if (tool.dry_run)
		job->kind = JOB_DRY_RUN;
}

/* The script time of its last event: a lower bound of how long it runs
 * (commands and `*` take what they take), which is enough to start the
 * long scripts of a suite first.
 */
static int64_t timeline_length(const struct script *script)
{
	int64_t t = 0;

	for (int i = 0; i < script->event_count; i++) {
		const struct event_time *et = &script->events[i].time;
		int64_t base = 0, end = t;

		switch (et->kind) {
		case TIME_ABSOLUTE:
			end = et->usecs;
			break;
		case TIME_ABSOLUTE_RANGE:
			end = et->end_usecs;
			break;
		case TIME_RELATIVE:
			base = t;
			end = t + et->usecs;
			break;
		case TIME_RELATIVE_RANGE:
			base = t;
			end = t + et->end_usecs;
			break;
		case TIME_ANY:
			base = t;
			break;
		}
		if (et->has_block_end && base + et->block_end_usecs > end)
			end = base + et->block_end_usecs;
		if (end > t)
			t = end;
	}
	return t;
}

static const char *pinned_family(const struct script *script)
{
	const char *pinned = NULL;

	for (int i = 0; i < script->option_count; i++)
		if (!strcmp(script->options[i].name, "ip_version") &&
		    script->options[i].value)
			pinned = family_name(script->options[i].value);
	return pinned;
}

/* The families file runs in; 0 of them when its name excludes every
 * family listed (*why says so).
 */
static int choose_families(const struct script_file *file,
			   const struct job_settings *set,
			   const char **out, const char **why)
{
	const char *pinned = pinned_family(file->script);
	bool only_v6 = ends_with(file->path, "v6.pkt");
	bool no_v6 = ends_with(file->path, "v4.pkt");
	int n = 0;

	*why = NULL;
	if (pinned) {
		out[0] = pinned;
		return 1;
	}
	if (set->family_count == 0) {
		out[0] = only_v6 ? "ipv6" : "ipv4";
		return 1;
	}
	for (int i = 0; i < set->family_count; i++) {
		bool v6 = !strcmp(set->families[i], "ipv6");

		if ((only_v6 && !v6) || (no_v6 && v6))
			continue;
		out[n++] = set->families[i];
	}
	if (n == 0)
		*why = only_v6 ? "runs only in ipv6 (its name ends in v6.pkt), "
			"which --ip_version does not list" :
			"never runs in ipv6 (its name ends in v4.pkt), the only "
			"family --ip_version lists";
	return n;
}

/* What the script must be in this job's family, known before it runs:
 * a script wrong in one family is an error there, and runs in the others.
 */
static int check_family(const struct script_file *file, struct job *job)
{
	struct diag_list diags;
	int rc = 0;

	diag_list_init(&diags, file->path);
	if (script_check_family(file->script, &job->cfg.plan, &diags) < 0 ||
	    diags.count) {
		job->kind = JOB_ERROR;
		job->message = diag_text(&diags, file->text, file->len,
					 &job->line);
		rc = job->message ? 0 : -1;
	}
	diag_list_free(&diags);
	return rc;
}

/* One run of file in family against each stack --stack lists. */
static int add_stack_jobs(struct job_list *list,
			  const struct script_file *file, const char *family,
			  const struct job_settings *set)
{
	int stacks = set->stack_count > 0 ? set->stack_count : 1;
	int rc = 0;

	for (int k = 0; k < stacks && rc == 0; k++) {
		struct job *job = new_job(list, JOB_RUN, file, family);

		if (!job)
			return -1;
		configure(file, family, set, job);
		job->length_usecs = timeline_length(file->script);
		job->stack = set->stack_count > 0 ? set->stacks[k] : NULL;
		job->stack_flags = set->stack_flags;
		rc = check_family(file, job);
	}
	return rc;
}

static int load(struct script_file *file, const struct job_settings *set,
		struct job_list *list)
{
	const char *families[8];
	struct diag_list diags;
	char *message = NULL;
	const char *why;
	int first = list->count;
	int n, line = 0, rc = 0;
	char *dir_copy;

	file->text = read_text(file->path, &file->len, &message);
	if (!file->text)
		return add_message_job(list, JOB_ERROR, file, NULL, message, 0);
	dir_copy = strdup(file->path);
	file->dir = dir_copy ? strdup(dirname(dir_copy)) : NULL;
	free(dir_copy);
	if (!file->dir)
		return -1;
	diag_list_init(&diags, file->path);
	if (script_parse(file->path, file->text, file->len, &file->script,
			 &diags) == 0)
		script_apply_defines(file->script, set->defines,
				     set->define_count);
	if (file->script)
		check_header_options(file->script, set, &diags);
	if (file->script && script_check(file->script, &diags) == 0 &&
	    diags.count == 0) {
		n = choose_families(file, set, families, &why);
		if (n == 0)
			rc = add_message_job(list, JOB_SKIP, file, NULL,
					     strdup(why), 0);
		for (int i = 0; i < n && rc == 0; i++)
			rc = add_stack_jobs(list, file, families[i], set);
	}
	if (rc == 0 && diags.count > 0) {
		/* One report for the file, not one per family. */
		list->count = first;
		message = diag_text(&diags, file->text, file->len, &line);
		rc = add_message_job(list, JOB_ERROR, file, NULL, message, line);
	}
	diag_list_free(&diags);
	return rc;
}

int jobs_build(char *const *paths, int path_count,
	       const struct job_settings *settings, struct job_list *list)
{
	struct path_list found = { 0 };
	int rc = expand(paths, path_count, &found);

	if (rc == 0 && found.count > 0) {
		list->files = calloc((size_t)found.count, sizeof(*list->files));
		if (!list->files)
			rc = -1;
	}
	for (int i = 0; rc == 0 && i < found.count; i++) {
		struct script_file *file = &list->files[list->file_count++];

		/* The file takes the path over from the list. */
		file->path = found.items[i];
		found.items[i] = NULL;
		rc = load(file, settings, list);
	}
	path_list_free(&found);
	return rc;
}

void jobs_shard(struct job_list *list, int shard, int shard_count)
{
	int kept = 0;

	for (int i = 0; i < list->count; i++) {
		struct job *job = &list->jobs[i];

		if (i % shard_count != shard - 1) {
			free(job->message);
			continue;
		}
		list->jobs[kept] = *job;
		list->jobs[kept].index = kept;
		kept++;
	}
	list->count = kept;
}

void jobs_free(struct job_list *list)
{
	for (int i = 0; i < list->count; i++)
		free(list->jobs[i].message);
	free(list->jobs);
	for (int i = 0; i < list->file_count; i++) {
		struct script_file *f = &list->files[i];

		script_free(f->script);
		free(f->text);
		free(f->dir);
		free(f->path);
	}
	free(list->files);
	memset(list, 0, sizeof(*list));
}
