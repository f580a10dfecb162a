/*
 * modules.c - finding, ordering and packing kernel modules (modules.h).
 */
#define _GNU_SOURCE
#include "modules.h"

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define MAX_MODULES 8192
#define MAX_LOADED 256

struct module_file {
	char name[64];		/* tun, virtio_pci: '-' made '_' */
	char *path;
};

/* nftw has no context pointer: the walk fills this index. */
static struct module_file *index_files;
static size_t index_count;

static void normalise(char *name)
{
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
}

static int index_one(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	const char *base = path + ftw->base;
	const char *ko = strstr(base, ".ko");
	struct module_file *m;

	(void)st;
	if (type != FTW_F || !ko || index_count >= MAX_MODULES ||
	    (ko[3] && ko[3] != '.') || (size_t)(ko - base) >= sizeof(m->name))
		return 0;
	m = &index_files[index_count];
	memcpy(m->name, base, (size_t)(ko - base));
	m->name[ko - base] = '\0';
	normalise(m->name);
	m->path = strdup(path);
	if (m->path)
		index_count++;
	return 0;
}

static const struct module_file *lookup(const char *name)
{
	char key[64];

	snprintf(key, sizeof(key), "%s", name);
	normalise(key);
	for (size_t i = 0; i < index_count; i++)
		if (!strcmp(index_files[i].name, key))
			return &index_files[i];
	return NULL;
}

const char *modinfo_depends(const char *data, size_t size, size_t *len)
{
	static const char key[] = "depends=";

	for (size_t i = 1; i + sizeof(key) - 1 <= size; i++) {
		const char *v;

		if (data[i - 1] != '\0' || memcmp(data + i, key, sizeof(key) - 1))
			continue;
		v = data + i + sizeof(key) - 1;
		*len = strnlen(v, size - (size_t)(v - data));
		return *len ? v : NULL;
	}
	return NULL;
}

/* A module's bytes, decompressed when its name says so. */
static int module_bytes(const char *path, char **data, size_t *len,
			struct error *err)
{
	const char *tool = strstr(path, ".ko.xz") ? "xz" :
		strstr(path, ".ko.zst") ? "zstd" :
		strstr(path, ".ko.gz") ? "gzip" : NULL;
	char *argv[] = { (char *)tool, "-dc", (char *)path, NULL };
	uint8_t *raw;
	int rc;

	if (!tool) {
		if (read_whole(path, &raw, len, err) < 0)
			return -1;
		*data = (char *)raw;
		return 0;
	}
	rc = host_run(argv, data, len, err);
	if (rc != 0) {
		if (rc > 0) {
			free(*data);
			error_set(err, "%s -dc %s failed", tool, path);
		}
		return -1;
	}
	return 0;
}

struct load_order {
	const struct module_file *mods[MAX_LOADED];
	size_t count;
};

/* Depth first: a module after what it depends on. */
static int add_module(struct cpio *c, struct load_order *order,
		      const struct module_file *m, int depth, struct error *err)
{
	size_t len = 0, dlen = 0;
	char *data = NULL, *list, *save = NULL, path[PATH_MAX];
	const char *deps;

	for (size_t i = 0; i < order->count; i++)
		if (order->mods[i] == m)
			return 0;
	if (depth > 32 || order->count >= MAX_LOADED)
		return error_set(err, "module dependencies too deep at %s",
				 m->name);
	if (module_bytes(m->path, &data, &len, err) < 0)
		return -1;
	deps = modinfo_depends(data, len, &dlen);
	list = deps ? strndup(deps, dlen) : NULL;
	for (char *w = list ? strtok_r(list, ",", &save) : NULL; w;
	     w = strtok_r(NULL, ",", &save)) {
		const struct module_file *dep = lookup(w);

		if (dep && add_module(c, order, dep, depth + 1, err) < 0) {
			free(list);
			free(data);
			return -1;
		}
	}
	free(list);
	snprintf(path, sizeof(path), "/tcpcheck/modules/%s.ko", m->name);
	cpio_data(c, path, 0644, data, len);
	free(data);
	order->mods[order->count++] = m;
	return 0;
}

int modules_add(struct cpio *c, const char *moddir,
		const char *const *wanted, size_t count, struct error *err)
{
	struct load_order order = { .count = 0 };
	char kernel[PATH_MAX], *list = NULL;
	size_t list_len = 0;
	FILE *f;
	int rc = 0;

	index_files = calloc(MAX_MODULES, sizeof(*index_files));
	index_count = 0;
	if (!index_files)
		return error_set(err, "out of memory");
	snprintf(kernel, sizeof(kernel), "%s/kernel", moddir);
	nftw(kernel, index_one, 16, FTW_PHYS);
	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct module_file *m = lookup(wanted[i]);

		if (m)
			rc = add_module(c, &order, m, 0, err);
	}
	f = open_memstream(&list, &list_len);
	for (size_t i = 0; f && i < order.count; i++)
		fprintf(f, "/tcpcheck/modules/%s.ko\n", order.mods[i]->name);
	if (f && fclose(f) == 0)
		cpio_data(c, GUEST_MODULE_LIST, 0644, list, list_len);
	free(list);
	for (size_t i = 0; i < index_count; i++)
		free(index_files[i].path);
	free(index_files);
	index_files = NULL;
	return rc;
}
