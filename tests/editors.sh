#!/bin/sh
# editors.sh - the vim syntax and the bash completion (no kernel needed).
#
# A headless vim with only editors/vim in its runtime path detects a .pkt
# file, loads the syntax without an error and gives the known positions
# of a sample the expected highlight groups.  bash completes option names
# (read from the tcpcheck being completed), their values and scripts.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/sample.pkt" <<'PKT'
--tolerance_usecs=10000
// a comment
0.000 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0.000 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
+0.000 `sysctl -q net.ipv4.tcp_sack=0`
+0.000 write(3, "abc", 3) = 3
+0.000 %{ assert tcpi_rto > 0 }%
PKT
# line column group
cat >"$work/want" <<'WANT'
pkt
1 1 pktOption
2 4 pktComment
3 1 pktTime
3 7 pktSyscall
3 14 pktEllipsis
3 20 pktConstant
4 1 pktTime
4 8 pktDirection
4 10 pktFlags
4 13 pktSequence
4 20 pktKeyword
4 27 pktTcpOption
5 8 pktCommand
6 17 pktString
6 24 pktNumber
7 8 pktCodeDelim
7 12 pktCode
err:
WANT

if command -v vim >/dev/null 2>&1; then
	positions=$(sed -n '2,$p' "$work/want" | grep -v '^err' |
		awk '{ printf "%s[%s,%s]", (NR > 1 ? "," : ""), $1, $2 }')
	status=0
	vim -Nu NONE -i NONE -es \
		-c "set rtp^=$top_srcdir/editors/vim" -c 'filetype on' \
		-c 'syntax on' -c "edit $work/sample.pkt" \
		-c "redir! > $work/got" -c 'echo &filetype' \
		-c "for [l,c] in [$positions] | echo l c synIDattr(synID(l,c,1),'name') | endfor" \
		-c 'echo "err:" v:errmsg' -c 'redir END' -c 'qa!' \
		</dev/null >/dev/null 2>"$work/err" || status=$?
	tap_ok "$([ "$status" -eq 0 ] && [ ! -s "$work/err" ]; echo $?)" \
		"vim loads the syntax and file type files without an error"
	tap_diag <"$work/err"
	sed -i -e '/^$/d' -e 's/ *$//' -e '$a\' "$work/got"
	cmp -s "$work/want" "$work/got"
	tap_ok $? "vim detects .pkt and highlights the sample's $(($(wc -l <"$work/want") - 2)) positions as expected"
	diff "$work/want" "$work/got" | tap_diag
else
	echo "# vim is not installed (Debian package: vim): its tests are skipped"
fi

# ---- bash completion ----
# complete WORD...: what _tcpcheck offers for the last word, sorted.
complete_words() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_tcpcheck 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' \
		complete "$top_srcdir/editors/bash/tcpcheck" "$TCPCHECK" "$@"
}
check_completion() {	# check_completion "EXPECTED" WORD...
	want=$1
	shift
	got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
	tap_ok "$([ "$got" = "$want" ]; echo $?)" "bash completes 'tcpcheck $*' to: $want"
	[ "$got" = "$want" ] || echo "got: $got" | tap_diag
}
if command -v bash >/dev/null 2>&1; then
	check_completion "--strict --strict_segments" --stric
	check_completion "--shard=" --sha
	check_completion "--color=" --col
	check_completion "--tolerance_percent= --tolerance_usecs=" --tol
	check_completion "ktap tap text" --format = ""
	check_completion "tap text" --format = t
	check_completion "always auto never" --color = ""
	check_completion "ipv4,ipv4 ipv4,ipv4-mapped-ipv6 ipv4,ipv6" --ip_version = ipv4,ip
	check_completion "lo tun0" --device = ""
	check_completion "testcases/handshake" testcases/handsh
	check_completion "testcases/handshake/passive-open.pkt" testcases/handshake/passive-op
	# Every option of the table is offered.
	missing=""
	for opt in $("$TCPCHECK" --help | sed -n 's/^  \(--[a-z_-]*\).*/\1/p'); do
		complete_words "$opt" | grep -q -- "^$opt=\{0,1\}\$" || missing="$missing $opt"
	done
	tap_ok "$([ -z "$missing" ]; echo $?)" "bash completes every option --help lists"
	[ -z "$missing" ] || echo "not completed:$missing" | tap_diag
fi
tap_end
