#!/bin/sh
# run.sh - runs every tests/t/t*.sh (or those named) and prints
# "N passed, N failed, N skipped"; exits non-zero when anything failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
export T_OUTROOT=${T_OUTROOT:-$top/tests/out}
mkdir -p "$T_OUTROOT"
export T_RESULTS="$T_OUTROOT/results"
: >"$T_RESULTS"
tests=${*:-$(ls "$top"/tests/t/t*.sh)}
status=0
for t in $tests; do
	echo "-- $(basename "$t")"
	start=$(date +%s)
	sh "$t" || { echo "FAIL $(basename "$t"): exited $?"; echo fail >>"$T_RESULTS"; }
	echo "   ($(basename "$t"): $(( $(date +%s) - start )) s)"
done
pass=$(grep -c '^pass$' "$T_RESULTS")
failed=$(grep -c '^fail$' "$T_RESULTS")
skipped=$(grep -c '^skip$' "$T_RESULTS")
echo
echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$pass" -gt 0 ] || status=1
exit $status
