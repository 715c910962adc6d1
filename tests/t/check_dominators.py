"""Checks the retained sizes heapgraph exports against an independent
computation on the exported graph: check_dominators.py EXPORT.jsonl LABEL.

The dominator tree of the objects the roots reach is computed here by
Cooper, Harvey and Kennedy's iterative algorithm (a different method from
heapgraph's semi-NCA) over the references of the export that hold (refs
less possible_refs), from a virtual root over every root but C-memory hints; an object's retained size is the sum of the
shallow sizes of its dominator subtree.  Prints one line; exits 1 when any
object's retained size differs."""
import json
import sys

path, label = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
index = {}
addr, size, retained, succ = [], [], [], []
roots = []
with open(path) as f:
    f.readline()
    lines = [json.loads(l) for l in f]
for d in lines:
    if "address" in d:
        index[d["address"]] = len(addr)
        addr.append(d["address"])
        size.append(d["size"])
        retained.append(d.get("retained"))
for d in lines:
    if "address" in d:
        refs = list(d["refs"])
        for p in d.get("possible_refs", []):
            refs.remove(p)
        succ.append([index[r] for r in refs if r in index])
    elif "root" in d and not d.get("hint"):
        roots.extend(index[r] for r in d["refs"] if r in index)
n = len(addr)
R = n  # the virtual root
succ.append(list(dict.fromkeys(roots)))

# reverse postorder from the virtual root (iterative)
order, seen, stack = [], [False] * (n + 1), [(R, 0)]
seen[R] = True
while stack:
    v, k = stack[-1]
    if k < len(succ[v]):
        stack[-1] = (v, k + 1)
        w = succ[v][k]
        if not seen[w]:
            seen[w] = True
            stack.append((w, 0))
    else:
        stack.pop()
        order.append(v)
order.reverse()
rpo = {v: i for i, v in enumerate(order)}
preds = [[] for _ in range(n + 1)]
for v in order:
    for w in succ[v]:
        preds[w].append(v)
idom = {R: R}


def intersect(a, b):
    while a != b:
        while rpo[a] > rpo[b]:
            a = idom[a]
        while rpo[b] > rpo[a]:
            b = idom[b]
    return a


changed = True
while changed:
    changed = False
    for v in order[1:]:
        new = None
        for p in preds[v]:
            if p in idom:
                new = p if new is None else intersect(p, new)
        if idom.get(v) != new:
            idom[v] = new
            changed = True
ret = {v: size[v] for v in order if v != R}
for v in reversed(order[1:]):
    if idom[v] != R:
        ret[idom[v]] += ret[v]
bad = [v for v in order[1:] if retained[v] != ret[v]]
print("%s: retained sizes of %d reachable objects: %d equal to an independent dominator tree%s" % (
    label, len(order) - 1, len(order) - 1 - len(bad), "" if not bad else ", e.g. " + ", ".join(
        "0x%x %d (expected %d)" % (addr[v], retained[v] or -1, ret[v]) for v in bad[:3])))
sys.exit(1 if bad else 0)
