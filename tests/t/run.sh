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
# The tests make cores of up to ~500 MB, one or two at a time.
free=$(df -Pk "$T_OUTROOT" | awk 'NR==2 {print int($4 / 1024)}')
if [ "${free:-0}" -lt 2048 ]; then
	echo "warning: only ${free} MB free under $T_OUTROOT; tests that write cores need about 2 GB"
fi
for t in $tests; do
	name=$(basename "$t" .sh)
	echo "-- $name.sh"
	start=$(date +%s)
	before=$(grep -c '^fail$' "$T_RESULTS")
	sh "$t" || { echo "FAIL $name.sh: exited $?"; echo fail >>"$T_RESULTS"; }
	echo "   ($name.sh: $(( $(date +%s) - start )) s)"
	# a passing test's cores, indexes and exports go; a failing one's stay to look at
	if [ -z "${HG_KEEP:-}" ] && [ "$(grep -c '^fail$' "$T_RESULTS")" = "$before" ]; then
		find "$T_OUTROOT/$name" -type f \( -name '*.core' -o -name '*.hgi' -o -name '*.jsonl' \
			-o -name '*.gz' -o -name '*.zst' -o -name 'core*' \) -delete 2>/dev/null
	fi
done
pass=$(grep -c '^pass$' "$T_RESULTS")
failed=$(grep -c '^fail$' "$T_RESULTS")
skipped=$(grep -c '^skip$' "$T_RESULTS")
echo
echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$pass" -gt 0 ] || status=1
exit $status
