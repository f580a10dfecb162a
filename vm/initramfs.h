/*
 * initramfs.h - the guest's whole file system, built on the host.
 *
 * Two concatenated archives: the tools (busybox-static; tcpcheck with
 * every library it loads, libpcap and libgcc_s that it dlopen()s
 * included; iproute2's nstat, ip and tc when the host has them; the
 * kernel's modules for TUN, virtio-serial, qdiscs and congestion
 * controls), cached under the cache folder by the names and stamps of
 * what goes in (toolset.h); then the run's own part: the scripts at their
 * host paths with the files beside them, the guest's command line and
 * working folder.
 */
#ifndef TCPCHECK_VM_INITRAMFS_H
#define TCPCHECK_VM_INITRAMFS_H

#include <stddef.h>

#include "core/error.h"
#include "image.h"

struct initramfs_request {
	const struct vm_image *img;
	const char *const *paths;	/* scripts and folders, as given */
	size_t path_count;
	char *const *argv;		/* the guest's command line */
	size_t argc;
	/* Leave tun.ko out (tests: a kernel without TUN). */
	int without_tun;
};

/* Write the initramfs to out; 0, or -1 with err. */
int initramfs_write(const struct initramfs_request *req, const char *out,
		    struct error *err);

#endif /* TCPCHECK_VM_INITRAMFS_H */
