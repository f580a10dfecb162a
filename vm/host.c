/*
 * host.c - host chores for vm/ (host.h).
 */
#define _GNU_SOURCE
#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int collect(int fd, char **out, size_t *out_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return -1;
	for (;;) {
		if (cap - len < 2) {
			char *grown = realloc(buf, cap * 2);

			if (!grown) {
				free(buf);
				return -1;
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	if (out_len)
		*out_len = len;
	return 0;
}

int host_run(char *const argv[], char **out, size_t *out_len,
	     struct error *err)
{
	int pipefd[2] = { -1, -1 }, status = 0;
	pid_t pid;

	if (out && pipe2(pipefd, O_CLOEXEC) < 0)
		return error_set(err, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		error_set(err, "fork: %s", strerror(errno));
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(out ? pipefd[1] : null, 1);
		dup2(null, 2);
		dup2(null, 0);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(pipefd[1]);
		if (collect(pipefd[0], out, out_len) < 0)
			*out = NULL;
		close(pipefd[0]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out && !*out)
		return error_set(err, "out of memory");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		if (out) {
			free(*out);
			*out = NULL;
		}
		return error_set(err, "cannot run %s", argv[0]);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int hash_file(const char *path, uint64_t *h, struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t buf[1 << 16];
	ssize_t n;

	if (fd < 0)
		return error_set(err, "cannot read %s: %s", path,
				 strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*h = hash_bytes(*h, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return error_set(err, "cannot read %s: %s", path,
				 strerror(errno));
	return 0;
}

int make_dirs(const char *path)
{
	char *copy = strdup(path);
	int rc = 0;

	if (!copy)
		return -1;
	for (char *p = copy + 1; rc == 0; p++) {
		bool end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			rc = -1;
		if (end)
			break;
		*p = '/';
	}
	free(copy);
	return rc;
}

int make_dirs_for(const char *path)
{
	char *copy = strdup(path);
	char *slash = copy ? strrchr(copy, '/') : NULL;
	int rc = 0;

	if (!copy)
		return -1;
	if (slash && slash != copy) {
		*slash = '\0';
		rc = make_dirs(copy);
	}
	free(copy);
	return rc;
}

int cache_dir(const char *sub, char *buf, size_t size, struct error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/tcpcheck/%s", xdg, sub);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.cache/tcpcheck/%s", home, sub);
	else
		return error_set(err, "no cache folder: set XDG_CACHE_HOME "
				 "or HOME");
	if (n < 0 || (size_t)n >= size)
		return error_set(err, "cache folder name too long");
	if (make_dirs(buf) < 0)
		return error_set(err, "cannot create %s: %s", buf,
				 strerror(errno));
	return 0;
}

void cache_prune(const char *dir, const char *suffix, int keep)
{
	char oldest[PATH_MAX] = "";
	time_t oldest_time = 0;
	size_t n = strlen(suffix);
	struct dirent *e;
	int count = 0;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];
		size_t len = strlen(e->d_name);
		struct stat st;

		if (len <= n || strcmp(e->d_name + len - n, suffix) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) >= sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		count++;
		if (!oldest[0] || st.st_mtime < oldest_time) {
			oldest_time = st.st_mtime;
			memcpy(oldest, path, sizeof(oldest));
		}
	}
	if (d)
		closedir(d);
	if (count > keep && oldest[0] && unlink(oldest) == 0)
		cache_prune(dir, suffix, keep);
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int read_whole(const char *path, uint8_t **data, size_t *len,
	       struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n = 0;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return error_set(err, "cannot read %s: %s", path,
				 strerror(errno));
	}
	*data = malloc((size_t)st.st_size + 1);
	while (*data && got < (size_t)st.st_size &&
	       (n = read(fd, *data + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (!*data || n < 0 || got != (size_t)st.st_size) {
		free(*data);
		*data = NULL;
		return error_set(err, "cannot read %s", path);
	}
	*len = got;
	return 0;
}
