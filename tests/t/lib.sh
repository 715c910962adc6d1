# lib.sh - shared by the end-to-end tests (sourced, POSIX sh).
#
#   HEAPGRAPH   the binary under test (set by make check)
#   T_OUT       a scratch folder for this test file (made here)
#   ok MSG / fail MSG / skip MSG     record one result
#   check DESC CMD...                ok when CMD succeeds, else fail
#   expect_exit N DESC CMD...        ok when CMD exits with N and prints a one-line
#                                    "heapgraph: ..." message on stderr, never a crash
#   hg_pythons                       the interpreters to test: "NAME PATH" lines
#   make_core PY SCENARIO NAME [gcore|kernel]
#                                    runs tests/scenarios/SCENARIO.py under PY until it
#                                    is ready, dumps it to $T_OUT/NAME.core and its ground
#                                    truth to $T_OUT/NAME.truth.json; returns 1 (with a
#                                    message) when a core cannot be made
#   compare_core NAME LABEL [types] exports $T_OUT/NAME.core, checks it against
#                                    NAME.truth.json with compare_graph.py (and
#                                    `types --gc-only` when asked) and records one
#                                    ok/fail line with the figures; 1 on failure
#   begin_run / tidy NAME            after begin_run, tidy removes $T_OUT/NAME's core,
#                                    index and export when nothing failed since:
#                                    cores are hundreds of MB and a whole run must fit
#                                    on a small disk (HG_KEEP=1 keeps everything)
set -u

: "${HEAPGRAPH:?HEAPGRAPH must point at the heapgraph binary}"
T_TOP=$(cd "$(dirname "$0")/../.." && pwd)
T_NAME=$(basename "$0" .sh)
T_OUT=${T_OUTROOT:-$T_TOP/tests/out}/$T_NAME
rm -rf "$T_OUT"
mkdir -p "$T_OUT"
T_RESULTS=${T_RESULTS:-$T_OUT/results}

ok()   { echo "ok   $T_NAME: $*"; echo pass >>"$T_RESULTS"; }
fail() { echo "FAIL $T_NAME: $*"; echo fail >>"$T_RESULTS"; }
skip() { echo "skip $T_NAME: $*"; echo skip >>"$T_RESULTS"; }

T_MARK=0
fails() { grep -c '^fail$' "$T_RESULTS" 2>/dev/null || true; }
begin_run() { T_MARK=$(fails); }
tidy() {
	[ -n "${HG_KEEP:-}" ] && return 0
	[ "$(fails)" = "$T_MARK" ] || return 0
	rm -f "$T_OUT/$1.core" "$T_OUT/$1.core.hgi" "$T_OUT/$1.jsonl" "$T_OUT/$1.jsonl.gz"
}

compare_core() {
	name=$1; label=$2; types=
	"$HEAPGRAPH" export "$T_OUT/$name.core" -o "$T_OUT/$name.jsonl" 2>"$T_OUT/$name.export.err" || {
		fail "$label: export exited $?"; sed 's/^/    /' "$T_OUT/$name.export.err" | head -5; return 1
	}
	if [ "${3:-}" = types ]; then
		types=$T_OUT/$name.types.json
		"$HEAPGRAPH" types "$T_OUT/$name.core" --gc-only --json >"$types" 2>/dev/null
	fi
	if python3 "$T_TOP/tests/t/compare_graph.py" "$T_OUT/$name.truth.json" "$T_OUT/$name.jsonl" "$label" \
		${types:+"$types"} >"$T_OUT/$name.compare"; then
		ok "$(head -1 "$T_OUT/$name.compare")"
	else
		fail "$(head -1 "$T_OUT/$name.compare")"; tail -n +2 "$T_OUT/$name.compare" | head -40
		return 1
	fi
}

check() {
	desc=$1; shift
	if "$@" >"$T_OUT/last.out" 2>"$T_OUT/last.err"; then
		ok "$desc"
	else
		fail "$desc (exit $?)"; sed 's/^/    /' "$T_OUT/last.err" | head -5
	fi
}

expect_exit() {
	want=$1; desc=$2; shift 2
	"$@" >"$T_OUT/last.out" 2>"$T_OUT/last.err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$desc: exit $got, wanted $want"; sed 's/^/    /' "$T_OUT/last.err" | head -5
	elif [ "$want" -ne 0 ] && ! grep -q '^heapgraph' "$T_OUT/last.err"; then
		fail "$desc: exit $got but no 'heapgraph: ...' message"
	else
		ok "$desc (exit $got)"
	fi
}

hg_pythons() {
	if [ -n "${HG_PYTHONS:-}" ]; then
		for p in $HG_PYTHONS; do echo "$(basename "$p") $p"; done
		return
	fi
	[ -x /usr/bin/python3.11 ] && echo "debian-3.11 /usr/bin/python3.11"
	root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
	for v in 8 9 10 11 12 13; do
		for d in "$root"/versions/3.$v.*; do
			[ -x "$d/bin/python3.$v" ] && echo "pyenv-$(basename "$d") $d/bin/python3.$v"
		done
	done
	return 0
}

# The scenario prints "READY <pid>" once its ground truth is written, then waits.
make_core() {
	py=$1; scen=$2; name=$3; kind=${4:-gcore}
	truth=$T_OUT/$name.truth.json
	rm -f "$T_OUT/$name.core" "$truth"
	if [ "$kind" = kernel ]; then
		pat=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
		case "$pat" in
		'|'*|*/*) echo "cannot make a kernel core: core_pattern is '$pat'"; return 1 ;;
		esac
		dir=$T_OUT/kernel-$name
		mkdir -p "$dir"
		(cd "$dir" && ulimit -c unlimited && HG_TRUTH=$truth HG_CRASH=1 \
			timeout 120 "$py" "$T_TOP/tests/scenarios/$scen.py" >"$dir/stdout" 2>"$dir/stderr")
		core=$(ls "$dir"/core* 2>/dev/null | head -1)
		if [ -z "$core" ]; then echo "the kernel wrote no core (ulimit -c? core_pattern '$pat')"; return 1; fi
		mv "$core" "$T_OUT/$name.core"
		return 0
	fi
	fifo=$T_OUT/$name.fifo
	rm -f "$fifo"; mkfifo "$fifo"
	HG_TRUTH=$truth timeout 300 "$py" "$T_TOP/tests/scenarios/$scen.py" >"$fifo" 2>"$T_OUT/$name.stderr" &
	spid=$!
	line=$(timeout 120 head -n 1 "$fifo")
	rm -f "$fifo"
	case "$line" in
	READY*) ;;
	*) echo "scenario $scen under $py did not get ready: $line"; cat "$T_OUT/$name.stderr"; kill "$spid" 2>/dev/null; return 1 ;;
	esac
	pid=${line#READY }
	if ! gcore -o "$T_OUT/$name.gcore" "$pid" >"$T_OUT/$name.gcore.log" 2>&1; then
		echo "gcore failed on $pid"; tail -3 "$T_OUT/$name.gcore.log"
		kill "$pid" 2>/dev/null; return 1
	fi
	kill "$pid" 2>/dev/null; wait "$spid" 2>/dev/null
	mv "$T_OUT/$name.gcore.$pid" "$T_OUT/$name.core"
}

# Reads a key from a JSON file: json_get FILE EXPR (a Python expression on `d`).
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
