#!/bin/sh
# Pictures that stay readable on heaps that make them wide
# (tests/scenarios/shapes.py: a 1,000-node ring, a cache of 5,000 dicts, an
# event bus of 300 bound methods, 500 closures on one cell, 200 functions of a
# module, 2,000 instances; and a Flask app's core): every picture is at most
# about 2,500 px wide (PNG at 96 dpi) and no text is under 10 points; like
# siblings are folded into one node ("× N like this"), the fan of
# __globals__ too; a ring is drawn as a cycle; --unfold --max-width 0 draws
# them one by one, as objgraph does.
. "$(dirname "$0")/lib.sh"

MAXW=2600
py=$(hg_pythons | grep -v '^sid-root-missing' | head -1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }
hg_sysroot "$py"
begin_run
if ! msg=$(make_core "$py" shapes shapes); then fail "could not make a core: $msg"; exit 0; fi
core=$T_OUT/shapes.core
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1
t() { json_get "$T_OUT/shapes.truth.json" "hex(d['targets']['$1'])"; }

# picture NAME WANT ARGS...: the PNG's width, the DOT's smallest font, and WANT (a Python
# expression on `dot`, the DOT text) must hold
picture() {
	pname=$1; want=$2; shift 2
	"$HEAPGRAPH" "$@" -o "$T_OUT/$pname.png" 2>"$T_OUT/$pname.err" &&
	"$HEAPGRAPH" "$@" -o "$T_OUT/$pname.dot" 2>>"$T_OUT/$pname.err"
	if python3 - "$T_OUT/$pname.png" "$T_OUT/$pname.dot" "$MAXW" "$want" <<'PY'
import re, struct, sys
png, dotfile, maxw, want = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
w, h = struct.unpack(">II", open(png, "rb").read()[16:24])
dot = open(dotfile, encoding="utf-8").read()
fonts = [float(f) for f in re.findall(r'fontsize="([0-9.]+)"', dot)]
assert w <= maxw, "%d px wide" % w
assert not fonts or min(fonts) >= 10, "text at %s pt" % min(fonts)
assert eval(want), "not: " + want
PY
	then ok "$pname: $(python3 -c 'import struct,sys; print("%d x %d px" % struct.unpack(">II", open(sys.argv[1],"rb").read()[16:24]))' "$T_OUT/$pname.png")"
	else fail "$pname ($*): $(tail -3 "$T_OUT/$pname.err")"; fi
}

picture ring 're.search(r"label=\"cycle: 99[0-9] references\"", dot)' backrefs "$core" "$(t ring_middle)" --max-depth 5
picture cache-refs '"dict \u00d7 " in dot or "dict × " in dot' refs "$core" "$(t cache)" --max-depth 2
picture cache-backrefs 'True' backrefs "$core" "$(t cache)" --max-depth 5
picture bus 'True' refs "$core" "$(t bus)" --max-depth 4
picture listener 'True' backrefs "$core" "$(t listener)" --max-depth 5
picture closures '"tuple × " in dot or "function × " in dot or "cell × " in dot' backrefs "$core" "$(t shared)" --max-depth 4
picture globals-fan '"function × " in dot and "__globals__" in dot' backrefs "$core" "$(t funcs_dict)" --max-depth 2
picture points '"Point × " in dot' refs "$core" "$(t points)" --max-depth 2
picture type-dict 'True' backrefs "$core" --type dict --max-depth 5
picture type-dict-refs 'True' refs "$core" --type dict --max-depth 5
picture chain 'True' chain "$core" "$(t ring_middle)"
# --unfold --max-width 0: objgraph's way, every sibling its own node (--too-many of them)
"$HEAPGRAPH" refs "$core" "$(t points)" --max-depth 1 --unfold --max-width 0 -o "$T_OUT/unfold.dot" 2>/dev/null
if [ "$(grep -c 'Point\\n' "$T_OUT/unfold.dot")" -ge 10 ] && ! grep -q ' × ' "$T_OUT/unfold.dot"; then
	ok "--unfold draws each Point"
else
	fail "--unfold: $(grep -c 'Point' "$T_OUT/unfold.dot") Point nodes"
fi
tidy shapes

# the mission's own example, on a Flask app
py=/usr/bin/python3.11
if [ -x "$py" ] && "$py" -c "import sys; sys.path.append('/usr/lib/python3/dist-packages'); import flask" 2>/dev/null; then
	unset HEAPGRAPH_SYSROOT
	begin_run
	HG_FRAMEWORKS=flask; export HG_FRAMEWORKS
	msg=$(make_core "$py" flask_app flask); st=$?
	unset HG_FRAMEWORKS
	if [ "$st" -ne 0 ]; then
		fail "flask: could not make a core: $msg"
	else
		"$HEAPGRAPH" analyze "$T_OUT/flask.core" >/dev/null 2>&1
		core=$T_OUT/flask.core
		picture flask-backrefs-dict 'True' backrefs "$core" --type dict
		picture flask-backrefs-dict-5 'True' backrefs "$core" --type dict --max-depth 5
		picture flask-refs-function 'True' refs "$core" --type Flask --max-depth 4
	fi
	tidy flask
fi
# absurd bounds are usage errors, not allocations
expect_exit 2 "--max-depth 4294967295" "$HEAPGRAPH" backrefs "$T_TOP/README.md" 0x10 --max-depth 4294967295
expect_exit 2 "--too-many 10000000000" "$HEAPGRAPH" refs "$T_TOP/README.md" 0x10 --too-many 10000000000
