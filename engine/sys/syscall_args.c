/*
 * syscall_args.c - argument kinds of the system-call interpreter.
 *
 * Each enum arg_kind has a prepare step (script expression -> what the
 * call is given, in a struct arg_slot) and, for outputs, a finish step
 * (what the call wrote -> compared with the script).  The same prepare
 * code runs in static mode (ctx NULL) for syscall_validate(), so a line
 * is rejected with the same words whether it is checked before the run
 * or found wrong during it.
 *
 * Kinds that depend on another argument (a buffer on its byte count, an
 * address on its length) are "linked"; the driver evaluates them in a
 * second pass, so the argument they use is ready whichever comes first.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/symbols.h"
#include "sys/syscall_internal.h"

#define OPTLEN_MAX 65536

bool arg_kind_is_linked(enum arg_kind kind)
{
	switch (kind) {
	case ARG_BUF_IN:
	case ARG_BUF_OUT:
	case ARG_ADDR_BIND:
	case ARG_ADDR_CONNECT:
	case ARG_ADDR_OUT:
	case ARG_OPTVAL_IN:
	case ARG_OPTVAL_OUT:
	case ARG_IOV_IN:
	case ARG_IOV_OUT:
	case ARG_POLLFDS:
	case ARG_EPOLL_EVENTS_OUT:
		return true;
	case ARG_FD:
	case ARG_INT:
	case ARG_DOMAIN:
	case ARG_SIZE:
	case ARG_ADDRLEN_IN:
	case ARG_ADDRLEN_OUT:
	case ARG_OPTLEN_IN:
	case ARG_OPTLEN_OUT:
	case ARG_IOCTL_INT:
	case ARG_EPOLL_EVENT_IN:
	case ARG_MSGHDR_IN:
	case ARG_MSGHDR_OUT:
	case ARG_PATH:
	case ARG_OFFSET:
	case ARG_PIPE_FDS:
		return false;
	}
	return false;
}

int arg_bad(struct eval_error *ee, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;

	ee->loc = loc;
	va_start(ap, fmt);
	vsnprintf(ee->text, sizeof(ee->text), fmt, ap);
	va_end(ap);
	return OUTCOME_BAD_SCRIPT;
}

int arg_oom(struct eval_error *ee, const struct expr *e)
{
	eval_fail(ee, e->loc, "out of memory");
	return OUTCOME_ENVIRONMENT;
}

int arg_struct(const struct expr *e, const char *const *allowed,
	       const char *what, const char *form, struct eval_error *ee)
{
	if (e->kind != EXPR_STRUCT)
		return arg_bad(ee, e->loc, "expected %s, found %s", form,
			       expr_describe(e));
	if (expr_check_fields(e, allowed, what, ee))
		return OUTCOME_BAD_SCRIPT;
	return OUTCOME_OK;
}

/* A zeroed allocation of at least one byte, so that a 0-byte buffer is
 * still a valid pointer (NULL is what the script writes as NULL).
 */
void *arg_zalloc(size_t len)
{
	return calloc(len ? len : 1, 1);
}

struct arg_slot *arg_linked(struct syscall_run *run, int i)
{
	return &run->arg[run->desc->args[i].link];
}

int arg_eval_range(const struct expr *e, int64_t lo, int64_t hi,
		   const char *what, int64_t *v, struct eval_error *ee)
{
	if (expr_eval_int(e, v, ee))
		return OUTCOME_BAD_SCRIPT;
	if (*v < lo || *v > hi) {
		eval_fail(ee, e->loc, "%s %lld is out of range", what,
			  (long long)*v);
		return OUTCOME_BAD_SCRIPT;
	}
	return OUTCOME_OK;
}

/* A script fd: negative ones pass through (poll ignores them). */
int arg_map_fd(const struct syscall_ctx *ctx, const struct expr *e,
	       bool allow_negative, int *script_fd, int *live_fd,
	       struct eval_error *ee)
{
	int64_t n;

