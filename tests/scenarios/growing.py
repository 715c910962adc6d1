"""A service that leaks in a loop, dumped after each round (growth's tests:
the test takes a core at each READY and sends SIGUSR1 for the next round).
Every round handles 3,000 requests: each appends an Event (a class with
__slots__) to STORE.events, which nothing trims -- the leak -- and opens a
Session kept in SESSIONS for one round only (the sessions of the round before
are dropped once the new ones exist), and makes temporary objects it drops.
Round 1 is the baseline, then rounds 2 and 3.  The truth of each dump:
objgraph's typestats (gc.get_objects()) and the ids of what the round added."""
import collections
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario


class Event:
    __slots__ = ("rid", "path", "user", "ms")

    def __init__(self, rid, path, user, ms):
        self.rid, self.path, self.user, self.ms = rid, path, user, ms


class Session:
    __slots__ = ("token", "user", "scopes")

    def __init__(self, token, user):
        self.token, self.user, self.scopes = token, user, ["read", "write"]


class Store:
    def __init__(self):
        self.events = []


# what step() does first, done before the first dump: signal's enum members exist from the start
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
STORE = Store()
SESSIONS = collections.OrderedDict()
ROUND = [0]


def handle(rid, fresh):
    path = "/api/items/%d?sort=name" % rid
    user = "user-%05d" % (rid % 7919)
    STORE.events.append(Event(rid, path, user, rid % 97))
    if rid % 6 == 0:
        s = Session("tok-%08x" % (rid * 2654435761 % 2 ** 32), user)
        fresh[s.token] = s
    scratch = [{"k": i, "v": [rid, i]} for i in range(3)]   # made and dropped
    return len(scratch)


def one_round():
    ROUND[0] += 1
    start = (ROUND[0] - 1) * 3000
    fresh = collections.OrderedDict()
    for rid in range(start, start + 3000):
        handle(rid, fresh)
    # the new sessions exist before the old ones go: their addresses are not reused by them
    SESSIONS.clear()
    SESSIONS.update(fresh)
    fresh.clear()
    del fresh


one_round()
hgscenario.step(1)
one_round()
hgscenario.step(2, {"events": [id(e) for e in STORE.events[3000:6000]]})
one_round()
hgscenario.step(3)
