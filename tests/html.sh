#!/bin/sh
# html.sh - `tcpcheck --html=DIR`, checked in a real browser (kernel
# test: takes the lock).
#
# A suite of one failing and one passing run: the index lists both, the
# failing one links to its page, and nothing in the report comes from
# elsewhere (no http, no src).  The page's diagram is well-formed SVG.
# Then Debian's chromium renders the page headless: the screenshot is not
# blank (many pixels drawn, some in the failure's red), and the DOM it
# built holds one arrow per packet of the run's capture and the failing
# line's marks.  Without chromium those two checks are skipped, saying so.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpcheck-html.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

"$TCPCHECK" --html="$tmp/html" --pcap-dir="$tmp/pcap" \
	tests/report/win-mismatch.pkt tests/report/data-exchange.pkt \
	>"$tmp/out" 2>&1
tap_ok "$([ $? -eq 1 ] && echo 0 || echo 1)" "a suite with a failure exits 1"
page=$(grep -o 'href="run-[0-9]*\.html"' "$tmp/html/index.html" |
	sed 's/href="\(.*\)"/\1/')
rows=$(grep -c '^<tr><td>' "$tmp/html/index.html")
[ "$rows" -eq 2 ] && [ "$(echo "$page" | wc -w)" -eq 1 ] &&
	[ -f "$tmp/html/$page" ]
tap_ok $? "the index lists both runs; the failed one links to its page"
# The SVG namespace is a name, not a download; url(#head) is in the page.
grep -h -o -i -E 'src=|https?://[^" ]*|@import|url\([^)#][^)]*\)' \
	"$tmp/html/index.html" "$tmp/html/$page" |
	grep -v -x 'http://www.w3.org/2000/svg' >"$tmp/external"
[ ! -s "$tmp/external" ]
tap_ok $? "self-contained: nothing loaded from elsewhere"
tap_diag <"$tmp/external"
sed -n '/^<svg/,/^<\/svg>/p' "$tmp/html/$page" >"$tmp/ladder.svg"
xmllint --noout "$tmp/ladder.svg" 2>"$tmp/xml"
tap_ok $? "the diagram is well-formed SVG"
tap_diag <"$tmp/xml"
pcap=$(ls "$tmp"/pcap/*.pcap)
grep -q "Capture: <a href=\"../pcap/$(basename "$pcap")\"" "$tmp/html/$page"
tap_ok $? "the page links to the run's pcap"

if ! command -v chromium >/dev/null 2>&1; then
	echo "ok 6 # SKIP chromium is not installed (scripts/setup.sh installs it)"
	echo "ok 7 # SKIP chromium is not installed (scripts/setup.sh installs it)"
	tap_n=$((tap_n + 2))
	tap_end
	exit
fi
browse() {	# browse OUTPUT-OPTION...: headless, offline, a fresh profile
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" --window-size=1450,900 "$@" \
		"file://$tmp/html/$page" 2>>"$tmp/chromium.log"
}
browse --screenshot="$tmp/shot.png" >/dev/null
python3 - "$tmp/shot.png" >"$tmp/pixels" <<'END'
# Decode the PNG (8-bit RGB or RGBA, the five filters) and count what
# is drawn: pixels that are not near white, and red ones (#b00).
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack("!I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack("!IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw, stride, prev = zlib.decompress(idat), w * bpp, bytearray(w * bpp)
drawn = red = 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if r + g + bl < 600: drawn += 1
        if r > 150 and g < 60 and bl < 60: red += 1
    prev = line
print(w * h, drawn, red)
END
read -r total drawn red <"$tmp/pixels"
[ "${drawn:-0}" -gt $((total / 100)) ] && [ "${red:-0}" -gt 50 ]
tap_ok $? "chromium draws the page: $drawn of $total pixels drawn, $red in red"
browse --dump-dom >"$tmp/dom.html"
arrows=$(grep -o 'class="arrow[ "]' "$tmp/dom.html" | wc -l)
packets=$(tcpdump -nn -r "$pcap" 2>/dev/null | wc -l)
[ "$arrows" -eq "$packets" ] && [ "$packets" -gt 0 ] &&
	grep -q 'id="ev-fail"' "$tmp/dom.html" &&
	grep -q '<tspan class="diff">64240</tspan>' "$tmp/dom.html" &&
	grep -q 'class="hit"><a href="#ev-fail">' "$tmp/dom.html"
tap_ok $? "the DOM holds one arrow per packet ($arrows arrows, $packets packets captured) and the failure's marks"
tap_end
