# engine/sys/local.mk - the system-call layer: the backend seam (kernel
# implementation) and the table-driven interpreter.
ENGINE_SOURCES += engine/sys/syscall_backend.h engine/sys/syscall_kernel.c \
	engine/sys/syscalls.h engine/sys/syscalls.c engine/sys/syscall_internal.h \
	engine/sys/syscall_perform.c \
	engine/sys/syscall_args.c engine/sys/syscall_arrays.c \
	engine/sys/syscall_check.c engine/sys/syscall_expr.c engine/sys/syscall_msghdr.c
check_PROGRAMS += tests/unit/test_syscalls tests/unit/test_syscalls_san \
	tests/unit/test_symbols tests/unit/test_symbols_san
TESTS += tests/unit/test_syscalls tests/unit/test_syscalls_san \
	tests/unit/test_symbols tests/unit/test_symbols_san
tests_unit_test_syscalls_SOURCES = tests/unit/test_syscalls.c tests/unit/tap.h
tests_unit_test_syscalls_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_syscalls_san_SOURCES = tests/unit/test_syscalls.c \
	tests/unit/tap.h
tests_unit_test_syscalls_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_syscalls_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_syscalls_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_symbols_SOURCES = tests/unit/test_symbols.c tests/unit/tap.h
tests_unit_test_symbols_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_symbols_san_SOURCES = tests/unit/test_symbols.c \
	tests/unit/tap.h
tests_unit_test_symbols_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_symbols_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_symbols_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
