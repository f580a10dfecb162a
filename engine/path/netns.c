/*
 * netns.c - entering a private network namespace (see netns.h).
 *
 * unshare(2) rather than `ip netns add`: the namespace is anonymous, so it
 * needs no name, no bind mount under /run/netns, and no cleanup step that a
 * crash could skip.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
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

int netns_enter_private(bool private_sysfs, struct error *err)
{
	if (unshare(CLONE_NEWNET) < 0) {
		error_set_errno(err, "cannot create a network namespace "
				"(unshare(CLONE_NEWNET); tcpcheck needs root "
				"or CAP_SYS_ADMIN)");
		return OUTCOME_ENVIRONMENT;
	}
	if (private_sysfs)
		remount_sysfs();
	if (netif_set_up("lo", err) < 0)
		return OUTCOME_ENVIRONMENT;
	return OUTCOME_OK;
}
