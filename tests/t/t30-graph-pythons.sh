#!/bin/sh
# The object graph of a core agrees with what the live process said about
# itself (tests/scenarios/zoo.py records gc.get_objects, gc.get_referents,
# sys.getsizeof, objgraph's typestats and each thread's frame locals), for
# every Python on the machine.  Prints the agreement figures per version.
. "$(dirname "$0")/lib.sh"

n=0
hg_pythons >"$T_OUT/pythons"
while read -r name py; do
	n=$((n + 1))
	if ! msg=$(make_core "$py" zoo "$name"); then
		fail "$name: could not make a core: $msg"; continue
	fi
	if ! "$HEAPGRAPH" export "$T_OUT/$name.core" -o "$T_OUT/$name.jsonl" 2>"$T_OUT/$name.export.err"; then
		fail "$name: export exited $?"; sed 's/^/    /' "$T_OUT/$name.export.err" | head -5; continue
	fi
	if python3 "$T_TOP/tests/t/compare_graph.py" "$T_OUT/$name.truth.json" "$T_OUT/$name.jsonl" "$name" >"$T_OUT/$name.compare"; then
		ok "$(head -1 "$T_OUT/$name.compare")"
	else
		fail "$(head -1 "$T_OUT/$name.compare")"; tail -n +2 "$T_OUT/$name.compare" | head -40
	fi
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
