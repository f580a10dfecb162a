/*
 * test_host_sysctl.c - recording and restoring global sysctls, on a
 * directory laid out like /proc/sys (so the host is never touched).
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/host_sysctl.h"
#include "tap.h"

static char root[] = "/tmp/test_host_sysctl.XXXXXX";

static void put(const char *path, const char *value, mode_t mode)
{
	char full[512], dir[512];
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - full), full);
		mkdir(dir, 0755);
	}
	chmod(full, 0644);
	f = fopen(full, "w");
	if (f) {
		fputs(value, f);
		fclose(f);
	}
	chmod(full, mode);
}

static char *get(const char *path)
{
	static char buf[256];
	char full[512];
	FILE *f;
	size_t n = 0;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	f = fopen(full, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

int main(void)
{
	struct host_sysctls *rec = NULL;
	struct error err;
	char *trace = NULL;
	size_t trace_len = 0;
	FILE *out;
	int changed;

	if (!mkdtemp(root))
		return 1;
	put("kernel/msgmax", "8192\n", 0644);
	put("vm/swappiness", "60\n", 0644);
	put("kernel/read_only", "1\n", 0444);
	put("kernel/ns_last_pid", "100\n", 0644);
	put("net/ipv4/tcp_sack", "1\n", 0644);
	put("net/ipv4/tcp_allowed_congestion_control", "reno bbr\n", 0644);

	tap_ok(host_sysctls_record(root, &rec, &err) == 0 && rec,
	       "record succeeds");
	put("kernel/msgmax", "1\n", 0644);
	put("net/ipv4/tcp_sack", "0\n", 0644);
	put("net/ipv4/tcp_allowed_congestion_control", "reno bbr cubic\n", 0644);
	put("kernel/ns_last_pid", "200\n", 0644);

	out = open_memstream(&trace, &trace_len);
	changed = host_sysctls_restore(rec, out);
	fclose(out);
	tap_is_int(changed, 2, "two global sysctls had changed");
	tap_is_str(get("kernel/msgmax"), "8192\n", "kernel.msgmax restored");
	tap_is_str(get("net/ipv4/tcp_allowed_congestion_control"), "reno bbr\n",
		   "the allowed congestion controls restored");
	tap_is_str(get("net/ipv4/tcp_sack"), "0\n",
		   "a per-namespace net sysctl is not the host's: left alone");
	tap_is_str(get("kernel/ns_last_pid"), "200\n",
		   "a volatile sysctl is left alone");
	tap_is_str(get("vm/swappiness"), "60\n", "an unchanged one stays");
	tap_ok(trace && strstr(trace, "host sysctl kernel.msgmax was changed "
			       "to '1': restored '8192'\n"),
	       "the trace says what was restored");
	tap_ok(trace && strstr(trace, "net.ipv4.tcp_allowed_congestion_control"),
	       "and names the congestion controls");

	/* Nothing changed since: nothing to say. */
	free(trace);
	trace = NULL;
	out = open_memstream(&trace, &trace_len);
	changed = host_sysctls_restore(rec, out);
	fclose(out);
	tap_is_int(changed, 0, "a second restore finds nothing changed");
	tap_is_int((long)trace_len, 0, "and prints nothing");
	free(trace);

	/* A value that cannot be written back is reported, not fatal. */
	put("vm/swappiness", "10\n", 0444);
	trace = NULL;
	out = open_memstream(&trace, &trace_len);
	changed = host_sysctls_restore(rec, out);
	fclose(out);
	if (geteuid() != 0) {
		tap_is_int(changed, 1, "a read-only change is counted");
		tap_ok(trace && strstr(trace, "cannot be restored"),
		       "and said to be beyond repair");
	}
	free(trace);
	host_sysctls_free(rec);

	tap_ok(host_sysctls_record("/nonexistent/dir", &rec, &err) == 0,
	       "a missing root records nothing, without failing");
	tap_is_int(host_sysctls_restore(rec, NULL), 0, "and restores nothing");
	host_sysctls_free(rec);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			tap_ok(0, "clean up %s", root);
	}
	return tap_done();
}
