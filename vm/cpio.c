/*
 * cpio.c - the newc writer (cpio.h).
 */
#include "cpio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host.h"

void cpio_open(struct cpio *c, FILE *out)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->ino = 1000;
}

static void pad(struct cpio *c, size_t len)
{
	static const char zero[4];

	if (len % 4 && fwrite(zero, 1, 4 - len % 4, c->out) != 4 - len % 4)
		c->failed = 1;
}

static void header_at(struct cpio *c, const char *path, unsigned mode,
		      size_t len, unsigned mtime)
{
	const char *name = path[0] == '/' ? path + 1 : path;
	size_t namesize = strlen(name) + 1;

	if (fprintf(c->out, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X"
		    "%08X%08X%08X", c->ino++, mode, 0u, 0u, 1u, mtime,
		    (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u) < 0 ||
	    fwrite(name, 1, namesize, c->out) != namesize)
		c->failed = 1;
	pad(c, 110 + namesize);
}

static void header(struct cpio *c, const char *path, unsigned mode,
		   size_t len)
{
	header_at(c, path, mode, len, 0);
}

/* Every folder above path, once. */
static void parents(struct cpio *c, const char *path)
{
	char *copy = strdup(path);

	if (!copy) {
		c->failed = 1;
		return;
	}
	for (char *p = strchr(copy + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		cpio_dir(c, copy);
		*p = '/';
	}
	free(copy);
}

void cpio_dir(struct cpio *c, const char *path)
{
	char **grown;

	for (size_t i = 0; i < c->dir_count; i++)
		if (!strcmp(c->dirs[i], path))
			return;
	parents(c, path);
	grown = realloc(c->dirs, (c->dir_count + 1) * sizeof(*grown));
	if (!grown || !(grown[c->dir_count] = strdup(path))) {
		c->dirs = grown ? grown : c->dirs;
		c->failed = 1;
		return;
	}
	c->dirs = grown;
	c->dir_count++;
	header(c, path, S_IFDIR | 0755, 0);
}

void cpio_data(struct cpio *c, const char *path, unsigned mode,
	       const void *data, size_t len)
{
	parents(c, path);
	header(c, path, S_IFREG | mode, len);
	if (len && fwrite(data, 1, len, c->out) != len)
		c->failed = 1;
	pad(c, len);
}

int cpio_file(struct cpio *c, const char *path, const char *host_path,
	      unsigned mode, struct error *err)
{
	uint8_t *data;
	struct stat st;
	size_t len;

	if (read_whole(host_path, &data, &len, err) < 0)
		return -1;
	/* The host's time: python3 checks its compiled modules by it. */
	parents(c, path);
	header_at(c, path, S_IFREG | mode, len,
		  stat(host_path, &st) == 0 ? (unsigned)st.st_mtime : 0);
	if (len && fwrite(data, 1, len, c->out) != len)
		c->failed = 1;
	pad(c, len);
	free(data);
	return 0;
}

void cpio_symlink(struct cpio *c, const char *path, const char *target)
{
	size_t len = strlen(target);

	parents(c, path);
	header(c, path, S_IFLNK | 0777, len);
	if (fwrite(target, 1, len, c->out) != len)
		c->failed = 1;
	pad(c, len);
}

int cpio_close(struct cpio *c, struct error *err)
{
	header(c, "TRAILER!!!", 0, 0);
	for (size_t i = 0; i < c->dir_count; i++)
		free(c->dirs[i]);
	free(c->dirs);
	c->dirs = NULL;
	if (fflush(c->out) != 0 || c->failed)
		return error_set(err, "cannot write the initramfs: %s",
				 strerror(errno));
	return 0;
}
