/*
 * session.c - the handshake and the lanes of one control connection (see
 * session.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "session.h"
#include "sysctls.h"

#define MAX_LANES 8
#define HANDSHAKE_SECONDS 10
#define MAX_OUTPUT 4096

struct session;

struct lane {
	struct session *s;
	pthread_t thread;
	bool started, busy;
	struct proto_header h;
	uint8_t *payload;
	volatile long command_pid;	/* a command of this lane, or 0 */
};

struct session {
	const struct agent_config *cfg;
	struct proto_channel ch;
	pthread_mutex_t lock;		/* lanes, over, sending */
	pthread_cond_t work;
	bool over;
	struct agent_fds fds;
	struct lane lanes[MAX_LANES];
	struct sysctl_snapshot *sysctls;	/* before any command ran */
};

static void send_frame(struct session *s, uint8_t type, uint32_t id,
		       struct proto_buf *b)
{
	pthread_mutex_lock(&s->lock);
	if (!s->over && proto_send(&s->ch, type, id, b) < 0)
		shutdown(s->ch.fd, SHUT_RDWR);	/* the reader sees the end */
	pthread_mutex_unlock(&s->lock);
}

static void run_command(struct lane *l, struct proto_buf *out)
{
	struct proto_reader r;
	const uint8_t *text;
	size_t len;
	char *command, output[MAX_OUTPUT];
	int status = -1;

	output[0] = '\0';
	proto_reader_init(&r, l->payload, l->h.length);
	if (proto_get_bytes(&r, &text, &len) == 0 &&
	    l->s->cfg->allow_commands && (command = malloc(len + 1))) {
		memcpy(command, text, len);
		command[len] = '\0';
		if (!memchr(text, '\0', len))
			status = command_run(command, output, sizeof(output),
					     &l->command_pid);
		free(command);
	} else if (!l->s->cfg->allow_commands) {
		snprintf(output, sizeof(output), "this agent runs no "
			 "commands (start it with --allow-commands)");
	}
	proto_put_int(out, status);
	proto_put_bytes(out, output, strlen(output));
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;
	struct session *s = l->s;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct proto_buf out;

		while (!s->over && !l->payload)
			pthread_cond_wait(&s->work, &s->lock);
		if (s->over)
			break;
		pthread_mutex_unlock(&s->lock);
		proto_buf_init(&out);
		if (l->h.type == PROTO_COMMAND)
			run_command(l, &out);
		else
			calls_run(&s->fds, l->payload, l->h.length, &out);
		send_frame(s, PROTO_RESULT, l->h.id, &out);
		proto_buf_free(&out);
		pthread_mutex_lock(&s->lock);
		free(l->payload);
		l->payload = NULL;
		l->busy = false;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Give a request to an idle lane (a new one if all are busy). */
static int dispatch(struct session *s, const struct proto_header *h,
		    uint8_t *payload)
{
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < MAX_LANES && rc < 0; i++) {
		struct lane *l = &s->lanes[i];

		if (l->busy)
			continue;
		if (!l->started) {
			l->s = s;
			if (pthread_create(&l->thread, NULL, lane_main, l))
				break;
			l->started = true;
		}
		l->busy = true;
		l->h = *h;
		l->payload = payload;
		rc = 0;
	}
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static bool any_busy(struct session *s)
{
	bool busy = false;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < MAX_LANES; i++) {
		struct lane *l = &s->lanes[i];

		if (!l->busy)
			continue;
		busy = true;
		/* SIGUSR1 has a handler without SA_RESTART: a blocked call
		 * returns EINTR.  Sent again until the lane is out.
		 */
		pthread_kill(l->thread, SIGUSR1);
		if (l->command_pid > 0)
			kill((pid_t)-l->command_pid, SIGKILL);
	}
	pthread_mutex_unlock(&s->lock);
	return busy;
}

/* Interrupt, close, kill, join: nothing of the script outlives this. */
static void session_end(struct session *s)
{
	struct timespec pause = { 0, 10000000 };
	int left, restored;

	pthread_mutex_lock(&s->lock);
	s->over = true;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->lock);
	while (any_busy(s))
		nanosleep(&pause, NULL);
	for (int i = 0; i < MAX_LANES; i++) {
		if (s->lanes[i].started)
			pthread_join(s->lanes[i].thread, NULL);
		free(s->lanes[i].payload);
	}
	left = agent_fds_close_all(&s->fds);
	restored = sysctls_restore(s->sysctls);
	s->sysctls = NULL;
	if (s->cfg->verbose)
		fprintf(stderr, "tcpcheck-agent: script over, %d descriptors "
			"closed, %d settings restored\n", left, restored);
}

