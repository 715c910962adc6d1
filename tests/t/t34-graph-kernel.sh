#!/bin/sh
# The object graph from kernel-written cores (which keep only the first page
# of read-only file mappings: the rest comes from the files on disk), for a
# static (Debian) and a shared (pyenv) build, and sid's 3.13 in its chroot
# (its core names files as the process saw them: read under the root): the
# same agreement with the live process as gcore cores (compare_graph.py).
. "$(dirname "$0")/lib.sh"

pat=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
case "$pat" in
'|'*|*/*) skip "kernel cores go elsewhere here (core_pattern '$pat')"; exit 0 ;;
esac
hg_pythons | awk '$1 == "debian-3.11" || /3\.13/' >"$T_OUT/pythons"
n=0
while read -r name py; do
	n=$((n + 1))
	hg_sysroot "$py"
	if ! msg=$(make_core "$py" zoo "$name" kernel); then
		skip "$name: no kernel core: $msg"; continue
	fi
	compare_core "$name" "$name (kernel core)"
done <"$T_OUT/pythons"
[ "$n" -gt 0 ] || skip "no Python interpreter found"
