/*
 * syscall_agent.c - the wire-mode backend: each call travels to
 * tcpcheck-agent as a CALL frame and its RESULT comes back (see
 * syscall_agent.h, agent/proto.h).
 *
 * The numbers are sent as the script's (Linux's) and come back so; the
 * agent translates.  Calls the protocol does not carry (recvmsg, sendmsg,
 * epoll, files and pipes, capabilities) are left NULL: a script that
 * makes them is reported as not runnable in wire mode.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/agent_link.h"
#include "sys/syscall_agent.h"

struct agent_backend {
	struct syscall_backend base;	/* first */
	struct agent_link link;
};

struct reply {
	uint8_t *payload;
	struct proto_reader out;	/* the outputs, when ret >= 0 */
};

static struct agent_link *link_of(struct syscall_backend *b)
{
	return &((struct agent_backend *)b)->link;
}

static struct proto_buf start(int op)
{
	struct proto_buf b;

	proto_buf_init(&b);
	proto_put_int(&b, op);
	return b;
}

/* Make the call; frees req.  Returns the call's value, *err its errno
 * (EIO when the connection is gone).  rep->payload is to be freed.
 */
static long call(struct syscall_backend *be, struct proto_buf *req,
		 struct reply *rep, int *err)
{
	struct proto_reader r;
	const uint8_t *outs = NULL;
	size_t outs_len = 0;
	int64_t ret, e, t0, t1;
	uint32_t len;
	int rc;

	memset(rep, 0, sizeof(*rep));
	proto_reader_init(&rep->out, NULL, 0);
	if (req->failed) {
		proto_buf_free(req);
		*err = EMSGSIZE;
		return -1;
	}
	rc = agent_link_request(link_of(be), PROTO_CALL, req, &rep->payload,
				&len);
	proto_buf_free(req);
	if (rc < 0) {
		*err = EIO;
		return -1;
	}
	proto_reader_init(&r, rep->payload, len);
	if (proto_get_int(&r, &ret) < 0 || proto_get_int(&r, &e) < 0 ||
	    proto_get_int(&r, &t0) < 0 || proto_get_int(&r, &t1) < 0 ||
	    (ret >= 0 && proto_get_bytes(&r, &outs, &outs_len) < 0)) {
		*err = EIO;
		return -1;
	}
	proto_reader_init(&rep->out, outs, outs_len);
	*err = ret < 0 ? (int)e : 0;
	return (long)ret;
}

static long a_socket(struct syscall_backend *b, int domain, int type,
		     int protocol, int *err)
{
	struct proto_buf q = start(OP_SOCKET);
	struct reply rep;
	long ret;

	proto_put_int(&q, domain);
	proto_put_int(&q, type);
	proto_put_int(&q, protocol);
	ret = call(b, &q, &rep, err);
	free(rep.payload);
	return ret;
}

static long addr_call(struct syscall_backend *b, int op, int fd,
		      const struct sockaddr *addr, socklen_t len, int *err)
{
	struct proto_buf q = start(op);
	struct reply rep;
	long ret;

	proto_put_int(&q, fd);
	proto_put_sockaddr(&q, addr, len);
	proto_put_int(&q, len);
	ret = call(b, &q, &rep, err);
	free(rep.payload);
	return ret;
}

static long a_bind(struct syscall_backend *b, int fd,
		   const struct sockaddr *addr, socklen_t len, int *err)
{
	return addr_call(b, OP_BIND, fd, addr, len, err);
}

static long a_connect(struct syscall_backend *b, int fd,
		      const struct sockaddr *addr, socklen_t len, int *err)
{
	return addr_call(b, OP_CONNECT, fd, addr, len, err);
}

/* Two integers in, nothing out: listen(), shutdown(). */
static long pair_call(struct syscall_backend *b, int op, int fd, long arg,
		      int *err)
{
	struct proto_buf q = start(op);
	struct reply rep;
	long ret;

	proto_put_int(&q, fd);
	proto_put_int(&q, arg);
	ret = call(b, &q, &rep, err);
	free(rep.payload);
	return ret;
}

static long a_listen(struct syscall_backend *b, int fd, int backlog, int *err)
{
	return pair_call(b, OP_LISTEN, fd, backlog, err);
}

static long a_shutdown(struct syscall_backend *b, int fd, int how, int *err)
{
	return pair_call(b, OP_SHUTDOWN, fd, how, err);
}

