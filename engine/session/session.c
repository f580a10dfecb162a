/*
 * session.c - the per-script child process (see session.h).
 *
 * The parent's side is a handful of descriptors and a shared page per
 * runner; it never blocks except in session_finish(), which callers reach
 * only once the runner has closed its pipe (or been killed), so one parent
 * can keep many runners going.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/abort.h"
#include "path/capture.h"
#include "core/clock.h"
#include "pkt/encap.h"
#include "session/host_sysctl.h"
#include "path/netns.h"
#include "session/report_wire.h"
#include "session/event_log.h"
#include "session/session.h"
#include "session/stack_session.h"
#include "run/shell.h"
#include "sys/syscall_backend.h"
#include "path/pcap_path.h"
#include "path/tun.h"
#include "path/wire.h"
#include "sys/syscall_agent.h"

struct session {
	pid_t pid;
	int fd;				/* read end of the report pipe */
	bool eof;
	size_t used;			/* bytes of report received */
	size_t dropped;			/* and past the buffer */
	struct run_progress *progress;	/* MAP_SHARED with the runner */
	int64_t started_ns;
	char *capture_path;
	struct host_sysctls *host;	/* recorded before the runner starts */
	/* A stack plugin's run: its death by a signal is the stack's
	 * crash, a failure at the line it was playing.
	 */
	char *stack;
	const char *script_path;
	FILE *trace;
	uint8_t report[REPORT_WIRE_MAX];	/* report_wire.h */
};

/* Only a shell command or a code block (Python) can write a sysctl; a
 * script without either leaves the host's as they are, and the session
 * spares itself reading them twice.
 */
static bool runs_programs(const struct script *script)
{
	if (script->init_command || script->cleanup_command)
		return true;
	for (int i = 0; i < script->event_count; i++)
		if (script->events[i].kind == EVENT_COMMAND ||
		    script->events[i].kind == EVENT_CODE)
			return true;
	return false;
}

static void session_free(struct session *s)
{
	if (s->progress && s->progress != MAP_FAILED)
		munmap(s->progress, sizeof(*s->progress));
	host_sysctls_free(s->host);
	free(s->capture_path);
	free(s->stack);
	free(s);
}

/* The runner's copy of its parent's session after fork(): it keeps only
 * the shared progress page and releases the rest, whose originals the
 * parent owns (nothing here writes to the host: the record of its
 * sysctls is memory and a descriptor).
 */
static void session_release_copy(struct session *s)
{
	host_sysctls_free(s->host);
	free(s->capture_path);
	free(s->stack);
	free(s);
}

/* Runners side by side each keep to a CPU of their own (opts->cpu); see
 * worker.c for why a runner and its worker share one.
 */
static void keep_to_cpu(int index)
{
	cpu_set_t allowed, one;
	int seen = 0;

	if (index < 0 || sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return;
	index %= CPU_COUNT(&allowed);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || seen++ != index)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
		return;
	}
}

/* A runner preempted by a busy neighbour sees packets milliseconds late;
 * the lowest real-time priority keeps ordinary load from preempting it.
 * It polls only in the last stretch before a deadline (200 us to 2 ms,
 * engine/run/wake_lead.h), yielding while a call is pending, so it cannot
 * starve the machine, and SCHED_RESET_ON_FORK keeps the shell commands it starts ordinary.
 * Without the privilege this quietly does nothing.
 */
static void raise_priority(void)
{
	struct sched_param param = {
		.sched_priority = sched_get_priority_min(SCHED_RR),
	};

	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &param);
	/* A page reclaimed in the middle of a timed exchange costs a disk
	 * read: every page the runner has touched or touches from now on
	 * stays resident.  Pages are locked as they are faulted in, not
	 * filled in advance: filling every mapped library page and each
	 * thread's 8 MiB stack would cost milliseconds per script, for
	 * pages a run never uses, where a first touch costs a microsecond.
	 * Not in an unprivileged run's user namespace: there RLIMIT_MEMLOCK
	 * still holds, and locked thread stacks would exceed it.
	 */
	if (!netns_in_user_namespace())
		mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT);
}

/* Write the recording when it is wanted; a capture problem never changes
 * the verdict, but a failure's report says what became of its capture.
 */
static void finish_capture(struct capture *cap,
			   const struct session_options *opts, int outcome,
			   struct error *err)
{
	bool keep = outcome != OUTCOME_OK || opts->keep_capture;
	struct error cap_err;
	int dropped;

