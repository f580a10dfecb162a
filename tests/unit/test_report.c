/*
 * test_report.c - the report writers' exact output for a fixed suite.
 *
 * Six results cover every status (pass, fail with a capture, malformed,
 * skipped, flaky after a retry, an expected failure that timed out),
 * arrive out of suite order as they would with -j, and carry messages
 * with quotes, '<', '&', newlines, a tab, a control character, a '#' and
 * a byte that is not UTF-8, so each writer's escaping is pinned down.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "tap.h"

static const struct script_result results[] = {
	{ .index = 1, .path = "t/b.pkt", .family = "ipv6",
	  .status = RESULT_FAIL, .duration = 1.5, .line = 12,
	  .failure = "mismatch",
	  .message = "t/b.pkt:12: outbound packet does not match the script\n"
		     "  expected: > . 1:1(0) ack 3 \"q\" <x> & y\n"
		     "  actual:   > . 1:1(0) ack 2",
	  .capture = "pc/t_b.ipv6.pcap", .attempts = 1,
	  .spawned_ns = 100, .first_event_ns = 200, .last_event_ns = 300,
	  .exited_ns = 400 },
	{ .index = 0, .path = "t/a.pkt", .family = "ipv4",
	  .status = RESULT_PASS, .duration = 0.25, .attempts = 1,
	  .spawned_ns = 1, .first_event_ns = 2, .last_event_ns = 3,
	  .exited_ns = 4 },
	{ .index = 3, .path = "t/e-v6.pkt", .status = RESULT_SKIP,
	  .message = "runs only in ipv6", .attempts = 0 },
	{ .index = 2, .path = "t/c d.pkt", .status = RESULT_ERROR, .line = 3,
	  .failure = "bad_script",
	  .message = "t/c d.pkt:3:4: error: unknown system call 'conect'\n"
		     "+0 conect()\n   ^" },
	{ .index = 4, .path = "t/#f.pkt", .family = "ipv4-mapped-ipv6",
	  .status = RESULT_FLAKY, .duration = 0.5, .line = 5, .attempts = 2,
	  .failure = "timing",
	  .message = "t/#f.pkt:5: timing error:\tlate\x01 \xff!" },
	{ .index = 5, .path = "t/g.pkt", .family = "ipv4",
	  .status = RESULT_XFAIL, .duration = 1.0, .line = 7, .attempts = 1,
	  .timed_out = true, .message = "t/g.pkt:7: timed out after 1 s" },
};

#define N_RESULTS ((int)(sizeof(results) / sizeof(results[0])))

/* Everything the writer printed, for the suite above; caller frees. */
static char *render(struct reporter *(*make)(FILE *), bool skip_all)
{
	struct suite_summary sum = { .wall = 3.5, .started = 1700000000 };
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	struct reporter *rep = make(out);

	if (skip_all) {
		sum.skip_all = "cannot open /dev/net/tun: No such file";
		rep->ops->begin(rep, 0);
	} else {
		rep->ops->begin(rep, N_RESULTS);
		for (int i = 0; i < N_RESULTS; i++) {
			summary_add(&sum, &results[i]);
			rep->ops->script_done(rep, &results[i]);
		}
	}
	tap_ok(rep->ops->end(rep, &sum) == 0, "the writer reports success");
	rep->ops->free(rep);
	fclose(out);
	return buf;
}

static struct reporter *make_text(FILE *out)
{
	return report_text_new(out, out, true, false);
}

