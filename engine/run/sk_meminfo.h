/*
 * sk_meminfo.h - naming the kernel's SO_MEMINFO counters.
 *
 * getsockopt(SOL_SOCKET, SO_MEMINFO) fills an array of 32-bit counters
 * indexed by the SK_MEMINFO_* enumeration of <linux/sock_diag.h>, the
 * socket's memory accounting that `ss -m` prints as skmem:(r,rb,t,tb,f,w,
 * o,bl,d).  Code blocks (%{ ... }%) see each counter of their snapshot as
 * a Python variable named like its index, holding the value, as
 * packetdrill's code blocks have them: SK_MEMINFO_RMEM_ALLOC is the
 * memory charged for received data, SK_MEMINFO_RCVBUF the receive
 * buffer's limit, and so on.
 */
#ifndef TCPCHECK_SK_MEMINFO_H
#define TCPCHECK_SK_MEMINFO_H

#include <linux/sock_diag.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The counters this build knows, and asks the kernel for. */
#define SK_MEMINFO_COUNT SK_MEMINFO_VARS

/* Write `'SK_MEMINFO_name': value,` entries (a Python dict body) for
 * every counter within the len bytes the kernel returned.
 */
void sk_meminfo_write_python(const uint32_t *counters, size_t len, FILE *out);

#endif /* TCPCHECK_SK_MEMINFO_H */
