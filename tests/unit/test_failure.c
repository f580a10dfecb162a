/*
 * test_failure.c - failures as values: the record a runner sends its
 * parent (engine/session/report_wire.c), read back whole, cut short or
 * garbled; and what the suite decides from the fields alone
 * (cli/verdict.c): retries on timing and on tcpcheck late, never on a
 * mismatch, whatever the words.
 */
#include "config.h"

#include <string.h>

#include "core/error.h"
#include "session/report_wire.h"
#include "verdict.h"
#include "tap.h"

static void test_round_trip(void)
{
	uint8_t buf[REPORT_WIRE_MAX];
	struct error in, out;
	size_t len;

	error_set(&in, "t.pkt:7: timing error: outbound packet expected at "
		  "0.100 s (tolerance \u00b10.004 s), seen at 0.120 s: 20.0 ms "
		  "late\n  second line");
	error_locate(&in, 7, FAILURE_TIMING);
	len = report_wire_encode(&in, buf, sizeof(buf));
	tap_is_int((int)len, (int)(REPORT_WIRE_HEADER + strlen(in.text)),
		   "a record is its header and its text");
	tap_is_int(report_wire_decode(buf, len, &out), 0, "it reads back");
	tap_is_str(out.text, in.text, "... the text byte for byte");
	tap_is_int(out.line, 7, "... the line");
	tap_is_int(out.kind, FAILURE_TIMING, "... the kind");
	tap_is_int(report_wire_encode(&in, buf, len - 1), 0,
		   "a buffer too small takes nothing");

	memset(in.text, 'x', sizeof(in.text) - 1);
	in.text[sizeof(in.text) - 1] = '\0';
	error_locate(&in, 1 << 30, FAILURE_BAD_SCRIPT);
	len = report_wire_encode(&in, buf, sizeof(buf));
	tap_ok(len <= REPORT_WIRE_MAX && report_wire_decode(buf, len, &out) == 0 &&
	       strlen(out.text) == sizeof(in.text) - 1 && out.line == 1 << 30,
	       "the longest text and a large line fit REPORT_WIRE_MAX");

	error_set(&in, "%s", "");
	len = report_wire_encode(&in, buf, sizeof(buf));
	tap_ok(report_wire_decode(buf, len, &out) == 0 && !out.text[0] &&
	       out.kind == FAILURE_NONE && out.line == 0,
	       "an empty error reads back empty");
}

static void test_bad_records(void)
{
	uint8_t buf[REPORT_WIRE_MAX], copy[REPORT_WIRE_MAX];
	struct error in, out;
	size_t len, bad = 0;

	error_set(&in, "t.pkt:3: outbound packet does not match the script");
	error_locate(&in, 3, FAILURE_MISMATCH);
	len = report_wire_encode(&in, buf, sizeof(buf));
	/* Every cut a crash can make: each is refused, in bounds. */
	for (size_t n = 0; n < len; n++)
		if (report_wire_decode(buf, n, &out) != -1 ||
		    out.kind != FAILURE_ENVIRONMENT || out.line != 0 ||
		    !out.text[0])
			bad++;
	tap_is_int((int)bad, 0, "each of %zu truncations is a clear error",
		   len);
	report_wire_decode(buf, 5, &out);
	tap_is_str(out.text, "the runner's report was cut short: 5 bytes, "
		   "less than its 16-byte header", "... saying so");
	report_wire_decode(buf, len - 1, &out);
	tap_ok(strstr(out.text, "cut short or garbled") != NULL,
	       "a text cut short is one: %s", out.text);

	memcpy(copy, buf, len);
	copy[0] = 'X';
	tap_is_int(report_wire_decode(copy, len, &out), -1,
		   "garbage is refused");
	tap_is_str(out.text, "the runner sent something that is not a report "
		   "(66 bytes)", "... as not a report");
	memcpy(copy, buf, len);
	copy[4] = REPORT_WIRE_VERSION + 1;
	tap_is_int(report_wire_decode(copy, len, &out), -1,
		   "another version is refused");
	memcpy(copy, buf, len);
	copy[5] = FAILURE_KIND_COUNT;
	tap_is_int(report_wire_decode(copy, len, &out), -1,
		   "an unknown kind is refused");
	memcpy(copy, buf, len);
	copy[6] = 0xc8;	/* found by tests/fuzz/fuzz_report.c */
	tap_is_int(report_wire_decode(copy, len, &out), -1,
		   "reserved bytes that are not 0 are refused");
	memcpy(copy, buf, len);
	copy[15] = 0x80;	/* a text length of 2 GiB */
	tap_is_int(report_wire_decode(copy, len, &out), -1,
		   "a text longer than the record is refused");
	memcpy(copy, buf, sizeof(buf));
	tap_is_int(report_wire_decode(copy, len + 1, &out), -1,
		   "a byte after the text is refused");
}

