"""Cyclic garbage of many shapes, left for a collection that never comes
(the collector is disabled), beside live objects of the same shapes: the
ground truth of what gc.collect() would free is asked of a forked copy of
this very heap (hgscenario.garbage_ids).  Single-threaded on purpose: a
forked child has no other threads."""
import gc
import os
import sys
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

gc.disable()
gc.collect()


class Node:
    def __init__(self, name, parent=None):
        self.name, self.parent, self.children = name, parent, []
        if parent is not None:
            parent.children.append(self)


class Ring:
    __slots__ = ("next", "payload", "__weakref__")

    def __init__(self, payload):
        self.next, self.payload = None, payload


class Holder:
    def __init__(self):
        self.cb = self.method  # a bound method of itself: a cycle

    def method(self):
        return self


def tree(depth, width, parent=None, name="t"):
    node = Node(name, parent)
    if depth:
        for i in range(width):
            tree(depth - 1, width, node, "%s.%d" % (name, i))
    return node


def ring(n, tag):
    nodes = [Ring("%s-%d" % (tag, i)) for i in range(n)]
    for a, b in zip(nodes, nodes[1:] + nodes[:1]):
        a.next = b
    return nodes[0]


def exception_cycle():
    try:
        raise ValueError("garbage " * 20)
    except ValueError as e:
        err = e  # the frame holds the exception, whose traceback holds the frame
        return err


def closure_cycle():
    payload = ["closure payload"] * 10

    def inner():
        return inner, payload  # inner's closure cell holds inner
    return inner


def gen_cycle():
    def g():
        me = yield
        yield me
    gen = g()
    next(gen)
    gen.send(gen)  # the suspended frame's local 'me' is the generator
    return gen


def dict_list_cycle(tag):
    d = {"tag": tag, "items": []}
    d["items"].append(d)
    d["items"].extend([tag] * 5)
    return d


def class_cycle(tag):
    cls = type("Dyn" + tag, (), {"tag": tag})
    objs = [cls() for _ in range(3)]
    cls.instances = objs  # the class holds its instances, which hold their class
    return cls


def make(tag):
    return [tree(3, 3, name=tag), ring(20, tag), exception_cycle(), closure_cycle(), gen_cycle(),
            dict_list_cycle(tag), class_cycle(tag), Holder()]


# kept alive: the same shapes, held by a module global
LIVE = make("live")
# a weak reference to garbage: the weakref lives, what it points at does not
dead = make("dead")
WEAK = weakref.ref(dead[1])
# the garbage: every shape, twice, dropped
for k in range(2):
    make("garbage%d" % k)
del dead

hgscenario.ready({"garbage": hgscenario.garbage_ids(), "live": [id(o) for o in LIVE]})
