#!/bin/sh
# Every input a fuzzer found a crash or a hang with (tests/fuzz/regressions,
# named TARGET-WHAT.EXT) is read again by the commands that read its kind:
# each ends within 10 s with a documented exit code (0, 1 or 3) and no
# sanitizer report (make check SANITIZE=1 is where these show).
. "$(dirname "$0")/lib.sh"

dir=$T_TOP/tests/fuzz/regressions
n=0
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	base=$(basename "$f")
	cp "$f" "$T_OUT/$base"
	case $base in
	*.jsonl|*.core) cmds="analyze|export -o $T_OUT/out.jsonl|types|top" ;;
	*.pickle) cmds="tracemalloc top" ;;
	*) fail "$base: which reader is it for? (name it .jsonl, .core or .pickle)"; continue ;;
	esac
	bad=0
	echo "$cmds" | tr '|' '\n' | while read -r cmd; do
		rm -f "$T_OUT/$base.hgi"
		# shellcheck disable=SC2086
		timeout 10 "$HEAPGRAPH" $cmd "$T_OUT/$base" >"$T_OUT/out" 2>"$T_OUT/err"
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
			echo "$cmd: exit $rc: $(tail -2 "$T_OUT/err")"
		elif grep -q "Sanitizer\|runtime error" "$T_OUT/err"; then
			echo "$cmd: $(grep -m1 "Sanitizer\|runtime error" "$T_OUT/err")"
		fi
	done >"$T_OUT/problems"
	if [ -s "$T_OUT/problems" ]; then fail "$base: $(head -3 "$T_OUT/problems")"
	else ok "$base: $(echo "$cmds" | tr '|' ',' | sed "s|$T_OUT/||g") end cleanly"; fi
	rm -f "$T_OUT/$base" "$T_OUT/$base.hgi"
done
[ "$n" -gt 0 ] || skip "no regression inputs"
