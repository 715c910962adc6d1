#!/bin/sh
# tracemalloc top / compare, offline, on files Snapshot.dump() wrote under
# every Python (tests/scenarios/tmsnap.py): the text lines and the JSON equal
# what that Python's statistics() and compare_to() give, for every key type,
# cumulative or not, and with filters (include, exclude, all_frames, .pyc).
# Hostile pickles (a REDUCE of os.system, another class, truncated files,
# absurd lengths, unset memo slots, traces that are not (domain, size,
# frames[, n])) are refused with exit 3, and nothing in them runs.  Traces
# are counted as Python counts them however the file lists them.
. "$(dirname "$0")/lib.sh"

n=0
all_pythons "$T_OUT/pythons"
while read -r name py; do
	n=$((n + 1))
	r=$(py_root "$py")
	inner=/tmp/heapgraph-tm-$$-$name
	rm -rf "$r$inner"; mkdir -p "$r$inner"
	cp "$T_TOP/tests/scenarios/tmsnap.py" "$r$inner/"
	if ! (cd "$r$inner" && hg_run "$py" "$inner/tmsnap.py" "$inner/tm") >"$T_OUT/$name.log" 2>&1; then
		fail "$name: tmsnap.py failed: $(tail -3 "$T_OUT/$name.log")"; rm -rf "$r$inner"; continue
	fi
	for f in tm.1.snap tm.2.snap tm.json; do mv "$r$inner/$f" "$T_OUT/$name.$f"; done
	rm -rf "$r$inner"
	# each combination: heapgraph's text and JSON against Python's
	if python3 - "$HEAPGRAPH" "$T_OUT/$name" <<'PY'
