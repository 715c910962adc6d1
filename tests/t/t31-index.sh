#!/bin/sh
# The index (README, "How it works"): analyze writes DUMP.hgi; later commands
# answer from it without reading the dump again; a changed dump or a damaged
# index is rebuilt, never trusted; the dump argument may be omitted after
# analyze ($HEAPGRAPH_DUMP first), and the command says which dump it used.
. "$(dirname "$0")/lib.sh"

py=$(hg_pythons | head -1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }
if ! msg=$(make_core "$py" basic idx); then fail "could not make a core: $msg"; exit 0; fi
core=$T_OUT/idx.core
export XDG_STATE_HOME=$T_OUT/state XDG_CACHE_HOME=$T_OUT/cache
unset HEAPGRAPH_DUMP

check "analyze writes the index" "$HEAPGRAPH" analyze "$core"
[ -f "$core.hgi" ] && ok "index beside the dump" || fail "no $core.hgi"
"$HEAPGRAPH" types "$core" --json >"$T_OUT/types1.json" 2>/dev/null

# Same size, same first 64 KiB, same mtime, everything else zero: only the
# index can still answer.
python3 - "$core" "$T_OUT/blank.core" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(data[:65536] + bytes(len(data) - 65536))
PY
cp -p "$core" "$T_OUT/orig.core"
mv "$T_OUT/blank.core" "$core"
touch -r "$T_OUT/orig.core" "$core"
if "$HEAPGRAPH" types "$core" --json >"$T_OUT/types2.json" 2>"$T_OUT/types2.err" &&
   cmp -s "$T_OUT/types1.json" "$T_OUT/types2.json"; then
	ok "types answers from the index, without reading the dump"
else
	fail "types read the dump again (or failed): $(head -2 "$T_OUT/types2.err")"
fi

# A dump that changed (new mtime) is read again: this one has no heap left.
touch "$core"
"$HEAPGRAPH" types "$core" --json >"$T_OUT/types3.json" 2>"$T_OUT/types3.err"
if ! cmp -s "$T_OUT/types1.json" "$T_OUT/types3.json"; then
	ok "a changed dump is not answered from its old index (exit $?)"
else
	fail "a changed dump was answered from its stale index"
fi

# Damaged indexes are rebuilt: a flipped byte, a truncated file, garbage.
mv "$T_OUT/orig.core" "$core"
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1
for how in flip truncate garbage; do
	python3 - "$core.hgi" "$how" <<'PY'
