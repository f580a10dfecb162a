#!/bin/sh
# mutation.sh - a corpus script fails as soon as the line it rests on is
# changed: the report names the line, the field, the expected and the
# actual value.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# mutate NAME SCRIPT LINE_PATTERN REPLACEMENT EXPECTED_TEXT...
mutate() {
	name=$1 script=$2 from=$3 to=$4
	shift 4
	line=$(grep -n -- "$from" "$script" | head -n 1 | cut -d: -f1)
	sed "${line}s/$from/$to/" "$script" >"$work/$name.pkt"
	status=0
	"$TCPCHECK" "$work/$name.pkt" >/dev/null 2>"$work/$name.err" || status=$?
	tap_ok "$([ "$status" -eq 1 ]; echo $?)" "$name: exits 1 (got $status)"
	for text in "$work/$name.pkt:$line: " "$@"; do
		grep -qF -- "$text" "$work/$name.err"
		tap_ok $? "$name: report says '$text'"
	done
	tap_diag <"$work/$name.err"
}

mutate ack testcases/handshake/active-open.pkt \
	'> \. 1:1(0) ack 1 ' '> . 1:1(0) ack 2 ' \
	'ack: expected 2, got 1'
mutate wscale testcases/handshake/passive-open.pkt \
	'sackOK,nop,wscale 7>' 'sackOK,nop,wscale 8>' \
	'wscale: expected 8, got 7'
mutate fin testcases/close/local-close-first.pkt \
	'> F\. 1:1(0) ack 1' '> . 1:1(0) ack 1' \
	'flags: expected ., got F.'
mutate rst testcases/close/remote-fin-first.pkt \
	'> R 2:2(0)' '> R 3:3(0)' 'seq: expected 3, got 2'
tap_end
