/*
 * syscalls.c - the system-call interpreter: call table, validation,
 * prepare / perform / finish, and the script-to-live fd map.
 *
 * Every supported call is one row of `calls` below: its name, the kind
 * of each argument, what its result means and whether it can block.  The
 * generic driver evaluates arguments by kind (syscall_args.c), makes the
 * call through the backend, checks the result and errno, then lets each
 * output kind compare what was written (syscall_check.c).  The per-call
 * code is two switches: backend_has(), whether the backend has the
 * call's operation, and perform(), one line a call that passes the
 * evaluated arguments to that operation with the right types.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/symbols.h"
#include "sys/syscall_internal.h"

/* ---- the call table ---- */

#define A(kind)		{ ARG_##kind, -1 }
#define L(kind, link)	{ ARG_##kind, link }	/* uses argument link */

static const struct syscall_desc calls[] = {
	{ "socket", SYS_SOCKET, 3, 3,
	  { A(DOMAIN), A(INT), A(INT) }, RESULT_NEW_FD, false },
	{ "bind", SYS_BIND, 3, 3,
	  { A(FD), L(ADDR_BIND, 2), A(ADDRLEN_IN) }, RESULT_VALUE, false },
	{ "listen", SYS_LISTEN, 2, 2,
	  { A(FD), A(INT) }, RESULT_VALUE, false },
	{ "accept", SYS_ACCEPT, 3, 3,
	  { A(FD), L(ADDR_OUT, 2), A(ADDRLEN_OUT) }, RESULT_NEW_FD, true },
	{ "accept4", SYS_ACCEPT4, 4, 4,
	  { A(FD), L(ADDR_OUT, 2), A(ADDRLEN_OUT), A(INT) },
	  RESULT_NEW_FD, true },
	{ "connect", SYS_CONNECT, 3, 3,
	  { A(FD), L(ADDR_CONNECT, 2), A(ADDRLEN_IN) }, RESULT_VALUE, true },
	{ "read", SYS_READ, 3, 3,
	  { A(FD), L(BUF_OUT, 2), A(SIZE) }, RESULT_VALUE, true },
	{ "readv", SYS_READV, 3, 3,
	  { A(FD), L(IOV_OUT, 2), A(INT) }, RESULT_VALUE, true },
	{ "recv", SYS_RECV, 4, 4,
	  { A(FD), L(BUF_OUT, 2), A(SIZE), A(INT) }, RESULT_VALUE, true },
	{ "recvfrom", SYS_RECVFROM, 6, 6,
	  { A(FD), L(BUF_OUT, 2), A(SIZE), A(INT), L(ADDR_OUT, 5),
	    A(ADDRLEN_OUT) }, RESULT_VALUE, true },
	{ "write", SYS_WRITE, 3, 3,
	  { A(FD), L(BUF_IN, 2), A(SIZE) }, RESULT_VALUE, true },
	{ "writev", SYS_WRITEV, 3, 3,
	  { A(FD), L(IOV_IN, 2), A(INT) }, RESULT_VALUE, true },
	{ "send", SYS_SEND, 4, 4,
	  { A(FD), L(BUF_IN, 2), A(SIZE), A(INT) }, RESULT_VALUE, true },
	/* `...` as sendto's address connects (MSG_FASTOPEN), as connect. */
	{ "sendto", SYS_SENDTO, 6, 6,
	  { A(FD), L(BUF_IN, 2), A(SIZE), A(INT), L(ADDR_CONNECT, 5),
	    A(ADDRLEN_IN) }, RESULT_VALUE, true },
	/* close() can block in SO_LINGER. */
	{ "close", SYS_CLOSE, 1, 1,
	  { A(FD) }, RESULT_CLOSES_FD, true },
	{ "shutdown", SYS_SHUTDOWN, 2, 2,
	  { A(FD), A(INT) }, RESULT_VALUE, false },
	{ "setsockopt", SYS_SETSOCKOPT, 5, 5,
	  { A(FD), A(INT), A(INT), L(OPTVAL_IN, 4), A(OPTLEN_IN) },
	  RESULT_VALUE, false },
	{ "getsockopt", SYS_GETSOCKOPT, 5, 5,
	  { A(FD), A(INT), A(INT), L(OPTVAL_OUT, 4), A(OPTLEN_OUT) },
	  RESULT_VALUE, false },
	{ "getsockname", SYS_GETSOCKNAME, 3, 3,
	  { A(FD), L(ADDR_OUT, 2), A(ADDRLEN_OUT) }, RESULT_VALUE, false },
	{ "getpeername", SYS_GETPEERNAME, 3, 3,
	  { A(FD), L(ADDR_OUT, 2), A(ADDRLEN_OUT) }, RESULT_VALUE, false },
	{ "fcntl", SYS_FCNTL, 2, 3,
	  { A(FD), A(INT), A(INT) }, RESULT_VALUE, false },
	{ "ioctl", SYS_IOCTL, 2, 3,
	  { A(FD), A(INT), A(IOCTL_INT) }, RESULT_VALUE, false },
	{ "poll", SYS_POLL, 3, 3,
	  { L(POLLFDS, 1), A(INT), A(INT) }, RESULT_VALUE, true },
	{ "epoll_create", SYS_EPOLL_CREATE, 1, 1,
	  { A(INT) }, RESULT_NEW_FD, false },
	{ "epoll_ctl", SYS_EPOLL_CTL, 4, 4,
	  { A(FD), A(INT), A(FD), A(EPOLL_EVENT_IN) }, RESULT_VALUE, false },
	{ "epoll_wait", SYS_EPOLL_WAIT, 4, 4,
	  { A(FD), L(EPOLL_EVENTS_OUT, 2), A(INT), A(INT) },
	  RESULT_VALUE, true },
	/* `...` as msg_name connects (MSG_FASTOPEN), as for sendto. */
	{ "sendmsg", SYS_SENDMSG, 3, 3,
	  { A(FD), A(MSGHDR_IN), A(INT) }, RESULT_VALUE, true },
	{ "recvmsg", SYS_RECVMSG, 3, 3,
	  { A(FD), A(MSGHDR_OUT), A(INT) }, RESULT_VALUE, true },
	{ "open", SYS_OPEN, 2, 3,
	  { A(PATH), A(INT), A(INT) }, RESULT_NEW_FD, false },
	{ "pipe", SYS_PIPE, 1, 1,
	  { A(PIPE_FDS) }, RESULT_NEW_PIPE, false },
	{ "sendfile", SYS_SENDFILE, 4, 4,
	  { A(FD), A(FD), A(OFFSET), A(SIZE) }, RESULT_VALUE, true },
	{ "splice", SYS_SPLICE, 6, 6,
	  { A(FD), A(OFFSET), A(FD), A(OFFSET), A(SIZE), A(INT) },
	  RESULT_VALUE, true },
	/* cap_set(CAP_EFFECTIVE, CAP_NET_ADMIN, CAP_CLEAR), as libcap's
	 * cap_set_flag() names its arguments.
	 */
	{ "cap_set", SYS_CAP_SET, 3, 3,
	  { A(INT), A(INT), A(INT) }, RESULT_VALUE, false },
};

