#!/bin/sh
# heapgraph info on bad input: every case gets its documented exit code and
# never crashes (exit >= 128 or sanitizer/valgrind output fails the case).
#   fatal:   3 unreadable/malformed, 4 unsupported: exactly one line
#            "heapgraph: FILE: ..." on stderr, nothing on stdout;
#   usage:   2, and a message starting "heapgraph info: ..." (or the usage);
#   damaged: a core cut short or with broken notes/segments (badcores.py makes
#            them from a good core): exit 0, "incomplete": true, each warning
#            on stderr as "heapgraph: warning: ..." and in the JSON, the pid
#            whenever NT_PRPSINFO survived, and never a wrong Python version;
#   --sysroot: an empty folder (files "missing", python null, a message naming
#            --sysroot), a mirror of the files (found there), and a folder
#            where the interpreter image is another build ("mismatch").
# HG_VALGRIND=1 runs every case under valgrind as well (slow; make check
# SANITIZE=1 covers the same ground with ASan/UBSan).
. "$(dirname "$0")/lib.sh"

BAD=$T_OUT/bad
mkdir -p "$BAD"

hg() {
	if [ "${HG_VALGRIND:-0}" = 1 ]; then
		valgrind -q --error-exitcode=99 "$HEAPGRAPH" "$@"
	else
		"$HEAPGRAPH" "$@"
	fi
}

# run DESC ARGS...: runs heapgraph with stdout in $o.out and stderr in $o.err
# ($o is new for each run), its status in $rc; returns 1 (after a fail) when
# it crashed.
nrun=0
run() {
	rdesc=$1; shift
	nrun=$((nrun + 1))
	o=$T_OUT/case$nrun
	echo "$rdesc" >"$o.desc"
	hg "$@" >"$o.out" 2>"$o.err"
	rc=$?
	if [ $rc -ge 128 ] || grep -qE 'Sanitizer|runtime error:|^==[0-9]+==' "$o.err"; then
		fail "$rdesc: crashed (exit $rc)"; sed 's/^/    /' "$o.err" | head -8
		return 1
	fi
	return 0
}

# fatal CODE DESC FILE [ERE]: exit CODE, one "heapgraph: FILE: ..." line
# (matching ERE when given), empty stdout.
fatal() {
	want=$1; desc=$2; file=$3; re=${4:-.}
	run "$desc" info --json "$file" || return
	lines=$(wc -l <"$o.err")
	if [ $rc -ne "$want" ]; then
		fail "$desc: exit $rc, wanted $want"; sed 's/^/    /' "$o.err" | head -3
	elif [ "$lines" -ne 1 ] || ! grep -qF "heapgraph: $file: " "$o.err"; then
		fail "$desc: wanted one line 'heapgraph: $file: ...' on stderr, got:"; sed 's/^/    /' "$o.err" | head -5
	elif ! grep -qE "$re" "$o.err"; then
		fail "$desc: message does not match /$re/: $(cat "$o.err")"
	elif [ -s "$o.out" ]; then
		fail "$desc: printed something on stdout"
	else
		ok "$desc (exit $rc)"
	fi
}

# usage DESC ARGS...: exit 2, "heapgraph..." or "usage: heapgraph..." on
# stderr, nothing on stdout.
usage() {
	desc=$1; shift
	run "$desc" "$@" || return
	if [ $rc -eq 2 ] && head -n 1 "$o.err" | grep -qE '^(usage: )?heapgraph' && [ ! -s "$o.out" ]; then
		ok "$desc (exit 2)"
	else
		fail "$desc: exit $rc, wanted 2 and a 'heapgraph...' message"; sed 's/^/    /' "$o.err" | head -3
	fi
}

