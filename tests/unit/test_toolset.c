/*
 * test_toolset.c - the guest's host files and their record (vm/toolset.h).
 *
 * The record must give back exactly what was written, refuse anything
 * torn, altered or out of date, and spare a second run the search: a
 * stand-in ldd in PATH counts how often the search runs.
 */
#define _GNU_SOURCE
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "tap.h"
#include "vm/host.h"
#include "vm/toolset.h"

static char dir[] = "/tmp/test_toolset.XXXXXX";

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

static void make_set(struct toolset *s, const char *a, const char *b)
{
	*s = (struct toolset){ .count = 0 };
	tap_ok(toolset_add(s, a, "/bin/a", 0755) == 0, "a file is added");
	tap_ok(toolset_add(s, b, "/lib/b", 0644) == 0, "a second is added");
	tap_ok(toolset_add(s, b, "/lib/b", 0644) == 0 && s->count == 2,
	       "the same guest path twice is one file");
	tap_ok(toolset_add(s, "/nonexistent/x", "/x", 0644) < 0,
	       "a missing file is refused");
	tap_ok(toolset_add(s, a, "/bad\tname", 0644) < 0,
	       "a name the record cannot hold is refused");
	snprintf(s->python_home, sizeof(s->python_home), "/usr");
}

static void test_round_trip(const char *a, const char *b)
{
	struct toolset s, back;
	char *text;

	make_set(&s, a, b);
	text = toolset_format(&s);
	tap_ok(text != NULL, "the record is formatted");
	back = (struct toolset){ .count = 0 };
	tap_is_int(toolset_parse(&back, text, strlen(text)), 0,
		   "the record is read back");
	tap_is_int((int)back.count, 2, "with both files");
	tap_is_str(back.host[1], b, "at their host paths");
	tap_is_str(back.guest[0], "/bin/a", "and guest paths");
	tap_is_int((int)back.mode[1], 0644, "and modes");
	tap_is_str(back.python_home, "/usr", "and PYTHONHOME");
	tap_ok(toolset_hash(&s, HASH_INIT) == toolset_hash(&back, HASH_INIT),
	       "the set read back hashes as the set written");

	/* Every cut short of the whole is refused. */
	{
		size_t len = strlen(text), accepted = 0;

		for (size_t n = 0; n < len; n++) {
			struct toolset cut = { .count = 0 };

			accepted += toolset_parse(&cut, text, n) == 0;
			toolset_free(&cut);
		}
		tap_is_int((int)accepted, 0, "no torn record is taken");
	}
	free(text);
	toolset_free(&back);
	toolset_free(&s);
}

static int parse_text(const char *text)
{
	struct toolset s = { .count = 0 };
	int rc = toolset_parse(&s, text, strlen(text));

	toolset_free(&s);
	return rc;
}

static void test_refused(const char *a, const char *b)
{
	struct toolset s;
	struct timeval later[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	char *text, *bad;
	uint64_t before;

	make_set(&s, a, b);
	text = toolset_format(&s);
	before = toolset_hash(&s, HASH_INIT);
	tap_ok(text && asprintf(&bad, "%sfile 644 1 2 3 4 %s\t/c\n", text, b) > 0,
	       "a record with a line after its end");
	tap_is_int(parse_text(bad), -1, "is refused");
	free(bad);
	tap_is_int(parse_text("tcpcheck toolset 2\nend\n"), -1,
		   "another version is refused");
	tap_is_int(parse_text("tcpcheck toolset 1\nend\n"), -1,
		   "an empty set is refused");
	tap_is_int(parse_text("tcpcheck toolset 1\nfile x y\nend\n"), -1,
		   "a malformed line is refused");
	tap_is_int(parse_text("tcpcheck toolset 1\nfile 99999 1 1 1 1 /a\t/b\n"
			      "end\n"), -1, "a mode out of range is refused");

	/* A file changed since: its time no longer matches. */
	utimes(b, later);
	tap_is_int(parse_text(text), -1, "a file changed since is refused");
	toolset_free(&s);
	make_set(&s, a, b);
	tap_ok(toolset_hash(&s, HASH_INIT) != before,
	       "and the set found again hashes differently");
	free(text);
	toolset_free(&s);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/* toolset_get with a stand-in busybox and ldd in PATH, and the cache in
 * the test's folder: the search runs once, then the record serves.
 */
static void test_get_remembers(void)
{
	char bin[64], path[512], log[64], cache[64], ldd[128], bb[128];
	struct toolset s = { .count = 0 };
	struct timeval later[2] = { { 1100000000, 0 }, { 1100000000, 0 } };
	struct error err = { 0 };
	int first, second, third;

	snprintf(bin, sizeof(bin), "%s/bin", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	snprintf(log, sizeof(log), "%s/ldd.log", dir);
	snprintf(ldd, sizeof(ldd), "%s/ldd", bin);
	snprintf(bb, sizeof(bb), "%s/busybox", bin);
	mkdir(bin, 0755);
	snprintf(path, sizeof(path), "#!/bin/sh\necho \"$1\" >> %s\n", log);
	write_file(ldd, path, 0755);
	write_file(bb, "#!/bin/sh\n", 0755);
	snprintf(path, sizeof(path), "%s:/usr/bin:/bin", bin);
	setenv("PATH", path, 1);
	setenv("XDG_CACHE_HOME", cache, 1);

	tap_is_int(toolset_get(&s, &err), 0, "the set is found: %s", err.text);
	first = count_lines(log);
	tap_ok(first >= 2, "by running ldd (%d times)", first);
	tap_is_str(s.guest[0], "/bin/busybox", "busybox first");
	toolset_free(&s);

	tap_is_int(toolset_get(&s, &err), 0, "the set is got again");
	second = count_lines(log) - first;
	tap_is_int(second, 0, "from its record: ldd did not run");
	tap_is_str(s.host[0], bb, "the same busybox");
	toolset_free(&s);

	utimes(bb, later);
	tap_is_int(toolset_get(&s, &err), 0, "after busybox changed");
	third = count_lines(log) - first;
	tap_ok(third >= 2, "the set is found anew (%d ldd runs)", third);
	toolset_free(&s);
}

int main(void)
{
	char a[256], b[256];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	write_file(a, "program\n", 0755);
	write_file(b, "library\n", 0644);
	test_round_trip(a, b);
	test_refused(a, b);
	test_get_remembers();
	remove_tree(dir);
	return tap_done();
}