#define CALL_COUNT (sizeof(calls) / sizeof(calls[0]))

const char *syscall_name_at(size_t i, int *min_args, int *max_args)
{
	if (i >= CALL_COUNT)
		return NULL;
	if (min_args)
		*min_args = calls[i].min_args;
	if (max_args)
		*max_args = calls[i].max_args;
	return calls[i].name;
}

static const struct syscall_desc *find_call(const char *name)
{
	size_t i;

	for (i = 0; i < CALL_COUNT; i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	return NULL;
}

/* Calls packetdrill has that this table does not (yet): named as such
 * rather than "unknown", so a script using them is not taken for a typo.
 */
static const char *const not_yet[] = {
	"psp_rx_assoc", "psp_tx_assoc", NULL
};

/* "unknown system call 'conect'; did you mean 'connect'?" */
static void unknown_call(const char *name, struct eval_error *ee,
			 struct src_loc loc)
{
	struct suggestion s;
	size_t i;

	for (i = 0; not_yet[i]; i++) {
		if (strcmp(name, not_yet[i]) == 0) {
			eval_fail(ee, loc, "system call '%s' is not supported "
				  "yet", name);
			return;
		}
	}
	suggestion_init(&s, name);
	for (i = 0; i < CALL_COUNT; i++)
		suggestion_consider(&s, calls[i].name);
	if (suggestion_result(&s))
		eval_fail(ee, loc, "unknown system call '%s'; did you mean "
			  "'%s'?", name, suggestion_result(&s));
	else
		eval_fail(ee, loc, "unknown system call '%s'", name);
}

static int check_arg_count(const struct syscall_desc *desc,
			   const struct syscall_spec *spec,
			   struct eval_error *ee)
{
	int n = spec->args.count;

	if (n >= desc->min_args && n <= desc->max_args)
		return 0;
	if (desc->min_args == desc->max_args)
		return eval_fail(ee, spec->name_loc, "%s expects %d argument%s,"
				 " got %d", desc->name, desc->min_args,
				 desc->min_args == 1 ? "" : "s", n);
	return eval_fail(ee, spec->name_loc, "%s expects %d to %d arguments, "
			 "got %d", desc->name, desc->min_args, desc->max_args,
			 n);
}

/* ---- the fd map ---- */

struct fd_entry {
	int script_fd;		/* -1: a descriptor the script never named */
	int live_fd;
};

struct fd_map {
	struct fd_entry *items;
	int count;
	int capacity;
};

struct fd_map *fd_map_new(void)
{
	return calloc(1, sizeof(struct fd_map));
}

void fd_map_free(struct fd_map *m)
{
	if (!m)
		return;
	free(m->items);
	free(m);
}

void fd_map_close_all(struct fd_map *m, struct syscall_backend *backend)
{
	int i, err;

	for (i = 0; backend->ops->close && i < m->count; i++)
		backend->ops->close(backend, m->items[i].live_fd, &err);
	m->count = 0;
}

bool fd_map_lookup(const struct fd_map *m, int script_fd, int *live_fd)
{
	int i;

	for (i = 0; i < m->count; i++) {
		if (m->items[i].script_fd == script_fd && script_fd >= 0) {
			*live_fd = m->items[i].live_fd;
			return true;
		}
	}
	return false;
}

int fd_map_script_fd(const struct fd_map *m, int live_fd)
{
	int i;

	for (i = 0; i < m->count; i++)
		if (m->items[i].live_fd == live_fd)
			return m->items[i].script_fd;
	return -1;
}

static int fd_map_add(struct fd_map *m, int script_fd, int live_fd)
{
	if (m->count == m->capacity) {
		int cap = m->capacity ? 2 * m->capacity : 8;
		struct fd_entry *items = realloc(m->items,
						 (size_t)cap * sizeof(*items));

		if (!items)
			return -1;
		m->items = items;
		m->capacity = cap;
	}
	m->items[m->count].script_fd = script_fd;
	m->items[m->count].live_fd = live_fd;
	m->count++;
	return 0;
}

static void fd_map_unname(struct fd_map *m, int script_fd)
{
	for (int i = 0; i < m->count; i++)
		if (m->items[i].script_fd == script_fd)
			m->items[i].script_fd = -1;
}

static void fd_map_remove_live(struct fd_map *m, int live_fd)
{
	int i;

	for (i = 0; i < m->count; i++) {
		if (m->items[i].live_fd == live_fd) {
			m->items[i] = m->items[--m->count];
			return;
		}
	}
}

/* ---- evaluating a line ---- */

/* Arguments in two passes: plain values first, then the kinds that use
 * another argument (a buffer's count, an address's length).
 */
static int prepare_args(const struct syscall_ctx *ctx,
			const struct syscall_spec *spec,
			struct syscall_run *run, struct eval_error *ee)
{
	int pass, i, rc;

	for (i = 0; i < run->argc; i++)
		run->arg[i].expr = i < spec->args.count ?
				   spec->args.items[i] : NULL;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < run->argc; i++) {
			if (arg_kind_is_linked(run->desc->args[i].kind) !=
			    (pass == 1))
				continue;
			rc = arg_prepare(ctx, run, i, ee);
			if (rc != OUTCOME_OK)
				return rc;
		}
	}
	return OUTCOME_OK;
}

