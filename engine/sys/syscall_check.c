/*
 * syscall_check.c - comparing a call's output arguments with the script.
 *
 * Runs on the main thread after a call succeeded (the return value was
 * already checked).  Each output kind compares what the stack wrote with
 * what the script expects and, on a difference, says "<what> is <got>,
 * expected <want>"; the caller puts the call in front of it.  Expected
 * values are shown as the script wrote them, got values in the same
 * style (hex if the script used hex, flag names for poll and epoll).
 */
#include "config.h"

#include <string.h>

#include "sys/syscall_internal.h"

/* At most this many bytes of data are quoted in a message. */
#define QUOTE_MAX 64

static int mismatch(void)
{
	return OUTCOME_MISMATCH;
}

static void add_data(struct strbuf *sb, const void *bytes, size_t len)
{
	strbuf_add_quoted(sb, bytes, len < QUOTE_MAX ? len : QUOTE_MAX);
	if (len > QUOTE_MAX)
		strbuf_add(sb, "...");
}

/* Received bytes against a string: only the bytes both have are compared
 * ("abc"... in the script, or fewer bytes received than written).
 */
static int check_data(const char *what, const void *got, size_t got_len,
		      const void *want, size_t want_len, struct strbuf *detail)
{
	size_t n = got_len < want_len ? got_len : want_len;

	if (!want || memcmp(got, want, n) == 0)
		return OUTCOME_OK;
	strbuf_add(detail, "%s is ", what);
	add_data(detail, got, n);
	strbuf_add(detail, ", expected ");
	add_data(detail, want, n);
	return mismatch();
}

static size_t result_bytes(const struct syscall_run *run)
{
	return run->result > 0 ? (size_t)run->result : 0;
}

int iov_array_check(const struct iovec *iov, const struct iov_want *want,
		    size_t n, size_t got, struct strbuf *detail)
{
	size_t left = got, k;
	char what[32];

	for (k = 0; k < n && left > 0; k++) {
		size_t part = iov[k].iov_len < left ? iov[k].iov_len : left;

		snprintf(what, sizeof(what), "iov %zu data", k);
		if (iov[k].iov_base &&
		    check_data(what, iov[k].iov_base, part, want[k].bytes,
			       want[k].len, detail) != OUTCOME_OK)
			return mismatch();
		left -= part;
	}
	return OUTCOME_OK;
}

/* The single element of the [x] the script wrote, for messages. */
static const struct expr *bracketed(const struct expr *e)
{
	return e->kind == EXPR_ARRAY && e->u.array.count == 1 ?
	       e->u.array.items[0] : e;
}

static void add_int_like(struct strbuf *sb, int32_t v, const struct expr *as)
{
	if (as->kind == EXPR_INT && as->u.num.is_hex)
		strbuf_add(sb, "%#x", (unsigned)v);
	else
		strbuf_add(sb, "%d", v);
}

static int check_int(const char *what, int32_t got, int32_t want,
		     const struct expr *e, struct strbuf *detail)
{
	const struct expr *inner = bracketed(e);

	if (got == want)
		return OUTCOME_OK;
	strbuf_add(detail, "%s is ", what);
	add_int_like(detail, got, inner);
	strbuf_add(detail, ", expected ");
	expr_format(inner, detail);
	return mismatch();
}

static void add_linger(struct strbuf *sb, const struct linger *l)
{
	strbuf_add(sb, "{onoff=%d, linger=%d}", l->l_onoff, l->l_linger);
}

static int check_optval(const struct syscall_run *run, int i,
			struct strbuf *detail)
{
	const struct arg_slot *s = &run->arg[i];
	const struct arg_slot *len = &run->arg[run->desc->args[i].link];
	size_t got_len = len->is_null ? 0 : len->len;
	struct linger got_l, want_l;
	int32_t got_i, want_i;
	const char *text = s->buf;

