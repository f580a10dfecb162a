# engine/sys/local.mk - the system-call layer: the backend seam (kernel
# implementation, wire mode's agent backend) and the table-driven
# interpreter.
ENGINE_SOURCES += engine/sys/syscall_backend.h engine/sys/syscall_kernel.c \
	engine/sys/syscalls.h engine/sys/syscalls.c engine/sys/syscall_internal.h \
	engine/sys/syscall_perform.c \
	engine/sys/syscall_args.c engine/sys/syscall_arrays.c \
	engine/sys/syscall_check.c engine/sys/syscall_expr.c engine/sys/syscall_msghdr.c \
	engine/sys/agent_link.h engine/sys/agent_link.c \
	engine/sys/syscall_agent.h engine/sys/syscall_agent.c
UNIT_TESTS += tests/unit/test_syscalls \
	tests/unit/test_symbols
tests_unit_test_syscalls_san_SOURCES = tests/unit/test_syscalls.c
tests_unit_test_syscalls_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_syscalls_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_syscalls_san_LDADD = $(SAN_LIBS)
tests_unit_test_symbols_san_SOURCES = tests/unit/test_symbols.c
tests_unit_test_symbols_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_symbols_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_symbols_san_LDADD = $(SAN_LIBS)
