#!/bin/sh
# install-deps.sh - make sure the Debian packages heapgraph builds and tests
# with are present.  As root it installs what is missing with apt-get;
# otherwise it names the packages and fails.  Called by make, make check,
# make demo and make fuzz (HG_DEPS=test, HG_DEPS=fuzz); the stamp file given
# as $1 is touched on success.
set -eu

build_pkgs="gcc make pkg-config libgraphviz-dev libxml2-dev zlib1g-dev libzstd-dev libjansson-dev libxxhash-dev"
test_pkgs="gdb time valgrind util-linux python3 python3-objgraph python3-flask python3-django python3-numpy python3-networkx chromium zstd gzip graphviz"

# make fuzz: clang with its libFuzzer runtime (a recommendation of clang, so named).
fuzz_pkgs="clang libclang-rt-dev"

want="$build_pkgs"
[ "${HG_DEPS:-build}" = test ] && want="$build_pkgs $test_pkgs"

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# A clang that is already there (from any source) and links a fuzzer is used as it is.
if [ "${HG_DEPS:-build}" = fuzz ] &&
   ! { command -v clang >/dev/null 2>&1 &&
       echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
       clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; }; then
	missing="$missing $fuzz_pkgs"
fi

if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "heapgraph: installing Debian packages:$missing" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2 || true
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >&2
	else
		echo "heapgraph: missing Debian packages:$missing" >&2
		echo "heapgraph: install them with: sudo apt-get install$missing" >&2
		exit 1
	fi
fi
[ $# -ge 1 ] && touch "$1"
exit 0
