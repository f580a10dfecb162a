/*
 * toolset.c - finding the guest's host files, and the record that saves
 * finding them again (toolset.h).
 */
#define _GNU_SOURCE
#include "toolset.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "host.h"

#define RECORD_MAGIC "tcpcheck toolset 1\n"
#define RECORD_KEEP 8		/* records kept in the cache folder */

/* Libraries a program loads with dlopen(), found by soname. */
static const char *const dlopened[] = { "libpcap.so.0.8", "libpcap.so.1",
					"libgcc_s.so.1" };

/* Host tools a script's commands may call that busybox lacks (its shell
 * runs its own applets first: ip, tc and sysctl are busybox's there).
 */
static const char *const tools[] = { "nstat", "ethtool" };

/* The python3 the guest gets: the system's, a packaged and stripped
 * build, when there is one; else the first in PATH (a pyenv build can
 * be five times the size, and its shim costs a second to resolve).
 */
static const char system_python[] = "/usr/bin/python3";

static int stamp_of(const char *path, struct file_stamp *st)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return -1;
	*st = (struct file_stamp){
		.ino = (uint64_t)sb.st_ino,
		.size = (uint64_t)sb.st_size,
		.mtime_sec = (int64_t)sb.st_mtim.tv_sec,
		.mtime_nsec = (int64_t)sb.st_mtim.tv_nsec,
	};
	return 0;
}

static int stamp_equal(const struct file_stamp *a, const struct file_stamp *b)
{
	return a->ino == b->ino && a->size == b->size &&
	       a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec;
}

/* A name the record can hold: absolute, no tab, no newline. */
static int name_ok(const char *name)
{
	return name[0] == '/' && !strpbrk(name, "\t\n");
}

void toolset_free(struct toolset *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->host[i]);
		free(s->guest[i]);
	}
	s->count = 0;
	s->python_home[0] = '\0';
}

static int add_stamped(struct toolset *s, const char *host, const char *guest,
		       unsigned mode, const struct file_stamp *stamp)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->guest[i], guest))
			return 0;
	if (s->count >= TOOLSET_MAX || !name_ok(host) || !name_ok(guest))
		return -1;
	s->host[s->count] = strdup(host);
	s->guest[s->count] = strdup(guest);
	if (!s->host[s->count] || !s->guest[s->count]) {
		free(s->host[s->count]);
		free(s->guest[s->count]);
		return -1;
	}
	s->mode[s->count] = mode;
	s->stamp[s->count] = *stamp;
	s->count++;
	return 0;
}

int toolset_add(struct toolset *s, const char *host, const char *guest,
		unsigned mode)
{
	struct file_stamp st;

	if (stamp_of(host, &st) < 0)
		return -1;
	return add_stamped(s, host, guest, mode, &st);
}

uint64_t toolset_hash(const struct toolset *s, uint64_t h)
{
	for (size_t i = 0; i < s->count; i++) {
		h = hash_bytes(h, s->host[i], strlen(s->host[i]) + 1);
		h = hash_bytes(h, s->guest[i], strlen(s->guest[i]) + 1);
		h = hash_bytes(h, &s->mode[i], sizeof(s->mode[i]));
		h = hash_bytes(h, &s->stamp[i], sizeof(s->stamp[i]));
	}
	return hash_bytes(h, s->python_home, strlen(s->python_home));
}

/* ---- finding the set ---- */

/* A program in PATH (or the sbin folders), or NULL. */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *list = NULL, *save = NULL, buf[PATH_MAX];

	if (asprintf(&list, "%s:/usr/sbin:/sbin", path ? path : "/usr/bin:/bin") < 0)
		return NULL;
	for (char *dir = strtok_r(list, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", dir, name);
		if (access(buf, X_OK) == 0) {
			free(list);
			return strdup(buf);
		}
	}
	free(list);
	return NULL;
}

static char *find_python(void)
{
	return access(system_python, X_OK) == 0 ? strdup(system_python) :
						  find_program("python3");
}

/* The libraries ldd names for an ELF file (all it loads, transitively),
 * added at their own paths.
 */
static int add_libraries(struct toolset *s, const char *elf,
			 struct error *err)
{
	char *argv[] = { "ldd", (char *)elf, NULL };
	char *out = NULL, *save = NULL;
	int rc = host_run(argv, &out, NULL, err);

	if (rc < 0)
		return error_set(err, "cannot run ldd: %s", err->text);
	for (char *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *arrow = strstr(line, "=> "), *path, *end;

		path = arrow ? arrow + 3 : line + strspn(line, " \t");
		if (*path != '/')
			continue;
		end = strchr(path, ' ');
		if (end)
			*end = '\0';
		if (toolset_add(s, path, path, 0755) < 0 && access(path, R_OK) == 0) {
			free(out);
			return error_set(err, "cannot add %s to the initramfs",
					 path);
		}
	}
	free(out);
	return 0;
}

