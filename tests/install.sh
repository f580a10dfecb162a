#!/bin/sh
# install.sh - make install DESTDIR=... puts every file where it belongs,
# the installed tcpcheck reads the installed corpus and man pages, and
# make uninstall takes every file away again (no kernel needed).
. "$(dirname "$0")/lib.sh"

builddir=$(cd "$(dirname "$TCPCHECK")" && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make=${MAKE:-make}

status=0
$make -s -C "$builddir" install DESTDIR="$dest" >"$dest.log" 2>&1 || status=$?
tap_ok "$status" "make install DESTDIR=... exits 0"
[ "$status" -eq 0 ] || tap_diag <"$dest.log"
rm -f "$dest.log"

# Where things went: read the prefix back from the installed .pc file.
pc=$(find "$dest" -name tcpcheck.pc -path '*/pkgconfig/*' | head -n 1)
tap_ok "$([ -n "$pc" ]; echo $?)" "tcpcheck.pc is installed under pkgconfig/"
if [ -n "$pc" ] && command -v pkg-config >/dev/null 2>&1; then
	testcases=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config \
		--variable=testcasesdir tcpcheck)
	prefix=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config \
		--variable=prefix tcpcheck)
else
	testcases=$(sed -n 's/^testcasesdir=//p' "$pc")
	prefix=$(sed -n 's/^prefix=//p' "$pc")
fi
bin=$(find "$dest" -path '*/bin/tcpcheck' -type f | head -n 1)
tap_ok "$([ -x "$bin" ] && [ "$bin" = "$dest$prefix/bin/tcpcheck" ]; echo $?)" \
	"the binary is $prefix/bin/tcpcheck"

for page in man1/tcpcheck.1 man1/tcpcheck-agent.1 man5/tcpcheck.5; do
	file=$(find "$dest" -path "*/man/$page" -type f | head -n 1)
	tap_ok "$([ -s "$file" ]; echo $?)" "man page $page is installed"
	if [ -s "$file" ] && command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man -l "$file" 2>/dev/null | grep -q 'tcpcheck'
		tap_ok $? "man -l renders the installed $page"
	fi
done

# The corpus: the same files as the source tree's, executables kept so.
want=$(cd "$top_srcdir" && find testcases -type f | LC_ALL=C sort)
got=$(cd "$dest$testcases/.." && find testcases -type f | LC_ALL=C sort)
tap_ok "$([ -n "$want" ] && [ "$want" = "$got" ]; echo $?)" \
	"the corpus is installed in testcasesdir ($(echo "$want" | wc -l) files)"
(cd "$top_srcdir" && find testcases -type f -perm -u+x) | while read -r f; do
	[ -x "$dest$testcases/../$f" ] || echo "$f"
done >"$dest/.notexec"
tap_ok "$([ ! -s "$dest/.notexec" ]; echo $?)" "executable corpus files stay executable"
rm -f "$dest/.notexec"

# The bisect step beside its config fragment, the step answering 125 (a
# skip for git bisect), never 126 or 127, when it is given no script.
step=$dest$testcases/../bisect-step
tap_ok "$([ -x "$step" ] && [ -s "$dest$testcases/../tcpcheck.config" ] &&
	[ -x "$dest$testcases/../fetch-kernels" ]; echo $?)" \
	"bisect-step, tcpcheck.config and fetch-kernels are installed side by side"
status=0
"$step" >/dev/null 2>&1 || status=$?
tap_ok "$([ "$status" -eq 125 ]; echo $?)" \
	"the installed bisect-step without a script answers 125 (got $status)"

# The installed program reads the installed corpus (no kernel: --dry_run).
status=0
"$bin" --dry_run "$dest$testcases" >/dev/null 2>"$dest.err" || status=$?
tap_ok "$status" "the installed tcpcheck checks the installed corpus (--dry_run)"
[ "$status" -eq 0 ] || tap_diag <"$dest.err"
rm -f "$dest.err"

# Editor and shell files, where each tool looks; the stack-plugin header.
for file in include/tcpcheck/stack.h vim/vimfiles/syntax/pkt.vim vim/vimfiles/ftdetect/pkt.vim \
	bash-completion/completions/tcpcheck; do
	found=$(find "$dest" -path "*/$file" -type f | head -n 1)
	tap_ok "$([ -s "$found" ]; echo $?)" "$file is installed"
done

status=0
$make -s -C "$builddir" uninstall DESTDIR="$dest" >"$dest.log" 2>&1 || status=$?
tap_ok "$status" "make uninstall DESTDIR=... exits 0"
[ "$status" -eq 0 ] || tap_diag <"$dest.log"
rm -f "$dest.log"
left=$(find "$dest" -type f)
tap_ok "$([ -z "$left" ]; echo $?)" "make uninstall leaves no file behind"
[ -z "$left" ] || echo "$left" | tap_diag
# (A folder on the way to the prefix may be called tcpcheck too, as in
# distcheck from a clone in .../tcpcheck: that one is not ours.)
left=$(find "$dest" -type d \( -name tcpcheck -o -name testcases \) |
	while read -r d; do
		case "$dest$prefix/" in "$d"/*) ;; *) echo "$d" ;; esac
	done)
tap_ok "$([ -z "$left" ]; echo $?)" "... nor a directory of tcpcheck's own"
[ -z "$left" ] || echo "$left" | tap_diag
tap_end
