/*
 * abort.c - the self-pipe behind abort.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/abort.h"

static int pipe_fds[2] = { -1, -1 };
static volatile sig_atomic_t requested_signal;

static void on_signal(int sig)
{
	int saved = errno;

	requested_signal = sig;
	if (pipe_fds[1] >= 0 && write(pipe_fds[1], "x", 1) < 0) {
		/* Nothing to do: the flag alone still stops the run. */
	}
	errno = saved;
}

int abort_install(struct error *err)
{
	struct sigaction sa;

	/* A forked runner calls this again: it needs a pipe of its own, not
	 * the one it shares with its parent.
	 */
	if (pipe_fds[0] >= 0) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
	}
	if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return error_set_errno(err, "pipe2");
	requested_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: blocking calls return EINTR so waits notice. */
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return error_set_errno(err, "sigaction");
	return 0;
}

int abort_fd(void)
{
	return pipe_fds[0];
}

bool abort_requested(void)
{
	return requested_signal != 0;
}

int abort_signal(void)
{
	return requested_signal;
}
