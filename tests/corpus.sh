#!/bin/sh
# corpus.sh - every script under testcases/ passes against this kernel, in
# every address family it applies to.
#
# A script runs as ipv4, ipv4-mapped-ipv6 and ipv6 (with a 1520-byte MTU,
# as packetdrill's runner does, so the MSS stays 1460) unless its header
# pins --ip_version, in which case it runs once as written.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for script in $(corpus_scripts); do
	if grep -q '^--ip_version=' "$script"; then
		families="pinned"
	else
		families="ipv4 ipv4-mapped-ipv6 ipv6"
	fi
	for family in $families; do
		case $family in
		pinned) set -- ;;
		ipv6) set -- --ip_version=ipv6 --mtu=1520 ;;
		*) set -- --ip_version=$family ;;
		esac
		status=0
		"$TCPCHECK" "$@" "$script" >"$out" 2>&1 || status=$?
		tap_ok "$status" "$script $family (exit $status)"
		[ "$status" -eq 0 ] || tap_diag <"$out"
	done
done
tap_end
