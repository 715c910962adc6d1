"""Compares heapgraph's export of a core with the ground truth the live
process recorded (tests/scenarios/hgscenario.py record_heap).

usage: compare_graph.py TRUTH.json SNAPSHOT.jsonl LABEL [TYPES.json]
Prints the agreement figures on one line and every kind of disagreement
(a few examples each); exits 1 when a figure is below target (issue 3 asks
99% of sizes; these cores do better, and a regression should show):
100% of gc.get_objects() found and typed, >= 99.9% of gc.get_referents()
present (for a snapshot written from inside the process by heapgraph_dump.py,
which sees the heap a moment before the truth is recorded, the objects the
recording or other threads make in between may miss, up to 0.1% (typestats as
many; the referents of the containers decoded from C fields may miss them too), and the sizes that depend on reference counts, which the writer's own
references raise (a BytesIO whose buffer it also holds counts it as shared),
are held to the 99.9% of all sizes), >= 99.9% of sys.getsizeof() equal (all of those heapgraph computes
from C fields: array, struct.Struct, buffered I/O, ctypes, numpy), typestats equal, frame locals
present as named roots.  Also lists, without a target, the live objects
that heapgraph finds no root for.
"""
import json
import re
import sys


def load_snapshot(path):
    objs, roots = {}, []
    with open(path) as f:
        header = json.loads(f.readline())
        for line in f:
            d = json.loads(line)
            if "root" in d:
                roots.append(d)
            else:
                objs[d["address"]] = d
    return header, objs, roots