import json, subprocess, sys
hg, base = sys.argv[1], sys.argv[2]
truth = json.load(open(base + ".tm.json", encoding="utf-8"))
bad = []
def run(*args):
    r = subprocess.run([hg, "tracemalloc"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode:
        bad.append("%s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.decode(errors="replace")[:200]))
    return r.stdout.decode("utf-8", errors="replace")
for kt in ("lineno", "filename", "traceback"):
    for cum in ((0, 1) if kt != "traceback" else (0,)):
        extra = ["--key-type", kt] + (["--cumulative"] if cum else [])
        for what, files in (("top", [base + ".tm.2.snap"]), ("compare", [base + ".tm.1.snap", base + ".tm.2.snap"])):
            want = truth["%s %s %d" % (what, kt, cum)]
            text = run(what, *files, *extra).splitlines()
            if text != want["text"]:
                diff = next((i for i, (a, b) in enumerate(zip(text, want["text"])) if a != b), min(len(text), len(want["text"])))
                bad.append("%s %s %d text: line %d: %r, Python %r (%d vs %d lines)" % (what, kt, cum, diff,
                           text[diff] if diff < len(text) else None, want["text"][diff] if diff < len(want["text"]) else None,
                           len(text), len(want["text"])))
            got = json.loads(run(what, *files, *extra, "--json"))
            if got != want["json"]:
                bad.append("%s %s %d json differs (%d vs %d entries)" % (what, kt, cum, len(got), len(want["json"])))
        # --limit
        if run("top", base + ".tm.2.snap", *extra, "--limit", "3").splitlines() != truth["top %s %d" % (kt, cum)]["text"][:3]:
            bad.append("top %s %d --limit 3" % (kt, cum))
filters = {
    "include app": ["--include", "app/*"],
    "exclude frozen and tracemalloc": ["--exclude", "<frozen*>", "--exclude", "*tracemalloc*"],
    "include util.py (pyc)": ["--include", "lib/util.py"],
    "include lib all frames": ["--include", "lib/*", "--all-frames"],
    "include lib, exclude unicode": ["--include", "lib/*", "--exclude", "*code.py"],
}
for name, args in filters.items():
    if run("top", base + ".tm.2.snap", *args).splitlines() != truth["filter " + name]:
        bad.append("filter " + name)
if bad:
    print("\n".join(bad[:6]))
    sys.exit(1)
print("%d statistics lines checked" % sum(len(v["text"]) for k, v in truth.items() if isinstance(v, dict)))
PY
	then ok "$name: tracemalloc top and compare equal Python's statistics() and compare_to() (every key type, cumulative, filters)"
	else fail "$name: tracemalloc differs from Python"; fi
	[ "$n" = 1 ] && cp "$T_OUT/$name.tm.2.snap" "$T_OUT/good.snap"
	rm -f "$T_OUT/$name".tm.*
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"

# hostile pickles: refused, exit 3, and nothing runs
marker=$T_OUT/pwned
python3 - "$T_OUT" "$marker" <<'PY'
import collections, os, pickle, struct, sys
out, marker = sys.argv[1], sys.argv[2]
class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + marker,))
def w(name, data):
    open(os.path.join(out, name + ".snap"), "wb").write(data)
w("reduce-os-system", pickle.dumps(Evil(), 4))
w("reduce-protocol2", pickle.dumps(Evil(), 2))
w("other-class", pickle.dumps(collections.OrderedDict(a=1), 4))
w("a-dict", pickle.dumps({"traces": [], "traceback_limit": 1}, 4))
good = open(os.path.join(out, "good.snap"), "rb").read() if os.path.exists(os.path.join(out, "good.snap")) else pickle.dumps(0)
w("truncated-half", good[: len(good) // 2])
w("truncated-1", good[:-1])
w("empty", b"")
w("unicode8-huge", b"\x80\x04\x8d" + struct.pack("<Q", 1 << 60) + b"x" * 16 + b".")
w("unicode-huge", b"\x80\x04X" + struct.pack("<I", 0xFFFFFFFF) + b"abc.")
w("long4-huge", b"\x80\x04\x8b" + struct.pack("<I", 0x7FFFFFFF) + b"\x01\x02.")
w("memo-unset", b"\x80\x04h\xc8.")
w("marks", b"\x80\x04" + b"(" * 100000 + b".")
w("global-builtins-eval", b"\x80\x02cbuiltins\neval\n(S'1'\ntR.")
w("stack-global-posix", b"\x80\x04\x8c\x05posix\x94\x8c\x06system\x94\x93\x94.")
w("stack-global-nul", b"\x80\x04\x8c\x0dtracemalloc\x00x\x94\x8c\x08Snapshot\x94\x93\x94.")
w("pop-past-mark", b"\x80\x04K\x01(0t.")
w("append-below-mark", b"\x80\x04](K\x01a.")
w("global-long-line", b"\x80\x02c" + b"t" * 5000 + b"\nSnapshot\n.")
# Snapshots whose traces are not what tracemalloc writes (Python loads them; heapgraph refuses them)
import tracemalloc
tb = (("a.py", 1), ("b.py", 2))
def snap(traces):
    return pickle.dumps(tracemalloc.Snapshot(traces, 2), 4)
w("trace-frame-not-a-pair", snap([(0, 10, tb, 2), (0, 20, (("a.py", 1, 3),), 1)]))
w("trace-lineno-a-str", snap([(0, 10, (("a.py", "1"),), 1)]))
w("trace-size-negative", snap([(0, -10, tb, 2)]))
w("trace-not-a-tuple", snap([(0, 10, tb, 2), [0, 10, tb, 2]]))
w("trace-empty-traceback", snap([(0, 10, (), 0)]))
PY
for f in "$T_OUT"/*.snap; do
	case "$f" in */good.snap) continue ;; esac
	what=$(basename "$f" .snap)
	timeout 20 "$HEAPGRAPH" tracemalloc top "$f" >"$T_OUT/h.out" 2>"$T_OUT/h.err"
	rc=$?
	if [ "$rc" = 3 ] && grep -q '^heapgraph' "$T_OUT/h.err" && [ ! -e "$marker" ]; then
		ok "hostile pickle $what: refused (exit 3): $(head -c 160 "$T_OUT/h.err")"
	else
		fail "hostile pickle $what: exit $rc $(head -c 200 "$T_OUT/h.err")$([ -e "$marker" ] && echo ' AND IT RAN')"
	fi
done
# a refused trace is named by its place in the list and what is wrong with it
for c in "trace-frame-not-a-pair:trace 1 has a traceback that is not" "trace-lineno-a-str:trace 0 has a traceback" \
	"trace-size-negative:trace 0 has a size that is not a count" "trace-empty-traceback:trace 0 has a traceback"; do
	if "$HEAPGRAPH" tracemalloc top "$T_OUT/${c%%:*}.snap" 2>&1 | grep -q "${c#*:}"; then
		ok "${c%%:*}: says '${c#*:}'"
	else fail "${c%%:*}: does not say '${c#*:}': $("$HEAPGRAPH" tracemalloc top "$T_OUT/${c%%:*}.snap" 2>&1)"; fi
done

# Traces are counted as the reader appends them to their list, equal traces as one entry with a count:
# traces that went to another list first (a decoy in the Snapshot's __dict__, pickled before 'traces'),
# a trace tuple listed twice through the memo, and equal traces, are all counted as Python counts them.
if python3 - "$HEAPGRAPH" "$T_OUT" <<'PY'
import pickle, subprocess, sys, tracemalloc
hg, out = sys.argv[1], sys.argv[2]
tb1 = (("app/x.py", 10), ("app/main.py", 3))
tb2 = (("app/y.py", 20), ("app/main.py", 4))
shared = (0, 64, tb1, 2)
traces = [shared, shared, (0, 64, tb1, 2), (0, 100, tb2, 2), (1, 100, tb2, 2), (0, 7, tb1, 2)]
s = tracemalloc.Snapshot.__new__(tracemalloc.Snapshot)
s.__dict__["decoy"] = [(0, 999, tb1, 2)] * 3 + [(0, 5, tb2, 2)]
s.__dict__["traces"] = tracemalloc._Traces(traces)
s.__dict__["traceback_limit"] = 2
with open(out + "/decoy.snap", "wb") as f:
    pickle.dump(s, f, 4)
ok = True
for key in ("lineno", "traceback", "filename"):
    want = [str(x) for x in pickle.load(open(out + "/decoy.snap", "rb")).statistics(key)]
    got = subprocess.run([hg, "tracemalloc", "top", out + "/decoy.snap", "--key-type", key],
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    if got != want:
        print(key, got, want)
        ok = False
sys.exit(0 if ok else 1)
PY
then ok "traces behind a decoy list, listed twice through the memo, and equal: counted as Python counts them"
else fail "traces behind a decoy list or listed twice: counts differ from Python's"; fi
# two files are read at once: either one missing or bad is named, with its exit code
python3 -c "import tracemalloc; tracemalloc.Snapshot([], 1).dump('$T_OUT/ok.snap')"
expect_exit 1 "tracemalloc compare with NEW missing" "$HEAPGRAPH" tracemalloc compare "$T_OUT/ok.snap" "$T_OUT/missing.snap"
expect_exit 3 "tracemalloc compare with OLD not a snapshot" "$HEAPGRAPH" tracemalloc compare "$T_OUT/trace-size-negative.snap" "$T_OUT/ok.snap"
if "$HEAPGRAPH" tracemalloc compare "$T_OUT/ok.snap" "$T_OUT/trace-not-a-tuple.snap" 2>&1 | grep -q 'trace-not-a-tuple.snap: trace 1 is not a tuple'; then
	ok "tracemalloc compare: the bad file named, and which trace"
else fail "tracemalloc compare: the bad file and trace not named"; fi
rm -f "$T_OUT"/*.snap
expect_exit 3 "tracemalloc top /dev/zero (not a file: refused, not read forever)" timeout 20 "$HEAPGRAPH" tracemalloc top /dev/zero
expect_exit 2 "tracemalloc with no file" "$HEAPGRAPH" tracemalloc top
expect_exit 2 "tracemalloc --cumulative --key-type traceback" "$HEAPGRAPH" tracemalloc top x --cumulative --key-type traceback
