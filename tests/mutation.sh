#!/bin/sh
# mutation.sh - corpus scripts fail as soon as what they claim is broken.
#
# Each line of tests/mutations/*.tsv names a script, a text to replace in
# it (the first occurrence, literally), its replacement, the line the
# failure must be reported at ("=" for the changed line itself, "35,36"
# for either of two) and a text the report must contain.  Flipping a sysctl or one packet line must turn
# a pass into exit 1 with a report at the right line, naming the field.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n=0
for table in tests/mutations/*.tsv; do
	while IFS='	' read -r script from to line text; do
		case $script in ''|'#'*) continue ;; esac
		n=$((n + 1))
		mutant="$work/m$n-$(basename "$script")"
		# Files a script opens by a relative name go next to it.
		for data in "$(dirname "$script")"/*.data; do
			[ -e "$data" ] && ln -sf "$PWD/$data" "$work/"
		done
		changed=$(mutate "$script" "$mutant" "$from" "$to") || {
			tap_ok 1 "$script: '$from' is in the script"
			continue
		}
		[ "$line" = "=" ] && line=$changed
		status=0
		"$TCPCHECK" "$mutant" >/dev/null 2>"$work/err" || status=$?
		tap_ok "$([ "$status" -eq 1 ]; echo $?)" \
			"$script with '$to': exits 1 (got $status)"
		# "35,36": either line, where the stack's packet races a +0
		# line (it may come just before or just after that line runs).
		at=1
		for one in $(echo "$line" | tr ',' ' '); do
			grep -qF -- "$mutant:$one: " "$work/err" && at=0
		done
		tap_ok $at "$script with '$to': reported at line $line"
		grep -qF -- "$text" "$work/err"
		tap_ok $? "$script with '$to': report says '$text'"
		tap_diag <"$work/err"
	done <"$table"
done
tap_end
