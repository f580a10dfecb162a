#!/bin/sh
# bench-timing.sh - bench/timing's arithmetic: the percentiles it prints
# how it reads tcpcheck's -v timing lines, and the machine's floor it
# computes from a clock loop's gaps.  No kernel needed.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }

python3 - "$top_srcdir/bench/timing" <<'PY'
import importlib.machinery, importlib.util, sys

loader = importlib.machinery.SourceFileLoader("timing", sys.argv[1])
spec = importlib.util.spec_from_loader("timing", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)

n = 0
failed = 0
def ok(cond, what, got=None):
    global n, failed
    n += 1
    failed += not cond
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))
    if not cond:
        print("#   got %r" % (got,))

hundred = list(range(100, 0, -1))          # 1..100, unsorted
p = bench.percentile
ok(p(hundred, 50) == 50, "p50 of 1..100 is 50", p(hundred, 50))
ok(p(hundred, 99) == 99, "p99 of 1..100 is 99", p(hundred, 99))
ok(p(hundred, 100) == 100, "p100 is the maximum", p(hundred, 100))
ok(p([7], 99) == 7, "one value is every percentile", p([7], 99))
ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]
ok(p(ten, 99) == 1000, "p99 of ten values is the largest (nearest rank)",
   p(ten, 99))
ok(p(ten, 90) == 9, "p90 of ten values is the ninth", p(ten, 90))
ok(p([-3.5, 2.0, -1.0], 50) == -1.0, "negative errors sort as numbers",
   p([-3.5, 2.0, -1.0], 50))
try:
    p([], 50)
    ok(False, "no values is an error")
except ValueError:
    ok(True, "no values is an error")

trace = """\
  0.000000 packet times: the kernel's (a packet socket on tun0)
  0.000300 timing: line 5 system call: script 0.000000 s, started 0.000260141 s: +260.1 us
  0.001501 timing: line 9 inbound packet: script 0.001190 s, kernel 0.001349368 s: +159.4 us
  0.001525 timing: line 10 outbound packet: script 0.001505 s, kernel 0.001411726 s: -93.3 us; read 106.5 us later
  0.002000 timing: line 11 inbound packet: script 0.001900 s, written 0.001950000 s: +50.0 us
  0.002100 timing: line 12 outbound packet: script 0.002000 s, read 0.002050000 s: +50.0 us
  0.002200 > . 1:1(0) ack 1 (line 13)
"""
events = bench.parse_trace(trace)
ok(len(events) == 5, "five timing lines, other lines skipped", len(events))
m = bench.measures(events)
ok(m[bench.INJECTION] == [159.4], "injection error by the kernel's time",
   m[bench.INJECTION])
ok(m[bench.CAPTURE] == [0.0],
   "a packet with the kernel's time is attributed exactly that time",
   m[bench.CAPTURE])
ok(m[bench.READ_DELAY] == [106.5], "the read delay is kept for comparison",
   m[bench.READ_DELAY])
ok(m[bench.CALL_START] == [260.1], "system call start error",
   m[bench.CALL_START])
ok(len(m[bench.UNSTAMPED]) == 2,
   "packets without a kernel time are counted, not measured",
   m[bench.UNSTAMPED])

# The floor: an instant picked at random inside a gap waits for its end.
lr = bench.lateness_at_random
ok(lr([100, 50], 1000, 99) == 90,
   "p99 lateness at random instants: 1% of the time is the last 10 of a "
   "100-long gap", lr([100, 50], 1000, 99))
ok(lr([100, 50], 1000, 90) == 25,
   "p90: both gaps' tails add up to 10% of the time", lr([100, 50], 1000, 90))
ok(lr([100, 50], 1000, 50) == 0,
   "p50 when the CPU is taken away 15% of the time: no wait",
   lr([100, 50], 1000, 50))
ok(lr([], 1000, 99) == 0, "no gaps, no lateness", lr([], 1000, 99))

script = bench.exchange_script(3)
ok(script.count("\n+.005 < P. ") == 3 and "> P. 21:31(10) ack 31" in script,
   "the generated script has one exchange per round, sequence numbers "
   "advancing", script)
import json, os, tempfile
report = {"results": [
    {"path": "/t/a.pkt", "family": "ipv4", "status": "pass"},
    {"path": "/t/b.pkt", "family": "ipv4", "status": "fail",
     "failure": "timing", "message":
     "/t/b.pkt:7: timing error: outbound packet expected at 0.100 s"},
    {"path": "/t/c.pkt", "family": "ipv6", "status": "fail",
     "failure": "missing_packet", "message":
     "/t/c.pkt:9: no outbound packet by 0.300 s; expected > . 1:1(0)"},
    {"path": "/t/d.pkt", "family": "ipv4", "status": "skip",
     "failure": "late", "message":
     "/t/d.pkt:4: tcpcheck was late: inbound packet due at 0.010 s"},
    {"path": "/t/e.pkt", "family": "ipv4", "status": "skip", "message":
     "runs only in ipv6"},
    {"path": "/t/f.pkt", "family": "ipv4", "status": "fail",
     "failure": "mismatch", "message":
     "/t/f.pkt:3: outbound packet does not match the script"},
    {"path": "/t/g.pkt", "family": "ipv4", "status": "fail",
     "failure": "mismatch", "message":
     "/t/g.pkt:4: timing error: worded as one, but a mismatch"},
]}
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(report, f)
timing, late, other, messages = bench.timing_failures(f.name, "/t")
os.unlink(f.name)
ok((timing, late, other) == (2, 1, 2),
   "a corpus report: two timing failures, one run where tcpcheck was "
   "late, two other failures (by the failure field, not the words); "
   "passes and family skips not counted",
   (timing, late, other))
ok(any(m.startswith("d.pkt ipv4: tcpcheck was late") for m in messages),
   "the late run is listed by path and family", messages)
print("1..%d" % n)
sys.exit(1 if failed else 0)
PY