/* The expected result: `...`, a number (for new descriptors: the script's
 * name for it, or -1), and the errno name that goes with -1.
 */
static int prepare_result(const struct syscall_spec *spec,
			  struct syscall_run *run, struct eval_error *ee)
{
	const struct expr *r = spec->result;
	const char *hint;

	if (!r)
		return eval_fail(ee, spec->name_loc, "%s has no result",
				 spec->name);
	run->result_unchecked = expr_is_ellipsis(r);
	if (!run->result_unchecked &&
	    expr_eval_int(r, &run->want_result, ee))
		return -1;
	if (!run->result_unchecked && run->desc->result == RESULT_NEW_FD &&
	    (run->want_result < -1 || run->want_result > INT32_MAX))
		return eval_fail(ee, r->loc, "expected a descriptor number "
				 "or -1 as the result of %s",
				 run->desc->name);
	if (!spec->errno_name)
		return 0;
	if (!errno_from_name(spec->errno_name, &run->want_errno)) {
		hint = errno_suggest(spec->errno_name);
		if (hint)
			return eval_fail(ee, spec->errno_loc, "unknown errno "
					 "name '%s'; did you mean '%s'?",
					 spec->errno_name, hint);
		return eval_fail(ee, spec->errno_loc,
				 "unknown errno name '%s'", spec->errno_name);
	}
	if (!run->result_unchecked && run->want_result != -1)
		return eval_fail(ee, spec->errno_loc, "errno %s needs the "
				 "result -1", spec->errno_name);
	return 0;
}

