/*
 * native.h - Linux's numbers (the protocol's) to this system's and back.
 *
 * Scripts name constants as Linux defines them, and tcpcheck checks errno
 * values by Linux's numbers; the agent on a BSD or macOS translates each
 * one it knows through tables built from this system's own headers.  On
 * Linux every table maps a number to itself.  A constant this system
 * lacks is passed through unchanged (the call then fails as the stack
 * sees fit), and an errno it cannot name comes back as EIO's number.
 */
#ifndef TCPCHECK_AGENT_NATIVE_H
#define TCPCHECK_AGENT_NATIVE_H

int native_domain(int linux_value);
/* SOCK_STREAM... with Linux's SOCK_NONBLOCK and SOCK_CLOEXEC bits; *nonblock
 * and *cloexec say whether those were set (applied with fcntl where the
 * system has no such bits).
 */
int native_socket_type(int linux_value, int *nonblock, int *cloexec);
/* level and option name together (SOL_SOCKET's numbers differ). */
void native_sockopt(int *level, int *name);
int native_msg_flags(int linux_value);
int native_fcntl_cmd(int linux_value);
int native_open_flags(int linux_value);	/* O_NONBLOCK... for F_SETFL */
int linux_open_flags(int native_value);	/* for F_GETFL's result */
unsigned long native_ioctl(unsigned long linux_value);
short native_poll_events(int linux_value);
int linux_poll_events(short native_value);
int linux_errno(int native_value);

#endif /* TCPCHECK_AGENT_NATIVE_H */
