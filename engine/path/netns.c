/*
 * netns.c - entering a private network namespace (see netns.h).
 *
 * unshare(2) rather than `ip netns add`: the namespace is anonymous, so it
 * needs no name, no bind mount under /run/netns, and no cleanup step that a
 * crash could skip.  Without root it is made inside a user namespace of
 * the run's own (unprivileged user namespaces and a /dev/net/tun open to
 * users are then all it needs).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "path/netns.h"

int netif_set_up(const char *name, struct error *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return error_set_errno(err, "socket(AF_INET, SOCK_DGRAM)");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		error_set_errno(err, "reading the flags of %s", name);
		close(fd);
		return -1;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		error_set_errno(err, "bringing %s up", name);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* A private /sys shows this namespace's devices to the script's shell
 * commands.  Failing here is not fatal: only /sys/class/net would be
 * stale, and few scripts look there.
 */
static void remount_sysfs(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return;
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return;
	if (umount2("/sys", MNT_DETACH) == 0 || errno == EINVAL)
		mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		      NULL);
}

#define USERNS_HOW_TO "run as root, or allow unprivileged user namespaces " \
	"(sysctl user.max_user_namespaces=N with N > 0; on Debian and " \
	"Ubuntu also kernel.unprivileged_userns_clone=1 and, on Ubuntu, " \
	"kernel.apparmor_restrict_unprivileged_userns=0)"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* Become root of a new user namespace: our uid and gid map to 0. */
static int enter_user_namespace(struct error *err)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (unshare(CLONE_NEWUSER) < 0)
		return error_set_errno(err, "cannot create a user namespace "
				       "without root (unshare(CLONE_NEWUSER)); "
				       USERNS_HOW_TO);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return error_set_errno(err, "writing /proc/self/uid_map");
	if (write_file("/proc/self/setgroups", "deny\n") < 0 && errno != ENOENT)
		return error_set_errno(err, "writing /proc/self/setgroups");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return error_set_errno(err, "writing /proc/self/gid_map");
	return 0;
}

int netns_userns_probe(struct error *err)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return error_set_errno(err, "fork");
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0 ? errno & 0xff : 0);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	errno = WIFEXITED(status) ? WEXITSTATUS(status) : EPERM;
	return error_set_errno(err, "not root, and this machine does not let "
			       "an ordinary user create a user and network "
			       "namespace (unshare(CLONE_NEWUSER|CLONE_NEWNET)); "
			       USERNS_HOW_TO);
}

bool netns_in_user_namespace(void)
{
	char line[128] = "";
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return false;
	return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

int netns_enter_private(bool private_sysfs, struct error *err)
{
	if (geteuid() != 0 && enter_user_namespace(err) < 0)
		return OUTCOME_ENVIRONMENT;
	if (unshare(CLONE_NEWNET) < 0) {
		error_set_errno(err, "cannot create a network namespace "
				"(unshare(CLONE_NEWNET)); " USERNS_HOW_TO);
		return OUTCOME_ENVIRONMENT;
	}
	if (private_sysfs)
		remount_sysfs();
	if (netif_set_up("lo", err) < 0)
		return OUTCOME_ENVIRONMENT;
	return OUTCOME_OK;
}
