#!/bin/sh
# Deep and odd heaps (tests/scenarios/odd.py): lists nested 200,000 deep, a
# two-million-item list, a 500,000-key dict, containers holding themselves,
# a cycle through every kind of container.  analyze, top, export (JSONL and
# GraphML), the report and a picture all end in bounded time and stack; the
# chain to the innermost list is 200,000 and more hops long; a list and a
# dict that hold themselves are their own referents; every object of every
# cycle is found and reaches itself again through the references read.
. "$(dirname "$0")/lib.sh"

py=$(one_python)
[ -n "$py" ] || { skip "no Python found"; exit 0; }
hg_sysroot "$py"
msg=$(make_core "$py" odd odd) || { fail "could not make a core: $msg"; exit 0; }
core=$T_OUT/odd.core
truth=$T_OUT/odd.truth.json

for cmd in "analyze" "top" "export -o $T_OUT/odd.jsonl" "export -o $T_OUT/odd.graphml" "report -o $T_OUT/odd.html"; do
	# shellcheck disable=SC2086
	if timeout 300 "$HEAPGRAPH" $cmd "$core" >"$T_OUT/out" 2>"$T_OUT/err"; then
		ok "${cmd%% *}: done"
	else
		fail "$cmd: exit $?: $(tail -3 "$T_OUT/err")"
	fi
done
inner=$(json_get "$truth" 'hex(d["innermost"])')
depth=$(json_get "$truth" 'd["depth"]')
if timeout 300 "$HEAPGRAPH" chain "$core" "$inner" >"$T_OUT/chain.txt" 2>"$T_OUT/chain.err"; then
	hops=$(grep -c '^  → ' "$T_OUT/chain.txt")
	if [ "$hops" -gt "$depth" ]; then ok "chain to the innermost of $depth nested lists: $hops hops"
	else fail "chain to the innermost list: $hops hops for $depth levels"; fi
else
	fail "chain to the innermost list: exit $?: $(tail -2 "$T_OUT/chain.err")"
fi
self=$(json_get "$truth" 'hex(d["self_list"])')
timeout 120 "$HEAPGRAPH" backrefs "$core" "$self" -o "$T_OUT/self.png" 2>"$T_OUT/self.err" &&
	ok "backrefs of a list that holds itself: drawn" || fail "backrefs of a list that holds itself: $(tail -2 "$T_OUT/self.err")"
python3 - "$T_OUT/odd.jsonl" "$truth" <<'PY' && ok "self-holders, big containers and a cycle through each container kind: all found, each reaching itself" || fail "odd objects in the export"
import json, sys
objs = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "address" in d:
        objs[d["address"]] = d["refs"] + d.get("weak_refs", [])
t = json.load(open(sys.argv[2]))
bad = []
for k in ("self_list", "self_dict"):
    if t[k] not in objs.get(t[k], []):
        bad.append("%s does not refer to itself" % k)
if t["big_list"] not in objs or t["big_dict"] not in objs:
    bad.append("the big containers are missing")
def reaches_itself(start, limit=10):
    seen, frontier = set(), [start]
    for _ in range(limit):
        nxt = []
        for a in frontier:
            for b in objs.get(a, []):
                if b == start:
                    return True
                if b not in seen:
                    seen.add(b)
                    nxt.append(b)
        frontier = nxt
    return False
for name, addrs in t["cycles"].items():
    for a in addrs:
        if a not in objs:
            bad.append("%s: 0x%x not found" % (name, a))
        elif not reaches_itself(a):
            bad.append("%s: 0x%x does not reach itself within 10 references" % (name, a))
for b in bad:
    print("   ", b)
sys.exit(1 if bad else 0)
PY
rm -f "$T_OUT/odd.jsonl" "$T_OUT/odd.graphml" "$T_OUT/odd.html" "$T_OUT/self.png"
tidy odd
