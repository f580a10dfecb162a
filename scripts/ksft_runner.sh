#!/bin/sh
# ksft_runner.sh - the kernel's packetdrill selftests with tcpcheck in
# place of packetdrill.
#
# Copy this file over tools/testing/selftests/net/packetdrill/ksft_runner.sh
# in a kernel tree, put tcpcheck in PATH (or name it in $TCPCHECK), and run
# the selftests as usual:
#
#   make -C tools/testing/selftests TARGETS=net/packetdrill run_tests
#
# kselftest calls it with one script; it plays the script once per address
# family, ipv4 then ipv6 (only the family a script's --ip_version header
# line names, if it has one), with the arguments the kernel's runner gives
# packetdrill for that family, and prints KTAP as that runner does: one
# test per family named after it, "# Totals:" at the end, status 0 when
# every test passed, was skipped or failed as expected.  On a machine that
# kselftest marks slow (KSFT_MACHINE_SLOW) the timing tolerance is widened
# and failures are expected ones (XFAIL).  Beyond the kernel's runner, a
# family that cannot run here (tcpcheck exits 125) is a SKIP, and
# tcpcheck's report of a failure is shown as "# " lines.
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

n=0
passed=0
failed=0
xfailed=0
skipped=0

totals() {
	echo "# Totals: pass:$passed fail:$failed xfail:$xfailed xpass:0" \
		"skip:$skipped error:0"
}

bail_out() {
	echo "Bail out! $*"
	totals
	exit "$KSFT_FAIL"
}

if [ $# -ne 1 ]; then
	bail_out "usage: $0 <script>"
fi

tcpcheck=${TCPCHECK:-$(command -v tcpcheck)}
if [ -z "$tcpcheck" ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	[ -x "$here/../tcpcheck" ] && tcpcheck=$here/../tcpcheck
fi
if [ -z "$tcpcheck" ] || [ ! -x "$tcpcheck" ]; then
	echo "1..0 # SKIP tcpcheck not found (PATH or \$TCPCHECK)"
	exit "$KSFT_SKIP"
fi
case $tcpcheck in /*) ;; *) tcpcheck=$(pwd)/$tcpcheck ;; esac

# The script runs from its own directory: its commands name files there.
cd "$(dirname "$1")" || bail_out "cannot enter the directory of $1"
script=$(basename "$1")
[ -r "$script" ] || bail_out "cannot read $1"

families=$(sed -n 's/^--ip_version=//p' "$script")
case $families in
'') families="ipv4 ipv6" ;;
ipv4|ipv6) ;;
*) bail_out "unsupported or several --ip_version lines: $families" ;;
esac

args_for() {	# the per-family arguments of the kernel's runner
	case $1 in
	ipv4)
		echo "--ip_version=ipv4 --local_ip=192.168.0.1" \
			"--gateway_ip=192.168.0.1 --netmask_ip=255.255.0.0" \
			"--remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb" \
			"-D TFO_COOKIE_ZERO=b7c12350a90dc8f5" \
			"-D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"
		;;
	ipv6)
		echo "--ip_version=ipv6 --mtu=1520" \
			"--local_ip=fd3d:0a0b:17d6::1" \
			"--gateway_ip=fd3d:0a0b:17d6:8888::1" \
			"--remote_ip=fd3d:fa7b:d17d::1" \
			"-D TFO_COOKIE=c1d1e9742a47a9bc" \
			"-D TFO_COOKIE_ZERO=82af1a8f9a205c34" \
			"-D CMSG_LEVEL_IP=SOL_IPV6 -D CMSG_TYPE_RECVERR=IPV6_RECVERR"
		;;
	esac
}

slow=
[ -n "${KSFT_MACHINE_SLOW:-}" ] && slow=--tolerance_usecs=14000

echo "TAP version 13"
echo "1..$(echo $families | wc -w)"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
for family in $families; do
	n=$((n + 1))
	status=0
	# shellcheck disable=SC2046 # one word per argument
	"$tcpcheck" $(args_for "$family") $slow "$script" >/dev/null \
		2>"$report" || status=$?
	sed 's/^/# /' "$report"
	case $status in
	0)
		echo "ok $n $family"
		passed=$((passed + 1))
		;;
	125)
		echo "ok $n $family # SKIP $(head -n 1 "$report")"
		skipped=$((skipped + 1))
		;;
	*)
		if [ -n "$slow" ]; then
			echo "ok $n $family # XFAIL"
			xfailed=$((xfailed + 1))
		else
			echo "not ok $n $family"
			failed=$((failed + 1))
		fi
		;;
	esac
done
totals
[ "$failed" -eq 0 ] && exit "$KSFT_PASS"
exit "$KSFT_FAIL"
