"""Two big tracemalloc snapshot files for the benchmark, and Python's own
time for what `heapgraph tracemalloc compare OLD NEW` does: Snapshot.load of
both and NEW.compare_to(OLD, 'lineno') (also compare_to alone, the files
loaded): N blocks allocated from 500 lines, then N/5 more from 100 of them.
Usage: tmbig.py N OUT_DIR; writes OUT_DIR/tm1.snap, tm2.snap and tm.json."""
import json
import os
import sys
import time
import tracemalloc

N = int(sys.argv[1])
out = sys.argv[2]
tracemalloc.start(10)
# code that allocates from many distinct lines: one function per line
src = "\n".join("def f%d(n):\n    return [bytes(%d) for _ in range(n)]" % (k, 16 + k % 200) for k in range(500))
ns = {}
exec(compile(src, os.path.join(out, "allocs.py"), "exec"), ns)
keep = []
for k in range(500):
    keep.append(ns["f%d" % k](N // 500))
tracemalloc.take_snapshot().dump(os.path.join(out, "tm1.snap"))
for k in range(0, 500, 5):
    keep.append(ns["f%d" % k](N // 500))
tracemalloc.take_snapshot().dump(os.path.join(out, "tm2.snap"))
tracemalloc.stop()
del keep
t = time.perf_counter()
old = tracemalloc.Snapshot.load(os.path.join(out, "tm1.snap"))
new = tracemalloc.Snapshot.load(os.path.join(out, "tm2.snap"))
t_load = time.perf_counter() - t
t = time.perf_counter()
new.compare_to(old, "lineno")
t_compare = time.perf_counter() - t
with open(os.path.join(out, "tm.json"), "w") as f:
    json.dump({"traces": len(new.traces), "load_compare_to": t_load + t_compare, "compare_to": t_compare}, f)
