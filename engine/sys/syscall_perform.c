/*
 * syscall_perform.c - making a prepared call through the backend
 * (syscalls.h: syscall_perform()).  Touches nothing but the run, so it may
 * run on the worker thread; one case per call of the table.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/syscall_internal.h"

#define FD(i)		((int)run->arg[i].num)
#define INT(i)		((int)run->arg[i].num)
#define SIZE(i)		((size_t)run->arg[i].num)
#define PTR(i)		(run->arg[i].buf)
#define ADDR(i)		((struct sockaddr *)run->arg[i].buf)
#define LEN(i)		((socklen_t)run->arg[i].num)
#define LENP(i)		(run->arg[i].is_null ? NULL : &run->arg[i].len)
#define MSG(i)		(&((struct msg_arg *)run->arg[i].buf)->msg)

/* Connections and data: socket() to shutdown().  false: not one of
 * them.
 */
static bool perform_io(struct syscall_run *run, long *r, int *e)
{
	struct syscall_backend *b = run->backend;
	const struct syscall_backend_ops *o = b->ops;

	switch (run->desc->id) {
	case SYS_SOCKET:
		*r = o->socket(b, INT(0), INT(1), INT(2), e);
		return true;
	case SYS_BIND:
		*r = o->bind(b, FD(0), ADDR(1), LEN(2), e);
		return true;
	case SYS_LISTEN:
		*r = o->listen(b, FD(0), INT(1), e);
		return true;
	case SYS_ACCEPT:
		*r = o->accept(b, FD(0), ADDR(1), LENP(2), e);
		return true;
	case SYS_ACCEPT4:
		*r = o->accept4(b, FD(0), ADDR(1), LENP(2), INT(3), e);
		return true;
	case SYS_CONNECT:
		*r = o->connect(b, FD(0), ADDR(1), LEN(2), e);
		return true;
	case SYS_READ:
		*r = o->read(b, FD(0), PTR(1), SIZE(2), e);
		return true;
	case SYS_READV:
		*r = o->readv(b, FD(0), PTR(1), INT(2), e);
		return true;
	case SYS_RECV:
		*r = o->recv(b, FD(0), PTR(1), SIZE(2), INT(3), e);
		return true;
	case SYS_RECVFROM:
		*r = o->recvfrom(b, FD(0), PTR(1), SIZE(2), INT(3), ADDR(4),
				LENP(5), e);
		return true;
	case SYS_WRITE:
		*r = o->write(b, FD(0), PTR(1), SIZE(2), e);
		return true;
	case SYS_WRITEV:
		*r = o->writev(b, FD(0), PTR(1), INT(2), e);
		return true;
	case SYS_SEND:
		*r = o->send(b, FD(0), PTR(1), SIZE(2), INT(3), e);
		return true;
	case SYS_SENDTO:
		*r = o->sendto(b, FD(0), PTR(1), SIZE(2), INT(3), ADDR(4),
			       LEN(5), e);
		return true;
	case SYS_CLOSE:
		*r = o->close(b, FD(0), e);
		return true;
	case SYS_SHUTDOWN:
		*r = o->shutdown(b, FD(0), INT(1), e);
		return true;
	default:
		return false;
	}
}

/* Options, names, descriptors, polling and the rest. */
static void perform_control(struct syscall_run *run, long *r, int *e)
{
	struct syscall_backend *b = run->backend;
	const struct syscall_backend_ops *o = b->ops;

	switch (run->desc->id) {
	case SYS_SETSOCKOPT:
		*r = o->setsockopt(b, FD(0), INT(1), INT(2), PTR(3), LEN(4),
				   e);
		break;
	case SYS_GETSOCKOPT:
		*r = o->getsockopt(b, FD(0), INT(1), INT(2), PTR(3), LENP(4),
				   e);
		break;
	case SYS_GETSOCKNAME:
		*r = o->getsockname(b, FD(0), ADDR(1), LENP(2), e);
		break;
	case SYS_GETPEERNAME:
		*r = o->getpeername(b, FD(0), ADDR(1), LENP(2), e);
		break;
	case SYS_FCNTL:
		*r = o->fcntl(b, FD(0), INT(1), (long)run->arg[2].num, e);
		break;
	case SYS_IOCTL:
		*r = o->ioctl(b, FD(0), (unsigned long)(uint32_t)INT(1),
			      PTR(2), e);
		break;
	case SYS_POLL:
		*r = o->poll(b, PTR(0), (nfds_t)run->arg[1].num, INT(2), e);
		break;
	case SYS_EPOLL_CREATE:
		*r = o->epoll_create(b, INT(0), e);
		break;
	case SYS_EPOLL_CTL:
		*r = o->epoll_ctl(b, FD(0), INT(1), FD(2), PTR(3), e);
		break;
	case SYS_EPOLL_WAIT:
		*r = o->epoll_wait(b, FD(0), PTR(1), INT(2), INT(3), e);
		break;
	case SYS_SENDMSG:
		*r = o->sendmsg(b, FD(0), MSG(1), INT(2), e);
		break;
	case SYS_RECVMSG:
		*r = o->recvmsg(b, FD(0), MSG(1), INT(2), e);
		break;
	case SYS_OPEN:
		*r = o->open(b, PTR(0), INT(1), (mode_t)run->arg[2].num, e);
		break;
	case SYS_PIPE:
		*r = o->pipe(b, PTR(0), e);
		break;
	case SYS_SENDFILE:
		*r = o->sendfile(b, FD(0), FD(1), PTR(2), SIZE(3), e);
		break;
	case SYS_SPLICE:
		*r = o->splice(b, FD(0), PTR(1), FD(2), PTR(3), SIZE(4),
			       (unsigned int)INT(5), e);
		break;
	case SYS_CAP_SET:
		*r = o->cap_set(b, INT(0), INT(1), INT(2), e);
		break;
	default:
		break;
	}
}

void syscall_perform(struct syscall_run *run)
{
	int e = 0;
	long r = -1;

	if (!perform_io(run, &r, &e))
		perform_control(run, &r, &e);
	run->result = r;
	run->err = r < 0 ? e : 0;
}