# result DESC WANT_INCOMPLETE EXPR [ARGS...] FILE: "info --json" exits 0 and
# its JSON (d) satisfies EXPR, a Python expression (json is imported, and
# $version is the version the process ran); every stderr line is a
# warning, and the same warnings are in the JSON.  WANT_INCOMPLETE 1 also
# wants "incomplete": true and at least one warning.
result() {
	desc=$1; want_inc=$2; expr=$3; shift 3
	run "$desc" info --json "$@" || return
	if [ $rc -ne 0 ]; then
		fail "$desc: exit $rc, wanted 0 (partial result)"; sed 's/^/    /' "$o.err" | head -3; return
	fi
	python3 - "$o.out" "$o.err" "$want_inc" "$expr" "$version" <<'PY' && ok "$desc" || fail "$desc"
import json, sys
out, err, want_inc, expr, version = sys.argv[1:6]
bad = []
try:
    d = json.load(open(out))
except ValueError as e:
    print("    stdout is not JSON: %s" % e); sys.exit(1)
lines = open(err).read().splitlines()
if [l for l in lines if not l.startswith("heapgraph: warning: ")]:
    bad.append("stderr lines that are not warnings: %s" % lines)
if ["heapgraph: warning: " + w for w in d["warnings"]] != lines:
    bad.append("JSON warnings %s differ from stderr" % d["warnings"])
if want_inc == "1" and (d["incomplete"] is not True or not lines):
    bad.append("incomplete %r with %d warnings, wanted true and a warning" % (d["incomplete"], len(lines)))
py = d["python"]
# Damage may lose the version, never change it: the full one or (from the file name) major.minor.
if py and py["version"] not in (version, version.rsplit(".", 1)[0]):
    bad.append("python version %s, the process ran %s" % (py["version"], version))
if not eval(expr, {"d": d, "json": json}):
    bad.append("wanted %s; pid %r, threads %d, mappings %r, python %r" % (
        expr, d["pid"], len(d["threads"]), d["mappings"], py and py["version"]))
for line in bad: print("    " + line)
sys.exit(1 if bad else 0)
PY
}
damaged() { desc=$1; expr=$2; shift 2; result "$desc" 1 "$expr" "$@"; }

# ---- a good core to damage: kernel-written when possible (notes first), else gcore ----
py=$(hg_pythons | grep '^debian-' | cut -d' ' -f2)
[ -n "$py" ] || py=$(hg_pythons | head -n 1 | cut -d' ' -f2)
[ -n "$py" ] || { skip "no Python interpreter found"; exit 0; }
if ! make_core "$py" basic good kernel >/dev/null 2>&1; then
	msg=$(make_core "$py" basic good gcore) || { fail "could not make a core: $msg"; exit 0; }
fi
good=$T_OUT/good.core
good_pid=$(json_get "$T_OUT/good.truth.json" 'd["pid"]')
version=$(json_get "$T_OUT/good.truth.json" 'd["version"]')
result "good core: info works, python $version" 0 "d['pid'] == $good_pid and d['python']['version'] == '$version' and not d['incomplete']" "$good"
cp "$o.out" "$T_OUT/good.json"
python3 "$T_TOP/tests/t/badcores.py" "$good" "$BAD" || { fail "badcores.py failed"; exit 0; }
. "$BAD/facts.sh"

# pid_if FLAG: the pid must be right when NT_PRPSINFO survived (FLAG 1); without
# it, it may only be unknown or the first thread's id.
pid_if() { if [ "$1" = 1 ]; then echo "d['pid'] == $good_pid"; else echo "d['pid'] in (None, $first_tid)"; fi; }

# ---- not a core, or not one heapgraph supports ----
: >"$T_OUT/empty"
fatal 3 "nonexistent file" "$T_OUT/no-such-core" 'cannot open'
fatal 3 "directory" "$T_OUT" 'not a regular file'
fatal 3 "empty file" "$T_OUT/empty" 'empty'
fatal 3 "/dev/null" /dev/null
fatal 3 "random bytes" "$BAD/random.bin" 'not an ELF'
fatal 3 "ELF executable, not a core" /bin/true 'not a core'
fatal 4 "32-bit core" "$BAD/elf32.core" '32-bit'
fatal 4 "big-endian core" "$BAD/be64.core" 'big-endian'
fatal 4 "unknown e_machine (RISC-V)" "$BAD/riscv.core" 'architecture'
result "aarch64 e_machine on x86-64 notes: no crash, pid right" 0 "d['pid'] == $good_pid and d['arch'] == 'aarch64'" "$BAD/aarch64.core"

# ---- broken headers ----
fatal 3 "cut inside e_ident" "$BAD/cut-ident.core"
fatal 3 "cut inside the ELF header" "$BAD/cut-ehdr.core" 'truncated ELF header'
fatal 3 "cut inside the program headers" "$BAD/cut-phdrs.core" 'program headers'
fatal 3 "PN_XNUM without section 0" "$BAD/phnum-xnum.core"
fatal 3 "PN_XNUM, section 0 counts none" "$BAD/phnum-xnum-zero.core" 'segment count'
fatal 3 "bad e_phentsize" "$BAD/phentsize.core"
fatal 3 "e_phoff near 2^64" "$BAD/phoff.core"