static long a_close(struct syscall_backend *b, int fd, int *err)
{
	struct proto_buf q = start(OP_CLOSE);
	struct reply rep;
	long ret;

	proto_put_int(&q, fd);
	ret = call(b, &q, &rep, err);
	free(rep.payload);
	return ret;
}

/* Store a returned address as the caller's *len allows. */
static void give_address(struct proto_reader *out, struct sockaddr *addr,
			 socklen_t *len)
{
	struct sockaddr_storage a;
	socklen_t n;

	if (!addr || !len || proto_get_sockaddr(out, &a, &n) < 0 || !n)
		return;
	memcpy(addr, &a, n < *len ? n : *len);
	*len = n;
}

/* accept(), accept4(), getsockname(), getpeername(). */
static long name_call(struct syscall_backend *b, int op, int fd,
		      struct sockaddr *addr, socklen_t *len, int flags,
		      int *err)
{
	struct proto_buf q = start(op);
	struct reply rep;
	long ret;

	proto_put_int(&q, fd);
	proto_put_int(&q, addr && len ? (int64_t)*len : -1);
	if (op == OP_ACCEPT4)
		proto_put_int(&q, flags);
	ret = call(b, &q, &rep, err);
	if (ret >= 0)
		give_address(&rep.out, addr, len);
	free(rep.payload);
	return ret;
}

static long a_accept(struct syscall_backend *b, int fd, struct sockaddr *addr,
		     socklen_t *len, int *err)
{
	return name_call(b, OP_ACCEPT, fd, addr, len, 0, err);
}

static long a_accept4(struct syscall_backend *b, int fd,
		      struct sockaddr *addr, socklen_t *len, int flags,
		      int *err)
{
	return name_call(b, OP_ACCEPT4, fd, addr, len, flags, err);
}

static long a_getsockname(struct syscall_backend *b, int fd,
			  struct sockaddr *addr, socklen_t *len, int *err)
{
	return name_call(b, OP_GETSOCKNAME, fd, addr, len, 0, err);
}

static long a_getpeername(struct syscall_backend *b, int fd,
			  struct sockaddr *addr, socklen_t *len, int *err)
{
	return name_call(b, OP_GETPEERNAME, fd, addr, len, 0, err);
}

/* read(), recv(), recvfrom(): bytes (and an address) come back. */
static long receive_call(struct syscall_backend *b, int op, int fd, void *buf,
			 size_t count, int flags, struct sockaddr *addr,
			 socklen_t *len, int *err)
{
	struct proto_buf q = start(op);
	struct reply rep;
	const uint8_t *data;
	size_t n;
	long ret;

	proto_put_int(&q, fd);
	proto_put_int(&q, (int64_t)count);
	if (op != OP_READ)
		proto_put_int(&q, flags);
	if (op == OP_RECVFROM)
		proto_put_int(&q, addr && len ? (int64_t)*len : -1);
	ret = call(b, &q, &rep, err);
	if (ret >= 0 && proto_get_bytes(&rep.out, &data, &n) == 0) {
		memcpy(buf, data, n < count ? n : count);
		if (op == OP_RECVFROM)
			give_address(&rep.out, addr, len);
	}
	free(rep.payload);
	return ret;
}

static long a_read(struct syscall_backend *b, int fd, void *buf, size_t count,
		   int *err)
{
	return receive_call(b, OP_READ, fd, buf, count, 0, NULL, NULL, err);
}

static long a_recv(struct syscall_backend *b, int fd, void *buf, size_t count,
		   int flags, int *err)
{
	return receive_call(b, OP_RECV, fd, buf, count, flags, NULL, NULL, err);
}

static long a_recvfrom(struct syscall_backend *b, int fd, void *buf,
		       size_t count, int flags, struct sockaddr *addr,
		       socklen_t *len, int *err)
{
	return receive_call(b, OP_RECVFROM, fd, buf, count, flags, addr, len,
			    err);
}

/* A buffer for all of an I/O vector's bytes, or NULL. */
static uint8_t *iov_buffer(const struct iovec *iov, int iovcnt, size_t *total)
{
	*total = 0;
	for (int i = 0; i < iovcnt; i++)
		*total += iov[i].iov_len;
	return malloc(*total + 1);
}

/* readv(): one read of the total, scattered here (the same bytes a TCP
 * or UDP socket hands readv()).
 */
