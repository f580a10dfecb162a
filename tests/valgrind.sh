#!/bin/sh
# valgrind.sh - memcheck finds no leak and no invalid access in tcpcheck
# itself (the parent and the per-script runner it forks; the shell
# commands scripts run are not ours and are not traced), on passing and
# failing runs and on a script that does not parse.
. "$(dirname "$0")/lib.sh"
require_kernel_env
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind not installed"; exit 0; }
cd "$top_srcdir" || exit 1

log=$(mktemp)
suite=$(mktemp -d)
trap 'rm -rf "$log" "$suite"' EXIT
cp tests/suite/flaky.pkt "$suite/"
for script in testcases/handshake/active-open.pkt \
	testcases/close/remote-fin-first.pkt tests/negative/wrong-ack.pkt \
	tests/negative/two-syntax-errors.pkt tests/negative/unknown-syscall.pkt \
	testcases/udp/tcp-udp-same-port.pkt tests/negative/udp-stray.pkt; do
	# Valgrind slows the runner tenfold: timing is not what is tested.
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$log" \
		"$TCPCHECK" --tolerance_usecs=100000 "$script" >/dev/null 2>&1
	test ! -s "$log"
	tap_ok $? "valgrind is silent on $script"
	tap_diag <"$log"
done

# The suite's machinery as well: two runners at once, a retried timing
# failure, a run stopped by its time limit, captures and every report.
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 --log-file="$log" \
	"$TCPCHECK" --tolerance_usecs=100000 -j2 --retries=1 --timeout=2 \
	--format=tap --junit="$suite/r.xml" --json="$suite/r.json" \
	--pcap-dir="$suite/pcap" --ip_version=ipv4,ipv6 tests/suite/pass.pkt \
	tests/suite/fail.pkt tests/suite/bad.pkt tests/suite/hang.pkt \
	"$suite/flaky.pkt" >/dev/null 2>&1
test ! -s "$log"
tap_ok $? "valgrind is silent on a -j 2 suite with retries, a timeout, captures and reports"
tap_diag <"$log"
tap_end
