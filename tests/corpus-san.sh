#!/bin/sh
# corpus-san.sh - the whole corpus under AddressSanitizer and UBSan, and
# the host as it was afterwards.
#
# tcpcheck_san is tcpcheck built with -fsanitize=address,undefined (the
# same sources, linked with libtcpcheck_san.a).  It plays every script
# of testcases/ in ipv4 and ipv6 (ipv4-mapped-ipv6 takes the ipv6 code
# paths), and the test fails on any sanitizer report from tcpcheck or a
# runner (they go to files, one per process), on a runner killed by a
# signal, and on a script that does not parse or cannot run.  Verdicts
# are corpus.sh's business: a timing failure under the sanitizers'
# slowdown is shown, not counted.  Before and after, the host's
# interfaces, addresses, routes, named namespaces and sysctls are
# snapshotted (host_snapshot): the corpus must leave them identical,
# whatever its scripts' commands set.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

san=${TCPCHECK_SAN:-$(dirname "$TCPCHECK")/tcpcheck_san}
[ -x "$san" ] || { echo "Bail out! $san is not built"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/reports"

host_snapshot "$work/before"
start=$(date +%s)
status=0
# shellcheck disable=SC2046 # one word per script path
ASAN_OPTIONS="detect_leaks=1:log_path=$work/reports/asan" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$work/reports/ubsan" \
	"$san" -j1 --retries=2 --format=tap --ip_version=ipv4,ipv6 \
	$(corpus_scripts) >"$work/tap" 2>"$work/err" || status=$?
host_snapshot "$work/after"

total=$(grep -c '^\(not \)\{0,1\}ok ' "$work/tap")
failed=$(grep -c '^not ok ' "$work/tap")
echo "# $total runs under the sanitizers in $(($(date +%s) - start)) s," \
	"$failed failed (timing, shown below)"
grep '^not ok ' "$work/tap" | tap_diag
test "$total" -ge "$(corpus_scripts | wc -l)"
tap_ok $? "tcpcheck_san played the whole corpus ($total runs)"
tap_ok "$([ "$status" -le 1 ]; echo $?)" \
	"every script parsed and could run (exit status $status)"
! grep -q "killed by signal" "$work/tap" "$work/err"
tap_ok $? "no runner was killed by a signal"
grep "killed by signal" "$work/tap" | tap_diag
cat "$work"/reports/* >"$work/all-reports" 2>/dev/null
test ! -s "$work/all-reports"
tap_ok $? "no sanitizer report from tcpcheck or any runner"
head -n 60 "$work/all-reports" | tap_diag
diff -u "$work/before" "$work/after" >"$work/diff"
tap_ok $? "host interfaces, addresses, routes, namespaces and sysctls unchanged by the corpus"
tap_diag <"$work/diff"
tap_end
