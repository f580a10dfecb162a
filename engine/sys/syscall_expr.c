/*
 * syscall_expr.c - expression helpers for the system-call interpreter.
 *
 * Turns the parser's syntactic expressions into values: integers (with
 * symbols, `|` and the few functions scripts use, htons() and friends),
 * socket addresses (written out, or `...` meaning the plan's), and back
 * into text for messages.  Pure functions of their inputs: no state.
 */
#include "config.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/symbols.h"
#include "expr_print.h"
#include "sys/syscall_internal.h"

int eval_fail(struct eval_error *ee, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;

	ee->loc = loc;
	va_start(ap, fmt);
	vsnprintf(ee->text, sizeof(ee->text), fmt, ap);
	va_end(ap);
	return -1;
}

const char *expr_describe(const struct expr *e)
{
	switch (e->kind) {
	case EXPR_ELLIPSIS:
		return "...";
	case EXPR_INT:
		return "a number";
	case EXPR_STRING:
		return "a string";
	case EXPR_WORD:
		return "a symbol";
	case EXPR_OR:
		return "an | expression";
	case EXPR_ARRAY:
		return "an array";
	case EXPR_STRUCT:
		return "a struct";
	case EXPR_CALL:
		return "a function call";
	case EXPR_ENCAP:
		return e->u.encap->kind == ENCAP_GRE ? "a GRE header"
						     : "an MPLS label stack";
	}
	return "an expression";
}

bool expr_is_ellipsis(const struct expr *e)
{
	return e->kind == EXPR_ELLIPSIS;
}

bool expr_is_null(const struct expr *e)
{
	return (e->kind == EXPR_WORD && strcmp(e->u.word, "NULL") == 0) ||
	       (e->kind == EXPR_INT && e->u.num.value == 0);
}

/* ---- integers ---- */

static const char *const int_functions[] = {
	"htons", "ntohs", "htonl", "ntohl", "inet_addr", NULL
};

/* Functions that make addresses for sockaddr literals, not integers. */
static const char *const addr_functions[] = {
	"inet6_addr", "inet6_pton", NULL
};

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

bool expr_function_known(const char *name)
{
	return in_list(name, int_functions) || in_list(name, addr_functions);
}

const char *expr_function_suggest(const char *name)
{
	const char *const *lists[] = { int_functions, addr_functions };
	struct suggestion s;
	size_t i;

	suggestion_init(&s, name);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const char *const *p;

		for (p = lists[i]; *p; p++)
			suggestion_consider(&s, *p);
	}
	return suggestion_result(&s);
}

int unknown_symbol(const char *name, struct src_loc loc,
		   struct eval_error *ee)
{
	const char *hint = symbol_suggest(name);

	/* The scanner takes "12ab" or "0x" as a word: say what it is. */
	if (name[0] >= '0' && name[0] <= '9')
		return eval_fail(ee, loc, "bad number '%s' (write decimal "
				 "digits, or 0x and hex digits)", name);
	if (hint)
		return eval_fail(ee, loc,
				 "unknown symbol '%s'; did you mean '%s'?",
				 name, hint);
	return eval_fail(ee, loc, "unknown symbol '%s'", name);
}

/* The one string argument of name("text"). */
static int call_string_arg(const struct expr *e, const char **text,
			   struct eval_error *ee)
{
	const struct expr_list *args = &e->u.call.args;

	if (args->count != 1 || args->items[0]->kind != EXPR_STRING)
		return eval_fail(ee, e->loc, "%s() takes one string argument",
				 e->u.call.name);
	*text = args->items[0]->u.str.text;
	return 0;
}

static int eval_call(const struct expr *e, int64_t *value,
		     struct eval_error *ee)
{
	const char *name = e->u.call.name;
	const struct expr_list *args = &e->u.call.args;
	bool is16 = !strcmp(name, "htons") || !strcmp(name, "ntohs");
	bool is32 = !strcmp(name, "htonl") || !strcmp(name, "ntohl");
	int64_t x;