static const char tap_expected[] =
	"TAP version 13\n"
	"1..6\n"
	"not ok 1 - t/b.pkt ipv6\n"
	"  ---\n"
	"  status: fail\n"
	"  line: 12\n"
	"  duration: 1.500\n"
	"  message: \"t/b.pkt:12: outbound packet does not match the script\\n"
	"  expected: > . 1:1(0) ack 3 \\\"q\\\" <x> & y\\n  actual:   > . "
	"1:1(0) ack 2\"\n"
	"  capture: \"pc/t_b.ipv6.pcap\"\n"
	"  ...\n"
	"ok 2 - t/a.pkt ipv4\n"
	"ok 3 - t/e-v6.pkt # SKIP runs only in ipv6\n"
	"not ok 4 - t/c d.pkt\n"
	"  ---\n"
	"  status: error\n"
	"  line: 3\n"
	"  duration: 0.000\n"
	"  message: \"t/c d.pkt:3:4: error: unknown system call 'conect'\\n"
	"+0 conect()\\n   ^\"\n"
	"  ...\n"
	"ok 5 - t/\\#f.pkt ipv4-mapped-ipv6\n"
	"  ---\n"
	"  status: flaky\n"
	"  line: 5\n"
	"  duration: 0.500\n"
	"  attempts: 2\n"
	"  message: \"t/#f.pkt:5: timing error:\\tlate\\x01 \xef\xbf\xbd!\"\n"
	"  ...\n"
	"not ok 6 - t/g.pkt ipv4 # TODO expected failure\n"
	"  ---\n"
	"  status: xfail\n"
	"  line: 7\n"
	"  duration: 1.000\n"
	"  timed_out: true\n"
	"  message: \"t/g.pkt:7: timed out after 1 s\"\n"
	"  ...\n";

static const char ktap_expected[] =
	"TAP version 13\n"
	"1..6\n"
	"# t/b.pkt:12: outbound packet does not match the script\n"
	"#   expected: > . 1:1(0) ack 3 \"q\" <x> & y\n"
	"#   actual:   > . 1:1(0) ack 2\n"
	"# capture: pc/t_b.ipv6.pcap\n"
	"not ok 1 t/b.pkt ipv6\n"
	"ok 2 t/a.pkt ipv4\n"
	"ok 3 t/e-v6.pkt # SKIP runs only in ipv6\n"
	"# t/c d.pkt:3:4: error: unknown system call 'conect'\n"
	"# +0 conect()\n"
	"#    ^\n"
	"not ok 4 t/c d.pkt\n"
	"# flaky: passed on try 2; it failed with:\n"
	"#   t/#f.pkt:5: timing error:\tlate\x01 \xff!\n"
	"ok 5 t/#f.pkt ipv4-mapped-ipv6\n"
	"# t/g.pkt:7: timed out after 1 s\n"
	"ok 6 t/g.pkt ipv4 # XFAIL\n"
	"# Totals: pass:2 fail:1 xfail:1 xpass:0 skip:1 error:1\n";

