/*
 * tcp_info.h - naming the fields of the kernel's struct tcp_info.
 *
 * Code blocks (%{ ... }%) see a snapshot of TCP_INFO as Python variables
 * named like the struct's members (tcpi_snd_cwnd, ...).  This file knows
 * the layout; code.c only moves bytes and text.
 */
#ifndef TCPCHECK_TCP_INFO_H
#define TCPCHECK_TCP_INFO_H

#include <stddef.h>
#include <stdio.h>

/* The largest TCP_INFO this build asks the kernel for. */
#define TCP_INFO_MAX 512

/* Write `'tcpi_name': value,` entries (a Python dict body) for every field
 * that lies within the len bytes the kernel returned.
 */
void tcp_info_write_python(const unsigned char *info, size_t len, FILE *out);

/* Write Python assignments of the constants scripts compare against
 * (TCPI_OPT_*, TCP_CA_*, TCP_INFINITE_SSTHRESH, TCP states).
 */
void tcp_info_write_constants(FILE *out);

#endif /* TCPCHECK_TCP_INFO_H */
