#!/bin/sh
# Retained sizes the physical way: a program holds objects of many shapes
# (a cache of small dicts, instances, a tree with parent links, a ring of
# __slots__ objects, a closure, a deque, a list sharing half its items, an
# object holding itself through a bound method, a weak-valued dict), each by
# one reference; for each, a forked copy of its heap drops that reference,
# collects, and sums sys.getsizeof over what disappeared
# (tests/scenarios/retained.py).  heapgraph's retained size of each must be
# within 1% of it, under every Python (check_retained.py), and `top` must
# name the leaking cache among its first five entries and `analyze` call it
# a leak suspect.
. "$(dirname "$0")/lib.sh"

n=0
all_pythons "$T_OUT/pythons"
while read -r name py; do
	n=$((n + 1))
	core_of "$py" retained "$name" || continue
	if ! "$HEAPGRAPH" export "$T_OUT/$name.core" -o "$T_OUT/$name.jsonl" 2>"$T_OUT/$name.err"; then
		fail "$name: export failed: $(head -2 "$T_OUT/$name.err")"; continue
	fi
	if python3 "$T_TOP/tests/t/check_retained.py" "$T_OUT/$name.truth.json" "$T_OUT/$name.jsonl" "$name" \
		>"$T_OUT/$name.check"; then
		ok "$(head -1 "$T_OUT/$name.check")"
	else
		fail "$(head -1 "$T_OUT/$name.check")"; tail -n +2 "$T_OUT/$name.check"
	fi
	# the leaking container is among top's first entries
	cache=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["retained"]["cache"]["addr"])' \
		"$T_OUT/$name.truth.json")
	if "$HEAPGRAPH" top "$T_OUT/$name.core" --limit 5 --json >"$T_OUT/$name.top" 2>"$T_OUT/$name.top.err" &&
		python3 -c 'import json,sys; sys.exit(int(sys.argv[2]) not in [int(o["addr"], 16) for o in json.load(open(sys.argv[1]))])' \
			"$T_OUT/$name.top" "$cache"; then
		ok "$name: top names the 2000-entry cache among its first 5"
	else
		fail "$name: top does not name the cache 0x$(printf %x "$cache") among its first 5: $(head -c 300 "$T_OUT/$name.top" "$T_OUT/$name.top.err")"
	fi
	# and analyze names it as a leak suspect, with what it holds
	if "$HEAPGRAPH" analyze "$T_OUT/$name.core" --json >"$T_OUT/$name.analyze" 2>"$T_OUT/$name.analyze.err" &&
		python3 - "$T_OUT/$name.analyze" "$cache" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
s = [x for x in a["suspects"] if int(x["addr"], 16) == int(sys.argv[2])]
ok = (s and s[0]["holds"].get("type") == "builtins.dict" and s[0]["holds"]["count"] == 2000
      and s[0]["retained"] > 0 and len(s[0]["holds"]["examples"]) == 3
      and all(e.startswith("['/api/items?page=") for e in s[0]["holds"]["examples"])
      and s[0]["path"].endswith("['cache']"))
sys.exit(0 if ok else 1)
PY
	then
		ok "$name: analyze names the cache a leak suspect holding 2000 dicts, with its keys and chain"
	else
		fail "$name: analyze does not name the cache a suspect: $(head -c 600 "$T_OUT/$name.analyze" "$T_OUT/$name.analyze.err")"
	fi
	tidy "$name"
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