def main():
    truth = json.load(open(sys.argv[1]))
    truth["typestats"] = json.load(open(sys.argv[1] + ".typestats"))["typestats"]
    header, objs, roots = load_snapshot(sys.argv[2])
    label = sys.argv[3] if len(sys.argv) > 3 else ""
    bad = []
    problems = {}

    def problem(kind, text):
        problems.setdefault(kind, []).append(text)

    # 1. every tracked object found, with its type
    found = typed = 0
    for sid, (name, qual) in truth["objects"].items():
        o = objs.get(int(sid))
        if not o:
            problem("missing object", "%s %s" % (hex(int(sid)), qual))
            continue
        found += 1
        if o["type"] == name and o.get("qualname") == qual:
            typed += 1
        else:
            problem("wrong type", "%s: %s/%s, live %s/%s" % (hex(int(sid)), o["type"], o.get("qualname"), name, qual))
        if not o.get("gc"):
            problem("not marked gc", "%s %s" % (hex(int(sid)), qual))
    n = len(truth["objects"])

    # 2. every live referent among heapgraph's references (all of them for the
    # containers heapgraph decodes from C fields: a wrong offset there would
    # lose what only they hold and still hide in the percentage)
    exact_refs = ("collections.deque", "_queue.SimpleQueue", "functools._lru_cache_wrapper",
                  "xml.etree.ElementTree.Element")
    want = have = 0
    refs_exact = {}
    for sid, refs in truth["referents"].items():
        o = objs.get(int(sid))
        mine = set(o["refs"]) if o else set()
        q = truth["objects"][sid][1]
        for r in refs:
            want += 1
            if q in exact_refs:
                refs_exact.setdefault(q, [0, 0])[r in mine] += 1
            if r in mine:
                have += 1
            else:
                t = truth["objects"].get(str(r), ["?", "?"])[1]
                problem("missing referent", "%s %s -> %s %s" % (
                    hex(int(sid)), truth["objects"][sid][1], hex(r), objs[r]["qualname"] if r in objs else t))

    # 3. sizes (types whose size heapgraph computes from their C fields must
    # all be exact: a wrong offset would otherwise hide in the percentage)
    exact = ("array.array", "_struct.Struct", "_io.BufferedReader", "_io.BufferedWriter",
             "_io.BufferedRandom", "_io.BytesIO", "_queue.SimpleQueue", "builtins.StgDict", "_ctypes.", "numpy.")
    sz_n = sz_eq = 0
    sz_exact = {}
    for sid, size in truth["sizes"].items():
        o = objs.get(int(sid))
        if not o:
            continue
        sz_n += 1
        if o["size"] == size:
            sz_eq += 1
        else:
            problem("size differs", "%s %s: %d, live %d" % (hex(int(sid)), o.get("qualname"), o["size"], size))
        q = o.get("qualname") or ""
        if q.startswith(exact):
            sz_exact.setdefault(q, [0, 0])[o["size"] == size] += 1

    # 4. typestats over what gc.get_objects() returns: from `heapgraph types
    # --gc-only --json` when its output is given (TYPES.json, 4th argument),
    # else from the export's gc flags
    mine = {}
    if len(sys.argv) > 4:
        for row in json.load(open(sys.argv[4]))["types"]:
            mine[row["type"]] = mine.get(row["type"], 0) + row["count"]
    else:
        for o in objs.values():
            if o.get("gc") and not o.get("frozen"):
                mine[o["type"]] = mine.get(o["type"], 0) + 1
    ts_diff = {k: (mine.get(k, 0), v) for k, v in truth["typestats"].items() if mine.get(k, 0) != v}
    ts_diff.update({k: (v, 0) for k, v in mine.items() if k not in truth["typestats"]})
    for k, (m, t) in sorted(ts_diff.items()):
        problem("typestats", "%s: %d, live %d" % (k, m, t))

    # 5. frame locals as roots with thread and variable names
    by_target = {}
    for r in roots:
        if r["root"] == "frame":
            by_target.setdefault(r["refs"][0], []).append(r["name"])
    fl_n = fl_ok = 0
    for th in truth["frames"]:
        for func, local in th["frames"]:
            if func.startswith("<"):
                continue  # module and class bodies: their "locals" are a namespace dict
            for var, oid in local.items():
                fl_n += 1
                pat = re.compile(r"^thread '%s'.* frame (\S+\.)?%s\(\) (local|cell) '%s'$" % (
                    re.escape(th["name"] or "?"), re.escape(func), re.escape(var)))
                if any(pat.match(nm) for nm in by_target.get(oid, [])):
                    fl_ok += 1
                else:
                    problem("frame local", "thread %s %s() %s -> %s (roots there: %s)" % (
                        th["name"], func, var, hex(oid), by_target.get(oid, [])[:2]))

    # 6. every object gc.get_objects() returned was alive after a collection:
    # none may be called unreachable (what gc.collect() would free)
    unreached = [int(sid) for sid in truth["objects"] if objs.get(int(sid), {}).get("unreachable")]
    # but a thread's Thread._bootstrap, held by its malloc'd start-up block
    # that its C stack points to, must be found there
    boot_lost = [a for a in unreached if objs[a].get("repr", "").startswith("_bootstrap (bound)")]
    for a in unreached:
        problem("live but unreachable", "%s %s %s" % (
            hex(a), objs[a]["qualname"], objs[a].get("repr", "")[:40]))

    pct = lambda a, b: 100.0 * a / b if b else 100.0  # noqa: E731
    print("%s: objects found %.2f%% (%d/%d), typed %.2f%%, referents %.3f%% (%d/%d), sizes %.2f%% (%d/%d; "
          "C-computed %d/%d), typestats %s, frame locals %d/%d" % (
              label, pct(found, n), found, n, pct(typed, n), pct(have, want), have, want,
              pct(sz_eq, sz_n), sz_eq, sz_n, sum(v[1] for v in sz_exact.values()), sum(sum(v) for v in sz_exact.values()),
              "equal" if not ts_diff else "%d differ" % len(ts_diff), fl_ok, fl_n))
    for kind, items in problems.items():
        print("  %s: %d, e.g." % (kind, len(items)))
        for t in items[:6]:
            print("     ", t)
    # A snapshot heapgraph_dump.py wrote sees the heap a moment before the truth is recorded:
    # a few objects another thread or the recording makes in between are allowed (and listed).
    moment = header.get("writer") == "heapgraph_dump.py"
    if (found < n or typed < n) and not (moment and pct(found, n) >= 99.9 and found == typed):
        bad.append("objects")
    if pct(have, want) < 99.9:
        bad.append("referents")
    wrong = sorted(q for q, (no, yes) in refs_exact.items() if no)
    if wrong and not moment:
        bad.append("referents of " + ", ".join(wrong))
    if pct(sz_eq, sz_n) < 99.9:
        bad.append("sizes")
    wrong = sorted(q for q, (no, yes) in sz_exact.items() if no)
    if wrong and not moment:
        bad.append("sizes of " + ", ".join(wrong))
    if ts_diff and not (moment and sum(abs(m - t) for m, t in ts_diff.values()) <= max(5, n // 1000)):
        bad.append("typestats")
    if fl_ok < fl_n:
        bad.append("frame locals")
    if unreached:
        bad.append("%d live objects unreachable" % len(unreached))
    if boot_lost:
        bad.append("%d threads' _bootstrap unreachable (C memory via malloc'd blocks)" % len(boot_lost))
    if bad:
        print("  below target: " + ", ".join(bad))
    sys.exit(1 if bad else 0)


main()
