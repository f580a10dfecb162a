/*
 * tun.c - TUN device packet path (see tun.h and packet_path.h).
 *
 * Everything is configured with ioctls on the device and on a socket,
 * not by running `ip`: it is faster (per-script set-up is on the critical
 * path of every run) and leaves no dependency on iproute2's output format.
 * The device is created with IFF_NO_PI, so each read or write is exactly
 * one IP datagram, and with IFF_VNET_HDR and TSO offloads, as packetdrill
 * does: the kernel then hands over TSO/GSO super-packets the way it would
 * to a real NIC, which is what upstream scripts expect (`> P. 1:10001
 * (10000)`), and leaves their TCP checksums for the "hardware" to finish.
 *
 * Packet times are the kernel's (kernel_stamps.c): a datagram read from
 * the descriptor gets the time the stack handed it to tun0, not the time
 * the runner read it, and an injected one is paired with the time the
 * stack took it in.  Where the packet socket cannot be had, times are
 * taken on reading, and -v says so.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/clock.h"
#include "path/kernel_stamps.h"
#include "path/netns.h"
#include "pkt/packet.h"
#include "path/tun.h"

struct tun_path {
	struct packet_path base;	/* first: the engine sees only this */
	int fd;
	struct kernel_stamps *stamps;	/* NULL: times taken on reading */
	char time_source[256];
};

/* The kernel's struct in6_ifreq (linux/ipv6.h clashes with glibc). */
struct tun_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefix_len;
	int ifindex;
};

/* The virtio-net header of an injected TCP datagram under --mss, built as
 * packetdrill's TUN write builds it, so that the stack gets the same
 * sk_buff: gso_type TCPV4 or TCPV6 and gso_size the --mss on every TCP
 * datagram, whatever its length (the kernel's virtio_net_hdr_to_skb()
 * makes only one longer than gso_size past its headers a GSO packet),
 * no flags (the checksum is complete, so no NEEDS_CSUM: the stack checks
 * it over the whole datagram), and hdr_len, csum_start and csum_offset
 * left 0.  hdr_len matters: with 0, tun_get_user() puts a bounded first
 * part of the datagram in the buffer's linear head (all of it before
 * Linux 6.6; 3712 bytes since) and the rest in page fragments, while a
 * header length would put all the payload in fragments; the memory the
 * kernel then charges
 * for the packet (its truesize) differs, and with it the receive window
 * the stack advertises and its receive-buffer tuning.
 */
static int gso_header(const uint8_t *packet, size_t len, uint16_t gso_size,
		      struct virtio_net_hdr *vnet, struct error *err)
{
	/* TCP may sit behind IPv6 extension headers: the kernel's flow
	 * dissector finds it there, or refuses the datagram.
	 */
	if (len >= 20 && (packet[0] >> 4) == 4 && packet[9] == IPPROTO_TCP)
		vnet->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	else if (len >= 40 && (packet[0] >> 4) == 6 &&
		 packet[6] != IPPROTO_UDP && packet[6] != IPPROTO_ICMPV6)
		vnet->gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	else
		return error_set(err, "only a TCP segment can be injected as "
				 "a receive-offload super-packet (--mss)");
	vnet->gso_size = gso_size;
	return 0;
}

static int tun_send(struct packet_path *path, const uint8_t *packet,
		    size_t len, uint16_t gso_size, int64_t *sent_ns,
		    struct error *err)
{
	struct tun_path *tun = (struct tun_path *)path;
	struct virtio_net_hdr vnet = { .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	struct iovec iov[2] = {
		{ .iov_base = &vnet, .iov_len = sizeof(vnet) },
		{ .iov_base = (void *)packet, .iov_len = len },
	};
	ssize_t n;