static struct syscall_run *run_new(const struct syscall_desc *desc)
{
	struct syscall_run *run = calloc(1, sizeof(*run));

	if (!run)
		return NULL;
	run->desc = desc;
	run->argc = desc->max_args;
	return run;
}

void syscall_run_free(struct syscall_run *run)
{
	int i;

	if (!run)
		return;
	for (i = 0; i < run->argc; i++)
		arg_release(run->desc->args[i].kind, &run->arg[i]);
	free(run);
}

/* ---- validation ---- */

static void add_diag(struct diag_list *diags, const struct eval_error *ee)
{
	diag_add(diags, ee->loc, "%s", ee->text);
}

/* Every symbol and function named anywhere in e, each reported. */
static void check_names(const struct expr *e, struct diag_list *diags)
{
	struct eval_error ee;
	int64_t v;
	int i;

	switch (e->kind) {
	case EXPR_WORD:
		if (!symbol_lookup(e->u.word, &v)) {
			unknown_symbol(e->u.word, e->loc, &ee);
			add_diag(diags, &ee);
		}
		return;
	case EXPR_CALL:
		if (!expr_function_known(e->u.call.name)) {
			const char *hint = expr_function_suggest(
				e->u.call.name);

			if (hint)
				diag_add(diags, e->loc, "unknown function "
					 "'%s'; did you mean '%s'?",
					 e->u.call.name, hint);
			else
				diag_add(diags, e->loc, "unknown function "
					 "'%s'", e->u.call.name);
		}
		for (i = 0; i < e->u.call.args.count; i++)
			check_names(e->u.call.args.items[i], diags);
		return;
	case EXPR_OR:
		check_names(e->u.binary.lhs, diags);
		check_names(e->u.binary.rhs, diags);
		return;
	case EXPR_ARRAY:
		for (i = 0; i < e->u.array.count; i++)
			check_names(e->u.array.items[i], diags);
		return;
	case EXPR_STRUCT:
		for (i = 0; i < e->u.structure.count; i++) {
			if (e->u.structure.fields[i].index)
				check_names(e->u.structure.fields[i].index,
					    diags);
			check_names(e->u.structure.fields[i].value, diags);
		}
		return;
	case EXPR_ELLIPSIS:
	case EXPR_INT:
	case EXPR_STRING:
	case EXPR_ENCAP:
		return;
	}
}

