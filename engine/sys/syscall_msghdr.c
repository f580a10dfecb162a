/*
 * syscall_msghdr.c - the msghdr argument of sendmsg() and recvmsg().
 *
 * A script writes the message header as a struct literal:
 *
 *   {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0,
 *    msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ,
 *                  cmsg_data=9000}]}
 *
 * For sendmsg() that is what the call is given (msg_name `...` is the
 * plan's remote address, which matters for MSG_FASTOPEN).  For recvmsg()
 * the iovecs are buffers, and msg_flags and msg_control are what the
 * script expects back: the flags exactly, and each control message's
 * level, type, length and data, field by field.  The control buffer is
 * exactly as large as the messages the script lists, so a message the
 * script does not expect shows as MSG_CTRUNC, as with packetdrill.
 *
 * cmsg_data is an int (TCP_CM_INQ), a string (raw bytes), a
 * sock_extended_err {ee_errno=..., ee_origin=..., ee_type=..., ee_code=...,
 * ee_info=..., ee_data=...} (IP_RECVERR, IPV6_RECVERR; a field written
 * `...` is not compared), or a time {scm_sec=S, scm_nsec=N}
 * (SCM_TIMESTAMPING): a script time, compared with the first timestamp the
 * kernel gives within the tolerance; 0 is not compared.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/errqueue.h>

#include "core/symbols.h"
#include "sys/syscall_internal.h"

static const char *const msghdr_fields[] = {
	"msg_name", "msg_iov", "msg_flags", "msg_control", NULL
};

static const char *const cmsg_fields[] = {
	"cmsg_level", "cmsg_type", "cmsg_data", NULL
};

static const char *const timestamping_fields[] = {
	"scm_sec", "scm_nsec", NULL
};

static const char *const ee_fields[EE_FIELDS + 1] = {
	"ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data",
	NULL
};

static const struct expr_field *find_field(const struct expr *e,
					   const char *name)
{
	int i;

	for (i = 0; i < e->u.structure.count; i++)
		if (!strcmp(e->u.structure.fields[i].name, name))
			return &e->u.structure.fields[i];
	return NULL;
}

void msghdr_release(struct msg_arg *m)
{
	iov_array_free(m->iov, m->iov_want, m->iov_count);
	free(m->control);
	free(m->cmsgs);
	memset(m, 0, sizeof(*m));
}

/* ---- prepare ---- */

static int prep_name(const struct syscall_ctx *ctx, struct msg_arg *m,
		     const struct expr *v, bool out, struct eval_error *ee)
{
	struct net_plan defaults;
	socklen_t len = 0;

	if (!v || expr_is_null(v))
		return OUTCOME_OK;
	if (out) {
		/* TCP leaves it empty; room for it, not compared. */
		if (!expr_is_ellipsis(v))
			return arg_bad(ee, v->loc, "recvmsg's msg_name is not "
				       "compared: write msg_name(...)=...");
		len = sizeof(m->name);
	} else if (expr_is_ellipsis(v)) {
		if (!ctx)
			plan_set_defaults(&defaults);
		if (sockaddr_from_plan(ctx ? ctx->plan : &defaults,
				       ADDR_ROLE_CONNECT, &m->name, &len,
				       v->loc, ee))
			return OUTCOME_BAD_SCRIPT;
	} else if (v->kind == EXPR_STRUCT) {
		if (sockaddr_from_expr(v, &m->name, &len, false, NULL, ee))
			return OUTCOME_BAD_SCRIPT;
	} else {
		return arg_bad(ee, v->loc, "expected ..., NULL or a sockaddr "
			       "as msg_name, found %s", expr_describe(v));
	}
	m->msg.msg_name = &m->name;
	m->msg.msg_namelen = len;
	return OUTCOME_OK;
}

static int prep_iov(struct msg_arg *m, const struct expr *e, bool out,
		    struct eval_error *ee)
{
	const struct expr_field *f = find_field(e, "msg_iov");
	int64_t count;
	int rc;

	if (!f)
		return arg_bad(ee, e->loc, "a msghdr needs "
			       "msg_iov(count)=[{..., length}, ...]");
	if (f->value->kind != EXPR_ARRAY)
		return arg_bad(ee, f->value->loc, "expected an iovec array as "
			       "msg_iov, found %s", expr_describe(f->value));
	count = f->value->u.array.count;
	if (f->index &&
	    arg_eval_range(f->index, 0, SYSCALL_MAX_ITEMS, "msg_iov count",
			   &count, ee))
		return OUTCOME_BAD_SCRIPT;
	rc = iov_array_prepare(f->value, count, "msg_iov count", out, &m->iov,
			       &m->iov_want, ee);
	if (m->iov)
		m->iov_count = (size_t)f->value->u.array.count;
	if (rc != OUTCOME_OK)
		return rc;
	m->msg.msg_iov = m->iov;
	m->msg.msg_iovlen = m->iov_count;
	return OUTCOME_OK;
}