	if (!strcmp(name, "inet_addr")) {
		const char *text = NULL;
		struct in_addr a;

		if (call_string_arg(e, &text, ee))
			return -1;
		if (inet_pton(AF_INET, text, &a) != 1)
			return eval_fail(ee, e->loc,
					 "invalid IPv4 address \"%s\"", text);
		*value = a.s_addr;	/* network order, as inet_addr() */
		return 0;
	}
	if (!is16 && !is32) {
		if (in_list(name, addr_functions))
			return eval_fail(ee, e->loc,
					 "%s() gives an IPv6 address, usable "
					 "only as sin6_addr", name);
		return eval_fail(ee, e->loc, "unknown function '%s'", name);
	}
	if (args->count != 1)
		return eval_fail(ee, e->loc, "%s() takes one argument", name);
	if (expr_eval_int(args->items[0], &x, ee))
		return -1;
	if (x < 0 || x > (is16 ? 0xffff : 0xffffffffLL))
		return eval_fail(ee, args->items[0]->loc,
				 "%lld is out of range for %s()",
				 (long long)x, name);
	*value = is16 ? htons((uint16_t)x) : htonl((uint32_t)x);
	return 0;
}

int expr_eval_int(const struct expr *e, int64_t *value,
		  struct eval_error *ee)
{
	int64_t lhs, rhs;

	switch (e->kind) {
	case EXPR_INT:
		*value = e->u.num.value;
		return 0;
	case EXPR_WORD:
		if (!symbol_lookup(e->u.word, value))
			return unknown_symbol(e->u.word, e->loc, ee);
		return 0;
	case EXPR_OR:
		if (expr_eval_int(e->u.binary.lhs, &lhs, ee) ||
		    expr_eval_int(e->u.binary.rhs, &rhs, ee))
			return -1;
		*value = lhs | rhs;
		return 0;
	case EXPR_CALL:
		return eval_call(e, value, ee);
	case EXPR_ELLIPSIS:
	case EXPR_STRING:
	case EXPR_ARRAY:
	case EXPR_STRUCT:
	case EXPR_ENCAP:
		break;
	}
	return eval_fail(ee, e->loc, "expected a number, found %s",
			 expr_describe(e));
}

int expr_eval_bracketed(const struct expr *e, int64_t *value,
			struct eval_error *ee)
{
	if (e->kind != EXPR_ARRAY || e->u.array.count != 1)
		return eval_fail(ee, e->loc, "expected [number], found %s",
				 e->kind == EXPR_ARRAY ?
				 "an array of several elements" :
				 expr_describe(e));
	return expr_eval_int(e->u.array.items[0], value, ee);
}

/* ---- struct literals ---- */

const struct expr *expr_field(const struct expr *e, const char *name)
{
	int i;

	for (i = 0; i < e->u.structure.count; i++) {
		const struct expr_field *f = &e->u.structure.fields[i];

		if (f->name && strcmp(f->name, name) == 0)
			return f->value;
	}
	return NULL;
}

int expr_check_fields(const struct expr *e, const char *const *allowed,
		      const char *what, struct eval_error *ee)
{
	int i;

	for (i = 0; i < e->u.structure.count; i++) {
		const struct expr_field *f = &e->u.structure.fields[i];

		if (!f->name)
			return eval_fail(ee, f->loc, "%s fields need names "
					 "(name=value)", what);
		if (!in_list(f->name, allowed))
			return eval_fail(ee, f->loc, "unknown %s field '%s'",
					 what, f->name);
	}
	return 0;
}

/* ---- text ---- */

void strbuf_init(struct strbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	if (size)
		buf[0] = '\0';
}

void strbuf_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len + 1 >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb->len += (size_t)n;
	if (sb->len >= sb->size)
		sb->len = sb->size - 1;	/* truncated */
}

