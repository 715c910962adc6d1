"""selfdump.py [N] - heapgraph_dump.dump() against its floor in the same process:
gc.get_objects() and gc.get_referents() over every tracked object (what any
writer must do at least), on a heap of N instances (default 250,000), each with a
str, a list and two ints: about 5 * N objects.  Prints both times and the ratio.

    python3 bench/selfdump.py 250000"""
import gc
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import heapgraph_dump


class Rec:
    def __init__(self, i):
        self.i = i
        self.name = "rec-%d" % i
        self.tags = [i, i + 1]


n = int(sys.argv[1]) if len(sys.argv) > 1 else 250000
data = [Rec(i) for i in range(n)]
gc.collect()
t0 = time.perf_counter()
objs = gc.get_objects()
for o in objs:
    gc.get_referents(o)
t1 = time.perf_counter()
del objs
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "self.jsonl")
    t2 = time.perf_counter()
    written = heapgraph_dump.dump(path)
    t3 = time.perf_counter()
    size = os.path.getsize(path)
print("heap: %d objects written (%.0f MiB of JSON lines), Python %s" % (written, size / 2**20, sys.version.split()[0]))
print("floor (gc.get_objects + gc.get_referents): %.2f s" % (t1 - t0))
print("heapgraph_dump.dump:                       %.2f s (%.0fx the floor)" % (t3 - t2, (t3 - t2) / (t1 - t0)))