int syscall_validate(const struct syscall_spec *spec, struct diag_list *diags)
{
	const struct syscall_desc *desc = find_call(spec->name);
	int before = diags->count, i;
	struct syscall_run *run;
	struct eval_error ee;

	if (!desc) {
		unknown_call(spec->name, &ee, spec->name_loc);
		add_diag(diags, &ee);
		return -1;
	}
	if (check_arg_count(desc, spec, &ee)) {
		add_diag(diags, &ee);
		return -1;
	}
	for (i = 0; i < spec->args.count; i++)
		check_names(spec->args.items[i], diags);
	if (spec->result)
		check_names(spec->result, diags);
	if (diags->count != before)
		return -1;
	/* The names are fine: evaluate statically for the forms. */
	run = run_new(desc);
	if (!run) {
		diag_add(diags, spec->name_loc, "out of memory");
		return -1;
	}
	if (prepare_args(NULL, spec, run, &ee) != OUTCOME_OK ||
	    prepare_result(spec, run, &ee))
		add_diag(diags, &ee);
	syscall_run_free(run);
	return diags->count == before ? 0 : -1;
}

/* ---- prepare ---- */

static bool backend_has(const struct syscall_backend_ops *o,
			enum syscall_id id)
{
	switch (id) {
	case SYS_SOCKET:
		return o->socket;
	case SYS_BIND:
		return o->bind;
	case SYS_LISTEN:
		return o->listen;
	case SYS_ACCEPT:
		return o->accept;
	case SYS_ACCEPT4:
		return o->accept4;
	case SYS_CONNECT:
		return o->connect;
	case SYS_READ:
		return o->read;
	case SYS_READV:
		return o->readv;
	case SYS_RECV:
		return o->recv;
	case SYS_RECVFROM:
		return o->recvfrom;
	case SYS_WRITE:
		return o->write;
	case SYS_WRITEV:
		return o->writev;
	case SYS_SEND:
		return o->send;
	case SYS_SENDTO:
		return o->sendto;
	case SYS_CLOSE:
		return o->close;
	case SYS_SHUTDOWN:
		return o->shutdown;
	case SYS_SETSOCKOPT:
		return o->setsockopt;
	case SYS_GETSOCKOPT:
		return o->getsockopt;
	case SYS_GETSOCKNAME:
		return o->getsockname;
	case SYS_GETPEERNAME:
		return o->getpeername;
	case SYS_FCNTL:
		return o->fcntl;
	case SYS_IOCTL:
		return o->ioctl;
	case SYS_POLL:
		return o->poll;
	case SYS_EPOLL_CREATE:
		return o->epoll_create;
	case SYS_EPOLL_CTL:
		return o->epoll_ctl;
	case SYS_EPOLL_WAIT:
		return o->epoll_wait;
	case SYS_SENDMSG:
		return o->sendmsg;
	case SYS_RECVMSG:
		return o->recvmsg;
	case SYS_OPEN:
		return o->open;
	case SYS_PIPE:
		return o->pipe;
	case SYS_SENDFILE:
		return o->sendfile;
	case SYS_SPLICE:
		return o->splice;
	case SYS_CAP_SET:
		return o->cap_set;
	}
	return false;
}

int syscall_prepare(struct syscall_ctx *ctx, const struct syscall_spec *spec,
		    struct syscall_run **out, struct error *err)
{
	const struct syscall_desc *desc = find_call(spec->name);
	struct syscall_run *run;
	struct eval_error ee;
	int rc;

