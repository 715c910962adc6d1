"""A small leaky service: a module-level cache that grows, a closure, a
cycle, and a worker thread parked with objects in its local variables."""
import sys
import os
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario


class Request:
    def __init__(self, n):
        self.n = n
        self.payload = "x" * (n % 7 + 10)
        self.headers = {"id": n}


CACHE = {}


def handle(n):
    CACHE["req_%d" % n] = Request(n)


def worker(batch, ready):
    local_list = [Request(i) for i in range(batch)]  # held only by this frame
    ready.set()
    threading.Event().wait()
    return local_list


for i in range(200):
    handle(i)
hgscenario.park_thread("worker-1", worker, 5)
hgscenario.ready({"cache_len": len(CACHE)})
