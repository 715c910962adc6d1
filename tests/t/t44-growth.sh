#!/bin/sh
# growth: a service leaks in a loop and is dumped after each of three rounds
# (tests/scenarios/growing.py, one process).  Under every Python: the
# per-type deltas of `growth --gc-only` equal those of the live typestats
# taken at each dump, for every type; the leaking type is on top; the first
# merged path names the leaking container with the round's 3,000 events; with
# three dumps the leak set is the second round's events (the sessions it
# dropped are not in it); dumps of two processes are refused (exit 2).
. "$(dirname "$0")/lib.sh"

n=0
all_pythons "$T_OUT/pythons"
while read -r name py; do
	n=$((n + 1))
	begin_run
	hg_sysroot "$py"
	if ! msg=$(make_cores "$py" growing "$name" 3); then
		fail "$name: could not make the cores: $msg"; continue
	fi
	c1=$T_OUT/$name.1.core c2=$T_OUT/$name.2.core c3=$T_OUT/$name.3.core
	truth=$T_OUT/$name.truth.json
	if ! "$HEAPGRAPH" growth "$c1" "$c2" --gc-only --json --limit 0 >"$T_OUT/$name.g12" 2>"$T_OUT/$name.g12.err"; then
		fail "$name: growth failed: $(head -3 "$T_OUT/$name.g12.err")"; continue
	fi
	if python3 - "$truth.1.typestats" "$truth.2.typestats" "$T_OUT/$name.g12" <<'PY'
import json, sys
s1, s2 = (json.load(open(p))["typestats"] for p in sys.argv[1:3])
g = json.load(open(sys.argv[3]))
got = {}
for r in g["types"]:
    short = r["type"].rsplit(".", 1)[-1]
    got[short] = got.get(short, 0) + r["count_delta"]
want = {t: s2.get(t, 0) - s1.get(t, 0) for t in set(s1) | set(s2)}
bad = ["%s: live %+d, heapgraph %+d" % (t, want.get(t, 0), got.get(t, 0))
       for t in sorted(set(want) | set(got)) if want.get(t, 0) != got.get(t, 0)]
assert not bad, "; ".join(bad[:8])
assert want["Event"] == 3000, want["Event"]
PY
	then ok "$name: growth --gc-only: every type's delta equals the live typestats' (Event +3000)"
	else fail "$name: growth --gc-only deltas differ from the live ones"; fi

	if python3 - "$T_OUT/$name.g12" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
top = g["types"][0]
assert top["type"] == "__main__.Event" and top["count_delta"] == 3000, top
assert top["new_count"] == 3000, top
p = g["paths"][0]
assert "['STORE']" in p["path"] and "events" in p["path"] and p["path"].endswith("list[*] \u2192 Event"), p
assert p["count"] == 3000 and p["bytes"] == top["bytes_delta"], (p, top)
PY
	then ok "$name: the leaking type on top, the first merged path names STORE.events (+3000 events)"
	else fail "$name: growth's top type or first path: $(head -c 600 "$T_OUT/$name.g12")"; fi

	# all objects (strings and numbers too): the events' strings hang under them
	"$HEAPGRAPH" growth "$c1" "$c2" >"$T_OUT/$name.g12.txt" 2>&1
	if grep -q '^__main__.Event  *[0-9]*  *+3000 ' "$T_OUT/$name.g12.txt" &&
		sed -n '/^where they hang/{n;p}' "$T_OUT/$name.g12.txt" | grep -q "\['STORE'\].*events.*list\[\*\] → Event"; then
		ok "$name: growth (text): Event +3000, and the first path is STORE.events"
	else
		fail "$name: growth (text):"; sed 's/^/    /' "$T_OUT/$name.g12.txt" | head -20
	fi

	# three dumps: the leak set is round 2's events, still alive in dump 3
	"$HEAPGRAPH" growth "$c1" "$c2" "$c3" --gc-only --json >"$T_OUT/$name.g123" 2>"$T_OUT/$name.g123.err"
	if python3 - "$truth.2" "$T_OUT/$name.g123" <<'PY'
import json, sys
events = set(json.load(open(sys.argv[1]))["events"])
g = json.load(open(sys.argv[2]))
ls = g["leak_set"]
assert 3000 <= ls["count"] <= 3030, ls["count"]
p = ls["paths"][0]
assert "['STORE']" in p["path"] and p["count"] == 3000 and int(p["example"], 16) in events, p
assert not any("SESSIONS" in q["path"] for q in ls["paths"]), [q["path"] for q in ls["paths"]]
assert g["types"][0]["type"] == "__main__.Event" and g["types"][0]["count_delta"] == 6000
PY
	then ok "$name: growth of three dumps: the leak set is round 2's 3000 events under STORE.events"
	else fail "$name: growth of three dumps: $(head -c 800 "$T_OUT/$name.g123") $(head -3 "$T_OUT/$name.g123.err")"; fi

	if [ "$n" = 1 ]; then
		cp "$c1" "$T_OUT/keep.core"
	elif [ -f "$T_OUT/keep.core" ]; then
		expect_exit 2 "$name: growth of dumps of two processes" "$HEAPGRAPH" growth "$T_OUT/keep.core" "$c2"
		grep -q "different processes" "$T_OUT/last.err" && ok "$name: ... and says they are of different processes" ||
			fail "$name: the message does not say why: $(cat "$T_OUT/last.err")"
		rm -f "$T_OUT/keep.core" "$T_OUT/keep.core.hgi"
	fi
	tidy "$name"
done <"$T_OUT/pythons"
rm -f "$T_OUT/keep.core" "$T_OUT/keep.core.hgi"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
expect_exit 2 "growth of one dump" "$HEAPGRAPH" growth "$T_TOP/README.md"
