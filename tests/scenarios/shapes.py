"""Heaps whose pictures go wide (the pictures' bounds test): a ring of 1,000
__slots__ objects held only through its first node; a cache of 5,000 small
dicts; an event bus of 300 listeners, bound methods of as many objects; 500
closures sharing one cell; a module namespace with 200 functions (a fan of
__globals__); a class with 2,000 instances in a list."""
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario


class Link:
    __slots__ = ("next", "n")


def ring(n):
    first = prev = Link()
    first.n = 0
    for i in range(1, n):
        cur = Link()
        cur.n = i
        prev.next = cur
        prev = cur
    prev.next = first
    return first


class Listener:
    def __init__(self, i):
        self.i = i

    def on_event(self, ev):
        return self.i


class Bus:
    def __init__(self):
        self.listeners = []


def closures(n):
    shared = ["shared state"] * 10
    return [lambda k=k: (k, shared) for k in range(n)], shared


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


RING = ring(1000)
MIDDLE = RING
for _ in range(500):
    MIDDLE = MIDDLE.next
CACHE = {"/api/item/%d" % i: {"status": 200, "size": i} for i in range(5000)}
BUS = Bus()
BUS.listeners.extend(Listener(i).on_event for i in range(300))
CLOSURES, SHARED = closures(500)
FUNCS = types.ModuleType("funcs")
for i in range(200):
    exec("def f%d(x):\n    return x + %d\n" % (i, i), FUNCS.__dict__)
sys.modules["funcs"] = FUNCS
POINTS = [Point(i, -i) for i in range(2000)]

hgscenario.ready({"targets": {"ring_middle": id(MIDDLE), "cache": id(CACHE), "bus": id(BUS),
                              "shared": id(SHARED), "funcs_dict": id(FUNCS.__dict__), "points": id(POINTS),
                              "listener": id(BUS.listeners[7].__self__)}})
