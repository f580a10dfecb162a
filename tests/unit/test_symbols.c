/*
 * test_symbols.c - unit tests for the symbol table (engine/core/symbols.c).
 *
 * Values are compared with the system headers' macros, errno names with
 * glibc's own list, and - when packetdrill's scripts are at hand
 * (TCPCHECK_COMPAT_DIR, default $top_srcdir/../shared/compat) - every
 * upper-case name used as a system-call argument in them must resolve.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/sockios.h>

#include "core/symbols.h"
#include "tap.h"

static void is_symbol(const char *name, int64_t want)
{
	int64_t got = -12345;
	bool found = symbol_lookup(name, &got);

	tap_ok(found && got == want, "%s = %lld", name, (long long)want);
	if (!found)
		tap_diag("  not found");
	else if (got != want)
		tap_diag("  got %lld", (long long)got);
}

#define IS_MACRO(name) is_symbol(#name, (int64_t)(name))

static void test_values(void)
{
	IS_MACRO(AF_INET);
	IS_MACRO(AF_INET6);
	IS_MACRO(AF_UNSPEC);
	IS_MACRO(SOCK_STREAM);
	IS_MACRO(SOCK_NONBLOCK);
	IS_MACRO(SOCK_CLOEXEC);
	IS_MACRO(IPPROTO_TCP);
	IS_MACRO(SOL_SOCKET);
	IS_MACRO(SOL_TCP);
	IS_MACRO(SOL_IPV6);
	IS_MACRO(SO_REUSEADDR);
	IS_MACRO(SO_LINGER);
	IS_MACRO(SO_RCVTIMEO);
	IS_MACRO(SO_ZEROCOPY);
	IS_MACRO(TCP_NODELAY);
	IS_MACRO(TCP_MAXSEG);
	IS_MACRO(TCP_CORK);
	IS_MACRO(TCP_KEEPIDLE);
	IS_MACRO(TCP_KEEPINTVL);
	IS_MACRO(TCP_KEEPCNT);
	IS_MACRO(TCP_INFO);
	IS_MACRO(TCP_USER_TIMEOUT);
	IS_MACRO(TCP_FASTOPEN);
	IS_MACRO(TCP_FASTOPEN_CONNECT);
	IS_MACRO(TCP_FASTOPEN_KEY);
	IS_MACRO(TCP_NOTSENT_LOWAT);
	IS_MACRO(TCP_CONGESTION);
	IS_MACRO(TCP_ZEROCOPY_RECEIVE);
	IS_MACRO(TCP_INQ);
	IS_MACRO(TCP_TX_DELAY);
	IS_MACRO(IP_TOS);
	IS_MACRO(IP_RECVERR);
	IS_MACRO(IP_MTU_DISCOVER);
	IS_MACRO(IP_PMTUDISC_DO);
	IS_MACRO(IPV6_TCLASS);
	IS_MACRO(IPV6_V6ONLY);
	IS_MACRO(O_RDWR);
	IS_MACRO(O_NONBLOCK);
	IS_MACRO(F_GETFL);
	IS_MACRO(F_SETFL);
	IS_MACRO(SHUT_WR);
	IS_MACRO(MSG_ZEROCOPY);
	IS_MACRO(MSG_FASTOPEN);
	IS_MACRO(MSG_EOR);
	IS_MACRO(MSG_ERRQUEUE);
	IS_MACRO(POLLRDHUP);
	IS_MACRO(EPOLLET);
	IS_MACRO(EPOLL_CTL_ADD);
	IS_MACRO(FIONREAD);
	IS_MACRO(SIOCINQ);
	IS_MACRO(SIOCOUTQ);
	IS_MACRO(SIOCOUTQNSD);
	IS_MACRO(EINPROGRESS);
	IS_MACRO(EWOULDBLOCK);
	is_symbol("TCP_CA_LOSS", TCP_CA_Loss);
	is_symbol("NULL", 0);
}

/* Sorted strictly (binary search depends on it) and self-consistent. */
static void test_table(void)
{
	size_t n, i, unsorted = 0, unfindable = 0;
	const struct symbol *t = symbol_table(&n);
	int64_t v;

	tap_ok(n > 400, "the table has %zu names", n);
	for (i = 1; i < n; i++) {
		if (strcmp(t[i - 1].name, t[i].name) >= 0) {
			unsorted++;
			tap_diag("  out of order: %s before %s",
				 t[i - 1].name, t[i].name);
		}
	}
	tap_is_int(unsorted, 0, "the table is sorted without duplicates");
	for (i = 0; i < n; i++) {
		if (!symbol_lookup(t[i].name, &v) || v != t[i].value) {
			unfindable++;
			tap_diag("  %s does not look up to itself", t[i].name);
		}
	}
	tap_is_int(unfindable, 0, "every entry is found with its value");
}

