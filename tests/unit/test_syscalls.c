/*
 * test_syscalls.c - unit tests for the system-call interpreter.
 *
 * Script lines are built as AST nodes by hand (the parser is not needed)
 * and run against a fake backend that records every call it receives
 * and answers from a queue of scripted replies, so the tests see exactly
 * which fd, address bytes and option values reach the stack, and can make
 * the stack misbehave to check each mismatch message word for word.  A
 * few lines at the end go to the real kernel (an AF_INET socket, no
 * traffic).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>

#include "diag.h"
#include "core/plan.h"
#include "sys/syscall_backend.h"
#include "sys/syscalls.h"
#include "sys/syscall_internal.h"
#include "tap.h"

/* ---- AST nodes, freed together ---- */

static void *arena[16384];
static int arena_count;

static void *mem(size_t size)
{
	void *p = calloc(1, size);

	if (!p || arena_count == (int)(sizeof(arena) / sizeof(arena[0]))) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	arena[arena_count++] = p;
	return p;
}

static void arena_free(void)
{
	while (arena_count)
		free(arena[--arena_count]);
}

static char *text(const char *s)
{
	return strcpy(mem(strlen(s) + 1), s);
}

static struct expr *node(enum expr_kind kind)
{
	struct expr *e = mem(sizeof(*e));

	e->kind = kind;
	e->loc.line = 1;
	e->loc.column = 1;
	return e;
}

static struct expr *AT(struct expr *e, int line, int column)
{
	e->loc.line = line;
	e->loc.column = column;
	return e;
}

static struct expr *N(int64_t v)
{
	struct expr *e = node(EXPR_INT);

	e->u.num.value = v;
	return e;
}

static struct expr *HEX(int64_t v)
{
	struct expr *e = N(v);

	e->u.num.is_hex = true;
	return e;
}

static struct expr *W(const char *word)
{
	struct expr *e = node(EXPR_WORD);

	e->u.word = text(word);
	return e;
}

static struct expr *ELL(void)
{
	return node(EXPR_ELLIPSIS);
}

static struct expr *SN(const char *s, size_t len)
{
	struct expr *e = node(EXPR_STRING);

	e->u.str.text = memcpy(mem(len + 1), s, len);
	e->u.str.len = len;
	return e;
}

static struct expr *S(const char *s)
{
	return SN(s, strlen(s));
}

static struct expr *OR(struct expr *a, struct expr *b)
{
	struct expr *e = node(EXPR_OR);

	e->u.binary.lhs = a;
	e->u.binary.rhs = b;
	return e;
}

static void fill_list(struct expr_list *list, int n, va_list ap)
{
	int i;

	list->items = mem((size_t)(n + 1) * sizeof(*list->items));
	list->count = n;
	for (i = 0; i < n; i++)
		list->items[i] = va_arg(ap, struct expr *);
}

static struct expr *ARR(int n, ...)
{
	struct expr *e = node(EXPR_ARRAY);
	va_list ap;

	va_start(ap, n);
	fill_list(&e->u.array, n, ap);
	va_end(ap);
	return e;
}

/* n pairs of (field name or NULL, value) */
static struct expr *ST(int n, ...)
{
	struct expr *e = node(EXPR_STRUCT);
	va_list ap;
	int i;

	e->u.structure.fields = mem((size_t)(n + 1) *
				    sizeof(struct expr_field));
	e->u.structure.count = n;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *name = va_arg(ap, const char *);

		e->u.structure.fields[i].name = name ? text(name) : NULL;
		e->u.structure.fields[i].value = va_arg(ap, struct expr *);
	}
	va_end(ap);
	return e;
}

/* Give field k of a struct literal an index: msg_iov(1)=[...]. */
static struct expr *IDX(struct expr *st, int k, struct expr *index)
{
	st->u.structure.fields[k].index = index;
	return st;
}

static struct expr *CALL(const char *name, int n, ...)
{
	struct expr *e = node(EXPR_CALL);
	va_list ap;

	e->u.call.name = text(name);
	va_start(ap, n);
	fill_list(&e->u.call.args, n, ap);
	va_end(ap);
	return e;
}

/* name(args...) = result [errno] */
static struct syscall_spec *SPEC(const char *name, struct expr *result,
				 const char *errno_name, int n, ...)
{
	struct syscall_spec *s = mem(sizeof(*s));
	va_list ap;

	s->name = text(name);
	s->name_loc.line = 7;
	s->name_loc.column = 4;
	s->result = result;
	if (errno_name) {
		s->errno_name = text(errno_name);
		s->errno_loc.line = 7;
		s->errno_loc.column = 40;
	}
	va_start(ap, n);
	fill_list(&s->args, n, ap);
	va_end(ap);
	return s;
}

/* ---- the fake backend ---- */

struct fake_call {
	const char *name;
	int fd;
	long a, b, c;		/* level/name/flags/cmd, in argument order */
	unsigned char in[256];	/* address, option value or data given */
	size_t in_len;
	socklen_t len;		/* length given, or *len on entry */
	bool null;		/* the pointer argument was NULL */
	/* sendmsg's control messages */
	unsigned char control[256] __attribute__((aligned(8)));
	size_t control_len;
};

struct fake_reply {
	long ret;
	int err;
	unsigned char out[256];	/* written to the output buffer */
	size_t out_len;
	bool set_len;		/* store out_socklen in *len */
	socklen_t out_socklen;
	short revents[4];
	struct epoll_event events[2];
	int msg_flags;		/* recvmsg */
	unsigned char control[256] __attribute__((aligned(8)));
	size_t control_len;
};

struct fake {
	struct syscall_backend base;
	struct fake_call log[64];
	int calls;
	struct fake_reply replies[64];
	int queued;
	int next;
};

static struct fake fake;
static struct fake_reply no_reply;

static struct fake_reply *expect_reply(long ret, int err)
{
	struct fake_reply *r = &fake.replies[fake.queued++];

	memset(r, 0, sizeof(*r));
	r->ret = ret;
	r->err = err;
	return r;
}

static struct fake_call *rec(const char *name, int fd)
{
	struct fake_call *c = &fake.log[fake.calls++ % 64];

	memset(c, 0, sizeof(*c));
	c->name = name;
	c->fd = fd;
	return c;
}

static struct fake_call *last_call(void)
{
	static struct fake_call none = { .name = "(none)" };

	return fake.calls ? &fake.log[(fake.calls - 1) % 64] : &none;
}

static struct fake_reply *pop(void)
{
	memset(&no_reply, 0, sizeof(no_reply));
	return fake.next < fake.queued ? &fake.replies[fake.next++] :
					 &no_reply;
}

static void copy_in(struct fake_call *c, const void *p, size_t len)
{
	c->null = p == NULL;
	if (!p)
		return;
	c->in_len = len < sizeof(c->in) ? len : sizeof(c->in);
	memcpy(c->in, p, c->in_len);
}

static long answer(struct fake_reply *r, void *out, size_t cap,
		   socklen_t *len, int *err)
{
	if (out && r->out_len)
		memcpy(out, r->out, r->out_len < cap ? r->out_len : cap);
	if (len && r->set_len)
		*len = r->out_socklen;
	*err = r->err;
	return r->ret;
}

#define F(b) ((void)(b))

