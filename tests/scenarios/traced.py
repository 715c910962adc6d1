"""A process that traces its allocations (tracemalloc.start(10) first thing,
so that what the imports made before is not traced) and builds a small
order service in build(): instances with a __dict__ (managed in 3.11+), with
__slots__, dicts, lists, tuples, strs, ints, floats, bytes, sets, closures, a
comprehension and a generator, some made three calls deep.

The truth, recorded live just before the core:
  sample     a seeded sample of objects (tracked and untracked, traced or
             not) with tracemalloc.get_object_traceback(), oldest frame first
             (null when it has none);
  lines      for each line of this file's workload functions: size and count
             from take_snapshot().statistics('lineno') (what `tracemalloc top`
             must give), and per type the number of objects allocated there
             (what `types --by-line` must give);
  workload   the first and last line of each workload function;
  probe      an Order: its address and the line that allocated it.
After build() a full collection empties the free lists and the collector is
turned off: nothing the workload made is freed between the recording and
the core."""
import tracemalloc

tracemalloc.start(10)

import gc  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario  # noqa: E402


class Order:
    def __init__(self, oid, customer):
        self.oid = oid
        self.customer = customer
        self.lines = []
        self.notes = {"created": "order-%06d" % oid}

    def add(self, sku, qty, price):
        self.lines.append(Line(sku, qty, price))


class Line:
    __slots__ = ("sku", "qty", "price", "tags")

    def __init__(self, sku, qty, price):
        self.sku = sku
        self.qty = qty
        self.price = price
        self.tags = ("line", sku)


def make_customer(i):
    return {"name": "customer-%04d" % i, "since": 2000 + i % 25, "vip": i % 7 == 0}


def nested(depth, i):
    if depth:
        return nested(depth - 1, i)
    return ["deep-%d" % i, float(i) / 3.0, bytes(40 + i % 9)]


def counter():
    seen = {"n": 0}

    def bump():
        seen["n"] += 1
        return seen["n"]
    return bump


def build():
    customers = [make_customer(i) for i in range(300)]
    orders = []
    for oid in range(1200):
        o = Order(oid, customers[oid % len(customers)])
        for k in range(3):
            o.add("sku-%05d" % ((oid * 7 + k) % 5000), k + 1, (oid % 50) * 1.25 + k)
        orders.append(o)
    index = {o.oid: o for o in orders}
    by_customer = {}
    for o in orders:
        by_customer.setdefault(o.customer["name"], set()).add(o.oid)
    deep = [nested(3, i) for i in range(200)]
    squares = list(x * x for x in range(100000, 100400))
    bumps = [counter() for _ in range(50)]
    return {"orders": orders, "index": index, "by_customer": by_customer, "deep": deep,
            "squares": squares, "bumps": bumps, "customers": customers}


WORKLOAD = (Order.__init__, Order.add, Line.__init__, make_customer, nested, counter, build)
STATE = build()
# a full collection empties the free lists: no block the workload made and
# dropped waits there to be reused, then freed while the truth is recorded
gc.collect()
gc.disable()


def workload_lines():
    import inspect
    spans = {}
    for f in WORKLOAD:
        lines, first = inspect.getsourcelines(f)
        spans[f.__qualname__] = [first, first + len(lines) - 1]
    return spans


def functions():
    """The function each line of the workload runs in, from Python's own
    line tables (dis.findlinestarts): the innermost code object whose lines
    hold it; a code object's first line (its def line) belongs to the code
    around it unless all its lines are that one (a comprehension, a lambda)."""
    import dis
    names = {}

    def visit(code):
        lines = {ln for _, ln in dis.findlinestarts(code) if ln is not None}
        if lines - {code.co_firstlineno}:
            lines.discard(code.co_firstlineno)
        for ln in lines:
            names[ln] = getattr(code, "co_qualname", code.co_name)
        for c in code.co_consts:
            if hasattr(c, "co_firstlineno"):
                visit(c)
    for f in WORKLOAD:
        visit(f.__code__)
    return names


def frames_of(o):
    tb = tracemalloc.get_object_traceback(o)
    return None if tb is None else [[f.filename, f.lineno] for f in tb]


def managed(o):
    # Py_TPFLAGS_MANAGED_DICT: 3.11's get_object_traceback looks for the
    # block at the wrong place for these (it forgets the managed dict's
    # words in front of the GC header) and answers None
    return bool(type(o).__flags__ & (1 << 4))


def record():
    here = os.path.abspath(__file__)
    spans = workload_lines()
    inside = set()
    for first, last in spans.values():
        inside.update(range(first, last + 1))
    # every object: the collector's and all they reach (untracked dicts and
    # tuples hold strs and ints of their own)
    seen = {}
    todo = gc.get_objects()
    while todo:
        o = todo.pop()
        if id(o) not in seen:
            seen[id(o)] = o
            todo.extend(r for r in gc.get_referents(o) if id(r) not in seen)
    del todo
    # what the recording makes is freed before the core and its addresses
    # reused: not sampled
    import inspect
    mine = set()
    for f in (record, workload_lines, functions, frames_of, managed):
        lines, first = inspect.getsourcelines(f)
        mine.update(range(first, first + len(lines)))
    # per line of the workload and type: how many objects were allocated there
    by_line = {}
    managed_types = set()
    ids = []
    for i, o in seen.items():
        if managed(o):
            managed_types.add("%s.%s" % (type(o).__module__, type(o).__qualname__))
        tb = tracemalloc.get_object_traceback(o)
        if tb is None:
            ids.append(i)
            continue
        if not any(f.filename == here and f.lineno in mine for f in tb):
            ids.append(i)
        f = tb[-1] if len(tb) else None
        if f is None or f.filename != here or f.lineno not in inside:
            continue
        key = "%d %s.%s" % (f.lineno, type(o).__module__, type(o).__qualname__)
        by_line[key] = by_line.get(key, 0) + 1
    rnd = random.Random(1234)
    ids.sort()
    sample = {}
    for i in rnd.sample(ids, min(4000, len(ids))):
        sample["0x%x" % i] = [frames_of(seen[i]), managed(seen[i])]
    for o in STATE["orders"][:300]:
        sample["0x%x" % id(o)] = [frames_of(o), managed(o)]
    seen.clear()  # it holds itself: a cycle the disabled collector would leave behind
    del seen, ids
    stats = {}
    snap = tracemalloc.take_snapshot()
    for s in snap.statistics("lineno"):
        f = s.traceback[0]
        if f.filename == here and f.lineno in inside:
            stats[str(f.lineno)] = [s.size, s.count]
    del snap
    probe = STATE["orders"][7]
    lines, first = inspect.getsourcelines(build)
    made = first + [k for k, t in enumerate(lines) if "o = Order(" in t][0]
    return {"sample": sample, "lines": stats, "by_line": by_line, "workload": spans, "file": here,
            "probe": {"addr": "0x%x" % id(probe), "line": made},
            "managed_types": sorted(managed_types), "functions": functions(), "limit": tracemalloc.get_traceback_limit()}


hgscenario.ready(record())