/* The dlopen()ed libraries, where the loader's cache says they are. */
static void add_dlopened(struct toolset *s, struct error *err)
{
	char *argv[] = { "ldconfig", "-p", NULL }, *out = NULL, *save = NULL;

	if (host_run(argv, &out, NULL, err) < 0) {
		char *sbin[] = { "/sbin/ldconfig", "-p", NULL };

		if (host_run(sbin, &out, NULL, err) < 0)
			return;	/* tcpcheck itself will say what is missing */
	}
	for (char *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name = line + strspn(line, " \t"), *arrow;

		arrow = strstr(line, "=> ");
		if (!arrow || !strstr(line, "x86-64"))
			continue;
		for (size_t i = 0; i < sizeof(dlopened) / sizeof(*dlopened); i++)
			if (!strncmp(name, dlopened[i], strlen(dlopened[i])) &&
			    name[strlen(dlopened[i])] == ' ')
				(void)toolset_add(s, arrow + 3, arrow + 3, 0755);
	}
	free(out);
}

/* What code blocks (%{ }%, engine/run/code.c) import, and Python's start
 * (site, encodings): the modules python3 loads for the same imports, each
 * with its compiled copy, so that the guest's python3 neither searches
 * nor compiles.
 */
static const char python_modules[] =
	"import sys, textwrap, traceback, struct, socket, errno, os, time\n"
	"print('exe', os.path.realpath(sys.executable))\n"
	"print('home', sys.prefix)\n"
	"for m in list(sys.modules.values()):\n"
	"    f = getattr(m, '__file__', None)\n"
	"    c = getattr(m, '__cached__', None)\n"
	"    for p in (f, c):\n"
	"        if p: print(p)\n";

static int add_python(struct toolset *s, const char *python, struct error *err)
{
	char *argv[] = { (char *)python, "-c", (char *)python_modules, NULL };
	char *out = NULL, *save = NULL;
	int rc = 0;

	if (host_run(argv, &out, NULL, err) != 0) {
		free(out);
		return 0;	/* code blocks will say they need python3 */
	}
	for (char *line = strtok_r(out, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "exe /", 5))
			rc = toolset_add(s, line + 4, "/usr/bin/python3", 0755);
		else if (!strncmp(line, "home /", 6))
			snprintf(s->python_home, sizeof(s->python_home), "%s",
				 line + 5);
		else if (line[0] == '/' && access(line, R_OK) == 0)
			rc = toolset_add(s, line, line, 0644);
	}
	free(out);
	return rc < 0 ? error_set(err, "too many files for the initramfs") : 0;
}

struct roots {
	char self[PATH_MAX];
	char *busybox, *python, *tool[sizeof(tools) / sizeof(*tools)];
};

static void roots_free(struct roots *r)
{
	free(r->busybox);
	free(r->python);
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++)
		free(r->tool[i]);
}

static int roots_find(struct roots *r, struct error *err)
{
	ssize_t n;

	*r = (struct roots){ .busybox = NULL };
	n = readlink("/proc/self/exe", r->self, sizeof(r->self) - 1);
	if (n < 0)
		return error_set(err, "cannot find tcpcheck's own binary");
	r->self[n] = '\0';
	r->busybox = find_program("busybox");
	if (!r->busybox)
		return error_set(err, "busybox is not installed (Debian: "
				 "busybox-static)");
	r->python = find_python();
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++)
		r->tool[i] = find_program(tools[i]);
	return 0;
}

static int discover(struct toolset *s, const struct roots *r,
		    struct error *err)
{
	size_t roots;

	if (toolset_add(s, r->busybox, "/bin/busybox", 0755) < 0 ||
	    toolset_add(s, r->self, "/tcpcheck/bin/tcpcheck", 0755) < 0)
		return error_set(err, "cannot add busybox and tcpcheck to "
				 "the initramfs");
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++) {
		char guest[64];

		snprintf(guest, sizeof(guest), "/usr/sbin/%s", tools[i]);
		if (r->tool[i])
			(void)toolset_add(s, r->tool[i], guest, 0755);
	}
	add_dlopened(s, err);
	if (r->python && add_python(s, r->python, err) < 0)
		return -1;
	/* ldd of each program and each library found so far (python's
	 * extension modules among them): its answer is already closed.
	 */
	roots = s->count;
	for (size_t i = 0; i < roots; i++)
		if ((s->mode[i] & 0111 || strstr(s->host[i], ".so")) &&
		    add_libraries(s, s->host[i], err) < 0)
			return -1;
	return 0;
}