static long f_socket(struct syscall_backend *b, int d, int t, int p, int *err)
{
	struct fake_call *c = rec("socket", -1);

	F(b);
	c->a = d;
	c->b = t;
	c->c = p;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_bind(struct syscall_backend *b, int fd,
		   const struct sockaddr *a, socklen_t len, int *err)
{
	struct fake_call *c = rec("bind", fd);

	F(b);
	copy_in(c, a, len);
	c->len = len;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_connect(struct syscall_backend *b, int fd,
		      const struct sockaddr *a, socklen_t len, int *err)
{
	struct fake_call *c = rec("connect", fd);

	F(b);
	copy_in(c, a, len);
	c->len = len;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_listen(struct syscall_backend *b, int fd, int n, int *err)
{
	F(b);
	rec("listen", fd)->a = n;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_accept(struct syscall_backend *b, int fd, struct sockaddr *a,
		     socklen_t *len, int *err)
{
	struct fake_call *c = rec("accept", fd);

	F(b);
	c->null = a == NULL;
	c->len = len ? *len : 0;
	return answer(pop(), a, len ? *len : 0, len, err);
}

static long f_accept4(struct syscall_backend *b, int fd, struct sockaddr *a,
		      socklen_t *len, int flags, int *err)
{
	struct fake_call *c = rec("accept4", fd);

	F(b);
	c->a = flags;
	return answer(pop(), a, len ? *len : 0, len, err);
}

static long f_read(struct syscall_backend *b, int fd, void *buf, size_t n,
		   int *err)
{
	struct fake_call *c = rec("read", fd);

	F(b);
	c->null = buf == NULL;
	c->a = (long)n;
	return answer(pop(), buf, n, NULL, err);
}

static long f_readv(struct syscall_backend *b, int fd,
		    const struct iovec *iov, int n, int *err)
{
	struct fake_call *c = rec("readv", fd);
	struct fake_reply *r = pop();

	F(b);
	c->a = n;
	if (n > 0)
		c->b = (long)iov[0].iov_len;
	if (n > 0 && r->out_len)
		memcpy(iov[0].iov_base, r->out,
		       r->out_len < iov[0].iov_len ? r->out_len :
						     iov[0].iov_len);
	*err = r->err;
	return r->ret;
}

static long f_recv(struct syscall_backend *b, int fd, void *buf, size_t n,
		   int flags, int *err)
{
	struct fake_call *c = rec("recv", fd);

	F(b);
	c->a = (long)n;
	c->b = flags;
	return answer(pop(), buf, n, NULL, err);
}

static long f_recvfrom(struct syscall_backend *b, int fd, void *buf,
		       size_t n, int flags, struct sockaddr *a,
		       socklen_t *len, int *err)
{
	struct fake_call *c = rec("recvfrom", fd);

	F(b);
	c->a = (long)n;
	c->b = flags;
	c->null = a == NULL;
	return answer(pop(), buf, n, len, err);
}

static long f_write(struct syscall_backend *b, int fd, const void *buf,
		    size_t n, int *err)
{
	struct fake_call *c = rec("write", fd);

	F(b);
	copy_in(c, buf, n);
	c->a = (long)n;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_writev(struct syscall_backend *b, int fd,
		     const struct iovec *iov, int n, int *err)
{
	struct fake_call *c = rec("writev", fd);
	int i;

	F(b);
	c->a = n;
	for (i = 0; i < n; i++) {
		size_t room = sizeof(c->in) - c->in_len;
		size_t k = iov[i].iov_len < room ? iov[i].iov_len : room;

		memcpy(c->in + c->in_len, iov[i].iov_base, k);
		c->in_len += k;
	}
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_send(struct syscall_backend *b, int fd, const void *buf,
		   size_t n, int flags, int *err)
{
	struct fake_call *c = rec("send", fd);

	F(b);
	copy_in(c, buf, n);
	c->a = (long)n;
	c->b = flags;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_sendto(struct syscall_backend *b, int fd, const void *buf,
		     size_t n, int flags, const struct sockaddr *a,
		     socklen_t len, int *err)
{
	struct fake_call *c = rec("sendto", fd);

	F(b);
	c->a = (long)n;
	c->b = flags;
	copy_in(c, a, len);
	c->len = len;
	(void)buf;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_close(struct syscall_backend *b, int fd, int *err)
{
	F(b);
	rec("close", fd);
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_shutdown(struct syscall_backend *b, int fd, int how, int *err)
{
	F(b);
	rec("shutdown", fd)->a = how;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_setsockopt(struct syscall_backend *b, int fd, int level,
			 int name, const void *val, socklen_t len, int *err)
{
	struct fake_call *c = rec("setsockopt", fd);

	F(b);
	c->a = level;
	c->b = name;
	copy_in(c, val, len);
	c->len = len;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_getsockopt(struct syscall_backend *b, int fd, int level,
			 int name, void *val, socklen_t *len, int *err)
{
	struct fake_call *c = rec("getsockopt", fd);

	F(b);
	c->a = level;
	c->b = name;
	c->len = len ? *len : 0;
	c->null = val == NULL;
	return answer(pop(), val, len ? *len : 0, len, err);
}

static long f_getsockname(struct syscall_backend *b, int fd,
			  struct sockaddr *a, socklen_t *len, int *err)
{
	struct fake_call *c = rec("getsockname", fd);

	F(b);
	c->len = len ? *len : 0;
	return answer(pop(), a, len ? *len : 0, len, err);
}

static long f_fcntl(struct syscall_backend *b, int fd, int cmd, long arg,
		    int *err)
{
	struct fake_call *c = rec("fcntl", fd);

	F(b);
	c->a = cmd;
	c->b = arg;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_ioctl(struct syscall_backend *b, int fd, unsigned long req,
		    void *arg, int *err)
{
	struct fake_call *c = rec("ioctl", fd);

	F(b);
	c->a = (long)req;
	copy_in(c, arg, sizeof(int));
	return answer(pop(), arg, sizeof(int), NULL, err);
}

static long f_poll(struct syscall_backend *b, struct pollfd *fds, nfds_t n,
		   int timeout, int *err)
{
	struct fake_call *c = rec("poll", n ? fds[0].fd : -1);
	struct fake_reply *r = pop();
	nfds_t i;

	F(b);
	c->a = (long)n;
	c->b = timeout;
	c->c = n ? fds[0].events : 0;
	for (i = 0; i < n && i < 4; i++)
		fds[i].revents = r->revents[i];
	*err = r->err;
	return r->ret;
}

static long f_epoll_create(struct syscall_backend *b, int size, int *err)
{
	F(b);
	rec("epoll_create", -1)->a = size;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_epoll_ctl(struct syscall_backend *b, int epfd, int op, int fd,
			struct epoll_event *ev, int *err)
{
	struct fake_call *c = rec("epoll_ctl", epfd);

	F(b);
	c->a = op;
	c->b = fd;
	copy_in(c, ev, sizeof(*ev));
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_epoll_wait(struct syscall_backend *b, int epfd,
			 struct epoll_event *events, int max, int timeout,
			 int *err)
{
	struct fake_call *c = rec("epoll_wait", epfd);
	struct fake_reply *r = pop();

	F(b);
	c->a = max;
	c->b = timeout;
	memcpy(events, r->events,
	       (max < 2 ? (size_t)max : 2) * sizeof(*events));
	*err = r->err;
	return r->ret;
}

/* The iovecs' bytes, one after the other, into c->in. */
static void gather(struct fake_call *c, const struct iovec *iov, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t room = sizeof(c->in) - c->in_len;
		size_t k = iov[i].iov_len < room ? iov[i].iov_len : room;

		if (iov[i].iov_base)
			memcpy(c->in + c->in_len, iov[i].iov_base, k);
		c->in_len += k;
	}
}

static long f_sendmsg(struct syscall_backend *b, int fd,
		      const struct msghdr *m, int flags, int *err)
{
	struct fake_call *c = rec("sendmsg", fd);

	F(b);
	c->a = flags;
	c->b = (long)m->msg_iovlen;
	c->c = m->msg_flags;
	gather(c, m->msg_iov, m->msg_iovlen);
	c->len = m->msg_namelen;
	c->null = m->msg_name == NULL;
	c->control_len = m->msg_controllen < sizeof(c->control) ?
			 m->msg_controllen : sizeof(c->control);
	if (m->msg_control)
		memcpy(c->control, m->msg_control, c->control_len);
	return answer(pop(), NULL, 0, NULL, err);
}

/* Writes the reply's data into the first iovec, its flags and control
 * messages (as much as fits) into the msghdr.
 */
static long f_recvmsg(struct syscall_backend *b, int fd, struct msghdr *m,
		      int flags, int *err)
{
	struct fake_call *c = rec("recvmsg", fd);
	struct fake_reply *r = pop();

	F(b);
	c->a = flags;
	c->b = (long)m->msg_iovlen;
	c->c = (long)m->msg_controllen;
	c->null = m->msg_name == NULL;
	if (m->msg_iovlen && r->out_len)
		memcpy(m->msg_iov[0].iov_base, r->out,
		       r->out_len < m->msg_iov[0].iov_len ? r->out_len :
		       m->msg_iov[0].iov_len);
	m->msg_flags = r->msg_flags;
	if (r->control_len > m->msg_controllen) {
		m->msg_flags |= MSG_CTRUNC;
		r->control_len = m->msg_controllen;
	}
	if (r->control_len)
		memcpy(m->msg_control, r->control, r->control_len);
	m->msg_controllen = r->control_len;
	*err = r->err;
	return r->ret;
}

static long f_open(struct syscall_backend *b, const char *path, int flags,
		   mode_t mode, int *err)
{
	struct fake_call *c = rec("open", -1);

	F(b);
	copy_in(c, path, strlen(path) + 1);
	c->a = flags;
	c->b = mode;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_pipe(struct syscall_backend *b, int fds[2], int *err)
{
	F(b);
	rec("pipe", -1);
	return answer(pop(), fds, 2 * sizeof(int), NULL, err);
}

static long f_sendfile(struct syscall_backend *b, int out_fd, int in_fd,
		       off_t *offset, size_t count, int *err)
{
	struct fake_call *c = rec("sendfile", out_fd);

	F(b);
	c->a = in_fd;
	c->b = offset ? (long)*offset : -1;
	c->c = (long)count;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_splice(struct syscall_backend *b, int fd_in, loff_t *off_in,
		     int fd_out, loff_t *off_out, size_t len,
		     unsigned int flags, int *err)
{
	struct fake_call *c = rec("splice", fd_in);

	F(b);
	c->a = fd_out;
	c->b = (long)len;
	c->c = flags;
	c->null = off_in == NULL && off_out == NULL;
	return answer(pop(), NULL, 0, NULL, err);
}

static long f_cap_set(struct syscall_backend *b, int set, int cap, int on,
		      int *err)
{
	struct fake_call *c = rec("cap_set", -1);

	F(b);
	c->a = set;
	c->b = cap;
	c->c = on;
	return answer(pop(), NULL, 0, NULL, err);
}

static void f_destroy(struct syscall_backend *b)
{
	F(b);
}

static const struct syscall_backend_ops fake_ops = {
	.name = "fake",
	.socket = f_socket, .bind = f_bind, .listen = f_listen,
	.accept = f_accept, .accept4 = f_accept4, .connect = f_connect,
	.read = f_read, .readv = f_readv, .recv = f_recv,
	.recvfrom = f_recvfrom, .write = f_write, .writev = f_writev,
	.send = f_send, .sendto = f_sendto, .close = f_close,
	.shutdown = f_shutdown, .setsockopt = f_setsockopt,
	.getsockopt = f_getsockopt, .getsockname = f_getsockname,
	.getpeername = NULL,	/* a backend may lack calls */
	.fcntl = f_fcntl, .ioctl = f_ioctl, .poll = f_poll,
	.epoll_create = f_epoll_create, .epoll_ctl = f_epoll_ctl,
	.epoll_wait = f_epoll_wait, .sendmsg = f_sendmsg,
	.recvmsg = f_recvmsg, .open = f_open, .pipe = f_pipe,
	.sendfile = f_sendfile, .splice = f_splice, .cap_set = f_cap_set,
	.destroy = f_destroy,
};

/* ---- running lines ---- */

static struct net_plan plan;
static struct syscall_ctx ctx;
static struct error err;

static void setup(enum ip_version version)
{
	memset(&fake, 0, sizeof(fake));
	fake.base.ops = &fake_ops;
	plan_set_defaults(&plan);
	plan.ip_version = version;
	if (version == IP_VERSION_6) {
		ip_addr_parse("fd3d:a0b:17d6::1", &plan.local_ip);
		ip_addr_parse("fd3d:fa7b:d17d::1", &plan.remote_ip);
	}
	ctx.plan = &plan;
	ctx.backend = &fake.base;
	ctx.fds = fd_map_new();
	err.text[0] = '\0';
}

static void teardown(void)
{
	fd_map_free(ctx.fds);
	ctx.fds = NULL;
	arena_free();
}

static int run_line(struct syscall_spec *spec)
{
	struct syscall_run *run = NULL;
	int rc;

	err.text[0] = '\0';
	rc = syscall_prepare(&ctx, spec, &run, &err);
	if (rc != OUTCOME_OK)
		return rc;
	syscall_perform(run);
	rc = syscall_finish(&ctx, spec, run, &err);
	syscall_run_free(run);
	return rc;
}

/* socket(..., SOCK_STREAM, IPPROTO_TCP) = script_fd, live_fd from the
 * fake.
 */
static void open_socket(int script_fd, int live_fd)
{
	expect_reply(live_fd, 0);
	run_line(SPEC("socket", N(script_fd), NULL, 3, ELL(),
		      W("SOCK_STREAM"), W("IPPROTO_TCP")));
}

#define is_outcome(got, want, ...) tap_is_int(got, want, __VA_ARGS__)

/* run_line(), keeping what the call did (syscall_effects). */
static struct syscall_effects effects_of(struct syscall_spec *spec)
{
	struct syscall_effects fx = { .new_fd = -2 };
	struct syscall_run *run = NULL;

	if (syscall_prepare(&ctx, spec, &run, &err) != OUTCOME_OK)
		return fx;
	syscall_perform(run);
	if (syscall_finish(&ctx, spec, run, &err) == OUTCOME_OK)
		fx = *syscall_run_effects(run);
	syscall_run_free(run);
	return fx;
}

/* ---- tests ---- */

static void test_fd_mapping(void)
{
	int live = -1;
	struct fake_call *c;

	setup(IP_VERSION_4);
	expect_reply(7, 0);
	is_outcome(run_line(SPEC("socket", N(3), NULL, 3, ELL(),
				 W("SOCK_STREAM"), W("IPPROTO_TCP"))),
		   OUTCOME_OK, "socket() = 3 runs");
	c = last_call();
	tap_ok(c->a == AF_INET && c->b == SOCK_STREAM && c->c == IPPROTO_TCP,
	       "socket(..., ...) gets AF_INET from an IPv4 plan");
	tap_ok(fd_map_lookup(ctx.fds, 3, &live) && live == 7,
	       "script fd 3 maps to live fd 7");

	expect_reply(1000, 0);
	is_outcome(run_line(SPEC("read", N(1000), NULL, 3, N(3), ELL(),
				 N(1000))), OUTCOME_OK, "read(3, ...) runs");
	tap_ok(!strcmp(last_call()->name, "read") && last_call()->fd == 7 &&
	       last_call()->a == 1000,
	       "read(3, ..., 1000) reaches the backend as fd 7, 1000 bytes");

	is_outcome(run_line(SPEC("read", N(10), NULL, 3, AT(N(5), 3, 9),
				 ELL(), N(10))),
		   OUTCOME_BAD_SCRIPT, "a fd never opened is a script error");
	tap_is_str(err.text, "fd 5 is not open in this script",
		   "unknown fd message");

	open_socket(4, 9);
	tap_ok(fd_map_lookup(ctx.fds, 4, &live) && live == 9, "fd 4 -> 9");

	expect_reply(0, 0);
	is_outcome(run_line(SPEC("close", N(0), NULL, 1, N(3))), OUTCOME_OK,
		   "close(3) runs");
	tap_ok(last_call()->fd == 7, "close(3) closes live fd 7");
	tap_ok(!fd_map_lookup(ctx.fds, 3, &live), "close(3) unmaps 3");
	is_outcome(run_line(SPEC("close", N(0), NULL, 1, N(3))),
		   OUTCOME_BAD_SCRIPT, "closing 3 again is a script error");

	/* accept() = 5 maps the new descriptor; an fd the script did not
	 * expect (it wanted -1) is still tracked and closed at teardown.
	 */
	expect_reply(12, 0);
	is_outcome(run_line(SPEC("accept", N(5), NULL, 3, N(4), ELL(), ELL())),
		   OUTCOME_OK, "accept(4, ..., ...) = 5");
	tap_ok(fd_map_lookup(ctx.fds, 5, &live) && live == 12, "5 -> 12");
	tap_ok(last_call()->fd == 9 && !last_call()->null &&
	       last_call()->len == sizeof(struct sockaddr_storage),
	       "accept gets an address buffer for `...`");
	expect_reply(13, 0);
	is_outcome(run_line(SPEC("accept", N(-1), "EAGAIN", 3, N(4), ELL(),
				 ELL())),
		   OUTCOME_MISMATCH, "accept returning an fd when -1 expected");
	tap_is_str(err.text, "accept(4, ..., ...) returned 13, expected -1 "
		   "EAGAIN", "unexpected fd message");
	/* packetdrill lets a new descriptor take a number still in use. */
	open_socket(4, 11);
	tap_ok(fd_map_lookup(ctx.fds, 4, &live) && live == 11,
	       "socket() = 4 while 4 is open: 4 now names the new one (11)");
	tap_is_int(fd_map_script_fd(ctx.fds, 9), -1,
		   "the earlier descriptor stays, unnamed");
	fake.calls = 0;
	fd_map_close_all(ctx.fds, &fake.base);
	tap_is_int(fake.calls, 4,
		   "teardown closes 11, 12, the stray 13 and the unnamed 9");
	tap_ok(!fd_map_lookup(ctx.fds, 4, &live), "the map is empty");
	teardown();
}

/* What the runner follows comes from what a call did, not its name. */
static void test_effects(void)
{
	struct syscall_effects fx;

	setup(IP_VERSION_4);
	expect_reply(7, 0);
	fx = effects_of(SPEC("socket", N(3), NULL, 3, ELL(), W("SOCK_STREAM"),
			     W("IPPROTO_TCP")));
	tap_ok(fx.new_fd == 7 && fx.new_socket && fx.socket_created &&
	       !fx.bound_to_plan, "socket() = 3 made socket 7, a new one");
	expect_reply(0, 0);
	fx = effects_of(SPEC("bind", N(0), NULL, 3, N(3), ELL(), ELL()));
	tap_ok(fx.new_fd == -1 && !fx.new_socket && fx.bound_to_plan,
	       "bind(3, ..., ...) bound it to the plan's address");
	expect_reply(0, 0);
	fx = effects_of(SPEC("bind", N(0), NULL, 3, N(3),
			     ST(3, "sa_family", W("AF_INET"),
				"sin_port", CALL("htons", 1, N(8080)),
				"sin_addr", CALL("inet_addr", 1,
						 S("127.0.0.1"))),
			     ELL()));
	tap_ok(!fx.bound_to_plan, "a bind to an address written out is not "
	       "followed");
	expect_reply(12, 0);
	fx = effects_of(SPEC("accept", N(4), NULL, 3, N(3), ELL(), ELL()));
	tap_ok(fx.new_fd == 12 && fx.new_socket && !fx.socket_created,
	       "accept() = 4 made socket 12, a connection, not a new socket");
	expect_reply(5, 0);
	fx = effects_of(SPEC("epoll_create", N(5), NULL, 1, N(1)));
	tap_ok(fx.new_fd == 5 && !fx.new_socket,
	       "epoll_create() made a descriptor that is not a socket");
	expect_reply(-1, EMFILE);
	fx = effects_of(SPEC("socket", N(-1), "EMFILE", 3, ELL(),
			     W("SOCK_STREAM"), W("IPPROTO_TCP")));
	tap_ok(fx.new_fd == -1 && !fx.socket_created,
	       "a socket() that failed as expected made nothing");
	fd_map_close_all(ctx.fds, &fake.base);
	teardown();
}

static void test_plan_addresses(void)
{
	struct sockaddr_in want4;
	struct sockaddr_in6 want6;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	is_outcome(run_line(SPEC("bind", N(0), NULL, 3, N(3), ELL(), ELL())),
		   OUTCOME_OK, "bind(3, ..., ...)");
	memset(&want4, 0, sizeof(want4));
	want4.sin_family = AF_INET;
	want4.sin_port = htons(8080);
	want4.sin_addr.s_addr = htonl(INADDR_ANY);
	tap_ok(last_call()->len == sizeof(want4) &&
	       !memcmp(last_call()->in, &want4, sizeof(want4)),
	       "bind `...` is 0.0.0.0:8080 (bind_port), as packetdrill");

	expect_reply(-1, EINPROGRESS);
	is_outcome(run_line(SPEC("connect", N(-1), "EINPROGRESS", 3, N(3),
				 ELL(), ELL())),
		   OUTCOME_OK, "connect(3, ...) = -1 EINPROGRESS");
	want4.sin_addr.s_addr = inet_addr("192.0.2.1");
	tap_ok(last_call()->len == sizeof(want4) &&
	       !memcmp(last_call()->in, &want4, sizeof(want4)),
	       "connect `...` is remote_ip:connect_port");
	teardown();

	setup(IP_VERSION_4_MAPPED_6);
	expect_reply(7, 0);
	run_line(SPEC("socket", N(3), NULL, 3, ELL(), W("SOCK_STREAM"),
		      W("IPPROTO_TCP")));
	tap_ok(last_call()->a == AF_INET6,
	       "ipv4-mapped-ipv6 sockets are AF_INET6");
	run_line(SPEC("connect", N(0), NULL, 3, N(3), ELL(), ELL()));
	memset(&want6, 0, sizeof(want6));
	want6.sin6_family = AF_INET6;
	want6.sin6_port = htons(8080);
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &want6.sin6_addr);
	tap_ok(last_call()->len == sizeof(want6) &&
	       !memcmp(last_call()->in, &want6, sizeof(want6)),
	       "mapped connect is [::ffff:192.0.2.1]:8080");
	run_line(SPEC("bind", N(0), NULL, 3, N(3), ELL(), ELL()));
	memset(&want6.sin6_addr, 0, sizeof(want6.sin6_addr));
	tap_ok(last_call()->len == sizeof(want6) &&
	       !memcmp(last_call()->in, &want6, sizeof(want6)),
	       "mapped bind is [::]:8080");
	teardown();

	setup(IP_VERSION_6);
	plan.connect_port = 9090;
	open_socket(3, 7);
	run_line(SPEC("connect", N(0), NULL, 3, N(3), ELL(), ELL()));
	want6.sin6_port = htons(9090);
	inet_pton(AF_INET6, "fd3d:fa7b:d17d::1", &want6.sin6_addr);
	tap_ok(last_call()->len == sizeof(want6) &&
	       !memcmp(last_call()->in, &want6, sizeof(want6)),
	       "IPv6 connect is [remote_ip]:connect_port");
	teardown();
}

static void test_explicit_addresses(void)
{
	struct sockaddr_in want4;
	struct sockaddr_in6 want6;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	is_outcome(run_line(SPEC("connect", N(0), NULL, 3, N(3),
		   ST(3, "sa_family", W("AF_INET"),
		      "sin_port", CALL("htons", 1, N(6666)),
		      "sin_addr", CALL("inet_addr", 1, S("127.0.0.1"))),
		   N(16))), OUTCOME_OK, "connect to an explicit IPv4 address");
	memset(&want4, 0, sizeof(want4));
	want4.sin_family = AF_INET;
	want4.sin_port = htons(6666);
	inet_pton(AF_INET, "127.0.0.1", &want4.sin_addr);
	tap_ok(last_call()->len == 16 && last_call()->in_len == 16 &&
	       !memcmp(last_call()->in, &want4, sizeof(want4)),
	       "the IPv4 sockaddr arrives byte-exact");

	run_line(SPEC("bind", N(0), NULL, 3, N(3),
		      ST(3, "sa_family", W("AF_INET6"),
			 "sin6_port", CALL("htons", 1, N(8080)),
			 "sin6_addr", CALL("inet6_pton", 1, S("fd3d::1"))),
		      ELL()));
	memset(&want6, 0, sizeof(want6));
	want6.sin6_family = AF_INET6;
	want6.sin6_port = htons(8080);
	inet_pton(AF_INET6, "fd3d::1", &want6.sin6_addr);
	tap_ok(last_call()->len == sizeof(want6) &&
	       !memcmp(last_call()->in, &want6, sizeof(want6)),
	       "the IPv6 sockaddr arrives byte-exact, `...` length 28");

	run_line(SPEC("bind", N(0), NULL, 3, N(3),
		      ST(3, "sa_family", W("AF_INET6"),
			 "sin_port", CALL("htons", 1, N(8080)),
			 "sin_addr", CALL("inet_addr", 1, S("fd3d::1"))),
		      ELL()));
	tap_ok(last_call()->len == sizeof(want6) &&
	       !memcmp(last_call()->in, &want6, sizeof(want6)),
	       "packetdrill's spelling (sin_port, inet_addr) works for IPv6");

	run_line(SPEC("sendto", N(-1), "EOPNOTSUPP", 6, N(3), ELL(), N(10),
		      W("MSG_FASTOPEN"), W("AF_UNSPEC"), ELL()));
	tap_ok(last_call()->b == MSG_FASTOPEN &&
	       last_call()->len == sizeof(struct sockaddr_storage) &&
	       ((struct sockaddr *)last_call()->in)->sa_family == AF_UNSPEC,
	       "sendto(..., AF_UNSPEC, ...) passes a bare AF_UNSPEC");

	is_outcome(run_line(SPEC("connect", N(0), NULL, 3, N(3),
		   ST(2, "sa_family", W("AF_INET"),
		      "sin_port", AT(N(80), 2, 30)), ELL())),
		   OUTCOME_BAD_SCRIPT, "a bare port number is refused");
	tap_is_str(err.text, "write the port as htons(N)", "port message");
	teardown();
}

static void test_setsockopt(void)
{
	struct linger l;
	int32_t v;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	is_outcome(run_line(SPEC("setsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_REUSEADDR"),
				 ARR(1, N(1)), N(4))),
		   OUTCOME_OK, "setsockopt SO_REUSEADDR [1], 4");
	memcpy(&v, last_call()->in, sizeof(v));
	tap_ok(last_call()->fd == 7 && last_call()->a == SOL_SOCKET &&
	       last_call()->b == SO_REUSEADDR && last_call()->len == 4 &&
	       v == 1, "level, name, value 1 and length 4 arrive");

	run_line(SPEC("setsockopt", N(0), NULL, 5, N(3), W("SOL_TCP"),
		      W("TCP_NOTSENT_LOWAT"), ARR(1, HEX(0xffffffff)), ELL()));
	memcpy(&v, last_call()->in, sizeof(v));
	tap_ok(last_call()->len == 4 && v == -1,
	       "[0xffffffff] with `...` length: 4 bytes of all ones");

	run_line(SPEC("setsockopt", N(0), NULL, 5, N(3), W("SOL_SOCKET"),
		      W("SO_LINGER"),
		      ST(2, "onoff", N(1), "linger", N(0)), ELL()));
	memcpy(&l, last_call()->in, sizeof(l));
	tap_ok(last_call()->len == sizeof(l) && l.l_onoff == 1 &&
	       l.l_linger == 0, "{onoff=1, linger=0} is a struct linger");

	run_line(SPEC("setsockopt", N(0), NULL, 5, N(3), W("SOL_TCP"),
		      W("TCP_CONGESTION"), S("reno"), ELL()));
	tap_ok(last_call()->len == 4 && !memcmp(last_call()->in, "reno", 4),
	       "a string value with `...` length is its bytes");

	expect_reply(-1, EINVAL);
	is_outcome(run_line(SPEC("setsockopt", N(-1), NULL, 5, N(3),
				 W("SOL_TCP"), W("TCP_FASTOPEN_KEY"), S(""),
				 N(3))),
		   OUTCOME_OK, "\"\" with length 3 = -1 (no errno named)");
	tap_ok(last_call()->len == 3 && last_call()->in_len == 3 &&
	       !memcmp(last_call()->in, "\0\0\0", 3),
	       "the given length is passed, padded with zeros");

	run_line(SPEC("setsockopt", N(0), NULL, 5, N(3), W("SOL_SOCKET"),
		      W("SO_TIMESTAMPING"),
		      ARR(1, OR(W("SOF_TIMESTAMPING_TX_ACK"),
				W("SOF_TIMESTAMPING_OPT_ID"))), N(4)));
	memcpy(&v, last_call()->in, sizeof(v));
	tap_ok(v == (SOF_TIMESTAMPING_TX_ACK | SOF_TIMESTAMPING_OPT_ID),
	       "[A|B] is evaluated");
	teardown();
}

static void test_getsockopt(void)
{
	struct fake_reply *r;
	int32_t v = 111;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	r = expect_reply(0, 0);
	memcpy(r->out, &v, 4);
	r->out_len = 4;
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_ERROR"),
				 ARR(1, N(0)), ARR(1, N(4)))),
		   OUTCOME_MISMATCH, "SO_ERROR 111 where 0 is expected");
	tap_is_str(err.text, "getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]): "
		   "optval is 111, expected 0", "optval mismatch message");
	tap_ok(last_call()->len == 4 && last_call()->fd == 7,
	       "the call gets a 4-byte buffer");

	r = expect_reply(0, 0);
	memcpy(r->out, &v, 4);
	r->out_len = 4;
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_ERROR"),
				 ARR(1, W("ECONNREFUSED")), ARR(1, N(4)))),
		   OUTCOME_OK, "[ECONNREFUSED] matches 111");

	r = expect_reply(0, 0);
	r->set_len = true;
	r->out_socklen = 8;
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_TCP"), W("TCP_MAXSEG"),
				 ARR(1, N(0)), ARR(1, N(4)))),
		   OUTCOME_MISMATCH, "optlen 8 where 4 is expected");
	tap_is_str(err.text, "getsockopt(3, SOL_TCP, TCP_MAXSEG, [0], [4]): "
		   "optlen is 8, expected 4", "optlen mismatch message");

	r = expect_reply(0, 0);
	v = 4000;
	memcpy(r->out, &v, 4);
	r->out_len = 4;
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_TCP"), W("TCP_NOTSENT_LOWAT"),
				 ARR(1, HEX(0xffffffff)), ARR(1, N(4)))),
		   OUTCOME_MISMATCH, "hex expectation");
	tap_is_str(err.text, "getsockopt(3, SOL_TCP, TCP_NOTSENT_LOWAT, "
		   "[0xffffffff], [4]): optval is 0xfa0, expected 0xffffffff",
		   "hex values are shown in hex");

	r = expect_reply(0, 0);
	memcpy(r->out, "cubic\0\0\0", 8);
	r->out_len = 8;
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_TCP"), W("TCP_CONGESTION"),
				 S("reno"), ELL())),
		   OUTCOME_MISMATCH, "string option mismatch");
	tap_is_str(err.text, "getsockopt(3, SOL_TCP, TCP_CONGESTION, "
		   "\"reno\", ...): optval is \"cubic\", expected \"reno\"",
		   "string mismatch message");
	tap_ok(last_call()->len == 512, "`...` length gives a 512-byte buffer");

	r = expect_reply(0, 0);
	memcpy(r->out, "reno", 5);
	r->out_len = 5;
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_TCP"), W("TCP_CONGESTION"),
				 S("reno"), ELL())),
		   OUTCOME_OK, "NUL-terminated \"reno\" matches");

	expect_reply(-1, ENOPROTOOPT);
	is_outcome(run_line(SPEC("getsockopt", N(-1), "ENOPROTOOPT", 5, N(3),
				 W("SOL_TCP"), N(999), ARR(1, N(0)),
				 ARR(1, N(4)))),
		   OUTCOME_OK, "outputs are not compared when the call fails");
	teardown();
}

