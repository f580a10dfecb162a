#!/bin/sh
# suite.sh - running many scripts: directories, -j, address families,
# the report formats (checked with prove's TAP parser, xmllint and jq),
# captures read back with tcpdump, time limits, retries of timing
# failures, and the exit status of each kind of outcome.
#
# The scripts are tests/suite/*.pkt, each saying what it does.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fx=tests/suite

# run WANT_STATUS DESCRIPTION ARGS...: stdout in $work/out, stderr in
# $work/err, the exit status in $status.
run() {
	want=$1
	what=$2
	shift 2
	status=0
	"$TCPCHECK" "$@" >"$work/out" 2>"$work/err" || status=$?
	tap_ok "$([ "$status" -eq "$want" ]; echo $?)" \
		"$what: exits $want (got $status)"
	[ "$status" -eq "$want" ] || { tap_diag <"$work/out"; tap_diag <"$work/err"; }
}

check() {	# check DESCRIPTION COMMAND...: a test point from a command
	what=$1
	shift
	"$@" >/dev/null 2>&1
	tap_ok $? "$what"
}

have() { command -v "$1" >/dev/null 2>&1; }

# ---- paths: directories are searched for *.pkt, in sorted order ----
run 0 "a directory" --dry_run --json="$work/tree.json" $fx/tree
check "only *.pkt, not hidden ones, sorted, subdirectories included" \
	test "$(jq -r '.results[].path' "$work/tree.json" | tr '\n' ' ')" = \
	"$fx/tree/a.pkt $fx/tree/b/x.pkt "
run 2 "a directory without scripts" $fx/empty
check "which it says" grep -q "no \*.pkt scripts" "$work/err"
run 2 "a path that does not exist" $fx/missing.pkt

# ---- -j: scripts at once ----
run 0 "four half-second scripts at -j 2" -j 2 --json="$work/par.json" \
	$fx/wait.pkt $fx/wait.pkt $fx/wait.pkt $fx/wait.pkt
check "end with the summary line" \
	test "$(tail -n 1 "$work/out")" = "4 passed, 0 failed, 0 skipped"
check "one line per script" test "$(grep -c '^PASS ' "$work/out")" -eq 4
wall=$(jq '.summary.duration' "$work/par.json")
sum=$(jq '[.results[].duration] | add' "$work/par.json")
check "and take about half the time they add up to ($wall s of $sum s)" \
	awk -v w="$wall" -v s="$sum" 'BEGIN { exit !(w < 0.75 * s) }'
run 0 "the same at -j 1" -j1 --json="$work/seq.json" $fx/wait.pkt $fx/wait.pkt
wall=$(jq '.summary.duration' "$work/seq.json")
check "take as long as they add up to ($wall s)" \
	awk -v w="$wall" 'BEGIN { exit !(w >= 1.0) }'

# ---- address families ----
run 0 "--ip_version with three families" \
	--ip_version=ipv4,ipv4-mapped-ipv6,ipv6 --json="$work/fam.json" \
	$fx/pass.pkt $fx/handshake-v4.pkt $fx/handshake-v6.pkt $fx/pinned.pkt
jq -r '.results[] | "\(.path | split("/") | last) \(.family)"' \
	"$work/fam.json" >"$work/families"
cat >"$work/families.want" <<EOF
pass.pkt ipv4
pass.pkt ipv4-mapped-ipv6
pass.pkt ipv6
handshake-v4.pkt ipv4
handshake-v4.pkt ipv4-mapped-ipv6
handshake-v6.pkt ipv6
pinned.pkt ipv4-mapped-ipv6
EOF
diff -u "$work/families.want" "$work/families" >"$work/diff"
tap_ok $? "each runs in its families: all, not ipv6 (v4.pkt), only ipv6 (v6.pkt), its header's"
tap_diag <"$work/diff"
run 1 "ipv6 with --mtu=1500 (no 1520-byte MTU, so MSS 1440)" \
	--ip_version=ipv6 --mtu=1500 $fx/pass.pkt