static int prep_flags(struct msg_arg *m, const struct expr *v, bool out,
		      struct eval_error *ee)
{
	int64_t flags;

	if (!v || expr_is_ellipsis(v))
		return OUTCOME_OK;
	if (arg_eval_range(v, INT32_MIN, UINT32_MAX, "msg_flags", &flags, ee))
		return OUTCOME_BAD_SCRIPT;
	if (!out && flags != 0)
		return arg_bad(ee, v->loc, "sendmsg does not read msg_flags "
			       "(the flags are its third argument): write "
			       "msg_flags=0");
	m->flags_expr = v;
	m->want_flags = (int)(uint32_t)flags;
	return OUTCOME_OK;
}

static int prep_ee(struct cmsg_want *c, const struct expr *d,
		   struct eval_error *ee)
{
	int k;

	if (expr_check_fields(d, ee_fields, "sock_extended_err", ee))
		return OUTCOME_BAD_SCRIPT;
	for (k = 0; k < EE_FIELDS; k++) {
		const struct expr *v = expr_field(d, ee_fields[k]);
		/* ee_errno, ee_info and ee_data are 32 bits, the rest 8. */
		int64_t max = k == EE_ERRNO || k >= EE_INFO ? UINT32_MAX :
			      UINT8_MAX;

		if (!v)
			return arg_bad(ee, d->loc, "a sock_extended_err needs "
				       "%s=... (write ... not to compare it)",
				       ee_fields[k]);
		if (expr_is_ellipsis(v))
			continue;
		if (arg_eval_range(v, k == EE_ERRNO || k >= EE_INFO ?
				   INT32_MIN : 0, max, ee_fields[k],
				   &c->ee[k], ee))
			return OUTCOME_BAD_SCRIPT;
		c->ee_check[k] = true;
	}
	c->form = CMSG_EXTENDED_ERR;
	/* ip_recv_error() and ipv6_recv_error() append the offender's
	 * address to the struct.
	 */
	c->data_len = sizeof(struct sock_extended_err) +
		      (c->level == SOL_IP ? sizeof(struct sockaddr_in) :
					    sizeof(struct sockaddr_in6));
	return OUTCOME_OK;
}

static int prep_timestamping(struct cmsg_want *c, const struct expr *d,
			     struct eval_error *ee)
{
	const struct expr *sec = expr_field(d, "scm_sec");
	const struct expr *nsec = expr_field(d, "scm_nsec");
	int64_t s = 0, ns = 0;

	if (expr_check_fields(d, timestamping_fields, "scm_timestamping", ee))
		return OUTCOME_BAD_SCRIPT;
	if ((sec && arg_eval_range(sec, 0, INT32_MAX, "scm_sec", &s, ee)) ||
	    (nsec && arg_eval_range(nsec, 0, 999999999, "scm_nsec", &ns, ee)))
		return OUTCOME_BAD_SCRIPT;
	c->form = CMSG_TIMESTAMPING;
	c->ts_usecs = s * 1000000 + ns / 1000;
	c->data_len = sizeof(struct scm_timestamping);
	return OUTCOME_OK;
}

static int prep_cmsg(struct cmsg_want *c, const struct expr *e,
		     struct eval_error *ee)
{
	const struct expr *level, *type, *d;
	int64_t v;
	int rc;

