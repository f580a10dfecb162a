# engine/local.mk - the runtime: namespace, packet path, matcher, runner.
# The packet codec and the system-call layer keep their own fragments.
ENGINE_SOURCES += engine/error.h engine/error.c engine/plan.h engine/plan.c \
	engine/packet_path.h engine/clock.h engine/clock.c \
	engine/abort.h engine/abort.c engine/netns.h engine/netns.c \
	engine/tun.h engine/tun.c engine/tcp_view.h engine/tcp_view.c \
	engine/conn.h engine/conn.c engine/matcher.h engine/matcher.c \
	engine/worker.h engine/worker.c engine/shell.h engine/shell.c \
	engine/check.h engine/check.c engine/run.h engine/run.c \
	engine/session.h engine/session.c engine/pcap_path.h engine/pcap_path.c \
	engine/tcp_info.h engine/tcp_info.c engine/code.h engine/code.c \
	engine/defines.h engine/defines.c \
	engine/segment_merge.h engine/segment_merge.c \
	engine/icmp.h engine/icmp.c \
	engine/tick.h engine/tick.c \
	engine/wake_lead.h engine/wake_lead.c
# What a failure report shows besides the failing line: the last packets
# each way, and packets no line asked for.
ENGINE_SOURCES += engine/history.h engine/history.c engine/stray.h \
	engine/stray.c
# The recorder behind --pcap-dir, and libpcap loaded on first use.
ENGINE_SOURCES += engine/capture.h engine/capture.c engine/pcap_dl.h \
	engine/pcap_dl.c

# The host's global sysctls, put back after each run.
ENGINE_SOURCES += engine/host_sysctl.h engine/host_sysctl.c

include $(srcdir)/engine/packet.mk
include $(srcdir)/engine/syscall.mk
include $(srcdir)/engine/udp.mk
# Packet times from the kernel: a packet socket ring, and the pairing.
ENGINE_SOURCES += engine/kernel_stamps.h engine/kernel_stamps.c \
	engine/stamps.h engine/stamps.c
