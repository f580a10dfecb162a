/*
 * session.c - the per-script child process (see session.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abort.h"
#include "netns.h"
#include "session.h"
#include "syscall_backend.h"
#include "pcap_path.h"
#include "tun.h"

/* A runner preempted by a busy neighbour sees packets milliseconds late;
 * the lowest real-time priority keeps ordinary load from preempting it.
 * It never spins, so it cannot starve the machine, and
 * SCHED_RESET_ON_FORK keeps the shell commands it starts ordinary.
 * Without the privilege this quietly does nothing.
 */
static void raise_priority(void)
{
	struct sched_param param = {
		.sched_priority = sched_get_priority_min(SCHED_RR),
	};

	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &param);
	/* Page faults in the middle of a timed exchange add jitter too. */
	mlockall(MCL_CURRENT | MCL_FUTURE);
}

/* Everything the child owns is released on every path before it exits. */
static int child_run(const struct script *script, const struct run_config *cfg,
		     struct error *err)
{
	struct packet_path *path = NULL;
	struct syscall_backend *backend = NULL;
	int outcome;

	if (abort_install(err) < 0)
		return OUTCOME_ENVIRONMENT;
	outcome = netns_enter_private(err);
	if (outcome != OUTCOME_OK)
		return outcome;
	/* tun0 is ours to create; any other device already exists in the
	 * namespace (lo) and is watched through libpcap.
	 */
	if (!strcmp(cfg->plan.device, "tun0"))
		outcome = tun_path_open(&cfg->plan, &path, err);
	else
		outcome = pcap_path_open(cfg->plan.device, &path, err);
	if (outcome != OUTCOME_OK)
		return outcome;
	backend = syscall_backend_kernel_new();
	if (!backend) {
		path->ops->close(path);
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	/* Writes to a connection the stack reset must fail with EPIPE,
	 * not kill the runner.
	 */
	signal(SIGPIPE, SIG_IGN);
	raise_priority();
	outcome = run_script(script, cfg, path, backend, err);
	syscall_backend_free(backend);
	path->ops->close(path);
	return outcome;
}

static void child_main(const struct script *script,
		       const struct run_config *cfg, int report_fd,
		       pid_t parent)
{
	struct error err;
	int outcome;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(OUTCOME_ENVIRONMENT);
	err.text[0] = '\0';
	outcome = child_run(script, cfg, &err);
	if (outcome != OUTCOME_OK && write(report_fd, err.text,
					   strlen(err.text)) < 0) {
		/* The parent reports the exit status alone. */
	}
	close(report_fd);
	fflush(NULL);
	_exit(outcome);
}

/* Also forwards an abort request that reaches only us (SIGTERM sent to
 * tcpcheck's pid) to the child, which then unwinds and closes the pipe.
 */
static void read_report(int fd, pid_t child, struct error *err)
{
	size_t used = 0;

	err->text[0] = '\0';
	while (used + 1 < sizeof(err->text)) {
		ssize_t n = read(fd, err->text + used, sizeof(err->text) - 1 - used);

		if (n < 0 && errno == EINTR) {
			if (abort_requested())
				kill(child, abort_signal());
			continue;
		}
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	err->text[used] = '\0';
}

int session_run(const struct script *script, const struct run_config *cfg,
		struct error *err, bool *interrupted)
{
	int fds[2];
	int status;
	pid_t parent = getpid(), pid;

	*interrupted = false;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		error_set_errno(err, "pipe2");
		return OUTCOME_ENVIRONMENT;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		error_set_errno(err, "fork");
		close(fds[0]);
		close(fds[1]);
		return OUTCOME_ENVIRONMENT;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(script, cfg, fds[1], parent);
	}
	close(fds[1]);
	/* Reading to EOF before waiting: the child may write a full report. */
	read_report(fds[0], pid, err);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			error_set_errno(err, "waitpid");
			kill(pid, SIGKILL);
			return OUTCOME_ENVIRONMENT;
		}
		if (abort_requested())
			kill(pid, abort_signal());
	}
	if (abort_requested())
		*interrupted = true;
	if (WIFSIGNALED(status)) {
		error_set(err, "%s: the runner was killed by signal %d (%s)",
			  script->path, WTERMSIG(status),
			  strsignal(WTERMSIG(status)));
		return OUTCOME_ENVIRONMENT;
	}
	return WEXITSTATUS(status);
}
