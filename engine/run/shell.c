/*
 * shell.c - running a script's shell commands (see shell.h).
 *
 * Each command gets a process group of its own so that it and anything
 * it starts in the background can be stopped together; and a parent-death
 * signal, so nothing outlives a runner that is killed outright.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/abort.h"
#include "run/shell.h"

/* nstat(8) keeps the counters it last printed in one file per user,
 * shared by every namespace: two scripts using it at once would see each
 * other's deltas.  Each runner gets its own history file.
 */
static void nstat_history_path(pid_t runner, char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/.tcpcheck-nstat.%d", (int)runner);
}

void shell_cleanup_of(pid_t runner)
{
	char path[64];

	nstat_history_path(runner, path, sizeof(path));
	unlink(path);
}

void shell_cleanup(void)
{
	shell_cleanup_of(getpid());
}

void shell_child_prepare(pid_t runner)
{
	sigset_t none;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != runner)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void exec_child(const char *command, const char *dir, pid_t runner)
{
	char pid_text[24], nstat_path[64];

	shell_child_prepare(runner);
	snprintf(pid_text, sizeof(pid_text), "%d", (int)runner);
	setenv("PACKETDRILL_PID", pid_text, 1);
	setenv("TCPCHECK_PID", pid_text, 1);
	nstat_history_path(runner, nstat_path, sizeof(nstat_path));
	setenv("NSTAT_HISTORY", nstat_path, 1);
	if (dir && chdir(dir) < 0) {
		fprintf(stderr, "tcpcheck: cannot enter %s: %s\n", dir,
			strerror(errno));
		_exit(127);
	}
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	fprintf(stderr, "tcpcheck: cannot run /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

int shell_run(const char *command, const char *dir, struct error *err)
{
	pid_t runner = getpid();
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return error_set_errno(err, "fork");
	if (pid == 0)
		exec_child(command, dir, runner);
	/* Also from here: whichever of the two runs first. */
	setpgid(pid, pid);

	for (;;) {
		pid_t r = waitpid(pid, &status, 0);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			error_set_errno(err, "waiting for a shell command");
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		if (abort_requested()) {
			kill(-pid, SIGTERM);
			waitpid(pid, &status, 0);
			kill(-pid, SIGKILL);
			return SHELL_INTERRUPTED;
		}
	}
	/* Background jobs the command left behind go with it. */
	kill(-pid, SIGKILL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return SHELL_OK;
	if (WIFEXITED(status))
		error_set(err, "exited with status %d",
			  WEXITSTATUS(status));
	else
		error_set(err, "was killed by signal %d (%s)",
			  WTERMSIG(status), strsignal(WTERMSIG(status)));
	return SHELL_FAILED;
}

/* The next word of a command line, quotes taken off; NULL at the end. */
static const char *next_word(const char *p, char *word, size_t size)
{
	size_t n = 0;
	char quote = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
		if (!quote && (*p == '"' || *p == '\'')) {
			quote = *p;
			continue;
		}
		if (quote && *p == quote) {
			quote = 0;
			continue;
		}
		if (n + 1 < size)
			word[n++] = *p;
	}
	word[n] = '\0';
	return p;
}

bool shell_missing_sysctl(const char *command, char *buf, size_t size)
{
	char word[512], path[600];
	const char *p = next_word(command, word, sizeof(word));
	const char *base = p ? strrchr(word, '/') : NULL;

	if (!p || strcmp(base ? base + 1 : word, "sysctl"))
		return false;
	while ((p = next_word(p, word, sizeof(word)))) {
		char *eq = strchr(word, '=');

		if (word[0] == '-' || !eq || eq == word)
			continue;
		*eq = '\0';
		snprintf(path, sizeof(path), "/proc/sys/%s", word);
		/* Dots separate the levels, unless slashes already do. */
		if (!strchr(word, '/'))
			for (char *c = path + 10; *c; c++)
				if (*c == '.')
					*c = '/';
		if (access(path, F_OK) < 0 && errno == ENOENT) {
			snprintf(buf, size, "%s", word);
			return true;
		}
	}
	return false;
}
