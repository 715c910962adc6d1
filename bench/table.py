"""make bench: bench/bench.sh on heaps of about 1, 5 and 10 million objects
(BENCH_SIZES: N records each, about 5 objects a record), then one table of
every measure side by side, the ratios against objgraph and Python, how cost
grows from the smallest heap to the largest, and whether each target of
issue 11 is met.  Usage: python3 bench/table.py [OUT_DIR]"""
import json
import os
import subprocess
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "bench", "out")
sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "200000 1000000 2000000").split()]
results = []
for n in sizes:
    d = os.path.join(out, "n%d" % n)
    os.makedirs(d, exist_ok=True)
    print("== bench/bench.sh %d 300 (about %d objects)" % (n, 5 * n), flush=True)
    subprocess.run(["sh", os.path.join(top, "bench", "bench.sh"), str(n), "300"], check=True,
                   env=dict(os.environ, BENCH_OUT=d))
    results.append(json.load(open(os.path.join(d, "result.json"))))
    for f in os.listdir(d):     # the cores and indexes are big: keep the results only
        if f.startswith(("bench", "tm")) and not f.endswith(".json"):
            os.remove(os.path.join(d, f))


def sec(v):
    return "-" if v is None else "%.3f" % v


def row(name, fmt):
    print("%-36s" % name + "".join("%14s" % fmt(r) for r in results))


print()
print("%-36s" % "heap" + "".join("%14s" % ("%.1fM obj" % (r["objects"] / 1e6)) for r in results))
row("core (MiB)", lambda r: "%.0f" % (r["core_bytes"] / 2**20))
row("floor: cat core, warm (s)", lambda r: sec(r["floor"]))
row("analyze, cold (s)", lambda r: sec(r["analyze"]))
row("  x the floor", lambda r: "%.0fx" % (r["analyze"] / r["floor"]))
row("  peak RSS - core (B/object)", lambda r: "%.0f" % ((r["analyze_rss"] - r["core_bytes"]) / r["objects"]))
row("index (B/object)", lambda r: "%.0f" % (r["index_bytes"] / r["objects"]))
for k in ("types", "show", "chain", "top", "backrefs", "growth", "report", "pick"):
    row({"pick": "chain --type dict"}.get(k, k) + " (s)", lambda r, k=k: sec(r[k]))
for name, o, h in (("typestats / types --gc-only", "typestats", "types"),
                   ("find_backref_chain / chain", "find_backref_chain", "chain"),
                   ("show_backrefs / backrefs", "show_backrefs", "backrefs"),
                   ("show_growth / growth", "show_growth", "growth")):
    row(name, lambda r, o=o, h=h: (">%.0fx" % (r["objgraph_limit"] / r[h]) if r["objgraph"][o] is None
                                   else "%.1fx" % (r["objgraph"][o] / r[h])))
row("load+compare_to / tracemalloc compare", lambda r: "%.1fx" % (r["python_compare_to"] / r["tm_compare"]))
row("  (compare_to alone, s)", lambda r: sec(r["python_compare_to_loaded"]))
row("  (tracemalloc traces)", lambda r: "%d" % r["tm_traces"])

first, last = results[0], results[-1]
scale = last["objects"] / first["objects"]
print()
print("from %.1fM to %.1fM objects (x%.1f): analyze time x%.1f, peak RSS x%.1f" % (
    first["objects"] / 1e6, last["objects"] / 1e6, scale, last["analyze"] / first["analyze"],
    last["analyze_rss"] / first["analyze_rss"]))

t = last
targets = [
    ("analyze <= 40x the floor", t["analyze"] <= 40 * t["floor"]),
    ("peak RSS <= core + 100 B/object", t["analyze_rss"] <= t["core_bytes"] + 100 * t["objects"]),
    ("index <= 50 B/object", t["index_bytes"] <= 50 * t["objects"]),
    ("types, show, chain, top <= 0.05 s", max(t["types"], t["show"], t["chain"], t["top"]) <= 0.05),
    ("backrefs PNG <= 1 s", t["backrefs"] <= 1),
    ("growth of two cores <= 6 s", t["growth"] <= 6),
    ("chain >= 500x find_backref_chain", t["objgraph"]["find_backref_chain"] is None and
     t["objgraph_limit"] / t["chain"] >= 500 or
     (t["objgraph"]["find_backref_chain"] or 0) / t["chain"] >= 500),
    ("types --gc-only >= 10x typestats", (t["objgraph"]["typestats"] or 1e9) / t["types"] >= 10),
    ("tracemalloc compare >= 10x load + compare_to", t["python_compare_to"] / t["tm_compare"] >= 10),
    ("linear: time and memory within 11x for 10x the objects",
     last["analyze"] / first["analyze"] <= 1.1 * scale and last["analyze_rss"] / first["analyze_rss"] <= 1.1 * scale),
]
print("targets, on the largest heap:")
for name, met in targets:
    print("  %-58s %s" % (name, "met" if met else "NOT met"))