check "reports the MSS" grep -q "mss 1440" "$work/err"
run 125 "a script no listed family applies to (nothing runs)" \
	--ip_version=ipv4 $fx/handshake-v6.pkt
check "is a skip that says why" grep -q "runs only in ipv6" "$work/err"

# ---- formats ----
run 2 "--format=tap on a pass, a failure and a malformed script" \
	--format=tap $fx/pass.pkt $fx/fail.pkt $fx/bad.pkt
cp "$work/out" "$work/mixed.tap"
if have perl; then
	perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		my $yaml = 0;
		while (my $r = $p->next) {
			$yaml++ if $r->is_yaml && $r->data->{message} =~ /\n/;
		}
		exit !($p->version == 13 && $p->is_good_plan &&
		       !$p->parse_errors && $p->passed == 1 &&
		       $p->failed == 2 && $yaml == 2);' "$work/mixed.tap"
	tap_ok $? "TAP::Parser reads it: TAP 13, good plan, 1 passed, 2 failed, reports in YAML"
	run 0 "--format=tap on passing scripts" --format=tap $fx/pass.pkt $fx/tree/a.pkt
	cp "$work/out" "$work/pass.tap"
	check "prove accepts the result" prove -e cat "$work/pass.tap"
	check "prove refuses the failing one" sh -c "! prove -e cat '$work/mixed.tap'"
else
	tap_ok 0 "# SKIP perl's TAP::Parser is not installed"
fi

run 0 "--format=ktap --xfail with a failure" --format=ktap --xfail \
	$fx/pass.pkt $fx/fail.pkt
# Numbered in the order they finish, which is either here.
check "marks it XFAIL" grep -q "^ok [12] $fx/fail.pkt ipv4 # XFAIL$" "$work/out"
check "after its report as diagnostics" grep -q "^#   ack: expected 3, got 2" "$work/out"
check "and closes with kselftest's totals" grep -qx \
	"# Totals: pass:1 fail:0 xfail:1 xpass:0 skip:0 error:0" "$work/out"
run 1 "--format=ktap without --xfail" --format=ktap $fx/fail.pkt
check "says not ok" grep -q "^not ok 1 $fx/fail.pkt ipv4$" "$work/out"
run 0 "--format=ktap with a script that does not apply" --format=ktap \
	--ip_version=ipv4 $fx/pass.pkt $fx/handshake-v6.pkt
check "marks it SKIP" grep -q "^ok [12] $fx/handshake-v6.pkt # SKIP runs only in ipv6" "$work/out"

run 2 "--junit and --json on four outcomes" --junit="$work/r.xml" \
	--json="$work/r.json" $fx/pass.pkt $fx/fail.pkt $fx/bad.pkt $fx/quotes.pkt
check "the JUnit file is well-formed XML" xmllint --noout "$work/r.xml"
check "of the shape Jenkins and GitLab read" \
	xmllint --noout --schema $fx/junit.xsd "$work/r.xml"
check "with two failures and an error" test \
	"$(xmllint --xpath 'count(//failure)' "$work/r.xml")-$(xmllint --xpath 'count(//error)' "$work/r.xml")" = "2-1"
check "whose message keeps quotes, < and &" test \
	"$(xmllint --xpath 'string(//testcase[@name="quotes.pkt ipv4"]/failure)' "$work/r.xml")" = \
	"$fx/quotes.pkt:4: command \`printf '%s\\n' \"<a & b>\"; exit 3\` exited with status 3"
check "the JSON parses" jq -e . "$work/r.json"
check "with path, family, status, duration and line of each" jq -e '
	[.results[] | [.path, .family, .status, (.duration | type), .line]] ==
	[["tests/suite/pass.pkt", "ipv4", "pass", "number", null],
	 ["tests/suite/fail.pkt", "ipv4", "fail", "number", 15],
	 ["tests/suite/bad.pkt", null, "error", "number", 3],
	 ["tests/suite/quotes.pkt", "ipv4", "fail", "number", 4]]' "$work/r.json"