	dropped = capture_close(cap, keep ? opts->capture_path : NULL, &cap_err);
	if (outcome == OUTCOME_OK)
		return;
	if (dropped < 0)
		error_append(err, "\n  (no capture: %s)", cap_err.text);
	else if (dropped > 0)
		error_append(err, "\n  (the capture missed %d packets)",
			     dropped);
}

/* Whether anything in the run may look at /sys: the programs a script
 * starts (`ip`, `ethtool`...), and libpcap.
 */
static bool wants_sysfs(const struct script *script, bool on_tun,
			const struct session_options *opts)
{
	if (!on_tun || opts->capture_path || script->init_command ||
	    script->cleanup_command)
		return true;
	for (int i = 0; i < script->event_count; i++)
		if (script->events[i].kind == EVENT_COMMAND)
			return true;
	return false;
}

static bool has_packets(const struct script *script)
{
	for (int i = 0; i < script->event_count; i++)
		if (script->events[i].kind == EVENT_PACKET ||
		    script->events[i].kind == EVENT_UDP)
			return true;
	return false;
}

/* run_script(), its trace also written to the event log when wanted. */
static int run_logged(const struct script *script,
		      const struct run_config *cfg,
		      const struct session_options *opts,
		      struct packet_path *path, struct syscall_backend *backend,
		      struct error *err)
{
	struct run_config logged = *cfg;
	int outcome;

	if (!opts->events_path)
		return run_script(script, cfg, path, backend, err);
	logged.trace = event_log_open(opts->events_path, cfg->trace, err);
	if (!logged.trace)
		return OUTCOME_ENVIRONMENT;
	outcome = run_script(script, &logged, path, backend, err);
	fclose(logged.trace);
	return outcome;
}

/* What only tun0 and this machine's kernel can do, in wire mode: the
 * reason the script cannot run there, or NULL.
 */
static const char *wire_unrunnable(const struct script *script,
				   const struct run_config *cfg,
				   struct syscall_backend *backend)
{
	bool commands = script->init_command || script->cleanup_command;

	if (cfg->plan.gso_mss)
		return "receive-offload super-packets (--mss) can be injected "
			"only through tun0, not in wire mode";
	for (int i = 0; i < script->option_count; i++)
		if (!strcmp(script->options[i].name, "device") &&
		    script->options[i].value &&
		    !strcmp(script->options[i].value, "lo"))
			return "its packets stay on the stack's loopback "
				"(--device=lo), never on the wire";
	for (int i = 0; i < script->event_count; i++) {
		if (script->events[i].kind == EVENT_CODE)
			return "code blocks (%{ }%) read TCP_INFO with Python "
				"on this machine, not in wire mode";
		if (script->events[i].kind == EVENT_COMMAND)
			commands = true;
	}
	if (commands && !syscall_agent_runs_commands(backend))
		return "the script runs shell commands and the agent was "
			"started without --allow-commands";
	return NULL;
}

/* Wire mode: this host's interface as it is, the agent's system calls. */
static int open_wire(const struct script *script, const struct run_config *cfg,
		     struct packet_path **path, struct syscall_backend **backend,
		     struct error *err)
{
	const char *why;
	int outcome = syscall_agent_connect(&cfg->plan, backend, err);

	if (outcome != OUTCOME_OK)
		return outcome;
	why = wire_unrunnable(script, cfg, *backend);
	if (why) {
		error_set(err, "%s: %s", script->path, why);
		outcome = OUTCOME_ENVIRONMENT;
	} else {
		outcome = wire_path_open(&cfg->plan, path, err);
	}
	if (outcome != OUTCOME_OK) {
		syscall_backend_free(*backend);
		*backend = NULL;
	}
	return outcome;
}

/* tun0 or lo, in a private namespace; the kernel makes the calls. */
static int open_local(const struct script *script,
		      const struct run_config *cfg,
		      const struct session_options *opts,
		      struct packet_path **path,
		      struct syscall_backend **backend, struct error *err)
{
	bool on_tun = cfg->plan.path_kind == PATH_KIND_TUN;
	int outcome = netns_enter_private(wants_sysfs(script, on_tun, opts),
					  err);

