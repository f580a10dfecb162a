/*
 * pcap_dl.h - libpcap, loaded only when a run needs it.
 *
 * tcpcheck is not linked with libpcap (see pcap_dl.c for why): the
 * libpcap functions the engine calls are defined in pcap_dl.c and load
 * the library on first use.  Callers use <pcap/pcap.h> as usual; a
 * library that cannot be loaded makes pcap_create() fail with a message.
 */
#ifndef TCPCHECK_PCAP_DL_H
#define TCPCHECK_PCAP_DL_H

#include <stdbool.h>

#include "core/error.h"

/* Load libpcap now, so that the processes forked afterwards find it
 * loaded instead of each loading it.  0, or -1 with err.
 */
int pcap_dl_load(struct error *err);

#endif /* TCPCHECK_PCAP_DL_H */
