/*
 * unprivileged.c - finding the host-wide settings a command names (see
 * unprivileged.h).
 *
 * The command is shell text, so this reads it as words: any word under
 * /proc/sys/, and, in a command that runs sysctl, any dotted word such as
 * kernel.foo or net.core.bar=1.  A word names a setting if its file
 * exists; the setting is host-wide here if this process may not write it
 * (in a user namespace, the network namespace's files belong to its root,
 * the host's to the host's).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run/unprivileged.h"

#define PROC_SYS "/proc/sys/"

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' ||
	       c == '/' || c == '*';
}

/* The file of a word, or "" when it names no setting. */
static void setting_path(const char *word, size_t len, bool in_sysctl,
			 char *path, size_t size)
{
	size_t prefix = strlen(PROC_SYS);

	path[0] = '\0';
	if (len > prefix && !strncmp(word, PROC_SYS, prefix)) {
		snprintf(path, size, "%.*s", (int)len, word);
		return;
	}
	if (!in_sysctl || !memchr(word, '.', len) ||
	    !isalpha((unsigned char)word[0]) || memchr(word, '/', len))
		return;
	snprintf(path, size, "%s%.*s", PROC_SYS, (int)len, word);
	for (char *p = path + prefix; *p; p++)
		if (*p == '.')
			*p = '/';
}

bool command_writes_host_setting(const char *command, char *key, size_t size)
{
	bool in_sysctl = strstr(command, "sysctl") != NULL;
	const char *p = command;

	while (*p) {
		const char *start;
		char path[512];

		while (*p && !word_char(*p))
			p++;
		start = p;
		while (*p && word_char(*p))
			p++;
		if (p == start)
			continue;
		setting_path(start, (size_t)(p - start), in_sysctl, path,
			     sizeof(path));
		if (!path[0] || access(path, F_OK) != 0 ||
		    access(path, W_OK) == 0)
			continue;
		snprintf(key, size, "%.*s", (int)(p - start), start);
		return true;
	}
	return false;
}
