#!/bin/sh
# Damaged dumps, at random, for every Python: a core of the zoo scenario
# (objects of every kind heapgraph knows) is
#  - damaged in memory $HG_DAMAGE_N times (200 unless set) by damage-trials:
#    random bytes of objects of every type in turn, each time read as
#    analyze reads it; every trial ends within 10 s and builds no more than
#    the dump's memory can hold;
#  - cut at 12 random points, each read by heapgraph analyze within 10 s:
#    refused as malformed (exit 3), no Python found in what is left (exit 1),
#    or answered (exit 0) with "incomplete": true and a warning.
. "$(dirname "$0")/lib.sh"

trials=${HG_DAMAGE_N:-200}
[ -x "${HG_DAMAGE_TRIALS:-}" ] || { fail "HG_DAMAGE_TRIALS is not the damage-trials helper (make check builds it)"; exit 0; }
all_pythons "$T_OUT/pythons"
seed=1
while read -r name py; do
	core_of "$py" zoo "$name" || continue
	core=$T_OUT/$name.core
	seed=$((seed + 1))
	if line=$(timeout 1200 "$HG_DAMAGE_TRIALS" "$core" "$trials" "$seed" 2>"$T_OUT/$name.trials.err"); then
		ok "$name: $line"
	else
		fail "$name: damage-trials exit $?: $(tail -3 "$T_OUT/$name.trials.err") $line"
	fi
	size=$(wc -c <"$core")
	bad=0
	for k in 1 2 3 4 5 6 7 8 9 10 11 12; do
		cut=$(python3 -c "import random; print(random.Random($seed * 100 + $k).randrange(64, $size))")
		head -c "$cut" "$core" >"$T_OUT/cut.core"
		rm -f "$T_OUT/cut.core.hgi"
		timeout 10 "$HEAPGRAPH" analyze --json "$T_OUT/cut.core" >"$T_OUT/cut.json" 2>"$T_OUT/cut.err"
		rc=$?
		if [ $rc -eq 3 ] || { [ $rc -eq 1 ] && grep -q "no CPython runtime found" "$T_OUT/cut.err"; }; then
			continue
		elif [ $rc -ne 0 ]; then
			fail "$name cut at $cut of $size bytes: exit $rc"; sed 's/^/    /' "$T_OUT/cut.err" | head -3; bad=1
		elif ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["incomplete"] is True else 1)' "$T_OUT/cut.json" ||
		     ! grep -q "warning" "$T_OUT/cut.err"; then
			fail "$name cut at $cut of $size bytes: answered without saying it is incomplete"; bad=1
		fi
	done
	[ $bad = 0 ] && ok "$name: cut at 12 random points: each refused or answered as incomplete, within 10 s"
	rm -f "$T_OUT/cut.core" "$T_OUT/cut.core.hgi"
	tidy "$name"
done <"$T_OUT/pythons"
