#!/bin/sh
# The object graph of a core agrees with what the live process said about
# itself (tests/scenarios/hgscenario.py records gc.get_objects,
# gc.get_referents, sys.getsizeof, objgraph's typestats and each thread's
# frame locals), for every Python on the machine and three programs: zoo.py
# (many kinds of objects in many shapes), service.py (a service-shaped
# program: asyncio, dataclasses, enums, chained exceptions, ~200k objects...)
# and mixed.py (every collections type, I/O buffers, generators, and the
# newest kinds where they exist: t-strings, frozendict, exception groups).
# Retained sizes are checked against a dominator tree computed another way
# (check_dominators.py) on the same graph.
# Prints the agreement figures per version and program.
. "$(dirname "$0")/lib.sh"

n=0
hg_pythons >"$T_OUT/pythons"
sid_missing "$T_OUT/pythons"
while read -r name py; do
	hg_sysroot "$py"
	for scen in zoo service mixed; do
		n=$((n + 1))
		begin_run
		# zoo keeps the bare interpreter name (its figure lines predate service)
		if [ "$scen" = zoo ]; then run=$name; else run=$name-$scen; fi
		if ! msg=$(make_core "$py" "$scen" "$run"); then
			fail "$run: could not make a core: $msg"; continue
		fi
		if compare_core "$run" "$run" types; then
			# retained sizes against an independent dominator tree of the exported graph
			if python3 "$T_TOP/tests/t/check_dominators.py" "$T_OUT/$run.jsonl" "$run" >"$T_OUT/$run.dom"; then
				ok "$(cat "$T_OUT/$run.dom")"
			else
				fail "$(cat "$T_OUT/$run.dom")"
			fi
		fi
		tidy "$run"
	done
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
