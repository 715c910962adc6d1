#!/bin/sh
# tracemalloc read from cores: a process that traces its allocations
# (tests/scenarios/traced.py) is dumped under every Python.  The live truth
# is recorded just before the core.
#  - show: of a seeded sample of objects (tracked and untracked), at least
#    99% get exactly the traceback tracemalloc.get_object_traceback() gave
#    (or none where it gave none); 3.11's get_object_traceback misses objects
#    with a managed dict (it looks in the wrong place), which heapgraph does
#    not: those are left out of the comparison, and an Order instance must
#    get the line that made it under every version;
#  - tracemalloc top CORE: size and count of every line of the workload equal
#    take_snapshot().statistics('lineno');
#  - types --by-line: per workload line and type, the number of objects
#    equals the live count;
#  - chain prints "allocated at FILE:LINE in build()", top --by-line ranks the
#    workload's lines;
#  - the core exported to a snapshot and read back gives the same tracebacks
#    and `types --by-line`; the snapshot the process wrote of itself with
#    heapgraph_dump.py (just before the truth) gives the sampled objects'
#    tracebacks as get_object_traceback does (99%) -- under the oldest, the
#    newest and Debian's Python only: the writer reads tracebacks through the
#    same _tracemalloc call in every version, and under tracing it runs about
#    20 times slower (each of its own allocations is traced);
# and on a core of a process that was not tracing, --by-line and
# `tracemalloc top` exit 1 saying so.
. "$(dirname "$0")/lib.sh"

all_pythons "$T_OUT/pythons"
while read -r name py; do
	case $name in
	*3.8*|debian-3.11|*3.15*) HG_SELFDUMP=1 ;;
	*) HG_SELFDUMP= ;;
	esac
	export HG_SELFDUMP
	core_of "$py" traced "$name" || continue
	core=$T_OUT/$name.core truth=$T_OUT/$name.truth.json
	python3 - "$truth" >"$T_OUT/$name.addrs" <<'PY'
import json, sys
print(" ".join(json.load(open(sys.argv[1]))["sample"]))
PY
	# shellcheck disable=SC2046
	"$HEAPGRAPH" show --json --limit 1 "$core" $(cat "$T_OUT/$name.addrs") >"$T_OUT/$name.show" 2>"$T_OUT/$name.show.err"
	if python3 - "$truth" "$T_OUT/$name.show" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
got = {o["addr"]: o for o in json.load(open(sys.argv[2]))}
v311 = t["version"].startswith("3.11.")
same = differ = skipped = traced = 0
bad = []
for addr, (frames, managed) in t["sample"].items():
    o = got.get(addr)
    if o is None:
        skipped += 1          # freed after it was sampled (the recording's own objects)
        continue
    if v311 and managed and frames is None:
        skipped += 1
        continue
    mine = None if o["traceback"] is None else [[f["filename"], f["lineno"]] for f in o["traceback"]]
    if mine == frames:
        same += 1
        traced += frames is not None
    else:
        differ += 1
        bad.append("%s %s: live %s, heapgraph %s" % (addr, o["type"], frames and frames[-1], mine and mine[-1]))
n = same + differ
assert n >= 0.9 * len(t["sample"]) - skipped and n > 1000, (n, skipped, len(t["sample"]))
assert traced >= 500, "only %d sampled objects have a traceback" % traced
assert same >= 0.99 * n, "%d of %d differ: %s" % (differ, n, "; ".join(bad[:5]))
print("%d of %d sampled objects (%d with a traceback)" % (same, n, traced))
PY
	then ok "$name: show: the sampled objects' tracebacks equal get_object_traceback's"
	else fail "$name: show: tracebacks differ from get_object_traceback's"; fi

	probe=$(json_get "$truth" 'd["probe"]["addr"]')
	if "$HEAPGRAPH" show --json "$core" "$probe" >"$T_OUT/$name.probe" 2>&1 &&
		python3 - "$truth" "$T_OUT/$name.probe" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