# ---- cut short ----
damaged "cut inside the first note" "$(pid_if "$cut_first_note_pid")" "$BAD/cut-first-note.core"
damaged "cut inside NT_FILE" "$(pid_if "$cut_ntfile_pid") and d['mappings'] == 0" "$BAD/cut-ntfile.core"
damaged "cut where the notes start" "$(pid_if "$cut_notes_start_pid") and d['mappings'] == 0" "$BAD/cut-notes-start.core"
if [ "$notes_first" = 1 ]; then
	damaged "cut where the notes end" "d['pid'] == $good_pid and len(d['threads']) == $nthreads and d['mappings'] == $nmappings" "$BAD/cut-notes-end.core"
fi
damaged "cut in the middle of the segments" "$(pid_if "$cut_mid_pid")" "$BAD/cut-mid.core"
damaged "cut 100 bytes before the end of the last segment" "$(pid_if "$cut_end_pid")" "$BAD/cut-end.core"

# ---- damaged notes and segments ----
damaged "note length past the end" "d['pid'] == $good_pid and len(d['threads']) == $note_desc_len_threads" "$BAD/note-desc-len.core"
damaged "note name length past the end" "d['pid'] is None and d['threads'] == []" "$BAD/note-name-len.core"
damaged "NT_FILE count 2^64-1" "d['pid'] == $good_pid and d['mappings'] == 0 and d['python'] is None" "$BAD/ntfile-huge-count.core"
damaged "NT_FILE count eats the names" "d['pid'] == $good_pid and d['mappings'] < $nmappings" "$BAD/ntfile-room-count.core"
damaged "NT_FILE page size 0" "d['pid'] == $good_pid and d['mappings'] == 0" "$BAD/ntfile-page0.core"
damaged "NT_FILE last name without NUL" "d['pid'] == $good_pid and d['mappings'] == $nmappings - 1" "$BAD/ntfile-no-nul.core"
damaged "NT_PRSTATUS too short" "d['pid'] == $good_pid and len(d['threads']) == $nthreads - 1" "$BAD/prstatus-short.core"
damaged "NT_PRPSINFO too short" "d['pid'] == $first_tid and d['command'] is None" "$BAD/prpsinfo-short.core"
damaged "PT_NOTE offset past the end" "d['threads'] == [] and d['mappings'] == 0" "$BAD/note-offset.core"
damaged "PT_NOTE size past the end" "d['pid'] == $good_pid" "$BAD/note-filesz.core"
damaged "PT_LOAD offset near 2^64" "d['pid'] == $good_pid" "$BAD/load-offset.core"
damaged "PT_LOAD address near 2^64" "d['pid'] == $good_pid" "$BAD/load-vaddr.core"
damaged "overlapping PT_LOADs" "d['pid'] == $good_pid" "$BAD/load-overlap.core"
damaged "no PT_LOAD at all" "d['pid'] == $good_pid and d['segments'] == 0 and any('no memory segments' in w for w in d['warnings'])" "$BAD/no-loads.core"

# ---- compressed ----
damaged ".gz cut in half" "d['compression'] == 'gzip' and $(pid_if "$notes_first")" "$BAD/cut.gz"
damaged ".gz corrupt in the middle" "d['compression'] == 'gzip' and $(pid_if "$notes_first")" "$BAD/corrupt.gz"
fatal 3 ".gz cut after 20 bytes" "$BAD/tiny.gz"
fatal 3 "gzip of random bytes" "$BAD/random.gz" 'not an ELF'
fatal 3 "gzip header then garbage" "$BAD/garbage.gz" 'gzip'
fatal 3 "zstd magic then garbage" "$BAD/garbage.zst" 'zstd'
if [ -f "$BAD/cut.zst" ]; then
	damaged ".zst cut in half" "d['compression'] == 'zstd' and $(pid_if "$notes_first")" "$BAD/cut.zst"
	damaged ".zst corrupt in the middle" "d['compression'] == 'zstd' and $(pid_if "$notes_first")" "$BAD/corrupt.zst"
	fatal 3 ".zst cut after 12 bytes" "$BAD/tiny.zst"
else
	skip "no zstd command: cut .zst files not tested"
fi

# ---- usage errors ----
usage "usage: no dump" info
usage "usage: unknown option" info --no-such-option "$good"
usage "usage: two dumps" info "$good" "$good"
usage "usage: --sysroot without a folder" info "$good" --sysroot
usage "usage: no command"
usage "usage: unknown command" no-such-command "$good"

# ---- --sysroot ----
# mirror CORE.json DIR [flat]: links every mapped file of the core under DIR,
# at its own path or (flat) by its base name.
mirror() {
	python3 - "$@" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1])); root = sys.argv[2]; flat = len(sys.argv) > 3
