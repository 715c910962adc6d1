#!/bin/sh
# A web framework's heap: tests/scenarios/flask_app.py serves a few hundred
# requests with Flask (Debian's python3-flask) and, in a second core, with
# Django (python3-django) configured in-process, under Debian's python3.11
# (the interpreter those packages are for).  analyze must succeed on the
# core, and the exported graph must agree with what the live process said
# (the figures of t30).  Then tests/scenarios/numpy_app.py, a numerical
# service on Debian's python3-numpy, the same way: arrays' sizes count their
# data.
. "$(dirname "$0")/lib.sh"

py=/usr/bin/python3.11
if [ ! -x "$py" ]; then skip "no $py (Debian's Python, which python3-flask is for)"; exit 0; fi

for fw in flask django; do
	if ! "$py" -c "import sys; sys.path.append('/usr/lib/python3/dist-packages'); import $fw" 2>/dev/null; then
		skip "$fw: python3-$fw is not installed (cannot import $fw under $py)"
		continue
	fi
	begin_run
	HG_FRAMEWORKS=$fw; export HG_FRAMEWORKS
	msg=$(make_core "$py" flask_app "$fw"); st=$?
	unset HG_FRAMEWORKS
	if [ "$st" -ne 0 ]; then fail "$fw: could not make a core: $msg"; continue; fi
	core=$T_OUT/$fw.core
	check "$fw: analyze exits 0" "$HEAPGRAPH" analyze "$core"
	compare_core "$fw" "$fw"
	tidy "$fw"
done

if ! "$py" -c "import sys; sys.path.append('/usr/lib/python3/dist-packages'); import numpy" 2>/dev/null; then
	skip "numpy: python3-numpy is not installed (cannot import numpy under $py)"
	exit 0
fi
if ! msg=$(make_core "$py" numpy_app numpy); then fail "numpy: could not make a core: $msg"; exit 0; fi
check "numpy: analyze exits 0 with no warning" sh -c '"$1" analyze "$2" 2>&1 >/dev/null | grep -q . && exit 1 || exit 0' sh "$HEAPGRAPH" "$T_OUT/numpy.core"
compare_core numpy numpy types
# an object array's items: the chain runs from the module through the array's index
python3 - "$HEAPGRAPH" "$T_OUT/numpy.core" "$T_OUT/numpy.truth.json" <<'PY' >"$T_OUT/numpy.items"
import json, subprocess, sys
hg, core, truth = sys.argv[1:]
want = {"OBJECTS[3]": "[3]", "NAMES[150]": "[150]", "GRID[2, 1]": "[9]"}
bad = 0
for name, oid in json.load(open(truth))["held_by_arrays"].items():
    r = subprocess.run([hg, "chain", core, hex(oid), "--json"], capture_output=True, text=True)
    c = json.loads(r.stdout)[0] if r.stdout else {}
    steps = c.get("steps", [])
    ok = (c.get("found") and c["root"]["kind"] == "module" and len(steps) >= 2 and
          steps[-2]["type"].endswith("ndarray") and steps[-1]["edge"] == want[name])
    bad += not ok
    print("%s %s: %s" % ("ok" if ok else "BAD", name, " -> ".join(s["edge"] or s["type"] for s in steps)))
sys.exit(1 if bad else 0)
PY
if [ $? -eq 0 ]; then ok "numpy: items of object arrays are held by their array ($(wc -l <"$T_OUT/numpy.items") chains)"
else fail "numpy: items of object arrays"; sed 's/^/    /' "$T_OUT/numpy.items"; fi