	if (expr_eval_int(e, &n, ee))
		return OUTCOME_BAD_SCRIPT;
	if (n > INT_MAX || n < (allow_negative ? INT_MIN : 0)) {
		eval_fail(ee, e->loc, "%lld is no descriptor number",
			  (long long)n);
		return OUTCOME_BAD_SCRIPT;
	}
	*script_fd = (int)n;
	*live_fd = (int)n;
	if (!ctx || n < 0)
		return OUTCOME_OK;
	if (!fd_map_lookup(ctx->fds, (int)n, live_fd)) {
		eval_fail(ee, e->loc, "fd %d is not open in this script",
			  (int)n);
		return OUTCOME_BAD_SCRIPT;
	}
	return OUTCOME_OK;
}

/* ---- scalars ---- */

static int prep_fd(const struct syscall_ctx *ctx, struct arg_slot *s,
		   struct eval_error *ee)
{
	int live;
	int rc = arg_map_fd(ctx, s->expr, false, &s->script_fd, &live, ee);

	s->num = live;
	return rc;
}

static int prep_int(struct arg_slot *s, struct eval_error *ee)
{
	return arg_eval_range(s->expr, INT32_MIN, UINT32_MAX, "value", &s->num,
			      ee);
}

static int prep_domain(const struct syscall_ctx *ctx, struct arg_slot *s,
		       struct eval_error *ee)
{
	if (!expr_is_ellipsis(s->expr))
		return prep_int(s, ee);
	s->num = ctx ? plan_socket_family(ctx->plan) : AF_INET;
	return OUTCOME_OK;
}

/* A length written as `...` (set by the linked argument) or a number. */
static int prep_len_in(struct arg_slot *s, int64_t max,
		       struct eval_error *ee)
{
	if (expr_is_ellipsis(s->expr)) {
		s->automatic = true;
		return OUTCOME_OK;
	}
	return arg_eval_range(s->expr, 0, max, "length", &s->num, ee);
}

/* An in/out length: `...` (set by the linked argument, not compared),
 * NULL, or [expected].
 */
static int prep_len_out(struct arg_slot *s, int64_t max,
			struct eval_error *ee)
{
	int64_t n;

	if (expr_is_ellipsis(s->expr)) {
		s->automatic = true;
		s->unchecked = true;
		return OUTCOME_OK;
	}
	if (expr_is_null(s->expr)) {
		s->is_null = true;
		return OUTCOME_OK;
	}
	if (s->expr->kind != EXPR_ARRAY)
		return arg_bad(ee, s->expr->loc, "expected ..., NULL or "
			       "[length], found %s", expr_describe(s->expr));
	if (expr_eval_bracketed(s->expr, &n, ee))
		return OUTCOME_BAD_SCRIPT;
	if (n < 0 || n > max) {
		eval_fail(ee, s->expr->loc, "length %lld is out of range",
			  (long long)n);
		return OUTCOME_BAD_SCRIPT;
	}
	s->num = n;		/* expected back; len is overwritten */
	s->len = (socklen_t)n;
	return OUTCOME_OK;
}

/* ---- data buffers ---- */

static int prep_buf(struct syscall_run *run, int i, bool out,
		    struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i];
	const struct expr *e = s->expr;
	size_t size = (size_t)arg_linked(run, i)->num;

	if (expr_is_null(e)) {
		s->is_null = true;
		return OUTCOME_OK;
	}
	if (!expr_is_ellipsis(e) && e->kind != EXPR_STRING)
		return arg_bad(ee, e->loc, "expected ..., NULL or a string, "
			       "found %s", expr_describe(e));
	/* Sent data is zeros unless the script gives bytes, as in
	 * packetdrill; a short string is padded with zeros to the count.
	 */
	s->unchecked = expr_is_ellipsis(e);
	if (e->kind == EXPR_STRING && !out && e->u.str.len > size)
		size = e->u.str.len;
	s->buf = arg_zalloc(size);
	s->buf_len = size;
	if (!s->buf)
		return arg_oom(ee, e);
	if (e->kind != EXPR_STRING)
		return OUTCOME_OK;
	if (!out) {
		memcpy(s->buf, e->u.str.text, e->u.str.len);
		return OUTCOME_OK;
	}
	s->want = malloc(e->u.str.len ? e->u.str.len : 1);
	if (!s->want)
		return arg_oom(ee, e);
	memcpy(s->want, e->u.str.text, e->u.str.len);
	s->want_len = e->u.str.len;
	return OUTCOME_OK;
}

