#!/bin/sh
# A chain through a million-long linked list: the walk and the chain search
# are iterative and linear, so the chain to the tail is found, a million and
# one hops long, in bounded time and stack.
. "$(dirname "$0")/lib.sh"

py=$(hg_pythons | head -1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }
begin_run
if ! msg=$(make_core "$py" longlist long); then fail "could not make a core: $msg"; exit 0; fi
tail=$(json_get "$T_OUT/long.truth.json" 'hex(d["tail"])')
n=$(json_get "$T_OUT/long.truth.json" 'd["length"]')
if timeout 300 "$HEAPGRAPH" chain "$T_OUT/long.core" "$tail" >"$T_OUT/chain.txt" 2>"$T_OUT/chain.err"; then
	hops=$(grep -c '^  → ' "$T_OUT/chain.txt")
	# module -> __dict__ -> HEAD, then n-1 times .next
	if [ "$hops" -eq $((n + 1)) ] && sed -n 2p "$T_OUT/chain.txt" | grep -q "^sys.modules\['__main__'\] → .__dict__\['HEAD'\] → Node.next"; then
		ok "chain to the tail of a $n-node list: $hops hops"
	else
		fail "chain to the tail: $hops hops, wanted $((n + 1)): $(head -c 200 "$T_OUT/chain.txt")"
	fi
else
	fail "chain to the tail: exit $?: $(head -3 "$T_OUT/chain.err")"
fi
# the chain is a million lines: kept only when something failed
[ "$(fails)" = "$T_MARK" ] && rm -f "$T_OUT/chain.txt"
tidy long