	rc = arg_struct(e, cmsg_fields, "cmsghdr", "a control message "
			"{cmsg_level=..., cmsg_type=..., cmsg_data=...}", ee);
	if (rc != OUTCOME_OK)
		return rc;
	level = expr_field(e, "cmsg_level");
	type = expr_field(e, "cmsg_type");
	d = expr_field(e, "cmsg_data");
	if (!level || !type || !d)
		return arg_bad(ee, e->loc, "a control message needs "
			       "cmsg_level, cmsg_type and cmsg_data");
	c->expr = e;
	if (arg_eval_range(level, INT32_MIN, INT32_MAX, "cmsg_level", &v, ee))
		return OUTCOME_BAD_SCRIPT;
	c->level = (int)v;
	if (arg_eval_range(type, INT32_MIN, INT32_MAX, "cmsg_type", &v, ee))
		return OUTCOME_BAD_SCRIPT;
	c->type = (int)v;
	switch (d->kind) {
	case EXPR_STRING:
		c->form = CMSG_BYTES;
		c->bytes = d->u.str.text;
		c->data_len = d->u.str.len;
		return OUTCOME_OK;
	case EXPR_STRUCT:
		if (expr_field(d, "scm_sec") || expr_field(d, "scm_nsec"))
			return prep_timestamping(c, d, ee);
		return prep_ee(c, d, ee);
	case EXPR_ELLIPSIS:
	case EXPR_ARRAY:
		return arg_bad(ee, d->loc, "expected a number, a string, "
			       "{scm_sec=..., scm_nsec=...} or {ee_errno=..., "
			       "...} as cmsg_data, found %s", expr_describe(d));
	case EXPR_ENCAP:
		return arg_bad(ee, d->loc, "%s as cmsg_data is not supported",
			       expr_describe(d));
	case EXPR_INT:
	case EXPR_WORD:
	case EXPR_OR:
	case EXPR_CALL:
		break;
	}
	if (arg_eval_range(d, INT32_MIN, UINT32_MAX, "cmsg_data", &v, ee))
		return OUTCOME_BAD_SCRIPT;
	c->form = CMSG_INT;
	c->num = (int32_t)(uint32_t)v;
	c->data_len = sizeof(int32_t);
	return OUTCOME_OK;
}

/* The message's bytes as sendmsg() sends them (recvmsg() overwrites). */
static void write_cmsg_data(const struct cmsg_want *c, unsigned char *data)
{
	struct scm_timestamping ts;
	struct sock_extended_err err;

	switch (c->form) {
	case CMSG_INT:
		memcpy(data, &c->num, sizeof(c->num));
		return;
	case CMSG_BYTES:
		memcpy(data, c->bytes, c->data_len);
		return;
	case CMSG_TIMESTAMPING:
		memset(&ts, 0, sizeof(ts));
		ts.ts[0].tv_sec = (time_t)(c->ts_usecs / 1000000);
		ts.ts[0].tv_nsec = (long)(c->ts_usecs % 1000000) * 1000;
		memcpy(data, &ts, sizeof(ts));
		return;
	case CMSG_EXTENDED_ERR:
		memset(&err, 0, sizeof(err));
		err.ee_errno = (uint32_t)c->ee[EE_ERRNO];
		err.ee_origin = (uint8_t)c->ee[EE_ORIGIN];
		err.ee_type = (uint8_t)c->ee[EE_TYPE];
		err.ee_code = (uint8_t)c->ee[EE_CODE];
		err.ee_info = (uint32_t)c->ee[EE_INFO];
		err.ee_data = (uint32_t)c->ee[EE_DATA];
		memcpy(data, &err, sizeof(err));
		return;
	}
}

static int prep_control(struct msg_arg *m, const struct expr *v,
			struct eval_error *ee)
{
	size_t total = 0;
	struct cmsghdr *h;
	int k, n, rc;

	if (!v)
		return OUTCOME_OK;
	if (v->kind != EXPR_ARRAY)
		return arg_bad(ee, v->loc, "expected an array of control "
			       "messages as msg_control, found %s",
			       expr_describe(v));
	n = v->u.array.count;
	if (n > SYSCALL_MAX_ITEMS)
		return arg_bad(ee, v->loc, "more than %d control messages",
			       SYSCALL_MAX_ITEMS);
	m->check_control = true;
	m->cmsgs = calloc((size_t)n + 1, sizeof(*m->cmsgs));
	if (!m->cmsgs)
		return arg_oom(ee, v);
	for (k = 0; k < n; k++) {
		rc = prep_cmsg(&m->cmsgs[k], v->u.array.items[k], ee);
		if (rc != OUTCOME_OK)
			return rc;
		if (m->cmsgs[k].data_len > SYSCALL_MAX_BUFFER)
			return arg_bad(ee, v->u.array.items[k]->loc,
				       "control message too long");
		m->cmsg_count++;
		total += CMSG_SPACE(m->cmsgs[k].data_len);
	}
	m->control = arg_zalloc(total);
	if (!m->control)
		return arg_oom(ee, v);
	m->msg.msg_control = m->control;
	m->msg.msg_controllen = total;
	for (h = total ? CMSG_FIRSTHDR(&m->msg) : NULL, k = 0; h && k < n;
	     h = CMSG_NXTHDR(&m->msg, h), k++) {
		h->cmsg_level = m->cmsgs[k].level;
		h->cmsg_type = m->cmsgs[k].type;
		h->cmsg_len = CMSG_LEN(m->cmsgs[k].data_len);
		write_cmsg_data(&m->cmsgs[k], CMSG_DATA(h));
	}
	return OUTCOME_OK;
}

