/*
 * fuzz_script.c - libFuzzer target: the script front end on any bytes.
 *
 * Does what `tcpcheck --dry_run` does with a file: script_parse() on the
 * buffer, script_check() on the tree, then renders the diagnostics (with
 * source line and caret) and the tree dump, so every pass that reads
 * untrusted text is exercised.  Built with libFuzzer under
 * --enable-fuzzing, and linked with tests/fuzz/replay.c into an ordinary
 * sanitized program that `make check` runs over tests/fuzz-regressions.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run/check.h"
#include "diag.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	struct script *script = NULL;
	FILE *sink = fopen("/dev/null", "w");

	diag_list_init(&diags, "fuzz.pkt");
	if (script_parse("fuzz.pkt", (const char *)data, size, &script,
			 &diags) == 0) {
		script_check(script, &diags);
		if (sink)
			script_dump(script, sink);
	}
	if (sink) {
		diag_print(&diags, (const char *)data, size, sink);
		fclose(sink);
	}
	script_free(script);
	diag_list_free(&diags);
	return 0;
}