static long a_readv(struct syscall_backend *b, int fd, const struct iovec *iov,
		    int iovcnt, int *err)
{
	size_t total, at = 0;
	uint8_t *buf = iov_buffer(iov, iovcnt, &total);
	long ret;

	if (!buf) {
		*err = ENOMEM;
		return -1;
	}
	ret = a_read(b, fd, buf, total, err);
	for (int i = 0; i < iovcnt && ret > 0 && at < (size_t)ret; i++) {
		size_t n = (size_t)ret - at < iov[i].iov_len ?
			(size_t)ret - at : iov[i].iov_len;

		memcpy(iov[i].iov_base, buf + at, n);
		at += n;
	}
	free(buf);
	return ret;
}

static long send_call(struct syscall_backend *b, int op, int fd,
		      const void *buf, size_t count, int flags,
		      const struct sockaddr *addr, socklen_t len, int *err)
{
	struct proto_buf q = start(op);
	struct reply rep;
	long ret;

	proto_put_int(&q, fd);
	proto_put_bytes(&q, buf, count);
	if (op != OP_WRITE)
		proto_put_int(&q, flags);
	if (op == OP_SENDTO) {
		proto_put_sockaddr(&q, addr, len);
		proto_put_int(&q, len);
	}
	ret = call(b, &q, &rep, err);
	free(rep.payload);
	return ret;
}

static long a_write(struct syscall_backend *b, int fd, const void *buf,
		    size_t count, int *err)
{
	return send_call(b, OP_WRITE, fd, buf, count, 0, NULL, 0, err);
}

static long a_send(struct syscall_backend *b, int fd, const void *buf,
		   size_t count, int flags, int *err)
{
	return send_call(b, OP_SEND, fd, buf, count, flags, NULL, 0, err);
}

static long a_sendto(struct syscall_backend *b, int fd, const void *buf,
		     size_t count, int flags, const struct sockaddr *addr,
		     socklen_t len, int *err)
{
	return send_call(b, OP_SENDTO, fd, buf, count, flags, addr, len, err);
}

