/*
 * host.h - small host chores for vm/: running a helper program, hashing
 * files by content, the cache folder, removing a temporary tree.
 */
#ifndef TCPCHECK_VM_HOST_H
#define TCPCHECK_VM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Run argv (searched in PATH) to completion; its output, if out is not
 * NULL, is collected into *out (malloc'd, NUL-terminated, *out_len bytes
 * when out_len is not NULL).  Returns its
 * exit status (0..255), or -1 with err when it could not be run.
 */
int host_run(char *const argv[], char **out, size_t *out_len,
	     struct error *err);

/* FNV-1a over bytes, chained through h (start with HASH_INIT). */
#define HASH_INIT 0xcbf29ce484222325ull
uint64_t hash_bytes(uint64_t h, const void *data, size_t len);
/* Over a file's contents; -1 with err if it cannot be read. */
int hash_file(const char *path, uint64_t *h, struct error *err);

/* $XDG_CACHE_HOME/tcpcheck/SUB or ~/.cache/tcpcheck/SUB, created. */
int cache_dir(const char *sub, char *buf, size_t size, struct error *err);

/* Removes the oldest files of dir whose names end in suffix (by their
 * time, which a use refreshes) until keep are left.
 */
void cache_prune(const char *dir, const char *suffix, int keep);

int make_dirs_for(const char *path);	/* mkdir -p of path's folder */
int make_dirs(const char *path);	/* mkdir -p */
void remove_tree(const char *path);	/* rm -rf, never following links */

/* A whole file into memory. */
int read_whole(const char *path, uint8_t **data, size_t *len,
	       struct error *err);

#endif /* TCPCHECK_VM_HOST_H */
