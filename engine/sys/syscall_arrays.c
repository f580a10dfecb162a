/*
 * syscall_arrays.c - argument kinds that are arrays of structs: iovecs
 * (readv, writev), pollfds (poll) and epoll events (epoll_ctl,
 * epoll_wait).  Part of the prepare step of syscall_args.c, split out to
 * keep files short; the comparisons are in syscall_check.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sys/syscall_internal.h"

/* ---- iovecs ---- */

/* {..., 10}, {"abc", 3} or {iov_base=..., iov_len=10}. */
static int iov_parts(const struct expr *e, const struct expr **base,
		     const struct expr **len, struct eval_error *ee)
{
	static const char *const fields[] = { "iov_base", "iov_len", NULL };

	if (e->kind != EXPR_STRUCT)
		return eval_fail(ee, e->loc, "expected an iovec {..., len}, "
				 "found %s", expr_describe(e));
	if (e->u.structure.count == 2 && !e->u.structure.fields[0].name &&
	    !e->u.structure.fields[1].name) {
		*base = e->u.structure.fields[0].value;
		*len = e->u.structure.fields[1].value;
		return 0;
	}
	if (expr_check_fields(e, fields, "iovec", ee))
		return -1;
	*base = expr_field(e, "iov_base");
	*len = expr_field(e, "iov_len");
	if (!*base || !*len)
		return eval_fail(ee, e->loc, "an iovec needs a base and a "
				 "length");
	return 0;
}

static int prep_one_iov(const struct expr *e, bool out, struct iovec *iov,
			struct iov_want *want, struct eval_error *ee)
{
	const struct expr *base = NULL, *lenx = NULL;
	int64_t len;
	size_t alloc;

	if (iov_parts(e, &base, &lenx, ee) ||
	    arg_eval_range(lenx, 0, SYSCALL_MAX_BUFFER, "iov_len", &len, ee))
		return OUTCOME_BAD_SCRIPT;
	iov->iov_len = (size_t)len;
	if (expr_is_null(base))
		return OUTCOME_OK;
	if (!expr_is_ellipsis(base) && base->kind != EXPR_STRING)
		return arg_bad(ee, base->loc, "expected ..., NULL or a string, "
			       "found %s", expr_describe(base));
	alloc = (size_t)len;
	if (base->kind == EXPR_STRING && !out && base->u.str.len > alloc)
		alloc = base->u.str.len;
	iov->iov_base = arg_zalloc(alloc);
	if (!iov->iov_base)
		return arg_oom(ee, e);
	if (base->kind != EXPR_STRING)
		return OUTCOME_OK;
	if (!out) {
		memcpy(iov->iov_base, base->u.str.text, base->u.str.len);
		return OUTCOME_OK;
	}
	want->bytes = malloc(base->u.str.len ? base->u.str.len : 1);
	if (!want->bytes)
		return arg_oom(ee, e);
	memcpy(want->bytes, base->u.str.text, base->u.str.len);
	want->len = base->u.str.len;
	return OUTCOME_OK;
}

/* An array whose length must equal the linked count argument. */
static int check_array(const struct expr *e, int64_t count, const char *what,
		       const char *count_name, struct eval_error *ee)
{
	if (e->kind != EXPR_ARRAY)
		return arg_bad(ee, e->loc, "expected an array, found %s",
			       expr_describe(e));
	if (e->u.array.count > SYSCALL_MAX_ITEMS) {
		eval_fail(ee, e->loc, "more than %d %s", SYSCALL_MAX_ITEMS,
			  what);
		return OUTCOME_BAD_SCRIPT;
	}
	if (count != e->u.array.count) {
		eval_fail(ee, e->loc, "%s %lld does not match the %d-element "
			  "%s array", count_name, (long long)count,
			  e->u.array.count, what);
		return OUTCOME_BAD_SCRIPT;
	}
	return OUTCOME_OK;
}

int iov_array_prepare(const struct expr *e, int64_t count,
		      const char *count_name, bool out, struct iovec **iov,
		      struct iov_want **want, struct eval_error *ee)
{
	int n, k, rc;

