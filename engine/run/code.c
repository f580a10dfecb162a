/*
 * code.c - running %{ }% blocks with python3 (see code.h).
 *
 * The program handed to Python defines the constants, then calls one
 * helper per block with the block's line, its snapshot as a dict and its
 * text as hex (so no quoting of user text can go wrong).  The helper pads
 * the text with blank lines so that Python's own line numbers are the
 * script's, which is how a failing assertion is located, and ends it with
 * one, so that a block whose last line ends in a backslash continuation
 * (as packetdrill's scripts write `assert ...;\` before `}%`) is whole.  Python's
 * verdict comes back as its exit status and, on stderr, the failing line's
 * number on a line of its own, then the report.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/tcp.h>

#include "core/abort.h"
#include "run/code.h"
#include "run/shell.h"
#include "sys/syscall_backend.h"

struct code_block {
	const struct event *event;
	struct code_snapshot snap;
};

struct code_log {
	struct code_block *blocks;
	int count;
	int capacity;
};

struct code_log *code_log_new(void)
{
	return calloc(1, sizeof(struct code_log));
}

void code_log_free(struct code_log *log)
{
	if (!log)
		return;
	free(log->blocks);
	free(log);
}

/* Both are read as packetdrill's blocks read them, whatever the socket's
 * state; a call that fails leaves its part of the snapshot empty, so the
 * block's names are simply undefined.
 */
void code_snapshot_take(struct code_snapshot *snap,
			struct syscall_backend *backend, int fd)
{
	socklen_t len;
	int errnum = 0;

	snap->info_len = 0;
	snap->meminfo_len = 0;
	if (fd < 0 || !backend->ops->getsockopt)
		return;
	len = sizeof(snap->info);
	if (backend->ops->getsockopt(backend, fd, IPPROTO_TCP, TCP_INFO,
				     snap->info, &len, &errnum) == 0)
		snap->info_len = len;
	len = sizeof(snap->meminfo);
	if (backend->ops->getsockopt(backend, fd, SOL_SOCKET, SO_MEMINFO,
				     snap->meminfo, &len, &errnum) == 0)
		snap->meminfo_len = len;
}

int code_log_add(struct code_log *log, const struct event *event,
		 const struct code_snapshot *snap, struct error *err)
{
	struct code_block *b;

	if (log->count == log->capacity) {
		int cap = log->capacity ? 2 * log->capacity : 8;
		struct code_block *grown = realloc(log->blocks,
						   (size_t)cap * sizeof(*grown));

		if (!grown)
			return error_set(err, "out of memory");
		log->blocks = grown;
		log->capacity = cap;
	}
	b = &log->blocks[log->count++];
	b->event = event;
	b->snap = *snap;
	if (b->snap.info_len > sizeof(b->snap.info))
		b->snap.info_len = 0;
	if (b->snap.meminfo_len > sizeof(b->snap.meminfo))
		b->snap.meminfo_len = 0;
	return 0;
}

/* Exit statuses of the program below. */
#define PY_ASSERTION 3
#define PY_ERROR 4

static const char prelude[] =
	"import sys, textwrap, traceback\n"
	"_path = bytes.fromhex(sys.argv[1]).decode()\n"
	"def _block(line, tcpi, text):\n"
	"    text = bytes.fromhex(text).decode()\n"
	"    first, _, rest = text.partition('\\n')\n"
	"    body = first.strip() + '\\n' + textwrap.dedent(rest)\n"
	"    globals().update(tcpi)\n"
	"    padded = '\\n' * (line - 1) + body + '\\n'\n"
	"    lines = padded.split('\\n')\n"
	"    try:\n"
	"        code = compile(padded, _path, 'exec')\n"
	"        exec(code, globals())\n"
	"    except AssertionError as e:\n"
	"        where = traceback.extract_tb(sys.exc_info()[2])[-1]\n"
	"        msg = str(e)\n"
	"        sys.stderr.write('%d\\n%s:%d: assertion failed: %s%s\\n' % (\n"
	"            where.lineno, _path, where.lineno,\n"
	"            lines[where.lineno - 1].strip(),\n"
	"            ' (' + msg + ')' if msg else ''))\n"
	"        sys.exit(3)\n"
	"    except SyntaxError as e:\n"
	"        sys.stderr.write('%d\\n%s:%d: error: Python: %s\\n' % (\n"
	"            e.lineno or line, _path, e.lineno or line, e.msg))\n"
	"        sys.exit(4)\n"
	"    except Exception as e:\n"
	"        where = traceback.extract_tb(sys.exc_info()[2])[-1]\n"
	"        sys.stderr.write('%d\\n%s:%d: error: Python: %s: %s\\n' % (\n"
	"            where.lineno, _path, where.lineno, type(e).__name__, e))\n"
	"        sys.exit(4)\n";

static void write_hex(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		fprintf(out, "%02x", *p);
}

