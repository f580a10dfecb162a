# agent/local.mk - tcpcheck-agent (the program on the machine under test in
# wire mode) and the control protocol it shares with tcpcheck.  Plain
# POSIX C: agent/*.c also builds alone on a BSD or macOS (see README).
AGENT_PROTO_SOURCES = agent/proto.h agent/proto.c agent/proto_addr.c \
	agent/sha256.h agent/sha256.c
ENGINE_SOURCES += $(AGENT_PROTO_SOURCES)
bin_PROGRAMS += tcpcheck-agent
tcpcheck_agent_SOURCES = agent/main.c agent/session.h agent/session.c \
	agent/command.c agent/calls.h agent/calls.c agent/native.h \
	agent/native.c agent/sysctls.h agent/sysctls.c $(AGENT_PROTO_SOURCES)
tcpcheck_agent_LDADD = $(PTHREAD_LIBS)
