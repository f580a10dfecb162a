/*
 * native.c - the translation tables of native.h.
 *
 * Each entry pairs Linux's value (written out: it is the protocol's) with
 * this system's macro, where the system has it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "native.h"

struct pair {
	long linux_value;
	long native_value;
};

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static long to_native(const struct pair *t, size_t n, long v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].linux_value == v)
			return t[i].native_value;
	return v;
}

/* Bit sets: each known bit becomes its counterpart (Linux's to this
 * system's, or back); unknown bits are kept (a stack is free to refuse
 * them).
 */
static long map_bits(const struct pair *t, size_t n, long v, bool to_linux)
{
	long out = 0;

	for (size_t i = 0; i < n; i++) {
		long from = to_linux ? t[i].native_value : t[i].linux_value;

		if (v & from) {
			out |= to_linux ? t[i].linux_value : t[i].native_value;
			v &= ~from;
		}
	}
	return out | v;
}

int native_domain(int v)
{
	static const struct pair t[] = {
		{ 0, AF_UNSPEC }, { 2, AF_INET }, { 10, AF_INET6 },
	};

	return (int)to_native(t, COUNT(t), v);
}

int native_socket_type(int v, int *nonblock, int *cloexec)
{
	static const struct pair t[] = {
		{ 1, SOCK_STREAM }, { 2, SOCK_DGRAM }, { 3, SOCK_RAW },
	};

	*nonblock = (v & 04000) != 0;
	*cloexec = (v & 02000000) != 0;
	return (int)to_native(t, COUNT(t), v & ~(04000 | 02000000));
}

void native_sockopt(int *level, int *name)
{
	static const struct pair so[] = {
		{ 2, SO_REUSEADDR }, { 4, SO_ERROR }, { 7, SO_SNDBUF },
		{ 8, SO_RCVBUF }, { 9, SO_KEEPALIVE }, { 10, SO_OOBINLINE },
		{ 13, SO_LINGER }, { 18, SO_RCVLOWAT }, { 19, SO_SNDLOWAT },
		{ 20, SO_RCVTIMEO }, { 21, SO_SNDTIMEO }, { 3, SO_TYPE },
#ifdef SO_REUSEPORT
		{ 15, SO_REUSEPORT },
#endif
	};
	static const struct pair tcp[] = {
		{ 1, TCP_NODELAY }, { 2, TCP_MAXSEG },
#ifdef TCP_KEEPIDLE
		{ 4, TCP_KEEPIDLE },
#endif
#ifdef TCP_KEEPINTVL
		{ 5, TCP_KEEPINTVL },
#endif
#ifdef TCP_KEEPCNT
		{ 6, TCP_KEEPCNT },
#endif
	};

	if (*level == 1) {		/* Linux's SOL_SOCKET */
		*level = SOL_SOCKET;
		*name = (int)to_native(so, COUNT(so), *name);
	} else if (*level == IPPROTO_TCP) {
		*name = (int)to_native(tcp, COUNT(tcp), *name);
	}
}

static const struct pair msg_bits[] = {
	{ 0x1, MSG_OOB }, { 0x2, MSG_PEEK }, { 0x40, MSG_DONTWAIT },
	{ 0x100, MSG_WAITALL },
#ifdef MSG_NOSIGNAL
	{ 0x4000, MSG_NOSIGNAL },
#endif
};

int native_msg_flags(int v)
{
	return (int)map_bits(msg_bits, COUNT(msg_bits), v, false);
}

int native_fcntl_cmd(int v)
{
	static const struct pair t[] = {
		{ 1, F_GETFD }, { 2, F_SETFD }, { 3, F_GETFL }, { 4, F_SETFL },
	};

	return (int)to_native(t, COUNT(t), v);
}

static const struct pair open_bits[] = {
	{ 04000, O_NONBLOCK }, { 02, O_RDWR }, { 01, O_WRONLY },
	{ 02000, O_APPEND },
};

int native_open_flags(int v)
{
	return (int)map_bits(open_bits, COUNT(open_bits), v, false);
}

int linux_open_flags(int v)
{
	return (int)map_bits(open_bits, COUNT(open_bits), v, true);
}

unsigned long native_ioctl(unsigned long v)
{
	static const struct pair t[] = {
		{ 0x541B, FIONREAD }, { 0x5421, FIONBIO },
	};

	return (unsigned long)to_native(t, COUNT(t), (long)v);
}

static const struct pair poll_bits[] = {
	{ 0x1, POLLIN }, { 0x2, POLLPRI }, { 0x4, POLLOUT },
	{ 0x8, POLLERR }, { 0x10, POLLHUP }, { 0x20, POLLNVAL },
	{ 0x40, POLLRDNORM }, { 0x80, POLLRDBAND }, { 0x100, POLLWRNORM },
	{ 0x200, POLLWRBAND },
};

short native_poll_events(int v)
{
	return (short)map_bits(poll_bits, COUNT(poll_bits), v, false);
}

int linux_poll_events(short v)
{
	return (int)map_bits(poll_bits, COUNT(poll_bits),
				 (unsigned short)v, true);
}

int linux_errno(int v)
{
#ifdef __linux__
	return v;
#else
	static const struct pair t[] = {
		{ 1, EPERM }, { 2, ENOENT }, { 4, EINTR }, { 5, EIO },
		{ 9, EBADF }, { 11, EAGAIN }, { 12, ENOMEM }, { 13, EACCES },
		{ 14, EFAULT }, { 17, EEXIST }, { 22, EINVAL }, { 24, EMFILE },
		{ 32, EPIPE }, { 38, ENOSYS }, { 88, ENOTSOCK },
		{ 89, EDESTADDRREQ }, { 90, EMSGSIZE }, { 91, EPROTOTYPE },
		{ 92, ENOPROTOOPT }, { 93, EPROTONOSUPPORT },
		{ 95, EOPNOTSUPP }, { 97, EAFNOSUPPORT }, { 98, EADDRINUSE },
		{ 99, EADDRNOTAVAIL }, { 100, ENETDOWN }, { 101, ENETUNREACH },
		{ 103, ECONNABORTED }, { 104, ECONNRESET }, { 105, ENOBUFS },
		{ 106, EISCONN }, { 107, ENOTCONN }, { 110, ETIMEDOUT },
		{ 111, ECONNREFUSED }, { 113, EHOSTUNREACH }, { 114, EALREADY },
		{ 115, EINPROGRESS },
	};

	for (size_t i = 0; i < COUNT(t); i++)
		if (t[i].native_value == v)
			return (int)t[i].linux_value;
	return v == 0 ? 0 : 5;
#endif
}
