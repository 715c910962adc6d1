#!/bin/sh
# Pictures: golden DOT files for backrefs, refs and chain (reviewed by eye
# once as PNG: tests/golden/*.png), every output format valid (PNG/PDF magic
# bytes, SVG parses as XML, DOT accepted by graphviz's dot), hostile strings
# from the dump escaped and cut, bad -o rejected, failed writes leave nothing.
# HG_UPDATE_GOLDEN=1 rewrites the golden files.
. "$(dirname "$0")/lib.sh"

py=/usr/bin/python3.11
[ -x "$py" ] || py=$(hg_pythons | head -1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }
golden=$T_TOP/tests/golden
norm() { python3 "$T_TOP/tests/t/normalize_dot.py"; }

if ! msg=$(make_core "$py" picture pic); then fail "could not make a core: $msg"; exit 0; fi
core=$T_OUT/pic.core
buffer=$(json_get "$T_OUT/pic.truth.json" 'hex(d["targets"]["buffer"])')
session=$(json_get "$T_OUT/pic.truth.json" 'hex(d["targets"]["session"])')
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1

# 1. golden DOT (only for Debian's python3.11: object order is the interpreter's)
if [ "$py" = /usr/bin/python3.11 ]; then
	for pic in "backrefs-buffer:backrefs $core $buffer" "refs-session:refs $core $session --max-depth 2" \
		   "chain-buffer:chain $core $buffer --all 2 -o $T_OUT/chain.dot"; do
		name=${pic%%:*}; args=${pic#*:}
		# shellcheck disable=SC2086
		"$HEAPGRAPH" $args >"$T_OUT/$name.dot" 2>"$T_OUT/$name.err"
		[ -s "$T_OUT/chain.dot" ] && [ "$name" = chain-buffer ] && mv "$T_OUT/chain.dot" "$T_OUT/$name.dot"
		norm <"$T_OUT/$name.dot" >"$T_OUT/$name.norm"
		if [ "${HG_UPDATE_GOLDEN:-}" = 1 ]; then
			cp "$T_OUT/$name.norm" "$golden/$name.dot"
			dot -Tpng "$T_OUT/$name.dot" -o "$golden/$name.png" 2>/dev/null
			skip "$name: golden file rewritten (look at tests/golden/$name.png)"
		elif diff -u "$golden/$name.dot" "$T_OUT/$name.norm" >"$T_OUT/$name.diff"; then
			ok "$name matches tests/golden/$name.dot"
		else
			fail "$name differs from tests/golden/$name.dot"; head -20 "$T_OUT/$name.diff"
		fi
	done
else
	skip "golden pictures are for /usr/bin/python3.11"
fi

# 2. every format, rendered in-process
for ext in png svg pdf xdot dot; do
	rm -f "$T_OUT/out.$ext"
	if ! "$HEAPGRAPH" backrefs "$core" "$buffer" -o "$T_OUT/out.$ext" 2>"$T_OUT/out.$ext.err"; then
		fail "backrefs -o out.$ext: exit $?: $(head -2 "$T_OUT/out.$ext.err")"; continue
	fi
	if python3 - "$T_OUT/out.$ext" "$ext" <<'PY'
import sys, xml.etree.ElementTree as ET
path, ext = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if ext == "png": assert data[:8] == b"\x89PNG\r\n\x1a\n"
elif ext == "pdf": assert data[:5] == b"%PDF-"
elif ext == "svg": assert ET.fromstring(data).tag.endswith("svg")
elif ext == "xdot": assert b"digraph" in data and b"_draw_" in data
elif ext == "dot": assert data.startswith(b"digraph")
PY
	then ok "backrefs -o out.$ext is a valid .$ext"; else fail "out.$ext is not a valid .$ext"; fi
done
if command -v dot >/dev/null 2>&1; then
	check "graphviz's dot accepts heapgraph's DOT" dot -Tsvg -o "$T_OUT/redot.svg" "$T_OUT/out.dot"
fi
"$HEAPGRAPH" chain "$core" "$buffer" -o "$T_OUT/chain.png" 2>/dev/null
python3 -c 'import sys; assert open(sys.argv[1],"rb").read(8)==b"\x89PNG\r\n\x1a\n"' "$T_OUT/chain.png" 2>/dev/null &&
	ok "chain -o chain.png draws the chain" || fail "chain -o chain.png"
expect_exit 2 "-o with an unknown extension" "$HEAPGRAPH" backrefs "$core" "$buffer" -o "$T_OUT/out.nope"
expect_exit 5 "-o into a folder that does not exist" "$HEAPGRAPH" backrefs "$core" "$buffer" -o "$T_OUT/no/such/dir/out.png"
[ -z "$(ls "$T_OUT" | grep '\.tmp-')" ] && ok "no temporary file left behind" || fail "temporary files left: $(ls "$T_OUT" | grep '\.tmp-')"
expect_exit 1 "an address with no object" "$HEAPGRAPH" backrefs "$core" 0x10
expect_exit 1 "--type with no object" "$HEAPGRAPH" refs "$core" --type NoSuchType

# 3. objgraph's options change the picture as they say
opt() {	# opt DESC PYTHON-CHECK ARGS...: the DOT of ARGS must pass the check (on `dot`, the text)
	desc=$1; pycheck=$2; shift 2
	"$HEAPGRAPH" "$@" >"$T_OUT/opt.dot" 2>/dev/null
	if python3 -c "import re,sys; dot=open(sys.argv[1]).read(); objs=re.findall(r'^  o[0-9]+ \[', dot, re.M); assert $pycheck" "$T_OUT/opt.dot"; then
		ok "$desc"
	else
		fail "$desc"; head -c 600 "$T_OUT/opt.dot"
	fi
}
opt "--max-depth 0 draws the object alone" 'len(objs) == 1' backrefs "$core" "$buffer" --max-depth 0
opt "--max-depth 1 draws its referrers, no further" 'len(objs) == 3' backrefs "$core" "$buffer" --max-depth 1
opt "--too-many 1 counts the rest in a 'N more' box" '"more backreference" in dot and len(objs) < 8' backrefs "$core" "$buffer" --too-many 1
opt "--filter type!=function leaves functions out" '"function\\n" not in dot and len(objs) > 2' backrefs "$core" "$buffer" --filter 'type!=function'
opt "--filter size>100 keeps only big neighbours" 'all(int(m) > 100 for m in re.findall(r"\\n([0-9]+) B\"", dot)[1:])' backrefs "$core" "$buffer" --filter 'size>100'
opt "--highlight Session paints sessions blue" 're.search(r"label=\"Session[^\"]*\", fillcolor=\"0.6,0.6,", dot)' backrefs "$core" "$buffer" --highlight Session
opt "--refcounts shows reference counts" '"bytearray [2]" in dot and "Session [" in dot' backrefs "$core" "$buffer" --refcounts
opt "--extra-info addr,gc adds a line" '"id=0x" in dot and "gc tracked" in dot' backrefs "$core" "$buffer" --extra-info addr,gc
opt "--legend adds a legend" '"legend [" in dot' backrefs "$core" "$buffer" --legend
opt "refs follows referents" '".buffer" in dot and ".listener" in dot' refs "$core" "$session" --max-depth 1
expect_exit 2 "--filter with a term it does not know" "$HEAPGRAPH" backrefs "$core" "$buffer" --filter 'colour=red'
expect_exit 2 "--max-depth with a word" "$HEAPGRAPH" backrefs "$core" "$buffer" --max-depth deep

# 4. hostile strings
if ! msg=$(make_core "$py" hostile hostile); then fail "could not make a hostile core: $msg"; exit 0; fi
hcore=$T_OUT/hostile.core
target=$(json_get "$T_OUT/hostile.truth.json" 'hex(d["targets"]["target"])')
obj=$(json_get "$T_OUT/hostile.truth.json" 'hex(d["targets"]["obj"])')
for what in "backrefs $target" "refs $obj" "backrefs --type list --limit 5"; do
	# shellcheck disable=SC2086
	set -- $what
	cmd=$1; shift
	"$HEAPGRAPH" "$cmd" "$hcore" "$@" >"$T_OUT/h.dot" 2>/dev/null
	"$HEAPGRAPH" "$cmd" "$hcore" "$@" -o "$T_OUT/h.svg" 2>/dev/null
	if python3 - "$T_OUT/h.dot" "$T_OUT/h.svg" <<'PY'
import subprocess, sys, xml.etree.ElementTree as ET
dot = open(sys.argv[1], "rb").read()
assert dot.startswith(b"digraph") and dot.rstrip().endswith(b"}")
dot.decode("utf-8")                       # valid UTF-8 throughout
assert max(len(l) for l in dot.splitlines()) < 4000, "a line was not cut"
canon = subprocess.run(["dot", "-Tcanon"], input=dot, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
assert canon.returncode == 0, canon.stderr
assert b'label=pwned' not in canon.stdout and b'label="pwned"' not in canon.stdout, "label injection"
ET.fromstring(open(sys.argv[2], "rb").read())
PY
	then ok "hostile strings ($what): valid DOT, valid SVG, no injection"
	else fail "hostile strings ($what)"; fi
done
"$HEAPGRAPH" chain "$hcore" "$target" --json >"$T_OUT/h.json" 2>/dev/null
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_OUT/h.json" && ok "hostile strings: chain --json is valid JSON" || fail "hostile chain --json"
escaped=$(json_get "$T_OUT/hostile.truth.json" 'hex(d["targets"]["escaped"])')
{ "$HEAPGRAPH" chain "$hcore" "$target" --all 10; "$HEAPGRAPH" show "$hcore" "$target" "$escaped" --limit 0;
  "$HEAPGRAPH" types "$hcore"; "$HEAPGRAPH" chain "$hcore" "$escaped"; } >"$T_OUT/h.txt" 2>&1
if grep -q "$(printf '\033')" "$T_OUT/h.txt"; then
	fail "hostile strings: an escape sequence from the dump reached the terminal"
elif grep -q "terminal escape" "$T_OUT/h.txt" && grep -q "Esc?\[31mape" "$T_OUT/h.txt"; then
	ok "hostile strings: text output carries no control characters from the dump"
else
	fail "hostile strings: the escaped key or class is missing from the text output"
fi
