/*
 * guest.c - the guest side of --kernel (guest.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "guest_channel.h"
#include "vm/frame.h"

#define OUT_FILE "/tmp/tcpcheck.out"
#define ERR_FILE "/tmp/tcpcheck.err"
#define PORT_WAIT_MS 10000
#define ACK_WAIT_MS 30000

/* The port appears once virtio_console has probed: wait for it. */
static int open_port(void)
{
	for (int waited = 0; waited < PORT_WAIT_MS; waited += 10) {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *e;

		while (d && (e = readdir(d))) {
			char path[512], name[64] = "";
			FILE *f;

			snprintf(path, sizeof(path),
				 "/sys/class/virtio-ports/%s/name", e->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (!fgets(name, sizeof(name), f))
				name[0] = '\0';
			fclose(f);
			name[strcspn(name, "\n")] = '\0';
			if (strcmp(name, GUEST_PORT_NAME))
				continue;
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			int fd = open(path, O_RDWR | O_CLOEXEC);

			if (fd >= 0) {
				closedir(d);
				return fd;
			}
		}
		if (d)
			closedir(d);
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	return -1;
}

/* The NUL-separated command line, argv[0] first. */
static char **read_argv(int *argc, char **text)
{
	FILE *f = fopen(GUEST_ARGV_FILE, "r");
	char **argv = NULL;
	long size;
	size_t len;
	int n = 0;

	*text = NULL;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	len = (size_t)size;
	*text = malloc(len + 1);
	argv = calloc(len + 2, sizeof(*argv));
	if (!*text || !argv || fread(*text, 1, len, f) != len) {
		fclose(f);
		free(argv);
		return NULL;
	}
	fclose(f);
	(*text)[len] = '\0';
	for (size_t i = 0; i < len; i += strlen(*text + i) + 1)
		argv[n++] = *text + i;
	*argc = n;
	return argv;
}

/* The guest kernel's first TCP connection sets up its once-only state
 * (the secrets behind sequence numbers and port choice, and the code
 * patched when they are first used): measured in Debian's 6.1 and 6.12
 * under qemu, it held the first script's SYN back by 6 ms of the guest's
 * one CPU.  A connection refused on loopback, in each family, pays that
 * before any script runs.
 */
static void warm_up(void)
{
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(9),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		(void)!connect(fd, (struct sockaddr *)&v4, sizeof(v4));
		close(fd);
	}
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		(void)!connect(fd, (struct sockaddr *)&v6, sizeof(v6));
		close(fd);
	}
}

static void send_hello(int fd)
{
	struct frame_buf payload = { 0 };
	struct utsname u;

	if (uname(&u) == 0 &&
	    frame_field_str(&payload, FIELD_NAME, u.release) == 0)
		channel_send(fd, FRAME_HELLO, payload.data, payload.len);
	frame_buf_free(&payload);
}

/* The host's acknowledgement: every frame reached it. */
static void wait_ack(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, ACK_WAIT_MS) > 0)
		(void)!read(fd, &c, 1);
}

static int redirect(int target, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);

	if (fd < 0)
		return -1;
	if (dup2(fd, target) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int guest_main(guest_play_fn play)
{
	int port = open_port(), argc = 0, rc;
	char *text = NULL, cwd[4096] = "/";
	struct reporter *rep;
	struct termios t;
	char **argv;
	FILE *f;

	if (port < 0) {
		fprintf(stderr, "tcpcheck --guest: no virtio port named %s\n",
			GUEST_PORT_NAME);
		return 125;
	}
	if (tcgetattr(port, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(port, TCSANOW, &t);
	}
	warm_up();
	send_hello(port);
	f = fopen(GUEST_CWD_FILE, "r");
	if (f && fgets(cwd, sizeof(cwd), f))
		cwd[strcspn(cwd, "\n")] = '\0';
	if (f)
		fclose(f);
	argv = read_argv(&argc, &text);
	rep = report_channel_new(port, OUT_FILE, ERR_FILE);
	if (!argv || !rep || chdir(cwd) < 0 || redirect(1, OUT_FILE) < 0 ||
	    redirect(2, ERR_FILE) < 0) {
		fprintf(stderr, "tcpcheck --guest: cannot set up: %s\n",
			strerror(errno));
		rc = 125;
	} else {
		setvbuf(stdout, NULL, _IOLBF, 0);
		rc = play(argc, argv, rep);
	}
	wait_ack(port);
	free(argv);
	free(text);
	close(port);
	return rc;
}