tb = json.load(open(sys.argv[2]))[0]["traceback"]
assert tb and tb[-1]["filename"] == t["file"] and tb[-1]["lineno"] == t["probe"]["line"], tb and tb[-1]
assert tb[-1]["function"] == "build", tb[-1]
PY
	then ok "$name: an Order instance (managed dict from 3.11) was allocated in build() at its line"
	else fail "$name: the Order instance's traceback is wrong: $(head -c 300 "$T_OUT/$name.probe")"; fi

	if "$HEAPGRAPH" tracemalloc top "$core" --json >"$T_OUT/$name.tmtop" 2>"$T_OUT/$name.tmtop.err" &&
		python3 - "$truth" "$T_OUT/$name.tmtop" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
stats = json.load(open(sys.argv[2]))
got = {}
for s in stats:
    f = s["traceback"][-1]
    if f["filename"] == t["file"]:
        got[str(f["lineno"])] = [s["size"], s["count"]]
want = t["lines"]
assert len(want) >= 10, want
bad = ["line %s: live %s, heapgraph %s" % (k, want[k], got.get(k)) for k in want if got.get(k) != want[k]]
assert not bad, "; ".join(bad[:6])
PY
	then ok "$name: tracemalloc top CORE: every workload line's size and count equal statistics('lineno')"
	else fail "$name: tracemalloc top CORE differs: $(head -c 400 "$T_OUT/$name.tmtop.err")"; fi

	if "$HEAPGRAPH" types --by-line --json "$core" >"$T_OUT/$name.byline" 2>"$T_OUT/$name.byline.err" &&
		python3 - "$truth" "$T_OUT/$name.byline" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
rows = json.load(open(sys.argv[2]))["types"]
inside = set()
for first, last in t["workload"].values():
    inside.update(range(first, last + 1))
skip = set(t["managed_types"]) if t["version"].startswith("3.11.") else set()
got = {}
for r in rows:
    if r["filename"] == t["file"] and r["lineno"] in inside and r["qualname"] not in skip:
        got["%d %s" % (r["lineno"], r["qualname"])] = r["count"]
want = {k: v for k, v in t["by_line"].items() if k.split(" ", 1)[1] not in skip}
bad = ["%s: live %s, heapgraph %s" % (k, want.get(k), got.get(k)) for k in sorted(set(want) | set(got))
       if want.get(k) != got.get(k)]
assert len(want) >= 10, want
assert not bad, "; ".join(bad[:6])
# each line's function, as Python's own line tables place it
fn = t["functions"]
named = [(r["lineno"], r["function"], fn[str(r["lineno"])]) for r in rows
         if r["filename"] == t["file"] and str(r["lineno"]) in fn]
wrong = ["line %d: %s, not %s" % x for x in named if x[1] != x[2]]
assert len(named) >= 10 and not wrong, "; ".join(wrong[:6]) or named
PY
	then ok "$name: types --by-line: objects per workload line and type equal the live count, each line in its function"
	else fail "$name: types --by-line differs: $(head -c 400 "$T_OUT/$name.byline.err")"; fi

	if "$HEAPGRAPH" chain "$core" "$probe" >"$T_OUT/$name.chain" 2>&1 &&
		grep -q "^  allocated at .*traced.py:$(json_get "$truth" 'd["probe"]["line"]') in build()$" "$T_OUT/$name.chain" &&
		"$HEAPGRAPH" top --by-line --limit 15 "$core" >"$T_OUT/$name.topline" 2>&1 &&
		grep -q "traced.py:[0-9]* in build()" "$T_OUT/$name.topline"; then
		ok "$name: chain says where the object was allocated; top --by-line ranks the workload's lines"
	else
		fail "$name: chain or top --by-line: $(head -5 "$T_OUT/$name.chain" "$T_OUT/$name.topline")"
	fi
	# the same through a snapshot: exported from the core, and written by the process itself
	if "$HEAPGRAPH" export "$core" -o "$T_OUT/$name.jsonl.gz" 2>"$T_OUT/$name.export.err" &&
		"$HEAPGRAPH" types --by-line --json "$T_OUT/$name.jsonl.gz" >"$T_OUT/$name.byline2" 2>&1 &&
		"$HEAPGRAPH" show --json "$T_OUT/$name.jsonl.gz" "$probe" >"$T_OUT/$name.probe2" 2>&1 &&
		python3 - "$T_OUT/$name.byline" "$T_OUT/$name.byline2" "$T_OUT/$name.probe" "$T_OUT/$name.probe2" <<'PY'
