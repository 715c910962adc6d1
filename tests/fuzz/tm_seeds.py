"""Writes the seeds of fuzz-pickle into the folder given: small tracemalloc
snapshots as Snapshot.dump() writes them, with tracebacks of one frame and
of several, and an empty one."""
import os
import sys
import tracemalloc

out = sys.argv[1]


def grow(n):
    return [str(i) * 3 for i in range(n)]


for name, frames in (("one-frame", 1), ("deep", 6)):
    tracemalloc.start(frames)
    keep = grow(40)
    snap = tracemalloc.take_snapshot()
    tracemalloc.stop()
    # a few traces keep the seed small: those of this file
    snap = snap.filter_traces([tracemalloc.Filter(True, __file__)])
    snap.dump(os.path.join(out, name + ".pickle"))
    del keep
tracemalloc.start()
tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, "nothing")]).dump(os.path.join(out, "empty.pickle"))
tracemalloc.stop()
