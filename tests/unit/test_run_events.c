/*
 * test_run_events.c - a run's trace and failure read back into its
 * story (cli/run_events.c), and the ladder and the SVG drawn from it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_html.h"
#include "run_events.h"
#include "tap.h"

static const char trace[] =
	"  0.000033 packet times: the kernel's (a packet socket on tun0)\n"
	"  0.000158 line 10: socket(..., SOCK_STREAM, IPPROTO_TCP) = 11\n"
	"  0.000526 line 14: < S 0:0(0) win 32792 <mss 1000>   [live: seq 0 "
	"ack 0, ports 61001>8080]\n"
	"  0.000529 timing: line 14 inbound packet: script 0.000312 s, "
	"kernel 0.000365534 s: +53.5 us\n"
	"  0.000560 line 15: > S. 0:0(0) ack 1 win 64240 <mss 1460>   "
	"[live: seq 1 ack 1, ports 8080>61001]\n"
	"  0.000562 timing: line 15 outbound packet: script 0.000365 s, "
	"kernel 0.000430097 s: +65.1 us; read 113.6 us later\n"
	"  0.112884 line 26: read(4, ..., 1000) starts\n"
	"  0.112923 line 26: read(4, ..., 1000) = 0\n";

static const char message[] =
	"x.pkt:19: outbound packet does not match the script\n"
	"  expected: > . 1:1(0) ack 1 win 65535\n"
	"  actual:   > . 1:1(0) ack 1 win 502\n"
	"  win: expected 65535, got 502\n";

int main(void)
{
	char path[] = "/tmp/test_run_events.XXXXXX";
	struct script_result res = {
		.path = "x.pkt", .family = "ipv4", .status = RESULT_FAIL,
		.line = 19, .message = message, .events = path,
		.tolerance_usecs = 4000, .tolerance_percent = 12.5,
	};
	struct run_story st;
	char *out = NULL;
	size_t size = 0;
	FILE *f;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, trace, strlen(trace)) < 0)
		return 99;
	close(fd);
	tap_is_int(run_story_read(&st, &res), 0, "the story is read");
	tap_is_int(st.count, 4, "four events: a call, two packets, a call");
	tap_ok(st.events[1].kind == RUN_EVENT_INBOUND &&
	       st.events[1].line == 14 &&
	       !strcmp(st.events[1].text, "< S 0:0(0) win 32792 <mss 1000>"),
	       "the SYN, without its live numbers");
	tap_ok(st.events[2].has_script_at &&
	       st.events[2].script_at == 0.000365 &&
	       st.events[2].at == 0.000430097,
	       "the SYN-ACK's script and kernel times");
	tap_is_str(st.events[3].text, "read(4, ..., 1000) = 0",
		   "a blocking call once, with its result");
	tap_ok(st.failure.failed && st.failure.line == 19 &&
	       st.failure.outbound, "the failure at line 19, outbound");
	tap_is_str(st.failure.actual, "> . 1:1(0) ack 1 win 502", "actual");
	tap_ok(st.failure.field_count == 1 &&
	       !strcmp(st.failure.fields[0].name, "win") &&
	       !strcmp(st.failure.fields[0].expected, "65535") &&
	       !strcmp(st.failure.fields[0].actual, "502"), "the win field");
	tap_ok(run_word_differs("a b c", "a x c", 1) &&
	       !run_word_differs("a b c", "a x c", 2), "word differences");
	tap_ok(run_story_tolerance(&st, 1.0, 0.0) == 0.125 &&
	       run_story_tolerance(&st, 0.01, 0.0) == 0.004,
	       "the tolerance: the larger of 4 ms and 12.5%%");

	f = open_memstream(&out, &size);
	ladder_write(f, &res, &st);
	fclose(f);
	tap_ok(strstr(out, "|  actual:   . 1:1(0) ack 1 win 502\n"
		      "                    |" "            "
		      "                   ^^^\n") != NULL,
	       "the ladder marks the window under the actual packet");
	free(out);
	f = open_memstream(&out, &size);
	svg_write(f, &st);
	fclose(f);
	tap_ok(strstr(out, "<tspan class=\"diff\">502</tspan>") &&
	       strstr(out, "id=\"ev-fail\""), "the SVG marks it too");
	free(out);
	run_story_free(&st);
	unlink(path);
	return tap_done();
}
