"""Objects of many shapes, each held by exactly one reference (an entry of
the module global TARGETS): the ground truth of each one's retained size is
asked of a forked copy of this very heap, which drops that reference,
collects, and sums sys.getsizeof over what disappeared
(hgscenario.freed_by_dropping).  Parts of some targets are shared with
objects kept elsewhere (KEEP), so they are not retained by the target.
Single-threaded on purpose: a forked child has no other threads."""
import collections
import gc
import os
import sys
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

gc.disable()
gc.collect()


class Response:
    def __init__(self, url, n):
        self.url = url
        self.status = 200 + n % 3
        self.body = ("response body %d " % n) * (n % 7 + 1)
        self.headers = {"content-length": str(len(self.body)), "x-id": "req-%d" % n}


class Node:
    def __init__(self, name, parent=None):
        self.name, self.parent, self.children = name, parent, []
        if parent is not None:
            parent.children.append(self)


class Link:
    __slots__ = ("next", "payload")


def tree(depth, width, parent=None, name="t"):
    node = Node(name, parent)
    if depth:
        for i in range(width):
            tree(depth - 1, width, node, "%s.%d" % (name, i))
    return node


def ring(n):
    links = [Link() for _ in range(n)]
    for i, a in enumerate(links):
        a.next = links[(i + 1) % n]
        a.payload = ["ring payload %d" % i, i * 1000003, float(i) / 7]
    return links[0]


def closure(n):
    samples = [float(i) * 1.5 for i in range(n)]

    def average():
        return sum(samples) / len(samples)
    return average


class Cache:
    def __init__(self):
        self.store = {}
        self.lookup = self.get  # a bound method of itself: a cycle

    def get(self, k):
        return self.store.get(k)


KEEP = []
TARGETS = {}
# a dict of small dicts, as a leaking request cache
TARGETS["cache"] = {"/api/items?page=%d" % i: {"status": 200, "body": "page %d body" % i * 3,
                                                "tags": ["t%d" % i, "u%d" % i]}
                    for i in range(2000)}
# instances with their attribute dicts
TARGETS["responses"] = [Response("/api/r/%d" % i, i) for i in range(500)]
# a tree with parent links: cycles everywhere
TARGETS["tree"] = tree(4, 4)
# a ring of __slots__ objects
TARGETS["ring"] = ring(300)
# a closure over a list
TARGETS["closure"] = closure(3000)
# a deque of bytes
TARGETS["deque"] = collections.deque(b"chunk %06d" % i * 4 for i in range(3000))
# half of its items are kept elsewhere too: only the other half is retained
shared = [["item %d" % i] * 3 for i in range(1000)]
KEEP.extend(shared[::2])
TARGETS["shared"] = shared
del shared
# an object that refers to itself through a bound method, holding a dict of bytes
cache = Cache()
for i in range(400):
    cache.store["k%d" % i] = bytes(100 + i)
TARGETS["bound"] = cache
del cache
# a weak-valued dict: the values are kept elsewhere, and weak references never retain
wv = weakref.WeakValueDictionary()
for i in range(200):
    n = Node("weakly held %d" % i)
    KEEP.append(n)
    wv[i] = n
TARGETS["weak"] = wv
del wv, n, i

truth = {}
for name in list(TARGETS):
    truth[name] = {"addr": id(TARGETS[name])}
    truth[name].update(hgscenario.freed_by_dropping(TARGETS, name))
hgscenario.ready({"retained": truth})
