"""Odd heaps: lists nested 200,000 deep, a list of two million items, a
dict of 500,000 keys, containers that hold themselves, and a cycle through
every kind of container (list, tuple, dict, set, frozenset, an instance's
__dict__, a deque, an OrderedDict, a closure's cell, a function's defaults,
a bound method, a generator's frame), each named by a module global.  The
truth names their addresses and what each refers to."""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

DEPTH = int(os.environ.get("HG_DEPTH", "200000"))
NESTED = innermost = []
for _ in range(DEPTH):
    NESTED = [NESTED]
INNERMOST = id(innermost)
del innermost       # reached through the nesting only
BIG_LIST = [None] * 2000000
BIG_DICT = {i: None for i in range(500000)}

SELF_LIST = []
SELF_LIST.append(SELF_LIST)
SELF_DICT = {}
SELF_DICT["me"] = SELF_DICT


class Holder:
    pass


def make_cycles():
    """One cycle per container kind: each container refers, in the end, to itself."""
    cycles = {}
    a = []
    t = (a,)
    a.append(t)
    cycles["list-tuple"] = (a, t)
    d = {}
    d["x"] = [d]
    cycles["dict-list"] = (d, d["x"])
    h = Holder()
    h.me = h
    cycles["instance"] = (h,)
    q = collections.deque()
    q.append(q)
    cycles["deque"] = (q,)
    o = collections.OrderedDict()
    o["me"] = o
    cycles["ordereddict"] = (o,)
    h2 = Holder()
    fs = frozenset([h2])
    h2.fs = fs
    cycles["frozenset"] = (h2, fs)
    h3 = Holder()
    st = {h3}
    h3.s = st
    cycles["set"] = (h3, st)

    def outer():
        def inner():
            return inner
        return inner
    f = outer()
    cycles["closure"] = (f,)

    def g(x=None):
        return x
    g.__defaults__ = (g,)
    cycles["defaults"] = (g,)
    m = Holder()
    m.bound = m.__init__
    cycles["bound-method"] = (m,)

    def gen():
        me = yield
        yield me
    it = gen()
    next(it)
    it.send  # noqa: B018  (the generator is suspended at its first yield)
    holder = [it]
    cycles["generator"] = (holder, it)
    return cycles


CYCLES = make_cycles()
hgscenario.ready({
    "depth": DEPTH,
    "nested": id(NESTED),
    "innermost": INNERMOST,
    "self_list": id(SELF_LIST),
    "self_dict": id(SELF_DICT),
    "big_list": id(BIG_LIST),
    "big_dict": id(BIG_DICT),
    "cycles": {k: [id(x) for x in v] for k, v in CYCLES.items()},
})
