# engine/run/local.mk - the run loop and its timing, the worker thread for
# system calls, commands and code blocks, -D definitions and the checks.
ENGINE_SOURCES += engine/run/run.h engine/run/run.c \
	engine/run/check.h engine/run/check.c \
	engine/run/defines.h engine/run/defines.c \
	engine/run/worker.h engine/run/worker.c \
	engine/run/shell.h engine/run/shell.c \
	engine/run/unprivileged.h engine/run/unprivileged.c \
	engine/run/code.h engine/run/code.c \
	engine/run/tcp_info.h engine/run/tcp_info.c \
	engine/run/sk_meminfo.h engine/run/sk_meminfo.c \
	engine/run/tick.h engine/run/tick.c \
	engine/run/wake_lead.h engine/run/wake_lead.c \
	engine/run/run_clock.h engine/run/run_clock.c \
	engine/run/outq.h engine/run/outq.c \
	engine/run/timeline.h engine/run/timeline.c \
	engine/run/run_internal.h engine/run/line.h \
	engine/run/tcp_in.c engine/run/tcp_out.c engine/run/udp_line.c \
	engine/run/icmp_line.c engine/run/call.c engine/run/command.c \
	engine/run/report.c \
	engine/run/run_clock_guest.c
