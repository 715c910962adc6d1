"""A small, stable object graph for the golden pictures: a module-level
registry of sessions, a listener cycle, and a buffer held two ways."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario


class Session:
    def __init__(self, name):
        self.name = name
        self.buffer = bytearray(b"\0" * 64)
        self.listener = None


class Listener:
    def __init__(self, session):
        self.session = session  # a cycle with the session


REGISTRY = {}
for name in ("alpha", "beta"):
    s = Session(name)
    s.listener = Listener(s)
    REGISTRY[name] = s
SHARED = REGISTRY["alpha"].buffer
del s

hgscenario.ready({"targets": {"buffer": id(SHARED), "session": id(REGISTRY["beta"])}})
