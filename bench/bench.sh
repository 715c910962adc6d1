#!/bin/sh
# bench.sh [N] [FANIN] - heapgraph on a core against objgraph in the live
# process, on the same heap of about 5*N objects (bench/bigheap.py), and
# heapgraph's tracemalloc compare against Python's on snapshots of about N
# blocks (bench/tmbig.py).  Prints each measure and writes them all as JSON
# to $BENCH_OUT/result.json (bench/table.py makes the table of several
# sizes: `make bench`).  objgraph gets $HG_BENCH_LIMIT seconds (120) per
# operation: null when it did not finish.  Needs gdb (gcore), /usr/bin/python3,
# python3-objgraph and GNU time (/usr/bin/time).
set -eu
N=${1:-1000000}
FANIN=${2:-100}
top=$(cd "$(dirname "$0")/.." && pwd)
hg=${HEAPGRAPH:-$top/heapgraph}
out=${BENCH_OUT:-$top/bench/out}
py=${BENCH_PYTHON:-/usr/bin/python3}
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/bench.core* "$out"/bench2.core* "$out/objgraph.json" "$out/result.json" "$out"/tm*.snap*

# the heap, dumped twice (the second after it grew: growth's input)
HG_BENCH_OUT=$out/objgraph.json "$py" "$top/bench/bigheap.py" "$N" "$FANIN" >"$out/ready" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_ready() {	# wait_ready K: the K-th READY line, its pid
	until [ "$(grep -c '^READY' "$out/ready" 2>/dev/null)" -ge "$1" ]; do
		kill -0 "$pid" 2>/dev/null || { echo "bench: bigheap.py died" >&2; exit 1; }
		sleep 0.2
	done
	sed -n 's/^READY //p' "$out/ready" | head -1
}
p=$(wait_ready 1)
gcore -o "$out/bench.core" "$p" >/dev/null 2>&1
kill -USR1 "$p"
p=$(wait_ready 2)
gcore -o "$out/bench2.core" "$p" >/dev/null 2>&1
kill "$pid"; wait "$pid" 2>/dev/null || true
mv "$out/bench.core.$p" "$out/bench.core"
mv "$out/bench2.core.$p" "$out/bench2.core"
core=$out/bench.core core2=$out/bench2.core

# GNU date: a timer whose own start-up costs a millisecond, not a Python's
now() { date +%s.%N; }
run() {	# run CMD...: the better of two runs, in seconds (the second has a warm page cache)
	t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); "$@" >/dev/null 2>&1; t2=$(now)
	python3 -c "print('%.3f' % min($t1 - $t0, $t2 - $t1))"
}
target=$(python3 -c "import json; print(hex(json.load(open('$out/objgraph.json'))['target']))")
export XDG_STATE_HOME=$out/state XDG_CACHE_HOME=$out/cache
rm -rf "$out/state" "$out/cache"
cat "$core" "$core2" >/dev/null
# analyze, cold (no index): wall time and peak memory
/usr/bin/time -f '%e %M' -o "$out/analyze.time" "$hg" analyze "$core" >/dev/null 2>&1
"$hg" analyze "$core2" >/dev/null 2>&1
t_types=$(run "$hg" types "$core" --gc-only)
t_show=$(run "$hg" show "$core" "$target")
t_chain=$(run "$hg" chain "$core" "$target")
t_top=$(run "$hg" top "$core")
t_backrefs=$(run "$hg" backrefs "$core" "$target" -o "$out/backrefs.png")
t_growth=$(run "$hg" growth "$core" "$core2")
t_report=$(run "$hg" report "$core" -o "$out/report.html")
t_pick=$(run "$hg" chain "$core" --type dict --limit 1)
t_floor=$(run cat "$core")

# tracemalloc: Python's compare_to on two big snapshot files, and heapgraph's
"$py" "$top/bench/tmbig.py" "$N" "$out"
t_tmcompare=$(run "$hg" tracemalloc compare "$out/tm1.snap" "$out/tm2.snap")

python3 - "$out" "$N" "$(wc -c <"$core")" "$(wc -c <"$core.hgi")" "$t_types" "$t_show" "$t_chain" "$t_top" \
	"$t_backrefs" "$t_growth" "$t_report" "$t_pick" "$t_floor" "$t_tmcompare" <<'PY'
import json, os, sys
out = sys.argv[1]
og = json.load(open(os.path.join(out, "objgraph.json")))
tm = json.load(open(os.path.join(out, "tm.json")))
wall, rss_kb = open(os.path.join(out, "analyze.time")).read().split()[-2:]
names = ["types", "show", "chain", "top", "backrefs", "growth", "report", "pick", "floor", "tm_compare"]
r = {"n": int(sys.argv[2]), "objects": None, "gc_objects": og["objects"], "core_bytes": int(sys.argv[3]),
     "index_bytes": int(sys.argv[4]), "analyze": float(wall), "analyze_rss": int(rss_kb) * 1024,
     "objgraph": {k: og.get(k) for k in ("typestats", "find_backref_chain", "show_backrefs", "show_growth")},
     "objgraph_limit": og["limit"], "python_compare_to": tm["load_compare_to"],
     "python_compare_to_loaded": tm["compare_to"], "tm_traces": tm["traces"]}
r.update(zip(names, map(float, sys.argv[5:15])))
info = json.loads(os.popen("'%s' analyze --json '%s' 2>/dev/null" % (os.environ.get("HEAPGRAPH", "heapgraph"),
                                                                       os.path.join(out, "bench.core"))).read() or "{}")
r["objects"] = info.get("objects")
json.dump(r, open(os.path.join(out, "result.json"), "w"), indent=1)
print("heap: %s objects (%d tracked by the GC), core %.0f MiB" % (r["objects"], r["gc_objects"], r["core_bytes"] / 2**20))
print("floor, reading the core from the page cache (cat): %.3f s" % r["floor"])
print("analyze (reads the core, writes the index): %.2f s (%.0fx the floor), peak RSS %.0f MiB, index %.0f bytes/object"
      % (r["analyze"], r["analyze"] / r["floor"], r["analyze_rss"] / 2**20, r["index_bytes"] / max(r["objects"] or 1, 1)))
for k in ("types", "show", "chain", "top", "backrefs", "growth", "report", "pick"):
    print("%-10s %8.3f s" % (k, r[k]))
for name, o, h in (("typestats / types --gc-only", og["typestats"], r["types"]),
                   ("find_backref_chain / chain", og["find_backref_chain"], r["chain"]),
                   ("show_backrefs / backrefs", og["show_backrefs"], r["backrefs"]),
                   ("show_growth / growth", og.get("show_growth"), r["growth"]),
                   ("load + compare_to / tracemalloc compare", tm["load_compare_to"], r["tm_compare"])):
    print("%-34s %10s %10.3f %10s" % (name, "> %g" % og["limit"] if o is None else "%.3f" % o, h,
                                      "> %.0fx" % (og["limit"] / h) if o is None else "%.1fx" % (o / h)))
PY
