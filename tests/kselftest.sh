#!/bin/sh
# kselftest.sh - scripts/ksft_runner.sh, the drop-in for the kernel's
# packetdrill selftest runner: its KTAP output, exactly, for a passing
# script, a failing one, one that pins its family, on a slow machine
# (KSFT_MACHINE_SLOW), without tcpcheck, and without usage.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runner=scripts/ksft_runner.sh
fx=tests/suite
TCPCHECK_FOR_RUNNER=$TCPCHECK

# ksft WANT_STATUS DESCRIPTION [VAR=VALUE...] -- ARGS...: run the runner
# the way kselftest does (from another directory, one script path).
ksft() {
	want=$1
	what=$2
	shift 2
	status=0
	(
		while [ "$1" != "--" ]; do export "$1"; shift; done
		shift
		cd "$work" && TCPCHECK=${TCPCHECK:-$TCPCHECK_FOR_RUNNER} \
			sh "$top_srcdir/$runner" "$@"
	) >"$work/out" 2>&1 || status=$?
	tap_ok "$([ "$status" -eq "$want" ]; echo $?)" "$what: exits $want (got $status)"
}

same() {	# same DESCRIPTION: $work/out is $work/want
	diff -u "$work/want" "$work/out" >"$work/diff"
	tap_ok $? "$1"
	tap_diag <"$work/diff"
}

ksft 0 "a passing script" -- "$top_srcdir/$fx/pass.pkt"
printf '%s\n' "TAP version 13" "1..2" "ok 1 ipv4" "ok 2 ipv6" \
	"# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0" >"$work/want"
same "KTAP: one test per family, named after it, and the totals"

ksft 1 "a failing script" -- "$top_srcdir/$fx/fail.pkt"
grep -v '^# [^T]' "$work/out" >"$work/kept"
mv "$work/kept" "$work/out"
printf '%s\n' "TAP version 13" "1..2" "not ok 1 ipv4" "not ok 2 ipv6" \
	"# Totals: pass:0 fail:2 xfail:0 xpass:0 skip:0 error:0" >"$work/want"
same "KTAP: not ok for each family"
ksft 1 "the same, for its diagnostics" -- "$top_srcdir/$fx/fail.pkt"
grep -q "^# fail.pkt:15: outbound packet does not match the script" "$work/out"
tap_ok $? "tcpcheck's report is shown as # lines"

ksft 0 "a failing script on a slow machine" KSFT_MACHINE_SLOW=yes -- \
	"$top_srcdir/$fx/fail.pkt"
grep -v '^# [^T]' "$work/out" >"$work/kept"
mv "$work/kept" "$work/out"
printf '%s\n' "TAP version 13" "1..2" "ok 1 ipv4 # XFAIL" "ok 2 ipv6 # XFAIL" \
	"# Totals: pass:0 fail:0 xfail:2 xpass:0 skip:0 error:0" >"$work/want"
same "KTAP: the failures are expected ones"

printf '%s\n' "--ip_version=ipv6" >"$work/v6only.pkt"
sed -n '2,$p' $fx/pass.pkt >>"$work/v6only.pkt"
ksft 0 "a script that pins ipv6" -- "$work/v6only.pkt"
printf '%s\n' "TAP version 13" "1..1" "ok 1 ipv6" \
	"# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0" >"$work/want"
same "KTAP: only that family"

ksft 1 "a script that pins ipv4-mapped-ipv6, which the kernel's runner refuses" \
	-- "$top_srcdir/$fx/pinned.pkt"
grep -q "^Bail out! " "$work/out"
tap_ok $? "it bails out"

ksft 4 "no tcpcheck" TCPCHECK=/nonexistent/tcpcheck -- "$top_srcdir/$fx/pass.pkt"
grep -qx "1\.\.0 # SKIP tcpcheck not found (PATH or \$TCPCHECK)" "$work/out"
tap_ok $? "it skips everything, saying why"

ksft 1 "no script" --
grep -q "^Bail out! usage:" "$work/out"
tap_ok $? "it bails out with its usage"
tap_end
