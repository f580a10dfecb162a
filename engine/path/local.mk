# engine/path/local.mk - where packets cross: the namespace and its TUN
# device, the pcap path, kernel timestamps, the --pcap-dir recorder and
# libpcap loaded on first use; wire mode's real interface (frames,
# ARP and neighbour discovery, the guard that keeps this host out).
ENGINE_SOURCES += engine/path/packet_path.h \
	engine/path/netns.h engine/path/netns.c \
	engine/path/tun.h engine/path/tun.c \
	engine/path/pcap_path.h engine/path/pcap_path.c \
	engine/path/pcap_read.h engine/path/pcap_read.c \
	engine/path/capture.h engine/path/capture.c \
	engine/path/pcap_dl.h engine/path/pcap_dl.c \
	engine/path/kernel_stamps.h engine/path/kernel_stamps.c \
	engine/path/stamps.h engine/path/stamps.c \
	engine/path/wire.h engine/path/wire.c \
	engine/path/wire_neigh.h engine/path/wire_neigh.c \
	engine/path/wire_guard.h engine/path/wire_guard.c \
	engine/path/wire_reset.h engine/path/wire_reset.c