/* ---- socket addresses ---- */

static int prep_addr_in(const struct syscall_ctx *ctx, struct syscall_run *run,
			int i, enum addr_role role, struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i], *len = arg_linked(run, i);
	const struct expr *e = s->expr;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	struct net_plan defaults;
	int64_t family;

	memset(&ss, 0, sizeof(ss));
	if (expr_is_ellipsis(e)) {
		if (!ctx)
			plan_set_defaults(&defaults);
		if (sockaddr_from_plan(ctx ? ctx->plan : &defaults, role, &ss,
				       &sslen, e->loc, ee))
			return OUTCOME_BAD_SCRIPT;
	} else if (expr_is_null(e)) {
		s->is_null = true;
	} else if (e->kind == EXPR_STRUCT) {
		if (sockaddr_from_expr(e, &ss, &sslen, false, NULL, ee))
			return OUTCOME_BAD_SCRIPT;
	} else {
		/* A bare family, packetdrill's connect(fd, AF_UNSPEC, ...):
		 * only sa_family is set, the length is the storage's.
		 */
		if (arg_eval_range(e, 0, UINT16_MAX, "address family", &family,
				   ee))
			return OUTCOME_BAD_SCRIPT;
		ss.ss_family = (sa_family_t)family;
		sslen = sizeof(ss);
	}
	if (len->automatic)
		len->num = sslen;
	if (s->is_null)
		return OUTCOME_OK;
	s->buf = malloc(sizeof(ss));
	if (!s->buf)
		return arg_oom(ee, e);
	memcpy(s->buf, &ss, sizeof(ss));
	s->buf_len = sizeof(ss);
	return OUTCOME_OK;
}

static int prep_addr_out(struct syscall_run *run, int i,
			 struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i], *len = arg_linked(run, i);
	const struct expr *e = s->expr;
	struct addr_want *want;

	if (expr_is_null(e)) {
		s->is_null = true;
		if (len->automatic)
			len->is_null = true;	/* accept(fd, NULL, NULL) */
		return OUTCOME_OK;
	}
	if (len->automatic)
		len->len = sizeof(struct sockaddr_storage);
	s->buf = arg_zalloc(sizeof(struct sockaddr_storage));
	s->buf_len = sizeof(struct sockaddr_storage);
	if (!s->buf)
		return arg_oom(ee, e);
	if (expr_is_ellipsis(e)) {
		s->unchecked = true;
		return OUTCOME_OK;
	}
	if (e->kind != EXPR_STRUCT)
		return arg_bad(ee, e->loc, "expected ..., NULL or a sockaddr, "
			       "found %s", expr_describe(e));
	want = calloc(1, sizeof(*want));
	s->want = want;
	if (!want)
		return arg_oom(ee, e);
	if (sockaddr_from_expr(e, &want->ss, &want->len, true, &want->check,
			       ee))
		return OUTCOME_BAD_SCRIPT;
	return OUTCOME_OK;
}

/* ---- socket options ---- */

static const char *const linger_fields[] = {
	"onoff", "l_onoff", "linger", "l_linger", NULL
};

static int eval_linger(const struct expr *e, struct linger *l,
		       struct eval_error *ee)
{
	const struct expr *on, *secs;
	int64_t v;

	if (expr_check_fields(e, linger_fields, "linger", ee))
		return -1;
	on = expr_field(e, "onoff");
	on = on ? on : expr_field(e, "l_onoff");
	secs = expr_field(e, "linger");
	secs = secs ? secs : expr_field(e, "l_linger");
	if (!on || !secs)
		return eval_fail(ee, e->loc,
				 "linger needs onoff=... and linger=...");
	memset(l, 0, sizeof(*l));
	if (expr_eval_int(on, &v, ee))
		return -1;
	l->l_onoff = (int)v;
	if (expr_eval_int(secs, &v, ee))
		return -1;
	l->l_linger = (int)v;
	return 0;
}

/* The value of an option: [int], a linger struct or a string.  Writes
 * up to sizeof(struct linger) bytes to val (strings are not copied).
 */
