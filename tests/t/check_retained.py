"""Checks heapgraph's retained sizes against what dropping each target freed
in a forked copy of the same heap: check_retained.py TRUTH.json EXPORT.jsonl
LABEL.  TRUTH (tests/scenarios/retained.py) maps each target's name to its
"addr" and the "bytes" and "objects" the child saw disappear
(hgscenario.freed_by_dropping).  Each target's "retained" in the export must
be within 1% of those bytes.  Prints one line, then each target; exits 1 when
one is off."""
import json
import sys

truth = json.load(open(sys.argv[1]))["retained"]
label = sys.argv[3] if len(sys.argv) > 3 else ""
want = {v["addr"]: k for k, v in truth.items()}
got = {}
with open(sys.argv[2]) as f:
    f.readline()
    for line in f:
        d = json.loads(line)
        if d.get("address") in want:
            got[d["address"]] = d
rows, bad, worst, same = [], 0, 0.0, 0
for name, v in truth.items():
    o = got.get(v["addr"])
    if o is None or "retained" not in o:
        rows.append("  %-10s freed %d bytes (%d objects); heapgraph: %s" % (
            name, v["bytes"], v["objects"], "not found" if o is None else "no retained size"))
        bad += 1
        continue
    off = abs(o["retained"] - v["bytes"]) / float(max(v["bytes"], 1))
    worst = max(worst, off)
    same += o["retained"] == v["bytes"]
    if off > 0.01:
        bad += 1
    rows.append("  %-10s freed %d bytes (%d objects); heapgraph retained %d (%+.3f%%)%s" % (
        name, v["bytes"], v["objects"], o["retained"], 100.0 * (o["retained"] - v["bytes"]) / max(v["bytes"], 1),
        "  <- off by more than 1%" if off > 0.01 else ""))
print("%s: retained sizes of %d targets against what dropping them freed: %d equal, %d within 1%%, largest difference %.3f%%" % (
    label, len(truth), same, len(truth) - bad, 100.0 * worst))
print("\n".join(rows))
sys.exit(1 if bad or not truth else 0)