	if (outcome != OUTCOME_OK)
		return outcome;
	/* tun0 is ours to create; lo already exists in the namespace and is
	 * watched through libpcap.
	 */
	if (on_tun)
		outcome = tun_path_open(&cfg->plan, has_packets(script), path,
					err);
	else
		outcome = pcap_path_open(cfg->plan.device, path, err);
	if (outcome != OUTCOME_OK)
		return outcome;
	*backend = syscall_backend_kernel_new();
	if (!*backend) {
		(*path)->ops->close(*path);
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	return OUTCOME_OK;
}

/* A lost control connection explains whatever the run reported. */
static int explain_lost_agent(struct syscall_backend *backend, int outcome,
			      struct error *err)
{
	struct error lost;

	if (!syscall_agent_lost(backend, &lost))
		return outcome;
	error_append(&lost, "\n  (the run then reported: %s)", err->text);
	*err = lost;
	return OUTCOME_MISMATCH;
}

/* Everything the child owns is released on every path before it exits. */
static int child_run(const struct script *script, const struct run_config *cfg,
		     const struct session_options *opts, struct error *err)
{
	struct packet_path *path = NULL;
	struct syscall_backend *backend = NULL;
	struct capture *cap = NULL;
	int outcome;

	if (abort_install(err) < 0)
		return OUTCOME_ENVIRONMENT;
	if (stack_session_wanted(opts))
		return stack_session_run(script, cfg, opts, err);
	outcome = encap_script_runnable(script, err);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (cfg->plan.path_kind == PATH_KIND_WIRE)
		outcome = open_wire(script, cfg, &path, &backend, err);
	else
		outcome = open_local(script, cfg, opts, &path, &backend, err);
	if (outcome != OUTCOME_OK)
		return outcome;
	if (opts->capture_path) {
		char filter[256];
		bool wire = cfg->plan.path_kind == PATH_KIND_WIRE;

		if (wire)
			wire_capture_filter(&cfg->plan, filter, sizeof(filter));
		outcome = capture_open(cfg->plan.device, wire ? filter : NULL,
				       &cap, err);
		if (outcome != OUTCOME_OK) {
			syscall_backend_free(backend);
			path->ops->close(path);
			return outcome;
		}
	}
	/* Writes to a connection the stack reset must fail with EPIPE,
	 * not kill the runner.
	 */
	signal(SIGPIPE, SIG_IGN);
	keep_to_cpu(opts->cpu);
	raise_priority();
	outcome = run_logged(script, cfg, opts, path, backend, err);
	outcome = explain_lost_agent(backend, outcome, err);
	shell_cleanup();
	syscall_backend_free(backend);
	if (cap)
		finish_capture(cap, opts, outcome, err);
	path->ops->close(path);
	return outcome;
}

static void child_main(const struct script *script,
		       const struct run_config *cfg,
		       const struct session_options *opts, int report_fd,
		       pid_t parent)
{
	static uint8_t record[REPORT_WIRE_MAX];
	struct error err = { .kind = FAILURE_NONE };
	size_t len;
	int outcome;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(OUTCOME_ENVIRONMENT);
	outcome = child_run(script, cfg, opts, &err);
	if (outcome != OUTCOME_OK) {
		/* A failure says its kind: by default, its outcome's. */
		if (err.kind == FAILURE_NONE)
			err.kind = failure_kind_of(outcome);
		len = report_wire_encode(&err, record, sizeof(record));
		if (write(report_fd, record, len) < 0) {
			/* The parent reports the exit status alone. */
		}
	}
	close(report_fd);
	fflush(NULL);
	_exit(outcome);
}

int session_start(const struct script *script, const struct run_config *cfg,
		  const struct session_options *opts, struct session **out,
		  struct error *err)
{
	static const struct session_options no_options = { .cpu = -1 };
	struct session *s;
	pid_t parent = getpid();
	int fds[2];