static void test_errnos(void)
{
	int e, err, bad = 0, checked = 0;
	size_t n, i;
	const struct symbol *t = symbol_table(&n);

	/* glibc (2.32 and later) knows every errno name; ours must agree
	 * on each.
	 */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	for (e = 1; e < 4096; e++) {
		const char *want = strerrorname_np(e);
		const char *got = errno_to_name(e);

		if (!want)
			continue;
		checked++;
		if (!got || strcmp(got, want) != 0 ||
		    !errno_from_name(got, &err) || err != e) {
			bad++;
			tap_diag("  errno %d: got %s, glibc says %s", e,
				 got ? got : "(null)", want);
		}
	}
	tap_ok(checked > 130, "glibc names %d errnos", checked);
	tap_is_int(bad, 0, "every errno round-trips through its name");
#else
	(void)checked;
	tap_count++;
	printf("ok %d - # SKIP strerrorname_np needs glibc 2.32\n", tap_count);
#endif
	for (i = 0, bad = 0; i < n; i++) {
		if (t[i].kind != SYMBOL_ERRNO)
			continue;
		if (!errno_from_name(t[i].name, &err) ||
		    strcmp(errno_to_name(err), t[i].name) != 0)
			bad++;
	}
	tap_is_int(bad, 0, "every errno in the table round-trips");

	tap_ok(errno_from_name("EWOULDBLOCK", &err) && err == EAGAIN,
	       "EWOULDBLOCK is EAGAIN");
	tap_is_str(errno_to_name(EWOULDBLOCK), "EAGAIN",
		   "EAGAIN is the canonical name");
	tap_ok(errno_from_name("ENOTSUP", &err) && err == EOPNOTSUPP,
	       "ENOTSUP is an alias");
	tap_is_str(errno_to_name(EOPNOTSUPP), "EOPNOTSUPP",
		   "EOPNOTSUPP is the canonical name");
	tap_is_str(errno_to_name(ECONNRESET), "ECONNRESET", "ECONNRESET");
	tap_ok(errno_to_name(0) == NULL, "0 is no errno");
	tap_ok(errno_to_name(9999) == NULL, "9999 is no errno");
	tap_ok(!errno_from_name("SO_REUSEADDR", &err),
	       "SO_REUSEADDR is no errno name");
}

static void test_unknown(void)
{
	int64_t v = 7;

	tap_ok(!symbol_lookup("SO_NOSUCHTHING", &v) && v == 7,
	       "unknown name fails and leaves the value alone");
	tap_ok(!symbol_lookup("", &v), "empty name fails");
	tap_ok(!symbol_lookup("so_reuseaddr", &v),
	       "lookup is case-sensitive");
	tap_ok(!symbol_lookup("SO_REUSEADDR ", &v), "no trailing space");
}

static void test_suggest(void)
{
	struct suggestion s;

	tap_is_str(symbol_suggest("SO_REUSEADR"), "SO_REUSEADDR",
		   "SO_REUSEADR -> SO_REUSEADDR");
	tap_is_str(symbol_suggest("EINPROGRES"), "EINPROGRESS",
		   "EINPROGRES -> EINPROGRESS");
	tap_is_str(symbol_suggest("so_reuseaddr"), "SO_REUSEADDR",
		   "case is ignored");
	tap_is_str(symbol_suggest("TCP_NODELAI"), "TCP_NODELAY",
		   "TCP_NODELAI -> TCP_NODELAY");
	tap_is_str(symbol_suggest("O_NONBLCOK"), "O_NONBLOCK",
		   "a swap of two letters counts once");
	tap_ok(symbol_suggest("XYZZY_FROBNICATE") == NULL,
	       "nothing close: no suggestion");
	tap_ok(symbol_suggest("QQ") == NULL, "short names need a close match");
	tap_is_str(errno_suggest("EAGIAN"), "EAGAIN", "errno: EAGIAN");
	tap_ok(errno_suggest("SO_REUSEADR") == NULL,
	       "errno suggestions are errno names only");

	suggestion_init(&s, "conect");
	suggestion_consider(&s, "close");
	suggestion_consider(&s, "connect");
	tap_is_str(suggestion_result(&s), "connect",
		   "suggestion API picks the closest");
}

/* ---- packetdrill's scripts ---- */

/* Names the runner defines with -D, not symbols. */
static const char *const defined_by_runner[] = {
	"TFO_COOKIE", "CODE", "CMSG_LEVEL_IP", "CMSG_TYPE_RECVERR", NULL
};

struct name_set {
	char **names;
	int count;
	int capacity;
};