	if (gso_size && gso_header(packet, len, gso_size, &vnet, err) < 0)
		return -1;
	*sent_ns = clock_now_ns();
	n = writev(tun->fd, iov, 2);
	if (n < 0)
		return error_set_errno(err, "writing a packet to the TUN device");
	if ((size_t)n != len + sizeof(vnet))
		return error_set(err, "short write to the TUN device: %zd of %zu bytes",
				 n, len);
	/* The stack takes a datagram in within the write, so its record is
	 * there now.
	 */
	path->last_taken_ns = 0;
	if (tun->stamps)
		kernel_stamps_incoming(tun->stamps, packet, len,
				       &path->last_taken_ns);
	return 0;
}

/* Do what a NIC does with a segment the kernel left partially
 * checksummed: sum from csum_start to the end (the checksum field holds
 * the pseudo-header's sum) and store the result at csum_offset.
 */
static void finish_checksum(const struct virtio_net_hdr *vnet, uint8_t *buf,
			    size_t len)
{
	size_t start = vnet->csum_start, at = start + vnet->csum_offset;
	uint16_t sum;

	if (!(vnet->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || at + 2 > len ||
	    start >= len)
		return;
	sum = checksum_fold(checksum_add(0, buf + start, len - start));
	buf[at] = (uint8_t)(sum >> 8);
	buf[at + 1] = (uint8_t)sum;
}

static int tun_receive(struct packet_path *path, uint8_t *buf, size_t cap,
		       size_t *len, int64_t *at_ns, int64_t deadline_ns,
		       struct error *err)
{
	struct tun_path *tun = (struct tun_path *)path;

	for (;;) {
		struct virtio_net_hdr vnet;
		struct iovec iov[2] = {
			{ .iov_base = &vnet, .iov_len = sizeof(vnet) },
			{ .iov_base = buf, .iov_len = cap },
		};
		ssize_t n = readv(tun->fd, iov, 2);

		if (n >= (ssize_t)sizeof(vnet)) {
			path->last_read_ns = clock_now_ns();
			*len = (size_t)n - sizeof(vnet);
			/* Paired before the checksum is finished: the
			 * kernel's record has the bytes as it sent them.
			 */
			path->last_kernel_time = tun->stamps &&
				kernel_stamps_outgoing(tun->stamps, buf, *len,
						       at_ns);
			if (!path->last_kernel_time)
				*at_ns = path->last_read_ns;
			finish_checksum(&vnet, buf, *len);
			path->last_gso_size =
				vnet.gso_type == VIRTIO_NET_HDR_GSO_NONE ? 0 :
				vnet.gso_size;
			return PATH_RECEIVED;
		}
		if (n >= 0)
			return error_set(err, "a %zd-byte read from the TUN device "
					 "is shorter than its header", n);
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

	kernel_stamps_close(tun->stamps);
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
	/* The padding only quiets memory checkers, which take these ioctls
	 * for their IPv4 forms and read a struct ifreq or rtentry's worth.
	 */
	union {
		struct tun_in6_ifreq r;
		struct ifreq pad;
	} req6;
	union {
		struct in6_rtmsg r;
		struct rtentry pad;
	} route6;
	struct tun_in6_ifreq *ifr6 = &req6.r;
	struct in6_rtmsg *rt = &route6.r;
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
	memset(&req6, 0, sizeof(req6));
	ifr6->addr = plan->local_ip.u.v6;
	ifr6->prefix_len = (uint32_t)plan->prefix_len;
	ifr6->ifindex = (int)if_nametoindex(plan->device);
	if (ioctl(sock, SIOCSIFADDR, ifr6) < 0) {
		error_set_errno(err, "assigning %s its IPv6 address", plan->device);
		goto out;
	}
	memset(&route6, 0, sizeof(route6));
	rt->rtmsg_dst = plan->remote_ip.u.v6;
	rt->rtmsg_dst_len = 128;
	rt->rtmsg_metric = 1;
	rt->rtmsg_flags = RTF_UP | RTF_HOST;
	rt->rtmsg_ifindex = ifr6->ifindex;
	if (ioctl(sock, SIOCADDRT, rt) < 0 && errno != EEXIST) {
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
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		error_set_errno(err, "cannot create TUN device %s", name);
		close(fd);
		return -1;
	}
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
		  TUN_F_TSO_ECN) < 0) {
		error_set_errno(err, "cannot enable TSO on %s", name);
		close(fd);
		return -1;
	}
	/* Persistent, closing the descriptor leaves the device alone: it
	 * goes with the private namespace, which the kernel dismantles after
	 * the runner has exited, instead of in close(), which would wait
	 * some 20 ms for the unregistration.  Nothing outlives the
	 * namespace: a TUN device is deleted with it, never moved to the
	 * host's.  Without the flag the close() does the work as before.
	 */
	ioctl(fd, TUNSETPERSIST, 1);
	return fd;
}

int tun_probe(struct error *err)
{
	unsigned int features = 0;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return error_set(err, "cannot open /dev/net/tun: %s%s",
				 strerror(errno), errno == ENOENT ?
				 " (is the tun module loaded?)" :
				 errno == EACCES ? " (without root the device "
				 "must be open to users: chmod 0666 "
				 "/dev/net/tun, as most distributions ship it)" :
				 "");
	/* Asks the driver without attaching a device: a file that is not
	 * the TUN driver (e.g. /dev/null mounted over it) refuses.
	 */
	rc = ioctl(fd, TUNGETFEATURES, &features);
	if (rc == 0 && !(features & IFF_TUN)) {
		errno = ENODEV;
		rc = -1;
	}
	if (rc < 0) {
		error_set_errno(err, "/dev/net/tun is not a usable TUN device");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Kernel timestamps when the packet socket can be had; otherwise the run
 * goes on with times taken on reading, and says so under -v.
 */
static void use_kernel_times(struct tun_path *tun, const char *device)
{
	struct error why;

	if (kernel_stamps_open(device, &tun->stamps, &why) == 0)
		snprintf(tun->time_source, sizeof(tun->time_source),
			 "the kernel's (a packet socket on %.16s)", device);
	else
		snprintf(tun->time_source, sizeof(tun->time_source),
			 "taken on reading %s (no kernel timestamps: %.160s)",
			 device, why.text);
	tun->base.time_source = tun->time_source;
}

int tun_path_open(const struct net_plan *plan, bool kernel_times,
		  struct packet_path **out, struct error *err)
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
	if (kernel_times)
		use_kernel_times(tun, plan->device);
	*out = &tun->base;
	return OUTCOME_OK;
}
