# engine/local.mk - the runtime, one fragment a stage.  A stage's folder
# may include headers of the stages listed before it, never after:
#   core/     errors, the clock, the network plan, symbol names
#   pkt/      the packet codec: build, parse, options, ICMP, encapsulation
#   match/    live and script numbers, views, the matcher, strays, history
#   path/     where packets cross: TUN, pcap, kernel timestamps, captures
#   sys/      the system-call interpreter and its kernel backend
#   stack/    a userspace stack plugin: loader, packet path, backend
#   run/      the run loop, timing, commands and code blocks, the checks
#   session/  one run in its own process and namespace; host sysctls
#   draft/    the connections of a capture; scripts drafted from them
include $(srcdir)/engine/core/local.mk
include $(srcdir)/engine/pkt/local.mk
include $(srcdir)/engine/match/local.mk
include $(srcdir)/engine/path/local.mk
include $(srcdir)/engine/sys/local.mk
include $(srcdir)/engine/stack/local.mk
include $(srcdir)/engine/run/local.mk
include $(srcdir)/engine/session/local.mk
include $(srcdir)/engine/draft/local.mk