int arg_prep_msghdr(const struct syscall_ctx *ctx, struct arg_slot *s,
		    bool out, struct eval_error *ee)
{
	const struct expr *e = s->expr;
	struct msg_arg *m;
	int rc;

	rc = arg_struct(e, msghdr_fields, "msghdr", "a msghdr {msg_name(...)"
			"=..., msg_iov(1)=[{..., length}], msg_flags=0}", ee);
	if (rc != OUTCOME_OK)
		return rc;
	m = calloc(1, sizeof(*m));
	s->buf = m;
	if (!m)
		return arg_oom(ee, e);
	s->buf_len = sizeof(*m);
	rc = prep_name(ctx, m, expr_field(e, "msg_name"), out, ee);
	if (rc == OUTCOME_OK)
		rc = prep_iov(m, e, out, ee);
	if (rc == OUTCOME_OK)
		rc = prep_flags(m, expr_field(e, "msg_flags"), out, ee);
	if (rc == OUTCOME_OK)
		rc = prep_control(m, expr_field(e, "msg_control"), ee);
	return rc;
}

/* ---- compare (recvmsg) ---- */

/* "control message 1 (IP_RECVERR)": the type as the script wrote it. */
static void add_cmsg_name(struct strbuf *sb, int k, const struct cmsg_want *c)
{
	strbuf_add(sb, "control message %d (", k);
	expr_format(expr_field(c->expr, "cmsg_type"), sb);
	strbuf_add(sb, ")");
}

static int check_ee(const struct cmsg_want *c, int k, const void *data,
		    struct strbuf *detail)
{
	struct sock_extended_err got;
	int64_t v[EE_FIELDS];
	const char *name;
	int f;

	memcpy(&got, data, sizeof(got));
	v[EE_ERRNO] = got.ee_errno;
	v[EE_ORIGIN] = got.ee_origin;
	v[EE_TYPE] = got.ee_type;
	v[EE_CODE] = got.ee_code;
	v[EE_INFO] = got.ee_info;
	v[EE_DATA] = got.ee_data;
	for (f = 0; f < EE_FIELDS; f++) {
		if (!c->ee_check[f] ||
		    (uint32_t)v[f] == (uint32_t)c->ee[f])
			continue;
		add_cmsg_name(detail, k, c);
		strbuf_add(detail, " %s is ", ee_fields[f]);
		name = f == EE_ERRNO ? errno_to_name((int)v[f]) : NULL;
		if (name)
			strbuf_add(detail, "%s", name);
		else
			strbuf_add(detail, "%lld", (long long)v[f]);
		strbuf_add(detail, ", expected ");
		expr_format(expr_field(expr_field(c->expr, "cmsg_data"),
				       ee_fields[f]), detail);
		return OUTCOME_MISMATCH;
	}
	return OUTCOME_OK;
}

static int check_timestamping(const struct syscall_ctx *ctx,
			      const struct cmsg_want *c, int k,
			      const void *data, struct strbuf *detail)
{
	struct scm_timestamping got;
	int64_t got_usecs, lo = c->ts_usecs, hi = c->ts_usecs;

	if (c->ts_usecs == 0)
		return OUTCOME_OK;	/* 0: not compared, as packetdrill */
	memcpy(&got, data, sizeof(got));
	got_usecs = ((int64_t)got.ts[0].tv_sec * 1000000000 +
		     got.ts[0].tv_nsec - ctx->start_realtime_ns) / 1000;
	if (ctx->script_to_live)
		ctx->script_to_live(ctx->timeline, c->ts_usecs, &lo, &hi);
	if (got_usecs >= lo - ctx->tolerance_usecs &&
	    got_usecs <= hi + ctx->tolerance_usecs)
		return OUTCOME_OK;
	add_cmsg_name(detail, k, c);
	strbuf_add(detail, " time is %.6f s, expected %.6f s",
		   (double)got_usecs / 1e6, (double)c->ts_usecs / 1e6);
	if (lo != c->ts_usecs || hi != c->ts_usecs)
		strbuf_add(detail, " (played from %.6f to %.6f s on this run)",
			   (double)lo / 1e6, (double)hi / 1e6);
	strbuf_add(detail, ", tolerance %.6f s",
		   (double)ctx->tolerance_usecs / 1e6);
	return OUTCOME_MISMATCH;
}

