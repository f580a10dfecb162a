#!/bin/sh
# report-modes.sh - --dump and --color, which need no kernel.
#
# --dump prints a script in the canonical form the golden files hold and
# runs nothing (exit 0), or a bad script's located errors (exit 2).
# --color=always colours the labels of a report, and never neither
# --color=never nor --color=auto writing to a file (not a terminal)
# puts an escape sequence in it.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
esc=$(printf '\033')

for name in blocking close commands endpoints handshake-active layout notes; do
	status=0
	"$TCPCHECK" --dump "tests/golden/$name.pkt" >"$work/out" 2>"$work/err" ||
		status=$?
	tap_ok "$status" "--dump tests/golden/$name.pkt exits 0"
	cmp -s "$work/out" "tests/golden/$name.dump"
	tap_ok $? "--dump tests/golden/$name.pkt prints tests/golden/$name.dump"
	[ -s "$work/err" ] && tap_diag <"$work/err"
done

# A dump is itself a script that dumps the same.
"$TCPCHECK" --dump tests/golden/close.pkt >"$work/once.pkt"
"$TCPCHECK" --dump "$work/once.pkt" >"$work/twice"
cmp -s "$work/twice" tests/golden/close.dump
tap_ok $? "--dump of a dump prints the same text"

# A bad script: its errors, all of them, exit 2, nothing on the output.
status=0
"$TCPCHECK" --dump tests/negative/several-errors.pkt >"$work/out" \
	2>"$work/err" || status=$?
tap_ok "$([ "$status" -eq 2 ]; echo $?)" "--dump of a bad script exits 2 (got $status)"
tap_ok "$([ ! -s "$work/out" ]; echo $?)" "... and prints no dump"
sed 1d tests/negative/several-errors.expect >"$work/want"
cmp -s "$work/want" "$work/err"
tap_ok $? "... and prints every located error of the file"
cmp -s "$work/want" "$work/err" || diff "$work/want" "$work/err" | tap_diag

# Colour.  A malformed script fails before any run, so no kernel needed.
bad=tests/negative/unknown-syscall.pkt
"$TCPCHECK" --color=always "$bad" 2>"$work/always"
grep -q "$esc\[" "$work/always"
tap_ok $? "--color=always colours the report"
grep -q "error:$esc" "$work/always"
tap_ok $? "... the label 'error:' itself"
"$TCPCHECK" --color=never "$bad" 2>"$work/never"
tap_ok "$(! grep -q "$esc" "$work/never"; echo $?)" "--color=never has no escape codes"
sed 1d tests/negative/unknown-syscall.expect | cmp -s - "$work/never"
tap_ok $? "... and is the plain report"
TERM=xterm "$TCPCHECK" --color=auto "$bad" 2>"$work/auto"
tap_ok "$(! grep -q "$esc" "$work/auto"; echo $?)" \
	"--color=auto writing to a file has no escape codes"
TERM=xterm "$TCPCHECK" "$bad" 2>"$work/default"
tap_ok "$(! grep -q "$esc" "$work/default"; echo $?)" "nor has the default"
status=0
"$TCPCHECK" --color=sometimes "$bad" 2>/dev/null || status=$?
tap_ok "$([ "$status" -eq 2 ]; echo $?)" "--color=sometimes is a usage error"

# --strict is a script option too: a header line sets it.
printf -- '--strict\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' \
	>"$work/strict.pkt"
"$TCPCHECK" --dry_run "$work/strict.pkt"
tap_ok $? "--strict is accepted as a header line"
tap_end
