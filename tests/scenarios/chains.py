"""Objects kept alive in different ways, for "why is it alive": module
globals, attributes several levels deep, closures, class attributes, thread
locals only, main-thread locals only, a weak reference only, and garbage.
Records objgraph's find_backref_chain for each target."""
import gc
import os
import sys
import threading
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario

gc.disable()  # keep the garbage cycle below until the core is taken


class Entry:
    def __init__(self, key):
        self.key = key
        self.payload = ["payload of", key]


class State:
    def __init__(self):
        self.buffer = bytearray(b"state" * 20)


class Handler:
    def __init__(self, n):
        self.n = n
        self.state = State()


class Registry:
    def __init__(self):
        self.handlers = [Handler(i) for i in range(6)]


class App:
    def __init__(self):
        self.registry = Registry()


class Config:
    DEFAULTS = ["class", "attribute", "list"]


CACHE = {"k%d" % i: Entry("k%d" % i) for i in range(100)}
APP = App()


def make_closure():
    captured = {"captured": "by a closure"}

    def use():
        return captured
    return use


USE = make_closure()

WEAK_TARGET = Entry("weak only")
WEAK_TARGET.self = WEAK_TARGET  # a cycle: alive (the collector is off) once the name goes
WEAK = weakref.ref(WEAK_TARGET)
weak_target_id = id(WEAK_TARGET)

garbage = [Entry("garbage")]
garbage.append(garbage)  # a cycle nothing refers to
garbage_id = id(garbage[0])
del garbage

held = {}


def worker(ready):
    only_here = ["held only by the worker thread's local"]
    held["worker"] = id(only_here)
    ready.set()
    threading.Event().wait()
    return only_here


hgscenario.park_thread("chain-worker", worker)


def main():
    only_in_main = ["held only by main()'s local"]
    targets = {
        "cache_entry": CACHE["k42"],
        "deep_attr": APP.registry.handlers[3].state.buffer,
        "closure_value": USE.__closure__[0].cell_contents,
        "class_attr": Config.DEFAULTS,
        "main_local": only_in_main,
    }
    chains = hgscenario.record_chains(targets)
    ids = {name: id(o) for name, o in targets.items()}
    del targets
    # the weak target: only the weakref holds it once this name goes
    globals().pop("WEAK_TARGET")
    ids["worker_local"] = held["worker"]
    ids["weak_only"] = weak_target_id
    ids["garbage"] = garbage_id
    hgscenario.ready({"targets": ids, "objgraph_chains": chains,
                      "frame_held": {"main_local": ["MainThread", "main", "only_in_main"],
                                     "worker_local": ["chain-worker", "worker", "only_here"]}})
    return only_in_main


main()
