#!/bin/sh
# Output is written whole or not at all.  Standard output that cannot be
# written fails the command (exit 5, one message).  On a file system that fills
# up mid-write (a 48 KiB tmpfs), export (JSONL, .gz, GraphML), report,
# backrefs pictures (PNG, SVG, DOT) and tracemalloc's snapshot of a core
# each exit 5 with one message, leave the file that was there before as it
# was (or none), and leave no temporary file.  Needs root to mount the
# tmpfs; skipped where it cannot be mounted.
. "$(dirname "$0")/lib.sh"

py=$(hg_pythons | grep -v '^sid-root-missing' | head -1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }
msg=$(make_core "$py" basic basic) || { fail "could not make a core: $msg"; exit 0; }
core=$T_OUT/basic.core
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1 || { fail "analyze failed"; exit 0; }

# standard output that cannot be written (/dev/full): exit 5 and one message, whatever the command
for cmd in analyze types top info export report; do
	"$HEAPGRAPH" $cmd "$core" >/dev/full 2>"$T_OUT/out.err"
	rc=$?
	if [ $rc -eq 5 ] && [ "$(grep -c . "$T_OUT/out.err")" -eq 1 ] &&
	   grep -q "^heapgraph: standard output: write failed" "$T_OUT/out.err"; then
		ok "$cmd >/dev/full: exit 5, said once"
	else
		fail "$cmd >/dev/full: exit $rc, said: $(head -3 "$T_OUT/out.err")"
	fi
done

full=$T_OUT/full
mkdir -p "$full"
if ! mount -t tmpfs -o size=48k tmpfs "$full" 2>/dev/null; then
	skip "cannot mount a small tmpfs here (not root, or no mount in this container)"
	exit 0
fi
trap 'umount "$full" 2>/dev/null' EXIT
# leave about 8 KiB free, so each output runs out of room part way
head -c 36864 /dev/zero >"$full/filler" 2>/dev/null

# out NAME ARGS...: heapgraph ARGS writing $full/NAME must fail whole
out() {
	name=$1; shift
	printf 'OLD\n' >"$full/$name"
	"$HEAPGRAPH" "$@" >"$T_OUT/out.stdout" 2>"$T_OUT/out.err"
	rc=$?
	left=$(ls -A "$full" | grep -v -x -e filler -e "$name")
	if [ $rc -ne 5 ]; then
		fail "$name: exit $rc on a full file system, wanted 5"; sed 's/^/    /' "$T_OUT/out.err" | head -3
	elif [ "$(cat "$full/$name")" != OLD ]; then
		fail "$name: the file there before was changed ($(wc -c <"$full/$name") bytes now)"
	elif [ -n "$left" ]; then
		fail "$name: left behind: $left"
	elif [ "$(grep -c "^heapgraph: $full/$name: " "$T_OUT/out.err")" -ne 1 ] || grep -qv -e '^heapgraph' -e '^ ' "$T_OUT/out.err"; then
		fail "$name: wanted one message naming the file (and no other program's), got: $(head -5 "$T_OUT/out.err")"
	else
		ok "$name: exit 5, the old file kept, nothing left behind ($(grep "^heapgraph: $full/$name: " "$T_OUT/out.err"))"
	fi
	rm -f "$full/$name"
}

out x.jsonl export "$core" -o "$full/x.jsonl"
out x.graphml export "$core" -o "$full/x.graphml"
out r.html report "$core" -o "$full/r.html"
out b.svg backrefs "$core" --type dict -o "$full/b.svg"
# room for nothing at all: even the first bytes fail
head -c 8192 /dev/zero >>"$full/filler" 2>/dev/null
out b.png backrefs "$core" --type dict -o "$full/b.png"
out b.dot refs "$core" --type dict -o "$full/b.dot"
out y.jsonl.gz export "$core" -o "$full/y.jsonl.gz"
