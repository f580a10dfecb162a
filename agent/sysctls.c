/*
 * sysctls.c - the snapshot of /proc/sys/net (see sysctls.h).  Plain
 * POSIX: directories and files.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctls.h"

#define ROOT "/proc/sys/net"
#define MAX_SETTINGS 8192
#define MAX_VALUE 512
#define MAX_DEPTH 6

struct setting {
	char *path;
	char *value;
};

struct sysctl_snapshot {
	int count;
	struct setting items[MAX_SETTINGS];
};

/* The file's contents, or NULL. */
static char *read_value(const char *path)
{
	char buf[MAX_VALUE];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static void walk(struct sysctl_snapshot *s, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && s->count < MAX_SETTINGS) {
		char path[512];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			walk(s, path, depth + 1);
		} else if (S_ISREG(st.st_mode) && (st.st_mode & S_IWUSR) &&
			   (st.st_mode & S_IRUSR)) {
			struct setting *it = &s->items[s->count];

			it->value = read_value(path);
			it->path = it->value ? strdup(path) : NULL;
			if (it->path)
				s->count++;
			else
				free(it->value);
		}
	}
	closedir(d);
}

struct sysctl_snapshot *sysctls_record(void)
{
	struct sysctl_snapshot *s;

	if (access(ROOT, R_OK) < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s)
		walk(s, ROOT, 0);
	return s;
}

int sysctls_restore(struct sysctl_snapshot *s)
{
	int restored = 0;

	if (!s)
		return 0;
	for (int i = 0; i < s->count; i++) {
		struct setting *it = &s->items[i];
		char *now = read_value(it->path);

		if (now && strcmp(now, it->value)) {
			int fd = open(it->path, O_WRONLY);

			if (fd >= 0) {
				size_t len = strlen(it->value);

				if (write(fd, it->value, len) == (ssize_t)len)
					restored++;
				close(fd);
			}
		}
		free(now);
		free(it->path);
		free(it->value);
	}
	free(s);
	return restored;
}
