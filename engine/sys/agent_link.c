/*
 * agent_link.c - the control connection to tcpcheck-agent (see
 * agent_link.h and agent/proto.h).
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sys/agent_link.h"

#define CONNECT_SECONDS 5
#define BYE_SECONDS 5

static void set_timeout(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* HOST:PORT or [HOST]:PORT to a connected socket, or -1 with err. */
static int dial(const char *spec, struct error *err)
{
	char host[256];
	const char *port;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int fd = -1, rc, one = 1;

	if (proto_split_hostport(spec, host, sizeof(host), &port) < 0)
		return error_set(err, "--agent takes HOST:PORT, not '%s'",
				 spec);
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc)
		return error_set(err, "agent %s: %s", spec, gai_strerror(rc));
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		set_timeout(fd, CONNECT_SECONDS);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			error_set_errno(err, "cannot reach the agent at %s",
					spec);
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int read_hello(struct agent_link *l, const uint8_t **nonce,
		      uint8_t **payload, struct error *err)
{
	struct proto_header h;
	struct proto_reader r;
	const uint8_t *name;
	size_t n, name_len;
	int64_t flags;

	if (proto_recv(&l->ch, &h, payload) < 0 || h.type != PROTO_HELLO)
		return error_set(err, "the agent did not greet (is it "
				 "tcpcheck-agent, of protocol version %d?)",
				 PROTO_VERSION);
	proto_reader_init(&r, *payload, h.length);
	if (proto_get_bytes(&r, nonce, &n) < 0 || n != PROTO_NONCE_LEN ||
	    proto_get_int(&r, &flags) < 0 ||
	    proto_get_bytes(&r, &name, &name_len) < 0)
		return error_set(err, "the agent's greeting is malformed");
	l->commands = flags & PROTO_FLAG_COMMANDS;
	snprintf(l->system, sizeof(l->system), "%.*s",
		 (int)(name_len < 63 ? name_len : 63), (const char *)name);
	return 0;
}

/* Prove the secret, and check that the agent knows it too. */
static int authenticate(struct agent_link *l, const uint8_t *secret,
			size_t secret_len, struct error *err)
{
	uint8_t nonce[PROTO_NONCE_LEN], mac[SHA256_LEN], *hello = NULL,
		*answer = NULL;
	const uint8_t *agent_nonce, *field;
	struct proto_header h;
	struct proto_reader r;
	struct proto_buf b;
	size_t n;
	int rc = -1;

	if (read_hello(l, &agent_nonce, &hello, err) < 0 ||
	    proto_random(nonce, sizeof(nonce)) < 0)
		goto out;
	proto_auth_mac(secret, secret_len, "client", agent_nonce, nonce, mac);
	proto_buf_init(&b);
	proto_put_bytes(&b, nonce, sizeof(nonce));
	proto_put_bytes(&b, mac, sizeof(mac));
	rc = proto_send(&l->ch, PROTO_AUTH, 0, &b);
	proto_buf_free(&b);
	if (rc < 0 || proto_recv(&l->ch, &h, &answer) < 0) {
		rc = error_set(err, "the agent hung up during the handshake");
		goto out;
	}
	rc = -1;
	proto_reader_init(&r, answer, h.length);
	if (h.type == PROTO_REFUSED) {
		error_set(err, "the agent refused the secret of the "
			  "--agent-secret-file");
		goto out;
	}
	proto_auth_mac(secret, secret_len, "agent", agent_nonce, nonce, mac);
	if (h.type != PROTO_WELCOME || proto_get_bytes(&r, &field, &n) < 0 ||
	    n != SHA256_LEN || !sha256_equal(field, mac, SHA256_LEN)) {
		error_set(err, "the agent does not know the secret: not "
			  "the agent meant");
		goto out;
	}
	proto_auth_mac(secret, secret_len, "session", agent_nonce, nonce,
		       l->ch.key);
	l->ch.keyed = true;
	rc = 0;
out:
	free(hello);
	free(answer);
	return rc;
}

int agent_link_open(struct agent_link *l, const struct net_plan *plan,
		    struct error *err)
{
	static uint8_t secret[PROTO_SECRET_MAX];
	size_t secret_len;
	char why[512];

	memset(l, 0, sizeof(*l));
	l->ch.fd = -1;
	if (proto_read_secret(plan->wire.secret_file, secret, &secret_len, why,
			      sizeof(why)) < 0)
		return error_set(err, "--agent-secret-file: %s", why);
	l->ch.fd = dial(plan->wire.agent, err);
	if (l->ch.fd < 0)
		return -1;
	if (authenticate(l, secret, secret_len, err) < 0) {
		memset(secret, 0, sizeof(secret));
		close(l->ch.fd);
		l->ch.fd = -1;
		return -1;
	}
	memset(secret, 0, sizeof(secret));
	set_timeout(l->ch.fd, 0);
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->changed, NULL);
	l->next_id = 1;
	return 0;
}

