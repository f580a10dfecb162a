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
trap 'rm -f "$log"' EXIT
for script in testcases/handshake/active-open.pkt \
	testcases/close/remote-fin-first.pkt tests/negative/wrong-ack.pkt \
	tests/negative/two-syntax-errors.pkt tests/negative/unknown-syscall.pkt; do
	# Valgrind slows the runner tenfold: timing is not what is tested.
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$log" \
		"$TCPCHECK" --tolerance_usecs=100000 "$script" >/dev/null 2>&1
	test ! -s "$log"
	tap_ok $? "valgrind is silent on $script"
	tap_diag <"$log"
done
tap_end
