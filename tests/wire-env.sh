#!/bin/sh
# wire-env.sh - two network namespaces joined by a veth pair, to try wire
# mode without a second machine (tests/wire.sh, bench/wire-timing).
#
#   tests/wire-env.sh up NAME      create NAME-a (the machine under test,
#                                  where tcpcheck-agent runs) and NAME-t
#                                  (where tcpcheck runs)
#   tests/wire-env.sh down NAME    remove both; also what a run left
#
# NAME-a's veth "wa" has the control address 10.99.0.1/24 and the stack's
# test addresses, 192.168.0.1/16 and fd3d:a0b:17d6::1/48, with routes to
# the remote addresses (192.0.2.0/24, fd3d:fa7b:d17d::/48) on the link
# from those: what a machine under test needs (README, "Wire mode").
# NAME-t's veth "wt" has only 10.99.0.2/24: tcpcheck plays the remote
# addresses itself.  Checksum and segmentation offloads are off on "wa":
# a real NIC would hand the wire complete checksums and MTU-sized
# segments, where a veth passes partial checksums and super-packets on.
# The stack forgets what it learnt of earlier connections
# (tcp_no_metrics_save), as a fresh namespace has nothing to remember.
set -e
name=$2
a=$name-a
t=$name-t

case $1 in
up)
	ip netns add "$a"
	ip netns add "$t"
	ip link add wa netns "$a" type veth peer name wt netns "$t"
	for ns in "$a" "$t"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$a" link set wa up
	ip -n "$t" link set wt up
	ip -n "$a" addr add 10.99.0.1/24 dev wa
	ip -n "$t" addr add 10.99.0.2/24 dev wt
	ip -n "$a" addr add 192.168.0.1/16 dev wa
	ip -n "$a" route add 192.0.2.0/24 dev wa src 192.168.0.1
	ip -n "$a" -6 addr add fd3d:a0b:17d6::1/48 dev wa nodad
	ip -n "$a" -6 route add fd3d:fa7b:d17d::/48 dev wa \
		src fd3d:a0b:17d6::1
	ip netns exec "$a" ethtool -K wa tx off tso off gso off >/dev/null
	ip netns exec "$a" sysctl -q net.ipv4.tcp_no_metrics_save=1
	;;
down)
	ip netns del "$a" 2>/dev/null || :
	ip netns del "$t" 2>/dev/null || :
	;;
*)
	echo "usage: $0 up|down NAME" >&2
	exit 2
	;;
esac