static void mark_lost(struct agent_link *l, int error)
{
	if (l->lost)
		return;
	l->lost = true;
	if (error == EPROTO)
		snprintf(l->lost_why, sizeof(l->lost_why), "a malformed or "
			 "unauthenticated frame");
	else if (error == 0)
		snprintf(l->lost_why, sizeof(l->lost_why), "the agent hung "
			 "up");
	else
		snprintf(l->lost_why, sizeof(l->lost_why), "%s",
			 strerror(error));
}

static void relock(void *arg)
{
	pthread_mutex_lock(&((struct agent_link *)arg)->lock);
}

/* Read one frame, lock released, and hand it to its slot. */
static void read_one(struct agent_link *l)
{
	struct proto_header h;
	uint8_t *payload;
	int rc, error;

	l->reading = true;
	l->reader = pthread_self();
	pthread_mutex_unlock(&l->lock);
	/* The worker is cancelled in a call that never returned. */
	pthread_cleanup_push(relock, l);
	rc = proto_recv(&l->ch, &h, &payload);
	error = errno;
	pthread_cleanup_pop(1);
	l->reading = false;
	if (rc < 0) {
		mark_lost(l, error);
	} else {
		bool taken = false;

		for (int i = 0; i < AGENT_LINK_SLOTS && !taken; i++) {
			struct agent_reply *s = &l->slots[i];

			if (s->waiting && !s->done && s->id == h.id &&
			    h.type == PROTO_RESULT) {
				s->payload = payload;
				s->length = h.length;
				s->done = true;
				taken = true;
			}
		}
		if (!taken) {
			free(payload);
			if (h.type != PROTO_BYE)
				mark_lost(l, EPROTO);
		}
	}
	pthread_cond_broadcast(&l->changed);
}

static struct agent_reply *take_slot(struct agent_link *l)
{
	for (int i = 0; i < AGENT_LINK_SLOTS; i++) {
		struct agent_reply *s = &l->slots[i];

		if (!s->waiting) {
			memset(s, 0, sizeof(*s));
			s->waiting = true;
			s->id = l->next_id++;
			return s;
		}
	}
	return NULL;
}

struct request_state {
	struct agent_link *link;
	struct agent_reply *slot;
};

/* A cancelled caller (lock held: pthread_cond_wait() and relock() both
 * leave it so) gives up its slot and, if it was reading, the reading.
 */
static void abandon(void *arg)
{
	struct request_state *st = arg;
	struct agent_link *l = st->link;

	if (st->slot) {
		free(st->slot->done ? st->slot->payload : NULL);
		st->slot->waiting = false;
	}
	if (l->reading && pthread_equal(l->reader, pthread_self()))
		l->reading = false;
	pthread_cond_broadcast(&l->changed);
	pthread_mutex_unlock(&l->lock);
}

int agent_link_request(struct agent_link *l, uint8_t type,
		       struct proto_buf *b, uint8_t **payload, uint32_t *len)
{
	struct request_state st = { l, NULL };
	struct agent_reply *s;
	volatile int rc = -1;	/* pthread_cleanup_push() may setjmp */

	*payload = NULL;
	pthread_mutex_lock(&l->lock);
	pthread_cleanup_push(abandon, &st);
	s = st.slot = l->lost ? NULL : take_slot(l);
	if (s && proto_send(&l->ch, type, s->id, b) < 0)
		mark_lost(l, errno == EMSGSIZE ? EMSGSIZE : errno);
	while (s && !s->done && !l->lost) {
		if (l->reading)
			pthread_cond_wait(&l->changed, &l->lock);
		else
			read_one(l);
	}
	if (s && s->done) {
		*payload = s->payload;
		*len = s->length;
		rc = 0;
	}
	if (s)
		s->waiting = false;
	st.slot = NULL;
	pthread_cleanup_pop(0);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

bool agent_link_gone(struct agent_link *l)
{
	struct pollfd pfd = { .fd = l->ch.fd, .events = POLLIN };
	char byte;
	bool gone;

	pthread_mutex_lock(&l->lock);
	if (!l->lost && !l->reading && poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR) ||
	     recv(l->ch.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0))
		mark_lost(l, 0);
	gone = l->lost;
	pthread_mutex_unlock(&l->lock);
	return gone;
}

void agent_link_close(struct agent_link *l)
{
	struct proto_buf b;
	struct proto_header h;
	uint8_t *payload;

	if (l->ch.fd < 0)
		return;
	if (!l->lost) {
		proto_buf_init(&b);
		set_timeout(l->ch.fd, BYE_SECONDS);
		if (proto_send(&l->ch, PROTO_BYE, 0, &b) == 0) {
			while (proto_recv(&l->ch, &h, &payload) == 0) {
				free(payload);
				if (h.type == PROTO_BYE)
					break;
			}
		}
		proto_buf_free(&b);
	}
	close(l->ch.fd);
	l->ch.fd = -1;
	pthread_cond_destroy(&l->changed);
	pthread_mutex_destroy(&l->lock);
}