	if (got_len > s->buf_len)
		got_len = s->buf_len;
	switch (s->form) {
	case OPTVAL_NONE:
		return OUTCOME_OK;
	case OPTVAL_INT:
		memcpy(&got_i, s->buf, sizeof(got_i));
		memcpy(&want_i, s->want, sizeof(want_i));
		return check_int("optval", got_i, want_i, s->expr, detail);
	case OPTVAL_LINGER:
		memcpy(&got_l, s->buf, sizeof(got_l));
		memcpy(&want_l, s->want, sizeof(want_l));
		if (got_l.l_onoff == want_l.l_onoff &&
		    got_l.l_linger == want_l.l_linger)
			return OUTCOME_OK;
		strbuf_add(detail, "optval is ");
		add_linger(detail, &got_l);
		strbuf_add(detail, ", expected ");
		add_linger(detail, &want_l);
		return mismatch();
	case OPTVAL_STRING:
		/* "reno" matches the 4 bytes of optlen [4] as well as a
		 * NUL-terminated name in a larger buffer.
		 */
		if (got_len >= s->want_len &&
		    memcmp(text, s->want, s->want_len) == 0 &&
		    (got_len == s->want_len || text[s->want_len] == '\0'))
			return OUTCOME_OK;
		strbuf_add(detail, "optval is ");
		add_data(detail, text, strnlen(text, got_len));
		strbuf_add(detail, ", expected ");
		add_data(detail, s->want, s->want_len);
		return mismatch();
	}
	return OUTCOME_OK;
}

static int check_len(const char *what, const struct arg_slot *s,
		     struct strbuf *detail)
{
	if (s->unchecked || s->len == (socklen_t)s->num)
		return OUTCOME_OK;
	strbuf_add(detail, "%s is %u, expected %u", what, (unsigned)s->len,
		   (unsigned)s->num);
	return mismatch();
}

static bool addr_matches(const struct sockaddr_storage *got,
			 const struct addr_want *w)
{
	const struct sockaddr_in *g4 = (const void *)got;
	const struct sockaddr_in *w4 = (const void *)&w->ss;
	const struct sockaddr_in6 *g6 = (const void *)got;
	const struct sockaddr_in6 *w6 = (const void *)&w->ss;

	if (got->ss_family != w->ss.ss_family)
		return false;
	if (got->ss_family == AF_INET)
		return (!w->check.check_port || g4->sin_port == w4->sin_port) &&
		       (!w->check.check_addr ||
			g4->sin_addr.s_addr == w4->sin_addr.s_addr);
	return (!w->check.check_port || g6->sin6_port == w6->sin6_port) &&
	       (!w->check.check_addr ||
		memcmp(&g6->sin6_addr, &w6->sin6_addr,
		       sizeof(g6->sin6_addr)) == 0);
}

static int check_addr(const struct syscall_run *run, int i,
		      struct strbuf *detail)
{
	const struct arg_slot *s = &run->arg[i];
	const struct arg_slot *len = &run->arg[run->desc->args[i].link];
	socklen_t got_len = len->is_null ? sizeof(struct sockaddr_storage) :
					   len->len;

	if (!s->want || addr_matches(s->buf, s->want))
		return OUTCOME_OK;
	strbuf_add(detail, "address is ");
	sockaddr_format(s->buf, got_len, detail);
	strbuf_add(detail, ", expected ");
	expr_format(s->expr, detail);
	return mismatch();
}

static int check_pollfds(const struct arg_slot *s, struct strbuf *detail)
{
	const struct pollfd *got = s->buf;
	const struct pollfd_want *want = s->want;
	size_t k;

	for (k = 0; k < s->want_len; k++) {
		if (!want[k].check || got[k].revents == want[k].revents)
			continue;
		strbuf_add(detail, "revents for fd %d is ", want[k].script_fd);
		flags_format((uint16_t)got[k].revents, FLAGS_POLL, detail);
		strbuf_add(detail, ", expected ");
		flags_format((uint16_t)want[k].revents, FLAGS_POLL, detail);
		return mismatch();
	}
	return OUTCOME_OK;
}

