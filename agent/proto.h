/*
 * proto.h - the control protocol between tcpcheck and tcpcheck-agent.
 *
 * A frame is a 12-byte header (big-endian):
 *     'T' 'C'  version (1)  type  id (32 bits)  payload length (32 bits)
 * then the payload, then, once the connection is authenticated, a 32-byte
 * HMAC-SHA256 of (direction's frame counter, header, payload) under the
 * session key.  A payload is a sequence of fields: 'i' and a 64-bit
 * signed integer, or 'b', a 32-bit length and that many bytes.
 *
 * The handshake: the agent sends HELLO (its 32-byte nonce, its flags, its
 * system's name); tcpcheck answers AUTH (its nonce, HMAC(secret, "client"
 * label, both nonces)); the agent answers WELCOME (HMAC(secret, "agent"
 * label, both nonces)) or REFUSED (a reason) and hangs up.  Both sides
 * then key every frame with HMAC(secret, "session" label, both nonces).
 *
 * Numbers on the wire are Linux's (the scripts' constants, errno values,
 * socket address families); the agent translates them to its own system's
 * (native.c).  A socket address travels as a 28-byte field: family (16
 * bits), port (network order), flow information, 16 address bytes, scope.
 *
 * The parsers here take any bytes (tests/fuzz/fuzz_agent_proto.c).
 */
#ifndef TCPCHECK_AGENT_PROTO_H
#define TCPCHECK_AGENT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "sha256.h"

#define PROTO_VERSION 1
#define PROTO_HEADER_LEN 12
#define PROTO_MAX_PAYLOAD (1u << 20)
#define PROTO_NONCE_LEN 32
#define PROTO_SOCKADDR_LEN 28
#define PROTO_SECRET_MIN 16
#define PROTO_SECRET_MAX 4096

/* Linux's numbers for the address families on the wire. */
#define PROTO_AF_UNSPEC 0
#define PROTO_AF_INET 2
#define PROTO_AF_INET6 10

enum proto_type {
	PROTO_HELLO = 1,	/* agent: nonce, flags, system name */
	PROTO_AUTH = 2,		/* tcpcheck: nonce, MAC */
	PROTO_WELCOME = 3,	/* agent: MAC */
	PROTO_REFUSED = 4,	/* agent: reason */
	PROTO_CALL = 5,		/* tcpcheck: operation, arguments */
	PROTO_RESULT = 6,	/* agent: return, errno, times, outputs */
	PROTO_COMMAND = 7,	/* tcpcheck: a shell command */
	PROTO_BYE = 8,		/* either: the script is over */
};

/* HELLO's flags. */
#define PROTO_FLAG_COMMANDS 1	/* the agent runs shell commands */

enum proto_op {
	OP_SOCKET = 1, OP_BIND, OP_LISTEN, OP_ACCEPT, OP_ACCEPT4, OP_CONNECT,
	OP_READ, OP_RECV, OP_RECVFROM, OP_WRITE, OP_SEND, OP_SENDTO,
	OP_CLOSE, OP_SHUTDOWN, OP_SETSOCKOPT, OP_GETSOCKOPT, OP_GETSOCKNAME,
	OP_GETPEERNAME, OP_FCNTL, OP_IOCTL, OP_POLL,
	OP_COUNT
};

struct proto_header {
	uint8_t type;
	uint32_t id;
	uint32_t length;
};

/* 0, or -1 when the header is not one of this protocol's. */
int proto_header_parse(const uint8_t *bytes, struct proto_header *h);

/* A payload being written: the header's room first, the MAC's last. */
struct proto_buf {
	uint8_t *data;
	size_t len, cap;
	bool failed;		/* out of memory or too long: do not send */
};

void proto_buf_init(struct proto_buf *b);
void proto_buf_free(struct proto_buf *b);
void proto_put_int(struct proto_buf *b, int64_t v);
void proto_put_bytes(struct proto_buf *b, const void *data, size_t len);

/* Reading a payload: every getter fails (-1) once anything was wrong. */
struct proto_reader {
	const uint8_t *p;
	size_t left;
	bool bad;
};

void proto_reader_init(struct proto_reader *r, const uint8_t *p, size_t len);
int proto_get_int(struct proto_reader *r, int64_t *v);
/* An integer that must lie in lo..hi. */
int proto_get_range(struct proto_reader *r, int64_t lo, int64_t hi,
		    int64_t *v);
int proto_get_bytes(struct proto_reader *r, const uint8_t **p, size_t *len);

/* One end of an authenticated connection. */
struct proto_channel {
	int fd;
	bool keyed;
	uint8_t key[SHA256_LEN];
	uint64_t sent, received;	/* frame counters, for the MACs */
};

/* Send one frame whose payload is b (proto_buf_init()'s room included).
 * 0, or -1 with errno (EMSGSIZE for a payload too long).
 */
int proto_send(struct proto_channel *c, uint8_t type, uint32_t id,
	       struct proto_buf *b);

/* Receive one frame into *payload (malloc'd, free() it).  0; -1 with
 * errno on a read error or end of file (0 errno: clean end), EPROTO for a
 * malformed frame or a wrong MAC.
 */
int proto_recv(struct proto_channel *c, struct proto_header *h,
	       uint8_t **payload);

/* MAC = HMAC(secret, label, nonce a, nonce b). */
void proto_auth_mac(const uint8_t *secret, size_t secret_len,
		    const char *label, const uint8_t *a, const uint8_t *b,
		    uint8_t mac[SHA256_LEN]);

/* Read a secret file: its bytes, less a final newline.  0, or -1 with a
 * message in why.
 */
int proto_read_secret(const char *path, uint8_t *secret, size_t *len,
		      char *why, size_t why_size);

/* Fill buf with unpredictable bytes (/dev/urandom).  0 or -1. */
int proto_random(uint8_t *buf, size_t len);



/* A socket address as its 28-byte field (an empty field for NULL). */
void proto_put_sockaddr(struct proto_buf *b, const struct sockaddr *addr,
			socklen_t len);
/* Back to this system's form; *len is the native length (0 for an empty
 * field).  -1 for a family other than AF_INET, AF_INET6, AF_UNSPEC.
 */
int proto_get_sockaddr(struct proto_reader *r, struct sockaddr_storage *addr,
		       socklen_t *len);

/* Split HOST:PORT or [HOST]:PORT: the host into host (size bytes), *port
 * pointing into spec.  0, or -1 when spec is not of that form.
 */
int proto_split_hostport(const char *spec, char *host, size_t size,
			 const char **port);

#endif /* TCPCHECK_AGENT_PROTO_H */
