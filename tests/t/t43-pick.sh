#!/bin/sh
# --type picks what matters: a service leaks 20,000 small dicts into an audit
# trail among the standard library's big dicts (tests/scenarios/smalldicts.py,
# which records the leaked dicts' ids).  Under every Python, `backrefs --type
# dict` and `chain --type dict` must pick leaked dicts, name the group they
# were picked from (the audit trail's list, keys wildcarded) and how big it
# is, and draw them; --pick largest must still pick the biggest dicts (none
# of them leaked), --pick retained the dict retaining most, --pick random
# dicts; a bad --pick is a usage error.
. "$(dirname "$0")/lib.sh"

n=0
all_pythons "$T_OUT/pythons"
while read -r name py; do
	n=$((n + 1))
	core_of "$py" smalldicts "$name" || continue
	core=$T_OUT/$name.core
	truth=$T_OUT/$name.truth.json
	"$HEAPGRAPH" analyze "$core" >/dev/null 2>"$T_OUT/$name.analyze.err" ||
		{ fail "$name: analyze failed: $(head -2 "$T_OUT/$name.analyze.err")"; continue; }

	# the default: leaked dicts, from the group that holds them, drawn
	"$HEAPGRAPH" backrefs "$core" --type dict -o "$T_OUT/$name.dot" 2>"$T_OUT/$name.pick"
	if python3 - "$truth" "$T_OUT/$name.pick" "$T_OUT/$name.dot" <<'PY'
import json, re, sys
truth = json.load(open(sys.argv[1]))
leaked = set(truth["leaked"])
err = open(sys.argv[2]).read()
dot = open(sys.argv[3]).read()
picked = [int(a, 16) for a in re.search(r"picked the \d+ [^:]*: (.*)", err).group(1).split()]
assert len(picked) == 3, err
assert all(p in leaked for p in picked), "picked %s, not leaked dicts:\n%s" % ([hex(p) for p in picked], err)
first = [l for l in err.splitlines() if l.strip().startswith("1. ")]
assert first, err
# the group: the audit trail's list, its indexes wildcarded; all 20,000 (or 21,000) of them
assert "['AUDIT']" in first[0] and "entries" in first[0] and "list[*] \u2192 dict" in first[0], first[0]
assert re.search(r"1\. %d objects, [0-9.]+ (KiB|MiB), retaining [0-9.]+ (KiB|MiB): " % len(leaked), first[0]), first[0]
for p in picked:   # drawn, as targets (red)
    node = re.search(r"\n  o%d \[([^\n]*)\];" % p, dot)
    assert node and 'fontcolor="red"' in node.group(1), "0x%x is not drawn as a target" % p
PY
	then ok "$name: backrefs --type dict draws 3 of the leaked dicts and names their group"
	else fail "$name: backrefs --type dict: $(head -c 800 "$T_OUT/$name.pick")"; fi

	# chain picks the same way and its chain goes through the audit trail
	if "$HEAPGRAPH" chain "$core" --type dict --limit 2 --json >"$T_OUT/$name.chain" 2>/dev/null &&
		python3 - "$truth" "$T_OUT/$name.chain" <<'PY'
import json, sys
leaked = set(json.load(open(sys.argv[1]))["leaked"])
out = json.load(open(sys.argv[2]))
assert len(out) == 2 and all(int(o["target"], 16) in leaked for o in out), out
assert all("['AUDIT']" in o["path"] and "entries" in o["path"] for o in out), [o["path"] for o in out]
PY
	then ok "$name: chain --type dict picks leaked dicts, chained through AUDIT.entries"
	else fail "$name: chain --type dict: $(head -c 600 "$T_OUT/$name.chain")"; fi

	# --pick largest: the old way, the biggest dicts, none of them leaked
	"$HEAPGRAPH" refs "$core" --type dict --pick largest --limit 3 >/dev/null 2>"$T_OUT/$name.largest"
	"$HEAPGRAPH" show "$core" $(sed -n 's/.*picked the 3 largest: //p' "$T_OUT/$name.largest") --json \
		>"$T_OUT/$name.largest.json" 2>/dev/null
	if python3 - "$truth" "$T_OUT/$name.largest.json" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1]))
shown = json.load(open(sys.argv[2]))
sizes = [o["size"] for o in shown]
assert len(shown) == 3 and sizes == sorted(sizes, reverse=True), sizes
assert all(o["type"] == "builtins.dict" and int(o["addr"], 16) not in set(truth["leaked"]) for o in shown)
assert min(sizes) > 10 * truth["max_leaked_size"], sizes
PY
	then ok "$name: --pick largest picks the 3 biggest dicts, none leaked"
	else fail "$name: --pick largest: $(head -c 400 "$T_OUT/$name.largest")"; fi

	# --pick retained: the dict retaining most (of all dicts), first
	"$HEAPGRAPH" refs "$core" --type dict --pick retained --limit 1 >/dev/null 2>"$T_OUT/$name.retained"
	"$HEAPGRAPH" types "$core" --json >"$T_OUT/$name.types" 2>/dev/null
	"$HEAPGRAPH" top "$core" --limit 200 --json >"$T_OUT/$name.top" 2>/dev/null
	if python3 - "$T_OUT/$name.retained" "$T_OUT/$name.top" <<'PY'
import json, re, sys
addr = int(re.search(r"retaining most: (0x[0-9a-f]+)", open(sys.argv[1]).read()).group(1), 16)
dicts = [o for o in json.load(open(sys.argv[2])) if o["type"] == "builtins.dict"]
assert dicts and int(dicts[0]["addr"], 16) == addr, (hex(addr), dicts[:2])
PY
	then ok "$name: --pick retained picks the dict top ranks first"
	else fail "$name: --pick retained: $(head -c 400 "$T_OUT/$name.retained")"; fi

	# --pick random: dicts, and not always the same ones
	"$HEAPGRAPH" refs "$core" --type dict --pick random --limit 5 >/dev/null 2>"$T_OUT/$name.r1"
	sleep 1
	"$HEAPGRAPH" refs "$core" --type dict --pick random --limit 5 >/dev/null 2>"$T_OUT/$name.r2"
	r1=$(sed -n 's/.*at random: //p' "$T_OUT/$name.r1"); r2=$(sed -n 's/.*at random: //p' "$T_OUT/$name.r2")
	# shellcheck disable=SC2086
	if [ -n "$r1" ] && [ "$r1" != "$r2" ] && "$HEAPGRAPH" show "$core" $r1 --json >"$T_OUT/$name.r.json" 2>/dev/null &&
		python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (len(o) == 5 and all(x["type"] == "builtins.dict" for x in o)))' \
			"$T_OUT/$name.r.json"
	then ok "$name: --pick random picks 5 dicts, others the next time"
	else fail "$name: --pick random: '$r1' then '$r2'"; fi

	[ "$n" = 1 ] && expect_exit 2 "--pick with an unknown word" "$HEAPGRAPH" backrefs "$core" --type dict --pick biggest
	tidy "$name"
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
