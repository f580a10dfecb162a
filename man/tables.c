/*
 * tables.c - the names tcpcheck knows, read from the tables the program
 * itself uses, for tcpcheck(5) and the shell completion.
 *
 *   tcpcheck-tables roff        the man page's generated section
 *   tcpcheck-tables list KIND   one name a line; KIND is syscalls,
 *                               constants, errnos, options, icmp,
 *                               tcp_info
 *
 * The man page is assembled at build time from man/tcpcheck.5.in and the
 * roff output, so its lists cannot fall behind the tables.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "core/symbols.h"
#include "pkt/icmp.h"
#include "run/tcp_info.h"
#include "sys/syscalls.h"

/* A word for roff: a leading '.' or '\'' would be a request. */
static void roff_word(const char *w)
{
	if (w[0] == '.' || w[0] == '\'')
		fputs("\\&", stdout);
	for (; *w; w++) {
		if (*w == '\\')
			fputs("\\e", stdout);
		else if (*w == '-')
			fputs("\\-", stdout);
		else
			putchar(*w);
	}
}

static void list_syscalls(bool roff)
{
	const char *name;
	int lo, hi;

	for (size_t i = 0; (name = syscall_name_at(i, &lo, &hi)); i++) {
		if (!roff) {
			puts(name);
			continue;
		}
		fputs(".TP\n.BR ", stdout);
		roff_word(name);
		if (lo == hi)
			printf(" \" (%d argument%s)\"\n", lo, lo == 1 ? "" : "s");
		else
			printf(" \" (%d to %d arguments)\"\n", lo, hi);
		puts("See SYSTEM CALLS.");
	}
}

static void list_symbols(bool roff, bool errnos)
{
	size_t count;
	const struct symbol *t = symbol_table(&count);
	bool first = true;

	for (size_t i = 0; i < count; i++) {
		bool is_errno = t[i].kind != SYMBOL_CONSTANT;

		if (is_errno != errnos)
			continue;
		if (!roff) {
			puts(t[i].name);
			continue;
		}
		if (!first)
			puts(",");
		roff_word(t[i].name);
		first = false;
	}
	if (roff && !first)
		putchar('\n');
}

static void list_options(bool roff)
{
	const char *name, *help;
	bool value;

	for (size_t i = 0; (name = option_at(i, &value, &help)); i++) {
		if (!roff) {
			puts(name);
			continue;
		}
		fputs(".TP\n.B \\-\\-", stdout);
		roff_word(name);
		puts(value ? "=\\fIvalue\\fR" : "");
		roff_word(help);
		putchar('\n');
	}
}

static void list_icmp(bool roff, int version)
{
	const char *type, *code;
	uint8_t num;

	for (size_t i = 0; (type = icmp_type_at(version, i, &num)); i++) {
		if (!roff) {
			puts(type);
		} else {
			fputs(".TP\n.B ", stdout);
			roff_word(type);
			printf("\ntype %u", num);
		}
		for (size_t k = 0; (code = icmp_code_at(version, i, k, &num));
		     k++) {
			if (!roff) {
				puts(code);
				continue;
			}
			fputs(k ? ", " : "; codes: ", stdout);
			printf("\\fB");
			roff_word(code);
			printf("\\fR %u", num);
		}
		if (roff)
			putchar('\n');
	}
}

/* The names a code block sees: what tcp_info.c writes for Python, the
 * variables ('tcpi_rto': 0, ...) of a full snapshot and the constants
 * (NAME = value), read back from the text it writes.
 */
static int list_tcp_info(bool roff)
{
	static const unsigned char zero[TCP_INFO_MAX];
	char *text = NULL, *p;
	size_t len = 0;
	bool first = true;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return -1;
	tcp_info_write_python(zero, sizeof(zero), out);
	fputc('\n', out);
	tcp_info_write_constants(out);
	if (fclose(out) != 0)
		return -1;
	for (p = text; *p; p++) {
		size_t n;

		if (*p == '\'')
			p++;
		else if (!(*p >= 'A' && *p <= 'Z'))
			continue;
		n = strcspn(p, "' =");
		if (!roff)
			printf("%.*s\n", (int)n, p);
		else
			printf("%s\\fB%.*s\\fR", first ? "" : ",\n", (int)n, p);
		first = false;
		p += n;
		p += strcspn(p, ",\n");
		if (!*p)
			break;
	}
	if (roff && !first)
		putchar('\n');
	free(text);
	return 0;
}

static void roff(void)
{
	puts(".SH KNOWN NAMES");
	puts("This section is generated from the tables of the tcpcheck that"
	     " installed it.");
	puts(".SS System calls");
	list_syscalls(true);
	puts(".SS Symbolic constants");
	puts("Usable wherever a number is (system call arguments, results,"
	     " structure fields):");
	puts(".PP\n.nh\n.ad l");
	list_symbols(true, false);
	puts(".ad\n.hy");
	puts(".SS Errno names");
	puts("After a result of \\-1, and as numbers like any constant:");
	puts(".PP\n.nh\n.ad l");
	list_symbols(true, true);
	puts(".ad\n.hy");
	puts(".SS ICMP types and codes (IPv4)");
	list_icmp(true, 4);
	puts(".SS ICMPv6 types and codes (IPv6 and IPv4-mapped IPv6)");
	list_icmp(true, 6);
	puts(".SS Code block variables and constants");
	puts(".PP\n.nh\n.ad l");
	list_tcp_info(true);
	puts(".ad\n.hy");
	puts(".SS Options");
	puts("As header lines of a script or on the command line:");
	list_options(true);
}

int main(int argc, char **argv)
{
	const char *kind = argc == 3 ? argv[2] : "";

	if (argc == 2 && !strcmp(argv[1], "roff")) {
		roff();
	} else if (argc == 3 && !strcmp(argv[1], "list")) {
		if (!strcmp(kind, "syscalls")) {
			list_syscalls(false);
		} else if (!strcmp(kind, "constants")) {
			list_symbols(false, false);
		} else if (!strcmp(kind, "errnos")) {
			list_symbols(false, true);
		} else if (!strcmp(kind, "options")) {
			list_options(false);
		} else if (!strcmp(kind, "tcp_info")) {
			if (list_tcp_info(false) < 0)
				return 1;
		} else if (!strcmp(kind, "icmp")) {
			list_icmp(false, 4);
			list_icmp(false, 6);
		} else {
			fprintf(stderr, "tcpcheck-tables: unknown list '%s'\n",
				kind);
			return 2;
		}
	} else {
		fputs("usage: tcpcheck-tables roff | list syscalls|constants|"
		      "errnos|options|icmp|tcp_info\n", stderr);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