/* ---- the record ---- */

/* The record's name: a hash of everything that decides the set. */
static uint64_t record_key(const struct roots *r)
{
	const char *path = getenv("PATH");
	const char *names[4 + sizeof(tools) / sizeof(*tools)] = {
		r->self, r->busybox, r->python, "/etc/ld.so.cache",
	};
	uint64_t h = hash_bytes(HASH_INIT, RECORD_MAGIC, strlen(RECORD_MAGIC));

	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++)
		names[4 + i] = r->tool[i];
	h = hash_bytes(h, path ? path : "", path ? strlen(path) + 1 : 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		struct file_stamp st = { 0 };

		if (names[i]) {
			h = hash_bytes(h, names[i], strlen(names[i]) + 1);
			if (stamp_of(names[i], &st) == 0)
				h = hash_bytes(h, &st, sizeof(st));
		}
		h = hash_bytes(h, "|", 1);
	}
	return h;
}

char *toolset_format(const struct toolset *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs(RECORD_MAGIC, f);
	if (s->python_home[0])
		fprintf(f, "home %s\n", s->python_home);
	for (size_t i = 0; i < s->count; i++)
		fprintf(f, "file %o %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64
			" %s\t%s\n", s->mode[i], s->stamp[i].ino,
			s->stamp[i].size, s->stamp[i].mtime_sec,
			s->stamp[i].mtime_nsec, s->host[i], s->guest[i]);
	fputs("end\n", f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* One "file" line: its fields, and the file still as recorded. */
static int parse_file_line(struct toolset *s, char *line)
{
	struct file_stamp want, now;
	unsigned mode;
	int used = 0;
	char *tab;

	if (sscanf(line, "file %o %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64
		   " %n", &mode, &want.ino, &want.size, &want.mtime_sec,
		   &want.mtime_nsec, &used) != 5 || used == 0 || mode > 07777)
		return -1;
	line += used;
	tab = strchr(line, '\t');
	if (!tab)
		return -1;
	*tab = '\0';
	if (stamp_of(line, &now) < 0 || !stamp_equal(&want, &now))
		return -1;
	return add_stamped(s, line, tab + 1, mode, &want);
}

int toolset_parse(struct toolset *s, const char *text, size_t len)
{
	char *copy, *save = NULL, *line;
	int rc = -1, ended = 0;

	s->count = 0;
	s->python_home[0] = '\0';
	if (len < strlen(RECORD_MAGIC) || memchr(text, '\0', len) ||
	    memcmp(text, RECORD_MAGIC, strlen(RECORD_MAGIC)) ||
	    text[len - 1] != '\n' || !(copy = strndup(text, len)))
		return -1;
	for (line = strtok_r(copy + strlen(RECORD_MAGIC), "\n", &save);
	     line && !ended; line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "end"))
			ended = 1;
		else if (!strncmp(line, "home /", 6) &&
			 strlen(line + 5) < sizeof(s->python_home))
			strcpy(s->python_home, line + 5);
		else if (strncmp(line, "file ", 5) || parse_file_line(s, line) < 0)
			break;
	}
	/* Whole means: the end mark, then nothing. */
	if (ended && !line && s->count > 0)
		rc = 0;
	free(copy);
	if (rc < 0)
		toolset_free(s);
	return rc;
}

static void record_write(const char *dir, const char *path,
			 const struct toolset *s)
{
	char tmp[PATH_MAX + 64], *text = toolset_format(s);
	FILE *f = NULL;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path,
			     (int)getpid()) < sizeof(tmp) && text)
		f = fopen(tmp, "w");
	if (f) {
		int ok = fputs(text, f) >= 0;

		if (fclose(f) == 0 && ok && rename(tmp, path) == 0)
			cache_prune(dir, ".files", RECORD_KEEP);
		unlink(tmp);
	}
	free(text);	/* not recorded: found again next time, no harm */
}

int toolset_get(struct toolset *s, struct error *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct roots r;
	uint8_t *text = NULL;
	size_t len = 0;
	int rc = roots_find(&r, err);

	s->count = 0;
	s->python_home[0] = '\0';
	if (rc == 0)
		rc = cache_dir("initramfs", dir, sizeof(dir), err);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/%016" PRIx64 ".files", dir,
			 record_key(&r));
		if (read_whole(path, &text, &len, err) == 0 &&
		    toolset_parse(s, (const char *)text, len) == 0) {
			utimes(path, NULL);	/* used now: the last to go */
		} else {
			rc = discover(s, &r, err);
			if (rc == 0)
				record_write(dir, path, s);
		}
	}
	free(text);
	roots_free(&r);
	if (rc < 0)
		toolset_free(s);
	return rc;
}
