/*
 * cpio.h - writing the kernel's initramfs format (cpio "newc").
 *
 * Archives may be concatenated: the kernel unpacks each in turn, so the
 * cached part of an initramfs (programs, libraries, modules) and the part
 * of one run (its scripts and command line) are written separately.
 */
#ifndef TCPCHECK_VM_CPIO_H
#define TCPCHECK_VM_CPIO_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

struct cpio {
	FILE *out;
	unsigned ino;
	char **dirs;		/* folders written already */
	size_t dir_count;
	int failed;
};

void cpio_open(struct cpio *c, FILE *out);
/* A file at path in the archive (its folders first), with mode. */
void cpio_data(struct cpio *c, const char *path, unsigned mode,
	       const void *data, size_t len);
/* A host file, as a regular file at path. */
int cpio_file(struct cpio *c, const char *path, const char *host_path,
	      unsigned mode, struct error *err);
void cpio_dir(struct cpio *c, const char *path);
void cpio_symlink(struct cpio *c, const char *path, const char *target);
/* The trailer; 0, or -1 with err when writing failed. */
int cpio_close(struct cpio *c, struct error *err);

#endif /* TCPCHECK_VM_CPIO_H */
