# engine/stack/local.mk - a userspace TCP stack loaded from a shared object
# (include/tcpcheck/stack.h): the loader and the stack's host side, its
# packet path and its system-call backend, all in virtual time.
ENGINE_SOURCES += engine/stack/plugin.h engine/stack/plugin.c \
	engine/stack/stack_path.h engine/stack/stack_path.c \
	engine/stack/stack_backend.c \
	engine/stack/stack_script.h engine/stack/stack_script.c \
	engine/stack/pd_interface.h engine/stack/pd_internal.h \
	engine/stack/pd_plugin.h engine/stack/pd_plugin.c engine/stack/pd_backend.c

# The interface's tests: the fake stack built four ways (tests/stacks),
# the engine's side (test_stack) and the lwIP adapter (test_stack_lwip).
FAKE_STACK_FLAGS = -I$(srcdir)/include -fPIC
check_PROGRAMS += tests/stacks/fake.so tests/stacks/bad_abi.so \
	tests/stacks/no_entry.so tests/stacks/crash.so tests/stacks/busy.so
tests_stacks_busy_so_SOURCES = tests/stacks/fake_stack.c
tests_stacks_busy_so_CFLAGS = $(WARN_CFLAGS) $(FAKE_STACK_FLAGS) -DFAKE_BUSY
tests_stacks_busy_so_LDFLAGS = -shared
tests_stacks_fake_so_SOURCES = tests/stacks/fake_stack.c
tests_stacks_fake_so_CFLAGS = $(WARN_CFLAGS) $(FAKE_STACK_FLAGS)
tests_stacks_fake_so_LDFLAGS = -shared
tests_stacks_bad_abi_so_SOURCES = tests/stacks/fake_stack.c
tests_stacks_bad_abi_so_CFLAGS = $(WARN_CFLAGS) $(FAKE_STACK_FLAGS) \
	-DFAKE_BAD_ABI
tests_stacks_bad_abi_so_LDFLAGS = -shared
tests_stacks_no_entry_so_SOURCES = tests/stacks/fake_stack.c
tests_stacks_no_entry_so_CFLAGS = $(WARN_CFLAGS) $(FAKE_STACK_FLAGS) \
	-DFAKE_NO_ENTRY
tests_stacks_no_entry_so_LDFLAGS = -shared
tests_stacks_crash_so_SOURCES = tests/stacks/fake_stack.c
tests_stacks_crash_so_CFLAGS = $(WARN_CFLAGS) $(FAKE_STACK_FLAGS) \
	-DFAKE_CRASH
tests_stacks_crash_so_LDFLAGS = -shared

check_PROGRAMS += tests/unit/test_stack tests/unit/test_stack_san \
	tests/unit/test_stack_lwip tests/unit/test_stack_lwip_san
TESTS += tests/unit/test_stack tests/unit/test_stack_san \
	tests/unit/test_stack_lwip tests/unit/test_stack_lwip_san
tests_unit_test_stack_SOURCES = tests/unit/test_stack.c tests/unit/tap.h
tests_unit_test_stack_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_stack_san_SOURCES = $(tests_unit_test_stack_SOURCES)
tests_unit_test_stack_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_stack_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_stack_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_stack_lwip_SOURCES = tests/unit/test_stack_lwip.c \
	tests/unit/tap.h
tests_unit_test_stack_lwip_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_stack_lwip_san_SOURCES = $(tests_unit_test_stack_lwip_SOURCES)
tests_unit_test_stack_lwip_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_stack_lwip_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_stack_lwip_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
check_PROGRAMS += tests/stacks/closed_port.so
tests_stacks_closed_port_so_SOURCES = tests/stacks/closed_port.c
tests_stacks_closed_port_so_CFLAGS = $(WARN_CFLAGS) $(FAKE_STACK_FLAGS)
tests_stacks_closed_port_so_LDFLAGS = -shared

# Scripts against stack plugins: no root, no namespace (about 1 s).
TESTS += tests/stack.sh
EXTRA_DIST += tests/stack.sh tests/stacks/closed-port.pkt \
	tests/stacks/fake_stack.c tests/stacks/closed_port.c \
	stacks/lwip/mutations.tsv
# A stack behind packetdrill's interface, for --so_filename.
check_PROGRAMS += tests/stacks/pd_closed_port.so
tests_stacks_pd_closed_port_so_SOURCES = tests/stacks/pd_closed_port.c
tests_stacks_pd_closed_port_so_CFLAGS = $(WARN_CFLAGS) $(FAKE_STACK_FLAGS) \
	-I$(srcdir)/engine
tests_stacks_pd_closed_port_so_LDFLAGS = -shared
EXTRA_DIST += tests/stacks/pd_closed_port.c