static int check_epoll_data(const struct syscall_ctx *ctx, size_t k,
			    const struct epoll_event *got,
			    const struct epoll_want *w, struct strbuf *detail)
{
	int script_fd;

	switch (w->data_kind) {
	case EPOLL_DATA_FD:
		if (got->data.fd == (int)w->data)
			return OUTCOME_OK;
		script_fd = fd_map_script_fd(ctx->fds, got->data.fd);
		if (script_fd >= 0)
			strbuf_add(detail, "event %zu is for fd %d", k,
				   script_fd);
		else
			strbuf_add(detail, "event %zu is for live fd %d", k,
				   got->data.fd);
		strbuf_add(detail, ", expected fd %d", w->script_fd);
		return mismatch();
	case EPOLL_DATA_U32:
		if (got->data.u32 == (uint32_t)w->data)
			return OUTCOME_OK;
		strbuf_add(detail, "event %zu u32 is %u, expected %u", k,
			   got->data.u32, (unsigned)w->data);
		return mismatch();
	case EPOLL_DATA_PTR:
	case EPOLL_DATA_U64:
		if (got->data.u64 == w->data)
			return OUTCOME_OK;
		strbuf_add(detail, "event %zu data is %#llx, expected %#llx",
			   k, (unsigned long long)got->data.u64,
			   (unsigned long long)w->data);
		return mismatch();
	}
	return OUTCOME_OK;
}

/* The first events the call returned against those the script lists. */
static int check_epoll(const struct syscall_ctx *ctx,
		       const struct syscall_run *run, const struct arg_slot *s,
		       struct strbuf *detail)
{
	const struct epoll_event *got = s->buf;
	const struct epoll_want *want = s->want;
	size_t n = result_bytes(run), k;

	if (n > s->want_len)
		n = s->want_len;
	if (n > s->buf_len)
		n = s->buf_len;
	for (k = 0; k < n; k++) {
		if (got[k].events != want[k].events) {
			strbuf_add(detail, "event %zu events is ", k);
			flags_format(got[k].events, FLAGS_EPOLL, detail);
			strbuf_add(detail, ", expected ");
			flags_format(want[k].events, FLAGS_EPOLL, detail);
			return mismatch();
		}
		if (check_epoll_data(ctx, k, &got[k], &want[k], detail))
			return mismatch();
	}
	return OUTCOME_OK;
}

int arg_finish(const struct syscall_ctx *ctx, const struct syscall_run *run,
	       int i, struct strbuf *detail)
{
	const struct arg_slot *s = &run->arg[i];
	int32_t got;

	if (!s->expr || s->is_null || s->unchecked)
		return OUTCOME_OK;
	switch (run->desc->args[i].kind) {
	case ARG_BUF_OUT:
		return check_data("data", s->buf, result_bytes(run), s->want,
				  s->want_len, detail);
	case ARG_ADDR_OUT:
		return check_addr(run, i, detail);
	case ARG_ADDRLEN_OUT:
		return check_len("addrlen", s, detail);
	case ARG_OPTVAL_OUT:
		return check_optval(run, i, detail);
	case ARG_OPTLEN_OUT:
		return check_len("optlen", s, detail);
	case ARG_IOCTL_INT:
		memcpy(&got, s->buf, sizeof(got));
		return check_int("value", got, (int32_t)s->num, s->expr,
				 detail);
	case ARG_IOV_OUT:
		return iov_array_check(s->buf, s->want, s->want_len,
				       result_bytes(run), detail);
	case ARG_MSGHDR_OUT:
		return msghdr_check(ctx, run, s, detail);
	case ARG_POLLFDS:
		return check_pollfds(s, detail);
	case ARG_EPOLL_EVENTS_OUT:
		return check_epoll(ctx, run, s, detail);
	case ARG_FD:
	case ARG_INT:
	case ARG_DOMAIN:
	case ARG_SIZE:
	case ARG_BUF_IN:
	case ARG_ADDR_BIND:
	case ARG_ADDR_CONNECT:
	case ARG_ADDRLEN_IN:
	case ARG_OPTVAL_IN:
	case ARG_OPTLEN_IN:
	case ARG_IOV_IN:
	case ARG_EPOLL_EVENT_IN:
	case ARG_MSGHDR_IN:
	case ARG_PATH:
	case ARG_OFFSET:
	case ARG_PIPE_FDS:
		return OUTCOME_OK;
	}
	return OUTCOME_OK;
}
