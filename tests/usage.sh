#!/bin/sh
# usage.sh - the suite's options with a value they do not take: exit 2
# and one line that names the values they do (no kernel: --dry_run).
. "$(dirname "$0")/lib.sh"

script=$top_srcdir/bench/minimal.pkt
check() {	# check OPTION EXPECTED-MESSAGE
	out=$("$TCPCHECK" --dry_run "$1" "$script" 2>&1 >/dev/null)
	status=$?
	tap_ok "$([ "$status" -eq 2 ] && [ "$out" = "$2" ]; echo $?)" \
		"$1: exit 2 (got $status), '$2'"
	[ "$out" = "$2" ] || echo "$out" | tap_diag
}

check --format=xml "tcpcheck: --format takes text, tap or ktap"
check --format "tcpcheck: --format takes text, tap or ktap"
check --vm-clock=kvm "tcpcheck: --vm-clock takes icount or real"
check --vm-clock "tcpcheck: --vm-clock takes icount or real"
check --xfail=some "tcpcheck: --xfail takes no value or timing"
check --color=sometimes "tcpcheck: --color takes auto, always or never"

for ok in --format=tap --vm-clock=real --xfail=timing --color=never; do
	"$TCPCHECK" --dry_run "$ok" "$script" >/dev/null 2>&1
	tap_ok $? "$ok is taken"
done
tap_end