static const char junit_expected[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<testsuites name=\"tcpcheck\" tests=\"6\" failures=\"1\" errors=\"1\" "
	"time=\"3.500\">\n"
	"  <testsuite name=\"tcpcheck\" tests=\"6\" failures=\"1\" errors=\"1\" "
	"skipped=\"2\" time=\"3.500\" timestamp=\"2023-11-14T22:13:20\">\n"
	"    <testcase classname=\"t\" name=\"a.pkt ipv4\" time=\"0.250\"/>\n"
	"    <testcase classname=\"t\" name=\"b.pkt ipv6\" time=\"1.500\">\n"
	"      <failure type=\"mismatch\" message=\"12: outbound packet does not "
	"match the script\">t/b.pkt:12: outbound packet does not match the "
	"script\n  expected: &gt; . 1:1(0) ack 3 &quot;q&quot; &lt;x&gt; "
	"&amp; y\n  actual:   &gt; . 1:1(0) ack 2</failure>\n"
	"      <system-err>capture: pc/t_b.ipv6.pcap</system-err>\n"
	"    </testcase>\n"
	"    <testcase classname=\"t\" name=\"c d.pkt\" time=\"0.000\">\n"
	"      <error type=\"bad-script\" message=\"3:4: error: unknown system "
	"call 'conect'\">t/c d.pkt:3:4: error: unknown system call "
	"'conect'\n+0 conect()\n   ^</error>\n"
	"    </testcase>\n"
	"    <testcase classname=\"t\" name=\"e-v6.pkt\" time=\"0.000\">\n"
	"      <skipped message=\"runs only in ipv6\"/>\n"
	"    </testcase>\n"
	"    <testcase classname=\"t\" name=\"#f.pkt ipv4-mapped-ipv6\" "
	"time=\"0.500\">\n"
	"      <system-out>flaky: passed on try 2; it failed with:\n"
	"t/#f.pkt:5: timing error:\tlate? &#xFFFD;!</system-out>\n"
	"    </testcase>\n"
	"    <testcase classname=\"t\" name=\"g.pkt ipv4\" time=\"1.000\">\n"
	"      <skipped message=\"7: timed out after 1 s\"/>\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

static const char json_expected[] =
	"{\n"
	"  \"tool\": \"tcpcheck\",\n"
	"  \"version\": \"" PACKAGE_VERSION "\",\n"
	"  \"summary\": {\"passed\": 1, \"failed\": 2, \"skipped\": 1, "
	"\"flaky\": 1, \"xfail\": 1, \"timed_out\": 0, \"errors\": 1, "
	"\"duration\": 3.500000, \"interrupted\": false, \"not_run\": null},\n"
	"  \"results\": [\n"
	"    {\"path\": \"t/a.pkt\", \"family\": \"ipv4\", \"status\": \"pass\", "
	"\"duration\": 0.250000, \"line\": null, \"failure\": null, \"message\": null, "
	"\"capture\": null, \"attempts\": 1, \"timed_out\": false, "
	"\"timeline_ns\": {\"spawn\": 1, \"first_event\": 2, "
	"\"last_event\": 3, \"exit\": 4}},\n"
	"    {\"path\": \"t/b.pkt\", \"family\": \"ipv6\", \"status\": \"fail\", "
	"\"duration\": 1.500000, \"line\": 12, \"failure\": \"mismatch\", "
	"\"message\": \"t/b.pkt:12: "
	"outbound packet does not match the script\\n  expected: > . 1:1(0) "
	"ack 3 \\\"q\\\" <x> & y\\n  actual:   > . 1:1(0) ack 2\", "
	"\"capture\": \"pc/t_b.ipv6.pcap\", \"attempts\": 1, "
	"\"timed_out\": false, \"timeline_ns\": {\"spawn\": 100, "
	"\"first_event\": 200, \"last_event\": 300, \"exit\": 400}},\n"
	"    {\"path\": \"t/c d.pkt\", \"family\": null, \"status\": \"error\", "
	"\"duration\": 0.000000, \"line\": 3, \"failure\": \"bad_script\", "
	"\"message\": \"t/c d.pkt:3:4: "
	"error: unknown system call 'conect'\\n+0 conect()\\n   ^\", "
	"\"capture\": null, \"attempts\": 0, \"timed_out\": false, "
	"\"timeline_ns\": {\"spawn\": null, \"first_event\": null, "
	"\"last_event\": null, \"exit\": null}},\n"
	"    {\"path\": \"t/e-v6.pkt\", \"family\": null, \"status\": \"skip\", "
	"\"duration\": 0.000000, \"line\": null, \"failure\": null, "
	"\"message\": \"runs only in "
	"ipv6\", \"capture\": null, \"attempts\": 0, \"timed_out\": false, "
	"\"timeline_ns\": {\"spawn\": null, \"first_event\": null, "
	"\"last_event\": null, \"exit\": null}},\n"
	"    {\"path\": \"t/#f.pkt\", \"family\": \"ipv4-mapped-ipv6\", "
	"\"status\": \"flaky\", \"duration\": 0.500000, \"line\": 5, "
	"\"failure\": \"timing\", "
	"\"message\": \"t/#f.pkt:5: timing error:\\tlate\\u0001 \\ufffd!\", "
	"\"capture\": null, \"attempts\": 2, \"timed_out\": false, "
	"\"timeline_ns\": {\"spawn\": null, \"first_event\": null, "
	"\"last_event\": null, \"exit\": null}},\n"
	"    {\"path\": \"t/g.pkt\", \"family\": \"ipv4\", \"status\": \"xfail\", "
	"\"duration\": 1.000000, \"line\": 7, \"failure\": null, "
	"\"message\": \"t/g.pkt:7: timed "
	"out after 1 s\", \"capture\": null, \"attempts\": 1, "
	"\"timed_out\": true, \"timeline_ns\": {\"spawn\": null, "
	"\"first_event\": null, \"last_event\": null, \"exit\": null}}\n"
	"  ]\n"
	"}\n";

static const char text_expected[] =
	"t/b.pkt:12: outbound packet does not match the script\n"
	"  expected: > . 1:1(0) ack 3 \"q\" <x> & y\n"
	"  actual:   > . 1:1(0) ack 2\n"
	"  capture: pc/t_b.ipv6.pcap\n"
	"FAIL  t/b.pkt ipv6 (1.50 s) line 12: outbound packet does not match "
	"the script\n"
	"PASS  t/a.pkt ipv4 (0.25 s)\n"
	"runs only in ipv6\n"
	"SKIP  t/e-v6.pkt (0.00 s) runs only in ipv6\n"
	"t/c d.pkt:3:4: error: unknown system call 'conect'\n"
	"+0 conect()\n"
	"   ^\n"
	"ERROR t/c d.pkt (0.00 s) line 3:4: error: unknown system call "
	"'conect'\n"
	"FLAKY t/#f.pkt ipv4-mapped-ipv6 (0.50 s, 2 tries) line 5: timing "
	"error:\tlate\x01 \xff!\n"
	"t/g.pkt:7: timed out after 1 s\n"
	"XFAIL t/g.pkt ipv4 (1.00 s) line 7: timed out after 1 s\n"
	"1 passed, 2 failed, 1 skipped, 1 flaky, 1 expected failure\n";

static void check_summary(void)
{
	struct suite_summary sum = { 0 };
	struct script_result timed_out = {
		.path = "x.pkt", .status = RESULT_FAIL, .timed_out = true,
	};
	char line[256];

	for (int i = 0; i < N_RESULTS; i++)
		summary_add(&sum, &results[i]);
	summary_add(&sum, &timed_out);
	summary_format(&sum, line, sizeof(line));
	tap_is_str(line, "1 passed, 3 failed, 1 skipped, 1 flaky, 1 timed "
		   "out, 1 expected failure", "the summary line counts each "
		   "kind once");
	tap_is_int(sum.total, N_RESULTS + 1, "every result is counted");
	tap_is_int(sum.errors, 1, "a malformed script is an error");
}

static void check_first_line(void)
{
	size_t len;
	const char *first = result_first_line(&results[0], &len);

	tap_is_int(len, strlen("12: outbound packet does not match the "
			       "script"), "the first line ends at the newline");
	tap_ok(!strncmp(first, "12: ", 4), "it starts after the path");
}

static void check_utf8(void)
{
	tap_is_int(utf8_sequence_length((const unsigned char *)"a"), 1,
		   "ASCII is one byte");
	tap_is_int(utf8_sequence_length((const unsigned char *)"\xc3\xa9"), 2,
		   "e acute is two bytes");
	tap_is_int(utf8_sequence_length((const unsigned char *)"\xe2\x82\xac"),
		   3, "the euro sign is three bytes");
	tap_is_int(utf8_sequence_length((const unsigned char *)"\xc0\xaf"), 0,
		   "an overlong form is refused");
	tap_is_int(utf8_sequence_length((const unsigned char *)"\xed\xa0\x80"),
		   0, "a surrogate is refused");
	tap_is_int(utf8_sequence_length((const unsigned char *)"\xe2\x82"), 0,
		   "a truncated sequence is refused");
}

static void check_writer(const char *name, struct reporter *(*make)(FILE *),
			 const char *expected)
{
	char *got = render(make, false);

	tap_is_str(got, expected, "%s output, byte for byte", name);
	free(got);
}

static void check_skip_all(void)
{
	char *got = render(report_tap_new, true);

	tap_is_str(got, "TAP version 13\n1..0 # SKIP cannot open /dev/net/tun: "
		   "No such file\n", "TAP says why nothing ran");
	free(got);
	got = render(report_ktap_new, true);
	tap_is_str(got, "TAP version 13\n1..0 # SKIP cannot open /dev/net/tun: "
		   "No such file\n", "KTAP says why nothing ran");
	free(got);
	got = render(report_json_new, true);
	tap_ok(got && strstr(got, "\"not_run\": \"cannot open /dev/net/tun: "
			     "No such file\"}") && strstr(got, "\"results\": []"),
	       "JSON says why nothing ran, with no results");
	free(got);
	got = render(report_junit_new, true);
	tap_ok(got && strstr(got, "tests=\"0\"") &&
	       strstr(got, "<system-err>cannot open /dev/net/tun: No such "
		      "file</system-err>"), "JUnit says why nothing ran");
	free(got);
}

/* --stack=kernel,lwip: runs whose verdicts differ, each stack's first
 * differing line and field; runs that agree are not listed.
 */
static void check_stack_differences(void)
{
	static const struct script_result runs[] = {
		{ .index = 0, .path = "a.pkt", .family = "ipv4",
		  .stack = "kernel", .status = RESULT_PASS },
		{ .index = 1, .path = "a.pkt", .family = "ipv4",
		  .stack = "lwip", .status = RESULT_FAIL, .line = 6,
		  .message = "a.pkt:6: outbound packet does not match the "
			     "script\n  expected: > S. 0:0(0) ack 1 win 0\n"
			     "  actual:   > S. 0:0(0) ack 1 win 9\n"
			     "  win: expected 0, got 9" },
		{ .index = 2, .path = "b.pkt", .family = "ipv4",
		  .stack = "kernel", .status = RESULT_PASS },
		{ .index = 3, .path = "b.pkt", .family = "ipv4",
		  .stack = "lwip", .status = RESULT_PASS },
		{ .index = 4, .path = "c.pkt", .family = "ipv6",
		  .stack = "kernel", .status = RESULT_FAIL, .line = 3,
		  .message = "c.pkt:3: read(3, ..., 10) returned 0, expected "
			     "10" },
		{ .index = 5, .path = "c.pkt", .family = "ipv6",
		  .stack = "lwip", .status = RESULT_PASS },
		{ .index = 6, .path = "c.pkt", .family = "ipv6",
		  .stack = "./my.so", .status = RESULT_SKIP,
		  .message = "line 2: my.so sends no SACK options" },
		{ .index = 7, .path = "d.pkt", .family = "ipv4",
		  .stack = "kernel", .status = RESULT_SKIP,
		  .message = "needs root" },
		{ .index = 8, .path = "d.pkt", .family = "ipv4",
		  .stack = "lwip", .status = RESULT_PASS },
	};
	struct result_list list = { 0 };
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	for (int i = 8; i >= 0; i--)
		result_list_add(&list, &runs[i]);
	report_stack_differences(out, &list);
	fclose(out);
	tap_is_str(buf, "verdicts differ between stacks in 2 runs:\n"
		   "  a.pkt ipv4: kernel pass; lwip fail at line 6: outbound "
		   "packet does not match the script (win: expected 0, got "
		   "9)\n"
		   "  c.pkt ipv6: kernel fail at line 3: read(3, ..., 10) "
		   "returned 0, expected 10; lwip pass; ./my.so skip: line 2: "
		   "my.so sends no SACK options\n",
		   "the runs whose verdicts differ, in suite order; a skip is "
		   "no verdict");
	free(buf);
	result_list_free(&list);
}

int main(void)
{
	check_stack_differences();
	check_summary();
	check_first_line();
	check_utf8();
	check_writer("TAP", report_tap_new, tap_expected);
	check_writer("KTAP", report_ktap_new, ktap_expected);
	check_writer("JUnit", report_junit_new, junit_expected);
	check_writer("JSON", report_json_new, json_expected);
	check_writer("terminal", make_text, text_expected);
	check_skip_all();
	return tap_done();
}
