#!/bin/sh
# Reachability exactly as the collector decides it: a program leaves cyclic
# garbage of many shapes (trees with parent links, rings of __slots__
# objects, an exception and its traceback, a closure and a generator that
# refer to themselves, dict<->list cycles, a class and its instances, a
# bound method kept on its object) beside live objects of the same shapes;
# a forked copy of its heap runs gc.collect() and reports what it freed
# (tests/scenarios/garbage.py).  heapgraph must call exactly those objects
# unreachable, and no live one, under every Python (check_garbage.py).
. "$(dirname "$0")/lib.sh"

n=0
all_pythons "$T_OUT/pythons"
while read -r name py; do
	n=$((n + 1))
	core_of "$py" garbage "$name" || continue
	if ! "$HEAPGRAPH" export "$T_OUT/$name.core" -o "$T_OUT/$name.jsonl" 2>"$T_OUT/$name.err"; then
		fail "$name: export failed: $(head -2 "$T_OUT/$name.err")"; continue
	fi
	if python3 "$T_TOP/tests/t/check_garbage.py" "$T_OUT/$name.truth.json" "$T_OUT/$name.jsonl" "$name" \
		>"$T_OUT/$name.check"; then
		ok "$(head -1 "$T_OUT/$name.check")"
	else
		fail "$(head -1 "$T_OUT/$name.check")"; tail -n +2 "$T_OUT/$name.check" | head -20
	fi
	tidy "$name"
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