static void name_add(struct name_set *set, const char *name, size_t len)
{
	int i;

	for (i = 0; i < set->count; i++)
		if (strlen(set->names[i]) == len &&
		    !strncmp(set->names[i], name, len))
			return;
	for (i = 0; defined_by_runner[i]; i++)
		if (strlen(defined_by_runner[i]) == len &&
		    !strncmp(defined_by_runner[i], name, len))
			return;
	if (set->count == set->capacity) {
		set->capacity = set->capacity ? 2 * set->capacity : 64;
		set->names = realloc(set->names,
				     set->capacity * sizeof(*set->names));
	}
	set->names[set->count++] = strndup(name, len);
}

static bool is_upper_name(const char *p, size_t len)
{
	size_t i;

	if (len < 2 || !(*p >= 'A' && *p <= 'Z'))
		return false;
	for (i = 1; i < len; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '_' ||
		      (p[i] >= '0' && p[i] <= '9')))
			return false;
	return true;
}

static bool is_word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* If line starts a system call ("+0.1 name(" or "0...0.2 name("), the
 * offset of the '('; else 0.
 */
static size_t call_start(const char *line)
{
	const char *p = line, *time;

	while (*p == ' ' || *p == '\t')
		p++;
	time = p;
	while (*p && strchr("0123456789.+-*~ \t", *p))
		p++;
	if (p == time || !(*p >= 'a' && *p <= 'z'))
		return 0;
	while (is_word_char(*p))
		p++;
	return *p == '(' ? (size_t)(p - line) : 0;
}

/* Collect the upper-case names of one call: its arguments and result,
 * stopping at the note "(...)" after the result.  Comments and strings
 * are skipped.  *pos advances past the statement (it may span lines).
 */
static void scan_call(const char *text, size_t *pos, struct name_set *set)
{
	size_t i = *pos;
	int depth = 0;
	bool closed = false;

	for (; text[i]; i++) {
		char c = text[i];

		if (c == '/' && text[i + 1] == '/') {
			while (text[i] && text[i] != '\n')
				i++;
			if (closed || !text[i])
				break;
			continue;
		}
		if (c == '\n' && closed)
			break;
		if (c == '"') {
			for (i++; text[i] && text[i] != '"'; i++)
				if (text[i] == '\\' && text[i + 1])
					i++;
			if (!text[i])
				break;
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (closed && c == '(')
				break;	/* the note */
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (--depth == 0)
				closed = true;
		} else if (is_word_char(c) && (i == 0 ||
						!is_word_char(text[i - 1]))) {
			size_t n = 0;

			while (is_word_char(text[i + n]))
				n++;
			if (is_upper_name(text + i, n))
				name_add(set, text + i, n);
			i += n - 1;
		}
	}
	*pos = i;
}

static void scan_file(const char *path, struct name_set *set)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, pos = 0, start;

	if (!f)
		return;
	if (getdelim(&text, &len, '\0', f) < 0) {
		fclose(f);
		free(text);
		return;
	}
	fclose(f);
	while (text[pos]) {
		start = call_start(text + pos);
		if (start) {
			pos += start;
			scan_call(text, &pos, set);
		}
		while (text[pos] && text[pos] != '\n')
			pos++;
		if (text[pos])
			pos++;
	}
	free(text);
}

static int scan_dir(const char *dir, struct name_set *set)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	int files = 0;

	if (!d)
		return 0;
	while ((ent = readdir(d))) {
		char path[4096];
		struct stat st;
		size_t n = strlen(ent->d_name);

		if (ent->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			files += scan_dir(path, set);
		} else if (n > 4 && !strcmp(ent->d_name + n - 4, ".pkt")) {
			scan_file(path, set);
			files++;
		}
	}
	closedir(d);
	return files;
}

static void test_corpus(void)
{
	const char *dir = getenv("TCPCHECK_COMPAT_DIR");
	const char *top = getenv("top_srcdir");
	struct name_set set = { NULL, 0, 0 };
	char path[4096];
	struct stat st;
	int files, i;
	int64_t v;

	if (dir)
		snprintf(path, sizeof(path), "%s/tcp", dir);
	else
		snprintf(path, sizeof(path), "%s/../shared/compat/tcp",
			 top ? top : ".");
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tap_count++;
		printf("ok %d - # SKIP no packetdrill scripts at %s\n",
		       tap_count, path);
		return;
	}
	files = scan_dir(path, &set);
	tap_ok(files > 100 && set.count > 50,
	       "scanned %d scripts, %d upper-case argument names", files,
	       set.count);
	for (i = 0; i < set.count; i++) {
		tap_ok(symbol_lookup(set.names[i], &v),
		       "corpus name %s resolves", set.names[i]);
		free(set.names[i]);
	}
	free(set.names);
}

int main(void)
{
	test_values();
	test_table();
	test_errnos();
	test_unknown();
	test_suggest();
	test_corpus();
	return tap_done();
}