	*iov = NULL;
	*want = NULL;
	rc = check_array(e, count, "iovec", count_name, ee);
	if (rc != OUTCOME_OK)
		return rc;
	n = e->u.array.count;
	*iov = calloc((size_t)n + 1, sizeof(**iov));
	*want = calloc((size_t)n + 1, sizeof(**want));
	if (!*iov || !*want)
		return arg_oom(ee, e);
	for (k = 0; k < n; k++) {
		rc = prep_one_iov(e->u.array.items[k], out, &(*iov)[k],
				  &(*want)[k], ee);
		if (rc != OUTCOME_OK)
			return rc;
	}
	return OUTCOME_OK;
}

void iov_array_free(struct iovec *iov, struct iov_want *want, size_t n)
{
	size_t k;

	for (k = 0; iov && k < n; k++)
		free(iov[k].iov_base);
	for (k = 0; want && k < n; k++)
		free(want[k].bytes);
	free(iov);
	free(want);
}

int arg_prep_iov(struct syscall_run *run, int i, bool out,
		 struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i];
	struct iovec *iov;
	struct iov_want *want;
	int rc;

	rc = iov_array_prepare(s->expr, arg_linked(run, i)->num, "iovcnt",
			       out, &iov, &want, ee);
	s->buf = iov;
	s->want = want;
	s->buf_len = s->want_len = iov ? (size_t)s->expr->u.array.count : 0;
	return rc;
}

/* ---- poll and epoll ---- */

static int prep_one_pollfd(const struct syscall_ctx *ctx, const struct expr *e,
			   struct pollfd *pfd, struct pollfd_want *want,
			   struct eval_error *ee)
{
	static const char *const fields[] = { "fd", "events", "revents",
					      NULL };
	const struct expr *fd, *events, *revents;
	int64_t v;
	int rc;

	rc = arg_struct(e, fields, "pollfd", "{fd=..., events=..., "
			"revents=...}", ee);
	if (rc != OUTCOME_OK)
		return rc;
	fd = expr_field(e, "fd");
	events = expr_field(e, "events");
	revents = expr_field(e, "revents");
	if (!fd || !events)
		return arg_bad(ee, e->loc,
			       "a pollfd needs fd=... and events=...");
	rc = arg_map_fd(ctx, fd, true, &want->script_fd, &pfd->fd, ee);
	if (rc != OUTCOME_OK)
		return rc;
	if (arg_eval_range(events, 0, UINT16_MAX, "events", &v, ee))
		return OUTCOME_BAD_SCRIPT;
	pfd->events = (short)v;
	/* revents not written means 0, as in packetdrill. */
	want->check = !revents || !expr_is_ellipsis(revents);
	v = 0;
	if (revents && want->check &&
	    arg_eval_range(revents, 0, UINT16_MAX, "revents", &v, ee))
		return OUTCOME_BAD_SCRIPT;
	want->revents = (short)v;
	return OUTCOME_OK;
}

int arg_prep_pollfds(const struct syscall_ctx *ctx, struct syscall_run *run,
		     int i, struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i];
	const struct expr *e = s->expr;
	int n, k, rc;

	rc = check_array(e, arg_linked(run, i)->num, "pollfd", "nfds", ee);
	if (rc != OUTCOME_OK)
		return rc;
	n = e->u.array.count;
	s->buf = calloc((size_t)n + 1, sizeof(struct pollfd));
	s->want = calloc((size_t)n + 1, sizeof(struct pollfd_want));
	s->buf_len = s->want_len = (size_t)n;
	if (!s->buf || !s->want)
		return arg_oom(ee, e);
	for (k = 0; k < n; k++) {
		rc = prep_one_pollfd(ctx, e->u.array.items[k],
				     (struct pollfd *)s->buf + k,
				     (struct pollfd_want *)s->want + k, ee);
		if (rc != OUTCOME_OK)
			return rc;
	}
	return OUTCOME_OK;
}

static int eval_epoll_event(const struct syscall_ctx *ctx, const struct expr *e,
			    struct epoll_want *w, struct eval_error *ee)
{
	static const char *const fields[] = { "events", "fd", "ptr", "u32",
					      "u64", NULL };
	static const char *const data_names[] = { "fd", "ptr", "u32", "u64" };
	const struct expr *events, *data = NULL;
	int64_t v;
	int k, live, rc;