	*out = NULL;
	if (!opts)
		opts = &no_options;
	s = calloc(1, sizeof(*s));
	if (!s || (opts->capture_path &&
		   !(s->capture_path = strdup(opts->capture_path)))) {
		free(s);
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	s->trace = cfg->trace;
	s->script_path = script->path;
	if (stack_session_wanted(opts) && !(s->stack = strdup(opts->stack))) {
		session_free(s);
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	s->progress = mmap(NULL, sizeof(*s->progress), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->progress == MAP_FAILED) {
		error_set_errno(err, "mmap");
		session_free(s);
		return OUTCOME_ENVIRONMENT;
	}
	/* Before the runner exists, so that whatever it does to the host
	 * is undone in session_finish(), however it ends.
	 */
	if (runs_programs(script) &&
	    host_sysctls_record("/proc/sys", &s->host, err) < 0) {
		session_free(s);
		return OUTCOME_ENVIRONMENT;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		error_set_errno(err, "pipe2");
		session_free(s);
		return OUTCOME_ENVIRONMENT;
	}
	/* A stale file from an earlier run must not pass for this one's. */
	if (s->capture_path)
		unlink(s->capture_path);
	fflush(NULL);
	s->started_ns = clock_now_ns();
	s->pid = fork();
	if (s->pid < 0) {
		error_set_errno(err, "fork");
		close(fds[0]);
		close(fds[1]);
		session_free(s);
		return OUTCOME_ENVIRONMENT;
	}
	if (s->pid == 0) {
		struct run_config child_cfg = *cfg;

		close(fds[0]);
		/* The stack of wire mode outlives a script: each run's
		 * passive opens come from ports of their own (plan.h).
		 */
		if (cfg->plan.path_kind == PATH_KIND_WIRE)
			child_cfg.plan.first_remote_port =
				(uint16_t)(61001 + getpid() % 4000);
		child_cfg.progress = s->progress;
		session_release_copy(s);
		child_main(script, &child_cfg, opts, fds[1], parent);
	}
	close(fds[1]);
	s->fd = fds[0];
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	*out = s;
	return OUTCOME_OK;
}

int session_fd(const struct session *s)
{
	return s->fd;
}

bool session_read(struct session *s)
{
	char discard[512];

	while (!s->eof) {
		size_t room = sizeof(s->report) - s->used;
		ssize_t n;

		/* A report longer than the buffer is cut, not left unread. */
		if (room == 0)
			n = read(s->fd, discard, sizeof(discard));
		else
			n = read(s->fd, s->report + s->used, room);
		if (n > 0) {
			if (room)
				s->used += (size_t)n;
			else
				s->dropped += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		s->eof = true;
	}
	return s->eof;
}

void session_signal(struct session *s, int sig)
{
	kill(s->pid, sig);
}

int session_line(const struct session *s)
{
	return __atomic_load_n(&s->progress->line, __ATOMIC_RELAXED);
}

void session_finish(struct session *s, struct session_result *res)
{
	int status = 0;

	while (!session_read(s)) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

		poll(&pfd, 1, -1);
	}
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	memset(res, 0, sizeof(*res));
	res->ended_ns = clock_now_ns();
	res->started_ns = s->started_ns;
	res->first_event_ns = s->progress->first_event_ns;
	res->last_event_ns = s->progress->last_event_ns;
	res->line = s->progress->line;
	res->capture_written = s->capture_path &&
		access(s->capture_path, F_OK) == 0;
	if (WIFSIGNALED(status)) {
		/* It could not clean up after its commands: do it here. */
		shell_cleanup_of(s->pid);
		res->signal = WTERMSIG(status);
		res->outcome = OUTCOME_ENVIRONMENT;
		error_set(&res->err, "the runner was killed by signal %d (%s)",
			  res->signal, strsignal(res->signal));
		error_locate(&res->err, 0, FAILURE_ENVIRONMENT);
		if (s->stack && res->signal != SIGKILL &&
		    res->signal != SIGTERM) {
			res->outcome = OUTCOME_MISMATCH;
			error_set(&res->err, "%s:%d: the stack %s crashed: "
				  "signal %d (%s)", s->script_path, res->line,
				  s->stack, res->signal,
				  strsignal(res->signal));
			error_locate(&res->err, res->line, FAILURE_MISMATCH);
		}
	} else {
		res->outcome = WEXITSTATUS(status);
		/* Nothing sent: the runner passed, or died without a word. */
		if (s->dropped) {
			error_set(&res->err, "the runner sent %zu bytes, more "
				  "than a report", s->used + s->dropped);
			error_locate(&res->err, 0, FAILURE_ENVIRONMENT);
		} else if (s->used) {
			report_wire_decode(s->report, s->used, &res->err);
		}
	}
	close(s->fd);
	/* The runner and everything it started are gone: nothing can
	 * change a sysctl again behind the restore.
	 */
	host_sysctls_restore(s->host, s->trace);
	session_free(s);
}
