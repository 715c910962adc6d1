"""A numerical service's heap (Debian's python3-numpy): arrays that own
their data and views that do not, object and record arrays, numpy scalars
of every width, an array queue, a sqlite3 table and a worker thread holding
an array in a local variable; object arrays (pandas' string columns are
such) that alone hold their items.  What sys.getsizeof says of an array (its
data when it owns it) is what a leak hunter adds up, so the sizes must be
exact."""
import collections
import os
import queue
import sqlite3
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

sys.path.append("/usr/lib/python3/dist-packages")
import numpy as np  # noqa: E402

COLUMNS = {"col%d" % i: np.arange(i * 100, dtype=np.float64) for i in range(50)}
VIEWS = [COLUMNS["col10"][::2], COLUMNS["col20"].reshape(-1, 10), COLUMNS["col30"].T]
MATRIX = np.ones((64, 32), dtype=np.float32)
CUBE = np.zeros((4, 5, 6), dtype=np.int16)
OBJECTS = np.array([{"k": i} for i in range(30)], dtype=object)
NAMES = np.array(["customer-%d" % i for i in range(200)], dtype=object)  # a pandas string column
GRID = np.empty((3, 4), dtype=object)
GRID[2, 1] = ["held", "by", "a", "2-d", "object", "array"]
RECORDS = np.zeros(10, dtype=[("a", "i4"), ("b", "f8"), ("name", "U8")])
TEXT = np.array(["alpha", "beta", "gamma"])
EMPTY = np.empty((0, 3))
SCALARS = [np.float64(1.5), np.float32(2.5), np.float16(0.5), np.int8(-1), np.int16(2), np.int32(7),
           np.int64(1 << 40), np.uint8(255), np.uint64(1), np.bool_(True), np.complex64(1j),
           np.complex128(2 + 1j), np.longdouble(3), np.datetime64("2024-01-02"), np.timedelta64(5, "s")]
SUMS = [COLUMNS["col5"].sum(), MATRIX.mean()]
DB = sqlite3.connect(":memory:")
DB.execute("create table t (a, b)")
DB.executemany("insert into t values (?, ?)", [(i, str(i)) for i in range(100)])
ROWS = DB.execute("select * from t").fetchall()
BATCHES = queue.Queue()
for i in range(20):
    BATCHES.put(np.ones(i * 10))


def worker(ev):
    window = np.linspace(0, 1, 500)  # noqa: F841  held by the frame only
    counts = collections.Counter("abracadabra")  # noqa: F841
    ev.set()
    threading.Event().wait()


hgscenario.park_thread("np-worker", worker)
# objects that only an object array holds, for the chain test (the arrays
# are not tracked by the GC, so gc.get_referents cannot say it)
hgscenario.ready({"scenario": "numpy_app", "held_by_arrays": {
    "OBJECTS[3]": id(OBJECTS[3]), "NAMES[150]": id(NAMES[150]), "GRID[2, 1]": id(GRID[2, 1])}}, heap=True)
