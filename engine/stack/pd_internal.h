/*
 * pd_internal.h - the state pd_plugin.c and pd_backend.c share.
 */
#ifndef TCPCHECK_PD_INTERNAL_H
#define TCPCHECK_PD_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "stack/pd_interface.h"
#include "stack/pd_plugin.h"

#define PD_PACKET_MAX 65536

struct pd_packet;

struct pd_plugin {
	struct pd_table t;		/* what the stack filled in */
	struct packet_path path;
	struct syscall_backend backend;
	struct syscall_backend_ops ops;
	pthread_t thread;		/* the collector */
	bool stopping;
	int event_fd;			/* readable while a packet waits */
	pthread_mutex_t lock;		/* the queue */
	struct pd_packet *queue;
	int head, count;
};

/* Fill p->ops from the calls the stack has and point p->backend at it. */
void pd_backend_init(struct pd_plugin *p);

#endif /* TCPCHECK_PD_INTERNAL_H */
