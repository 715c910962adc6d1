#!/bin/sh
# demo.sh - what "make demo" runs: starts samples/leaky.py, takes a core of it
# with gcore into samples/out/, and shows what heapgraph sees in it: info,
# analyze, top, two chains, where the memory was allocated, a picture and the
# HTML report.  The process traces its allocations (PYTHONTRACEMALLOC=10), so
# the core says where each object was made.  The core is kept; the process is
# killed whatever happens.
#
#   sh samples/demo.sh /abs/path/to/heapgraph
set -eu

hg=${1:?usage: sh samples/demo.sh /abs/path/to/heapgraph}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/samples/out
core=$out/leaky.core
cd "$top"

die() { echo "demo: $*" >&2; exit 1; }

[ -x "$hg" ] || die "$hg is not an executable (run 'make demo' from the top folder)"
if [ -x /usr/bin/python3 ]; then
	py=/usr/bin/python3
else
	py=$(command -v python3) || die "no python3 (apt-get install python3)"
fi
command -v gcore >/dev/null 2>&1 || die "no gcore (apt-get install gdb)"

mkdir -p "$out"
rm -f "$core" "$out"/leaky.core.* "$out/leaky.stdout" "$out/leaky.stderr" "$out/gcore.log"

pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

echo "== running PYTHONTRACEMALLOC=10 samples/leaky.py under $py ($("$py" -c 'import platform; print(platform.python_version())'))"
PYTHONTRACEMALLOC=10 "$py" "$top/samples/leaky.py" </dev/null >"$out/leaky.stdout" 2>"$out/leaky.stderr" &
pid=$!
# It prints "READY <pid>" once it has leaked; give it 60 seconds.
tries=0
until grep -q '^READY ' "$out/leaky.stdout" 2>/dev/null; do
	if ! kill -0 "$pid" 2>/dev/null; then
		cat "$out/leaky.stderr" >&2
		pid=
		die "leaky.py exited before it was ready"
	fi
	tries=$((tries + 1))
	[ "$tries" -le 600 ] || die "leaky.py was not ready after 60 seconds"
	sleep 0.1
done
echo "   pid $pid is ready: a response cache, event listeners and a worker thread are leaking"

echo "== gcore -o $out/leaky $pid"
if ! gcore -o "$out/leaky" "$pid" >"$out/gcore.log" 2>&1 || [ ! -s "$out/leaky.$pid" ]; then
	sed 's/^/   /' "$out/gcore.log" >&2
	if [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" != 0 ]; then
		echo "demo: ptrace is restricted here (kernel.yama.ptrace_scope); run 'sudo make demo'," >&2
		echo "demo: or 'sudo sysctl kernel.yama.ptrace_scope=0'" >&2
	fi
	die "gcore could not dump pid $pid (in a container, ptrace needs CAP_SYS_PTRACE)"
fi
mv "$out/leaky.$pid" "$core"
cleanup
pid=

echo "== heapgraph info samples/out/leaky.core"
"$hg" info "$core" || die "heapgraph info failed (exit $?)"

echo
echo "== heapgraph analyze samples/out/leaky.core   (reads the core once, writes leaky.core.hgi)"
XDG_STATE_HOME=$out/state "$hg" analyze "$core" || die "heapgraph analyze failed (exit $?)"

echo
echo "== heapgraph top --limit 5   (what holds the memory: the biggest retained sizes)"
"$hg" top "$core" --limit 5 || die "heapgraph top failed (exit $?)"

echo
echo "== heapgraph chain --type Response --limit 1   (why is a cached response alive?)"
"$hg" chain "$core" --type Response --limit 1 || die "heapgraph chain failed (exit $?)"

echo
echo "== heapgraph chain --type list --limit 1   (the list that retains most: held by a thread's local)"
"$hg" chain "$core" --type list --limit 1 || die "heapgraph chain failed (exit $?)"

echo
echo "== heapgraph top --by-line --limit 5   (which lines allocated what is held: tracemalloc, from the core)"
"$hg" top "$core" --by-line --limit 5 || die "heapgraph top --by-line failed (exit $?)"

echo
echo "== heapgraph backrefs --type Session --limit 1 --max-depth 5 --filter 'type!=function' -o samples/out/leak.png"
"$hg" backrefs "$core" --type Session --limit 1 --max-depth 5 --filter 'type!=function' -o "$out/leak.png" ||
	die "heapgraph backrefs failed (exit $?)"

echo
echo "== heapgraph report -o samples/out/leak.html   (the page to attach to a bug report)"
"$hg" report "$core" -o "$out/leak.html" || die "heapgraph report failed (exit $?)"

cat <<EOF

== what to look at next
 - samples/out/leak.html: the report (open it in a browser): the summary, the
   leak suspects with their chains and pictures, the biggest retainers, the types.
 - samples/out/leak.png: what keeps a logged-out Session alive (a bound method
   left on the module-level event bus).
 - The chains above: the response cache is a module global that never evicts;
   the biggest list lives only in the report-worker thread's local 'batch'.
   Each says where its object was allocated: the process was tracing.
 - Every allocation line with its objects' types: $hg types samples/out/leaky.core --by-line
 - Any object: $hg show samples/out/leaky.core 0xADDRESS
 - Every type, with what its objects retain: $hg types samples/out/leaky.core --gc-only
 - As JSON, for scripts: add --json to info, analyze, types, top, show, chain.
 - Every command and exit code: $hg help, man -l docs/heapgraph.1, docs/guide.md
EOF
