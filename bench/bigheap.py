"""A big heap for the benchmark: N records (an instance, a list and a dict
each, about 5 objects), a cache that shares one target among many lists,
and objgraph timed on it in the live process.  Writes the timings as JSON
to $HG_BENCH_OUT, prints READY <pid> and waits to be dumped; on SIGUSR1 it
grows (a cache of N/10 more records, what objgraph's show_growth then
times), prints READY <pid> again and waits for the second dump."""
import contextlib
import gc
import io
import json
import os
import signal
import sys
import time

sys.modules.setdefault("graphviz", None)
sys.path.append("/usr/lib/python3/dist-packages")
import objgraph  # noqa: E402


class Rec:
    def __init__(self, i):
        self.i = i
        self.tags = [i, "t%d" % i]
        self.meta = {"k": i}


N = int(sys.argv[1])
FANIN = int(sys.argv[2]) if len(sys.argv) > 2 else 100
LIMIT = float(os.environ.get("HG_BENCH_LIMIT", "120"))
DATA = [Rec(i) for i in range(N)]
TARGET = DATA[N // 2].meta
SHARED = [[TARGET] for _ in range(FANIN)]  # many referrers: objgraph's slow case


class Timeout(Exception):
    pass


def timed(fn):
    def alarm(*_):
        raise Timeout()
    signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    t = time.perf_counter()
    try:
        fn()
        return time.perf_counter() - t
    except Timeout:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


out = {"objects": len(gc.get_objects()), "target": id(TARGET), "limit": LIMIT}
out["typestats"] = timed(lambda: objgraph.typestats())
out["find_backref_chain"] = timed(lambda: objgraph.find_backref_chain(TARGET, objgraph.is_proper_module))
with contextlib.redirect_stdout(io.StringIO()):  # "Graph written to ..."
    out["show_backrefs"] = timed(lambda: objgraph.show_backrefs([TARGET], filename="/tmp/hg-bench-objgraph.dot"))
with contextlib.redirect_stdout(io.StringIO()):
    objgraph.show_growth(limit=10)          # the baseline (untimed)
gc.collect()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
with open(os.environ["HG_BENCH_OUT"], "w") as f:
    json.dump(out, f)
print("READY %d" % os.getpid(), flush=True)
signal.sigwait({signal.SIGUSR1})
CACHE = {i: Rec(i) for i in range(N // 10)}   # the growth
with contextlib.redirect_stdout(io.StringIO()):
    out["show_growth"] = timed(lambda: objgraph.show_growth(limit=10))
with open(os.environ["HG_BENCH_OUT"], "w") as f:
    json.dump(out, f)
gc.collect()
print("READY %d" % os.getpid(), flush=True)
while True:
    time.sleep(3600)