check "and each message whole, lines and quotes included" jq -e '
	(.results[1].message | test("\n  ack: expected 3, got 2$")) and
	(.results[3].message | contains("\"<a & b>\""))' "$work/r.json"
check "and the totals" jq -e '.summary | .passed == 1 and .failed == 3 and .errors == 1' "$work/r.json"

# ---- captures ----
run 1 "--pcap-dir with a pass and a failure" --pcap-dir="$work/pcap" \
	--json="$work/pcap.json" $fx/pass.pkt $fx/fail.pkt
pcap="$work/pcap/tests_suite_fail.ipv4.pcap"
check "keeps the failure's capture only" test "$(ls "$work/pcap")" = \
	"tests_suite_fail.ipv4.pcap"
check "names it in the report" grep -qxF "  capture: $pcap" "$work/err"
check "and in the JSON" jq -e --arg p "$pcap" '.results[1].capture == $p' "$work/pcap.json"
if have tcpdump; then
	tcpdump -nn -r "$pcap" >"$work/dump" 2>/dev/null
	tap_ok $? "tcpdump reads it"
	check "both directions, the injected SYN and the stack's SYN-ACK" \
		grep -q "192.0.2.1.[0-9]* > 192.168.0.1.8080: Flags \[S\]" "$work/dump"
	check "and the mismatching packet, ack 2" \
		grep -q "192.168.0.1.8080 > 192.0.2.1.[0-9]*: Flags \[\.\], ack 2," "$work/dump"
	tap_diag <"$work/dump"
else
	tap_ok 0 "# SKIP tcpdump is not installed"
fi
run 0 "--pcap-all" --pcap-dir="$work/all" --pcap-all --ip_version=ipv6 $fx/pass.pkt
check "keeps a passing script's capture too" test -s "$work/all/tests_suite_pass.ipv6.pcap"

# ---- time limit ----
start=$(date +%s)
run 1 "--timeout=1 on a script that hangs" --timeout=1 $fx/hang.pkt
took=$(($(date +%s) - start))
check "ends it within seconds (took $took s)" test "$took" -le 8
check "says where it hung" grep -qx "$fx/hang.pkt:4: timed out after 1 s" "$work/err"
# The bracket keeps pgrep from finding the sh -c running it.
check "and leaves no command running" sh -c '! pgrep -f "tcpcheck-suite-hang-marke[r]"'
run 1 "a timeout among other scripts, -j 2" -j2 --timeout=1 --json="$work/to.json" \
	$fx/hang.pkt $fx/pass.pkt
check "counts it as failed and timed out" \
	grep -qx "1 passed, 1 failed, 0 skipped, 1 timed out" "$work/out"
check "JSON says timed_out" jq -e '.results[0].timed_out and .summary.timed_out == 1' "$work/to.json"

# ---- retries ----
cp $fx/flaky.pkt "$work/flaky.pkt"
run 1 "a timing failure without --retries" "$work/flaky.pkt"
check "is a timing error" grep -q "flaky.pkt:13: timing error:" "$work/err"
rm -f "$work/flaky.marker"
run 0 "the same with --retries=1" --retries=1 --json="$work/flaky.json" \
	"$work/flaky.pkt" $fx/pass.pkt
check "is reported as flaky, not as a pass" grep -q "^FLAKY $work/flaky.pkt ipv4 (.*, 2 tries) line 13: timing error" "$work/out"
check "and counted apart" grep -qx "1 passed, 0 failed, 0 skipped, 1 flaky" "$work/out"
check "JSON: status flaky, 2 attempts, the retried failure" jq -e '
	.results[0] | .status == "flaky" and .attempts == 2 and .line == 13 and
	.failure == "timing" and (.message | contains("timing error"))' \
	"$work/flaky.json"
run 1 "a failure that is not about timing, --retries=2" --retries=2 \
	--json="$work/noretry.json" $fx/fail.pkt
check "is not retried: a mismatch" jq -e '.results[0] | .attempts == 1 and
	.failure == "mismatch"' "$work/noretry.json"