static void test_results(void)
{
	setup(IP_VERSION_4);
	open_socket(3, 7);
	open_socket(4, 8);
	expect_reply(-1, ECONNRESET);
	is_outcome(run_line(SPEC("read", N(1000), NULL, 3, N(4), ELL(),
				 N(1000))),
		   OUTCOME_MISMATCH, "read reset");
	tap_is_str(err.text, "read(4, ..., 1000) returned -1 ECONNRESET "
		   "(Connection reset by peer), expected 1000",
		   "errno where a count was expected");

	expect_reply(0, 0);
	is_outcome(run_line(SPEC("connect", N(-1), "EINPROGRESS", 3, N(3),
				 ELL(), ELL())),
		   OUTCOME_MISMATCH, "connect succeeded");
	tap_is_str(err.text, "connect(3, ..., ...) returned 0, expected -1 "
		   "EINPROGRESS", "success where an errno was expected");

	expect_reply(-1, ECONNREFUSED);
	is_outcome(run_line(SPEC("connect", N(-1), "ETIMEDOUT", 3, N(3),
				 ELL(), ELL())),
		   OUTCOME_MISMATCH, "connect refused");
	tap_is_str(err.text, "connect(3, ..., ...) returned -1 ECONNREFUSED "
		   "(Connection refused), expected -1 ETIMEDOUT",
		   "wrong errno");

	expect_reply(-1, EAGAIN);
	is_outcome(run_line(SPEC("read", N(-1), "EAGAIN", 3, N(4), ELL(),
				 N(10))), OUTCOME_OK, "-1 EAGAIN matches");
	expect_reply(-1, EPIPE);
	is_outcome(run_line(SPEC("write", N(-1), NULL, 3, N(4), ELL(),
				 N(10))), OUTCOME_OK,
		   "-1 without errno matches any errno");
	expect_reply(3, 0);
	is_outcome(run_line(SPEC("read", ELL(), NULL, 3, N(4), ELL(),
				 N(10))), OUTCOME_OK, "`= ...` is not checked");

	expect_reply(2, 0);
	is_outcome(run_line(SPEC("fcntl", HEX(0x802), NULL, 2, N(3),
				 W("F_GETFL"))),
		   OUTCOME_MISMATCH, "F_GETFL flags differ");
	tap_is_str(err.text, "fcntl(3, F_GETFL) returned 0x2, expected 0x802",
		   "hex result shown in hex");
	tap_ok(last_call()->a == F_GETFL && last_call()->b == 0,
	       "fcntl with two arguments passes 0");

	expect_reply(0, 0);
	is_outcome(run_line(SPEC("fcntl", N(0), NULL, 3, N(3), W("F_SETFL"),
				 OR(W("O_RDWR"), W("O_NONBLOCK")))),
		   OUTCOME_OK, "fcntl F_SETFL O_RDWR|O_NONBLOCK");
	tap_ok(last_call()->a == F_SETFL &&
	       last_call()->b == (O_RDWR | O_NONBLOCK),
	       "the flags arrive or-ed");

	expect_reply(0, 0);
	run_line(SPEC("shutdown", N(0), NULL, 2, N(3), W("SHUT_WR")));
	tap_ok(!strcmp(last_call()->name, "shutdown") &&
	       last_call()->a == SHUT_WR, "shutdown(3, SHUT_WR)");
	run_line(SPEC("listen", N(0), NULL, 2, N(3), N(1)));
	tap_ok(last_call()->fd == 7 && last_call()->a == 1, "listen(3, 1)");
	teardown();
}

