#!/bin/sh
# Damaged object data in an otherwise good core: a wild GC list link, wild
# type pointers, huge container lengths, a deque whose length and block link
# were changed (two words: it once took analyze 35 s), random words.
# analyze must finish (in bounded time: 10 s where the undamaged core takes
# under one), say what it met, and never crash.
. "$(dirname "$0")/lib.sh"

hg_pythons | awk 'NR == 1 || /3\.12/' >"$T_OUT/pythons"
while read -r name py; do
	begin_run
	if ! msg=$(make_core "$py" zoo "$name"); then fail "$name: could not make a core: $msg"; continue; fi
	"$HEAPGRAPH" export "$T_OUT/$name.core" -o "$T_OUT/$name.jsonl" 2>/dev/null || { fail "$name: export"; continue; }
	full=$(grep -c '"address"' "$T_OUT/$name.jsonl")
	for kind in gclist types lengths deque random random:2 random:3; do
		cp "$T_OUT/$name.core" "$T_OUT/bad.core"
		seed=1
		case $kind in *:*) seed=${kind#*:} ;; esac
		if ! python3 "$T_TOP/tests/t/damage.py" "$T_OUT/bad.core" "$T_OUT/$name.jsonl" "${kind%%:*}" "$seed"; then
			fail "$name: could not damage the core ($kind)"; continue
		fi
		rm -f "$T_OUT/bad.core.hgi"
		timeout 10 "$HEAPGRAPH" analyze "$T_OUT/bad.core" >"$T_OUT/bad.out" 2>"$T_OUT/bad.err"
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
			fail "$name, damaged $kind: exit $rc"; tail -3 "$T_OUT/bad.err"; continue
		fi
		if grep -qi "sanitizer\|runtime error" "$T_OUT/bad.err"; then
			fail "$name, damaged $kind: $(grep -i -m1 'sanitizer\|runtime error' "$T_OUT/bad.err")"; continue
		fi
		n=$(sed -n 's/^objects *\([0-9]*\).*/\1/p' "$T_OUT/bad.out")
		case $kind in
		gclist|types|deque) grep -q "warning" "$T_OUT/bad.err" || { fail "$name, damaged $kind: no warning"; continue; } ;;
		esac
		ok "$name, damaged $kind: exit $rc, ${n:-0} of $full objects, $(grep -c warning "$T_OUT/bad.err") warnings"
	done
	tidy "$name"; rm -f "$T_OUT/bad.core" "$T_OUT/bad.core.hgi"
done <"$T_OUT/pythons"
