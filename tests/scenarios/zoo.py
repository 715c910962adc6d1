"""Many kinds of objects in many shapes: the graph test.  Caches, closures,
cycles, __slots__, weakrefs, threads holding objects in locals, generators,
nested classes, subclasses of builtins, big and odd containers."""
import collections
import functools
import os
import sys
import threading
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario


class Entry:
    def __init__(self, key, payload):
        self.key = key
        self.payload = payload
        self.hits = 0


class Slotted:
    __slots__ = ("sx", "sy", "__weakref__")

    def __init__(self, x, y):
        self.sx = x
        self.sy = y


class SlottedChild(Slotted):
    __slots__ = ("sz",)

    def __init__(self):
        Slotted.__init__(self, [1, 2], "y")
        self.sz = {"deep": (1, 2, 3)}


class Outer:
    class Inner:
        class Innermost:
            level = 3

        def __init__(self):
            self.leaf = Outer.Inner.Innermost()

    def __init__(self):
        self.inner = Outer.Inner()


class MyDict(dict):
    pass


class MyList(list):
    def __init__(self, *a):
        list.__init__(self, *a)
        self.note = "a list with a dict"


class MyInt(int):
    pass


class Node:
    def __init__(self, name):
        self.name = name
        self.peer = None


class WithDel:
    def __del__(self):
        pass


class Materialised:
    def __init__(self):
        self.a = 1
        self.b = "two"


CACHE = {}
for i in range(300):
    CACHE["req_%d" % i] = Entry("req_%d" % i, b"x" * (i % 50) + bytes([i % 256]))

a, b = Node("a"), Node("b")
a.peer, b.peer = b, a  # a cycle
SLOTS = [Slotted(i, str(i)) for i in range(20)] + [SlottedChild()]
NESTED = Outer()
MYDICT = MyDict(one=1, two=[2])
MYLIST = MyList([1, 2, 3])
MYINT = MyInt(12345678901234567890)
BIG = list(range(5000))
BIGDICT = {i: str(i) for i in range(2000)}
ODD_KEYS = {1: "int", (1, 2): "tuple", None: "none", 2.5: "float", frozenset([1]): "fs"}
SETS = [set(range(10)), frozenset("abc"), set()]
TEXT = ["plain", "héllo wörld", "世界", "emoji \U0001F600", "x" * 1000, "quote's \"both\"\n"]
NUMBERS = [0, 1, -1, 2 ** 30, 2 ** 62, -(2 ** 100), 3.25, 1e300, float("nan"), complex(1, 2), True, False]
BYTES = [b"", b"abc", bytearray(b"mutable" * 10)]
WITHDEL = WithDel()
MAT = Materialised()
MAT.__dict__["c"] = 3  # a real __dict__
DQ = collections.deque([Entry("dq%d" % i, None) for i in range(100)])
OD = collections.OrderedDict((str(i), i) for i in range(10))
DD = collections.defaultdict(list, {"k": [1]})
PARTIAL = functools.partial(print, "partial-arg")


def make_counter():
    count = [0]

    def inc():
        count[0] += 1
        return count[0]
    return inc


COUNTER = make_counter()
LAMBDA = lambda x: x + 1  # noqa: E731
BOUND = Entry("bound", None).__init__


def gen(n):
    held = ["held by a suspended generator"]
    for i in range(n):
        yield i, held


GEN = gen(10)
next(GEN)

TARGET = Entry("weak-target", None)
WEAK = weakref.ref(TARGET)
WEAKVALUES = weakref.WeakValueDictionary({"t": TARGET})
PROP = property(lambda self: 1)
CM = classmethod(len)
SM = staticmethod(len)

try:
    raise ValueError("kept", [1, 2])
except ValueError as exc:
    EXC = exc


def worker(tag, ready):
    only_here = [Entry("local-%d" % i, tag) for i in range(5)]  # held only by this frame
    also = {"tag": tag}
    ready.set()
    threading.Event().wait()
    return only_here, also


hgscenario.park_thread("worker-1", worker, "w1")
hgscenario.park_thread("worker-2", worker, "w2")


def main():
    local_in_main = Entry("main-local", [1, 2, 3])
    hgscenario.ready({"scenario": "zoo"}, heap=True)
    return local_in_main


main()
