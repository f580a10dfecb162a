/*
 * command.c - a script's shell command, run by the agent (see session.h).
 *
 * Only with --allow-commands.  The command runs with /bin/sh in a process
 * group of its own, so the end of a session can kill it with whatever it
 * started.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session.h"

static void read_output(int fd, char *out, size_t size)
{
	size_t used = 0;
	char discard[256];

	for (;;) {
		ssize_t n = used + 1 < size ?
			read(fd, out + used, size - 1 - used) :
			read(fd, discard, sizeof(discard));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + 1 < size)
			used += (size_t)n;
	}
	out[used] = '\0';
}

int command_run(const char *command, char *out, size_t size,
		volatile long *pid_out)
{
	int fds[2], status;
	pid_t pid;

	out[0] = '\0';
	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	*pid_out = pid;
	close(fds[1]);
	read_output(fds[0], out, size);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	*pid_out = 0;
	return status;
}
