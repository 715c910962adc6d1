# lib.sh - shared by the end-to-end tests (sourced, POSIX sh).
#
#   HEAPGRAPH   the binary under test (set by make check)
#   T_OUT       a scratch folder for this test file (made here)
#   ok MSG / fail MSG / skip MSG     record one result
#   check DESC CMD...                ok when CMD succeeds, else fail
#   expect_exit N DESC CMD...        ok when CMD exits with N and prints a one-line
#                                    "heapgraph: ..." message on stderr, never a crash
#   hg_pythons                       the interpreters to test: "NAME PATH" lines; sid's
#                                    3.13, 3.14 and 3.15 run in a chroot (scripts/sid-root.sh
#                                    makes it once); when it cannot be made, one
#                                    "sid-root-missing REASON" line says why
#   all_pythons FILE                 hg_pythons into FILE; a missing sid root is a failure
#   hg_run PY ARGS...                runs an interpreter from hg_pythons (chrooted when
#                                    it lives in the sid root)
#   make_core PY SCENARIO NAME [gcore|kernel]
#                                    runs tests/scenarios/SCENARIO.py under PY until it
#                                    is ready, dumps it to $T_OUT/NAME.core and its ground
#                                    truth to $T_OUT/NAME.truth.json; returns 1 (with a
#                                    message) when a core cannot be made
#   make_cores PY SCENARIO NAME N    N cores of one run (hgscenario.step): NAME.1.core ...
#   core_of PY SCENARIO NAME         begin_run, PY's sysroot and make_core; 1 after
#                                    recording the failure
#   compare_core NAME LABEL [types] exports $T_OUT/NAME.core, checks it against
#                                    NAME.truth.json with compare_graph.py (and
#                                    `types --gc-only` when asked) and records one
#                                    ok/fail line with the figures; 1 on failure
#   begin_run / tidy NAME            after begin_run, tidy removes $T_OUT/NAME's core,
#                                    index, export and truth when nothing failed since:
#                                    cores are hundreds of MB and a whole run must fit
#                                    on a small disk (HG_KEEP=1 keeps everything)
set -u

