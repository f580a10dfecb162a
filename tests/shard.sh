#!/bin/sh
# shard.sh - --shard=I/N (no kernel: the runs are checked with --dry_run).
#
# For several N, the N shards together hold every run of the suite
# (script x family) exactly once, each shard holds its fair share, a
# shard is the same every time, and tcpcheck-merge joins the shards'
# JSON and JUnit reports into the whole suite's.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
merge=$top_srcdir/scripts/tcpcheck-merge
families=--ip_version=ipv4,ipv4-mapped-ipv6,ipv6

# The runs a TAP report lists: "path family", one a line.
runs() {
	"$TCPCHECK" --dry_run "$families" --format=tap "$@" testcases/ |
		sed -n 's/^ok [0-9]* - //p'
}

runs >"$work/all"
total=$(wc -l <"$work/all")
sort "$work/all" >"$work/all.sorted"
tap_ok "$([ "$total" -gt 100 ]; echo $?)" "the whole suite has $total runs"

for n in 1 2 3 7; do
	: >"$work/union"
	fair=0
	i=1
	while [ "$i" -le "$n" ]; do
		runs --shard="$i/$n" >"$work/shard$i"
		size=$(wc -l <"$work/shard$i")
		# Each shard holds total/N runs, rounded up or down.
		[ $((size * n)) -le $((total + n - 1)) ] &&
			[ $((size * n)) -ge $((total - n + 1)) ] || fair=1
		cat "$work/shard$i" >>"$work/union"
		i=$((i + 1))
	done
	tap_ok "$fair" "--shard=I/$n: each of the $n shards holds its share of $total runs"
	dups=$(sort "$work/union" | uniq -d)
	tap_ok "$([ -z "$dups" ]; echo $?)" "--shard=I/$n: no run is in two shards"
	sort "$work/union" | cmp -s - "$work/all.sorted"
	tap_ok $? "--shard=I/$n: the shards together are the whole suite"
done

runs --shard=2/7 >"$work/again"
cmp -s "$work/again" "$work/shard2"
tap_ok $? "a shard is the same run to run"

# Reports: the merged shards' are the whole suite's.
"$TCPCHECK" --dry_run "$families" --json="$work/all.json" \
	--junit="$work/all.xml" testcases/ >/dev/null
for i in 1 2 3; do
	"$TCPCHECK" --dry_run "$families" --shard="$i/3" \
		--json="$work/s$i.json" --junit="$work/s$i.xml" testcases/ >/dev/null
done
status=0
"$merge" "$work"/s1.json "$work"/s2.json "$work"/s3.json >"$work/merged.json" ||
	status=$?
tap_ok "$status" "tcpcheck-merge joins the shards' JSON reports"
fields='[.summary.passed, .summary.failed, .summary.errors, .summary.skipped] + [.results[] | [.path, .family, .status]]'
jq -c "$fields" "$work/all.json" >"$work/want"
jq -c "$fields" "$work/merged.json" >"$work/got"
cmp -s "$work/want" "$work/got"
tap_ok $? "... into the whole suite's: totals and every result, in suite order"

status=0
"$merge" "$work"/s3.xml "$work"/s1.xml "$work"/s2.xml >"$work/merged.xml" ||
	status=$?
tap_ok "$status" "tcpcheck-merge joins the shards' JUnit reports"
xmllint --noout "$work/merged.xml" 2>"$work/err"
tap_ok $? "... into well-formed XML"
tap_diag <"$work/err"
cases() {
	xmllint --xpath '//testcase/@name | //testcase/@classname | //testsuite/@tests' "$1" |
		tr ' ' '\n' | sed '/^$/d'
}
cases "$work/all.xml" >"$work/want"
cases "$work/merged.xml" >"$work/got"
cmp -s "$work/want" "$work/got"
tap_ok $? "... with the whole suite's test count and testcases, in suite order"

status=0
"$merge" "$work/s1.json" "$work/s1.xml" >/dev/null 2>"$work/err" || status=$?
tap_ok "$([ "$status" -eq 2 ]; echo $?)" "tcpcheck-merge refuses mixed formats (exit 2)"

for bad in 0/3 4/3 1/0 x 1/ /3 1/3x; do
	status=0
	"$TCPCHECK" --dry_run --shard="$bad" testcases/ >/dev/null 2>"$work/err" ||
		status=$?
	said=1
	grep -q -- "--shard takes I/N" "$work/err" && said=0
	tap_ok "$([ "$status" -eq 2 ] && [ "$said" -eq 0 ]; echo $?)" \
		"--shard=$bad is a usage error (exit 2, with the form)"
done
tap_end
