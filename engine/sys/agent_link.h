/*
 * agent_link.h - tcpcheck's end of the control connection to an agent.
 *
 * Requests may come from two threads at once (the runner, and the worker
 * inside a blocking call); whichever waits reads the replies for both
 * (a leader reads, the other waits for its reply to be handed over), so
 * no thread of its own is needed and a reply wakes its caller directly.
 */
#ifndef TCPCHECK_AGENT_LINK_H
#define TCPCHECK_AGENT_LINK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent/proto.h"
#include "core/error.h"
#include "core/plan.h"

#define AGENT_LINK_SLOTS 4

struct agent_reply {
	uint32_t id;
	bool waiting, done;
	uint8_t *payload;
	uint32_t length;
};

struct agent_link {
	struct proto_channel ch;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool reading;			/* a caller is reading replies */
	pthread_t reader;		/* which */
	bool lost;
	char lost_why[200];
	uint32_t next_id;
	struct agent_reply slots[AGENT_LINK_SLOTS];
	bool commands;			/* the agent runs shell commands */
	char system[64];		/* its uname -s */
};

/* Connect and authenticate.  0, or -1 with err. */
int agent_link_open(struct agent_link *l, const struct net_plan *plan,
		    struct error *err);

/* Send a request (b has proto_buf_init()'s room) and wait for its
 * reply: 0 with *payload (free() it) and *len, or -1 when the
 * connection is lost.
 */
int agent_link_request(struct agent_link *l, uint8_t type,
		       struct proto_buf *b, uint8_t **payload, uint32_t *len);

/* Whether the connection is gone, checked now without waiting (the agent
 * may have died while no call was pending); marks it lost if so.
 */
bool agent_link_gone(struct agent_link *l);

/* Say goodbye (the agent cleans up), wait for its answer a few seconds
 * at most, and close.
 */
void agent_link_close(struct agent_link *l);

#endif /* TCPCHECK_AGENT_LINK_H */