static void test_data(void)
{
	struct fake_reply *r;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	expect_reply(3, 0);
	run_line(SPEC("write", N(3), NULL, 3, N(3), S("abc"), N(3)));
	tap_ok(last_call()->in_len == 3 && !memcmp(last_call()->in, "abc", 3),
	       "write(3, \"abc\", 3) sends abc");
	expect_reply(5, 0);
	run_line(SPEC("write", N(5), NULL, 3, N(3), ELL(), N(5)));
	tap_ok(last_call()->in_len == 5 &&
	       !memcmp(last_call()->in, "\0\0\0\0\0", 5),
	       "write(3, ..., 5) sends 5 zero bytes");
	expect_reply(-1, EFAULT);
	is_outcome(run_line(SPEC("write", N(-1), "EFAULT", 3, N(3), W("NULL"),
				 N(1000))), OUTCOME_OK, "write(3, NULL, ...)");
	tap_ok(last_call()->null, "NULL is passed as a null pointer");

	r = expect_reply(3, 0);
	memcpy(r->out, "abd", 3);
	r->out_len = 3;
	is_outcome(run_line(SPEC("read", N(3), NULL, 3, N(3), S("abc"),
				 N(3))), OUTCOME_MISMATCH, "read other bytes");
	tap_is_str(err.text, "read(3, \"abc\", 3): data is \"abd\", "
		   "expected \"abc\"", "data mismatch message");
	r = expect_reply(3, 0);
	memcpy(r->out, "abc", 3);
	r->out_len = 3;
	is_outcome(run_line(SPEC("read", N(3), NULL, 3, N(3), S("abc"),
				 N(3))), OUTCOME_OK, "read the right bytes");

	expect_reply(10, 0);
	run_line(SPEC("send", N(10), NULL, 4, N(3), ELL(), N(10),
		      W("MSG_ZEROCOPY")));
	tap_ok(last_call()->b == MSG_ZEROCOPY && last_call()->a == 10,
	       "send flags");
	expect_reply(10, 0);
	run_line(SPEC("recv", N(10), NULL, 4, N(3), ELL(), N(10),
		      W("MSG_PEEK")));
	tap_ok(last_call()->b == MSG_PEEK, "recv flags");
	expect_reply(0, 0);
	run_line(SPEC("recvfrom", N(0), NULL, 6, N(3), ELL(), N(10), N(0),
		      ELL(), ELL()));
	tap_ok(!strcmp(last_call()->name, "recvfrom") && !last_call()->null,
	       "recvfrom gets an address buffer");

	expect_reply(6, 0);
	run_line(SPEC("writev", N(6), NULL, 3, N(3),
		      ARR(2, ST(2, NULL, S("ab"), NULL, N(2)),
			  ST(2, "iov_base", ELL(), "iov_len", N(4))), N(2)));
	tap_ok(last_call()->a == 2 && last_call()->in_len == 6 &&
	       !memcmp(last_call()->in, "ab\0\0\0\0", 6),
	       "writev([{\"ab\", 2}, {..., 4}], 2)");
	is_outcome(run_line(SPEC("writev", N(6), NULL, 3, N(3),
				 ARR(1, ST(2, NULL, ELL(), NULL, N(2))),
				 N(2))),
		   OUTCOME_BAD_SCRIPT, "iovcnt must match the array");
	tap_is_str(err.text, "iovcnt 2 does not match the 1-element iovec "
		   "array", "iovcnt message");
	r = expect_reply(4, 0);
	memcpy(r->out, "wxyz", 4);
	r->out_len = 4;
	is_outcome(run_line(SPEC("readv", N(4), NULL, 3, N(3),
				 ARR(1, ST(2, NULL, S("wxyz"), NULL, N(8))),
				 N(1))), OUTCOME_OK, "readv compares data");
	tap_is_int(last_call()->b, 8, "readv's iovec has 8 bytes");
	teardown();
}