import json, sys
a, b, p, q = (json.load(open(f)) for f in sys.argv[1:5])
assert a == b, "types --by-line differs"
assert p[0]["traceback"] == q[0]["traceback"], (p[0]["traceback"], q[0]["traceback"])
PY
	then ok "$name: exported and read back: the same tracebacks and types --by-line"
	else fail "$name: the exported snapshot's tracebacks differ: $(head -c 300 "$T_OUT/$name.export.err")"; fi
	self=$T_OUT/$name.self.jsonl
	# (objects freed since they were sampled are not found: exit 1, the rest is printed)
	# shellcheck disable=SC2046
	[ -s "$self" ] && "$HEAPGRAPH" show --json --limit 1 "$self" $(cat "$T_OUT/$name.addrs") >"$T_OUT/$name.selfshow" 2>/dev/null
	if [ -z "$HG_SELFDUMP" ]; then
		:
	elif [ -s "$self" ] && python3 - "$truth" "$T_OUT/$name.selfshow" "$self" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
got = {o["addr"]: o for o in json.load(open(sys.argv[2]))}
head = json.loads(open(sys.argv[3]).readline())
assert head.get("tracemalloc") == t["limit"], (head.get("tracemalloc"), t["limit"])
same = n = traced = 0
for addr, (frames, managed) in t["sample"].items():
    o = got.get(addr)
    if o is None:
        continue
    n += 1
    mine = None if o["traceback"] is None else [[f["filename"], f["lineno"]] for f in o["traceback"]]
    same += mine == frames
    traced += mine is not None and mine == frames
assert n > 1000 and traced >= 500 and same >= 0.99 * n, (same, n, traced)
print(same, n)
PY
	then ok "$name: heapgraph_dump.py's snapshot: the sampled objects' tracebacks equal get_object_traceback's"
	else fail "$name: heapgraph_dump.py's snapshot: tracebacks differ (or it is missing)"; fi
	rm -f "$self" "$self.hgi" "$T_OUT/$name.jsonl.gz" "$T_OUT/$name.jsonl.gz.hgi"
	# the outputs compared are kept when something failed
	[ "$(fails)" = "$T_MARK" ] && rm -f "$T_OUT/$name".show "$T_OUT/$name".selfshow "$T_OUT/$name".byline* \
		"$T_OUT/$name".tmtop "$T_OUT/$name".addrs
	tidy "$name"
done <"$T_OUT/pythons"

# A process that was not tracing: said, exit 1; show gives no traceback.
HG_SELFDUMP=
py=/usr/bin/python3.11
[ -x "$py" ] || py=$(sed -n '1s/^[^ ]* //p' "$T_OUT/pythons")
if core_of "$py" basic untraced; then
	core=$T_OUT/untraced.core
	expect_exit 1 "untraced: types --by-line" "$HEAPGRAPH" types --by-line "$core"
	grep -q "not tracing" "$T_OUT/last.err" && ok "untraced: types --by-line says the process was not tracing" ||
		fail "untraced: types --by-line: $(cat "$T_OUT/last.err")"
	expect_exit 1 "untraced: tracemalloc top CORE" "$HEAPGRAPH" tracemalloc top "$core"
	grep -q "not tracing" "$T_OUT/last.err" && ok "untraced: tracemalloc top says the process was not tracing" ||
		fail "untraced: tracemalloc top: $(cat "$T_OUT/last.err")"
	"$HEAPGRAPH" top --json --limit 1 "$core" >"$T_OUT/untraced.top" 2>&1
	if "$HEAPGRAPH" show --json "$core" "$(json_get "$T_OUT/untraced.top" 'd[0]["addr"]')" >"$T_OUT/untraced.show" 2>&1 &&
		[ "$(json_get "$T_OUT/untraced.show" 'd[0]["traceback"]')" = None ]; then
		ok "untraced: show gives a null traceback"
	else
		fail "untraced: show: $(head -c 300 "$T_OUT/untraced.show")"
	fi
	tidy untraced
fi