for f in d["files"]:
    p = f["path"]
    if not os.path.isfile(p):
        continue
    dst = os.path.join(root, os.path.basename(p) if flat else p.lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if not os.path.lexists(dst):
        os.symlink(p, dst)
PY
}
mkdir -p "$T_OUT/sysroot-empty"
result "--sysroot empty folder: files missing, python null naming --sysroot" 0 \
	"all(f['status'] == 'missing' for f in d['files']) and d['files'] and d['python'] is None and '--sysroot' in d['python_message']" \
	--sysroot "$T_OUT/sysroot-empty" "$good"
check "--sysroot empty folder: the warning says the files are not under the sysroot" \
	grep -q '^heapgraph: warning: .*not found under the sysroot' "$o.err"

same_python="d['python'] == json.load(open('$T_OUT/good.json'))['python']"
mirror "$T_OUT/good.json" "$T_OUT/sysroot-tree"
result "--sysroot with the files at their paths: same python, found there" 0 \
	"$same_python and all(f['status'] != 'missing' and f['found_at'].startswith('$T_OUT/sysroot-tree/') for f in d['files'])" \
	--sysroot "$T_OUT/sysroot-tree" "$good"
mirror "$T_OUT/good.json" "$T_OUT/sysroot-flat" flat
result "--sysroot with the files by base name: same python" 0 "$same_python" --sysroot "$T_OUT/sysroot-flat" "$good"

# mismatch NAME CORE.json IMAGE REPLACEMENT: a mirror where IMAGE is REPLACEMENT.
mismatch() {
	mname=$1; mjson=$2; image=$3; repl=$4
	mirror "$mjson" "$T_OUT/sysroot-$mname"
	rm -f "$T_OUT/sysroot-$mname$image"
	cp "$repl" "$T_OUT/sysroot-$mname$image"
	result "--sysroot where $image is $(basename "$repl"): mismatch, python null" 0 \
		"[f['status'] for f in d['files'] if f['path'] == '$image'] == ['mismatch'] and all(f['status'] in ('ok', 'unverified') for f in d['files'] if f['path'] != '$image') and d['python'] is None and 'another build' in d['python_message']" \
		--sysroot "$T_OUT/sysroot-$mname" "$T_OUT/$mname.core"
	check "--sysroot where $image is $(basename "$repl"): the warning says build-id mismatch" \
		grep -q '^heapgraph: warning: .*build-id mismatch' "$o.err"
}
mismatch good "$T_OUT/good.json" "$(json_get "$T_OUT/good.json" 'd["python"]["image"]')" /bin/true

# A pyenv (shared libpython) core: its libpython replaced by another version's,
# and, for 3.8-3.10, the version string moved to the very end of a segment.
hg_pythons | grep -E '^pyenv-3\.(8|9|10)\.' >"$T_OUT/old-pythons"
hg_pythons | grep '^pyenv-' | tail -n 1 >>"$T_OUT/old-pythons"
read -r pname ppy <"$T_OUT/old-pythons" || true
other=$(hg_pythons | grep '^pyenv-' | grep -v "^$pname " | head -n 1 | cut -d' ' -f2)
if [ -z "${pname:-}" ] || [ -z "$other" ]; then
	skip "fewer than two pyenv versions: libpython mismatch and version-at-edge not tested"
	exit 0
fi
if ! make_core "$ppy" basic "$pname" kernel >/dev/null 2>&1; then
	msg=$(make_core "$ppy" basic "$pname" gcore) || { fail "$pname: could not make a core: $msg"; exit 0; }
fi
hg info --json "$T_OUT/$pname.core" >"$T_OUT/$pname.json" 2>/dev/null
if ! lib=$(json_get "$T_OUT/$pname.json" 'd["python"]["image"]' 2>/dev/null); then
	fail "$pname: info finds no Python in its core"; exit 0
fi
otherlib=$(ls "$(dirname "$other")"/../lib/libpython3.*.so.1.0 2>/dev/null | head -n 1)
[ -n "$otherlib" ] || otherlib=/bin/true	# a static build has no libpython to lend
mismatch "$pname" "$T_OUT/$pname.json" "$lib" "$otherlib"

pversion=$(json_get "$T_OUT/$pname.truth.json" 'd["version"]')
case $pversion in
3.8.*|3.9.*|3.10.*) ;;
*) skip "no pyenv 3.8-3.10: the version string in .bss is not tested"; exit 0 ;;
esac
if planted=$(python3 "$T_TOP/tests/t/badcores.py" --version-at-edge "$T_OUT/$pname.core" "$lib" "$pversion" "$BAD/version-edge.core"); then
	version=$pversion
	result "$pname: version string at a segment's end: not read past it (no $planted)" 0 \
		"d['python'] and d['python']['version'] != '$planted'" "$BAD/version-edge.core"
else
	skip "$pname: no room to move the version string to a segment's end"
fi