static void test_ioctl_poll(void)
{
	struct fake_reply *r;
	int32_t v = 0, in;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	r = expect_reply(0, 0);
	memcpy(r->out, &v, 4);
	r->out_len = 4;
	is_outcome(run_line(SPEC("ioctl", N(0), NULL, 3, N(3), W("SIOCINQ"),
				 ARR(1, N(1000)))),
		   OUTCOME_MISMATCH, "SIOCINQ 0 where 1000 is expected");
	tap_is_str(err.text, "ioctl(3, SIOCINQ, [1000]): value is 0, "
		   "expected 1000", "ioctl mismatch message");
	memcpy(&in, last_call()->in, 4);
	tap_ok(last_call()->a == SIOCINQ && in == 1000,
	       "the int starts as the script's value (for FIONBIO)");

	r = expect_reply(1, 0);
	r->revents[0] = POLLOUT | POLLERR;
	is_outcome(run_line(SPEC("poll", N(1), NULL, 3,
		   ARR(1, ST(3, "fd", N(3),
			     "events", OR(W("POLLIN"), W("POLLOUT")),
			     "revents", W("POLLOUT"))), N(1), N(100))),
		   OUTCOME_MISMATCH, "poll revents differ");
	tap_is_str(err.text, "poll([{fd=3, events=POLLIN|POLLOUT, "
		   "revents=POLLOUT}], 1, 100): revents for fd 3 is "
		   "POLLOUT|POLLERR, expected POLLOUT", "poll message");
	tap_ok(last_call()->fd == 7 && last_call()->c == (POLLIN | POLLOUT) &&
	       last_call()->b == 100, "poll gets live fd, events, timeout");
	r = expect_reply(1, 0);
	r->revents[0] = POLLOUT;
	is_outcome(run_line(SPEC("poll", N(1), NULL, 3,
		   ARR(1, ST(3, "fd", N(3), "events", W("POLLOUT"),
			     "revents", W("POLLOUT"))), N(1), N(100))),
		   OUTCOME_OK, "poll revents match");
	teardown();
}

static void test_epoll(void)
{
	struct fake_reply *r;
	struct epoll_event ev;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	expect_reply(20, 0);
	is_outcome(run_line(SPEC("epoll_create", N(5), NULL, 1, N(1))),
		   OUTCOME_OK, "epoll_create(1) = 5");
	run_line(SPEC("epoll_ctl", N(0), NULL, 4, N(5), W("EPOLL_CTL_ADD"),
		      N(3), ST(2, "events", OR(W("EPOLLIN"), W("EPOLLET")),
			       "fd", N(3))));
	memcpy(&ev, last_call()->in, sizeof(ev));
	tap_ok(last_call()->fd == 20 && last_call()->b == 7 &&
	       ev.events == (EPOLLIN | EPOLLET) && ev.data.fd == 7,
	       "epoll_ctl maps both fds and the event's fd");

	r = expect_reply(1, 0);
	r->events[0].events = EPOLLIN;
	r->events[0].data.fd = 7;
	is_outcome(run_line(SPEC("epoll_wait", N(1), NULL, 4, N(5),
				 ST(2, "events", W("EPOLLOUT"), "fd", N(3)),
				 N(1), N(0))),
		   OUTCOME_MISMATCH, "epoll events differ");
	tap_is_str(err.text, "epoll_wait(5, {events=EPOLLOUT, fd=3}, 1, 0): "
		   "event 0 events is EPOLLIN, expected EPOLLOUT",
		   "epoll events message");
	r = expect_reply(1, 0);
	r->events[0].events = EPOLLOUT;
	r->events[0].data.fd = 20;
	run_line(SPEC("epoll_wait", N(1), NULL, 4, N(5),
		      ST(2, "events", W("EPOLLOUT"), "fd", N(3)), N(1), N(0)));
	tap_is_str(err.text, "epoll_wait(5, {events=EPOLLOUT, fd=3}, 1, 0): "
		   "event 0 is for fd 5, expected fd 3", "epoll fd message");
	expect_reply(0, 0);
	is_outcome(run_line(SPEC("epoll_wait", N(0), NULL, 4, N(5),
				 ST(2, "events", N(0), "ptr", N(0)), N(1),
				 N(0))), OUTCOME_OK,
		   "no events: nothing to compare");
	teardown();
}

static void test_getsockname(void)
{
	struct sockaddr_in sin;
	struct fake_reply *r;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(40000);
	sin.sin_addr.s_addr = inet_addr("192.168.0.1");
	r = expect_reply(0, 0);
	memcpy(r->out, &sin, sizeof(sin));
	r->out_len = sizeof(sin);
	r->set_len = true;
	r->out_socklen = sizeof(sin);
	is_outcome(run_line(SPEC("getsockname", N(0), NULL, 3, N(3),
		   ST(3, "sa_family", W("AF_INET"),
		      "sin_port", CALL("htons", 1, N(8080)),
		      "sin_addr", CALL("inet_addr", 1, S("192.168.0.1"))),
		   ARR(1, N(16)))), OUTCOME_MISMATCH, "other port");
	tap_is_str(err.text, "getsockname(3, {sa_family=AF_INET, "
		   "sin_port=htons(8080), sin_addr=inet_addr(\"192.168.0.1\")}"
		   ", [16]): address is 192.168.0.1:40000, expected "
		   "{sa_family=AF_INET, sin_port=htons(8080), "
		   "sin_addr=inet_addr(\"192.168.0.1\")}", "address message");
	r = expect_reply(0, 0);
	memcpy(r->out, &sin, sizeof(sin));
	r->out_len = sizeof(sin);
	r->set_len = true;
	r->out_socklen = sizeof(sin);
	is_outcome(run_line(SPEC("getsockname", N(0), NULL, 3, N(3),
		   ST(3, "sa_family", W("AF_INET"), "sin_port", ELL(),
		      "sin_addr", CALL("inet_addr", 1, S("192.168.0.1"))),
		   ARR(1, N(16)))), OUTCOME_OK, "a `...` port is not compared");

	is_outcome(run_line(SPEC("getpeername", N(0), NULL, 3, N(3), ELL(),
				 ELL())),
		   OUTCOME_ENVIRONMENT, "a call the backend lacks");
	tap_is_str(err.text, "the fake backend does not support getpeername()",
		   "missing call message");
	teardown();
}

/* validate() on one line; returns the diagnostics as "line:col: msg". */
static const char *validate(struct syscall_spec *spec, int *status)
{
	static char out[1024];
	struct diag_list diags;
	size_t len = 0;
	int i;

	diag_list_init(&diags, "t.pkt");
	*status = syscall_validate(spec, &diags);
	out[0] = '\0';
	for (i = 0; i < diags.count; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len,
					"%s%d:%d: %s", i ? " | " : "",
					diags.items[i].loc.line,
					diags.items[i].loc.column,
					diags.items[i].message);
	diag_list_free(&diags);
	return out;
}

