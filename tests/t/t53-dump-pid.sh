#!/bin/sh
# heapgraph dump PID: a core of a live process without gdb.  For Debian's
# 3.11 (static, non-PIE) and a pyenv Python (shared libpython, PIE), a
# process of the basic scenario (two threads) is dumped by heapgraph (plain,
# .zst, --no-fork) and by gcore: heapgraph's answers (every object, its
# type, size, repr and references, from export) are the same on all four;
# gdb reads heapgraph's core (threads, a backtrace with symbols); the
# process runs on unharmed (not stopped, not traced, no child left).
# The pause: a process that measures the longest gap in its own 1 ms
# ticks is dumped by each; heapgraph's stop must be shorter than gcore's.
# Errors: no such process (exit 1), not permitted (exit 3, saying how),
# usage (exit 2).
. "$(dirname "$0")/lib.sh"

# start PY SCEN NAME: runs a scenario and sets $pid when it is READY
start() {
	fifo=$T_OUT/$3.fifo
	rm -f "$fifo"; mkfifo "$fifo"
	HG_TRUTH=$T_OUT/$3.truth.json timeout 600 "$1" "$T_TOP/tests/scenarios/$2.py" >"$fifo" 2>"$T_OUT/$3.stderr" &
	line=$(timeout 120 head -n 1 "$fifo")
	rm -f "$fifo"
	pid=${line#READY }
	case "$line" in READY*) return 0 ;; esac
	fail "$3: the scenario did not get ready: $line $(tail -2 "$T_OUT/$3.stderr")"
	return 1
}

# objects FILE.jsonl: one sorted line per object (address, type, size, repr, references)
objects() {
	python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "address" in d:
        print(d["address"], d.get("qualname"), d["size"], d.get("repr"), d["refs"], d.get("ref_labels"), d.get("weak_refs"))
PY
}