	*out = NULL;
	if (!desc) {
		unknown_call(spec->name, &ee, spec->name_loc);
		error_set(err, "%s", ee.text);
		return OUTCOME_BAD_SCRIPT;
	}
	if (check_arg_count(desc, spec, &ee)) {
		error_set(err, "%s", ee.text);
		return OUTCOME_BAD_SCRIPT;
	}
	if (!backend_has(ctx->backend->ops, desc->id)) {
		error_set(err, "the %s backend does not support %s()",
			  ctx->backend->ops->name, desc->name);
		return OUTCOME_ENVIRONMENT;
	}
	run = run_new(desc);
	if (!run) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	run->backend = ctx->backend;
	rc = prepare_args(ctx, spec, run, &ee);
	if (rc == OUTCOME_OK && prepare_result(spec, run, &ee))
		rc = OUTCOME_BAD_SCRIPT;
	if (rc != OUTCOME_OK) {
		error_set(err, "%s", ee.text);
		syscall_run_free(run);
		return rc;
	}
	*out = run;
	return OUTCOME_OK;
}

/* ---- finish ---- */

#define FD(i)		((int)run->arg[i].num)

static bool result_matches(const struct syscall_run *run)
{
	if (run->result_unchecked)
		return true;
	if (run->desc->result == RESULT_NEW_FD && run->want_result >= 0)
		return run->result >= 0;
	if (run->result != run->want_result)
		return false;
	return !run->want_errno || run->result >= 0 ||
	       run->err == run->want_errno;
}

/* "-1 ECONNRESET (Connection reset by peer)" */
static void add_actual(const struct syscall_run *run,
		       const struct syscall_spec *spec, struct strbuf *sb)
{
	const char *name = errno_to_name(run->err);
	char text[128];

	if (run->result >= 0 && spec->result->kind == EXPR_INT &&
	    spec->result->u.num.is_hex)
		strbuf_add(sb, "%#lx", (unsigned long)run->result);
	else
		strbuf_add(sb, "%ld", run->result);
	if (run->result >= 0 || run->err == 0)
		return;
	if (name)
		strbuf_add(sb, " %s", name);
	else
		strbuf_add(sb, " errno %d", run->err);
	strbuf_add(sb, " (%s)", strerror_r(run->err, text, sizeof(text)));
}

/* pipe([5, 6]) = 0 names both new descriptors. */
static int track_pipe(struct syscall_ctx *ctx, const struct syscall_run *run,
		      bool matched, struct error *err)
{
	const int *live = run->arg[0].buf, *named = run->arg[0].want;
	int k, script_fd, other, rc = OUTCOME_OK;

	if (run->result != 0)
		return OUTCOME_OK;
	for (k = 0; k < 2; k++) {
		script_fd = matched ? named[k] : -1;
		if (script_fd >= 0 &&
		    fd_map_lookup(ctx->fds, script_fd, &other)) {
			error_set(err, "fd %d is already open in this script",
				  script_fd);
			script_fd = -1;
			rc = OUTCOME_BAD_SCRIPT;
		}
		if (fd_map_add(ctx->fds, script_fd, live[k])) {
			error_set(err, "out of memory");
			return OUTCOME_ENVIRONMENT;
		}
	}
	return rc;
}

/* Record what the call did to descriptors, whatever the script said, so
 * that the map always tells what is open (teardown closes it all).
 */
static int track_fds(struct syscall_ctx *ctx, const struct syscall_run *run,
		     bool matched, struct error *err)
{
	int script_fd = -1, live, rc = OUTCOME_OK;

	switch (run->desc->result) {
	case RESULT_VALUE:
		return OUTCOME_OK;
	case RESULT_CLOSES_FD:
		if (run->result == 0)
			fd_map_remove_live(ctx->fds, FD(0));
		return OUTCOME_OK;
	case RESULT_NEW_PIPE:
		return track_pipe(ctx, run, matched, err);
	case RESULT_NEW_FD:
		break;
	}
	if (run->result < 0)
		return OUTCOME_OK;
	if (matched && !run->result_unchecked && run->want_result >= 0)
		script_fd = (int)run->want_result;
	/* A number still in use passes to the new descriptor, as in
	 * packetdrill (`accept(3, ...) = 4` twice without a close): the
	 * earlier one stays open, unnamed, until the run ends.
	 */
	if (script_fd >= 0 && fd_map_lookup(ctx->fds, script_fd, &live))
		fd_map_unname(ctx->fds, script_fd);
	if (fd_map_add(ctx->fds, script_fd, (int)run->result)) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	return rc;
}

