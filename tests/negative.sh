#!/bin/sh
# negative.sh - scripts that must fail, each with its exact report.
#
# tests/negative/NAME.pkt goes with NAME.expect: the first line is
# "exit N", the rest is exactly what tcpcheck must print on stderr, except
# that <n> stands for a number that depends on the machine's timing
# (a measured time, never an expected one).  Scripts are run from the top
# of the tree, so reports name tests/negative/NAME.pkt.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

got=$(mktemp)
trap 'rm -f "$got"' EXIT

# Prints nothing when the report matches its pattern, else a diff.
compare_report() {	# compare_report EXPECT_FILE GOT_FILE
	python3 - "$1" "$2" <<'PY'
import re, sys
want = open(sys.argv[1]).read().split("\n")[1:]
got = open(sys.argv[2]).read().split("\n")
def pattern(line):
    parts = [re.escape(p) for p in line.split("<n>")]
    return re.compile("^" + r"-?[0-9]+(?:\.[0-9]+)?".join(parts) + "$")
bad = len(want) != len(got) or any(
    not pattern(w).match(g) for w, g in zip(want, got))
if bad:
    print("expected:"); print("\n".join(want))
    print("got:"); print("\n".join(got))
PY
}

for script in tests/negative/*.pkt; do
	expect=${script%.pkt}.expect
	want_status=$(sed -n '1s/^exit //p' "$expect")
	status=0
	"$TCPCHECK" "$script" >/dev/null 2>"$got" || status=$?
	tap_ok "$([ "$status" = "$want_status" ]; echo $?)" \
		"$script exits $want_status (got $status)"
	report=$(compare_report "$expect" "$got")
	tap_ok "$([ -z "$report" ]; echo $?)" "$script reports what $expect says"
	[ -z "$report" ] || printf '%s\n' "$report" | tap_diag
done
tap_end
