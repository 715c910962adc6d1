#!/bin/sh
# heapgraph info on gcore cores of every Python on the machine: the pid and
# Python version it reports must be the ones the live process reported.
. "$(dirname "$0")/lib.sh"

n=0
hg_pythons >"$T_OUT/pythons"
sid_missing "$T_OUT/pythons"
while read -r name py; do
	hg_sysroot "$py"
	n=$((n + 1))
	begin_run
	if ! msg=$(make_core "$py" basic "$name"); then
		fail "$name: could not make a core: $msg"; continue
	fi
	"$HEAPGRAPH" info --json "$T_OUT/$name.core" >"$T_OUT/$name.info.json" 2>"$T_OUT/$name.info.err" || {
		fail "$name: info exited $?"; sed 's/^/    /' "$T_OUT/$name.info.err" | head -5; continue
	}
	python3 - "$T_OUT/$name.truth.json" "$T_OUT/$name.info.json" "$name" <<'PY' && ok "$name: info agrees with the live process" || fail "$name: info disagrees with the live process"
import json, sys
truth = json.load(open(sys.argv[1])); info = json.load(open(sys.argv[2])); name = sys.argv[3]
bad = []
if info["pid"] != truth["pid"]: bad.append("pid %s != %s" % (info["pid"], truth["pid"]))
py = info["python"]
if not py: bad.append("no python: %s" % info.get("python_message"))
else:
    if py["version"] != truth["version"]: bad.append("version %s != %s" % (py["version"], truth["version"]))
    if int(py["version_hex"], 16) != truth["hexversion"]: bad.append("hexversion %s != %x" % (py["version_hex"], truth["hexversion"]))
tids = sorted(t["tid"] for t in info["threads"])
want = sorted(t["native_id"] for t in truth["threads"] if t["native_id"])
if want and not set(want) <= set(tids): bad.append("threads %s not among %s" % (want, tids))
for line in bad: print("    " + name + ": " + line)
sys.exit(1 if bad else 0)
PY
	tidy "$name"
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
