#!/bin/sh
# Snapshot files: heapgraph reads its own snapshot format back, and
# heapgraph_dump.py writes it from inside a process.
# 1. A core exported and read back answers as the core: the same types, top,
#    analyze, chains, and the same export again.
# 2. Under every Python, the mixed-heap scenario writes its own snapshot with
#    heapgraph_dump.py just before the live truth is recorded
#    (tests/scenarios/hgscenario.py, HG_SELFDUMP): its objects, referents,
#    sizes and typestats agree with gc.get_objects()/gc.get_referents()/
#    sys.getsizeof as a core's do (compare_graph.py), and heapgraph analyzes it.
# 3. A damaged line is refused naming the line (exit 3).
. "$(dirname "$0")/lib.sh"

all_pythons "$T_OUT/pythons"
first=$(head -1 "$T_OUT/pythons" | cut -d' ' -f2)
[ -n "$first" ] || { skip "no Python interpreter found"; exit 0; }

# 1. round trip
hg_sysroot "$first"
begin_run
if msg=$(make_core "$first" mixed rt); then
	core=$T_OUT/rt.core
	"$HEAPGRAPH" export "$core" -o "$T_OUT/rt.jsonl.gz" 2>/dev/null
	snap=$T_OUT/rt.jsonl.gz
	same=1
	for c in "types --json" "types --gc-only --json" "top --limit 30 --json" "analyze --json" "chain --type Node --limit 3 --json"; do
		# shellcheck disable=SC2086
		"$HEAPGRAPH" ${c%% *} "$core" ${c#* } >"$T_OUT/a.json" 2>/dev/null
		# shellcheck disable=SC2086
		"$HEAPGRAPH" ${c%% *} "$snap" ${c#* } >"$T_OUT/b.json" 2>/dev/null
		if ! python3 - "$T_OUT/a.json" "$T_OUT/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if isinstance(a, dict):
    for k in ("dump", "types", "wild_references"):  # the name; types without objects and stale pointers a snapshot has not
        if isinstance(a.get(k), (str, int)):
            a.pop(k, None); b.pop(k, None)
if a != b:
    keys = [k for k in a if a[k] != b.get(k)] if isinstance(a, dict) else ["entries"]
    print(", ".join(keys), str([a[k] for k in keys])[:300] if isinstance(a, dict) else "")
    sys.exit(1)
PY
		then
			fail "round trip: $c differs between the core and its snapshot"; same=0
		fi
	done
	[ "$same" = 1 ] && ok "round trip: types, top, analyze and chains of the snapshot equal the core's"
	"$HEAPGRAPH" export "$core" -o "$T_OUT/x1.jsonl" 2>/dev/null
	"$HEAPGRAPH" export "$snap" -o "$T_OUT/x2.jsonl" 2>/dev/null
	if [ -s "$T_OUT/x1.jsonl" ] && cmp -s "$T_OUT/x1.jsonl" "$T_OUT/x2.jsonl" 2>/dev/null ||
		{ tail -n +2 "$T_OUT/x1.jsonl" >"$T_OUT/x1.body"; tail -n +2 "$T_OUT/x2.jsonl" >"$T_OUT/x2.body"; cmp -s "$T_OUT/x1.body" "$T_OUT/x2.body"; }; then
		ok "round trip: exporting the snapshot gives the same objects, references and roots"
	else
		fail "round trip: the snapshot exports differently: $(diff "$T_OUT/x1.body" "$T_OUT/x2.body" | head -3)"
	fi
	# 3. a damaged line
	zcat "$snap" | sed '5s/.*/{"address": broken/' >"$T_OUT/bad.jsonl"
	expect_exit 3 "a damaged line is refused" "$HEAPGRAPH" analyze "$T_OUT/bad.jsonl"
	grep -q "line 5" "$T_OUT/last.err" && ok "... naming line 5" || fail "the message does not name line 5: $(cat "$T_OUT/last.err")"
	# hostile snapshots: an address not a multiple of 8, two objects at one address, a root with no address,
	# and a line of 20,000 references all "possible" (answered in time, not in quadratic time)
	python3 - "$T_OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
head = json.dumps({"heapgraph_snapshot": 1, "python": "3.11.2", "pid": 1}) + "\n"
def obj(a, refs=(), labels=None, t="dict"):
    return json.dumps({"address": a, "type": t, "size": 8, "refs": list(refs),
                       "ref_labels": labels if labels is not None else [""] * len(refs)}) + "\n"
open(os.path.join(out, "odd.jsonl"), "w").write(head + obj(16) + obj(17, [16], ["__class__"]))
open(os.path.join(out, "dup.jsonl"), "w").write(head + obj(16) + obj(16))
open(os.path.join(out, "noref.jsonl"), "w").write(head + obj(16) + json.dumps({"root": "module", "name": "m"}) + "\n")
refs = [8 * (i + 2) for i in range(20000)]
big = {"address": 8, "type": "list", "size": 8, "refs": refs, "ref_labels": ["+%d" % i for i in range(20000)],
       "possible_refs": refs}
open(os.path.join(out, "quad.jsonl"), "w").write(head + json.dumps(big) + "\n" + "".join(obj(a) for a in refs)
                                                 + json.dumps({"root": "module", "name": "m", "refs": [8]}) + "\n")
PY
	for f in odd dup noref; do
		expect_exit 3 "hostile snapshot $f refused" "$HEAPGRAPH" analyze "$T_OUT/$f.jsonl"
	done
	if timeout 30 "$HEAPGRAPH" analyze "$T_OUT/quad.jsonl" >/dev/null 2>&1; then
		ok "20,000 possible references on one line: read in time"
	else
		fail "20,000 possible references on one line: exit $? (timeout 30 s)"
	fi
	rm -f "$T_OUT"/x1.* "$T_OUT"/x2.* "$T_OUT/bad.jsonl" "$T_OUT"/rt.jsonl.gz* "$T_OUT"/odd.* "$T_OUT"/dup.* \
		"$T_OUT"/noref.* "$T_OUT"/quad.*
else
	fail "round trip: could not make a core: $msg"
fi
tidy rt

# 2. written from inside, under every Python
n=0
while read -r name py; do
	n=$((n + 1))
	begin_run
	hg_sysroot "$py"
	if ! msg=$(HG_SELFDUMP=1 make_core "$py" mixed "$name"); then
		fail "$name: could not make a core: $msg"; continue
	fi
	self=$T_OUT/$name.self.jsonl
	if [ ! -s "$self" ]; then fail "$name: heapgraph_dump.py wrote nothing: $(tail -3 "$T_OUT/$name.stderr")"; continue; fi
	"$HEAPGRAPH" types "$self" --gc-only --json >"$T_OUT/$name.self.types" 2>"$T_OUT/$name.self.err"
	if python3 "$T_TOP/tests/t/compare_graph.py" "$T_OUT/$name.truth.json" "$self" "$name (heapgraph_dump.py)" \
		"$T_OUT/$name.self.types" >"$T_OUT/$name.self.compare"; then
		ok "$(head -1 "$T_OUT/$name.self.compare")"
	else
		fail "$(head -1 "$T_OUT/$name.self.compare")"; tail -n +2 "$T_OUT/$name.self.compare" | head -20
	fi
	if "$HEAPGRAPH" analyze "$self" --json >"$T_OUT/$name.self.analyze" 2>"$T_OUT/$name.self.err" &&
	   "$HEAPGRAPH" chain "$self" --type Node --json >"$T_OUT/$name.self.chain" 2>>"$T_OUT/$name.self.err" &&
	   python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.exit(not all(x["found"] for x in c))' "$T_OUT/$name.self.chain"; then
		ok "$name: heapgraph analyzes the snapshot and finds chains to its Node objects"
	else
		fail "$name: analyze or chain on the snapshot: $(head -3 "$T_OUT/$name.self.err")"
	fi
	rm -f "$self" "$self.hgi" "$T_OUT/$name.self".*
	tidy "$name"
done <"$T_OUT/pythons"

# the writer runs no code of the objects' own and survives what a heap holds: a dead weakref
# proxy, an int too long for str(), a list subclass whose __iter__ prints
if hg_run "$first" -c "
import sys, weakref; sys.path.insert(0, '$T_TOP'); import heapgraph_dump
class A: pass
class L(list):
    def __iter__(self): print('user code ran'); return iter([])
a = A(); p = weakref.proxy(a); del a
big = [10 ** 5000]; l = L([1, 2])
heapgraph_dump.dump('$T_OUT/odd.jsonl')" >"$T_OUT/odd.out" 2>&1 && ! grep -q "user code ran" "$T_OUT/odd.out" &&
	"$HEAPGRAPH" analyze "$T_OUT/odd.jsonl" >/dev/null 2>>"$T_OUT/odd.out"; then
	ok "heapgraph_dump.py: a dead proxy, a 5000-digit int and a subclass's __iter__ do not stop it or run"
else
	[ -n "$(py_root "$first")" ] && skip "odd heap: $first runs in a root" || fail "heapgraph_dump.py on an odd heap: $(head -5 "$T_OUT/odd.out")"
fi
rm -f "$T_OUT"/odd.*

# gzip'd, from a plain script
if hg_run "$first" -c "import sys; sys.path.insert(0, '$T_TOP'); import heapgraph_dump; x = [dict(a=i) for i in range(1000)]; heapgraph_dump.dump('$T_OUT/gz.jsonl.gz')" 2>"$T_OUT/gz.err" &&
	"$HEAPGRAPH" types "$T_OUT/gz.jsonl.gz" --json >"$T_OUT/gz.types" 2>>"$T_OUT/gz.err"; then
	ok "heapgraph_dump.dump('x.jsonl.gz') writes gzip that heapgraph reads"
else
	# a sid root's python cannot see the sources' path: only the host's are tried here
	[ -n "$(py_root "$first")" ] && skip "gzip dump: $first runs in a root" || fail "gzip dump: $(head -3 "$T_OUT/gz.err")"
fi
rm -f "$T_OUT"/gz.*
