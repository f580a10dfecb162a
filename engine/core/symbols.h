/*
 * symbols.h - the symbolic constants scripts may write, name -> value.
 *
 * System-call lines spell their arguments the way strace prints them:
 * SOL_SOCKET, SO_REUSEADDR, O_RDWR|O_NONBLOCK, and errno names after the
 * result (= -1 EINPROGRESS).  This module owns the one table that gives
 * those names their values.  Every value comes from the system headers'
 * macros, so the table is right for the machine it was built on.
 *
 * Everything here is read-only after compilation: safe from any thread.
 */
#ifndef TCPCHECK_SYMBOLS_H
#define TCPCHECK_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum symbol_kind {
	SYMBOL_CONSTANT,	/* AF_INET, SO_REUSEADDR, MSG_ZEROCOPY, ... */
	SYMBOL_ERRNO,		/* the canonical name of an errno value */
	SYMBOL_ERRNO_ALIAS,	/* EWOULDBLOCK, EDEADLOCK, ENOTSUP */
};

struct symbol {
	const char *name;
	int64_t value;
	enum symbol_kind kind;
};

/* Value of a symbol (errno names included).  false if name is unknown. */
bool symbol_lookup(const char *name, int64_t *value);

/* Canonical errno name ("EAGAIN" for EAGAIN == EWOULDBLOCK), or NULL for a
 * number that is no errno.  The string is static.
 */
const char *errno_to_name(int err);

/* Number of an errno name, aliases included.  false if name is no errno
 * name (even if it is another known symbol).
 */
bool errno_from_name(const char *name, int *err);

/* The known name closest to a misspelled one, for "did you mean ...?", or
 * NULL when nothing is close.  Case is ignored when measuring.
 */
const char *symbol_suggest(const char *name);

/* The same, among errno names only. */
const char *errno_suggest(const char *name);

/* The whole table, sorted by name (strcmp order), for listings and tests. */
const struct symbol *symbol_table(size_t *count);

/* Ranking of candidate names for "did you mean", shared with other name
 * tables (system calls) so every suggestion follows the same rule: the
 * smallest edit distance (insert, delete, substitute, swap two neighbours;
 * case ignored), provided it is at most a third of the typed length (and
 * at least 1); the first candidate wins a tie.
 */
struct suggestion {
	const char *typo;
	const char *best;	/* NULL until a close candidate is seen */
	int best_distance;
};

void suggestion_init(struct suggestion *s, const char *typo);
void suggestion_consider(struct suggestion *s, const char *candidate);
/* The best close candidate, or NULL. */
const char *suggestion_result(const struct suggestion *s);

#endif /* TCPCHECK_SYMBOLS_H */