static int eval_optval(const struct expr *e, enum optval_form *form,
		       void *val, size_t *size, struct eval_error *ee)
{
	int64_t v;
	int32_t i32;

	switch (e->kind) {
	case EXPR_ARRAY:
		if (expr_eval_bracketed(e, &v, ee))
			return -1;
		if (v < INT32_MIN || v > UINT32_MAX)
			return eval_fail(ee, e->loc, "option value %lld does "
					 "not fit in an int", (long long)v);
		i32 = (int32_t)(uint32_t)v;
		memcpy(val, &i32, sizeof(i32));
		*form = OPTVAL_INT;
		*size = sizeof(i32);
		return 0;
	case EXPR_STRUCT:
		if (eval_linger(e, val, ee))
			return -1;
		*form = OPTVAL_LINGER;
		*size = sizeof(struct linger);
		return 0;
	case EXPR_STRING:
		*form = OPTVAL_STRING;
		*size = e->u.str.len;
		return 0;
	case EXPR_INT:
		return eval_fail(ee, e->loc, "write the option value in "
				 "brackets: [%lld]", (long long)e->u.num.value);
	case EXPR_ENCAP:
		/* packetdrill passes these to socket options of kernels
		 * with GRE/MPLS offload hooks Linux does not have.
		 */
		return eval_fail(ee, e->loc, "%s as an option value is not "
				 "supported", expr_describe(e));
	case EXPR_ELLIPSIS:
	case EXPR_WORD:
	case EXPR_OR:
	case EXPR_CALL:
		break;
	}
	return eval_fail(ee, e->loc, "expected [number], {onoff=..., "
			 "linger=...} or a string, found %s",
			 expr_describe(e));
}

static int prep_optval_in(struct syscall_run *run, int i,
			  struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i], *len = arg_linked(run, i);
	const struct expr *e = s->expr;
	unsigned char val[sizeof(struct linger)];
	size_t size, alloc;

	if (e->kind == EXPR_WORD && expr_is_null(e)) {
		s->is_null = true;
		if (len->automatic)
			len->num = 0;
		return OUTCOME_OK;
	}
	if (eval_optval(e, &s->form, val, &size, ee))
		return OUTCOME_BAD_SCRIPT;
	if (len->automatic)
		len->num = (int64_t)size;
	/* The kernel reads the length the script gives; keep that many
	 * bytes readable even when it exceeds the value (zero padding).
	 */
	alloc = size > (size_t)len->num ? size : (size_t)len->num;
	s->buf = arg_zalloc(alloc);
	s->buf_len = alloc;
	if (!s->buf)
		return arg_oom(ee, e);
	memcpy(s->buf, s->form == OPTVAL_STRING ? (const void *)e->u.str.text :
						   (const void *)val, size);
	return OUTCOME_OK;
}

static int prep_optval_out(struct syscall_run *run, int i,
			   struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i], *len = arg_linked(run, i);
	const struct expr *e = s->expr;
	unsigned char val[sizeof(struct linger)];
	size_t size = 0, alloc;

	if (expr_is_null(e) && e->kind == EXPR_WORD) {
		s->is_null = true;
		return OUTCOME_OK;
	}
	s->form = OPTVAL_NONE;
	s->unchecked = expr_is_ellipsis(e);
	if (!s->unchecked && eval_optval(e, &s->form, val, &size, ee))
		return OUTCOME_BAD_SCRIPT;
	if (len->automatic)
		len->len = s->form == OPTVAL_INT || s->form == OPTVAL_LINGER ?
			   (socklen_t)size : SOCKOPT_DEFAULT_LEN;
	alloc = size > len->len ? size : len->len;
	s->buf = arg_zalloc(alloc);
	s->buf_len = alloc;
	if (!s->buf)
		return arg_oom(ee, e);
	if (s->unchecked)
		return OUTCOME_OK;
	s->want = malloc(size ? size : 1);
	if (!s->want)
		return arg_oom(ee, e);
	memcpy(s->want, s->form == OPTVAL_STRING ? (const void *)e->u.str.text :
						    (const void *)val, size);
	s->want_len = size;
	return OUTCOME_OK;
}

