#!/bin/sh
# Why is it alive: heapgraph's chains against objgraph's find_backref_chain
# (recorded in the live process by tests/scenarios/chains.py), on every
# Python on the machine.  See check_chains.py for what is checked.
. "$(dirname "$0")/lib.sh"

n=0
hg_pythons >"$T_OUT/pythons"
sid_missing "$T_OUT/pythons"
while read -r name py; do
	hg_sysroot "$py"
	n=$((n + 1))
	begin_run
	if ! msg=$(make_core "$py" chains "$name"); then
		fail "$name: could not make a core: $msg"; continue
	fi
	if ! "$HEAPGRAPH" analyze "$T_OUT/$name.core" >/dev/null 2>"$T_OUT/$name.analyze.err" ||
	   ! "$HEAPGRAPH" export "$T_OUT/$name.core" -o "$T_OUT/$name.jsonl" 2>/dev/null; then
		fail "$name: analyze/export failed: $(head -3 "$T_OUT/$name.analyze.err")"; continue
	fi
	if python3 "$T_TOP/tests/t/check_chains.py" "$HEAPGRAPH" "$T_OUT/$name.core" "$T_OUT/$name.truth.json" \
		"$T_OUT/$name.jsonl" "$name" >"$T_OUT/$name.check"; then
		ok "$(head -1 "$T_OUT/$name.check")"
	else
		fail "$(head -1 "$T_OUT/$name.check")"; tail -n +2 "$T_OUT/$name.check" | head -20
	fi
	tidy "$name"
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