: "${HEAPGRAPH:?HEAPGRAPH must point at the heapgraph binary}"
T_TOP=${T_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
T_NAME=$(basename "$0" .sh)
T_OUT=${T_OUTROOT:-$T_TOP/tests/out}/$T_NAME
rm -rf "$T_OUT"
mkdir -p "$T_OUT"
# the tests' own state and cache: never the user's (a test may set its own)
XDG_STATE_HOME=$T_OUT/xdg-state
XDG_CACHE_HOME=$T_OUT/xdg-cache
export XDG_STATE_HOME XDG_CACHE_HOME
T_RESULTS=${T_RESULTS:-$T_OUT/results}

ok()   { echo "ok   $T_NAME: $*"; echo pass >>"$T_RESULTS"; }
fail() { echo "FAIL $T_NAME: $*"; echo fail >>"$T_RESULTS"; }
skip() { echo "skip $T_NAME: $*"; echo skip >>"$T_RESULTS"; }

T_MARK=0
fails() { if [ -f "$T_RESULTS" ]; then grep -c '^fail$' "$T_RESULTS" || true; else echo 0; fi; }
begin_run() { T_MARK=$(fails); }
tidy() {
	[ -n "${HG_KEEP:-}" ] && return 0
	[ "$(fails)" = "$T_MARK" ] || return 0
	rm -f "$T_OUT/$1.core" "$T_OUT/$1.core.hgi" "$T_OUT/$1.jsonl" "$T_OUT/$1.jsonl.gz" "$T_OUT/$1.graphml" \
		"$T_OUT/$1.truth.json" "$T_OUT/$1.truth.json.typestats" "$T_OUT/$1".[0-9].core "$T_OUT/$1".[0-9].core.hgi \
		"$T_OUT/$1".truth.json.[0-9] "$T_OUT/$1".truth.json.[0-9].typestats
}

# (its variables are cc_*: sh has no locals, and callers loop over $name)
compare_core() {
	cc_name=$1; cc_label=$2; cc_types=
	"$HEAPGRAPH" export "$T_OUT/$cc_name.core" -o "$T_OUT/$cc_name.jsonl" 2>"$T_OUT/$cc_name.export.err" || {
		fail "$cc_label: export exited $?"; sed 's/^/    /' "$T_OUT/$cc_name.export.err" | head -5; return 1
	}
	if [ "${3:-}" = types ]; then
		cc_types=$T_OUT/$cc_name.types.json
		"$HEAPGRAPH" types "$T_OUT/$cc_name.core" --gc-only --json >"$cc_types" 2>/dev/null
	fi
	if python3 "$T_TOP/tests/t/compare_graph.py" "$T_OUT/$cc_name.truth.json" "$T_OUT/$cc_name.jsonl" "$cc_label" \
		${cc_types:+"$cc_types"} >"$T_OUT/$cc_name.compare"; then
		ok "$(head -1 "$T_OUT/$cc_name.compare")"
	else
		fail "$(head -1 "$T_OUT/$cc_name.compare")"; tail -n +2 "$T_OUT/$cc_name.compare" | head -40
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
	if sid=$(sh "$T_TOP/scripts/sid-root.sh" 2>"$T_OUT/sid-root.err"); then
		for v in 3.13 3.14 3.15; do
			[ -x "$sid/usr/bin/python$v" ] && echo "sid-$v $sid/usr/bin/python$v"
		done
	else
		echo "sid-root-missing $(tail -n 1 "$T_OUT/sid-root.err")"
	fi
	return 0
}

# one_python: the path of Debian's 3.11 when it is there, else of the first interpreter found ("" if none).
one_python() {
	op=$(hg_pythons | grep '^debian-' | cut -d' ' -f2)
	[ -n "$op" ] || op=$(hg_pythons | grep -v '^sid-root-missing' | head -1 | cut -d' ' -f2)
	echo "$op"
}

# all_pythons FILE: hg_pythons into FILE, a sid root that could not be made recorded as a failure.
all_pythons() {
	hg_pythons >"$1"
	sid_missing "$1"
}

# core_of PY SCEN NAME: begin_run, PY's sysroot, and make_core; returns 1 after recording the
# failure when the core cannot be made.
core_of() {
	begin_run
	hg_sysroot "$1"
	if ! co_msg=$(make_core "$1" "$2" "$3"); then
		fail "$3: could not make a core: $co_msg"
		return 1
	fi
}

# The sid root an interpreter path lives in (it holds scripts/sid-root.sh's stamp), or "".
py_root() {
	d=$(dirname "$(dirname "$(dirname "$1")")")
	[ -f "$d/.heapgraph-root" ] && echo "$d"
	return 0
}

hg_run() {
	py=$1; shift
	r=$(py_root "$py")
	if [ -n "$r" ]; then chroot "$r" "${py#"$r"}" "$@"; else "$py" "$@"; fi
}

# sid_missing FILE: records a failure when hg_pythons could not make the sid root
# (its line in FILE says why) and removes that line; 3.14 and 3.15 must not
# go untested without a word.
sid_missing() {
	line=$(grep '^sid-root-missing' "$1") || return 0
	fail "no CPython 3.14/3.15: the sid root could not be made: ${line#sid-root-missing }"
	grep -v '^sid-root-missing' "$1" >"$1.tmp"; mv "$1.tmp" "$1"
}

# The scenario prints "READY <pid>" once its ground truth is written, then waits.
make_core() {
	py=$1; scen=$2; name=$3; kind=${4:-gcore}
	truth=$T_OUT/$name.truth.json
	rm -f "$T_OUT/$name.core" "$truth"
	if [ -n "$(py_root "$py")" ]; then
		make_core_chroot "$@"
		return
	fi
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
	HG_TRUTH=$truth HG_SELFDUMP=${HG_SELFDUMP:+$T_OUT/$name.self.jsonl} \
		timeout 300 "$py" "$T_TOP/tests/scenarios/$scen.py" >"$fifo" 2>"$T_OUT/$name.stderr" &
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

# make_core for an interpreter in the sid root: the scenarios are copied into
# the root's /tmp and run there; the ground truth comes back to $T_OUT.  The
# root's own gdb takes the core (the host's gdb 13 leaves out thread stacks
# that sid's glibc guards with MADV_GUARD_INSTALL), so the core, like a
# kernel core, names files as the process saw them: read it with --sysroot
# ROOT, which hg_sysroot sets for the commands.
make_core_chroot() {
	py=$1; scen=$2; name=$3; kind=${4:-gcore}
	r=$(py_root "$py")
	inner=/tmp/heapgraph-test-$$-$name
	rm -rf "$r$inner"; mkdir -p "$r$inner"
	cp "$T_TOP"/tests/scenarios/*.py "$T_TOP/heapgraph_dump.py" "$r$inner/"
	if [ "$kind" = kernel ]; then
		pat=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
		case "$pat" in
		'|'*|*/*) echo "cannot make a kernel core: core_pattern is '$pat'"; rm -rf "$r$inner"; return 1 ;;
		esac
		(ulimit -c unlimited && HG_TRUTH=$inner/$name.truth.json HG_CRASH=1 \
			timeout 120 chroot "$r" sh -c 'cd "$1" && shift && exec "$@"' sh "$inner" "${py#"$r"}" "$inner/$scen.py" \
			>"$T_OUT/$name.stdout" 2>"$T_OUT/$name.stderr")
		core=$(ls "$r$inner"/core* 2>/dev/null | head -1)
		if [ -z "$core" ]; then echo "the kernel wrote no core (ulimit -c? core_pattern '$pat')"; rm -rf "$r$inner"; return 1; fi
		mv "$core" "$T_OUT/$name.core"
		mv "$r$inner/$name.truth.json" "$truth" 2>/dev/null
		mv "$r$inner/$name.truth.json.typestats" "$truth.typestats" 2>/dev/null
		rm -rf "$r$inner"
		return 0
	fi
	fifo=$T_OUT/$name.fifo
	rm -f "$fifo"; mkfifo "$fifo"
	HG_TRUTH=$inner/$name.truth.json HG_SELFDUMP=${HG_SELFDUMP:+$inner/$name.self.jsonl} \
		timeout 300 chroot "$r" "${py#"$r"}" "$inner/$scen.py" >"$fifo" 2>"$T_OUT/$name.stderr" &
	spid=$!
	line=$(timeout 120 head -n 1 "$fifo")
	rm -f "$fifo"
	case "$line" in
	READY*) ;;
	*) echo "scenario $scen under $py did not get ready: $line"; cat "$T_OUT/$name.stderr"; kill "$spid" 2>/dev/null
	   rm -rf "$r$inner"; return 1 ;;
	esac
	pid=${line#READY }
	mounted=
	if [ ! -e "$r/proc/self" ]; then
		mount -t proc proc "$r/proc" 2>"$T_OUT/$name.mount.err" && mounted=1
	fi
	if ! chroot "$r" gcore -o "$inner/$name.gcore" "$pid" >"$T_OUT/$name.gcore.log" 2>&1; then
		echo "gcore (the sid root's) failed on $pid"; tail -3 "$T_OUT/$name.gcore.log"; cat "$T_OUT/$name.mount.err" 2>/dev/null
		kill "$pid" 2>/dev/null; [ -n "$mounted" ] && umount "$r/proc"; rm -rf "$r$inner"; return 1
	fi
	[ -n "$mounted" ] && umount "$r/proc"
	kill "$pid" 2>/dev/null; wait "$spid" 2>/dev/null
	mv "$r$inner/$name.gcore.$pid" "$T_OUT/$name.core"
	mv "$r$inner/$name.truth.json" "$truth"
	mv "$r$inner/$name.truth.json.typestats" "$truth.typestats" 2>/dev/null
	mv "$r$inner/$name.self.jsonl" "$T_OUT/" 2>/dev/null
	rm -rf "$r$inner"
}