static void write_program(const struct code_log *log, FILE *out)
{
	fputs(prelude, out);
	tcp_info_write_constants(out);
	for (int i = 0; i < log->count; i++) {
		const struct code_block *b = &log->blocks[i];

		fprintf(out, "_block(%d, {", b->event->loc.line);
		tcp_info_write_python(b->snap.info, b->snap.info_len, out);
		sk_meminfo_write_python(b->snap.meminfo, b->snap.meminfo_len,
					out);
		fputs("}, '", out);
		write_hex(out, b->event->u.code);
		fputs("')\n", out);
	}
}

static char *hex_of(const char *text)
{
	size_t n = strlen(text);
	char *hex = malloc(2 * n + 1);

	if (!hex)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)text[i]);
	hex[2 * n] = '\0';
	return hex;
}

/* Python's stderr up to its end (its lines may come in separate
 * writes), in err's text (cut to fit) without the last newline.  True when the user
 * interrupted us meanwhile: Python is then killed.
 */
static bool read_verdict(int fd, pid_t pid, struct error *err)
{
	size_t used = 0, room;
	char discard[512];
	ssize_t n;

	for (;;) {
		/* Past the buffer, read on (Python must not block) and drop. */
		room = sizeof(err->text) - 1 - used;
		n = room ? read(fd, err->text + used, room) :
			read(fd, discard, sizeof(discard));
		if (n > 0) {
			used += room ? (size_t)n : 0;
			continue;
		}
		if (n < 0 && errno == EINTR && abort_requested()) {
			kill(pid, SIGKILL);
			err->text[used] = '\0';
			return true;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (used && err->text[used - 1] == '\n')
		used--;
	err->text[used] = '\0';
	return false;
}

/* Python reads the program from a pipe; its stderr comes back on another.
 * Like a shell command (shell.c) it is the runner's to stop: a process
 * group of its own, so Ctrl-C reaches the runner alone, which then kills
 * it, and a parent-death signal, so it never outlives a runner killed
 * outright (a block may loop forever).  *interrupted tells the caller.
 */
static int run_python(const struct code_log *log, const char *path_hex,
		      struct error *err, int *status, bool *interrupted)
{
	int in[2], msg[2];
	pid_t runner = getpid();
	pid_t pid;
	FILE *to;

	if (pipe2(in, O_CLOEXEC) < 0)
		return error_set_errno(err, "pipe2");
	if (pipe2(msg, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return error_set_errno(err, "pipe2");
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(in[0]); close(in[1]); close(msg[0]); close(msg[1]);
		return error_set_errno(err, "fork");
	}
	if (pid == 0) {
		shell_child_prepare(runner);
		dup2(in[0], 0);
		dup2(msg[1], 2);
		execlp("python3", "python3", "-", path_hex, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(msg[1]);
	to = fdopen(in[1], "w");
	if (to) {
		write_program(log, to);
		fclose(to);
	} else {
		close(in[1]);
	}
	*interrupted = read_verdict(msg[0], pid, err);
	close(msg[0]);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return error_set_errno(err, "waitpid");
		if (abort_requested()) {
			kill(pid, SIGKILL);
			*interrupted = true;
		}
	}
	return 0;
}

/* The program's verdict on stderr: the line's number on a line of its
 * own, then the report, which becomes err's text.
 */
static int take_line(struct error *err, enum failure_kind kind)
{
	char *end;
	long line = strtol(err->text, &end, 10);

	if (end != err->text && *end == '\n' && line > 0 && line <= INT32_MAX)
		memmove(err->text, end + 1, strlen(end + 1) + 1);
	else
		line = 0;
	error_locate(err, (int)line, kind);
	return failure_outcome(kind);
}

int code_log_run(const struct code_log *log, const char *script_path,
		 struct error *err)
{
	char *path_hex;
	int status = 0;
	bool interrupted = false;

	if (log->count == 0)
		return OUTCOME_OK;
	path_hex = hex_of(script_path);
	if (!path_hex)
		return error_set(err, "out of memory"), OUTCOME_ENVIRONMENT;
	if (run_python(log, path_hex, err, &status, &interrupted) < 0) {
		free(path_hex);
		return OUTCOME_ENVIRONMENT;
	}
	free(path_hex);
	if (interrupted || abort_requested())
		return error_set(err, "%s: interrupted by %s", script_path,
				 strsignal(abort_signal())),
			OUTCOME_ENVIRONMENT;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return OUTCOME_OK;
	if (WIFEXITED(status) && WEXITSTATUS(status) == PY_ASSERTION)
		return take_line(err, FAILURE_MISMATCH);
	if (WIFEXITED(status) && WEXITSTATUS(status) == PY_ERROR)
		return take_line(err, FAILURE_BAD_SCRIPT);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return error_set(err, "%s: code blocks need python3, which "
				 "could not be run", script_path),
			OUTCOME_ENVIRONMENT;
	if (!err->text[0])
		error_set(err, "%s: python3 failed running the code blocks",
			  script_path);
	return OUTCOME_ENVIRONMENT;
}
