/*
 * wire_guard.c - the nftables table that keeps this host's stack out of a
 * wire-mode test (see wire_guard.h).
 *
 * nft(8) reads the table from a pipe; nothing else on the host changes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "path/wire_guard.h"

struct wire_guard {
	char table[64];
};

/* Feed input to `nft -f -`; 0 when it exits 0, else -1 with err. */
static int run_nft(const char *input, struct error *err)
{
	int in[2], status;
	pid_t pid;
	size_t len = strlen(input);

	if (pipe2(in, O_CLOEXEC) < 0)
		return error_set_errno(err, "pipe2");
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return error_set_errno(err, "fork");
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(in[0], 0);
		if (null >= 0)
			dup2(null, 1);
		signal(SIGPIPE, SIG_DFL);
		execlp("nft", "nft", "-f", "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], input, len) != (ssize_t)len) {
		/* nft failed early; its status says why. */
	}
	close(in[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_set_errno(err, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return error_set(err, "wire mode needs nft(8) (Debian: "
				 "nftables) to keep this host's stack out of "
				 "the test");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return error_set(err, "nft could not add the table that keeps "
				 "this host's stack out of the test (exit %d)",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int wire_guard_add(const struct net_plan *plan, struct wire_guard **out,
		   struct error *err)
{
	struct wire_guard *g = calloc(1, sizeof(*g));
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN], rules[1024];
	const char *ip = plan->local_ip.family == AF_INET6 ? "ip6" : "ip";

	*out = NULL;
	if (!g) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	snprintf(g->table, sizeof(g->table), "tcpcheck_wire_%ld",
		 (long)getpid());
	ip_addr_format(&plan->local_ip, local, sizeof(local));
	ip_addr_format(&plan->remote_ip, remote, sizeof(remote));
	snprintf(rules, sizeof(rules),
		 "table netdev %s {\n"
		 "  chain ingress {\n"
		 "    type filter hook ingress device \"%s\" priority -500;\n"
		 "    %s saddr %s %s daddr %s drop\n"
		 "  }\n"
		 "}\n", g->table, plan->device, ip, local, ip, remote);
	if (run_nft(rules, err) < 0) {
		free(g);
		return OUTCOME_ENVIRONMENT;
	}
	*out = g;
	return OUTCOME_OK;
}

void wire_guard_remove(struct wire_guard *guard)
{
	char command[128];
	struct error ignored;

	if (!guard)
		return;
	snprintf(command, sizeof(command), "delete table netdev %s\n",
		 guard->table);
	run_nft(command, &ignored);
	free(guard);
}
