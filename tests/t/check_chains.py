"""Checks heapgraph's chains against objgraph's, for the targets that
tests/scenarios/chains.py recorded.

usage: check_chains.py HEAPGRAPH CORE TRUTH.json SNAPSHOT.jsonl LABEL
For every target objgraph explains: heapgraph finds a chain, rooted at a
module, frame or interpreter root, with no more hops than objgraph's, made
of real objects joined by real references.  Targets held only by a frame's
local variable: a frame root naming the thread, function and variable.
Weak-only: no strong chain, one with --weak.  Garbage: none (exit 1).
"""
import json
import re
import subprocess
import sys

hg, core, truth_path, snap_path, label = sys.argv[1:6]
truth = json.load(open(truth_path))
refs = {}
with open(snap_path) as f:
    f.readline()
    for line in f:
        d = json.loads(line)
        if "address" in d:
            refs[d["address"]] = set(d["refs"]) | set(d.get("weak_refs", []))

bad = []


def chain(addr, *extra):
    p = subprocess.run([hg, "chain", core, hex(addr), "--json"] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        return p.returncode, json.loads(p.stdout)[0]
    except ValueError:
        return p.returncode, {"found": False, "error": p.stderr.strip()}


def real(name, c):
    steps = c["steps"]
    addrs = [int(s["addr"], 16) for s in steps]
    for a, b in zip(addrs, addrs[1:]):
        if a not in refs or b not in refs[a]:
            bad.append("%s: step %s -> %s is not a reference in the graph" % (name, hex(a), hex(b)))
            return False
    if addrs[-1] != truth["targets"][name]:
        bad.append("%s: the chain ends at %s, not at the target" % (name, hex(addrs[-1])))
        return False
    return True


explained = shorter = total = 0
lengths = []
for name, og in sorted(truth["objgraph_chains"].items()):
    if og is None:
        continue
    total += 1
    rc, c = chain(truth["targets"][name])
    if rc != 0 or not c.get("found"):
        bad.append("%s: no chain (exit %d) %s" % (name, rc, c.get("error", "")))
        continue
    if c["root"]["kind"] not in ("module", "frame", "interpreter"):
        bad.append("%s: rooted at %s" % (name, c["root"]))
        continue
    if not real(name, c):
        continue
    explained += 1
    mine, theirs = len(c["steps"]) - 1, len(og) - 1
    lengths.append("%s %d/%d" % (name, mine, theirs))
    if mine <= theirs:
        shorter += 1
    else:
        bad.append("%s: %d hops, objgraph %d: %s" % (name, mine, theirs, c["path"]))

frames = 0
for name, (thread, func, var) in truth["frame_held"].items():
    rc, c = chain(truth["targets"][name])
    pat = r"^thread '%s'.* frame (\S+\.)?%s\(\) local '%s'$" % (re.escape(thread), re.escape(func), re.escape(var))
    if rc == 0 and c.get("found") and c["root"]["kind"] == "frame" and re.match(pat, c["root"]["name"]) and real(name, c):
        frames += 1
    else:
        bad.append("%s: wanted a frame root /%s/, got exit %d %s" % (name, pat, rc, c.get("root")))

rc, c = chain(truth["targets"]["weak_only"])
rcw, cw = chain(truth["targets"]["weak_only"], "--weak")
weak_ok = rc == 1 and c.get("found") is False and rcw == 0 and cw.get("found")
if not weak_ok:
    bad.append("weak_only: strong exit %d found %s; --weak exit %d found %s" % (rc, c.get("found"), rcw, cw.get("found")))
rc, c = chain(truth["targets"]["garbage"])
garbage_ok = rc == 1 and c.get("found") is False
if not garbage_ok:
    bad.append("garbage: exit %d, %s" % (rc, c.get("path")))

print("%s: objgraph-explained targets %d/%d, no longer than objgraph %d/%d (%s), frame-held %d/%d, weak-only %s, garbage %s" % (
    label, explained, total, shorter, total, ", ".join(lengths), frames, len(truth["frame_held"]),
    "ok" if weak_ok else "WRONG", "ok" if garbage_ok else "WRONG"))
for b in bad:
    print("   ", b)
sys.exit(1 if bad else 0)
