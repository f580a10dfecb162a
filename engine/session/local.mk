# engine/session/local.mk - one run in a process of its own with its
# namespace, and the host's global sysctls put back after it.
ENGINE_SOURCES += engine/session/session.h engine/session/session.c \
	engine/session/host_sysctl.h engine/session/host_sysctl.c \
	engine/session/report_wire.h engine/session/report_wire.c \
	engine/session/event_log.h engine/session/event_log.c \
	engine/session/stack_session.h engine/session/stack_session.c