/* The one expression printer (grammar/expr_print.h) writes here. */
struct strbuf_sink {
	struct expr_sink base;
	struct strbuf *sb;
};

static void strbuf_write(struct expr_sink *sink, const char *text, size_t len)
{
	struct strbuf *sb = ((struct strbuf_sink *)sink)->sb;

	if (len > (size_t)INT32_MAX)
		len = INT32_MAX;
	strbuf_add(sb, "%.*s", (int)len, text);
}

void strbuf_add_quoted(struct strbuf *sb, const void *bytes, size_t len)
{
	struct strbuf_sink sink = { { strbuf_write }, sb };

	expr_print_string(bytes, len, EXPR_STYLE_REPORT, &sink.base);
}

void expr_format(const struct expr *e, struct strbuf *sb)
{
	struct strbuf_sink sink = { { strbuf_write }, sb };

	expr_print(e, EXPR_STYLE_REPORT, &sink.base);
}

struct flag_name {
	uint32_t bit;
	const char *name;
};

static const struct flag_name poll_flags[] = {
	{ POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" }, { POLLOUT, "POLLOUT" },
	{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" },
	{ POLLNVAL, "POLLNVAL" }, { POLLRDNORM, "POLLRDNORM" },
	{ POLLRDBAND, "POLLRDBAND" }, { POLLWRNORM, "POLLWRNORM" },
	{ POLLWRBAND, "POLLWRBAND" }, { POLLMSG, "POLLMSG" },
	{ POLLRDHUP, "POLLRDHUP" }, { 0, NULL }
};

static const struct flag_name epoll_flags[] = {
	{ EPOLLIN, "EPOLLIN" }, { EPOLLPRI, "EPOLLPRI" },
	{ EPOLLOUT, "EPOLLOUT" }, { EPOLLERR, "EPOLLERR" },
	{ EPOLLHUP, "EPOLLHUP" }, { EPOLLRDNORM, "EPOLLRDNORM" },
	{ EPOLLRDBAND, "EPOLLRDBAND" }, { EPOLLWRNORM, "EPOLLWRNORM" },
	{ EPOLLWRBAND, "EPOLLWRBAND" }, { EPOLLMSG, "EPOLLMSG" },
	{ EPOLLRDHUP, "EPOLLRDHUP" }, { EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE" },
	{ EPOLLWAKEUP, "EPOLLWAKEUP" }, { EPOLLONESHOT, "EPOLLONESHOT" },
	{ EPOLLET, "EPOLLET" }, { 0, NULL }
};

/* What recvmsg() may report in msg_flags. */
static const struct flag_name msg_flags[] = {
	{ MSG_OOB, "MSG_OOB" }, { MSG_PEEK, "MSG_PEEK" },
	{ MSG_DONTROUTE, "MSG_DONTROUTE" }, { MSG_CTRUNC, "MSG_CTRUNC" },
	{ MSG_TRUNC, "MSG_TRUNC" }, { MSG_DONTWAIT, "MSG_DONTWAIT" },
	{ MSG_EOR, "MSG_EOR" }, { MSG_WAITALL, "MSG_WAITALL" },
	{ MSG_ERRQUEUE, "MSG_ERRQUEUE" }, { MSG_NOSIGNAL, "MSG_NOSIGNAL" },
	{ MSG_MORE, "MSG_MORE" }, { MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC" },
	{ 0, NULL }
};

void flags_format(uint32_t value, enum flag_set set, struct strbuf *sb)
{
	const struct flag_name *f = set == FLAGS_EPOLL ? epoll_flags :
				    set == FLAGS_MSG ? msg_flags : poll_flags;
	bool first = true;

	if (value == 0) {
		strbuf_add(sb, "0");
		return;
	}
	for (; f->name; f++) {
		if (!(value & f->bit))
			continue;
		strbuf_add(sb, "%s%s", first ? "" : "|", f->name);
		value &= ~f->bit;
		first = false;
	}
	if (value)
		strbuf_add(sb, "%s%#x", first ? "" : "|", value);
}

/* ---- socket addresses ---- */

int plan_socket_family(const struct net_plan *plan)
{
	switch (plan->ip_version) {
	case IP_VERSION_4:
		return AF_INET;
	case IP_VERSION_4_MAPPED_6:
	case IP_VERSION_6:
		return AF_INET6;
	}
	return AF_INET;
}

static socklen_t fill_in4(struct sockaddr_storage *ss, struct in_addr addr,
			  uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr = addr;
	return sizeof(*sin);
}

static socklen_t fill_in6(struct sockaddr_storage *ss,
			  const struct in6_addr *addr, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = *addr;
	return sizeof(*sin6);
}

/* ::ffff:a.b.c.d, how an AF_INET6 socket names an IPv4 peer. */
static struct in6_addr map_v4(struct in_addr v4)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	a.s6_addr[10] = 0xff;
	a.s6_addr[11] = 0xff;
	memcpy(&a.s6_addr[12], &v4, sizeof(v4));
	return a;
}

/* packetdrill binds `...` to the wildcard address (0.0.0.0 or ::), not to
 * local_ip, and connects to remote_ip (mapped for ipv4-mapped-ipv6).
 */
int sockaddr_from_plan(const struct net_plan *plan, enum addr_role role,
		       struct sockaddr_storage *ss, socklen_t *len,
		       struct src_loc loc, struct eval_error *ee)
{
	int family = plan_socket_family(plan);
	const struct ip_addr *ip = &plan->remote_ip;
	struct in6_addr v6;

	switch (role) {
	case ADDR_ROLE_BIND:
		if (family == AF_INET) {
			struct in_addr any = { .s_addr = htonl(INADDR_ANY) };

			*len = fill_in4(ss, any, plan->bind_port);
		} else {
			*len = fill_in6(ss, &in6addr_any, plan->bind_port);
		}
		return 0;
	case ADDR_ROLE_CONNECT:
		if (family == AF_INET && ip->family == AF_INET) {
			*len = fill_in4(ss, ip->u.v4, plan->connect_port);
			return 0;
		}
		if (family == AF_INET6) {
			v6 = ip->family == AF_INET ? map_v4(ip->u.v4) :
						     ip->u.v6;
			*len = fill_in6(ss, &v6, plan->connect_port);
			return 0;
		}
		return eval_fail(ee, loc, "the remote address is IPv6 but "
				 "the sockets are IPv4 (--ip_version)");
	}
	return -1;
}

static const char *const sockaddr_fields[] = {
	"sa_family", "sin_family", "sin6_family", "sin_port", "sin6_port",
	"sin_addr", "sin6_addr", "sin6_flowinfo", "sin6_scope_id", NULL
};

/* The first of two spellings that is written (packetdrill writes sin_port
 * and sin_addr for both families).
 */
static const struct expr *either_field(const struct expr *e, const char *a,
				       const char *b)
{
	const struct expr *v = expr_field(e, a);

	return v ? v : expr_field(e, b);
}

static int parse_port(const struct expr *v, uint16_t *port, bool *wild,
		      bool allow_wildcards, struct eval_error *ee)
{
	int64_t n;

	*wild = false;
	if (!v) {
		*port = 0;
		return 0;
	}
	if (expr_is_ellipsis(v) && allow_wildcards) {
		*wild = true;
		return 0;
	}
	if (v->kind != EXPR_CALL || strcmp(v->u.call.name, "htons") ||
	    v->u.call.args.count != 1)
		return eval_fail(ee, v->loc, "write the port as htons(N)");
	if (expr_eval_int(v->u.call.args.items[0], &n, ee))
		return -1;
	if (n < 0 || n > 0xffff)
		return eval_fail(ee, v->loc, "port %lld is out of range",
				 (long long)n);
	*port = (uint16_t)n;
	return 0;
}

/* inet_addr("...") for either family (packetdrill's spelling), or
 * inet6_addr("...") / inet6_pton("...") for AF_INET6.
 */
static int parse_addr(const struct expr *v, int family, void *addr,
		      bool *wild, bool allow_wildcards, struct eval_error *ee)
{
	const char *text = NULL;

	*wild = false;
	if (!v)
		return 0;	/* zeroed: the wildcard address */
	if (expr_is_ellipsis(v) && allow_wildcards) {
		*wild = true;
		return 0;
	}
	if (v->kind != EXPR_CALL ||
	    (strcmp(v->u.call.name, "inet_addr") &&
	     !in_list(v->u.call.name, addr_functions)))
		return eval_fail(ee, v->loc, "write the address as "
				 "inet_addr(\"...\") or inet6_pton(\"...\")");
	if (family == AF_INET && strcmp(v->u.call.name, "inet_addr"))
		return eval_fail(ee, v->loc, "%s() gives an IPv6 address but "
				 "sa_family is AF_INET", v->u.call.name);
	if (call_string_arg(v, &text, ee))
		return -1;
	if (inet_pton(family, text, addr) != 1)
		return eval_fail(ee, v->loc, "invalid %s address \"%s\"",
				 family == AF_INET ? "IPv4" : "IPv6", text);
	return 0;
}

static int parse_v6_extra(const struct expr *e, const char *name,
			  uint32_t *out, struct eval_error *ee)
{
	const struct expr *v = expr_field(e, name);
	int64_t n;

	if (!v)
		return 0;
	if (expr_eval_int(v, &n, ee))
		return -1;
	*out = (uint32_t)n;
	return 0;
}

int sockaddr_from_expr(const struct expr *e, struct sockaddr_storage *ss,
		       socklen_t *len, bool allow_wildcards,
		       struct sockaddr_want *want, struct eval_error *ee)
{
	const struct expr *fam = expr_field(e, "sa_family");
	struct sockaddr_want w;
	uint16_t port = 0;
	int64_t family;

	if (expr_check_fields(e, sockaddr_fields, "sockaddr", ee))
		return -1;
	if (!fam)
		fam = either_field(e, "sin_family", "sin6_family");
	if (!fam)
		return eval_fail(ee, e->loc, "sockaddr needs sa_family");
	if (expr_eval_int(fam, &family, ee))
		return -1;
	if (parse_port(either_field(e, "sin_port", "sin6_port"), &port,
		       &w.check_port, allow_wildcards, ee))
		return -1;
	w.check_port = !w.check_port;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (expr_field(e, "sin6_flowinfo") ||
		    expr_field(e, "sin6_scope_id"))
			return eval_fail(ee, e->loc, "sin6_ fields need "
					 "sa_family=AF_INET6");
		if (parse_addr(either_field(e, "sin_addr", "sin6_addr"),
			       AF_INET, &sin->sin_addr, &w.check_addr,
			       allow_wildcards, ee))
			return -1;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (parse_addr(either_field(e, "sin6_addr", "sin_addr"),
			       AF_INET6, &sin6->sin6_addr, &w.check_addr,
			       allow_wildcards, ee) ||
		    parse_v6_extra(e, "sin6_flowinfo", &sin6->sin6_flowinfo,
				   ee) ||
		    parse_v6_extra(e, "sin6_scope_id", &sin6->sin6_scope_id,
				   ee))
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
	} else {
		return eval_fail(ee, fam->loc,
				 "sa_family must be AF_INET or AF_INET6");
	}
	w.check_addr = !w.check_addr;
	if (want)
		*want = w;
	return 0;
}

void sockaddr_format(const struct sockaddr_storage *ss, socklen_t len,
		     struct strbuf *sb)
{
	char text[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		strbuf_add(sb, "%s:%u", text, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		strbuf_add(sb, "[%s]:%u", text, ntohs(sin6->sin6_port));
	} else {
		strbuf_add(sb, "an address of family %d, %u bytes",
			   ss->ss_family, (unsigned)len);
	}
}