/* ioctl(fd, SIOCINQ, [N]): the int is passed by pointer and compared
 * afterwards.  It starts as N, so a request that reads its argument
 * (FIONBIO) gets the value written, and one that writes it is checked.
 */
static int prep_ioctl_int(struct arg_slot *s, struct eval_error *ee)
{
	int64_t v = 0;
	int32_t i32;

	if (!s->expr || expr_is_null(s->expr)) {
		s->is_null = true;	/* also: ioctl(fd, request) */
		return OUTCOME_OK;
	}
	s->unchecked = expr_is_ellipsis(s->expr);
	if (!s->unchecked && expr_eval_bracketed(s->expr, &v, ee))
		return OUTCOME_BAD_SCRIPT;
	i32 = (int32_t)(uint32_t)v;
	s->buf = malloc(sizeof(i32));
	if (!s->buf)
		return arg_oom(ee, s->expr);
	memcpy(s->buf, &i32, sizeof(i32));
	s->buf_len = sizeof(i32);
	s->num = i32;
	return OUTCOME_OK;
}

/* ---- files and pipes ---- */

/* open("file", ...): a relative name is the script's, as for the shell
 * commands, which run in the script's directory.
 */
static int prep_path(const struct syscall_ctx *ctx, struct arg_slot *s,
		     struct eval_error *ee)
{
	const struct expr *e = s->expr;
	const char *dir = ctx && ctx->script_dir ? ctx->script_dir : NULL;
	size_t dir_len = dir ? strlen(dir) : 0, len;

	if (e->kind != EXPR_STRING)
		return arg_bad(ee, e->loc, "expected a file name in quotes, "
			       "found %s", expr_describe(e));
	if (e->u.str.len == 0 || memchr(e->u.str.text, '\0', e->u.str.len))
		return arg_bad(ee, e->loc, "a file name is not empty and has "
			       "no NUL bytes");
	if (e->u.str.text[0] == '/')
		dir_len = 0;
	len = dir_len + 1 + e->u.str.len + 1;
	s->buf = malloc(len);
	if (!s->buf)
		return arg_oom(ee, e);
	if (dir_len)
		snprintf(s->buf, len, "%s/%s", dir, e->u.str.text);
	else
		snprintf(s->buf, len, "%s", e->u.str.text);
	s->buf_len = strlen(s->buf);
	return OUTCOME_OK;
}

/* sendfile()'s [offset] and splice()'s offsets: NULL, or a number the
 * call reads and advances (the new value is not compared).
 */
static int prep_offset(struct arg_slot *s, struct eval_error *ee)
{
	int64_t v;

	if (expr_is_null(s->expr)) {
		s->is_null = true;
		return OUTCOME_OK;
	}
	if (s->expr->kind != EXPR_ARRAY)
		return arg_bad(ee, s->expr->loc, "expected NULL or [offset], "
			       "found %s", expr_describe(s->expr));
	if (expr_eval_bracketed(s->expr, &v, ee))
		return OUTCOME_BAD_SCRIPT;
	if (v < 0)
		return arg_bad(ee, s->expr->loc, "offset %lld is negative",
			       (long long)v);
	s->buf = malloc(sizeof(int64_t));
	if (!s->buf)
		return arg_oom(ee, s->expr);
	memcpy(s->buf, &v, sizeof(v));
	s->buf_len = sizeof(v);
	return OUTCOME_OK;
}

/* pipe([5, 6]): the numbers the script gives the read and write ends. */
static int prep_pipe_fds(const struct syscall_ctx *ctx, struct arg_slot *s,
			 struct eval_error *ee)
{
	const struct expr *e = s->expr;
	int *want, k, live;
	int64_t v;

