/*
 * host_sysctl.c - recording and restoring the host's global sysctls (see
 * host_sysctl.h).
 *
 * Which sysctls are global is decided by where they live, not by a list
 * of names: the kernel registers the tables under /proc/sys/net for each
 * network namespace and shows a process those of its own namespace only
 * (the ones it keeps for the host alone, such as net.core.rmem_max or
 * net.ipv4.tcp_mem, do not even exist in a runner's namespace, so a
 * script cannot write them).  Every other directory is one table for the
 * whole machine.  The exception is a value the kernel keeps outside any
 * namespace behind a per-namespace file; there is one today, listed in
 * shared_net below.  Comparing values seen from a fresh namespace with
 * the host's would not tell: most global and per-namespace values are
 * equal there.
 *
 * Only files we may read and write are recorded, and not those the
 * kernel changes by itself (volatile below), which a restore would
 * fight.  The walk stays on /proc/sys's own file system:
 * fs/binfmt_misc is a mount of another kind, not sysctls.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/host_sysctl.h"

#define VALUE_MAX 65536

/* Under net/ but one value for every namespace: setting the default
 * congestion control in any namespace also marks it allowed here.
 */
static const char *const shared_net[] = {
	"net/ipv4/tcp_allowed_congestion_control",
};

/* Writable, but changed by the kernel itself. */
static const char *const volatile_names[] = {
	"kernel/ns_last_pid",			/* every fork */
	"kernel/perf_event_max_sample_rate",	/* lowered under load */
	"kernel/tainted",			/* bits are only ever added */
};

struct host_sysctl {
	char *path;		/* relative to the root: kernel/msgmax */
	char *value;
	size_t len;
};

struct host_sysctls {
	int root_fd;
	struct host_sysctl *items;
	int count, capacity;
};

static bool listed(const char *path, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(path, list[i]))
			return true;
	return false;
}

/* The whole file, or NULL (unreadable, or out of memory).  Read into the
 * stack first: values are a few bytes, and a run reads two hundred.
 */
static char *read_value(int root_fd, const char *path, size_t *len)
{
	int fd = openat(root_fd, path, O_RDONLY | O_CLOEXEC);
	char small[4096];
	char *buf = small, *copy;
	size_t used = 0, cap = sizeof(small);

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;

		if (used == cap) {
			char *grown = cap >= VALUE_MAX ? NULL :
				realloc(buf == small ? NULL : buf, 2 * cap);

			if (!grown)
				break;	/* longer than any sysctl: cut */
			if (buf == small)
				memcpy(grown, small, used);
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				used = (size_t)-1;
			break;
		}
		used += (size_t)n;
	}
	close(fd);
	copy = used == (size_t)-1 ? NULL : malloc(used + 1);
	if (copy) {
		memcpy(copy, buf, used);
		copy[used] = '\0';
		*len = used;
	}
	if (buf != small)
		free(buf);
	return copy;
}

static int add(struct host_sysctls *rec, const char *path)
{
	struct host_sysctl *it;
	size_t len = 0;
	char *value = read_value(rec->root_fd, path, &len);

	if (!value)
		return 0;	/* write-only, or gone: nothing to keep */
	if (rec->count == rec->capacity) {
		int cap = rec->capacity ? 2 * rec->capacity : 256;
		struct host_sysctl *grown = realloc(rec->items,
						    (size_t)cap * sizeof(*grown));

		if (!grown) {
			free(value);
			return -1;
		}
		rec->items = grown;
		rec->capacity = cap;
	}
	it = &rec->items[rec->count];
	it->path = strdup(path);
	if (!it->path) {
		free(value);
		return -1;
	}
	it->value = value;
	it->len = len;
	rec->count++;
	return 0;
}

static int walk(struct host_sysctls *rec, const char *dir, dev_t dev)
{
	int fd = openat(rec->root_fd, *dir ? dir : ".",
			O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (rc == 0 && (e = readdir(d))) {
		struct stat st;
		char *path;

		if (e->d_name[0] == '.' || (!*dir && !strcmp(e->d_name, "net")))
			continue;
		if (asprintf(&path, "%s%s%s", dir, *dir ? "/" : "",
			     e->d_name) < 0) {
			rc = -1;
			break;
		}
		if (fstatat(rec->root_fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st.st_dev != dev) {
			/* gone, or another file system mounted here */
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(rec, path, dev);
		} else if (S_ISREG(st.st_mode) &&
			   (st.st_mode & (S_IRUSR | S_IWUSR)) ==
				   (S_IRUSR | S_IWUSR) &&
			   !listed(path, volatile_names,
				   sizeof(volatile_names) /
					   sizeof(*volatile_names))) {
			rc = add(rec, path);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

int host_sysctls_record(const char *root, struct host_sysctls **out,
			struct error *err)
{
	struct host_sysctls *rec = calloc(1, sizeof(*rec));
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (!rec)
		return error_set(err, "out of memory");
	rec->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rec->root_fd >= 0 && fstat(rec->root_fd, &st) == 0) {
		rc = walk(rec, "", st.st_dev);
		for (size_t i = 0; rc == 0 &&
		     i < sizeof(shared_net) / sizeof(*shared_net); i++)
			rc = add(rec, shared_net[i]);
	}
	if (rc < 0) {
		host_sysctls_free(rec);
		return error_set(err, "out of memory");
	}
	*out = rec;
	return 0;
}

static void name_of(const char *path, char *name, size_t size)
{
	snprintf(name, size, "%s", path);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '.';
}

/* One line for the trace: the value without its newline, cut short. */
static int shown(const char *value, size_t len)
{
	int n = (int)(len > 60 ? 60 : len);

	while (n > 0 && (value[n - 1] == '\n' || value[n - 1] == ' '))
		n--;
	return n;
}

static int write_value(int root_fd, const char *path, const char *value,
		       size_t len)
{
	int fd = openat(root_fd, path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, len);
	if (close(fd) < 0 || n != (ssize_t)len)
		return -1;
	return 0;
}

int host_sysctls_restore(const struct host_sysctls *rec, FILE *trace)
{
	int changed = 0;

	for (int i = 0; rec && i < rec->count; i++) {
		const struct host_sysctl *it = &rec->items[i];
		size_t len = 0;
		char *now = read_value(rec->root_fd, it->path, &len);
		char name[256];
		int rc, err;

		if (!now)
			continue;
		if (len == it->len && !memcmp(now, it->value, len)) {
			free(now);
			continue;
		}
		changed++;
		rc = write_value(rec->root_fd, it->path, it->value, it->len);
		err = errno;
		name_of(it->path, name, sizeof(name));
		if (trace && rc == 0)
			fprintf(trace, "host sysctl %s was changed to '%.*s': "
				"restored '%.*s'\n", name, shown(now, len), now,
				shown(it->value, it->len), it->value);
		else if (trace)
			fprintf(trace, "host sysctl %s was changed to '%.*s' "
				"and cannot be restored to '%.*s': %s\n", name,
				shown(now, len), now, shown(it->value, it->len),
				it->value, strerror(err));
		free(now);
	}
	if (trace && changed)
		fflush(trace);
	return changed;
}

void host_sysctls_free(struct host_sysctls *rec)
{
	if (!rec)
		return;
	for (int i = 0; i < rec->count; i++) {
		free(rec->items[i].path);
		free(rec->items[i].value);
	}
	free(rec->items);
	if (rec->root_fd >= 0)
		close(rec->root_fd);
	free(rec);
}
