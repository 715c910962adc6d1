#!/bin/sh
# heapgraph info on one core compressed with the gzip and zstd tools: every
# form must give the same info JSON as the plain file, except "file", "size"
# (the file on disk) and "compression", which must be right.  The format
# comes from magic bytes, not the name; concatenated gzip members and zstd
# frames (pigz, split-and-compress) and zstd's long window (--long=30, as
# systemd-coredump may write) decode in full.
. "$(dirname "$0")/lib.sh"

for tool in gzip zstd; do
	command -v $tool >/dev/null || { skip "no $tool command"; exit 0; }
done
py=$(hg_pythons | head -n 1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }

# A kernel core when the kernel can write one here, else a gcore one.
# (make_core sets globals such as $core and $py: keep other names here.)
plain=$T_OUT/plain.core
if ! make_core "$py" basic plain kernel >/dev/null 2>&1; then
	msg=$(make_core "$py" basic plain gcore) || { fail "could not make a core: $msg"; exit 0; }
fi
size=$(wc -c <"$plain")
half=$((size / 2))

gzip -c "$plain" >"$T_OUT/core.gz"
zstd -q -c "$plain" >"$T_OUT/core.zst"
cp "$T_OUT/core.gz" "$T_OUT/gzip-named.zst"
head -c $half "$plain" | gzip -c >"$T_OUT/members.gz"
tail -c +$((half + 1)) "$plain" | gzip -c >>"$T_OUT/members.gz"
head -c $half "$plain" | zstd -q -c >"$T_OUT/frames.zst"
tail -c +$((half + 1)) "$plain" | zstd -q -c >>"$T_OUT/frames.zst"
# Streamed input leaves the size out of the frame, so the window stays 1 GiB.
zstd -q --long=30 -c <"$plain" >"$T_OUT/long.zst"

"$HEAPGRAPH" info --json "$plain" >"$T_OUT/plain.json" 2>"$T_OUT/plain.err" ||
	{ fail "plain core: info exited $?"; exit 0; }
python3 - "$T_OUT/plain.json" "$size" <<'PY' && ok "plain core: compression none, sizes right" || fail "plain core: compression or size fields wrong"
import json, sys
d = json.load(open(sys.argv[1])); size = int(sys.argv[2])
bad = [k for k, v in (("compression", "none"), ("size", size), ("uncompressed_size", size),
                      ("incomplete", False)) if d[k] != v]
if not d["python"]: bad.append("python")
if bad: print("    wrong: %s in %s" % (bad, {k: d.get(k) for k in bad}))
sys.exit(1 if bad else 0)
PY

for pair in core.gz:gzip core.zst:zstd gzip-named.zst:gzip members.gz:gzip frames.zst:zstd long.zst:zstd; do
	f=${pair%:*}; comp=${pair#*:}
	"$HEAPGRAPH" info --json "$T_OUT/$f" >"$T_OUT/$f.json" 2>"$T_OUT/$f.err" ||
		{ fail "$f: info exited $?"; sed 's/^/    /' "$T_OUT/$f.err" | head -3; continue; }
	python3 - "$T_OUT/plain.json" "$T_OUT/$f.json" "$comp" "$(wc -c <"$T_OUT/$f")" "$T_OUT/$f.err" <<'PY' && ok "$f: same info as the plain core, compression $comp" || fail "$f: info differs from the plain core"
import json, sys
plain = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
comp, size, err = sys.argv[3], int(sys.argv[4]), open(sys.argv[5]).read()
bad = []
if got["compression"] != comp: bad.append("compression %r, wanted %r" % (got["compression"], comp))
if got["size"] != size: bad.append("size %r, wanted the file's %d" % (got["size"], size))
if got["uncompressed_size"] != plain["size"]:
    bad.append("uncompressed_size %r, wanted %d" % (got["uncompressed_size"], plain["size"]))
if err: bad.append("stderr: %r" % err[:200])
for key in sorted(set(plain) | set(got)):
    if key not in ("file", "size", "compression") and plain.get(key) != got.get(key):
        bad.append("%s: %s != plain %s" % (key, json.dumps(got.get(key))[:100], json.dumps(plain.get(key))[:100]))
for line in bad: print("    " + line)
sys.exit(1 if bad else 0)
PY
done

"$HEAPGRAPH" info "$T_OUT/core.zst" >"$T_OUT/zst.txt" 2>&1
check "text output says zstd and the uncompressed size" \
	grep -q "^$T_OUT/core.zst: ELF core, .* (zstd, $size uncompressed)" "$T_OUT/zst.txt"
