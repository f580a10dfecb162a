#!/bin/sh
# draft-input.sh - `tcpcheck --draft` on captures of every format it
# reads, and on broken ones (tests/fuzz/capture-seeds writes both).
#
# The same conversation in raw IP, Ethernet and Linux cooked frames, in
# pcap of either byte order and precision and in pcapng, drafts to the
# same script body; IPv6 ones to the same but for the family.  Each
# broken capture gets exit status 2 and its exact message, never a crash.
# No kernel needed: this runs everywhere, in a second.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpcheck-draftin.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
python3 "$top_srcdir/tests/fuzz/capture-seeds" "$tmp" || exit 1

body() {	# the draft without its comments, or the error
	f=$1
	shift
	"$TCPCHECK" --draft "$f" "$@" 2>&1 | grep -v "^//"
}

body "$tmp/good-v4-raw.pcap" >"$tmp/v4.expect"
grep -q '^ *+0.009 write(4, ..., 50) = 50  // inferred' "$tmp/v4.expect"
tap_ok $? "a passive open drafts listen, accept, read and write"
for f in good-v4-nano-bigendian.pcap good-v4-sll.pcap good-v4-simple.pcapng \
	good-two-connections.pcap; do
	body "$tmp/$f" 2>/dev/null | grep -v '^tcpcheck:\|^ *[*]*[12] ' |
		sed 's/^ *[+0-9.]* //' >"$tmp/got"
	sed 's/^ *[+0-9.]* //' "$tmp/v4.expect" | diff - "$tmp/got" >"$tmp/diff"
	tap_ok $? "$f drafts the same script"
	tap_diag <"$tmp/diff"
done
body "$tmp/good-v6.pcapng" >"$tmp/v6.expect"
body "$tmp/good-v6-ether.pcap" | diff "$tmp/v6.expect" - >"$tmp/diff" &&
	grep -q '^--ip_version=ipv6' "$tmp/v6.expect"
tap_ok $? "IPv6 in pcapng and in Ethernet frames draft the same ipv6 script"
body "$tmp/good-two-connections.pcap" --connection=2 >"$tmp/got"
grep -q '^--bind_port=80' "$tmp/got" && ! grep -q '^tcpcheck:' "$tmp/got"
tap_ok $? "--connection=2 drafts the second connection, without the list"
body "$tmp/good-v4-raw.pcap" --stack-side=10.0.0.1 >"$tmp/got"
grep -q '^--connect_port=80' "$tmp/got" &&
	grep -q 'connect(3, ..., ...) = -1 EINPROGRESS' "$tmp/got"
tap_ok $? "--stack-side=10.0.0.1 drafts the client: an active open"
body "$tmp/good-v6.pcapng" --stack-side='[::1]:40000' >"$tmp/got"
grep -q '^--connect_port=80' "$tmp/got"
tap_ok $? "--stack-side=[::1]:40000 picks the IPv6 client"

check_error() {	# check_error FILE MESSAGE [OPTION]
	f=$1 want=$2
	shift 2
	"$TCPCHECK" --draft "$tmp/$f" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	got=$(tail -n 1 "$tmp/err" | sed "s|$tmp/||")
	[ "$rc" -eq 2 ] && [ "$got" = "$want" ]
	tap_ok $? "$f: exit 2 with its message"
	[ "$rc" -eq 2 ] && [ "$got" = "$want" ] ||
		echo "exit $rc: $got" | tap_diag
}
check_error bad-empty.pcap "tcpcheck: bad-empty.pcap: not a pcap or pcapng file: 0 bytes"
check_error bad-magic.pcap "tcpcheck: bad-magic.pcap: not a pcap or pcapng file (magic 0x38464947)"
check_error bad-truncated-header.pcap "tcpcheck: bad-truncated-header.pcap: truncated pcap file header: 20 of 24 bytes"
check_error bad-truncated-record.pcap "tcpcheck: bad-truncated-record.pcap: truncated pcap record at offset 144: 40 bytes captured, 30 in the file"
check_error bad-link-type.pcap "tcpcheck: bad-link-type.pcap: pcap link type 147 is not one tcpcheck reads (raw IP, Ethernet, Linux cooked, loopback)"
check_error bad-ip.pcap "tcpcheck: bad-ip.pcap: packet 1 of the capture: IPv4 total length 80 exceeds the 24 bytes read"
check_error bad-no-tcp.pcap "tcpcheck: bad-no-tcp.pcap: the capture holds no TCP segment (1 frames, 1 IP datagrams of other protocols)"
check_error bad-only-arp.pcap "tcpcheck: bad-only-arp.pcap: the capture holds no TCP segment (1 frames, 0 IP datagrams of other protocols)"
check_error bad-block-length.pcapng "tcpcheck: bad-block-length.pcapng: pcapng block at offset 28 has length 32 (20 bytes left)"
check_error bad-interface.pcapng "tcpcheck: bad-interface.pcapng: pcapng packet block at offset 80 names interface 7, not described before it"
check_error bad-mid-connection.pcap "tcpcheck: bad-mid-connection.pcap: connection 1 has no SYN: the capture began after its handshake, and a draft starts from one"
check_error good-v4-raw.pcap "tcpcheck: good-v4-raw.pcap: --stack-side=10.9.9.9 names no endpoint of the connection" --stack-side=10.9.9.9
check_error good-v4-raw.pcap "tcpcheck: good-v4-raw.pcap: --connection=3: the capture holds 1 TCP connection" --connection=3
printf '%s\n' "tcpcheck: the capture holds 1 TCP connection:" \
	"   1  10.0.0.1:40000 > 10.0.0.2:80, 10 packets" >"$tmp/list"
head -n 2 "$tmp/err" | diff "$tmp/list" - >"$tmp/diff"
tap_ok $? "a connection out of range lists those there are"
tap_diag <"$tmp/diff"
"$TCPCHECK" --draft "$tmp/nonexistent.pcap" >/dev/null 2>&1
tap_ok "$([ $? -eq 2 ] && echo 0 || echo 1)" "a missing file: exit 2"
tap_end