import os, sys
p, how = sys.argv[1], sys.argv[2]
d = bytearray(open(p, "rb").read())
if how == "flip":
    d[len(d) // 2] ^= 0xff
elif how == "truncate":
    d = d[: len(d) // 3]
else:
    d = bytearray(os.urandom(len(d)))
open(p, "wb").write(bytes(d))
PY
	"$HEAPGRAPH" types "$core" --json >"$T_OUT/types-$how.json" 2>"$T_OUT/types-$how.err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$T_OUT/types1.json" "$T_OUT/types-$how.json"; then
		ok "index damaged ($how): rebuilt, same answer"
	else
		fail "index damaged ($how): exit $rc"
	fi
done

# top and analyze answer from the index's summary alone: a damaged byte among
# the heap's arrays does not change their answers, and they leave the index
# as it is (they never read that part); a command that maps the heap rebuilds it.
"$HEAPGRAPH" analyze "$core" --json >"$T_OUT/an1.json" 2>/dev/null
"$HEAPGRAPH" top "$core" --json >"$T_OUT/top1.json" 2>/dev/null
"$HEAPGRAPH" top "$core" --limit 25 --json >"$T_OUT/top25.json" 2>/dev/null
if python3 - "$T_OUT/top1.json" "$T_OUT/top25.json" "$T_OUT/an1.json" <<'PY'
import json, sys
top, top25, an = (json.load(open(p)) for p in sys.argv[1:4])
assert len(top) == 20 and len(top25) == 25 and top25[:20] == top, "top from the summary is not the first 20 of the full top"
assert an["biggest_retainers"] == top[:5]
PY
then ok "top from the summary is the first 20 of the full one, analyze's biggest the first 5"
else fail "top's summary and the full computation differ"; fi
python3 - "$core.hgi" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
d[len(d) // 2] ^= 0xff
open(p, "wb").write(bytes(d))
PY
touch -d '2001-01-01' "$core.hgi"
"$HEAPGRAPH" analyze "$core" --json >"$T_OUT/an2.json" 2>/dev/null
"$HEAPGRAPH" top "$core" --json >"$T_OUT/top2.json" 2>/dev/null
if cmp -s "$T_OUT/an1.json" "$T_OUT/an2.json" && cmp -s "$T_OUT/top1.json" "$T_OUT/top2.json" &&
   [ -z "$(find "$core.hgi" -newer "$core")" ]; then
	ok "analyze and top answer from the summary alone (a damaged heap section is not read)"
else
	fail "analyze or top read the heap sections, or answered differently"
fi
"$HEAPGRAPH" types "$core" --json >"$T_OUT/types-sum.json" 2>/dev/null
if cmp -s "$T_OUT/types1.json" "$T_OUT/types-sum.json" && [ -n "$(find "$core.hgi" -newer "$core")" ]; then
	ok "types does not trust the damaged heap section: the index is rebuilt"
else
	fail "types answered from a damaged index"
fi
# a damaged summary (the last section) is not trusted either
python3 - "$core.hgi" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
d[-20] ^= 0x01
open(p, "wb").write(bytes(d))
PY
"$HEAPGRAPH" top "$core" --json >"$T_OUT/top3.json" 2>"$T_OUT/top3.err"
if cmp -s "$T_OUT/top1.json" "$T_OUT/top3.json"; then
	ok "a damaged summary: rebuilt, same answer"
else
	fail "a damaged summary: $(head -3 "$T_OUT/top3.err")"
fi

# Omitted dump: the one analyzed last, or $HEAPGRAPH_DUMP; stderr says which.
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1
if "$HEAPGRAPH" types --json >"$T_OUT/types4.json" 2>"$T_OUT/types4.err" &&
   cmp -s "$T_OUT/types1.json" "$T_OUT/types4.json" && grep -q "analyzed last" "$T_OUT/types4.err"; then
	ok "dump omitted: the one analyzed last, and says so"
else
	fail "dump omitted: $(cat "$T_OUT/types4.err")"
fi
HEAPGRAPH_DUMP=$T_OUT/nonexistent.core "$HEAPGRAPH" types >/dev/null 2>"$T_OUT/types5.err"
rc=$?
if [ $rc -eq 3 ] && grep -q "HEAPGRAPH_DUMP" "$T_OUT/types5.err"; then
	ok "\$HEAPGRAPH_DUMP wins over the last analyzed dump"
else
	fail "\$HEAPGRAPH_DUMP: exit $rc: $(cat "$T_OUT/types5.err")"
fi
XDG_STATE_HOME=$T_OUT/empty-state expect_exit 2 "no dump named and none analyzed" "$HEAPGRAPH" types
# the default is per folder: analyzing elsewhere does not change it here, and does not carry over
mkdir -p "$T_OUT/elsewhere"
cp "$core" "$T_OUT/elsewhere/other.core"
(cd "$T_OUT/elsewhere" && "$HEAPGRAPH" analyze other.core >/dev/null 2>&1)
if "$HEAPGRAPH" types --json >/dev/null 2>"$T_OUT/types6.err" && grep -q "$(basename "$core")" "$T_OUT/types6.err" &&
   ! grep -q other.core "$T_OUT/types6.err"; then
	ok "dump omitted: analyzing in another folder does not change this folder's default"
else
	fail "dump omitted after analyzing elsewhere: $(cat "$T_OUT/types6.err")"
fi
mkdir -p "$T_OUT/fresh"
(cd "$T_OUT/fresh" && "$HEAPGRAPH" types >/dev/null 2>"$T_OUT/types7.err")
rc=$?
if [ $rc -eq 2 ]; then
	ok "dump omitted in a folder where nothing was analyzed: asks which (exit 2)"
else
	fail "dump omitted in a fresh folder: exit $rc: $(cat "$T_OUT/types7.err")"
fi

# A folder that cannot be written: the index goes to $XDG_CACHE_HOME/heapgraph/.
mkdir -p "$T_OUT/ro"
cp "$core" "$T_OUT/ro/ro.core"
chmod 555 "$T_OUT/ro"
if [ "$(id -u)" = 0 ]; then
	skip "read-only folder: root writes anywhere"
else
	"$HEAPGRAPH" analyze "$T_OUT/ro/ro.core" >/dev/null 2>&1
	ls "$XDG_CACHE_HOME"/heapgraph/*ro.core.hgi >/dev/null 2>&1 && ok "index in the cache folder" || fail "no index in $XDG_CACHE_HOME/heapgraph"
fi
chmod 755 "$T_OUT/ro"

# Compressed dumps: analyze a .zst and a .gz copy; same graph as the plain core.
if command -v zstd >/dev/null 2>&1 && command -v gzip >/dev/null 2>&1; then
	zstd -q -f "$core" -o "$T_OUT/c.core.zst"
	gzip -c "$core" >"$T_OUT/c.core.gz"
	"$HEAPGRAPH" analyze "$core" --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["objects"], d["references"], d["bytes"])' >"$T_OUT/plain.sum"
	for z in zst gz; do
		"$HEAPGRAPH" analyze "$T_OUT/c.core.$z" --json 2>/dev/null |
			python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["objects"], d["references"], d["bytes"])' >"$T_OUT/$z.sum"
		if [ -s "$T_OUT/$z.sum" ] && cmp -s "$T_OUT/plain.sum" "$T_OUT/$z.sum"; then
			ok "a .$z dump gives the same graph as the plain one ($(cat "$T_OUT/$z.sum"))"
		else
			fail "a .$z dump: $(cat "$T_OUT/$z.sum") vs plain $(cat "$T_OUT/plain.sum")"
		fi
	done
else
	skip "zstd or gzip missing: compressed dumps not analyzed"
fi

# Trust: an index checked whole (or just written) is remembered in the user's
# cache (verified/DEV-INODE: device, inode, size, times, header checksum), so
# that later queries need not read all of it; a byte flipped in place with
# the modification time put back is still caught: the change time moved.
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1
rec=$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print("%s/heapgraph/verified/%x-%x" % (sys.argv[2], s.st_dev, s.st_ino))' \
	"$core.hgi" "$XDG_CACHE_HOME")
if [ -s "$rec" ] && "$HEAPGRAPH" types "$core" --json >"$T_OUT/types-trust.json" 2>/dev/null &&
	cmp -s "$T_OUT/types1.json" "$T_OUT/types-trust.json"; then
	ok "the index analyze wrote is remembered as checked ($(basename "$rec")) and answers"
else
	fail "no trust record for the index analyze wrote, or a different answer"
fi
python3 - "$core.hgi" <<'PY'
import os, sys
p = sys.argv[1]
st = os.stat(p)
with open(p, "r+b") as f:
    f.seek(st.st_size // 2)
    b = f.read(1)
    f.seek(st.st_size // 2)
    f.write(bytes([b[0] ^ 0xff]))
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
before=$(stat -c %Y.%i "$core.hgi")
"$HEAPGRAPH" types "$core" --json >"$T_OUT/types-forged.json" 2>"$T_OUT/types-forged.err"
if cmp -s "$T_OUT/types1.json" "$T_OUT/types-forged.json" && [ "$(stat -c %Y.%i "$core.hgi")" != "$before" ]; then
	ok "a byte flipped in place, times put back: not trusted, the index is rebuilt"
else
	fail "an index edited in place with its times put back was trusted: $(head -3 "$T_OUT/types-forged.err")"
fi

# Records are read only from a folder no one else can write: with the folder
# open to all (as under a shared /tmp), a record forged to match an index
# edited in place is ignored and the index is checked whole (and rebuilt).
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1
vdir=$XDG_CACHE_HOME/heapgraph/verified
chmod 0777 "$vdir"
python3 - "$core.hgi" "$vdir" <<'PY'
import os, struct, sys
p, vdir = sys.argv[1], sys.argv[2]
st = os.stat(p)
with open(p, "r+b") as f:
    head = f.read(16)
    size = struct.unpack_from("<I", head, 12)[0]
    f.seek(size - 8)
    hsum = struct.unpack("<Q", f.read(8))[0]
    f.seek(st.st_size // 2)
    b = f.read(1)
    f.seek(st.st_size // 2)
    f.write(bytes([b[0] ^ 0xff]))
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
st = os.stat(p)
boot = bytes.fromhex(open("/proc/sys/kernel/random/boot_id").read().strip().replace("-", ""))
rec = struct.pack("<7Q16sQ2I", st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9,
                  st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9, boot, hsum, struct.unpack_from("<I", head, 8)[0], 0)
open(os.path.join(vdir, "%x-%x" % (st.st_dev, st.st_ino)), "wb").write(rec)
PY
before=$(stat -c %i "$core.hgi")
"$HEAPGRAPH" types "$core" --json >"$T_OUT/types-open.json" 2>/dev/null
if cmp -s "$T_OUT/types1.json" "$T_OUT/types-open.json" && [ "$(stat -c %i "$core.hgi")" != "$before" ]; then
	ok "a forged record in a folder others can write is ignored: the index is checked and rebuilt"
else
	fail "a record in a world-writable folder was trusted"
fi
chmod 0700 "$vdir"

# analyze does not wait for the index to reach the disk, so a record names the
# boot it was made in: after a crash and a reboot the index on disk is checked
# whole.  A record forged for the unchanged index is trusted with this boot's id
# (the record is left as it is) and not with another's (the index is checked
# and the record made again, with this boot's id).
"$HEAPGRAPH" analyze "$core" >/dev/null 2>&1
forge_record() {
	python3 - "$core.hgi" "$vdir" "$1" <<'PY'
import os, struct, sys
p, vdir, boot = sys.argv[1], sys.argv[2], sys.argv[3]
if boot == "this":
    boot = open("/proc/sys/kernel/random/boot_id").read().strip()
st = os.stat(p)
with open(p, "rb") as f:
    head = f.read(16)
    f.seek(struct.unpack_from("<I", head, 12)[0] - 8)
    hsum = struct.unpack("<Q", f.read(8))[0]
rec = os.path.join(vdir, "%x-%x" % (st.st_dev, st.st_ino))
if os.path.exists(rec):
    os.unlink(rec)
open(rec, "wb").write(struct.pack("<7Q16sQ2I", st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns // 10**9,
                                  st.st_mtime_ns % 10**9, st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9,
                                  bytes.fromhex(boot.replace("-", "")), hsum,
                                  struct.unpack_from("<I", head, 8)[0], 0))
print(rec)
PY
}
rec=$(forge_record this)
inode=$(stat -c %i "$rec")
"$HEAPGRAPH" types "$core" --json >"$T_OUT/types-boot.json" 2>/dev/null
if [ -n "$inode" ] && cmp -s "$T_OUT/types1.json" "$T_OUT/types-boot.json" && [ "$(stat -c %i "$rec")" = "$inode" ]; then
	ok "a record of this boot is trusted as it is"
else
	fail "a record of this boot was not trusted (made again), or a different answer"
fi
rec=$(forge_record 0123456789abcdef0123456789abcdef)
inode=$(stat -c %i "$rec")
"$HEAPGRAPH" types "$core" --json >"$T_OUT/types-boot.json" 2>/dev/null
if [ -n "$inode" ] && cmp -s "$T_OUT/types1.json" "$T_OUT/types-boot.json" && [ "$(stat -c %i "$rec")" != "$inode" ] &&
	python3 -c 'import sys; r = open(sys.argv[1], "rb").read(); sys.exit(r[56:72] != bytes.fromhex(open("/proc/sys/kernel/random/boot_id").read().strip().replace("-", "")))' "$rec"; then
	ok "a record of another boot is not trusted: the index is checked whole and remembered for this boot"
else
	fail "a record of another boot was trusted, or not made again for this one"
fi

# Long work names its steps on a terminal and nowhere else; $HEAPGRAPH_TIMES times them.
rm -f "$core.hgi"
"$HEAPGRAPH" analyze "$core" >/dev/null 2>"$T_OUT/quiet.err"
if grep -q "dominators\|reading objects" "$T_OUT/quiet.err" || grep -q "$(printf '\r')" "$T_OUT/quiet.err"; then
	fail "analyze printed its steps with stderr not a terminal: $(head -c 200 "$T_OUT/quiet.err")"
else
	ok "no steps when stderr is not a terminal"
fi
rm -f "$core.hgi"
HEAPGRAPH_TIMES=1 "$HEAPGRAPH" analyze "$core" >/dev/null 2>"$T_OUT/times.err"
missing=""
for s in "finding types and roots" "reading objects" "linking references" "reachability" "dominators" \
	 "summary" "writing the index"; do
	grep -Eq "^heapgraph: $s +[0-9]+\.[0-9]{3} s +[0-9]+ page faults$" "$T_OUT/times.err" || missing="$missing, $s"
done
[ -z "$missing" ] && ok "HEAPGRAPH_TIMES gives each step's time and page faults" ||
	fail "HEAPGRAPH_TIMES lacks${missing#,}: $(head -c 300 "$T_OUT/times.err")"
rm -f "$core.hgi"
python3 - "$HEAPGRAPH" "$core" "$T_OUT/tty.err" <<'PY'
import os, subprocess, sys
hg, core, out = sys.argv[1:]
master, slave = os.openpty()
p = subprocess.Popen([hg, "analyze", core], stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
p.wait()
open(out, "wb").write(data)
PY
if grep -q "heapgraph: dominators\.\.\." "$T_OUT/tty.err" && grep -q "heapgraph: writing the index\.\.\." "$T_OUT/tty.err"; then
	ok "on a terminal the step under way is shown (dominators, writing the index)"
else
	fail "no steps on a terminal: $(head -c 300 "$T_OUT/tty.err" | od -c | head -5)"
fi
[ -f "$core.hgi" ] && "$HEAPGRAPH" types "$core" --json 2>/dev/null | cmp -s - "$T_OUT/types1.json" &&
	ok "the index written on a second core answers as before" || fail "the index written under a terminal differs"
