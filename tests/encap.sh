#!/bin/sh
# encap.sh - encapsulation prefixes from the command line to the wire.
#
# Without a kernel: every packet-line form of tests/golden/encap.pkt
# passes --dry_run and --dump round-trips it; a script with a PSP line
# parses with --dry_run (exit 0) but is not run (exit 125, one line
# located at the first PSP layer).  With the kernel: the bytes
# testcases/encap/no-decapsulation.pkt injects on tun0, recorded with
# --pcap-dir and decoded by tcpdump, are the outer headers the script
# writes (GRE flags, key and sequence number, the MPLS entry, IP in IP,
# the inner SYN with a correct checksum), and this kernel answers each
# with an ICMP protocol unreachable rather than a SYN-ACK.  A second
# script injects IPv6 / GRE with a checksum / two MPLS entries, whose
# GRE checksum is verified over the recorded bytes.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The packet lines of the golden file (its system calls use GRE/MPLS
# arguments, which parse but do not evaluate).
grep -v -e 'setsockopt' -e 'foo(' tests/golden/encap.pkt >"$work/forms.pkt"
status=0
"$TCPCHECK" --dry_run "$work/forms.pkt" >"$work/out" 2>&1 || status=$?
tap_ok "$status" "--dry_run accepts every encapsulation form"
tap_diag <"$work/out"
"$TCPCHECK" --dump "$work/forms.pkt" >"$work/once.pkt" &&
	"$TCPCHECK" --dump "$work/once.pkt" >"$work/twice.pkt" &&
	cmp -s "$work/once.pkt" "$work/twice.pkt"
tap_ok $? "--dump of the forms round-trips"
grep -q '^+0.000 > ipv6 fd00::1 > fd00::2: ipv6 ::ffff:10.0.0.1 > ::2: ' \
	"$work/once.pkt"
tap_ok $? "--dump writes bare IPv6 outer addresses"

cat >"$work/psp.pkt" <<'EOF'
--psp_udp_port=1000
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 < ipv4 2.2.2.2 > 1.1.1.1: gre: . 1:1(0) ack 1 win 1
+0 < ipv4 2.2.2.2 > 1.1.1.1 : psp spi 0x684abfc1, vc 0x123456789abcdef: . 1:1(0) ack 1 win 1
+0 < encap psp spi 12 . 1:1(0) ack 1 win 1
EOF
status=0
"$TCPCHECK" --dry_run "$work/psp.pkt" >"$work/out" 2>&1 || status=$?
tap_ok "$status" "--dry_run parses PSP lines"
tap_diag <"$work/out"

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "# the rest needs root and /dev/net/tun"
	tap_end
	exit $?
fi
require_kernel_env

status=0
"$TCPCHECK" "$work/psp.pkt" >"$work/out" 2>&1 || status=$?
tap_ok "$([ "$status" -eq 125 ]; echo $?)" "a script with PSP lines exits 125 (got $status)"
grep -q "psp.pkt:4:31: PSP needs a device with PSP offload" "$work/out"
tap_ok $? "... saying why, at the first PSP layer"
tap_diag <"$work/out"

command -v tcpdump >/dev/null 2>&1 || {
	echo "# no tcpdump: the wire checks are skipped"
	tap_end
	exit $?
}

status=0
"$TCPCHECK" --pcap-dir="$work/pcap" --pcap-all \
	testcases/encap/no-decapsulation.pkt >"$work/out" 2>&1 || status=$?
tap_ok "$status" "no-decapsulation.pkt passes with --pcap-dir"
pcap=$(ls "$work"/pcap/*.pcap 2>/dev/null | head -1)
tcpdump -nn -v -r "$pcap" >"$work/wire" 2>/dev/null
tap_ok $? "tcpdump reads the capture"

# expect DESCRIPTION PATTERN: some line of the decoded capture matches.
expect() {
	grep -q -e "$2" "$work/wire"
	tap_ok $? "on the wire: $1"
}
expect "GRE to the stack" \
	'192.0.2.1 > 192.168.0.1: GREv0, Flags \[none\], length 56'
expect "the SYN inside, checksum correct" \
	'192.0.2.1.[0-9]* > 192.168.0.1.8080: Flags \[S\], cksum 0x[0-9a-f]* (correct), seq 0, win 32792, options \[mss 1000,sackOK,nop,nop,nop,wscale 7\]'
expect "GRE with key and sequence number" \
	'GREv0, Flags \[key present, sequence# present\], key=0x1234, seq 1'
expect "the MPLS entry inside it" 'MPLS (label 16, tc 0, \[S\], ttl 64)'
expect "IP in IP" 'proto IPIP (4), length 72'
expect "the kernel: protocol 47 unreachable" \
	'192.168.0.1 > 192.0.2.1: ICMP 192.168.0.1 protocol 47 unreachable'
expect "the kernel: protocol 4 unreachable" \
	'ICMP 192.168.0.1 protocol 4 unreachable'
syn_acks=$(grep -c 'Flags \[S\.\]' "$work/wire")
tap_ok "$([ "$syn_acks" -eq 1 ]; echo $?)" "one SYN-ACK only: the bare SYN's (got $syn_acks)"
[ "$tap_failed" -eq 0 ] || tap_diag <"$work/wire"

# IPv6 outside, GRE with a checksum, two MPLS entries.
cat >"$work/v6.pkt" <<'EOF'
--ip_version=ipv6
0 < ipv6 [flowlabel 0x12345] fd00::2 > fd00::1: gre flags [checksum present], sum 0, off 0, key 0, seq 0: mpls (label 100, tc 1, ttl 9) (label 200, tc 2, [S], ttl 10): S 0:0(0) win 1000
EOF
status=0
"$TCPCHECK" --pcap-dir="$work/pcap6" --pcap-all "$work/v6.pkt" \
	>"$work/out" 2>&1 || status=$?
tap_ok "$status" "an IPv6/GRE/MPLS SYN is injected"
pcap=$(ls "$work"/pcap6/*.pcap 2>/dev/null | head -1)
tcpdump -nn -v -r "$pcap" >"$work/wire" 2>/dev/null
expect "IPv6 outside, flow label" 'flowlabel 0x12345.*next-header GRE (47)'
expect "GRE with a checksum" 'GREv0, Flags \[checksum present\], sum 0x'
expect "two MPLS entries" 'MPLS (label 100, tc 1, ttl 9)'
expect "the bottom one" '(label 200, tc 2, \[S\], ttl 10)'
# The GRE checksum over the recorded bytes: the header and everything
# after it sum to 0xffff.
python3 - "$pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off = 24
ok = False
while off + 16 <= len(data):
    incl = struct.unpack("<I", data[off + 8:off + 12])[0]
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    at = pkt.find(b"\x60")
    if at < 0 or len(pkt) < at + 44 or pkt[at + 6] != 47:
        continue
    gre = pkt[at + 40:]
    if len(gre) % 2:
        gre += b"\0"
    s = sum(struct.unpack("!%dH" % (len(gre) // 2), gre))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    ok = s == 0xffff
    break
sys.exit(0 if ok else 1)
PY
tap_ok $? "the GRE checksum is right over the recorded bytes"
tap_end
