#!/bin/sh
# corpus.sh - every script under testcases/ passes against this kernel, in
# every address family it applies to.
#
# tcpcheck runs each script as ipv4, ipv4-mapped-ipv6 and ipv6 (ipv6 with
# a 1520-byte MTU, as packetdrill's runner does, so the MSS stays 1460),
# except a script whose header pins --ip_version, which runs only in that
# family, and names ending in v4.pkt or v6.pkt, which follow packetdrill's
# rule.  Scripts run in parallel, one per CPU, each in its own namespace;
# tcpcheck's TAP output is this test's.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

# One script at a time, and one rerun for a failure that is only about
# timing: the corpus checks the stack, and on a loaded two-core machine a
# runner can itself be late by milliseconds.  A pass after a rerun is
# reported as flaky in the TAP output, never as a plain pass.
# shellcheck disable=SC2046 # one word per script path
exec "$TCPCHECK" -j1 --retries=1 --format=tap \
	--ip_version=ipv4,ipv4-mapped-ipv6,ipv6 \
	$(corpus_scripts)
