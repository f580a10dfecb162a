#!/bin/sh
# timing.sh - outbound packets are timed by the kernel's clock, not by
# when the runner read them.
#
# tests/timing/read-late.pkt keeps the runner in a command while the
# stack retransmits its SYN-ACK; the packet is read some 300 ms late and
# must still be on time.  With -v the trace names the time source and,
# for that packet, the kernel's time and how much later it was read.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

out=$(mktemp)
trap 'rm -f "$out"' EXIT
script=tests/timing/read-late.pkt

status=0
"$TCPCHECK" -v "$script" >"$out" 2>&1 || status=$?
tap_ok "$([ "$status" -eq 0 ]; echo $?)" \
	"a packet read 300 ms after the kernel sent it is on time (exit $status)"
[ "$status" -eq 0 ] || tap_diag <"$out"

grep -q "packet times: the kernel's (a packet socket on tun0)" "$out"
tap_ok $? "-v says packet times are the kernel's"

line=$(grep "timing: line 16 outbound packet" "$out")
printf '%s\n' "$line" | tap_diag
kernel=$(printf '%s\n' "$line" | sed -n 's/.*, kernel \([0-9.]*\) s: .*/\1/p')
late=$(printf '%s\n' "$line" | sed -n 's/.*; read \([0-9.]*\) us later$/\1/p')
python3 -c "import sys; k, r = float(sys.argv[1]), float(sys.argv[2]); sys.exit(not (0.99 < k < 1.1 and r > 200000))" \
	"${kernel:-0}" "${late:-0}"
tap_ok $? "the retransmission is timed at about 1 s by the kernel, read over 200 ms later (kernel ${kernel:-?} s, read ${late:-?} us later)"

grep -q "timing: line 13 inbound packet: script [0-9.]* s, kernel " "$out"
tap_ok $? "an injected packet is timed by when the kernel took it in"

# The runner sleeps until a lead before each deadline that follows its
# own wake-ups' lateness (engine/run/wake_lead.h): at least one sleep here
# (the wait for the command at 10 ms), and a lead within its bounds, at
# least twice the worst lateness unless capped.
line=$(grep "timing: [0-9]* timed sleeps" "$out")
printf '%s\n' "$line" | tap_diag
python3 - "$line" <<'PY'
import re, sys
m = re.search(r"timing: (\d+) timed sleeps, woken up to ([0-9.]+) us late; "
              r"the last ([0-9.]+) us before a deadline polled", sys.argv[1])
ok = m is not None
if ok:
    sleeps, worst, lead = int(m.group(1)), float(m.group(2)), float(m.group(3))
    ok = sleeps >= 1 and 200 <= lead <= 2000 and lead >= min(2 * worst, 2000)
sys.exit(0 if ok else 1)
PY
tap_ok $? "-v gives the run's timed sleeps, their worst lateness and the lead"
tap_end