static int handshake(struct session *s)
{
	uint8_t agent_nonce[PROTO_NONCE_LEN], mac[SHA256_LEN];
	const uint8_t *client_nonce, *client_mac;
	struct proto_header h;
	struct proto_reader r;
	struct proto_buf b;
	struct utsname u;
	uint8_t *payload = NULL;
	size_t n1, n2;
	int ok;

	if (proto_random(agent_nonce, sizeof(agent_nonce)) < 0)
		return -1;
	proto_buf_init(&b);
	proto_put_bytes(&b, agent_nonce, sizeof(agent_nonce));
	proto_put_int(&b, s->cfg->allow_commands ? PROTO_FLAG_COMMANDS : 0);
	if (uname(&u) < 0)
		strcpy(u.sysname, "unknown");
	proto_put_bytes(&b, u.sysname, strlen(u.sysname));
	ok = proto_send(&s->ch, PROTO_HELLO, 0, &b) == 0 &&
		proto_recv(&s->ch, &h, &payload) == 0 && h.type == PROTO_AUTH;
	proto_buf_free(&b);
	if (!ok) {
		free(payload);
		return -1;
	}
	proto_reader_init(&r, payload, h.length);
	ok = proto_get_bytes(&r, &client_nonce, &n1) == 0 &&
		n1 == PROTO_NONCE_LEN &&
		proto_get_bytes(&r, &client_mac, &n2) == 0 && n2 == SHA256_LEN;
	if (ok) {
		proto_auth_mac(s->cfg->secret, s->cfg->secret_len, "client",
			       agent_nonce, client_nonce, mac);
		ok = sha256_equal(mac, client_mac, SHA256_LEN);
	}
	proto_buf_init(&b);
	if (!ok) {
		proto_put_bytes(&b, "wrong secret", 12);
		proto_send(&s->ch, PROTO_REFUSED, 0, &b);
		proto_buf_free(&b);
		free(payload);
		return -1;
	}
	proto_auth_mac(s->cfg->secret, s->cfg->secret_len, "agent",
		       agent_nonce, client_nonce, mac);
	proto_put_bytes(&b, mac, sizeof(mac));
	ok = proto_send(&s->ch, PROTO_WELCOME, 0, &b) == 0;
	proto_buf_free(&b);
	proto_auth_mac(s->cfg->secret, s->cfg->secret_len, "session",
		       agent_nonce, client_nonce, s->ch.key);
	s->ch.keyed = true;
	free(payload);
	return ok ? 0 : -1;
}

static void set_timeout(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Read requests until BYE, end of file or an error. */
static void serve_requests(struct session *s)
{
	for (;;) {
		struct proto_header h;
		uint8_t *payload;
		struct proto_buf b;

		if (proto_recv(&s->ch, &h, &payload) < 0)
			return;
		if (h.type == PROTO_BYE) {
			free(payload);
			session_end(s);
			proto_buf_init(&b);
			proto_send(&s->ch, PROTO_BYE, h.id, &b);
			proto_buf_free(&b);
			return;
		}
		if ((h.type != PROTO_CALL && h.type != PROTO_COMMAND) ||
		    dispatch(s, &h, payload) < 0) {
			free(payload);
			return;
		}
	}
}

int session_serve(int fd, const struct agent_config *cfg)
{
	struct session *s = calloc(1, sizeof(*s));
	int one = 1, rc = 0;

	if (!s)
		return -1;
	s->cfg = cfg;
	s->ch.fd = fd;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	agent_fds_init(&s->fds);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	set_timeout(fd, HANDSHAKE_SECONDS);
	if (handshake(s) < 0) {
		rc = -1;
	} else {
		set_timeout(fd, 0);
		/* Only commands change settings (sysctls.h). */
		if (cfg->allow_commands)
			s->sysctls = sysctls_record();
		serve_requests(s);
		if (!s->over)
			session_end(s);
	}
	close(fd);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->fds.lock);
	free(s);
	return rc;
}