static int check_data_of(const struct syscall_ctx *ctx,
			 const struct cmsg_want *c, int k,
			 const unsigned char *data, struct strbuf *detail)
{
	int32_t num;

	switch (c->form) {
	case CMSG_INT:
		memcpy(&num, data, sizeof(num));
		if (num == c->num)
			return OUTCOME_OK;
		add_cmsg_name(detail, k, c);
		strbuf_add(detail, " data is %d, expected ", num);
		expr_format(expr_field(c->expr, "cmsg_data"), detail);
		return OUTCOME_MISMATCH;
	case CMSG_BYTES:
		if (!memcmp(data, c->bytes, c->data_len))
			return OUTCOME_OK;
		add_cmsg_name(detail, k, c);
		strbuf_add(detail, " data is ");
		strbuf_add_quoted(detail, data, c->data_len);
		strbuf_add(detail, ", expected ");
		strbuf_add_quoted(detail, c->bytes, c->data_len);
		return OUTCOME_MISMATCH;
	case CMSG_TIMESTAMPING:
		return check_timestamping(ctx, c, k, data, detail);
	case CMSG_EXTENDED_ERR:
		return check_ee(c, k, data, detail);
	}
	return OUTCOME_OK;
}

/* "level 0 type 11, level 1 type 37": what arrived, for messages. */
static void add_received(struct strbuf *sb, struct msghdr *msg)
{
	struct cmsghdr *h;
	bool first = true;

	for (h = CMSG_FIRSTHDR(msg); h; h = CMSG_NXTHDR(msg, h)) {
		strbuf_add(sb, "%slevel %d type %d", first ? "" : ", ",
			   h->cmsg_level, h->cmsg_type);
		first = false;
	}
}

static int check_control(const struct syscall_ctx *ctx, struct msg_arg *m,
			 struct strbuf *detail)
{
	struct cmsghdr *h;
	int k, got = 0;

	if (m->msg.msg_controllen > 0 && m->msg.msg_control)
		for (h = CMSG_FIRSTHDR(&m->msg); h;
		     h = CMSG_NXTHDR(&m->msg, h))
			got++;
	else
		m->msg.msg_controllen = 0;
	if (got != m->cmsg_count) {
		strbuf_add(detail, "msg_control has %d control message%s, "
			   "expected %d", got, got == 1 ? "" : "s",
			   m->cmsg_count);
		if (got) {
			strbuf_add(detail, " (received ");
			add_received(detail, &m->msg);
			strbuf_add(detail, ")");
		}
		return OUTCOME_MISMATCH;
	}
	for (h = got ? CMSG_FIRSTHDR(&m->msg) : NULL, k = 0; h;
	     h = CMSG_NXTHDR(&m->msg, h), k++) {
		const struct cmsg_want *c = &m->cmsgs[k];

		if (h->cmsg_level != c->level || h->cmsg_type != c->type) {
			strbuf_add(detail, "control message %d is level %d "
				   "type %d, expected ", k, h->cmsg_level,
				   h->cmsg_type);
			expr_format(expr_field(c->expr, "cmsg_level"), detail);
			strbuf_add(detail, " ");
			expr_format(expr_field(c->expr, "cmsg_type"), detail);
			strbuf_add(detail, " (level %d type %d)", c->level,
				   c->type);
			return OUTCOME_MISMATCH;
		}
		if (h->cmsg_len != CMSG_LEN(c->data_len)) {
			add_cmsg_name(detail, k, c);
			strbuf_add(detail, " has %zu data bytes, expected %zu",
				   (size_t)(h->cmsg_len - CMSG_LEN(0)),
				   c->data_len);
			return OUTCOME_MISMATCH;
		}
		if (check_data_of(ctx, c, k, CMSG_DATA(h), detail))
			return OUTCOME_MISMATCH;
	}
	return OUTCOME_OK;
}

int msghdr_check(const struct syscall_ctx *ctx, const struct syscall_run *run,
		 const struct arg_slot *s, struct strbuf *detail)
{
	struct msg_arg *m = s->buf;
	size_t got = run->result > 0 ? (size_t)run->result : 0;

	if (iov_array_check(m->iov, m->iov_want, m->iov_count, got, detail))
		return OUTCOME_MISMATCH;
	if (m->flags_expr && m->msg.msg_flags != m->want_flags) {
		strbuf_add(detail, "msg_flags is ");
		flags_format((uint32_t)m->msg.msg_flags, FLAGS_MSG, detail);
		strbuf_add(detail, ", expected ");
		expr_format(m->flags_expr, detail);
		return OUTCOME_MISMATCH;
	}
	if (m->check_control)
		return check_control(ctx, m, detail);
	return OUTCOME_OK;
}