# make_cores PY SCEN NAME N: N cores of one run of a scenario that calls
# hgscenario.step(1) ... step(N): at each "READY" the core is taken
# ($T_OUT/NAME.K.core, its truth NAME.truth.json.K and .K.typestats) and
# SIGUSR1 lets the scenario go on.  For the sid root's interpreters as
# make_core_chroot does (the root's gdb; read the cores with --sysroot).
make_cores() {
	py=$1; scen=$2; name=$3; steps=$4
	r=$(py_root "$py")
	truth=$T_OUT/$name.truth.json
	out=$T_OUT/$name.ready
	rm -f "$out" "$T_OUT/$name".*.core "$truth".*
	if [ -n "$r" ]; then
		inner=/tmp/heapgraph-test-$$-$name
		rm -rf "$r$inner"; mkdir -p "$r$inner"
		cp "$T_TOP"/tests/scenarios/*.py "$r$inner/"
		HG_TRUTH=$inner/$name.truth.json timeout 600 chroot "$r" "${py#"$r"}" "$inner/$scen.py" \
			>"$out" 2>"$T_OUT/$name.stderr" &
	else
		inner=
		HG_TRUTH=$truth timeout 600 "$py" "$T_TOP/tests/scenarios/$scen.py" >"$out" 2>"$T_OUT/$name.stderr" &
	fi
	spid=$!
	mounted=
	if [ -n "$r" ] && [ ! -e "$r/proc/self" ]; then
		mount -t proc proc "$r/proc" 2>"$T_OUT/$name.mount.err" && mounted=1
	fi
	k=0; mc_err=
	while [ $k -lt "$steps" ] && [ -z "$mc_err" ]; do
		k=$((k + 1))
		tries=0
		until [ "$(grep -c '^READY' "$out" 2>/dev/null)" -ge $k ]; do
			tries=$((tries + 1))
			if [ $tries -gt 1200 ] || ! kill -0 "$spid" 2>/dev/null; then
				mc_err="scenario $scen under $py did not get ready for dump $k: $(tail -3 "$T_OUT/$name.stderr")"
				break
			fi
			sleep 0.1
		done
		[ -n "$mc_err" ] && break
		pid=$(sed -n 's/^READY //p' "$out" | head -1)
		if [ -n "$r" ]; then
			chroot "$r" gcore -o "$inner/$name.gcore" "$pid" >"$T_OUT/$name.gcore.log" 2>&1 &&
				mv "$r$inner/$name.gcore.$pid" "$T_OUT/$name.$k.core" &&
				mv "$r$inner/$name.truth.json.$k" "$truth.$k" &&
				mv "$r$inner/$name.truth.json.$k.typestats" "$truth.$k.typestats" ||
				mc_err="gcore (the sid root's) failed on $pid: $(tail -3 "$T_OUT/$name.gcore.log")"
		else
			gcore -o "$T_OUT/$name.gcore" "$pid" >"$T_OUT/$name.gcore.log" 2>&1 &&
				mv "$T_OUT/$name.gcore.$pid" "$T_OUT/$name.$k.core" ||
				mc_err="gcore failed on $pid: $(tail -3 "$T_OUT/$name.gcore.log")"
		fi
		[ -z "$mc_err" ] && [ $k -lt "$steps" ] && kill -USR1 "$pid"
	done
	[ -n "$mounted" ] && umount "$r/proc"
	kill "$spid" 2>/dev/null; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait "$spid" 2>/dev/null
	[ -n "$inner" ] && rm -rf "$r$inner"
	rm -f "$out"
	if [ -n "$mc_err" ]; then echo "$mc_err"; return 1; fi
	return 0
}

# hg_sysroot PY: exports HEAPGRAPH_SYSROOT for the cores of PY (its sid root),
# or unsets it for the host's interpreters.
hg_sysroot() {
	HEAPGRAPH_SYSROOT=$(py_root "$1")
	if [ -n "$HEAPGRAPH_SYSROOT" ]; then export HEAPGRAPH_SYSROOT; else unset HEAPGRAPH_SYSROOT; fi
}

# Reads a key from a JSON file: json_get FILE EXPR (a Python expression on `d`).
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
