#!/bin/sh
# heapgraph info on cores written by the kernel (the scenario aborts itself):
# Debian's static /usr/bin/python3.11 and the oldest and newest pyenv
# (shared libpython) builds.  Kernel cores leave out the read-only pages of
# mapped files, so symbols and read-only data must come from the files on disk.
# Checks pid, Python version, signal (SIGABRT = 6), threads, executable,
# that every mapped file was found with a matching build-id, and that the
# text output names the signal.
. "$(dirname "$0")/lib.sh"

pat=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
case "$pat" in
'|'*)	skip "core_pattern pipes cores to a program ($pat); cannot make kernel cores here"; exit 0 ;;
*/*)	skip "core_pattern writes cores elsewhere ($pat); cannot make kernel cores here"; exit 0 ;;
esac
if [ "$(ulimit -H -c)" = 0 ]; then
	skip "the hard core size limit is 0 (ulimit -H -c); cannot make kernel cores here"; exit 0
fi

# Debian's python3.11, the first and last pyenv version, and sid's 3.14 in
# its chroot (whose core names the files as the process saw them: read with
# $HEAPGRAPH_SYSROOT set to the root).
hg_pythons >"$T_OUT/all"
sid_missing "$T_OUT/all"
{
	grep '^debian-' "$T_OUT/all"
	grep '^pyenv-' "$T_OUT/all" | head -n 1
	grep '^pyenv-' "$T_OUT/all" | tail -n 1
	grep '^sid-3.14 ' "$T_OUT/all"
} | uniq >"$T_OUT/pythons"
grep -q '^debian-' "$T_OUT/pythons" || skip "no /usr/bin/python3.11 (Debian's static build)"
grep -q '^pyenv-' "$T_OUT/pythons" || skip "no pyenv interpreter"

while read -r name py; do
	hg_sysroot "$py"
	if ! msg=$(make_core "$py" basic "$name" kernel 2>"$T_OUT/$name.make.err"); then
		fail "$name: could not make a kernel core: $msg"; continue
	fi
	"$HEAPGRAPH" info --json "$T_OUT/$name.core" >"$T_OUT/$name.info.json" 2>"$T_OUT/$name.info.err" ||
		{ fail "$name: info exited $?"; sed 's/^/    /' "$T_OUT/$name.info.err"; continue; }
	python3 - "$T_OUT/$name.truth.json" "$T_OUT/$name.info.json" "$name" <<'PY' && ok "$name: kernel core: pid, version, signal, threads, files agree with the live process" || fail "$name: kernel core: info disagrees with the live process"
import json, sys
truth = json.load(open(sys.argv[1])); info = json.load(open(sys.argv[2])); name = sys.argv[3]
bad = []
def want(what, got, exp):
    if got != exp: bad.append("%s %r, wanted %r" % (what, got, exp))
want("pid", info["pid"], truth["pid"])
want("signal", info["signal"], 6)
want("incomplete", info["incomplete"], False)
want("warnings", info["warnings"], [])
want("executable", info["executable"], truth["executable"])
# the kernel keeps 80 bytes of the command line: the script's path may be cut short
script = truth["argv"][0]
cmd = info["command"] or ""
if not cmd or not (script in cmd or any(cmd.endswith(script[:k]) for k in range(8, len(script)))):
    bad.append("command %r does not name %s" % (cmd, script))
py = info["python"]
if not py:
    bad.append("no python: %s" % info.get("python_message"))
else:
    want("version", py["version"], truth["version"])
    want("version_hex", int(py["version_hex"], 16), truth["hexversion"])
    want("build", py["build"], "shared" if name.startswith("pyenv-") else "static")
    want("supported", py["supported"], True)
tids = sorted(t["tid"] for t in info["threads"])
want("thread ids", tids, sorted(t["native_id"] for t in truth["threads"]))
for f in info["files"]:
    # Every ELF the kernel mapped keeps its first page, hence its build-id.
    if f["status"] != "ok":
        bad.append("file %s is %s" % (f["path"], f["status"]))
for line in bad: print("    " + name + ": " + line)
sys.exit(1 if bad else 0)
PY
	"$HEAPGRAPH" info "$T_OUT/$name.core" >"$T_OUT/$name.info.txt" 2>&1
	check "$name: text output names the signal" grep -q '^signal  *6 SIGABRT$' "$T_OUT/$name.info.txt"
done <"$T_OUT/pythons"
