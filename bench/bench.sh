#!/bin/sh
# bench.sh [N] [FANIN] - heapgraph on a core against objgraph in the live
# process, on the same heap of about 5*N objects.  Prints each operation's
# time for both and the ratio objgraph/heapgraph (> 1: heapgraph faster).
# objgraph gets $HG_BENCH_LIMIT seconds (120) per operation; "> limit" when
# it did not finish.  Needs gdb (gcore), /usr/bin/python3 and python3-objgraph.
set -eu
N=${1:-1000000}
FANIN=${2:-100}
top=$(cd "$(dirname "$0")/.." && pwd)
hg=${HEAPGRAPH:-$top/heapgraph}
out=${BENCH_OUT:-$top/bench/out}
py=${BENCH_PYTHON:-/usr/bin/python3}
mkdir -p "$out"
rm -f "$out"/bench.core* "$out/objgraph.json"

fifo=$out/fifo; rm -f "$fifo"; mkfifo "$fifo"
HG_BENCH_OUT=$out/objgraph.json "$py" "$top/bench/bigheap.py" "$N" "$FANIN" >"$fifo" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$fifo"' EXIT
read -r line <"$fifo"
gcore -o "$out/bench.core" "${line#READY }" >/dev/null 2>&1
kill "$pid"; wait "$pid" 2>/dev/null || true
core=$out/bench.core.${line#READY }

# GNU date: a timer whose own start-up costs a millisecond, not a Python's
now() { date +%s.%N; }
run() {	# run CMD...: prints the better of two runs, in seconds (the second has a warm page cache)
	t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); "$@" >/dev/null 2>&1; t2=$(now)
	python3 -c "print('%.3f' % min($t1 - $t0, $t2 - $t1))"
}
target=$(python3 -c "import json; print(hex(json.load(open('$out/objgraph.json'))['target']))")
export XDG_STATE_HOME=$out/state
t0=$(now); "$hg" analyze "$core" >/dev/null 2>&1; t1=$(now)
t_analyze=$(python3 -c "print('%.3f' % ($t1 - $t0))")
t_types=$(run "$hg" types "$core" --gc-only)
t_chain=$(run "$hg" chain "$core" "$target")
t_backrefs=$(run "$hg" backrefs "$core" "$target" -o "$out/backrefs.dot")
t_top=$(run "$hg" top "$core")
t_warm=$(run "$hg" analyze "$core")
t_pick=$(run "$hg" chain "$core" --type dict --limit 1)
t_floor=$(run cat "$core")

python3 - "$out/objgraph.json" "$t_analyze" "$t_types" "$t_chain" "$t_backrefs" "$(wc -c <"$core")" \
	"$t_top" "$t_warm" "$t_pick" "$t_floor" <<'PY'
import json, sys
og = json.load(open(sys.argv[1]))
analyze, types, chain, backrefs = map(float, sys.argv[2:6])
top, warm, pick, floor = map(float, sys.argv[7:11])
print("heap: %d objects tracked by the GC (gc.get_objects), core %.0f MiB" % (og["objects"], int(sys.argv[6]) / 2**20))
print("the floor: reading the core from the page cache (cat): %.3f s" % floor)
print("heapgraph analyze (reads the core, writes the index): %.2f s (%.0fx the floor)" % (analyze, analyze / floor))
print("heapgraph top, analyze again (from the index's summary): %.3f s, %.3f s" % (top, warm))
print("heapgraph chain --type dict (groups 'dict' by chain, picks from the largest group): %.3f s" % pick)
rows = [("typestats / types --gc-only", og["typestats"], types),
        ("find_backref_chain / chain", og["find_backref_chain"], chain),
        ("show_backrefs / backrefs", og["show_backrefs"], backrefs)]
print("%-30s %12s %12s %10s" % ("operation", "objgraph s", "heapgraph s", "ratio"))
for name, o, h in rows:
    if o is None:
        print("%-30s %12s %12.3f %10s" % (name, "> %g" % og["limit"], h, "> %.0fx" % (og["limit"] / h)))
    else:
        print("%-30s %12.3f %12.3f %9.1fx" % (name, o, h, o / h))
PY