	rc = arg_struct(e, fields, "epoll_event", "{events=..., fd=...}", ee);
	if (rc != OUTCOME_OK)
		return rc;
	events = expr_field(e, "events");
	for (k = 0; k < 4 && !data; k++) {
		data = expr_field(e, data_names[k]);
		w->data_kind = (enum epoll_data_kind)k;
	}
	if (!events || !data)
		return arg_bad(ee, e->loc, "an epoll_event needs events=... "
			       "and one of fd, ptr, u32, u64");
	if (arg_eval_range(events, 0, UINT32_MAX, "events", &v, ee))
		return OUTCOME_BAD_SCRIPT;
	w->events = (uint32_t)v;
	if (w->data_kind == EPOLL_DATA_FD) {
		rc = arg_map_fd(ctx, data, false, &w->script_fd, &live, ee);
		w->data = (uint64_t)(uint32_t)live;
		return rc;
	}
	if (expr_eval_int(data, &v, ee))
		return OUTCOME_BAD_SCRIPT;
	w->data = (uint64_t)v;
	return OUTCOME_OK;
}

static void epoll_event_set(struct epoll_event *ev, const struct epoll_want *w)
{
	memset(ev, 0, sizeof(*ev));
	ev->events = w->events;
	switch (w->data_kind) {
	case EPOLL_DATA_FD:
		ev->data.fd = (int)w->data;
		break;
	case EPOLL_DATA_PTR:
	case EPOLL_DATA_U64:
		ev->data.u64 = w->data;
		break;
	case EPOLL_DATA_U32:
		ev->data.u32 = (uint32_t)w->data;
		break;
	}
}

int arg_prep_epoll_in(const struct syscall_ctx *ctx, struct arg_slot *s,
		      struct eval_error *ee)
{
	struct epoll_want w;
	int rc;

	if (expr_is_null(s->expr)) {
		s->is_null = true;	/* EPOLL_CTL_DEL */
		return OUTCOME_OK;
	}
	memset(&w, 0, sizeof(w));
	rc = eval_epoll_event(ctx, s->expr, &w, ee);
	if (rc != OUTCOME_OK)
		return rc;
	s->buf = malloc(sizeof(struct epoll_event));
	if (!s->buf)
		return arg_oom(ee, s->expr);
	epoll_event_set(s->buf, &w);
	s->buf_len = 1;
	return OUTCOME_OK;
}

int arg_prep_epoll_out(const struct syscall_ctx *ctx, struct syscall_run *run,
		       int i, struct eval_error *ee)
{
	struct arg_slot *s = &run->arg[i];
	const struct expr *e = s->expr;
	int64_t max = arg_linked(run, i)->num;
	const struct expr *const *items = &e;
	int n = 1, k, rc;

	/* Room for maxevents; a nonsense maxevents still gets a buffer
	 * and the stack's EINVAL.
	 */
	s->buf_len = max > 0 && max <= SYSCALL_MAX_ITEMS ? (size_t)max : 1;
	s->buf = calloc(s->buf_len, sizeof(struct epoll_event));
	if (!s->buf)
		return arg_oom(ee, e);
	if (expr_is_ellipsis(e)) {
		s->unchecked = true;
		return OUTCOME_OK;
	}
	if (e->kind == EXPR_ARRAY) {
		items = (const struct expr *const *)e->u.array.items;
		n = e->u.array.count;
		if (n > SYSCALL_MAX_ITEMS)
			return arg_bad(ee, e->loc, "more than %d epoll events",
				       SYSCALL_MAX_ITEMS);
	}
	s->want = calloc((size_t)n + 1, sizeof(struct epoll_want));
	s->want_len = (size_t)n;
	if (!s->want)
		return arg_oom(ee, e);
	for (k = 0; k < n; k++) {
		rc = eval_epoll_event(ctx, items[k],
				      (struct epoll_want *)s->want + k, ee);
		if (rc != OUTCOME_OK)
			return rc;
	}
	return OUTCOME_OK;
}