static bool judge(const struct suite_options *opts, int outcome,
		  enum failure_kind kind, int attempts, int *late,
		  enum result_status *status)
{
	struct attempt a = { .outcome = outcome, .kind = kind };
	struct attempt_counts c = { .attempts = attempts, .late = *late };
	bool retry = verdict_judge(opts, false, &a, &c, status);

	*late = c.late;
	return retry;
}

static void test_verdicts(void)
{
	struct suite_options opts = { .retries = 1, .late_retries = 1 };
	enum result_status st = RESULT_PASS;
	struct attempt a = { .outcome = OUTCOME_MISMATCH,
			     .kind = FAILURE_TIMING };
	struct attempt_counts c = { .attempts = 1 };
	int late = 0;

	tap_ok(judge(&opts, OUTCOME_MISMATCH, FAILURE_TIMING, 1, &late, &st),
	       "a timing failure is retried");
	tap_ok(judge(&opts, OUTCOME_MISMATCH, FAILURE_MISSING_PACKET, 1,
		     &late, &st), "a missing packet is retried");
	tap_ok(!judge(&opts, OUTCOME_MISMATCH, FAILURE_MISMATCH, 1, &late,
		      &st) && st == RESULT_FAIL,
	       "a mismatch is not: it fails");
	tap_ok(!judge(&opts, OUTCOME_MISMATCH, FAILURE_NONE, 1, &late, &st) &&
	       st == RESULT_FAIL, "nor a failure of no kind");
	tap_ok(!judge(&opts, OUTCOME_MISMATCH, FAILURE_TIMING, 2, &late,
		      &st) && st == RESULT_FAIL,
	       "a timing failure fails once --retries are spent");
	tap_ok(judge(&opts, OUTCOME_LATE, FAILURE_LATE, 1, &late, &st) &&
	       late == 1, "tcpcheck late is retried, and counted");
	tap_ok(judge(&opts, OUTCOME_MISMATCH, FAILURE_TIMING, 2, &late,
		     &st), "late attempts do not spend --retries");
	tap_ok(!judge(&opts, OUTCOME_LATE, FAILURE_LATE, 3, &late, &st) &&
	       st == RESULT_SKIP && late == 2,
	       "late again past --late-retries: skipped, not failed");
	tap_ok(!judge(&opts, OUTCOME_BAD_SCRIPT, FAILURE_BAD_SCRIPT, 1, &late,
		      &st) && st == RESULT_ERROR, "a bad script is an error");
	tap_ok(!judge(&opts, OUTCOME_ENVIRONMENT, FAILURE_ENVIRONMENT, 1,
		      &late, &st) && st == RESULT_SKIP,
	       "the environment skips");
	tap_ok(!verdict_judge(&opts, true, &a, &c, &st) && st == RESULT_FAIL,
	       "no retry while the suite stops");

	opts.retries = 0;
	opts.xfail = XFAIL_TIMING;
	late = 0;
	tap_ok(!judge(&opts, OUTCOME_MISMATCH, FAILURE_TIMING, 1, &late, &st) &&
	       st == RESULT_XFAIL, "--xfail=timing expects a timing failure");
	tap_ok(!judge(&opts, OUTCOME_MISMATCH, FAILURE_MISSING_PACKET, 1,
		      &late, &st) && st == RESULT_XFAIL,
	       "... and a missing packet");
	tap_ok(!judge(&opts, OUTCOME_MISMATCH, FAILURE_MISMATCH, 1, &late,
		      &st) && st == RESULT_FAIL, "... not a mismatch");
	a.timed_out = true;
	tap_ok(!verdict_judge(&opts, false, &a, &c, &st) && st == RESULT_FAIL,
	       "... nor a run stopped by --timeout");
	opts.xfail = XFAIL_ALL;
	tap_ok(!judge(&opts, OUTCOME_MISMATCH, FAILURE_MISMATCH, 1, &late,
		      &st) && st == RESULT_XFAIL, "--xfail expects a mismatch");
	tap_ok(!judge(&opts, OUTCOME_BAD_SCRIPT, FAILURE_BAD_SCRIPT, 1, &late,
		      &st) && st == RESULT_ERROR, "... not a bad script");
}

static void test_kinds(void)
{
	bool ok = true;

	for (int k = 0; k < FAILURE_KIND_COUNT; k++)
		if (k != FAILURE_NONE &&
		    failure_kind_of(failure_outcome((enum failure_kind)k)) !=
		    (failure_is_timing((enum failure_kind)k) ?
		     FAILURE_MISMATCH : (enum failure_kind)k))
			ok = false;
	tap_ok(ok, "each kind's outcome gives the kind back (timing and "
	       "missing packet: a mismatch)");
	tap_is_str(failure_kind_name(FAILURE_MISSING_PACKET), "missing_packet",
		   "kinds have names");
	tap_ok(!failure_is_timing(FAILURE_LATE),
	       "tcpcheck late is not the stack's timing");
}

int main(void)
{
	test_round_trip();
	test_bad_records();
	test_verdicts();
	test_kinds();
	return tap_done();
}
