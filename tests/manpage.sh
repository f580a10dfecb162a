#!/bin/sh
# manpage.sh - tcpcheck(5) against the program (no kernel needed).
#
# Every example (.EX/.EE block) of the built page is a script or a piece
# of one: it must parse, pass the static checks and dump back exactly as
# written.  Every terminal of the grammar (the scanner's keywords and the
# words the parser checks) and every system call of the call table must
# be described in the hand-written part of the page (man/tcpcheck.5.in),
# and every constant, errno, option, ICMP name and code-block variable
# the program knows must appear in the built page.
. "$(dirname "$0")/lib.sh"

builddir=$(cd "$(dirname "$TCPCHECK")" && pwd)
page=$builddir/man/tcpcheck.5
source=$top_srcdir/man/tcpcheck.5.in
tables=$builddir/man/tcpcheck-tables
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# roff to text: the escapes the examples use.
unroff() {
	sed -e 's/\\-/-/g' -e 's/\\(ga/`/g' -e 's/\\(aq/'"'"'/g' \
	    -e 's/\\(ti/~/g' -e 's/\\(ha/^/g' -e 's/\\&//g' -e 's/\\e/\\/g'
}

# ---- examples ----
awk -v dir="$work" '
/^\.EX/ { n++; file = sprintf("%s/example%02d.pkt", dir, n);
	  printf "" > file; printf "%d\n", NR > (file ".line"); inside = 1; next }
/^\.EE/ { inside = 0; close(file); next }
inside  { print > file }
' "$page"
count=0
for raw in "$work"/example*.pkt; do
	[ -f "$raw" ] || continue
	count=$((count + 1))
	line=$(cat "$raw.line")
	unroff <"$raw" >"$raw.txt"
	mv "$raw.txt" "$raw"
	status=0
	"$TCPCHECK" --dump "$raw" >"$work/out" 2>"$work/err" || status=$?
	tap_ok "$status" "example at tcpcheck.5 line $line parses (--dump exits 0)"
	if [ "$status" -ne 0 ]; then
		tap_diag <"$work/err"
		continue
	fi
	cmp -s "$raw" "$work/out"
	status=$?
	tap_ok "$status" "example at tcpcheck.5 line $line dumps back as written"
	[ "$status" -eq 0 ] || diff "$raw" "$work/out" | tap_diag
done
tap_ok "$([ "$count" -ge 10 ]; echo $?)" "the page has examples ($count)"

# ---- the grammar's terminals, described by hand ----
# Text of the hand-written page, escapes removed, one word a line.
unroff <"$source" | sed -e 's/\\f[BIRP]//g' |
	tr -c 'A-Za-z0-9_' '\n' | sort -u >"$work/words"
described() {	# described WORD: a whole word of the hand-written page
	grep -qx -- "$1" "$work/words"
}

# Keywords: the scanner's "word" rules.
sed -n 's/^"\([A-Za-z0-9]*\)"[[:space:]]*return scan_token.*/\1/p' \
	"$top_srcdir/grammar/lexer.l" >"$work/keywords"
# Words the parser checks by their text: IP fields, TCP options, the
# encapsulation fields, the ICMP quote forms.
sed -n 's/^#define IP_INFO_NAMES "\(.*\)"/\1/p' "$top_srcdir/grammar/parser.y" |
	tr -d ' ' | tr ',' '\n' >>"$work/keywords"
sed -n '/^#define TCP_OPTION_NAMES/{n;s/^[[:space:]]*"\(.*\)"/\1/p;}' \
	"$top_srcdir/grammar/parser.y" | tr -d ' ' | tr ',' '\n' >>"$work/keywords"
grep -o 'encap_name(ctx, [^,]*, "[a-z]*"' "$top_srcdir/grammar/parser.y" |
	sed 's/.*"\(.*\)"/\1/' >>"$work/keywords"
grep -o 'static const char \*const [a-z_]*\[\] = {[^}]*}' \
	"$top_srcdir/grammar/parser.y" | grep -o '"[A-Za-z0-9]*"' | tr -d '"' \
	>>"$work/keywords"
grep -o '\(memcmp(w\|word_is(ctx, [^,]*\|strncmp([^,]*\), "[A-Za-z0-9]*"' \
	"$top_srcdir/grammar/parser.y" | sed 's/.*"\(.*\)"/\1/' >>"$work/keywords"
grep -o '{ "[a-z]*", GRE_FLAG_' "$top_srcdir/grammar/parser.y" |
	sed 's/{ "\(.*\)".*/\1/' >>"$work/keywords"
sort -u "$work/keywords" -o "$work/keywords"
missing=""
while read -r word; do
	described "$word" || missing="$missing $word"
done <"$work/keywords"
tap_ok "$([ -z "$missing" ]; echo $?)" \
	"every keyword of the grammar is described ($(wc -l <"$work/keywords") words)"
[ -z "$missing" ] || echo "missing from man/tcpcheck.5.in:$missing" | tap_diag

# Punctuation: each character the scanner returns as a token, and the
# multi-character ones, appears in the hand-written page.
missing=""
for tok in '...' '%{' '}%' '`' '//' '/*' '<' '>' '+' '*' '~' ':' ',' '=' \
	'|' '[' ']' '{' '}' '(' ')' '-' '.'; do
	unroff <"$source" | grep -qF -- "$tok" || missing="$missing $tok"
done
tap_ok "$([ -z "$missing" ]; echo $?)" "every punctuation token is described"
[ -z "$missing" ] || echo "missing:$missing" | tap_diag

# System calls: each one of the table has its own entry.
missing=""
for call in $("$tables" list syscalls); do
	grep -q "fB$call(" "$source" || missing="$missing $call"
done
tap_ok "$([ -z "$missing" ]; echo $?)" "every system call of the table is described"
[ -z "$missing" ] || echo "missing from man/tcpcheck.5.in:$missing" | tap_diag

# Options: each one of the table is described among the header options.
missing=""
for opt in $("$tables" list options); do
	unroff <"$source" | grep -q -- "--$opt\\([^a-z_-]\\|\$\\)" ||
		missing="$missing --$opt"
done
tap_ok "$([ -z "$missing" ]; echo $?)" "every option of the table is described"
[ -z "$missing" ] || echo "missing from man/tcpcheck.5.in:$missing" | tap_diag

# ---- the generated lists are those of this build ----
# Words, also with their dashes (option names such as agent-secret-file).
unroff <"$page" | sed -e 's/\\f[BIRP]//g' >"$work/page.txt"
{ tr -c 'A-Za-z0-9_' '\n' <"$work/page.txt"
  tr -c 'A-Za-z0-9_-' '\n' <"$work/page.txt" | sed 's/^-*//'
} | sort -u >"$work/page-words"
for kind in syscalls constants errnos options icmp tcp_info; do
	"$tables" list "$kind" | sort -u >"$work/$kind"
	n=$(wc -l <"$work/$kind")
	absent=$(comm -23 "$work/$kind" "$work/page-words" | tr '\n' ' ')
	tap_ok "$([ "$n" -gt 0 ] && [ -z "$absent" ]; echo $?)" \
		"the built page lists every one of the $n $kind"
	[ -z "$absent" ] || echo "not in man/tcpcheck.5: $absent" | tap_diag
done

# The page renders without warnings.
if command -v groff >/dev/null 2>&1; then
	groff -man -ww -z "$page" 2>"$work/groff"
	tap_ok "$([ ! -s "$work/groff" ]; echo $?)" "groff -man -ww renders the page without warnings"
	tap_diag <"$work/groff"
fi
tap_end
