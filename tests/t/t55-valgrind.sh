#!/bin/sh
# valgrind (memcheck) finds nothing in the commands on a real core: analyze
# (reading the core, the walk, dominators, writing the index), the indexed
# queries, pictures (graphviz), export, the report, growth, tracemalloc's
# reader and the core writer.  Errors in heapgraph's own code fail the test;
# graphviz's and its font libraries' own are not ours (tests/valgrind.supp).
# Skipped when valgrind or the build under a sanitizer (which valgrind
# cannot run) is in the way.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || { skip "no valgrind"; exit 0; }
if nm -D "$HEAPGRAPH" 2>/dev/null | grep -q __asan_init || nm "$HEAPGRAPH" 2>/dev/null | grep -q __asan_init; then
	skip "heapgraph is built with ASan (SANITIZE=1): valgrind cannot run it"; exit 0
fi
py=$(one_python)
[ -n "$py" ] || { skip "no Python found"; exit 0; }
hg_sysroot "$py"
msg=$(make_core "$py" basic basic) || { fail "could not make a core: $msg"; exit 0; }
core=$T_OUT/basic.core
cp "$core" "$T_OUT/basic2.core"

vg() {	# vg DESC ARGS...: heapgraph ARGS under memcheck
	desc=$1; shift
	valgrind -q --error-exitcode=99 --suppressions="$T_TOP/tests/valgrind.supp" --track-origins=no \
		"$HEAPGRAPH" "$@" >"$T_OUT/vg.out" 2>"$T_OUT/vg.err"
	rc=$?
	if [ $rc -eq 99 ] || grep -q "^==[0-9]*== " "$T_OUT/vg.err"; then
		fail "$desc: valgrind: $(grep -m3 "^==[0-9]*== [A-Z]" "$T_OUT/vg.err" | tr '\n' ' ')"
		grep "^==" "$T_OUT/vg.err" | head -30
	elif [ $rc -ne 0 ]; then
		fail "$desc: exit $rc: $(tail -2 "$T_OUT/vg.err")"
	else
		ok "$desc: clean under valgrind"
	fi
}

vg "analyze (no index)" analyze "$core"
vg "types (index)" types "$core"
vg "top" top "$core"
vg "chain --type dict" chain "$core" --type dict
vg "backrefs --type dict -o png" backrefs "$core" --type dict -o "$T_OUT/b.png"
vg "export -o jsonl.zst" export "$core" -o "$T_OUT/x.jsonl.zst"
vg "analyze of a snapshot" analyze "$T_OUT/x.jsonl.zst"
vg "report -o html" report "$core" -o "$T_OUT/r.html"
vg "growth" growth "$core" "$T_OUT/basic2.core"
# the core writer, on a process of its own
sleep 60 & spid=$!
vg "dump PID" dump "$spid" -o "$T_OUT/sleep.core"
kill "$spid" 2>/dev/null
rm -f "$T_OUT/sleep.core" "$T_OUT/b.png" "$T_OUT/r.html" "$T_OUT/x.jsonl.zst"
tidy basic
