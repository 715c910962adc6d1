#!/bin/sh
# sid-root.sh - prints the folder of a Debian unstable ("sid") root holding
# CPython 3.14 and 3.15 (and 3.13, a later patch release than pyenv's),
# making it first when it is missing.  Debian 12 ships
# neither interpreter and they need sid's libc, so the tests run them with
# chroot; gcore from the host dumps them (the core's file note then names
# host paths under the root, which heapgraph reads like any other).
#
#   HG_SID_ROOT   where the root lives (default /var/cache/heapgraph/sid-root),
#                 outside any clone so that later runs reuse it
#
# Made with debootstrap (installed with apt-get when missing) from the same
# archive apt uses; about a minute and ~300 MB.  Exits 1 with a message on
# stderr when the root cannot be made (not root, no archive): the tests say
# so instead of passing silently.
set -eu

root=${HG_SID_ROOT:-/var/cache/heapgraph/sid-root}
# gdb: the root's own gcore dumps its processes.  The host's gdb 13 cannot:
# sid's glibc guards thread stacks with MADV_GUARD_INSTALL, reading the guard
# page fails and gdb 13 then leaves the whole stack out of the core.
pkgs="python3.13,python3.14,python3.15,python3-objgraph,gdb"
stamp=$root/.heapgraph-root

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
	echo "$root"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "sid-root.sh: $root is missing and only root can make it (debootstrap, chroot)" >&2
	exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2 ||
		{ echo "sid-root.sh: debootstrap could not be installed" >&2; exit 1; }
fi
# the archive apt uses (deb.debian.org unless the sources say otherwise)
mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)\/* *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

# a root made for fewer packages gets the missing ones
if [ -f "$stamp" ] && [ "$(id -u)" = 0 ]; then
	# shellcheck disable=SC2046
	if chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$(echo "$pkgs" | tr ',' ' ') >"$root.log" 2>&1; then
		echo "$pkgs" >"$stamp"
		rm -f "$root.log"
		echo "$root"
		exit 0
	fi
	echo "sid-root.sh: could not add packages to $root (see $root.log); making it anew" >&2
fi
mkdir -p "$(dirname "$root")"
tmp=$root.tmp.$$
rm -rf "$tmp"
echo "sid-root.sh: making $root with debootstrap ($pkgs from $mirror)" >&2
if ! debootstrap --variant=minbase --include="$pkgs" sid "$tmp" "$mirror" >"$tmp.log" 2>&1; then
	echo "sid-root.sh: debootstrap failed; the end of its log:" >&2
	tail -5 "$tmp.log" >&2
	rm -rf "$tmp"
	exit 1
fi
rm -f "$tmp.log"
rm -rf "$tmp/var/cache/apt/archives/"*.deb
echo "$pkgs" >"$tmp/.heapgraph-root"
rm -rf "$root"
mv "$tmp" "$root"
echo "$root"
