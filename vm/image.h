/*
 * image.h - the kernel --kernel names: a bzImage (with --modules for its
 * modules) or a Debian linux-image-*.deb, unpacked once into the cache.
 */
#ifndef TCPCHECK_VM_IMAGE_H
#define TCPCHECK_VM_IMAGE_H

#include <limits.h>

#include "core/error.h"

struct vm_image {
	char kernel[PATH_MAX];		/* the bzImage to boot */
	char modules[PATH_MAX];		/* lib/modules/RELEASE, or "" */
};

/* 0, or -1 with err (the path is not a kernel, the package is corrupt). */
int vm_image_resolve(const char *path, const char *modules,
		     struct vm_image *img, struct error *err);

#endif /* TCPCHECK_VM_IMAGE_H */
