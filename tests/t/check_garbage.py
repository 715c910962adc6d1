"""Checks heapgraph's reachability against what gc.collect() freed in a
forked copy of the same heap: check_garbage.py TRUTH.json EXPORT.jsonl LABEL.

TRUTH (tests/scenarios/garbage.py) holds "garbage": "freed", the ids
gc.collect() freed or kept in gc.garbage (DEBUG_SAVEALL) in the child, and
"maybe", tuples and dicts that left gc.get_objects() (freed, or only no
longer tracked: not checked); and "live", objects the program keeps.  Every one of those ids must be in the export marked
unreachable, and no other object the collector tracks; the live ones must
be reachable.  Prints one line, then what differed; exits 1 on a difference."""
import json
import sys

truth = json.load(open(sys.argv[1]))
label = sys.argv[3] if len(sys.argv) > 3 else ""
objs = {}
with open(sys.argv[2]) as f:
    f.readline()
    for line in f:
        d = json.loads(line)
        if "address" in d:
            objs[d["address"]] = d
garbage = set(truth["garbage"]["freed"])
maybe = set(truth["garbage"]["maybe"])  # tuples and dicts gone from gc.get_objects(): freed or untracked
mine = {a for a, o in objs.items() if o.get("unreachable") and o.get("gc")} - maybe
missed = sorted(garbage - mine)
extra = sorted(mine - garbage)
live_lost = [a for a in truth["live"] if objs.get(a, {}).get("unreachable")]
print("%s: gc.collect() frees %d tracked objects; heapgraph calls %d of them unreachable, %d live ones unreachable%s" % (
    label, len(garbage), len(garbage & mine), len(extra), ", %d kept objects lost" % len(live_lost) if live_lost else ""))
for what, addrs in (("freed by gc.collect() but reachable here", missed), ("unreachable here but not freed", extra),
                    ("kept by the program but unreachable here", live_lost)):
    if addrs:
        print("  %s: %d, e.g." % (what, len(addrs)))
        for a in addrs[:8]:
            o = objs.get(a)
            print("      0x%x %s %s" % (a, o["qualname"] if o else "(not found)", (o or {}).get("repr", "")[:50]))
sys.exit(1 if missed or extra or live_lost or not garbage else 0)
