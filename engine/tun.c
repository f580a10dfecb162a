/*
 * tun.c - TUN device packet path (see tun.h and packet_path.h).
 *
 * Everything is configured with ioctls on the device and on a socket,
 * not by running `ip`: it is faster (per-script set-up is on the critical
 * path of every run) and leaves no dependency on iproute2's output format.
 * The device is created with IFF_NO_PI, so each read or write is exactly
 * one IP datagram.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "netns.h"
#include "tun.h"

struct tun_path {
	struct packet_path base;	/* first: the engine sees only this */
	int fd;
};

/* The kernel's struct in6_ifreq (linux/ipv6.h clashes with glibc). */
struct tun_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefix_len;
	int ifindex;
};

static int tun_send(struct packet_path *path, const uint8_t *packet,
		    size_t len, int64_t *sent_ns, struct error *err)
{
	struct tun_path *tun = (struct tun_path *)path;
	ssize_t n;

	*sent_ns = clock_now_ns();
	n = write(tun->fd, packet, len);
	if (n < 0)
		return error_set_errno(err, "writing a packet to the TUN device");
	if ((size_t)n != len)
		return error_set(err, "short write to the TUN device: %zd of %zu bytes",
				 n, len);
	return 0;
}

static int tun_receive(struct packet_path *path, uint8_t *buf, size_t cap,
		       size_t *len, int64_t *at_ns, int64_t deadline_ns,
		       struct error *err)
{
	struct tun_path *tun = (struct tun_path *)path;

	for (;;) {
		ssize_t n = read(tun->fd, buf, cap);

		if (n >= 0) {
			*at_ns = clock_now_ns();
			*len = (size_t)n;
			return PATH_RECEIVED;
		}
		if (errno == EINTR)
			return PATH_INTERRUPTED;
		if (errno != EAGAIN)
			return error_set_errno(err, "reading from the TUN device");

		int64_t left = deadline_ns - clock_now_ns();
		if (left <= 0)
			return PATH_TIMEOUT;
		struct pollfd pfd = { .fd = tun->fd, .events = POLLIN };
		int timeout_ms = (int)((left + 999999) / 1000000);
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			return PATH_INTERRUPTED;
		if (r < 0)
			return error_set_errno(err, "waiting for the TUN device");
	}
}

static int tun_wait_fd(struct packet_path *path)
{
	return ((struct tun_path *)path)->fd;
}

static void tun_close(struct packet_path *path)
{
	struct tun_path *tun = (struct tun_path *)path;

	if (tun->fd >= 0)
		close(tun->fd);
	free(tun);
}

static const struct packet_path_ops tun_ops = {
	.name = "tun",
	.send = tun_send,
	.receive = tun_receive,
	.wait_fd = tun_wait_fd,
	.close = tun_close,
};

static int write_proc(const char *path, const char *value, struct error *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return error_set_errno(err, "opening %s", path);
	if (write(fd, value, strlen(value)) < 0) {
		error_set_errno(err, "writing %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int ipv6_conf(const char *dev, const char *key, const char *value,
		     struct error *err)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", dev, key);
	return write_proc(path, value, err);
}

static int set_mtu(int sock, const char *dev, int mtu, struct error *err)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_mtu = mtu;
	if (ioctl(sock, SIOCSIFMTU, &ifr) < 0)
		return error_set_errno(err, "setting the MTU of %s to %d", dev, mtu);
	return 0;
}

static void fill_sin(struct sockaddr *sa, struct in_addr addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = addr };

	memcpy(sa, &sin, sizeof(sin));
}

