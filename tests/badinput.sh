#!/bin/sh
# badinput.sh - hostile and malformed scripts are rejected cleanly.
#
# Each script of the bad-input corpus (tests/badinput/generate writes
# most of them, tests/badinput/*.pkt are written by hand) goes through
# `tcpcheck --dry_run`, which needs no kernel.  Each must end with exit
# status 2 (never a signal: status 128 or more), within the time limit
# (a hang is a failure), with a message located as file:line:col on the
# error stream, and with a bounded report: no line of it longer than 600
# bytes and no terminal control character in it, whatever the script
# holds.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

limit=${BADINPUT_TIMEOUT:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/badinput.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 tests/badinput/generate "$work/gen" >/dev/null || {
	echo "Bail out! tests/badinput/generate failed"
	exit 1
}
count=0
for script in tests/badinput/*.pkt "$work"/gen/*.pkt; do
	count=$((count + 1))
	name=${script#"$work"/}
	failed_before=$tap_failed
	status=0
	timeout -s KILL "$limit" "$TCPCHECK" --dry_run "$script" \
		>"$work/out" 2>"$work/err" || status=$?
	if [ "$status" -eq 137 ]; then
		tap_ok 1 "$name: no answer within $limit s"
		continue
	fi
	tap_ok "$([ "$status" -eq 2 ]; echo $?)" "$name exits 2 (got $status)"
	grep -q "^$(printf '%s' "$script" | sed 's/[][\.*^$]/\\&/g'):[0-9][0-9]*:[0-9][0-9]*: " \
		"$work/err"
	tap_ok $? "$name: the message says file:line:col"
	LC_ALL=C awk 'length($0) > 600 || /[\001-\010\013-\037\177]/ { bad = 1 }
		END { exit bad }' "$work/err"
	tap_ok $? "$name: the report is bounded and has no control characters"
	[ "$tap_failed" -eq "$failed_before" ] ||
		head -c 2000 "$work/err" | tap_diag
done
test "$count" -ge 200
tap_ok $? "the corpus holds at least 200 scripts ($count)"
tap_end