/* What the call did, as far as the runner follows it (syscalls.h). */
static void note_effects(struct syscall_run *run)
{
	struct syscall_effects *fx = &run->effects;
	bool made = run->desc->result == RESULT_NEW_FD && run->result >= 0;
	bool socket = run->desc->id == SYS_SOCKET;
	bool accepted = run->desc->id == SYS_ACCEPT ||
			run->desc->id == SYS_ACCEPT4;

	fx->new_fd = made ? (int)run->result : -1;
	fx->new_socket = made && (socket || accepted);
	fx->socket_created = made && socket;
	fx->bound_to_plan = false;
	for (int i = 0; i < run->argc; i++)
		if (run->desc->args[i].kind == ARG_ADDR_BIND &&
		    run->arg[i].expr &&
		    run->arg[i].expr->kind == EXPR_ELLIPSIS)
			fx->bound_to_plan = true;
}

int syscall_finish(struct syscall_ctx *ctx, const struct syscall_spec *spec,
		   struct syscall_run *run, struct error *err)
{
	char call[512], text[ERROR_TEXT_MAX];
	bool matched = result_matches(run);
	struct strbuf sb;
	int rc, pass, i;

	note_effects(run);
	syscall_format_call(spec, call, sizeof(call));
	if (run->result < 0 && run->err == SYSCALL_BACKEND_UNSUPPORTED) {
		error_set(err, "the %s stack does not support %s",
			  ctx->backend->ops->name, call);
		return OUTCOME_ENVIRONMENT;
	}
	rc = track_fds(ctx, run, matched, err);
	if (!matched) {
		strbuf_init(&sb, text, sizeof(text));
		add_actual(run, spec, &sb);
		strbuf_add(&sb, ", expected ");
		expr_format(spec->result, &sb);
		if (spec->errno_name)
			strbuf_add(&sb, " %s", spec->errno_name);
		error_set(err, "%s returned %s", call, text);
		return OUTCOME_MISMATCH;
	}
	if (rc != OUTCOME_OK)
		return rc;
	if (run->result < 0)
		return OUTCOME_OK;	/* outputs are undefined on failure */
	/* Lengths before the values they describe. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < run->argc; i++) {
			if (arg_kind_is_linked(run->desc->args[i].kind) !=
			    (pass == 1))
				continue;
			strbuf_init(&sb, text, sizeof(text));
			if (arg_finish(ctx, run, i, &sb) != OUTCOME_OK) {
				error_set(err, "%s: %s", call, text);
				return OUTCOME_MISMATCH;
			}
		}
	}
	return OUTCOME_OK;
}

const struct syscall_effects *syscall_run_effects(const struct syscall_run *run)
{
	return &run->effects;
}

long syscall_run_result(const struct syscall_run *run, int *err)
{
	*err = run->err;
	return run->result;
}

bool syscall_may_block(const struct syscall_spec *spec)
{
	const struct syscall_desc *desc = find_call(spec->name);

	return desc ? desc->may_block : true;
}

void syscall_format_call(const struct syscall_spec *spec, char *buf,
			 size_t size)
{
	struct strbuf sb;
	int i;

	strbuf_init(&sb, buf, size);
	strbuf_add(&sb, "%s(", spec->name);
	for (i = 0; i < spec->args.count; i++) {
		if (i)
			strbuf_add(&sb, ", ");
		expr_format(spec->args.items[i], &sb);
	}
	strbuf_add(&sb, ")");
}
