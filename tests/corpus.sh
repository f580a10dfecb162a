#!/bin/sh
# corpus.sh - every script under testcases/ passes against this kernel.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for script in $(find testcases -name '*.pkt' | sort); do
	status=0
	"$TCPCHECK" "$script" >"$out" 2>&1 || status=$?
	tap_ok "$status" "$script (exit $status)"
	[ "$status" -eq 0 ] || tap_diag <"$out"
done
tap_end