# --xfail=timing, decided on the runner's failure kind, not its words.
rm -f "$work/flaky.marker"
run 0 "--xfail=timing with a timing failure" --xfail=timing \
	--json="$work/xt.json" "$work/flaky.pkt"
check "is an expected failure" jq -e '.results[0] | .status == "xfail" and
	.failure == "timing"' "$work/xt.json"
run 1 "--xfail=timing with a mismatch" --xfail=timing $fx/fail.pkt

# ---- tcpcheck late: no verdict, run again ----
cp $fx/late.pkt "$work/late.pkt"
run 0 "tcpcheck late on the first run, no option" --json="$work/late.json" \
	"$work/late.pkt" $fx/pass.pkt
check "is run again and reported as flaky" jq -e '
	.results[0] | .status == "flaky" and .attempts == 2 and .line == 7 and
	.failure == "late" and
	(.message | contains("tcpcheck was late: system call due at 0.050 s"))' \
	"$work/late.json"
rm -f "$work/late.marker"
run 125 "the same with --late-retries=0" --late-retries=0 \
	--json="$work/late0.json" "$work/late.pkt"
check "is skipped after one attempt: the machine cannot run it" jq -e '
	.results[0] | .status == "skip" and .attempts == 1' "$work/late0.json"
check "saying tcpcheck was late, not the stack" grep -q \
	"late.pkt:7: tcpcheck was late: system call due at 0.050 s (tolerance .*), started at 0.3[0-9]* s: .* ms late (held up by the machine or by what ran before); the stack was not tested as scripted" \
	"$work/err"
printf '%s\n' '0 `sleep 0.1`' '0.01 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' \
	>"$work/always-late.pkt"
run 0 "always late, beside a script that passes" --json="$work/al.json" \
	"$work/always-late.pkt" $fx/pass.pkt
check "is tried three times, then skipped" jq -e '
	.results[0] | .status == "skip" and .attempts == 3' "$work/al.json"
check "and counted as skipped" grep -qx "1 passed, 0 failed, 1 skipped" "$work/out"
# ---- CPUs ----
# Runners side by side keep to different CPUs: two real-time runners
# on one CPU delay each other by milliseconds.  Each script records the
# CPUs its runner (the parent of its command) may use, while the other
# runs.
if [ "$(nproc)" -ge 2 ]; then
	for n in 1 2; do
		printf '%s\n' \
			"0 \`grep Cpus_allowed_list: /proc/\$PPID/status > $work/cpus.$n\`" \
			"+0.3 \`true\`" >"$work/cpus$n.pkt"
	done
	run 0 "two scripts at -j2" -j2 "$work/cpus1.pkt" "$work/cpus2.pkt"
	check "each runner keeps to one CPU, not the other's" sh -c '
		a=$(cut -f2 "$1"/cpus.1); b=$(cut -f2 "$1"/cpus.2)
		[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] &&
		[ "${a#*[-,]}" = "$a" ] && [ "${b#*[-,]}" = "$b" ]' sh "$work"
else
	tap_ok 0 "# SKIP one CPU: nothing to spread runners over"
	tap_ok 0 "# SKIP one CPU"
fi

# ---- exit statuses ----
run 0 "a passing script" $fx/pass.pkt
check "prints nothing (one script)" test ! -s "$work/out" -a ! -s "$work/err"
run 1 "a failing script" $fx/fail.pkt
run 2 "a script that does not parse" $fx/bad.pkt
run 2 "a malformed script among failing ones" $fx/fail.pkt $fx/bad.pkt
run 2 "-j 0" -j 0 $fx/pass.pkt
run 2 "--format=xml" --format=xml $fx/pass.pkt
run 2 "--ip_version=ipv5" --ip_version=ipv4,ipv5 $fx/pass.pkt
run 2 "--timeout=soon" --timeout=soon $fx/pass.pkt
run 2 "--mss=0" --mss=0 $fx/pass.pkt
tap_end
