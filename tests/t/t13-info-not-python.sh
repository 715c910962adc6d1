#!/bin/sh
# heapgraph info on cores of processes that are not Python: gcore of
# `sleep 60`, and of a copy of sleep named python3.11 (a file name alone must
# not make a Python).  The core itself is fine, so: exit 0, the right pid and
# executable, "python": null with a python_message, nothing "incomplete".
. "$(dirname "$0")/lib.sh"

command -v gcore >/dev/null || { skip "no gcore (gdb)"; exit 0; }
sleep_bin=$(command -v sleep)
sleep_bin=$(realpath "$sleep_bin")
cp "$sleep_bin" "$T_OUT/python3.11"

for prog in "$sleep_bin" "$T_OUT/python3.11"; do
	what=$(basename "$prog")
	"$prog" 60 &
	spid=$!
	if ! gcore -o "$T_OUT/$what" "$spid" >"$T_OUT/$what.gcore.log" 2>&1; then
		kill "$spid"; fail "$what: gcore failed"; tail -3 "$T_OUT/$what.gcore.log"; continue
	fi
	kill "$spid"; wait "$spid" 2>/dev/null
	dump=$T_OUT/$what.$spid
	"$HEAPGRAPH" info --json "$dump" >"$T_OUT/$what.json" 2>"$T_OUT/$what.err" ||
		{ fail "$what: info exited $?"; sed 's/^/    /' "$T_OUT/$what.err" | head -3; continue; }
	python3 - "$T_OUT/$what.json" "$spid" "$prog" <<'PY' && ok "$what: not Python: python null with a message, pid and executable right" || fail "$what: wrong info for a non-Python core"
import json, sys
d = json.load(open(sys.argv[1])); pid = int(sys.argv[2]); prog = sys.argv[3]
bad = []
if d["pid"] != pid: bad.append("pid %r, wanted %d" % (d["pid"], pid))
if d["executable"] != prog: bad.append("executable %r, wanted %r" % (d["executable"], prog))
if d["python"] is not None: bad.append("python %r, wanted null" % (d["python"],))
if "no CPython runtime found" not in (d.get("python_message") or ""):
    bad.append("python_message %r" % d.get("python_message"))
if d["incomplete"]: bad.append("incomplete")
if not d["threads"]: bad.append("no threads")
for line in bad: print("    " + line)
sys.exit(1 if bad else 0)
PY
	"$HEAPGRAPH" info "$dump" >"$T_OUT/$what.txt" 2>&1
	check "$what: text output says there is no Python" grep -q '^python  *none: .*no CPython runtime found' "$T_OUT/$what.txt"
done
