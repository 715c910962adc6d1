"""A linked list a million nodes long, held by one module global: the chain
to its tail has a million hops (searches must be iterative and linear)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hgscenario


class Node:
    __slots__ = ("next", "n")

    def __init__(self, n):
        self.n = n
        self.next = None


N = int(os.environ.get("HG_LONG", "1000000"))
HEAD = tail = Node(0)
for i in range(1, N):
    tail.next = Node(i)
    tail = tail.next
TAIL_ID = id(tail)
del tail
hgscenario.ready({"tail": TAIL_ID, "length": N})
