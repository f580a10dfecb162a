/*
 * qemu.c - running one guest (qemu.h).
 */
#define _GNU_SOURCE
#include "qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

int vm_guest_prepare(struct vm_guest *g, struct error *err)
{
	const char *tmp = getenv("TMPDIR");

	memset(g, 0, sizeof(*g));
	g->listen_fd = g->fd = -1;
	g->exit_status = -1;
	snprintf(g->dir, sizeof(g->dir), "%s/tcpcheck-vm.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(g->dir)) {
		g->dir[0] = '\0';
		return error_set(err, "cannot create a temporary folder: %s",
				 strerror(errno));
	}
	return 0;
}

const char *vm_guest_path(const struct vm_guest *g, const char *name,
			  char *buf, size_t size)
{
	if (snprintf(buf, size, "%s/%s", g->dir, name) >= (int)size)
		buf[0] = '\0';		/* too long: nothing there */
	return buf;
}

int vm_qemu_check(struct error *err)
{
	const char *path = getenv("PATH");
	char *list = strdup(path ? path : "/usr/bin:/bin"), *save = NULL;
	char buf[PATH_MAX];
	int found = 0;

	for (char *d = list ? strtok_r(list, ":", &save) : NULL; d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", d, VM_QEMU);
		found = access(buf, X_OK) == 0;
	}
	free(list);
	if (!found)
		return error_set(err, "%s is not installed (Debian: "
				 "qemu-system-x86): cannot boot a kernel",
				 VM_QEMU);
	return 0;
}

const char *vm_accelerator(enum vm_clock clock)
{
	int fd;

	if (clock == VM_CLOCK_ICOUNT)
		return "tcg";
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	return "kvm";
}

static int listen_socket(struct vm_guest *g, struct error *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	vm_guest_path(g, "channel", a.sun_path, sizeof(a.sun_path));
	g->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g->listen_fd < 0 ||
	    bind(g->listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(g->listen_fd, 1) < 0)
		return error_set(err, "cannot listen on %s: %s", a.sun_path,
				 strerror(errno));
	return 0;
}

/* What a boot under TCG spends most of its time on is busy-waiting,
 * each wait emulated instruction by instruction: calibrating the local
 * APIC timer against the tick (25 jiffies of rdtsc and pause), then
 * checking that the timer interrupt works (another few jiffies).  Without
 * them the kernel keeps its timer events on the HPET, as it does on
 * machines without a usable local APIC timer; the stack under test does
 * not see the difference.  (The crypto self-tests, skipped under any
 * accelerator by cryptomgr.notests, are the other big wait.)  Together
 * a boot went from about 10 s of host time to 3.5 s (bench/README.md).
 */
static const char tcg_boot[] = " noapictimer no_timer_check";

static void exec_qemu(const struct vm_guest *g, const char *kernel,
		      enum vm_clock clock, const char *extra)
{
	char initrd[PATH_MAX + 16], console[PATH_MAX + 16], chardev[PATH_MAX + 64];
	char append[1024], sock[PATH_MAX];
	const char *accel = vm_accelerator(clock);
	bool icount = clock != VM_CLOCK_REAL && !strcmp(accel, "tcg");
	char *argv[40];
	int n = 0;

	snprintf(initrd, sizeof(initrd), "%s/initrd", g->dir);
	snprintf(console, sizeof(console), "file:%s/console", g->dir);
	snprintf(chardev, sizeof(chardev), "socket,id=channel,path=%s",
		 vm_guest_path(g, "channel", sock, sizeof(sock)));
	snprintf(append, sizeof(append), "console=ttyS0 panic=-1 oops=panic "
		 "quiet loglevel=4 mitigations=off cryptomgr.notests%s "
		 "rdinit=/init%s%s", strcmp(accel, "tcg") ? "" : tcg_boot,
		 extra ? " " : "", extra ? extra : "");
	argv[n++] = VM_QEMU;
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-no-reboot";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-accel";
	argv[n++] = (char *)accel;
	argv[n++] = "-smp";
	argv[n++] = "1";
	argv[n++] = "-m";
	argv[n++] = "512";
	if (icount) {
		argv[n++] = "-icount";
		argv[n++] = "shift=0,align=off,sleep=off";
		/* The same date at every boot, on the virtual clock: the
		 * host's time would seed the guest's randomness and differ.
		 */
		argv[n++] = "-rtc";
		argv[n++] = "base=2024-01-01T00:00:00,clock=vm";
	}
	argv[n++] = "-serial";
	argv[n++] = console;
	argv[n++] = "-device";
	/* Kicks handled on the vCPU, when the guest makes them, not by
	 * the main loop whenever the host gets to them: in virtual time
	 * the guest must not see the host's timing.
	 */
	argv[n++] = "virtio-serial-pci,ioeventfd=off";
	argv[n++] = "-chardev";
	argv[n++] = chardev;
	argv[n++] = "-device";
	argv[n++] = "virtserialport,chardev=channel,name=tcpcheck";
	argv[n++] = "-kernel";
	argv[n++] = (char *)kernel;
	argv[n++] = "-initrd";
	argv[n++] = initrd;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n] = NULL;
	execvp(argv[0], argv);
}

