#!/bin/sh
# corpus-doc.sh - every corpus script says what it checks, on what
# reference and with which sysctls, and testcases/README.md (generated
# from those comments) is up to date.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

for script in $(corpus_scripts); do
	head -n 1 "$script" | grep -q '^// '
	tap_ok $? "$script opens with its claim"
	grep -q '^// Reference: .' "$script"
	tap_ok $? "$script names its reference"
	grep -q '^// Sysctls: .' "$script"
	tap_ok $? "$script names the sysctls it pins"
done
scripts/corpus-table | diff -u testcases/README.md - >/dev/null
tap_ok $? "testcases/README.md is what scripts/corpus-table prints"
tap_end