static void test_validate(void)
{
	struct syscall_spec *spec;
	int status;

	setup(IP_VERSION_4);
	tap_is_str(validate(SPEC("socket", N(3), NULL, 3, ELL(),
				 W("SOCK_STREAM"), W("IPPROTO_TCP")), &status),
		   "", "a good line has no diagnostics");
	tap_is_int(status, 0, "and validate() returns 0");

	tap_is_str(validate(SPEC("conect", N(0), NULL, 3, N(3), ELL(), ELL()),
			    &status),
		   "7:4: unknown system call 'conect'; did you mean "
		   "'connect'?", "unknown call, with a suggestion");
	tap_is_int(status, -1, "validate() returns -1");
	tap_is_str(validate(SPEC("frobnicate", N(0), NULL, 0), &status),
		   "7:4: unknown system call 'frobnicate'",
		   "unknown call, nothing close");
	tap_is_str(validate(SPEC("psp_rx_assoc", N(0), NULL, 0), &status),
		   "7:4: system call 'psp_rx_assoc' is not supported yet",
		   "a packetdrill call not implemented yet");
	tap_is_str(validate(SPEC("read", N(0), NULL, 2, N(3), ELL()),
			    &status),
		   "7:4: read expects 3 arguments, got 2", "argument count");
	tap_is_str(validate(SPEC("fcntl", N(0), NULL, 1, N(3)), &status),
		   "7:4: fcntl expects 2 to 3 arguments, got 1",
		   "argument count range");
	tap_is_str(validate(SPEC("close", N(0), NULL, 2, N(3), N(4)),
			    &status),
		   "7:4: close expects 1 argument, got 2", "singular");

	tap_is_str(validate(SPEC("setsockopt", N(0), NULL, 5, N(3),
				 AT(W("SOL_SOCKET"), 7, 19),
				 AT(W("SO_REUSEADR"), 7, 31), ARR(1, N(1)),
				 N(4)), &status),
		   "7:31: unknown symbol 'SO_REUSEADR'; did you mean "
		   "'SO_REUSEADDR'?", "unknown symbol, located");
	tap_is_str(validate(SPEC("fcntl", N(0), NULL, 3, N(3),
				 AT(W("F_SETFLL"), 7, 14),
				 OR(W("O_RDWR"), AT(W("O_NOBLOCK"), 7, 30))),
			    &status),
		   "7:14: unknown symbol 'F_SETFLL'; did you mean 'F_SETFL'? | "
		   "7:30: unknown symbol 'O_NOBLOCK'; did you mean "
		   "'O_NONBLOCK'?", "every unknown symbol is reported");
	tap_is_str(validate(SPEC("connect", N(-1), "EINPROGRES", 3, N(3),
				 ELL(), ELL()), &status),
		   "7:40: unknown errno name 'EINPROGRES'; did you mean "
		   "'EINPROGRESS'?", "unknown errno name");
	tap_is_str(validate(SPEC("connect", N(0), "EAGAIN", 3, N(3), ELL(),
				 ELL()), &status),
		   "7:40: errno EAGAIN needs the result -1",
		   "errno with a non -1 result");
	tap_is_str(validate(SPEC("connect", N(0), NULL, 3, N(3),
				 ST(2, "sa_family", W("AF_INET"), "sin_port",
				    CALL("htonz", 1, N(80))), ELL()),
			    &status),
		   "1:1: unknown function 'htonz'; did you mean 'htons'?",
		   "unknown function");
	tap_is_str(validate(SPEC("setsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_REUSEADDR"),
				 AT(N(1), 7, 40), N(4)), &status),
		   "7:40: write the option value in brackets: [1]",
		   "value shape is checked");
	tap_is_str(validate(SPEC("read", N(0), NULL, 3, N(3),
				 AT(ARR(0), 7, 12), N(10)), &status),
		   "7:12: expected ..., NULL or a string, found an array",
		   "buffer shape is checked");
	tap_is_str(validate(SPEC("socket", AT(N(-2), 7, 50), NULL, 3, ELL(),
				 W("SOCK_STREAM"), W("IPPROTO_TCP")), &status),
		   "7:50: expected a descriptor number or -1 as the result "
		   "of socket", "new-fd result shape");
	spec = SPEC("read", N(10), NULL, 3, N(9), ELL(), N(10));
	tap_is_str(validate(spec, &status), "",
		   "validate does not need the fd to be open");
	tap_is_int(fake.calls, 0, "validate calls nothing");
	teardown();
}

static void test_format(void)
{
	char buf[256];

	setup(IP_VERSION_4);
	syscall_format_call(SPEC("read", N(0), NULL, 3, N(4), ELL(),
				 N(1000)), buf, sizeof(buf));
	tap_is_str(buf, "read(4, ..., 1000)", "format read");
	syscall_format_call(SPEC("setsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_LINGER"),
				 ST(2, "onoff", N(1), "linger", N(0)),
				 ELL()), buf, sizeof(buf));
	tap_is_str(buf, "setsockopt(3, SOL_SOCKET, SO_LINGER, "
		   "{onoff=1, linger=0}, ...)", "format struct");
	syscall_format_call(SPEC("write", N(0), NULL, 3, N(4),
				 SN("a\"\x01", 3), HEX(0x10)), buf,
			    sizeof(buf));
	tap_is_str(buf, "write(4, \"a\\\"\\x01\", 0x10)",
		   "format strings with escapes, hex");
	syscall_format_call(SPEC("read", N(0), NULL, 3, N(4), ELL(),
				 N(1000)), buf, 8);
	tap_is_str(buf, "read(4,", "format truncates to the buffer");
	tap_ok(syscall_may_block(SPEC("accept", N(0), NULL, 0)) &&
	       !syscall_may_block(SPEC("setsockopt", N(0), NULL, 0)) &&
	       syscall_may_block(SPEC("nosuchcall", N(0), NULL, 0)),
	       "may_block: accept yes, setsockopt no, unknown yes");
	teardown();
}


/* ---- sendmsg, recvmsg ---- */

/* {msg_name(...)=..., msg_iov(count)=iov, msg_flags=flags[,
 *  msg_control=control]}
 */
static struct expr *MSG(int count, struct expr *iov, struct expr *flags,
			struct expr *control)
{
	struct expr *m = control ?
		ST(4, "msg_name", ELL(), "msg_iov", iov, "msg_flags", flags,
		   "msg_control", control) :
		ST(3, "msg_name", ELL(), "msg_iov", iov, "msg_flags", flags);

	IDX(m, 0, ELL());
	return IDX(m, 1, N(count));
}

static struct expr *CMSG(struct expr *level, struct expr *type,
			 struct expr *data)
{
	return ST(3, "cmsg_level", level, "cmsg_type", type, "cmsg_data",
		  data);
}

static struct expr *EE(struct expr *err, struct expr *origin,
		       struct expr *info, struct expr *data)
{
	return ST(6, "ee_errno", err, "ee_origin", origin, "ee_type", N(0),
		  "ee_code", N(0), "ee_info", info, "ee_data", data);
}

/* Append one control message to what the fake's recvmsg returns. */
static void reply_cmsg(struct fake_reply *r, int level, int type,
		       const void *data, size_t len)
{
	struct cmsghdr *h = (struct cmsghdr *)(r->control + r->control_len);

	h->cmsg_level = level;
	h->cmsg_type = type;
	h->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(h), data, len);
	r->control_len += CMSG_SPACE(len);
}

static bool ends_with(const char *text, const char *tail)
{
	size_t n = strlen(text), k = strlen(tail);

	if (n < k || strcmp(text + n - k, tail)) {
		tap_diag("got: %s", text);
		return false;
	}
	return true;
}

static void test_sendmsg(void)
{
	struct cmsghdr *h;
	int32_t tos;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	expect_reply(5, 0);
	is_outcome(run_line(SPEC("sendmsg", N(5), NULL, 3, N(3),
				 MSG(2, ARR(2, ST(2, NULL, S("ab"), NULL, N(2)),
					    ST(2, NULL, ELL(), NULL, N(3))),
				     N(0), NULL),
				 W("MSG_FASTOPEN"))),
		   OUTCOME_OK, "sendmsg with two iovecs runs");
	tap_ok(last_call()->fd == 7 && last_call()->a == MSG_FASTOPEN &&
	       last_call()->b == 2, "sendmsg gets the fd, flags, 2 iovecs");
	tap_ok(last_call()->in_len == 5 &&
	       !memcmp(last_call()->in, "ab\0\0\0", 5),
	       "the iovecs carry \"ab\" then 3 zero bytes");
	tap_ok(!last_call()->null &&
	       last_call()->len == sizeof(struct sockaddr_in),
	       "msg_name `...` is the remote address (for MSG_FASTOPEN)");
	tap_ok(last_call()->control_len == 0, "no msg_control, none sent");

	expect_reply(1, 0);
	is_outcome(run_line(SPEC("sendmsg", N(1), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL, N(1))),
				     N(0), ARR(1, CMSG(W("SOL_IP"), W("IP_TOS"),
						       HEX(0x10)))),
				 N(0))), OUTCOME_OK, "sendmsg with a cmsg");
	h = (struct cmsghdr *)last_call()->control;
	memcpy(&tos, CMSG_DATA(h), sizeof(tos));
	tap_ok(last_call()->control_len == CMSG_SPACE(sizeof(int)) &&
	       h->cmsg_level == SOL_IP && h->cmsg_type == IP_TOS &&
	       h->cmsg_len == CMSG_LEN(sizeof(int)) && tos == 0x10,
	       "the control message is SOL_IP IP_TOS with the int 0x10");

	is_outcome(run_line(SPEC("sendmsg", N(1), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL, N(1))),
				     AT(W("MSG_MORE"), 7, 30), NULL), N(0))),
		   OUTCOME_BAD_SCRIPT, "sendmsg's msg_flags must be 0");
	tap_is_str(err.text, "sendmsg does not read msg_flags (the flags are "
		   "its third argument): write msg_flags=0",
		   "msg_flags message");
	is_outcome(run_line(SPEC("sendmsg", N(1), NULL, 3, N(3),
				 MSG(2, ARR(1, ST(2, NULL, ELL(), NULL, N(1))),
				     N(0), NULL), N(0))),
		   OUTCOME_BAD_SCRIPT, "msg_iov(2) with one iovec");
	tap_is_str(err.text, "msg_iov count 2 does not match the 1-element "
		   "iovec array", "msg_iov count message");
	teardown();
}

/* recvmsg(3, {... msg_iov(1)=[{..., 0}], msg_flags=0,
 * msg_control=[cmsg]}, MSG_ERRQUEUE) = 0
 */
static int recv_errqueue(struct expr *cmsg)
{
	return run_line(SPEC("recvmsg", N(0), NULL, 3, N(3),
			     MSG(1, ARR(1, ST(2, NULL, ELL(), NULL, N(0))),
				 N(0), ARR(1, cmsg)),
			     W("MSG_ERRQUEUE")));
}

/* {cmsg_level=SOL_SOCKET, cmsg_type=SCM_TIMESTAMPING,
 *  cmsg_data={scm_sec=0, scm_nsec=nsec}}
 */
static struct expr *stamp(int64_t nsec)
{
	return CMSG(W("SOL_SOCKET"), W("SCM_TIMESTAMPING"),
		    ST(2, "scm_sec", N(0), "scm_nsec", N(nsec)));
}

