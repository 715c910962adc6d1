#!/bin/sh
# The object graph of a core agrees with what the live process said about
# itself (tests/scenarios/hgscenario.py records gc.get_objects,
# gc.get_referents, sys.getsizeof, objgraph's typestats and each thread's
# frame locals), for every Python on the machine and two programs: zoo.py
# (many kinds of objects in many shapes) and service.py (a service-shaped
# program: asyncio, dataclasses, enums, chained exceptions, ~200k objects...).
# Prints the agreement figures per version and program.
. "$(dirname "$0")/lib.sh"

n=0
hg_pythons >"$T_OUT/pythons"
while read -r name py; do
	for scen in zoo service; do
		n=$((n + 1))
		begin_run
		# zoo keeps the bare interpreter name (its figure lines predate service)
		if [ "$scen" = zoo ]; then run=$name; else run=$name-$scen; fi
		if ! msg=$(make_core "$py" "$scen" "$run"); then
			fail "$run: could not make a core: $msg"; continue
		fi
		"$HEAPGRAPH" export "$T_OUT/$run.core" -o "$T_OUT/$run.jsonl" 2>"$T_OUT/$run.export.err" || {
			fail "$run: export exited $?"; sed 's/^/    /' "$T_OUT/$run.export.err" | head -5; continue
		}
		"$HEAPGRAPH" types "$T_OUT/$run.core" --gc-only --json >"$T_OUT/$run.types.json" 2>/dev/null
		if python3 "$T_TOP/tests/t/compare_graph.py" "$T_OUT/$run.truth.json" "$T_OUT/$run.jsonl" "$run" \
			"$T_OUT/$run.types.json" >"$T_OUT/$run.compare"; then
			ok "$(head -1 "$T_OUT/$run.compare")"
		else
			fail "$(head -1 "$T_OUT/$run.compare")"; tail -n +2 "$T_OUT/$run.compare" | head -40
		fi
		tidy "$run"
	done
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
