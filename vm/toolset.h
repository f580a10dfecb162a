/*
 * toolset.h - the host files the guest needs, found once and remembered.
 *
 * The tools part of the initramfs holds busybox, tcpcheck, the few host
 * programs a script's commands call, a python3 for code blocks, and every
 * library any of them loads.  Finding that set runs ldd, ldconfig and
 * python3 on the host, which costs seconds; so the set found is written
 * to a record in the cache folder, named by what decided it (tcpcheck's
 * own binary, the programs PATH gives, the loader's cache), and later
 * runs take it from there after checking that no file in it changed
 * (size, time, inode).  A record that is missing, unreadable, torn or
 * stale is simply found again.
 */
#ifndef TCPCHECK_VM_TOOLSET_H
#define TCPCHECK_VM_TOOLSET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

#define TOOLSET_MAX 1024

/* What a file was when the set was found: a change means find again. */
struct file_stamp {
	uint64_t ino, size;
	int64_t mtime_sec, mtime_nsec;
};

struct toolset {
	char *host[TOOLSET_MAX];	/* where on the host */
	char *guest[TOOLSET_MAX];	/* where in the guest */
	unsigned mode[TOOLSET_MAX];
	struct file_stamp stamp[TOOLSET_MAX];
	size_t count;
	char python_home[4096];		/* PYTHONHOME, or "" */
};

/* The set for this host: from its record if still true, else found and
 * recorded.  0, or -1 with err (busybox missing, ldd failing...).
 */
int toolset_get(struct toolset *s, struct error *err);

void toolset_free(struct toolset *s);

/* Chains the set (paths, modes, stamps, PYTHONHOME) into h. */
uint64_t toolset_hash(const struct toolset *s, uint64_t h);

/* The record's text: for tests and the fuzzer.  toolset_parse fills s
 * from text (len bytes) and checks every stamp against the file; 0 if
 * the record is whole and true, -1 otherwise (s left empty).
 */
int toolset_parse(struct toolset *s, const char *text, size_t len);
char *toolset_format(const struct toolset *s);	/* malloc'd, or NULL */

/* Adds one file with its stamp; 0, or -1 (full, unreadable, bad name). */
int toolset_add(struct toolset *s, const char *host, const char *guest,
		unsigned mode);

#endif /* TCPCHECK_VM_TOOLSET_H */