/* writev(): gathered here, one write there. */
static long a_writev(struct syscall_backend *b, int fd,
		     const struct iovec *iov, int iovcnt, int *err)
{
	size_t total, at = 0;
	uint8_t *buf = iov_buffer(iov, iovcnt, &total);
	long ret;

	if (!buf) {
		*err = ENOMEM;
		return -1;
	}
	for (int i = 0; i < iovcnt; i++) {
		memcpy(buf + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	ret = a_write(b, fd, buf, total, err);
	free(buf);
	return ret;
}

static long a_setsockopt(struct syscall_backend *b, int fd, int level,
			 int name, const void *val, socklen_t len, int *err)
{
	struct proto_buf q = start(OP_SETSOCKOPT);
	struct reply rep;
	long ret;

	proto_put_int(&q, fd);
	proto_put_int(&q, level);
	proto_put_int(&q, name);
	proto_put_bytes(&q, val, val ? len : 0);
	ret = call(b, &q, &rep, err);
	free(rep.payload);
	return ret;
}

static long a_getsockopt(struct syscall_backend *b, int fd, int level,
			 int name, void *val, socklen_t *len, int *err)
{
	struct proto_buf q = start(OP_GETSOCKOPT);
	struct reply rep;
	const uint8_t *data;
	size_t n;
	long ret;

	proto_put_int(&q, fd);
	proto_put_int(&q, level);
	proto_put_int(&q, name);
	proto_put_int(&q, len ? (int64_t)*len : 0);
	ret = call(b, &q, &rep, err);
	if (ret >= 0 && len && proto_get_bytes(&rep.out, &data, &n) == 0) {
		if (n > *len)
			n = *len;
		memcpy(val, data, n);
		*len = (socklen_t)n;
	}
	free(rep.payload);
	return ret;
}

/* fcntl() and ioctl(): a command and an integer argument. */
static long control_call(struct syscall_backend *b, int op, int fd,
			 unsigned long cmd, long arg, int *out, int *err)
{
	struct proto_buf q = start(op);
	struct reply rep;
	int64_t value;
	long ret;

	proto_put_int(&q, fd);
	proto_put_int(&q, (int64_t)cmd);
	proto_put_int(&q, arg);
	ret = call(b, &q, &rep, err);
	if (ret >= 0 && out && proto_get_int(&rep.out, &value) == 0)
		*out = (int)value;
	free(rep.payload);
	return ret;
}

static long a_fcntl(struct syscall_backend *b, int fd, int cmd, long arg,
		    int *err)
{
	return control_call(b, OP_FCNTL, fd, (unsigned long)cmd, arg, NULL,
			    err);
}

static long a_ioctl(struct syscall_backend *b, int fd, unsigned long request,
		    void *arg, int *err)
{
	int *value = arg;

	return control_call(b, OP_IOCTL, fd, request, value ? *value : 0,
			    value, err);
}

static long a_poll(struct syscall_backend *b, struct pollfd *fds, nfds_t nfds,
		   int timeout_ms, int *err)
{
	struct proto_buf q = start(OP_POLL);
	struct reply rep;
	int64_t revents;
	long ret;

	proto_put_int(&q, timeout_ms);
	proto_put_int(&q, (int64_t)nfds);
	for (nfds_t i = 0; i < nfds; i++) {
		proto_put_int(&q, fds[i].fd);
		proto_put_int(&q, fds[i].events);
	}
	ret = call(b, &q, &rep, err);
	for (nfds_t i = 0; ret >= 0 && i < nfds; i++)
		if (proto_get_int(&rep.out, &revents) == 0)
			fds[i].revents = (short)revents;
	free(rep.payload);
	return ret;
}

/* A shell command of the script, run by the agent. */
static int a_command(struct syscall_backend *b, const char *command,
		     struct error *err)
{
	struct agent_link *l = link_of(b);
	struct proto_buf q;
	struct proto_reader r;
	const uint8_t *output;
	uint8_t *payload;
	uint32_t len;
	size_t n;
	int64_t status;

	if (!l->commands)
		return error_set(err, "the agent runs no shell commands "
				 "(start it with --allow-commands)"), -1;
	proto_buf_init(&q);
	proto_put_bytes(&q, command, strlen(command));
	if (agent_link_request(l, PROTO_COMMAND, &q, &payload, &len) < 0) {
		proto_buf_free(&q);
		return error_set(err, "the connection to the agent was lost "
				 "(%s)", l->lost_why), -1;
	}
	proto_buf_free(&q);
	proto_reader_init(&r, payload, len);
	if (proto_get_int(&r, &status) < 0 ||
	    proto_get_bytes(&r, &output, &n) < 0) {
		free(payload);
		return error_set(err, "the agent's answer is malformed"), -1;
	}
	if (status == 0) {
		free(payload);
		return 0;
	}
	error_set(err, "%s on the agent (%s%.*s)", status < 0 ?
		  "could not be started" : "failed", n ? "output: " : "no output",
		  (int)(n > 300 ? 300 : n), (const char *)output);
	free(payload);
	return 1;
}

static void a_destroy(struct syscall_backend *b)
{
	agent_link_close(link_of(b));
	free(b);
}

static const struct syscall_backend_ops agent_ops = {
	.name = "agent",
	.socket = a_socket,
	.bind = a_bind,
	.listen = a_listen,
	.accept = a_accept,
	.accept4 = a_accept4,
	.connect = a_connect,
	.read = a_read,
	.readv = a_readv,
	.recv = a_recv,
	.recvfrom = a_recvfrom,
	.write = a_write,
	.writev = a_writev,
	.send = a_send,
	.sendto = a_sendto,
	.close = a_close,
	.shutdown = a_shutdown,
	.setsockopt = a_setsockopt,
	.getsockopt = a_getsockopt,
	.getsockname = a_getsockname,
	.getpeername = a_getpeername,
	.fcntl = a_fcntl,
	.ioctl = a_ioctl,
	.poll = a_poll,
	.command = a_command,
	.destroy = a_destroy,
};

int syscall_agent_connect(const struct net_plan *plan,
			  struct syscall_backend **out, struct error *err)
{
	struct agent_backend *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	if (agent_link_open(&a->link, plan, err) < 0) {
		free(a);
		return OUTCOME_ENVIRONMENT;
	}
	a->base.ops = &agent_ops;
	*out = &a->base;
	return OUTCOME_OK;
}

int syscall_agent_probe(const struct net_plan *plan, struct error *err)
{
	struct syscall_backend *b;

	if (syscall_agent_connect(plan, &b, err) != OUTCOME_OK)
		return -1;
	syscall_backend_free(b);
	return 0;
}

bool syscall_agent_lost(struct syscall_backend *b, struct error *err)
{
	struct agent_link *l;

	if (!b || b->ops != &agent_ops)
		return false;
	l = link_of(b);
	if (!agent_link_gone(l))
		return false;
	error_set(err, "the control connection to the agent was lost during "
		  "the script (%s): the script could not finish", l->lost_why);
	return true;
}

bool syscall_agent_runs_commands(struct syscall_backend *b)
{
	return b && b->ops == &agent_ops && link_of(b)->commands;
}
