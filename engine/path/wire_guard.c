/*
 * wire_guard.c - the nftables table that keeps this host's stack out of a
 * wire-mode test (see wire_guard.h).
 *
 * nft(8) reads the table from a pipe; nothing else on the host changes.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
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

/* Feed input to `nft -f -`, its output into out (size bytes, or NULL);
 * 0 when it exits 0, else -1 with err.
 */
static int run_nft(const char *input, char *out, size_t size,
		   struct error *err)
{
	int in[2], back[2], status;
	pid_t pid;
	size_t len = strlen(input), used = 0;

	if (pipe2(in, O_CLOEXEC) < 0)
		return error_set_errno(err, "pipe2");
	if (pipe2(back, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return error_set_errno(err, "pipe2");
	}
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(back[1], 1);
		signal(SIGPIPE, SIG_DFL);
		execlp("nft", "nft", "-f", "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(back[1]);
	if (pid > 0) {
		void (*was)(int) = signal(SIGPIPE, SIG_IGN);

		if (write(in[1], input, len) != (ssize_t)len) {
			/* nft failed early; its status says why. */
		}
		signal(SIGPIPE, was);
		close(in[1]);
		for (ssize_t n = 1; n > 0;) {
			char discard[256];
			bool room = out && used + 1 < size;

			n = read(back[0], room ? out + used : discard,
				 room ? size - 1 - used : sizeof(discard));
			if (n > 0 && room)
				used += (size_t)n;
		}
	} else {
		close(in[1]);
	}
	close(back[0]);
	if (out)
		out[used] = '\0';
	if (pid < 0)
		return error_set_errno(err, "fork");
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

/* A tcpcheck killed outright (SIGKILL) could not remove its table: the
 * next run removes those whose process is gone.
 */
static void remove_stale(void)
{
	static const char prefix[] = "table netdev tcpcheck_wire_";
	char tables[8192], command[128];
	struct error ignored;
	const char *at = tables;

	if (run_nft("list tables\n", tables, sizeof(tables), &ignored) < 0)
		return;
	while ((at = strstr(at, prefix))) {
		long pid = strtol(at + sizeof(prefix) - 1, NULL, 10);

		at += sizeof(prefix) - 1;
		if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(command, sizeof(command),
			 "delete table netdev tcpcheck_wire_%ld\n", pid);
		run_nft(command, NULL, 0, &ignored);
	}
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
	remove_stale();
	if (run_nft(rules, NULL, 0, err) < 0) {
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
	run_nft(command, NULL, 0, &ignored);
	free(guard);
}