int vm_guest_boot(struct vm_guest *g, const char *kernel,
		  enum vm_clock clock, const char *extra, struct error *err)
{
	char log[PATH_MAX + 16];
	pid_t parent = getpid();

	if (listen_socket(g, err) < 0)
		return -1;
	vm_guest_path(g, "qemu.log", log, sizeof(log));
	g->pid = fork();
	if (g->pid < 0) {
		g->pid = 0;
		return error_set(err, "fork: %s", strerror(errno));
	}
	if (g->pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		setpgid(0, 0);
		dup2(null, 0);
		dup2(out >= 0 ? out : null, 1);
		dup2(out >= 0 ? out : null, 2);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		exec_qemu(g, kernel, clock, extra);
		_exit(127);
	}
	return 0;
}

int vm_guest_pollfd(const struct vm_guest *g)
{
	return g->fd >= 0 ? g->fd : g->listen_fd;
}

int vm_guest_read(struct vm_guest *g, struct error *err)
{
	uint8_t buf[65536];
	ssize_t n;

	if (g->fd < 0) {
		g->fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (g->fd < 0)
			return errno == EAGAIN || errno == EINTR ? 0 :
				error_set(err, "accept: %s", strerror(errno));
		close(g->listen_fd);
		g->listen_fd = -1;
		return 0;
	}
	n = read(g->fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 :
			error_set(err, "reading the guest: %s", strerror(errno));
	if (n == 0) {
		g->eof = true;
		close(g->fd);
		g->fd = -1;
		return 0;
	}
	if (frame_reader_feed(&g->reader, buf, (size_t)n) < 0)
		return error_set(err, "out of memory");
	return 0;
}

void vm_guest_ack(struct vm_guest *g)
{
	/* qemu may be gone already: no SIGPIPE for that. */
	if (g->fd >= 0)
		(void)!send(g->fd, "A", 1, MSG_NOSIGNAL);
}

bool vm_guest_exited(struct vm_guest *g)
{
	int status;

	if (g->pid <= 0)
		return true;
	if (waitpid(g->pid, &status, WNOHANG) != g->pid)
		return false;
	g->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) :
		128 + WTERMSIG(status);
	g->pid = 0;
	return true;
}

/* Where the story of a crash begins in text: the first line that says
 * panic, oops or BUG, or NULL.
 */
static const char *crash_start(const char *text)
{
	static const char *const markers[] = {
		"sysrq: Trigger a crash", "BUG:", "Oops", "general protection",
		"Kernel panic", "WARNING:",
	};
	const char *first = NULL;

	for (size_t i = 0; i < sizeof(markers) / sizeof(*markers); i++) {
		const char *at = strstr(text, markers[i]);

		if (at && (!first || at < first))
			first = at;
	}
	while (first && first > text && first[-1] != '\n')
		first--;
	return first;
}

char *vm_guest_console_tail(const struct vm_guest *g, int lines, size_t max)
{
	char path[PATH_MAX + 16], *text, *out;
	const char *from;
	uint8_t *data = NULL;
	size_t len = 0;
	struct error err;
	int n = 0;

	vm_guest_path(g, "console", path, sizeof(path));
	if (read_whole(path, &data, &len, &err) < 0)
		return NULL;
	text = (char *)data;
	text[len] = '\0';
	for (char *p = text; *p; p++)
		if (*p == '\r' || (*p != '\n' && (unsigned char)*p < ' '))
			*p = ' ';
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	/* The crash's first lines if it says where it began, else the last. */
	from = crash_start(len > max * 4 ? text + len - max * 4 : text);
	if (!from) {
		from = text + len;
		while (from > text && n <= lines && (size_t)(text + len - from) < max)
			if (*--from == '\n')
				n++;
		if (*from == '\n')
			from++;
	}
	n = 0;
	for (const char *p = from; *p && (size_t)(p - from) < max; p++)
		if (*p == '\n' && ++n == lines) {
			out = strndup(from, (size_t)(p - from));
			free(data);
			return out;
		}
	out = strndup(from, max);
	free(data);
	return out;
}

void vm_guest_stop_process(struct vm_guest *g)
{
	if (g->pid > 0)
		kill(g->pid, SIGKILL);
}

void vm_guest_stop(struct vm_guest *g)
{
	if (g->pid > 0) {
		kill(g->pid, SIGKILL);
		while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
			;
		g->pid = 0;
	}
	if (g->fd >= 0)
		close(g->fd);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	g->fd = g->listen_fd = -1;
	frame_reader_free(&g->reader);
	if (g->dir[0])
		remove_tree(g->dir);
	g->dir[0] = '\0';
}