pys=$(hg_pythons | grep -e '^debian-' -e '^pyenv-3\.12' | head -2)
# with $HG_PYTHONS (names are the programs'): the first two of the host's
[ -n "$pys" ] || pys=$(hg_pythons | while read -r n p; do [ -z "$(py_root "$p")" ] && echo "$n $p"; done | grep -v '^sid-' | head -2)
[ -n "$pys" ] || { skip "no host Python found"; exit 0; }
echo "$pys" | while read -r name py; do
	begin_run
	start "$py" basic "$name" || continue
	if ! "$HEAPGRAPH" dump "$pid" -o "$T_OUT/$name.hg.core" 2>"$T_OUT/$name.dump.err"; then
		fail "$name: dump failed: $(cat "$T_OUT/$name.dump.err")"; kill "$pid"; continue
	fi
	ok "$name: $(grep wrote "$T_OUT/$name.dump.err" | sed 's/^heapgraph: //')"
	"$HEAPGRAPH" dump "$pid" -o "$T_OUT/$name.hg.core.zst" 2>/dev/null || fail "$name: dump to .zst failed"
	"$HEAPGRAPH" dump --no-fork "$pid" -o "$T_OUT/$name.nofork.core" 2>"$T_OUT/$name.nofork.err" ||
		fail "$name: dump --no-fork failed: $(cat "$T_OUT/$name.nofork.err")"
	gcore -o "$T_OUT/$name.gcore" "$pid" >/dev/null 2>&1 || fail "$name: gcore failed"
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status")
	tracer=$(sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$pid/status")
	children=$(cat /proc/"$pid"/task/*/children 2>/dev/null | tr -d ' \n')
	if [ "$state" = S ] && [ "$tracer" = 0 ] && [ -z "$children" ]; then
		ok "$name: the process runs on after the dumps, untraced, with no child left (its copies were reaped)"
	else
		fail "$name: after the dumps the process is in state '$state', traced by '$tracer', children '$children'"
	fi
	kill "$pid"
	for c in hg.core hg.core.zst nofork.core "gcore.$pid"; do
		if "$HEAPGRAPH" export "$T_OUT/$name.$c" -o "$T_OUT/$name.$c.jsonl" 2>"$T_OUT/$name.$c.err"; then
			objects "$T_OUT/$name.$c.jsonl" | sort >"$T_OUT/$name.$c.objects"
		else
			fail "$name: export of $c: $(head -3 "$T_OUT/$name.$c.err")"
		fi
	done
	n=$(wc -l <"$T_OUT/$name.gcore.$pid.objects")
	if [ "$n" -gt 1000 ] && cmp -s "$T_OUT/$name.hg.core.objects" "$T_OUT/$name.gcore.$pid.objects" &&
	   cmp -s "$T_OUT/$name.hg.core.zst.objects" "$T_OUT/$name.gcore.$pid.objects" &&
	   cmp -s "$T_OUT/$name.nofork.core.objects" "$T_OUT/$name.gcore.$pid.objects"; then
		ok "$name: the same $n objects, types, sizes, reprs and references from heapgraph's cores (plain, .zst, --no-fork) as from gcore's"
	else
		fail "$name: heapgraph's core and gcore's give different graphs ($n objects from gcore's)"
		diff "$T_OUT/$name.hg.core.objects" "$T_OUT/$name.gcore.$pid.objects" | head -5
	fi
	if grep -q warning "$T_OUT/$name.hg.core.err"; then fail "$name: reading heapgraph's core warned: $(cat "$T_OUT/$name.hg.core.err")"; fi
	exe=$("$HEAPGRAPH" info --json "$T_OUT/$name.hg.core" | python3 -c 'import json,sys; print(json.load(sys.stdin)["executable"])')
	gdb -batch -ex "info threads" -ex "thread apply all bt 3" "$exe" "$T_OUT/$name.hg.core" >"$T_OUT/$name.gdb" 2>&1
	threads=$(grep -c '^[* ] *[0-9]* *Thread\|^[* ] *[0-9]* *LWP' "$T_OUT/$name.gdb")
	if [ "$threads" -ge 2 ] && grep -q '^#0 .* in [a-zA-Z_]' "$T_OUT/$name.gdb" &&
	   ! grep -qi "not a core\|is not a core dump\|Couldn't find general-purpose" "$T_OUT/$name.gdb"; then
		ok "$name: gdb reads heapgraph's core: $threads threads, backtraces with symbols"
	else
		fail "$name: gdb on heapgraph's core:"; head -20 "$T_OUT/$name.gdb"
	fi
	tidy "$name"
done

# ---- the pause, against gcore's ----
py=$(one_python)
cat >"$T_OUT/ticker.py" <<'PY'
import os, signal, sys, time
worst = [0.0]
def report(sig, frame):
    with open(sys.argv[1], "w") as f:
        f.write("%.0f\n" % (worst[0] * 1000))
    worst[0] = 0.0
signal.signal(signal.SIGUSR1, report)
blob = [bytes(1000) for _ in range(50000)]     # some memory to copy: 50 MB
print("READY %d" % os.getpid(), flush=True)
last = time.monotonic()
while True:
    time.sleep(0.001)
    now = time.monotonic()
    worst[0] = max(worst[0], now - last)
    last = now
PY
fifo=$T_OUT/ticker.fifo; rm -f "$fifo"; mkfifo "$fifo"
timeout 300 "$py" "$T_OUT/ticker.py" "$T_OUT/gap" >"$fifo" &
line=$(timeout 60 head -n 1 "$fifo"); rm -f "$fifo"; tpid=${line#READY }
gap() {	# the longest gap since the last call, in ms
	rm -f "$T_OUT/gap"; kill -USR1 "$tpid"
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T_OUT/gap" ] && break; sleep 0.2; done
	cat "$T_OUT/gap"
}
sleep 0.5; gap >/dev/null
"$HEAPGRAPH" dump "$tpid" -o "$T_OUT/tick.core" 2>"$T_OUT/tick.err"; sleep 0.2; hg_gap=$(gap)
gcore -o "$T_OUT/tick.gcore" "$tpid" >/dev/null 2>&1; sleep 0.2; gcore_gap=$(gap)
kill "$tpid"
rm -f "$T_OUT"/tick.*
if [ -n "$hg_gap" ] && [ -n "$gcore_gap" ] && [ "$hg_gap" -lt "$gcore_gap" ]; then
	ok "the process stood still ${hg_gap} ms for heapgraph dump, ${gcore_gap} ms for gcore"
else
	fail "pause: heapgraph dump ${hg_gap:-?} ms, gcore ${gcore_gap:-?} ms"
fi

# ---- errors ----
expect_exit 1 "dump of a process that does not exist" "$HEAPGRAPH" dump 2147483 -o "$T_OUT/none.core"
expect_exit 2 "dump without a PID" "$HEAPGRAPH" dump
expect_exit 2 "dump of 'abc'" "$HEAPGRAPH" dump abc
sleep 300 & spid=$!
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HEAPGRAPH" dump "$spid" -o /tmp/hg-never-written.core \
		>"$T_OUT/perm.out" 2>"$T_OUT/perm.err"
	rc=$?
	if [ $rc -eq 3 ] && grep -q "cannot attach.*CAP_SYS_PTRACE\|cannot attach.*ptrace_scope" "$T_OUT/perm.err" &&
	   [ ! -e /tmp/hg-never-written.core ]; then
		ok "another user's process: exit 3, saying what to do ($(cut -c1-80 "$T_OUT/perm.err")...)"
	else
		fail "another user's process: exit $rc: $(cat "$T_OUT/perm.err")"
	fi
else
	skip "not root, or no setpriv: the not-permitted case is not tried"
fi
kill "$spid" 2>/dev/null
rm -f /tmp/hg-never-written.core
