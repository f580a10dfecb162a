/*
 * modules.h - the kernel modules a guest loads, with what they depend on.
 *
 * A Debian package carries no modules.dep (depmod writes it at install
 * time), so the dependencies are read where depmod reads them: the
 * "depends=" entry of each module's .modinfo section.  Compressed modules
 * (.ko.xz, .ko.zst, .ko.gz) are decompressed on the host, since the
 * guest's busybox insmod may not read them.
 */
#ifndef TCPCHECK_VM_MODULES_H
#define TCPCHECK_VM_MODULES_H

#include <stddef.h>

#include "cpio.h"
#include "core/error.h"

#define GUEST_MODULE_LIST "/tcpcheck/modules.list"

/* Put the wanted modules that moddir has, their dependencies first, into
 * the archive under /tcpcheck/modules/, and their load order into
 * GUEST_MODULE_LIST.  A module moddir lacks is left out (the guest then
 * says what it cannot run); -1 with err only when one cannot be read.
 */
int modules_add(struct cpio *c, const char *moddir,
		const char *const *wanted, size_t count, struct error *err);

/* The "depends=" list of a module's bytes (a,b,c), or NULL if none:
 * points into data, *len its length.
 */
const char *modinfo_depends(const char *data, size_t size, size_t *len);

#endif /* TCPCHECK_VM_MODULES_H */
