#!/bin/sh
# draft.sh - scripts drafted from captures play back: the round trip of
# the whole kernel corpus.
#
# Each script of testcases/ runs once (one family, -j2) with its packets
# recorded; `tcpcheck --draft` turns each capture into a script; the
# drafts run against the kernel in turn.  At least DRAFT_MIN_PERCENT of
# the drafts of scripts that passed must pass.  Each one that does not is
# listed with why: the first line of its failure, and what the original
# script does that a capture cannot show (sysctls beyond the handshake's,
# socket options, calls that send nothing).  The corpus runs twice, so
# this takes two to four minutes at -j2 (82 of 107 passed on Linux 6.18:
# the 7 that are not TCP count as failures).
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1
: "${DRAFT_MIN_PERCENT:=70}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpcheck-draft.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cap" "$tmp/drafts"

# shellcheck disable=SC2046 # one word per script path
# A run that failed on timing is played once more, as in corpus.sh; the
# capture of the attempt that passed is the one drafted.
"$TCPCHECK" -j2 --retries=1 --pcap-dir="$tmp/cap" --pcap-all \
	--json="$tmp/orig.json" \
	$(corpus_scripts) >"$tmp/orig.out" 2>&1
jq -r '.results[] | select(.status == "pass" or .status == "flaky") |
	.path + " " + .family' "$tmp/orig.json" | sort -u >"$tmp/passed"

# What a capture cannot show, from the original script's text.
hidden() {	# hidden SCRIPT
	{
		grep -o 'setsockopt([^,]*, *[A-Z_]*, *[A-Z_0-9]*' "$1" |
			sed 's/.*, *//'
		grep -o 'net\.[a-z0-9_.]*' "$1" | sed 's/^net\.ipv[46]\.//' |
			grep -v -x -E 'tcp_(sack|timestamps|window_scaling|rmem|ecn)'
		grep -o -E '(getsockopt|ioctl|sendmsg|recvmsg|sendto|'\
'recvfrom|splice|sendfile|poll|epoll_[a-z]*|shutdown|writev|readv|'\
'send|recv)\(' "$1" | tr -d '('
	} | sort -u | tr '\n' ' '
}

drafted=0
: >"$tmp/notdrafted"
while read -r script family; do
	flat=$(echo "${script%.pkt}" | tr / _)
	cap="$tmp/cap/$flat.$family.pcap"
	for try in "$tmp/cap/$flat.$family".try*.pcap; do
		[ -f "$try" ] && cap=$try
	done
	out="$tmp/drafts/$flat.pkt"
	if [ ! -f "$cap" ]; then
		echo "$script: no capture" >>"$tmp/notdrafted"
	elif ! "$TCPCHECK" --draft "$cap" >"$out" 2>"$tmp/draft.err"; then
		echo "$script: no draft: $(tail -n 1 "$tmp/draft.err")" \
			>>"$tmp/notdrafted"
		rm -f "$out"
	else
		echo "$script" >"$out.orig"
		drafted=$((drafted + 1))
	fi
done <"$tmp/passed"
total=$(wc -l <"$tmp/passed")
tap_ok "$([ "$total" -gt 0 ] && echo 0 || echo 1)" \
	"the corpus ran with its captures kept ($total scripts passed)"

"$TCPCHECK" -j2 --retries=1 --json="$tmp/drafts.json" "$tmp"/drafts/*.pkt \
	>"$tmp/drafts.out" 2>&1
passed=$(jq '[.results[] | select(.status == "pass" or
	.status == "flaky")] | length' "$tmp/drafts.json")
jq -r '.results[] | select(.status != "pass" and .status != "flaky") |
	.path + "\t" + ((.message // .status) | split("\n")[0] |
	sub("^[^ ]*: "; ""))' "$tmp/drafts.json" |
while IFS="	" read -r draft why; do
	orig=$(cat "$draft.orig")
	echo "$orig: $why; the script also has: $(hidden "$orig")"
done >"$tmp/failed"
cat "$tmp/notdrafted" >>"$tmp/failed"

percent=$((total ? passed * 100 / total : 0))
echo "# $passed of $total drafts pass ($percent%); $(wc -l <"$tmp/notdrafted") not drafted"
tap_diag <"$tmp/failed"
tap_ok "$([ "$percent" -ge "$DRAFT_MIN_PERCENT" ] && echo 0 || echo 1)" \
	"drafts from captures pass for $percent% of the corpus (at least $DRAFT_MIN_PERCENT%)"
tap_end
