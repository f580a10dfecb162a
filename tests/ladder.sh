#!/bin/sh
# ladder.sh - `tcpcheck --ladder`: each run as a text sequence diagram
# (kernel test: takes the lock).
#
# tests/report/data-exchange.pkt passes: its ladder has one arrow per
# packet line of the script, its calls with their results right of the
# stack's lifeline.  tests/report/win-mismatch.pkt fails at its SYN-ACK:
# the expected packet stands over the actual one, carets under the
# window that differs, the differing field beside the failing arrow.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpcheck-ladder.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

"$TCPCHECK" --ladder tests/report/data-exchange.pkt >"$tmp/pass" 2>&1
tap_ok $? "a passing run with --ladder exits 0"
packets=$(grep -c '^ *+[.0-9]* [<>]' tests/report/data-exchange.pkt)
arrows=$(grep -c -E '^ +\|(<-+|-+>)\|$' "$tmp/pass")
[ "$arrows" -eq "$packets" ]
tap_ok $? "one arrow per packet ($arrows arrows, $packets packet lines)"
grep -q -E '^ +[0-9.]+ +18   \| {56}\|  write\(4, \.\.\., 50\) = 50$' "$tmp/pass"
tap_ok $? "a call and its result stand right of the stack's lifeline"
grep -q -E '^ +[0-9.]+ +19   \|  P\. 1:51\(50\) ack 101 win [0-9]+  \([+-][0-9]+ us\)$' "$tmp/pass"
tap_ok $? "an outbound packet: its label, and how far from its time"

"$TCPCHECK" --ladder tests/report/win-mismatch.pkt >"$tmp/fail" 2>/dev/null
tap_ok "$([ $? -eq 1 ] && echo 0 || echo 1)" "a failing run with --ladder exits 1"
tail -n 5 "$tmp/fail" >"$tmp/tail"
cat >"$tmp/want" <<'END'
               12   |  FAILED: outbound packet does not match the script
                    |  expected: S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 7>
                    |  actual:   S. 0:0(0) ack 1 win 64240 <mss 1460,nop,nop,sackOK,nop,wscale 7>
                    |                                ^^^^^
                    |<-------------------------------------------------------X  win: expected 65535, got 64240
END
diff "$tmp/want" "$tmp/tail" >"$tmp/diff"
tap_ok $? "the failing line: expected over actual, the window marked"
tap_diag <"$tmp/diff"
tap_end
