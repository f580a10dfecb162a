/*
 * replay.c - run a fuzz target's saved inputs without libFuzzer.
 *
 * Linked with one target (fuzz_script.c, fuzz_packet.c, fuzz_report.c)
 * and the sanitized library, this is an ordinary gcc-built test program: it
 * feeds every file of $top_srcdir/tests/fuzz-regressions/TARGET/ to
 * LLVMFuzzerTestOneInput(), one TAP line each.  An input that crashes or
 * trips a sanitizer aborts the program, which the test harness reports
 * as a failure, with the file named on the line before.  So every crash
 * the fuzzer ever found stays fixed, on machines without clang too.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET names the directory under tests/fuzz-regressions"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(n ? (size_t)n : 1))) {
		*len = fread(buf, 1, (size_t)n, f);
		if (*len != (size_t)n) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], path[8192];
	char **names = NULL;
	int count = 0;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz-regressions/%s",
		 top ? top : ".", FUZZ_TARGET);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		char **grown;

		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, (size_t)(count + 1) * sizeof(*names));
		if (!grown)
			break;
		names = grown;
		names[count++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	tap_ok(count > 0, "%s holds regression inputs (%d)", dir, count);
	qsort(names, (size_t)count, sizeof(*names), by_name);
	for (int i = 0; i < count; i++) {
		size_t len = 0;
		uint8_t *data;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		printf("# replaying %s\n", path);
		fflush(stdout);
		data = read_file(path, &len);
		if (data)
			LLVMFuzzerTestOneInput(data, len);
		tap_ok(data != NULL, "%s/%s replays", FUZZ_TARGET, names[i]);
		free(data);
		free(names[i]);
	}
	free(names);
	return tap_done();
}
