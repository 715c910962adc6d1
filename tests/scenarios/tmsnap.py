"""Two tracemalloc snapshots of a program that allocates from several files
(made with compile() under their own names, one of them non-ASCII), in a
recursion and in a loop, dumped with Snapshot.dump(); and what this Python
says of them: str() and the fields of every statistic of statistics() and
compare_to() for each key type, cumulative or not, and with filters.

    python tmsnap.py OUT      writes OUT.1.snap, OUT.2.snap and OUT.json"""
import json
import sys
import tracemalloc

tracemalloc.start(6)

MODULES = {}
for name in ("app/handlers.py", "app/cache.py", "lib/ünïcode.py", "lib/util.pyc"):
    src = ("def make(n, tag):\n"
           "    return [(tag + '-%d' % i) * 2 for i in range(n)]\n"
           "def nest(k, n):\n"
           "    if k == 0:\n"
           "        return [bytearray(64 + i % 7) for i in range(n)]\n"
           "    return nest(k - 1, n)\n")
    ns = {}
    exec(compile(src, name, "exec"), ns)
    MODULES[name] = ns

KEEP = []


def step(scale):
    for i, (name, ns) in enumerate(sorted(MODULES.items())):
        KEEP.append(ns["make"](300 * scale + 50 * i, name))
        KEEP.append(ns["nest"](3 + i, 40 * scale))
    KEEP.append({k: str(k) * 2 for k in range(500 * scale)})


step(1)
s1 = tracemalloc.take_snapshot()
step(2)
del KEEP[0:3]
s2 = tracemalloc.take_snapshot()
tracemalloc.stop()
out = sys.argv[1]
s1.dump(out + ".1.snap")
s2.dump(out + ".2.snap")


def tb(t):
    return [{"filename": f.filename, "lineno": f.lineno} for f in t]


truth = {"version": sys.version.split()[0]}
for kt in ("lineno", "filename", "traceback"):
    for cum in ((0, 1) if kt != "traceback" else (0,)):
        st = s2.statistics(kt, bool(cum))
        truth["top %s %d" % (kt, cum)] = {"text": [str(s) for s in st],
                                          "json": [{"traceback": tb(s.traceback), "size": s.size, "count": s.count}
                                                   for s in st]}
        d = s2.compare_to(s1, kt, bool(cum))
        truth["compare %s %d" % (kt, cum)] = {
            "text": [str(s) for s in d],
            "json": [{"traceback": tb(s.traceback), "size": s.size, "count": s.count,
                      "size_diff": s.size_diff, "count_diff": s.count_diff} for s in d]}
FILTERS = {
    "include app": [tracemalloc.Filter(True, "app/*")],
    "exclude frozen and tracemalloc": [tracemalloc.Filter(False, "<frozen*>"), tracemalloc.Filter(False, "*tracemalloc*")],
    "include util.py (pyc)": [tracemalloc.Filter(True, "lib/util.py")],
    "include lib all frames": [tracemalloc.Filter(True, "lib/*", all_frames=True)],
    "include lib, exclude unicode": [tracemalloc.Filter(True, "lib/*"), tracemalloc.Filter(False, "*code.py")],
}
for name, f in FILTERS.items():
    truth["filter " + name] = [str(s) for s in s2.filter_traces(f).statistics("lineno")]
with open(out + ".json", "w", encoding="utf-8") as fp:
    json.dump(truth, fp)