	if (e->kind != EXPR_ARRAY || e->u.array.count != 2)
		return arg_bad(ee, e->loc, "expected [read fd, write fd], "
			       "found %s", expr_describe(e));
	s->buf = calloc(2, sizeof(int));
	want = calloc(2, sizeof(int));
	s->want = want;
	if (!s->buf || !want)
		return arg_oom(ee, e);
	s->buf_len = s->want_len = 2;
	for (k = 0; k < 2; k++) {
		const struct expr *item = e->u.array.items[k];

		if (arg_eval_range(item, 0, INT_MAX, "descriptor number", &v,
				   ee))
			return OUTCOME_BAD_SCRIPT;
		want[k] = (int)v;
		if (ctx && fd_map_lookup(ctx->fds, want[k], &live))
			return arg_bad(ee, item->loc, "fd %d is already open "
				       "in this script", want[k]);
	}
	if (want[0] == want[1])
		return arg_bad(ee, e->loc, "the two ends of a pipe need two "
			       "numbers");
	return OUTCOME_OK;
}

int arg_prepare(const struct syscall_ctx *ctx, struct syscall_run *run, int i,
		struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i];
	enum arg_kind kind = run->desc->args[i].kind;

	if (!s->expr) {
		s->is_null = true;	/* an optional argument left out */
		return OUTCOME_OK;
	}
	switch (kind) {
	case ARG_FD:
		return prep_fd(ctx, s, ee);
	case ARG_INT:
		return prep_int(s, ee);
	case ARG_DOMAIN:
		return prep_domain(ctx, s, ee);
	case ARG_SIZE:
		return arg_eval_range(s->expr, 0, SYSCALL_MAX_BUFFER, "count",
				      &s->num, ee);
	case ARG_BUF_IN:
		return prep_buf(run, i, false, ee);
	case ARG_BUF_OUT:
		return prep_buf(run, i, true, ee);
	case ARG_ADDR_BIND:
		return prep_addr_in(ctx, run, i, ADDR_ROLE_BIND, ee);
	case ARG_ADDR_CONNECT:
		return prep_addr_in(ctx, run, i, ADDR_ROLE_CONNECT, ee);
	case ARG_ADDRLEN_IN:
		return prep_len_in(s, sizeof(struct sockaddr_storage), ee);
	case ARG_ADDR_OUT:
		return prep_addr_out(run, i, ee);
	case ARG_ADDRLEN_OUT:
		return prep_len_out(s, sizeof(struct sockaddr_storage), ee);
	case ARG_OPTVAL_IN:
		return prep_optval_in(run, i, ee);
	case ARG_OPTLEN_IN:
		return prep_len_in(s, OPTLEN_MAX, ee);
	case ARG_OPTVAL_OUT:
		return prep_optval_out(run, i, ee);
	case ARG_OPTLEN_OUT:
		return prep_len_out(s, OPTLEN_MAX, ee);
	case ARG_IOCTL_INT:
		return prep_ioctl_int(s, ee);
	case ARG_IOV_IN:
		return arg_prep_iov(run, i, false, ee);
	case ARG_IOV_OUT:
		return arg_prep_iov(run, i, true, ee);
	case ARG_POLLFDS:
		return arg_prep_pollfds(ctx, run, i, ee);
	case ARG_EPOLL_EVENT_IN:
		return arg_prep_epoll_in(ctx, s, ee);
	case ARG_EPOLL_EVENTS_OUT:
		return arg_prep_epoll_out(ctx, run, i, ee);
	case ARG_MSGHDR_IN:
		return arg_prep_msghdr(ctx, s, false, ee);
	case ARG_MSGHDR_OUT:
		return arg_prep_msghdr(ctx, s, true, ee);
	case ARG_PATH:
		return prep_path(ctx, s, ee);
	case ARG_OFFSET:
		return prep_offset(s, ee);
	case ARG_PIPE_FDS:
		return prep_pipe_fds(ctx, s, ee);
	}
	return OUTCOME_BAD_SCRIPT;
}

void arg_release(enum arg_kind kind, struct arg_slot *s)
{
	/* iovecs own a buffer and an expectation per element. */
	if (kind == ARG_IOV_IN || kind == ARG_IOV_OUT) {
		iov_array_free(s->buf, s->want, s->buf_len);
		s->buf = s->want = NULL;
	}
	if ((kind == ARG_MSGHDR_IN || kind == ARG_MSGHDR_OUT) && s->buf)
		msghdr_release(s->buf);
	free(s->buf);
	free(s->want);
	memset(s, 0, sizeof(*s));
}