/* The run played script time 20 ms from 22 to 24 ms. */
static void played_late(const void *timeline, int64_t script_us,
			int64_t *lo, int64_t *hi)
{
	(void)timeline;
	*lo = script_us + 2000;
	*hi = script_us + 4000;
}

static void test_recvmsg(void)
{
	struct expr *inq = ARR(1, CMSG(W("SOL_TCP"), W("TCP_CM_INQ"),
				       N(9000)));
	const size_t ee4 = sizeof(struct sock_extended_err) +
			   sizeof(struct sockaddr_in);
	unsigned char data[sizeof(struct sock_extended_err) +
			   sizeof(struct sockaddr_in6)];
	struct sock_extended_err ee;
	struct scm_timestamping ts;
	struct fake_reply *r;
	char tail[256];
	int32_t v;

	setup(IP_VERSION_4);
	open_socket(3, 7);
	r = expect_reply(1000, 0);
	v = 9000;
	reply_cmsg(r, SOL_TCP, TCP_CM_INQ, &v, sizeof(v));
	is_outcome(run_line(SPEC("recvmsg", N(1000), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL,
						  N(1000))), N(0), inq),
				 N(0))),
		   OUTCOME_OK, "recvmsg with the TCP_CM_INQ expected");
	tap_ok(last_call()->b == 1 && !last_call()->null &&
	       last_call()->c == (long)CMSG_SPACE(sizeof(int)),
	       "one iovec, a name buffer, room for exactly one int cmsg");

	r = expect_reply(1000, 0);
	v = 8000;
	reply_cmsg(r, SOL_TCP, TCP_CM_INQ, &v, sizeof(v));
	is_outcome(run_line(SPEC("recvmsg", N(1000), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL,
						  N(1000))), N(0), inq),
				 N(0))),
		   OUTCOME_MISMATCH, "another TCP_CM_INQ value");
	tap_ok(ends_with(err.text, "): control message 0 (TCP_CM_INQ) data "
			 "is 8000, expected 9000"), "int data message");

	r = expect_reply(1000, 0);
	reply_cmsg(r, SOL_TCP, TCP_CM_INQ, &v, sizeof(v));
	reply_cmsg(r, SOL_TCP, TCP_CM_INQ, &v, sizeof(v));
	is_outcome(run_line(SPEC("recvmsg", N(1000), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL,
						  N(1000))), N(0), inq),
				 N(0))),
		   OUTCOME_MISMATCH, "a second control message");
	tap_ok(ends_with(err.text, "): msg_flags is MSG_CTRUNC, expected 0"),
	       "it did not fit: MSG_CTRUNC, as with packetdrill");

	r = expect_reply(1000, 0);
	reply_cmsg(r, SOL_TCP, TCP_CM_INQ, &v, sizeof(v));
	is_outcome(run_line(SPEC("recvmsg", N(1000), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL,
						  N(1000))), N(0),
				     ARR(2, CMSG(W("SOL_TCP"), W("TCP_CM_INQ"),
						 N(8000)),
					 CMSG(W("SOL_TCP"), W("TCP_CM_INQ"),
					      N(1)))), N(0))),
		   OUTCOME_MISMATCH, "one control message of two");
	snprintf(tail, sizeof(tail), "): msg_control has 1 control message, "
		 "expected 2 (received level %d type %d)", SOL_TCP,
		 TCP_CM_INQ);
	tap_ok(ends_with(err.text, tail), "count message lists what came");

	r = expect_reply(0, 0);
	r->msg_flags = MSG_ERRQUEUE;
	is_outcome(run_line(SPEC("recvmsg", N(0), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL, N(0))),
				     OR(W("MSG_ERRQUEUE"), W("MSG_TRUNC")),
				     ARR(0)), W("MSG_ERRQUEUE"))),
		   OUTCOME_MISMATCH, "msg_flags differ");
	tap_ok(ends_with(err.text, "): msg_flags is MSG_ERRQUEUE, expected "
			 "MSG_ERRQUEUE|MSG_TRUNC"), "msg_flags message");
	r = expect_reply(0, 0);
	r->msg_flags = MSG_ERRQUEUE;
	is_outcome(run_line(SPEC("recvmsg", N(0), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, ELL(), NULL, N(0))),
				     ELL(), NULL), W("MSG_ERRQUEUE"))),
		   OUTCOME_OK, "msg_flags=... is not compared");

	r = expect_reply(3, 0);
	memcpy(r->out, "abd", 3);
	r->out_len = 3;
	is_outcome(run_line(SPEC("recvmsg", N(3), NULL, 3, N(3),
				 MSG(1, ARR(1, ST(2, NULL, S("abc"), NULL,
						  N(3))), N(0), NULL), N(0))),
		   OUTCOME_MISMATCH, "received bytes differ");
	tap_ok(ends_with(err.text, "): iov 0 data is \"abd\", expected "
			 "\"abc\""), "iov data message");

	/* sock_extended_err: the offender's address follows it. */
	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = ENOMSG;
	ee.ee_origin = SO_EE_ORIGIN_ZEROCOPY;
	ee.ee_info = 1;
	ee.ee_data = 2;
	memset(data, 0, sizeof(data));
	memcpy(data, &ee, sizeof(ee));
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_IP, IP_RECVERR, data, ee4);
	is_outcome(recv_errqueue(CMSG(W("SOL_IP"), W("IP_RECVERR"),
				      EE(N(0), W("SO_EE_ORIGIN_ZEROCOPY"),
					 N(1), N(1)))),
		   OUTCOME_MISMATCH, "sock_extended_err differs");
	tap_ok(ends_with(err.text, "): control message 0 (IP_RECVERR) "
			 "ee_errno is ENOMSG, expected 0"),
	       "ee_errno message names the errno");
	tap_is_int(last_call()->c, (long)CMSG_SPACE(ee4),
		   "room for sock_extended_err and a sockaddr_in");
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_IP, IP_RECVERR, data, ee4);
	is_outcome(recv_errqueue(CMSG(W("SOL_IP"), W("IP_RECVERR"),
				      EE(ELL(), W("SO_EE_ORIGIN_ZEROCOPY"),
					 N(1), N(1)))),
		   OUTCOME_MISMATCH, "ee_data differs");
	tap_ok(ends_with(err.text, "): control message 0 (IP_RECVERR) "
			 "ee_data is 2, expected 1"),
	       "ee_errno `...` is skipped, ee_data compared");
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_IPV6, IPV6_RECVERR, data, sizeof(data));
	is_outcome(recv_errqueue(CMSG(W("SOL_IPV6"), W("IPV6_RECVERR"),
				      EE(W("ENOMSG"), ELL(), N(1), N(2)))),
		   OUTCOME_OK, "IPV6_RECVERR with a sockaddr_in6");
	memset(&ts, 0, sizeof(ts));
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_SOCKET, SCM_TIMESTAMPING, &ts, sizeof(ts));
	is_outcome(recv_errqueue(CMSG(W("SOL_IPV6"), W("IPV6_RECVERR"),
				      EE(W("ENOMSG"), ELL(), N(1), N(2)))),
		   OUTCOME_MISMATCH, "another kind of control message");
	snprintf(tail, sizeof(tail), "): control message 0 is level %d type "
		 "%d, expected SOL_IPV6 IPV6_RECVERR (level %d type %d)",
		 SOL_SOCKET, SCM_TIMESTAMPING, SOL_IPV6, IPV6_RECVERR);
	tap_ok(ends_with(err.text, tail), "level and type message");
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_IP, IP_RECVERR, data, 8);
	is_outcome(recv_errqueue(CMSG(W("SOL_IP"), W("IP_RECVERR"),
				      EE(N(0), ELL(), ELL(), ELL()))),
		   OUTCOME_MISMATCH, "a shorter control message");
	snprintf(tail, sizeof(tail), "): control message 0 (IP_RECVERR) has "
		 "8 data bytes, expected %zu", ee4);
	tap_ok(ends_with(err.text, tail), "length message");

	/* SCM_TIMESTAMPING: script times against the run's clock. */
	ctx.start_realtime_ns = 1000 * 1000000000LL;
	ctx.tolerance_usecs = 4000;
	memset(&ts, 0, sizeof(ts));
	ts.ts[0].tv_sec = 1000;
	ts.ts[0].tv_nsec = 23000000;
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_SOCKET, SCM_TIMESTAMPING, &ts, sizeof(ts));
	is_outcome(recv_errqueue(stamp(20000000)), OUTCOME_OK,
		   "a timestamp 3 ms after 20 ms is in time");
	ts.ts[0].tv_nsec = 25000000;
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_SOCKET, SCM_TIMESTAMPING, &ts, sizeof(ts));
	is_outcome(recv_errqueue(stamp(20000000)), OUTCOME_MISMATCH,
		   "5 ms after is not");
	tap_ok(ends_with(err.text, "): control message 0 (SCM_TIMESTAMPING) "
			 "time is 0.025000 s, expected 0.020000 s, tolerance "
			 "0.004000 s"), "timestamp message");
	ctx.script_to_live = played_late;
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_SOCKET, SCM_TIMESTAMPING, &ts, sizeof(ts));
	is_outcome(recv_errqueue(stamp(20000000)), OUTCOME_OK,
		   "in time for when the run played 20 ms");
	ts.ts[0].tv_nsec = 35000000;
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_SOCKET, SCM_TIMESTAMPING, &ts, sizeof(ts));
	recv_errqueue(stamp(20000000));
	tap_ok(ends_with(err.text, "time is 0.035000 s, expected 0.020000 s "
			 "(played from 0.022000 to 0.024000 s on this run), "
			 "tolerance 0.004000 s"), "the message shows the span");
	ctx.script_to_live = NULL;
	r = expect_reply(0, 0);
	reply_cmsg(r, SOL_SOCKET, SCM_TIMESTAMPING, &ts, sizeof(ts));
	is_outcome(recv_errqueue(stamp(0)), OUTCOME_OK,
		   "time 0 is not compared");
	teardown();
}

