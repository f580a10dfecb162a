/*
 * test_stack.c - the stack plugin interface from the engine's side,
 * driven with the fake stack of tests/stacks: the loader's refusals, the
 * packet path in virtual time, and the backend's translation of the
 * stack's pending and unsupported calls.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stack/plugin.h"
#include "stack/stack_path.h"
#include "tap.h"

#define MS 1000000LL

static void test_refusals(void)
{
	struct stack_plugin *p = NULL;
	struct error err;

	tap_is_int(stack_plugin_load("tests/stacks/none.so", &p, &err),
		   OUTCOME_ENVIRONMENT, "a missing file: 125");
	tap_ok(strstr(err.text, "none.so") != NULL, "named: %s", err.text);
	tap_is_int(stack_plugin_load("tests/stacks/bad_abi.so", &p, &err),
		   OUTCOME_ENVIRONMENT, "another ABI version: 125");
	tap_ok(strstr(err.text, "ABI version 2, tcpcheck speaks 1") != NULL,
	       "said: %s", err.text);
	tap_is_int(stack_plugin_load("tests/stacks/no_entry.so", &p, &err),
		   OUTCOME_ENVIRONMENT, "no entry symbol: 125");
	tap_ok(strstr(err.text, "no symbol tcpcheck_stack_entry") != NULL,
	       "said: %s", err.text);
	tap_ok(p == NULL, "nothing is handed out");
}

static void test_path(void)
{
	struct stack_plugin *p;
	struct packet_path *path;
	struct net_plan plan;
	struct error err;
	uint8_t in[8] = { 0x45, 1, 2, 3 }, out[64];
	size_t len;
	int64_t at, sent;

	plan_set_defaults(&plan);
	if (!tap_ok(stack_plugin_load("tests/stacks/fake.so", &p, &err) == 0 &&
		    stack_plugin_start(p, &plan, 1, "", &err) == 0 &&
		    stack_path_open(p, &path, &err) == 0, "fake.so starts"))
		return;
	tap_is_int(stack_path_next_instant(path), 250 * MS,
		   "its first timer is the path's next instant");
	path->ops->send(path, in, sizeof(in), 0, &sent, &err);
	tap_is_int(sent, 0, "sent at virtual time 0");
	tap_ok(poll(&(struct pollfd){ .fd = path->ops->wait_fd(path),
				      .events = POLLIN }, 1, 0) == 1,
	       "wait_fd is readable while the echo waits");
	tap_is_int(path->ops->receive(path, out, sizeof(out), &len, &at, 0,
				      &err), PATH_RECEIVED, "the echo");
	tap_ok(len == sizeof(in) && out[0] == 0xfe && at == 0,
	       "as sent, first byte 0xfe, at 0");
	tap_ok(poll(&(struct pollfd){ .fd = path->ops->wait_fd(path),
				      .events = POLLIN }, 1, 0) == 0,
	       "wait_fd is quiet once the queue is empty");
	tap_is_int(path->ops->receive(path, out, sizeof(out), &len, &at,
				      100 * MS, &err), PATH_TIMEOUT,
		   "nothing by 100 ms");
	tap_is_int(stack_plugin_now(p), 100 * MS, "the clock is at 100 ms");
	tap_is_int(path->ops->receive(path, out, sizeof(out), &len, &at,
				      10000 * MS, &err), PATH_RECEIVED,
		   "the first tick");
	tap_ok(at == 250 * MS && stack_plugin_now(p) == 250 * MS,
	       "at 250 ms, and the clock stopped there (at %lld)",
	       (long long)at);
	stack_path_run_due(path, 0);
	tap_is_int(stack_plugin_now(p), 250 * MS, "time never goes back");
	path->ops->close(path);
	stack_plugin_close(p);
}

static void test_backend(void)
{
	struct stack_plugin *p;
	struct syscall_backend *b;
	struct packet_path *path;
	struct net_plan plan;
	struct error err;
	uint8_t in[4] = { 0x45 };
	int64_t sent;
	int e = 0;

	plan_set_defaults(&plan);
	if (stack_plugin_load("tests/stacks/fake.so", &p, &err) ||
	    stack_plugin_start(p, &plan, 1, "", &err) ||
	    stack_path_open(p, &path, &err) || !(b = stack_backend_new(p))) {
		tap_ok(false, "fake.so starts: %s", err.text);
		return;
	}
	tap_ok(b->ops->read == NULL && b->ops->listen == NULL,
	       "calls the stack lacks are NULL");
	tap_is_int(b->ops->socket(b, AF_INET, SOCK_STREAM, 0, &e), 3,
		   "socket()");
	tap_is_int(b->ops->socket(b, AF_INET, SOCK_DGRAM, 0, &e), -1,
		   "a UDP socket fails");
	tap_is_int(e, SYSCALL_BACKEND_UNSUPPORTED, "as unsupported");
	tap_is_int(b->ops->accept(b, 3, NULL, NULL, &e), -1, "accept()");
	tap_is_int(e, SYSCALL_BACKEND_PENDING, "is pending");
	path->ops->send(path, in, sizeof(in), 0, &sent, &err);
	tap_is_int(b->ops->accept(b, 3, NULL, NULL, &e), 4,
		   "and returns once a datagram came");
	tap_is_int(e, 0, "with no error");
	syscall_backend_free(b);
	path->ops->close(path);
	stack_plugin_close(p);
}

/* A stack whose timer is always due spins at most once a millisecond of
 * virtual time: advancing one second runs it 1001 times, and ends.
 */
static void test_busy(void)
{
	struct stack_plugin *p;
	struct net_plan plan;
	struct error err;
	uint8_t out[8];
	size_t len;
	int64_t at;
	int n = 0;

	plan_set_defaults(&plan);
	if (stack_plugin_load("tests/stacks/busy.so", &p, &err) ||
	    stack_plugin_start(p, &plan, 1, "", &err)) {
		tap_ok(false, "busy.so starts: %s", err.text);
		return;
	}
	stack_plugin_advance(p, 1000 * MS);
	while (stack_plugin_pop(p, out, sizeof(out), &len, &at))
		n++;
	tap_is_int(n, 1001, "a spinning stack runs once a virtual ms");
	tap_is_int(stack_plugin_next_timer(p), 1001 * MS,
		   "and is next due 1 ms after its last run");
	stack_plugin_close(p);
}

static void test_crash(void)
{
	struct stack_plugin *p;
	struct net_plan plan;
	struct error err;
	int status, e;
	pid_t pid;

	plan_set_defaults(&plan);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (stack_plugin_load("tests/stacks/crash.so", &p, &err) ||
		    stack_plugin_start(p, &plan, 1, "", &err))
			_exit(3);
		stack_plugin_ops(p)->socket(stack_plugin_instance(p), AF_INET,
					    SOCK_STREAM, 0, &e);
		_exit(4);
	}
	waitpid(pid, &status, 0);
#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer catches the signal and exits instead. */
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
	       WEXITSTATUS(status) != 3 && WEXITSTATUS(status) != 4,
	       "crash.so's socket() ends its process (ASan reports it)");
#else
	tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	       "crash.so's socket() kills its process with SIGSEGV");
#endif
}

int main(void)
{
	test_refusals();
	test_path();
	test_backend();
	test_busy();
	test_crash();
	return tap_done();
}
