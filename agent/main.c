/*
 * main.c - tcpcheck-agent: makes a wire-mode script's system calls on the
 * machine whose stack is under test.
 *
 *   tcpcheck-agent --listen=ADDR:PORT --secret-file=FILE [--allow-commands]
 *                  [-v]
 *
 * It serves one control connection at a time: a peer must prove it holds
 * the shared secret (proto.h), and every frame after that carries a MAC
 * under a key of that session.  Plain POSIX C (threads, sockets): it
 * builds on Linux, the BSDs and macOS with
 *   cc -O2 -pthread -o tcpcheck-agent agent/[a-z]*.c
 * Exit status: 0 when stopped by SIGINT or SIGTERM (after cleaning up the
 * session at hand), 2 for bad usage, 1 when it cannot listen.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto.h"
#include "session.h"

struct agent_options {
	const char *listen;
	const char *secret_file;
	struct agent_config cfg;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: tcpcheck-agent --listen=ADDR:PORT "
		"--secret-file=FILE [--allow-commands] [-v]\n"
		"Makes the system calls of tcpcheck's wire-mode scripts on "
		"this machine.\n"
		"  --listen=ADDR:PORT   where tcpcheck connects ([ADDR]:PORT "
		"for IPv6)\n"
		"  --secret-file=FILE   the shared secret (16 bytes at least)\n"
		"  --allow-commands     also run the scripts' shell commands "
		"(as this user)\n"
		"  -v                   say what happens on stderr\n");
}

static int parse(int argc, char **argv, struct agent_options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "--listen=", 9))
			o->listen = a + 9;
		else if (!strncmp(a, "--secret-file=", 14))
			o->secret_file = a + 14;
		else if (!strcmp(a, "--allow-commands"))
			o->cfg.allow_commands = true;
		else if (!strcmp(a, "-v"))
			o->cfg.verbose = true;
		else if (!strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "tcpcheck-agent: unknown argument "
				"'%s'\n", a);
			return -1;
		}
	}
	if (!o->listen || !o->secret_file) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* ADDR:PORT or [ADDR]:PORT to a listening socket, or -1. */
static int open_listener(const char *spec)
{
	char host[256];
	const char *port;
	struct addrinfo hints = { .ai_flags = AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM }, *res;
	int fd, one = 1, rc;

	if (proto_split_hostport(spec, host, sizeof(host), &port) < 0) {
		fprintf(stderr, "tcpcheck-agent: --listen takes ADDR:PORT\n");
		return -1;
	}
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		fprintf(stderr, "tcpcheck-agent: %s: %s\n", spec,
			gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd >= 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
		    listen(fd, 4) < 0) {
			fprintf(stderr, "tcpcheck-agent: %s: %s\n", spec,
				strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

static void on_interrupt(int sig)
{
	(void)sig;
}

static volatile sig_atomic_t stopping;
static volatile sig_atomic_t serving_fd = -1;

/* SIGINT, SIGTERM: end the session at hand as if tcpcheck had hung up
 * (its cleanup runs), then exit.
 */
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	if (serving_fd >= 0)
		shutdown(serving_fd, SHUT_RDWR);
}

static void handle(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;	/* no SA_RESTART: see session.c */
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
	static uint8_t secret[PROTO_SECRET_MAX];
	struct agent_options o = { 0 };
	char why[512];
	int listener;

	if (parse(argc, argv, &o) < 0)
		return 2;
	if (proto_read_secret(o.secret_file, secret, &o.cfg.secret_len, why,
			      sizeof(why)) < 0) {
		fprintf(stderr, "tcpcheck-agent: %s\n", why);
		return 2;
	}
	o.cfg.secret = secret;
	signal(SIGPIPE, SIG_IGN);
	handle(SIGUSR1, on_interrupt);
	handle(SIGINT, on_stop);
	handle(SIGTERM, on_stop);
	listener = open_listener(o.listen);
	if (listener < 0)
		return 1;
	if (o.cfg.verbose)
		fprintf(stderr, "tcpcheck-agent: listening on %s\n", o.listen);
	while (!stopping) {
		int fd = accept(listener, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("tcpcheck-agent: accept");
			break;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		serving_fd = fd;
		if (stopping)
			shutdown(fd, SHUT_RDWR);
		if (session_serve(fd, &o.cfg) < 0 && !stopping) {
			if (o.cfg.verbose)
				fprintf(stderr, "tcpcheck-agent: a peer was "
					"refused\n");
			/* Guessing the secret takes a second a try. */
			sleep(1);
		}
		serving_fd = -1;
	}
	close(listener);
	return stopping ? 0 : 1;
}