static void test_files(void)
{
	int live;

	setup(IP_VERSION_4);
	ctx.script_dir = "/scripts/dir";
	expect_reply(9, 0);
	is_outcome(run_line(SPEC("open", N(5), NULL, 2, S("data"),
				 W("O_RDONLY"))), OUTCOME_OK, "open() = 5");
	tap_is_str((const char *)last_call()->in, "/scripts/dir/data",
		   "a relative name is in the script's directory");
	tap_ok(fd_map_lookup(ctx.fds, 5, &live) && live == 9,
	       "script fd 5 is live fd 9");
	expect_reply(10, 0);
	run_line(SPEC("open", N(6), NULL, 3, S("/tmp/x"),
		      OR(W("O_WRONLY"), W("O_CREAT")), N(0644)));
	tap_ok(!strcmp((const char *)last_call()->in, "/tmp/x") &&
	       last_call()->a == (O_WRONLY | O_CREAT) && last_call()->b == 0644,
	       "an absolute name as written, flags and mode");
	is_outcome(run_line(SPEC("open", N(7), NULL, 2, AT(N(3), 7, 9),
				 W("O_RDONLY"))), OUTCOME_BAD_SCRIPT,
		   "open needs a name");
	tap_is_str(err.text, "expected a file name in quotes, found a number",
		   "open name message");

	{
		struct fake_reply *r = expect_reply(0, 0);
		int fds[2] = { 11, 12 };

		memcpy(r->out, fds, sizeof(fds));
		r->out_len = sizeof(fds);
	}
	is_outcome(run_line(SPEC("pipe", N(0), NULL, 1, ARR(2, N(3), N(4)))),
		   OUTCOME_OK, "pipe([3, 4]) = 0");
	tap_ok(fd_map_lookup(ctx.fds, 3, &live) && live == 11 &&
	       fd_map_lookup(ctx.fds, 4, &live) && live == 12,
	       "the pipe's ends are script fds 3 and 4");
	is_outcome(run_line(SPEC("pipe", N(0), NULL, 1,
				 ARR(2, N(8), AT(N(4), 7, 13)))),
		   OUTCOME_BAD_SCRIPT, "a pipe end already open");
	tap_is_str(err.text, "fd 4 is already open in this script",
		   "pipe fd message");
	tap_is_str(validate(SPEC("pipe", N(0), NULL, 1,
				 AT(ARR(1, N(8)), 7, 9)), &live),
		   "7:9: expected [read fd, write fd], found an array",
		   "pipe needs two numbers");

	expect_reply(5, 0);
	is_outcome(run_line(SPEC("sendfile", N(5), NULL, 4, N(4), N(5),
				 ARR(1, N(2)), N(5))), OUTCOME_OK,
		   "sendfile(4, 5, [2], 5)");
	tap_ok(last_call()->fd == 12 && last_call()->a == 9 &&
	       last_call()->b == 2 && last_call()->c == 5,
	       "sendfile gets live fds, offset 2 by pointer, count 5");
	expect_reply(5, 0);
	run_line(SPEC("sendfile", N(5), NULL, 4, N(4), N(5), W("NULL"),
		      N(5)));
	tap_is_int(last_call()->b, -1, "a NULL offset is a null pointer");

	expect_reply(99, 0);
	is_outcome(run_line(SPEC("splice", N(99), NULL, 6, N(5), W("NULL"),
				 N(4), W("NULL"), N(99), N(0))), OUTCOME_OK,
		   "splice(5, NULL, 4, NULL, 99, 0)");
	tap_ok(last_call()->fd == 9 && last_call()->a == 12 &&
	       last_call()->b == 99 && last_call()->null,
	       "splice gets live fds, no offsets, the length");

	expect_reply(0, 0);
	is_outcome(run_line(SPEC("cap_set", N(0), NULL, 3, W("CAP_EFFECTIVE"),
				 W("CAP_NET_ADMIN"), W("CAP_CLEAR"))),
		   OUTCOME_OK, "cap_set(CAP_EFFECTIVE, CAP_NET_ADMIN, "
		   "CAP_CLEAR)");
	tap_ok(last_call()->a == 0 && last_call()->b == 12 &&
	       last_call()->c == 0, "cap_set gets set 0, capability 12, off");
	teardown();
}

/* ---- the real kernel ---- */

static void test_kernel(void)
{
	struct syscall_backend *k = syscall_backend_kernel_new();
	int live = -1, outcome;

	setup(IP_VERSION_4);
	ctx.backend = k;
	tap_ok(k != NULL, "kernel backend created");
	outcome = run_line(SPEC("socket", N(3), NULL, 3, ELL(),
				W("SOCK_STREAM"), W("IPPROTO_TCP")));
	is_outcome(outcome, OUTCOME_OK, "kernel: socket() = 3");
	tap_ok(fd_map_lookup(ctx.fds, 3, &live) && live >= 0 &&
	       fcntl(live, F_GETFD) >= 0, "kernel: 3 is a live descriptor");
	is_outcome(run_line(SPEC("setsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_REUSEADDR"),
				 ARR(1, N(1)), N(4))), OUTCOME_OK,
		   "kernel: setsockopt SO_REUSEADDR [1]");
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_REUSEADDR"),
				 ARR(1, N(1)), ARR(1, N(4)))), OUTCOME_OK,
		   "kernel: getsockopt SO_REUSEADDR reads back 1");
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_TCP"), W("TCP_NODELAY"),
				 ARR(1, N(1)), ARR(1, N(4)))),
		   OUTCOME_MISMATCH, "kernel: TCP_NODELAY is 0");
	tap_is_str(err.text, "getsockopt(3, SOL_TCP, TCP_NODELAY, [1], [4]): "
		   "optval is 0, expected 1", "kernel: mismatch message");
	is_outcome(run_line(SPEC("setsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_LINGER"),
				 ST(2, "onoff", N(1), "linger", N(5)), ELL())),
		   OUTCOME_OK, "kernel: setsockopt SO_LINGER");
	is_outcome(run_line(SPEC("getsockopt", N(0), NULL, 5, N(3),
				 W("SOL_SOCKET"), W("SO_LINGER"),
				 ST(2, "onoff", N(1), "linger", N(5)), ELL())),
		   OUTCOME_OK, "kernel: getsockopt SO_LINGER reads it back");
	is_outcome(run_line(SPEC("fcntl", N(0), NULL, 3, N(3), W("F_SETFL"),
				 OR(W("O_RDWR"), W("O_NONBLOCK")))),
		   OUTCOME_OK, "kernel: fcntl F_SETFL O_RDWR|O_NONBLOCK");
	is_outcome(run_line(SPEC("fcntl", HEX(0x802), NULL, 2, N(3),
				 W("F_GETFL"))),
		   OUTCOME_OK, "kernel: fcntl F_GETFL = 0x802");
	is_outcome(run_line(SPEC("read", N(-1), "ENOTCONN", 3, N(3), ELL(),
				 N(10))),
		   OUTCOME_OK, "kernel: read unconnected = -1 ENOTCONN");
	is_outcome(run_line(SPEC("bind", N(0), NULL, 3, N(3),
		   ST(3, "sa_family", W("AF_INET"),
		      "sin_port", CALL("htons", 1, N(0)),
		      "sin_addr", CALL("inet_addr", 1, S("127.0.0.1"))),
		   ELL())), OUTCOME_OK, "kernel: bind 127.0.0.1:0");
	is_outcome(run_line(SPEC("getsockname", N(0), NULL, 3, N(3),
		   ST(3, "sa_family", W("AF_INET"), "sin_port", ELL(),
		      "sin_addr", CALL("inet_addr", 1, S("127.0.0.1"))),
		   ARR(1, N(16)))), OUTCOME_OK, "kernel: getsockname");
	is_outcome(run_line(SPEC("bind", N(0), NULL, 3, N(3), ELL(), ELL())),
		   OUTCOME_MISMATCH, "kernel: a second bind fails");
	tap_is_str(err.text, "bind(3, ..., ...) returned -1 EINVAL (Invalid "
		   "argument), expected 0", "kernel: errno message");
	is_outcome(run_line(SPEC("close", N(0), NULL, 1, N(3))), OUTCOME_OK,
		   "kernel: close(3)");
	tap_ok(fcntl(live, F_GETFD) < 0 && errno == EBADF,
	       "kernel: the live descriptor is closed");
	tap_ok(!fd_map_lookup(ctx.fds, 3, &live), "kernel: 3 is unmapped");

	outcome = run_line(SPEC("socket", N(4), NULL, 3, ELL(),
				W("SOCK_STREAM"), W("IPPROTO_TCP")));
	tap_ok(outcome == OUTCOME_OK && fd_map_lookup(ctx.fds, 4, &live),
	       "kernel: socket() = 4");
	fd_map_close_all(ctx.fds, k);
	tap_ok(fcntl(live, F_GETFD) < 0, "kernel: teardown closed it");
	syscall_backend_free(k);
	teardown();
}

/* A file in the script's directory to a pipe with sendfile(), from that
 * pipe to another with splice().
 */
static void test_kernel_files(void)
{
	struct syscall_backend *k = syscall_backend_kernel_new();
	char dir[] = "/tmp/tcpcheck-test-XXXXXX", path[64];
	FILE *f;

	setup(IP_VERSION_4);
	ctx.backend = k;
	tap_ok(mkdtemp(dir) != NULL, "kernel: a directory for the script");
	snprintf(path, sizeof(path), "%s/data", dir);
	f = fopen(path, "w");
	tap_ok(f && fputs("hello", f) >= 0 && fclose(f) == 0,
	       "kernel: a file of 5 bytes");
	ctx.script_dir = dir;
	is_outcome(run_line(SPEC("open", N(5), NULL, 2, S("data"),
				 W("O_RDONLY"))), OUTCOME_OK,
		   "kernel: open(\"data\") = 5 in the script's directory");
	is_outcome(run_line(SPEC("pipe", N(0), NULL, 1, ARR(2, N(6), N(7)))),
		   OUTCOME_OK, "kernel: pipe([6, 7]) = 0");
	is_outcome(run_line(SPEC("sendfile", N(5), NULL, 4, N(7), N(5),
				 ARR(1, N(0)), N(5))), OUTCOME_OK,
		   "kernel: sendfile(7, 5, [0], 5) = 5");
	is_outcome(run_line(SPEC("pipe", N(0), NULL, 1, ARR(2, N(8), N(9)))),
		   OUTCOME_OK, "kernel: pipe([8, 9]) = 0");
	is_outcome(run_line(SPEC("splice", N(5), NULL, 6, N(6), W("NULL"),
				 N(9), W("NULL"), N(5), N(0))), OUTCOME_OK,
		   "kernel: splice(6, NULL, 9, NULL, 5, 0) = 5");
	is_outcome(run_line(SPEC("read", N(5), NULL, 3, N(8), S("hello"),
				 N(5))), OUTCOME_OK,
		   "kernel: the file's bytes came through both pipes");
	is_outcome(run_line(SPEC("open", N(-1), "ENOENT", 2, S("missing"),
				 W("O_RDONLY"))), OUTCOME_OK,
		   "kernel: open of a missing file = -1 ENOENT");
	fd_map_close_all(ctx.fds, k);
	unlink(path);
	rmdir(dir);
	syscall_backend_free(k);
	teardown();
}

int main(void)
{
	test_fd_mapping();
	test_effects();
	test_plan_addresses();
	test_explicit_addresses();
	test_setsockopt();
	test_getsockopt();
	test_results();
	test_data();
	test_ioctl_poll();
	test_epoll();
	test_getsockname();
	test_validate();
	test_format();
	test_sendmsg();
	test_recvmsg();
	test_files();
	test_kernel();
	test_kernel_files();
	return tap_done();
}