static int configure_ipv4(const struct net_plan *plan, struct error *err)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	struct rtentry rt;
	struct in_addr mask;
	int rc = -1;

	if (sock < 0)
		return error_set_errno(err, "socket(AF_INET)");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", plan->device);
	fill_sin(&ifr.ifr_addr, plan->local_ip.u.v4);
	if (ioctl(sock, SIOCSIFADDR, &ifr) < 0) {
		error_set_errno(err, "assigning %s its address", plan->device);
		goto out;
	}
	mask.s_addr = plan->prefix_len ?
		htonl(~0u << (32 - plan->prefix_len)) : 0;
	fill_sin(&ifr.ifr_netmask, mask);
	if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0) {
		error_set_errno(err, "setting the netmask of %s", plan->device);
		goto out;
	}
	if (set_mtu(sock, plan->device, plan->mtu, err) < 0)
		goto out;
	if (netif_set_up(plan->device, err) < 0)
		goto out;

	/* A host route for the remote peer: scripts `ip route change` it. */
	memset(&rt, 0, sizeof(rt));
	fill_sin(&rt.rt_dst, plan->remote_ip.u.v4);
	mask.s_addr = 0xffffffff;
	fill_sin(&rt.rt_genmask, mask);
	rt.rt_flags = RTF_UP | RTF_HOST;
	rt.rt_dev = (char *)plan->device;
	if (ioctl(sock, SIOCADDRT, &rt) < 0 && errno != EEXIST) {
		error_set_errno(err, "adding a route to the remote address");
		goto out;
	}
	rc = 0;
out:
	close(sock);
	return rc;
}

static int configure_ipv6(const struct net_plan *plan, struct error *err)
{
	int sock = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct tun_in6_ifreq ifr6;
	struct in6_rtmsg rt;
	int rc = -1;

	if (sock < 0)
		return error_set_errno(err, "socket(AF_INET6)");
	/* Without this the address stays tentative for a second and
	 * bind() fails with EADDRNOTAVAIL.
	 */
	if (ipv6_conf(plan->device, "accept_dad", "0", err) < 0 ||
	    ipv6_conf(plan->device, "router_solicitations", "0", err) < 0)
		goto out;
	if (set_mtu(sock, plan->device, plan->mtu, err) < 0)
		goto out;
	if (netif_set_up(plan->device, err) < 0)
		goto out;
	memset(&ifr6, 0, sizeof(ifr6));
	ifr6.addr = plan->local_ip.u.v6;
	ifr6.prefix_len = (uint32_t)plan->prefix_len;
	ifr6.ifindex = (int)if_nametoindex(plan->device);
	if (ioctl(sock, SIOCSIFADDR, &ifr6) < 0) {
		error_set_errno(err, "assigning %s its IPv6 address", plan->device);
		goto out;
	}
	memset(&rt, 0, sizeof(rt));
	rt.rtmsg_dst = plan->remote_ip.u.v6;
	rt.rtmsg_dst_len = 128;
	rt.rtmsg_metric = 1;
	rt.rtmsg_flags = RTF_UP | RTF_HOST;
	rt.rtmsg_ifindex = ifr6.ifindex;
	if (ioctl(sock, SIOCADDRT, &rt) < 0 && errno != EEXIST) {
		error_set_errno(err, "adding a route to the remote IPv6 address");
		goto out;
	}
	rc = 0;
out:
	close(sock);
	return rc;
}

static int create_device(const char *name, struct error *err)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return error_set_errno(err, "cannot open /dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		error_set_errno(err, "cannot create TUN device %s", name);
		close(fd);
		return -1;
	}
	return fd;
}

int tun_path_open(const struct net_plan *plan, struct packet_path **out,
		  struct error *err)
{
	struct tun_path *tun;
	int rc;

	*out = NULL;
	tun = calloc(1, sizeof(*tun));
	if (!tun) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	tun->base.ops = &tun_ops;
	tun->fd = create_device(plan->device, err);
	if (tun->fd < 0) {
		free(tun);
		return OUTCOME_ENVIRONMENT;
	}
	if (plan->local_ip.family == AF_INET6) {
		rc = configure_ipv6(plan, err);
	} else {
		/* No IPv6 on an IPv4 test device: no router solicitations
		 * or MLD reports mixed into the captured traffic.
		 */
		rc = ipv6_conf(plan->device, "disable_ipv6", "1", err);
		if (rc == 0)
			rc = configure_ipv4(plan, err);
	}
	if (rc < 0) {
		tun_close(&tun->base);
		return OUTCOME_ENVIRONMENT;
	}
	*out = &tun->base;
	return OUTCOME_OK;
}
